// What a helper (or the athlete, glancing up) sees. On a terminal: a live panel at the bottom —
// stage, reps, per-muscle activity bars, the last verdict large and coloured with its reason,
// the lumbar trend — with the session's events scrolling above it. Elsewhere (pipe, file): the
// same events as plain lines, one per event.
#pragma once

#include <array>
#include <optional>
#include <ostream>
#include <string>

#include "session_coach.hpp"

namespace fpt::cue {

/// A snapshot for the live panel, taken by the session loop about ten times a second.
struct LiveState {
  int stage = 3;
  std::string mode = "train";
  bool ready = false;  // rest learnt
  bool in_rep = false;
  session::RepPhase phase = session::RepPhase::kRest;
  double pitch_deg = 0.0;
  std::array<double, session::kMuscles> level_uv{};
  std::array<double, session::kMuscles> rest_uv{};  // rest SD; 0 while learning
  std::array<bool, session::kMuscles> active{};
  bool link_up = true;
};

/// The panel as text (ANSI colours when colour is true). Pure: tested directly.
std::string render_panel(const LiveState& live, int reps, int good, int streak,
                         const std::optional<session::Verdict>& last, const std::string& trend,
                         bool colour, int width = 64);

/// A bar for a level relative to rest: log scale, rest (1x) empty, 100x rest full.
std::string activity_bar(double level_uv, double rest_uv, int width);

class TerminalView final : public session::CoachedSink {
 public:
  /// live: draw the panel (a terminal); otherwise plain lines. colour: ANSI colours.
  /// quiet: only stage advice and the summary (for offline analysis of long recordings).
  TerminalView(std::ostream& out, bool live, bool colour, bool quiet = false);

  void on_baseline(const session::BaselineReport& b) override;
  void on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) override;
  void on_rep_event(const session::RepEvent& e) override;
  void on_rep_end(const session::RepEvent& e, const session::RepProgress& p) override;
  void on_advice(const session::StageAdvice& a) override;
  void on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) override;
  void on_link(bool up, std::uint64_t index) override;
  void on_summary(const session::SessionSummary& s) override;

  /// Redraws the panel (live mode only).
  void refresh(const LiveState& live);
  /// Prints a line above the panel.
  void line(const std::string& text);

 private:
  std::string paint(const std::string& s, const char* code) const;
  void erase_panel();

  std::ostream& out_;
  bool live_, colour_, quiet_;
  int panel_lines_ = 0;
  LiveState last_live_;
  int reps_ = 0, good_ = 0, streak_ = 0;
  std::optional<session::Verdict> last_verdict_;
  std::string trend_;
  double fs_hz_ = 1000.0;
};

}  // namespace fpt::cue
