// The session's events as annotations in the recording (EDF+/BDF+), so that a physio opening
// the file in EDFbrowser or MNE sees onsets, decisions, reps, verdicts with their reasons, cues
// with their latency, advice and link trouble on the signals. Runs on the pipeline thread:
// formats into a stack buffer and hands a fixed-size record to the recorder's ring.
#pragma once

#include "session_coach.hpp"
#include "session_recorder.hpp"

namespace fpt::cue {

class RecordingAnnotations final : public session::CoachedSink {
 public:
  explicit RecordingAnnotations(storage::SessionRecorder& recorder) : recorder_(recorder) {}

  void on_baseline(const session::BaselineReport& b) override;
  void on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) override;
  void on_rep_event(const session::RepEvent& e) override;
  void on_rep_end(const session::RepEvent& e, const session::RepProgress& p) override;
  void on_advice(const session::StageAdvice& a) override;
  void on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) override;
  void on_link(bool up, std::uint64_t index) override;

  /// The stage was changed (at the start, or by the physio).
  void stage(double t_s, int stage, const char* mode);

 private:
  storage::SessionRecorder& recorder_;
  double fs_hz_ = 1000.0;
  double last_rep_end_s_ = 0.0;
};

}  // namespace fpt::cue
