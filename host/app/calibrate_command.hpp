// `fpt calibrate`: the guided calibration against a board. Built so far: step 1, the sensor
// check at rest (per channel pass / warn / fail with what to do). MVC, IMU and writing the
// profile are the next steps (issue 7).
#pragma once

#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

namespace fpt::app {

struct CalibrateOptions {
  std::string port;
  unsigned baud = 500000;
  std::string athlete = "anonymous";
  double rest_s = 10.0;
  int handshake_timeout_ms = 3000;
};

void add_calibrate_options(CLI::App& cmd, CalibrateOptions& o);
/// Exit status: 0 when every channel passes or warns, 3 when one fails.
int run_calibrate(const CalibrateOptions& o, std::ostream& out);

}  // namespace fpt::app
