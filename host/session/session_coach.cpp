#include "session_coach.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace fpt::session {
namespace {

constexpr std::size_t kTrendReps = 3;  // reps averaged for "first" and "last"

double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  double s = 0.0;
  for (std::size_t i = from; i < to; ++i) s += v[i];
  return to > from ? s / static_cast<double>(to - from) : 0.0;
}

Latency latency_of(const std::vector<double>& v) {
  Latency l;
  l.n = v.size();
  if (v.empty()) return l;
  l.mean_ms = mean_of(v, 0, v.size());
  if (v.size() > 1) {
    double ss = 0.0;
    for (double x : v) ss += (x - l.mean_ms) * (x - l.mean_ms);
    l.sd_ms = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return l;
}

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) {
    p.p50 = p.p95 = p.p99 = p.max = std::numeric_limits<double>::quiet_NaN();
    return p;
  }
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least q of the measurements at or below it.
  const auto rank = [&](double q) {
    const auto r = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(r, 1, v.size()) - 1];
  };
  p.p50 = rank(0.50);
  p.p95 = rank(0.95);
  p.p99 = rank(0.99);
  p.max = v.back();
  return p;
}

std::string firing_order(const RepOnsets& onsets) {
  std::vector<int> fired;
  std::string silent;
  for (int m = 0; m < kMuscles; ++m) {
    if (onsets[m])
      fired.push_back(m);
    else
      silent += fmt::format("{}{}", silent.empty() ? "" : ", ", to_string(static_cast<Muscle>(m)));
  }
  std::stable_sort(fired.begin(), fired.end(),
                   [&](int a, int b) { return *onsets[a] < *onsets[b]; });
  std::string order;
  for (int m : fired)
    order += fmt::format("{}{}", order.empty() ? "" : " > ", to_string(static_cast<Muscle>(m)));
  if (order.empty()) order = "nothing fired";
  if (!silent.empty() && !fired.empty()) order += fmt::format("; {} silent", silent);
  return order;
}

SessionCoach::SessionCoach(const CoachConfig& config, NowNs now_ns)
    : config_(config), now_ns_(now_ns ? std::move(now_ns) : NowNs(steady_now_ns)) {
  processing_ms_.reserve(2 * config.expected_reps);
  decision_delay_ms_.reserve(config.expected_reps);
  lumbar_.reserve(config.expected_reps);
  ham_glute_.reserve(config.expected_reps);
  lumbar_glute_.reserve(config.expected_reps);
  lumbar_ham_.reserve(config.expected_reps);
}

void SessionCoach::add_output(CoachedSink* sink) {
  outputs_.push_back(sink);
}

void SessionCoach::on_ready(double t_s, const std::array<double, kMuscles>& rest_sd_uv) {
  BaselineReport b;
  b.t_s = t_s;
  b.rest_sd_uv = rest_sd_uv;
  b.profile_rest_sd_uv = config_.profile_rest_sd_uv;
  for (int m = 0; m < kMuscles; ++m)
    b.noisier[m] = b.profile_rest_sd_uv[m] && *b.profile_rest_sd_uv[m] > 0.0 &&
                   rest_sd_uv[m] > config_.contact_ratio * *b.profile_rest_sd_uv[m];
  for (auto* o : outputs_) o->on_baseline(b);
}

void SessionCoach::on_onset(Muscle m, const dsp::OnsetEvent& e, double fs_hz) {
  for (auto* o : outputs_) o->on_onset(m, e, fs_hz);
}

void SessionCoach::on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) {
  for (auto* o : outputs_) o->on_gap(first_index, missing, imu);
}

void SessionCoach::on_link(bool up, std::uint64_t index) {
  for (auto* o : outputs_) o->on_link(up, index);
}

void SessionCoach::record_latency(const RepEvent& e, double processing_ms) {
  if (e.arrival_ns > 0) processing_ms_.push_back(processing_ms);
}

void SessionCoach::on_rep_event(const RepEvent& event) {
  if (event.kind == RepEvent::Kind::kRepStart) {
    for (auto* o : outputs_) o->on_rep_event(event);
    return;
  }
  RepEvent e = event;
  RepProgress p;
  if (e.kind == RepEvent::Kind::kRepEnd) p = progress(e);
  // The first output delivers the cue; the latency is what the athlete waits for.
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    if (e.kind == RepEvent::Kind::kRepEnd)
      outputs_[i]->on_rep_end(e, p);
    else
      outputs_[i]->on_rep_event(e);
    if (i == 0 && e.arrival_ns > 0) {
      e.processing_ms = static_cast<double>(now_ns_() - e.arrival_ns) / 1e6;
      record_latency(e, e.processing_ms);
    }
  }
  if (outputs_.empty() && e.arrival_ns > 0) {
    e.processing_ms = static_cast<double>(now_ns_() - e.arrival_ns) / 1e6;
    record_latency(e, e.processing_ms);
  }
  if (e.kind != RepEvent::Kind::kRepEnd) return;

  // Progress: suggest the next stage after advance_after good reps in a row.
  if (p.streak > 0 && config_.advance_after > 0 && p.streak % config_.advance_after == 0) {
    StageAdvice a;
    a.rep = e.rep;
    a.streak = p.streak;
    a.stage = config_.stage;
    a.next_stage = config_.stage < 3 ? config_.stage + 1 : 0;
    a.text = a.next_stage != 0
                 ? fmt::format("{} good reps in a row at stage {}: ready for stage {}", a.streak,
                               a.stage, a.next_stage)
                 : fmt::format(
                       "{} good reps in a row at the full lift: keep going until the "
                       "back activates less",
                       a.streak);
    for (auto* o : outputs_) o->on_advice(a);
  }
}

