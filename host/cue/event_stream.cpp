#include "event_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "private_file.hpp"

namespace fpt::cue {
namespace {

nlohmann::json onsets_json(const session::RepOnsets& o) {
  nlohmann::json j = nlohmann::json::object();
  for (int m = 0; m < session::kMuscles; ++m) {
    const std::string name(session::to_string(static_cast<session::Muscle>(m)));
    j[name] = o[m] ? nlohmann::json(*o[m]) : nlohmann::json(nullptr);
  }
  return j;
}

nlohmann::json optional_json(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json finite_json(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json percentiles_json(const session::Percentiles& p) {
  return {{"n", p.n},
          {"p50", finite_json(p.p50)},
          {"p95", finite_json(p.p95)},
          {"p99", finite_json(p.p99)},
          {"max", finite_json(p.max)}};
}

}  // namespace

EventStream::EventStream(const std::string& path)
    : writer_(std::make_unique<AsyncWriter>(path == "-" ? stdout : create_private_file(path),
                                            path != "-")) {}

EventStream::~EventStream() = default;

void EventStream::finish() {
  writer_->drain();
}

std::uint64_t EventStream::write_errors() const noexcept {
  return writer_->write_errors();
}

void EventStream::write(std::string line) {
  line += '\n';
  writer_->write(line);
}

void EventStream::session_start(const std::string& athlete, int stage, const std::string& mode,
                                double tolerance_ms, const std::string& board_summary,
                                const std::string& detector) {
  const std::time_t now = std::time(nullptr);
  char started[32];
  std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  write(nlohmann::json{{"type", "session"},
                       {"schema", 1},
                       {"started_utc", started},
                       {"athlete", athlete},
                       {"stage", stage},
                       {"mode", mode},
                       {"tolerance_ms", tolerance_ms},
                       {"detector", detector},
                       {"board", board_summary}}
            .dump());
}

void EventStream::on_link(bool up, std::uint64_t index) {
  write(nlohmann::json{{"type", "link"}, {"state", up ? "up" : "down"}, {"index", index}}.dump());
}

void EventStream::on_summary(const session::SessionSummary& s) {
  nlohmann::json faults = nlohmann::json::object();
  for (const auto& [why, n] : s.faults) faults[why] = n;
  nlohmann::json orders = nlohmann::json::object();
  for (const auto& [order, n] : s.orders) orders[order] = n;
  const auto latency = [](const session::Latency& l) {
    return nlohmann::json{{"n", l.n},
                          {"mean_ms", l.n ? nlohmann::json(l.mean_ms) : nullptr},
                          {"sd_ms", l.n > 1 ? nlohmann::json(l.sd_ms) : nullptr}};
  };
  write(nlohmann::json{{"type", "summary"},
                       {"stage", s.stage},
                       {"reps", s.reps},
                       {"good", s.good},
                       {"restarts", s.reps - s.good},
                       {"best_streak", s.best_streak},
                       {"duration_s", s.duration_s},
                       {"faults", faults},
                       {"verdicts_changed_after_cue", s.verdicts_changed},
                       {"processing_ms", percentiles_json(s.processing_ms)},
                       {"decision_delay_ms", percentiles_json(s.decision_delay_ms)},
                       {"lumbar",
                        {{"first_rel_rest", optional_json(s.lumbar_first)},
                         {"last_rel_rest", optional_json(s.lumbar_last)},
                         {"change_pct", optional_json(s.lumbar_change_pct)},
                         {"slope_pct_per_rep", optional_json(s.lumbar_slope_pct_per_rep)},
                         {"last_pct_mvc", optional_json(s.lumbar_pct_mvc_last)}}},
                       {"orders", orders},
                       {"inter_onset",
                        {{"hamstring_after_glute", latency(s.hamstring_after_glute)},
                         {"lumbar_after_glute", latency(s.lumbar_after_glute)},
                         {"lumbar_after_hamstring", latency(s.lumbar_after_hamstring)}}},
                       {"frames_lost", s.frames_lost},
                       {"emg_samples_lost", s.emg_samples_lost}}
            .dump());
}

void EventStream::on_advice(const session::StageAdvice& a) {
  write(nlohmann::json{{"type", "stage_advice"},
                       {"rep", a.rep},
                       {"streak", a.streak},
                       {"stage", a.stage},
                       {"next_stage", a.next_stage ? nlohmann::json(a.next_stage) : nullptr},
                       {"text", a.text}}
            .dump());
}

void EventStream::on_baseline(const session::BaselineReport& b) {
  nlohmann::json j{{"type", "baseline"}, {"t", b.t_s}};
  nlohmann::json rest, profile;
  nlohmann::json worse = nlohmann::json::array();
  for (int m = 0; m < session::kMuscles; ++m) {
    const std::string name(session::to_string(static_cast<session::Muscle>(m)));
    rest[name] = b.rest_sd_uv[m];
    if (b.profile_rest_sd_uv[m]) profile[name] = *b.profile_rest_sd_uv[m];
    if (b.noisier[m]) worse.push_back(name);
  }
  j["rest_sd_uv"] = rest;
  if (!profile.is_null()) {
    j["profile_rest_sd_uv"] = profile;
    j["contact_worse"] = worse;
  }
  write(j.dump());
}

void EventStream::on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) {
  const char* kind = e.kind == dsp::OnsetEvent::Kind::kOnset     ? "onset"
                     : e.kind == dsp::OnsetEvent::Kind::kRefined ? "onset_refined"
                                                                 : "offset";
  write(nlohmann::json{{"type", kind},
                       {"muscle", std::string(session::to_string(m))},
                       {"t", static_cast<double>(e.index) / fs_hz},
                       {"decision_t", static_cast<double>(e.decision_index) / fs_hz},
                       {"level_uv", e.level_uv}}
            .dump());
}

void EventStream::on_rep_event(const session::RepEvent& e) {
  nlohmann::json j;
  switch (e.kind) {
    case session::RepEvent::Kind::kRepStart:
      j = {{"type", "rep_start"},
           {"rep", e.rep},
           {"start_t", e.start_s},
           {"decision_t", e.t_s},
           {"index", e.start_index}};
      break;
    case session::RepEvent::Kind::kRestartCue:
      j = {{"type", "cue"},
           {"cue", "restart"},
           {"rep", e.rep},
           {"offender", std::string(session::to_string(e.offender))},
           {"leader", std::string(session::to_string(e.leader))},
           {"lead_ms", e.lead_ms},
           {"decision_index", e.index},
           {"decision_t", e.t_s},
           {"processing_ms", finite_json(e.processing_ms)}};
      break;
    case session::RepEvent::Kind::kRepEnd:
      on_rep_end(e, session::RepProgress{});
      return;
  }
  write(j.dump());
}

void EventStream::on_rep_end(const session::RepEvent& e, const session::RepProgress& p) {
  write(
      nlohmann::json{{"type", "rep_end"}, {"rep", e.rep}, {"start_t", e.start_s}, {"end_t", e.t_s}}
          .dump());
  nlohmann::json lumbar = {{"mean_rms_uv", e.mean_rms_uv[2]},
                           {"peak_rms_uv", e.peak_rms_uv[2]},
                           {"rest_sd_uv", e.rest_sigma_uv[2]},
                           {"rel_rest", p.lumbar_rel_rest},
                           {"pct_mvc", optional_json(p.lumbar_pct_mvc)},
                           {"change_pct", optional_json(p.lumbar_change_pct)}};
  write(nlohmann::json{
      {"type", "verdict"},
      {"rep", e.rep},
      {"verdict", e.verdict.good ? "good" : "restart"},
      {"reason", e.verdict.reason},
      {"fault", e.verdict.fault},
      {"onsets", onsets_json(e.onsets)},
      {"decisions", onsets_json(e.decisions)},
      {"order", p.order},
      {"streak", p.streak},
      {"peak_pitch_deg", e.peak_pitch_deg},
      {"lift_t", optional_json(e.lift_s)},
      {"cued_restart", e.cued_restart},
      {"cue_t", optional_json(e.cue_s)},
      {"cue_offender",
       e.cue_s ? nlohmann::json(std::string(session::to_string(e.cue_offender))) : nullptr},
      {"changed_after_cue", e.verdict_changed},
      {"lumbar", lumbar},
      {"processing_ms", finite_json(e.processing_ms)}}
            .dump());
}

void EventStream::on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) {
  write(nlohmann::json{{"type", "gap"},
                       {"stream", imu ? "imu" : "emg"},
                       {"first_index", first_index},
                       {"missing", missing}}
            .dump());
}

}  // namespace fpt::cue
