// The machine-readable event stream: one JSON object per line (JSON Lines), flushed as it comes
// so another program can follow a live session, and written from a thread of its own so a slow
// reader never delays a cue. Schema: docs/events.md.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "async_writer.hpp"
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

  /// Waits until every event so far is written (call before write_errors()).
  void finish();
  /// Lines that could not be written (disk full, closed pipe, a reader too slow to keep up);
  /// the session goes on.
  [[nodiscard]] std::uint64_t write_errors() const noexcept;

 private:
  void write(std::string line);
  // Lines are formatted here and written by the writer's thread: a slow reader never holds up
  // the pipeline.
  std::unique_ptr<AsyncWriter> writer_;
};

}  // namespace fpt::cue
