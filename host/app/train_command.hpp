// `fpt train`: a live glute-raise session against one board: onsets, reps, restart cues and
// verdicts as sound, on the terminal and, optionally, as a JSON Lines event stream.
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
  int advance_after = 5;       // good reps in a row before the next stage is suggested
  std::string sound = "auto";  // auto: the sound card if there is one; off
  std::string sound_device = "default";
  std::string audio_out;      // WAV file for the cue sounds (instead of the sound card)
  bool speech = true;         // words after the tones
  bool realtime = true;       // ask SCHED_FIFO for the pipeline and I/O threads
  bool wav_fallback = false;  // demo: no sound card -> a WAV in the data folder
  std::string profile;        // calibration profile; default: the athlete's, if any
  std::string data_dir;       // set by main
  bool record = true;         // record into DATA/sessions/ID
};

/// Options shared by `fpt train` and `fpt demo`.
void add_session_options(CLI::App& cmd, TrainOptions& o);
void add_train_options(CLI::App& cmd, TrainOptions& o);
int run_train(const TrainOptions& o, std::ostream& out);

}  // namespace fpt::app
