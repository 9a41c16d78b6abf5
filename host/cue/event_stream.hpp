// The machine-readable event stream: one JSON object per line (JSON Lines), flushed per event
// so another program can follow a live session. Schema: docs/events.md.
#pragma once

#include <cstdio>
#include <string>

#include "session_coach.hpp"

namespace fpt::cue {

class EventStream final : public session::CoachedSink {
 public:
  /// path "-" writes to standard output. Files are created 0600 (health data).
  /// Throws IoError when the file cannot be opened.
  explicit EventStream(const std::string& path);
  ~EventStream() override;
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  /// The first line: what this session is.
  void session_start(const std::string& athlete, int stage, const std::string& mode,
                     double tolerance_ms, const std::string& board_summary,
                     const std::string& detector = "cusum");

  void on_baseline(const session::BaselineReport& b) override;
  void on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) override;
  void on_rep_event(const session::RepEvent& e) override;
  void on_rep_end(const session::RepEvent& e, const session::RepProgress& p) override;
  void on_advice(const session::StageAdvice& a) override;
  void on_summary(const session::SessionSummary& s) override;
  void on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) override;
  void on_link(bool up, std::uint64_t index) override;

  /// Lines that could not be written (disk full, closed pipe); the session goes on.
  [[nodiscard]] std::uint64_t write_errors() const noexcept { return write_errors_; }

 private:
  void write(const std::string& line);
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  std::uint64_t write_errors_ = 0;
};

}  // namespace fpt::cue
