// `fpt train`: a live glute-raise session against one board: onsets, reps, restart cues and
// verdicts on the terminal and, optionally, as a JSON Lines event stream.
#pragma once

#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

namespace fpt::app {

struct TrainOptions {
  std::string port;
  unsigned baud = 500000;
  int stage = 3;
  std::string mode = "train";  // train: cue restarts; assess: judge silently
  double tolerance_ms = 0.0;
  std::string athlete = "anonymous";
  std::string events;       // JSON Lines file, "-" for standard output, "" for none
  double duration_s = 0.0;  // 0: until Ctrl-C
  int handshake_timeout_ms = 3000;
  std::string detector = "cusum";
  double mains_hz = -1.0;
};

/// Options shared by `fpt train` and `fpt demo`.
void add_session_options(CLI::App& cmd, TrainOptions& o);
void add_train_options(CLI::App& cmd, TrainOptions& o);
int run_train(const TrainOptions& o, std::ostream& out);

}  // namespace fpt::app
