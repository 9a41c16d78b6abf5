#include "port_lister.hpp"

#include <libserialport.h>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::io {
namespace {

std::string safe_string(const char* s) {
  return s != nullptr ? std::string(s) : std::string();
}

std::string last_error() {
  char* msg = sp_last_error_message();
  std::string out = safe_string(msg);
  sp_free_error_message(msg);
  return out;
}

PortDescription describe(const sp_port* port) {
  PortDescription d;
  d.name = safe_string(sp_get_port_name(port));
  d.description = safe_string(sp_get_port_description(port));
  switch (sp_get_port_transport(port)) {
    case SP_TRANSPORT_USB: {
      d.transport = "usb";
      int vid = -1;
      int pid = -1;
      if (sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK) {
        d.usb_vid = vid;
        d.usb_pid = pid;
      }
      d.usb_serial = safe_string(sp_get_port_usb_serial(port));
      d.usb_manufacturer = safe_string(sp_get_port_usb_manufacturer(port));
      d.usb_product = safe_string(sp_get_port_usb_product(port));
      break;
    }
    case SP_TRANSPORT_BLUETOOTH:
      d.transport = "bluetooth";
      break;
    default:
      d.transport = "native";
      break;
  }
  return d;
}

}  // namespace

std::string PortDescription::vid_pid() const {
  if (usb_vid < 0) return {};
  return fmt::format("{:04x}:{:04x}", usb_vid, usb_pid);
}

bool PortDescription::same_usb_device(const PortDescription& other) const {
  return usb_vid >= 0 && usb_vid == other.usb_vid && usb_pid == other.usb_pid &&
         usb_serial == other.usb_serial;
}

std::vector<PortDescription> list_ports() {
  sp_port** ports = nullptr;
  if (sp_list_ports(&ports) != SP_OK) throw IoError("cannot list serial ports: " + last_error());
  std::vector<PortDescription> out;
  for (sp_port** p = ports; *p != nullptr; ++p) out.push_back(describe(*p));
  sp_free_port_list(ports);
  return out;
}

std::optional<PortDescription> describe_port(const std::string& path) {
  sp_port* port = nullptr;
  if (sp_get_port_by_name(path.c_str(), &port) != SP_OK) return std::nullopt;
  PortDescription d = describe(port);
  sp_free_port(port);
  return d;
}

std::optional<std::string> find_usb_device(const PortDescription& device) {
  if (device.usb_vid < 0) return std::nullopt;
  for (const auto& p : list_ports())
    if (p.same_usb_device(device)) return p.name;
  return std::nullopt;
}

}  // namespace fpt::io
