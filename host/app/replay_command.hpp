// `fpt replay SESSION`: a recorded session's samples through the identical pipeline. With the
// recorded settings it reproduces the live onsets, cues and verdicts exactly; with others it
// answers "what if the tolerance were 20 ms" or "how would this look at stage 2".
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace fpt::app {

struct ReplayOptions {
  std::string session;  // id, or the session's folder
  std::optional<double> tolerance_ms;
  std::optional<int> stage;
  std::optional<std::string> mode;
  bool realtime = false;
  std::string events;  // JSON Lines, "-" for standard output
  std::string data_dir;
};

void add_replay_options(CLI::App& cmd, ReplayOptions& o);
int run_replay(const ReplayOptions& o, std::ostream& out);

}  // namespace fpt::app