RepProgress SessionCoach::progress(const RepEvent& e) {
  RepProgress p;
  ++reps_;
  if (e.verdict.good) {
    ++good_;
    ++streak_;
    best_streak_ = std::max(best_streak_, streak_);
  } else {
    streak_ = 0;
    ++faults_[e.verdict.fault];
  }
  if (e.verdict_changed) ++changed_;
  p.streak = streak_;

  // The restart cue came this long after the offender's refined onset (device clock).
  const auto off = static_cast<int>(e.cue_offender);
  if (e.cue_s && e.onsets[off]) decision_delay_ms_.push_back((*e.cue_s - *e.onsets[off]) * 1000.0);

  const int lumbar = static_cast<int>(Muscle::kLumbar);
  if (e.rest_sigma_uv[lumbar] > 0.0) {
    p.lumbar_rel_rest = e.mean_rms_uv[lumbar] / e.rest_sigma_uv[lumbar];
    lumbar_.push_back(p.lumbar_rel_rest);
    const std::size_t first = std::min(kTrendReps, lumbar_.size());
    const double base = mean_of(lumbar_, 0, first);
    if (lumbar_.size() > kTrendReps && base > 0.0)
      p.lumbar_change_pct = (p.lumbar_rel_rest - base) / base * 100.0;
  }
  if (config_.mvc_uv[lumbar] && *config_.mvc_uv[lumbar] > 0.0) {
    p.lumbar_pct_mvc = e.mean_rms_uv[lumbar] / *config_.mvc_uv[lumbar] * 100.0;
    lumbar_pct_mvc_last_ = p.lumbar_pct_mvc;
  }

  p.order = firing_order(e.onsets);
  ++orders_[p.order];
  const auto& o = e.onsets;
  const int g = static_cast<int>(Muscle::kGlute), h = static_cast<int>(Muscle::kHamstring);
  if (o[g] && o[h]) ham_glute_.push_back((*o[h] - *o[g]) * 1000.0);
  if (o[g] && o[lumbar]) lumbar_glute_.push_back((*o[lumbar] - *o[g]) * 1000.0);
  if (o[h] && o[lumbar]) lumbar_ham_.push_back((*o[lumbar] - *o[h]) * 1000.0);
  return p;
}

SessionSummary SessionCoach::summary(double duration_s) const {
  SessionSummary s;
  s.stage = config_.stage;
  s.reps = reps_;
  s.good = good_;
  s.best_streak = best_streak_;
  s.duration_s = duration_s;
  s.faults = faults_;
  s.processing_ms = percentiles(processing_ms_);
  s.decision_delay_ms = percentiles(decision_delay_ms_);
  s.verdicts_changed = changed_;
  if (!lumbar_.empty()) {
    const std::size_t k = std::min(kTrendReps, lumbar_.size());
    s.lumbar_first = mean_of(lumbar_, 0, k);
    s.lumbar_last = mean_of(lumbar_, lumbar_.size() - k, lumbar_.size());
    if (lumbar_.size() > kTrendReps && *s.lumbar_first > 0.0)
      s.lumbar_change_pct = (*s.lumbar_last - *s.lumbar_first) / *s.lumbar_first * 100.0;
    if (lumbar_.size() >= 3) {
      // Least-squares slope over rep number, as % of the mean activation per rep.
      const double n = static_cast<double>(lumbar_.size());
      const double mx = (n - 1.0) / 2.0, my = mean_of(lumbar_, 0, lumbar_.size());
      double sxy = 0.0, sxx = 0.0;
      for (std::size_t i = 0; i < lumbar_.size(); ++i) {
        const double dx = static_cast<double>(i) - mx;
        sxy += dx * (lumbar_[i] - my);
        sxx += dx * dx;
      }
      if (my > 0.0 && sxx > 0.0) s.lumbar_slope_pct_per_rep = sxy / sxx / my * 100.0;
    }
  }
  s.lumbar_pct_mvc_last = lumbar_pct_mvc_last_;
  s.orders = orders_;
  s.hamstring_after_glute = latency_of(ham_glute_);
  s.lumbar_after_glute = latency_of(lumbar_glute_);
  s.lumbar_after_hamstring = latency_of(lumbar_ham_);
  return s;
}

void SessionCoach::finish(double duration_s, std::uint64_t frames_lost,
                          std::uint64_t emg_samples_lost) {
  SessionSummary s = summary(duration_s);
  s.frames_lost = frames_lost;
  s.emg_samples_lost = emg_samples_lost;
  for (auto* o : outputs_) o->on_summary(s);
}

}  // namespace fpt::session
