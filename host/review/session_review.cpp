#include "session_review.hpp"

#include <algorithm>
#include <cmath>

namespace fpt::review {
namespace {

/// Gathers the coach's per-rep output (it arrives once per rep, never per sample).
class ReviewCollector final : public session::CoachedSink {
 public:
  explicit ReviewCollector(SessionReview& r) : review_(r) {}

  void on_baseline(const session::BaselineReport& b) override { review_.rest_sd_uv = b.rest_sd_uv; }
  void on_rep_end(const session::RepEvent& e, const session::RepProgress& p) override {
    RepReview r;
    r.rep = e.rep;
    r.start_t = e.start_s;
    r.end_t = e.t_s;
    r.good = e.verdict.good;
    r.reason = e.verdict.reason;
    r.fault = e.verdict.fault;
    r.order = p.order;
    r.onsets = e.onsets;
    r.decisions = e.decisions;
    r.cued_restart = e.cued_restart;
    r.cue_t = e.cue_s;
    if (e.cue_s) r.cue_offender = std::string(session::to_string(e.cue_offender));
    r.changed_after_cue = e.verdict_changed;
    r.lumbar_rel_rest = p.lumbar_rel_rest;
    r.lumbar_pct_mvc = p.lumbar_pct_mvc;
    r.peak_pitch_deg = e.peak_pitch_deg;
    r.lift_t = e.lift_s;
    review_.reps.push_back(std::move(r));
  }
  void on_summary(const session::SessionSummary& s) override { review_.summary = s; }

 private:
  SessionReview& review_;
};

int muscle_index(const std::string& name) {
  for (int m = 0; m < session::kMuscles; ++m)
    if (session::to_string(static_cast<session::Muscle>(m)) == name) return m;
  return -1;
}

}  // namespace

double Envelopes::time_of(std::size_t point) const {
  return static_cast<double>(first_index) / fs_hz + static_cast<double>(point) / rate_hz;
}

std::vector<float> Envelopes::slice(int muscle, double t0, double t1) const {
  const auto& v = uv[static_cast<std::size_t>(muscle)];
  const double origin = static_cast<double>(first_index) / fs_hz;
  const auto clamp_point = [&](double t) {
    return static_cast<std::size_t>(
        std::clamp((t - origin) * rate_hz, 0.0, static_cast<double>(v.size())));
  };
  const std::size_t a = clamp_point(t0), b = clamp_point(t1);
  return {v.begin() + static_cast<std::ptrdiff_t>(a),
          v.begin() + static_cast<std::ptrdiff_t>(std::max(a, b))};
}

SessionReview review_session(const RecordedSession& s, const ReviewOptions& options) {
  SessionReview r;
  r.id = s.id;
  r.athlete = s.athlete;
  r.mode = s.mode;
  r.started_utc = s.started_utc;
  r.ended_utc = s.sidecar.value("ended_utc", "");
  r.stage = s.pipeline.rep.stage;
  r.tolerance_ms = s.pipeline.rep.tolerance_ms;
  r.board = s.device.summary();
  r.corrections = read_corrections(s.dir);

  session::TrainingPipeline pipeline;
  pipeline.setup(s.device, s.pipeline);
  session::SessionCoach coach(s.coach);
  ReviewCollector collector(r);
  coach.add_output(&collector);

  FeedOptions feed;
  feed.progress = options.progress;
  const double fs = s.device.emg_rate_hz;
  r.envelopes.fs_hz = fs;
  const auto step = static_cast<std::uint64_t>(std::max(1.0, std::round(fs / r.envelopes.rate_hz)));
  r.envelopes.rate_hz = fs / static_cast<double>(step);
  bool first = true;
  if (options.envelopes)
    feed.after_sample = [&](const session::TrainingPipeline& p, std::uint64_t index) {
      if (first) {
        r.envelopes.first_index = index;
        first = false;
      }
      if ((index - r.envelopes.first_index) % step != 0) return;
      for (int m = 0; m < session::kMuscles; ++m)
        r.envelopes.uv[static_cast<std::size_t>(m)].push_back(
            static_cast<float>(p.level_uv(static_cast<session::Muscle>(m))));
    };
  r.recorded_s = feed_recording(s, pipeline, coach, feed);

  // Link quality is what the live session saw; the replay has no link.
  std::uint64_t frames_lost = 0, samples_lost = 0;
  if (s.sidecar.contains("summary") && s.sidecar["summary"].is_object()) {
    frames_lost = s.sidecar["summary"].value("frames_lost", std::uint64_t{0});
    samples_lost = s.sidecar["summary"].value("emg_samples_lost", std::uint64_t{0});
  }
  const double duration = s.sidecar.contains("summary") && s.sidecar["summary"].is_object()
                              ? s.sidecar["summary"].value("duration_s", r.recorded_s)
                              : r.recorded_s;
  coach.finish(duration, frames_lost, samples_lost);
  // Cue latency is the live host's (a replay has no athlete waiting): from the sidecar.
  r.summary.processing_ms = {};
  if (s.sidecar.contains("summary") && s.sidecar["summary"].is_object() &&
      s.sidecar["summary"].contains("processing_ms") &&
      s.sidecar["summary"]["processing_ms"].is_object()) {
    const auto& p = s.sidecar["summary"]["processing_ms"];
    const auto value = [&p](const char* k) {
      return p.contains(k) && p[k].is_number() ? p[k].get<double>() : std::nan("");
    };
    r.summary.processing_ms.n = p.value("n", std::size_t{0});
    r.summary.processing_ms.p50 = value("p50");
    r.summary.processing_ms.p95 = value("p95");
    r.summary.processing_ms.p99 = value("p99");
    r.summary.processing_ms.max = value("max");
  }
  if (s.sidecar.contains("recording_status"))
    r.recording_failed = s.sidecar["recording_status"].value("failed", false);

  // The physio's corrections: the latest for each rep and muscle, beside the original.
  for (const auto& c : r.corrections) {
    const int m = muscle_index(c.muscle);
    for (auto& rep : r.reps)
      if (rep.rep == c.rep && m >= 0) {
        rep.corrected[static_cast<std::size_t>(m)] =
            std::isfinite(c.onset_s) ? std::optional<double>(c.onset_s) : std::nullopt;
        rep.is_corrected[static_cast<std::size_t>(m)] = true;
      }
  }
  for (auto& rep : r.reps) {
    bool any = false;
    session::RepOnsets judged = rep.onsets;
    for (std::size_t m = 0; m < judged.size(); ++m)
      if (rep.is_corrected[m]) {
        judged[m] = rep.corrected[m];
        any = true;
      }
    if (any) rep.corrected_verdict = session::judge(r.stage, judged, r.tolerance_ms);
  }
  return r;
}

}  // namespace fpt::review
