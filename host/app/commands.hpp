// The fpt subcommands. Each returns the process exit code; control-path failures throw
// fpt::Error, which main() prints as one line.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpt::app {

/// `fpt ports`: serial ports with their USB identity.
int run_ports(std::ostream& out);

struct MonitorOptions {
  std::vector<std::string> ports;
  unsigned baud = 500000;
  double duration_s = 0.0;  // 0: until Ctrl-C
  int handshake_timeout_ms = 3000;
  int rate_hz = 0;  // 0: keep the board's rate
  bool reconnect = true;
  std::string detector = "cusum";  // onset detector (see docs/onset-detection.md)
  double mains_hz = -1.0;          // -1: detect 50/60 Hz in the rest signal; 0: off
};

/// `fpt monitor`: device info and live stream statistics per board, one line a second.
int run_monitor(const MonitorOptions& options, std::ostream& out);

}  // namespace fpt::app
