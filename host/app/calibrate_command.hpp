// `fpt calibrate`: the guided calibration against a board, spoken and printed step by step:
// sensor check and rest baseline, MVC per muscle (with a repeat for a weak trial and a check
// for swapped channels), the thigh sensor's rotation; then the athlete's profile is written.
#pragma once

#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

#include "calibration_plan.hpp"

namespace fpt::app {

struct CalibrateOptions {
  std::string port;
  unsigned baud = 500000;
  std::string athlete = "anonymous";
  calibration::PlanTiming timing;
  bool sensor_check_only = false;
  std::string sound = "auto";  // auto: sound card if present; off
  std::string sound_device = "default";
  std::string audio_out;    // spoken prompts to a WAV file instead
  std::string profile_out;  // default DATA/profiles/ATHLETE.json
  int handshake_timeout_ms = 3000;
  bool record = true;    // the whole calibration into DATA/sessions/ID (EDF+ and sidecar)
  std::string data_dir;  // set by main
};

void add_calibrate_options(CLI::App& cmd, CalibrateOptions& o);
/// Exit status: 0 when the profile was written (or the sensor check passed with
/// --sensor-check-only), 3 when a check failed (nothing written), 130 when stopped.
int run_calibrate(const CalibrateOptions& o, std::ostream& out);

}  // namespace fpt::app
