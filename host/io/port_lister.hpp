// Serial port discovery and USB identity, through libserialport (the only file that sees it).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fpt::io {

/// A serial port as the system describes it.
struct PortDescription {
  std::string name;         // e.g. /dev/ttyUSB0
  std::string description;  // e.g. "FT232R USB UART - FT232R USB UART"
  std::string transport;    // native, usb, bluetooth
  int usb_vid = -1;         // -1 when not USB
  int usb_pid = -1;
  std::string usb_serial;
  std::string usb_manufacturer;
  std::string usb_product;

  /// "0403:6001" or "" when not USB.
  [[nodiscard]] std::string vid_pid() const;
  /// True when both describe the same physical USB device (same VID:PID and serial).
  [[nodiscard]] bool same_usb_device(const PortDescription& other) const;
};

/// Lists the serial ports libserialport can see. Throws IoError when enumeration fails.
std::vector<PortDescription> list_ports();

/// Describes one port by path; nullopt when libserialport cannot (e.g. pseudo-terminals,
/// which Debian's libserialport 0.1.1 does not open).
std::optional<PortDescription> describe_port(const std::string& path);

/// Finds the port that carries this USB device now (it may have a new name after replugging).
std::optional<std::string> find_usb_device(const PortDescription& device);

}  // namespace fpt::io
