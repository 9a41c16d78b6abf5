#include <ostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "port_lister.hpp"

namespace fpt::app {

int run_ports(std::ostream& out) {
  const auto ports = io::list_ports();
  if (ports.empty()) {
    out << "no serial ports found (a virtual board's pseudo-terminal is not listed: pass its "
           "path to --port)\n";
    return 0;
  }
  out << fmt::format("{:<20} {:<9} {:<10} {:<16} {}\n", "PORT", "TRANSPORT", "USB ID", "SERIAL",
                     "DESCRIPTION");
  for (const auto& p : ports)
    out << fmt::format("{:<20} {:<9} {:<10} {:<16} {}\n", p.name, p.transport,
                       p.vid_pid().empty() ? "-" : p.vid_pid(),
                       p.usb_serial.empty() ? "-" : p.usb_serial, p.description);
  return 0;
}

}  // namespace fpt::app
