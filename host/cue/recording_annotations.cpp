#include "recording_annotations.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace fpt::cue {
namespace {

/// The muscle's name (session::to_string returns literals, so the view is NUL-terminated).
const char* name(session::Muscle m) {
  return session::to_string(m).data();
}

}  // namespace

void RecordingAnnotations::stage(double t_s, int stage, const char* mode) {
  char text[120];
  std::snprintf(text, sizeof text, "stage %d, %s", stage, mode);
  recorder_.annotate(t_s, -1.0, text);
}

void RecordingAnnotations::on_baseline(const session::BaselineReport& b) {
  char text[120];
  std::snprintf(text, sizeof text, "rest learnt: SD glute %.1f, hamstring %.1f, lumbar %.1f uV",
                b.rest_sd_uv[0], b.rest_sd_uv[1], b.rest_sd_uv[2]);
  recorder_.annotate(b.t_s, -1.0, text);
}

void RecordingAnnotations::on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) {
  fs_hz_ = fs_hz;
  char text[120];
  const double t = static_cast<double>(e.index) / fs_hz;
  const double decided = static_cast<double>(e.decision_index) / fs_hz;
  switch (e.kind) {
    case dsp::OnsetEvent::Kind::kOnset:
      std::snprintf(text, sizeof text, "%s onset estimate (decided %.4f s)", name(m), decided);
      break;
    case dsp::OnsetEvent::Kind::kRefined:
      std::snprintf(text, sizeof text, "%s onset", name(m));
      break;
    case dsp::OnsetEvent::Kind::kOffset:
      std::snprintf(text, sizeof text, "%s offset", name(m));
      break;
  }
  recorder_.annotate(t, -1.0, text);
  if (e.kind == dsp::OnsetEvent::Kind::kOnset) {
    std::snprintf(text, sizeof text, "%s onset decided", name(m));
    recorder_.annotate(decided, -1.0, text);
  }
}

void RecordingAnnotations::on_rep_event(const session::RepEvent& e) {
  char text[120];
  if (e.kind == session::RepEvent::Kind::kRepStart) {
    std::snprintf(text, sizeof text, "rep %d start", e.rep);
    recorder_.annotate(e.t_s, -1.0, text);
  } else if (e.kind == session::RepEvent::Kind::kRestartCue) {
    std::snprintf(text, sizeof text, "cue restart: %s before %s (processing %.2f ms)",
                  name(e.offender), name(e.leader),
                  std::isnan(e.processing_ms) ? 0.0 : e.processing_ms);
    recorder_.annotate(e.t_s, -1.0, text);
  }
}

void RecordingAnnotations::on_rep_end(const session::RepEvent& e, const session::RepProgress& p) {
  char text[120];
  std::snprintf(text, sizeof text, "rep %d %s%s%s (%s)", e.rep, e.verdict.good ? "good" : "restart",
                e.verdict.good ? "" : ": ", e.verdict.reason.c_str(), p.order.c_str());
  recorder_.annotate(e.start_s, std::max(0.0, e.t_s - e.start_s), text);
  last_rep_end_s_ = e.t_s;
}

void RecordingAnnotations::on_advice(const session::StageAdvice& a) {
  char text[120];
  std::snprintf(text, sizeof text, "advice: %s", a.text.c_str());
  recorder_.annotate(last_rep_end_s_, -1.0, text);  // advice follows the rep that earned it
}

void RecordingAnnotations::on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) {
  char text[120];
  std::snprintf(text, sizeof text, "link gap: %u %s samples lost", missing, imu ? "IMU" : "EMG");
  recorder_.annotate(imu ? 0.0 : static_cast<double>(first_index) / fs_hz_,
                     imu ? -1.0 : missing / fs_hz_, text);
}

void RecordingAnnotations::on_link(bool up, std::uint64_t index) {
  recorder_.annotate(static_cast<double>(index) / fs_hz_, -1.0,
                     up ? "link back (reconnected)" : "link lost");
}

}  // namespace fpt::cue
