// The session as two tables for spreadsheets and for `fpt analyze`: onsets.csv (every
// activation onset: rep, muscle, refined onset, decision) and reps.csv (every rep: start, end,
// verdict, reason, and the figures behind them). Times in seconds from the recording's start.
#pragma once

#include <array>
#include <cstdio>
#include <optional>
#include <string>

#include "session_coach.hpp"

namespace fpt::cue {

class SessionTables final : public session::CoachedSink {
 public:
  /// Creates dir/onsets.csv and dir/reps.csv (0600). Throws IoError.
  explicit SessionTables(const std::string& dir);
  ~SessionTables() override;
  SessionTables(const SessionTables&) = delete;
  SessionTables& operator=(const SessionTables&) = delete;

  void on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) override;
  void on_rep_event(const session::RepEvent& e) override;
  void on_rep_end(const session::RepEvent& e, const session::RepProgress& p) override;
  /// Writes onsets still waiting for their refinement and closes both files.
  void on_summary(const session::SessionSummary& s) override;

  [[nodiscard]] std::uint64_t write_errors() const noexcept { return write_errors_; }

 private:
  struct Pending {
    int rep = -1;  // -1: its rep has not started yet (the rep starts after its first onset)
    double onset_s = 0.0, decision_s = 0.0;
  };
  void write_onset(session::Muscle m, const Pending& p);
  void put(std::FILE* f, const std::string& line);

  std::FILE* onsets_ = nullptr;
  std::FILE* reps_ = nullptr;
  std::array<std::optional<Pending>, session::kMuscles> pending_{};
  int rep_ = 0;
  bool in_rep_ = false;
  std::uint64_t write_errors_ = 0;
};

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& s);

}  // namespace fpt::cue
