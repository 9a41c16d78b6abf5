// `fpt analyze`: a recording (CSV) through the identical pipeline, as fast as the machine
// allows; writes onsets.csv, reps.csv and events.jsonl into a folder.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "csv_recording.hpp"

namespace fpt::app {

struct AnalyzeOptions {
  std::string input;
  std::string out_dir;
  int stage = 3;
  double tolerance_ms = 0.0;
  std::string detector = "cusum";
  double mains_hz = -1.0;
  int advance_after = 5;
  std::string audio_out;  // cue sounds on the recording's timeline (WAV)
  bool speech = true;
  bool verbose = false;
  double fs_hz = 0.0;  // 0: from the time column
  storage::CsvOptions csv;
};

void add_analyze_options(CLI::App& cmd, AnalyzeOptions& o);
int run_analyze(const AnalyzeOptions& o, std::ostream& out);

}  // namespace fpt::app
