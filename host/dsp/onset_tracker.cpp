#include "onset_tracker.hpp"

#include "spectrum.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "detectors.hpp"
#include "error.hpp"

namespace fpt::dsp {
namespace {

constexpr double kRefineClip = 400.0;   // z = x^2/s0^2 capped at (20 s0)^2: a spike weighs little
constexpr double kMainsRatio = 20.0;    // mains line at least 13 dB above its neighbours
constexpr double kEmgCentreHz = 100.0;  // where the conditioner's delay is measured

std::uint32_t samples_for(double ms, double fs) {
  return static_cast<std::uint32_t>(std::lround(std::max(0.0, ms) * fs / 1000.0));
}

}  // namespace

OnsetTracker::OnsetTracker() = default;
OnsetTracker::~OnsetTracker() = default;
OnsetTracker::OnsetTracker(OnsetTracker&&) noexcept = default;
OnsetTracker& OnsetTracker::operator=(OnsetTracker&&) noexcept = default;

void OnsetTracker::setup(const TrackerConfig& c) {
  const double fs = c.conditioner.fs_hz;
  ConditionerConfig cc = c.conditioner;
  const bool auto_mains = cc.mains_hz < 0.0;
  if (auto_mains) cc.mains_hz = 0.0;
  if (cc.band_high_hz >= 0.45 * fs && cc.band_high_hz == 450.0) cc.band_high_hz = 0.45 * fs;
  EmgConditioner conditioner;
  conditioner.setup(cc);  // validates the rate and band
  auto detector = make_detector(c.detector);
  detector->setup(fs, c.settings);
  if (c.learn_s < 0.5 || c.rest_window_s < 0.5 || c.learn_s > 60.0 || c.rest_window_s > 60.0)
    throw InvalidArgument("rest learning and rest window must be 0.5..60 s");
  if (c.history_s * 1000.0 < c.refine_pre_ms + c.refine_post_ms + 100.0)
    throw InvalidArgument(fmt::format(
        "refinement window ({} ms before, {} ms after) is longer than the history ({} s)",
        c.refine_pre_ms, c.refine_post_ms, c.history_s));
  if (c.rms_window_ms < 5.0 || c.rms_window_ms > 1000.0 || c.off_min_ms < 0.0 ||
      c.off_fraction <= 0.0 || c.off_fraction >= 1.0)
    throw InvalidArgument("RMS window must be 5..1000 ms and the offset fraction in (0, 1)");

  OnsetTracker t;
  t.config_ = c;
  t.fs_hz_ = fs;
  t.conditioner_ = conditioner;
  t.detector_ = std::move(detector);
  t.auto_mains_ = auto_mains;
  const auto rest_n = static_cast<std::size_t>(std::lround(c.rest_window_s * fs));
  t.rest_.assign(rest_n, 0.0);
  t.scratch_.assign(2 * rest_n, 0.0);  // chronological copy + sorting scratch
  t.history_.assign(static_cast<std::size_t>(std::lround(c.history_s * fs)), 0.0);
  t.prefix_.assign(t.history_.size() + 1, 0.0);
  t.rms_ring_.assign(std::max<std::size_t>(1, samples_for(c.rms_window_ms, fs)), 0.0);
  t.refine_pre_ = samples_for(c.refine_pre_ms, fs);
  t.refine_post_ = samples_for(c.refine_post_ms, fs);
  t.off_min_ = std::max<std::uint32_t>(1, samples_for(c.off_min_ms, fs));
  t.settle_ = samples_for(c.settle_ms, fs);
  t.spike_hold_ =
      c.spike_ratio > 0.0 ? std::max<std::uint32_t>(1, samples_for(c.spike_hold_ms, fs)) : 0;
  t.slow_alpha_ = 1.0 / (0.5 * fs);   // typical jump over ~0.5 s
  t.fast_alpha_ = 1.0 / (0.01 * fs);  // recent jumps over ~10 ms
  t.learn_ = static_cast<std::uint64_t>(std::lround(c.learn_s * fs));
  t.refresh_ = static_cast<std::uint64_t>(std::lround(c.refresh_s * fs));
  t.group_delay_ = conditioner.group_delay_samples(kEmgCentreHz);
  *this = std::move(t);
}

void OnsetTracker::reset() noexcept {
  conditioner_.reset();
  if (auto_mains_) conditioner_.set_mains_noexcept(0.0);
  mains_checked_ = false;
  detector_->restart();
  state_ = State::kLearning;
  sigma0_ = 0.0;
  rest_pos_ = rest_count_ = 0;
  quiet_since_ = settle_left_ = 0;
  have_index_ = false;
  std::fill(rms_ring_.begin(), rms_ring_.end(), 0.0);
  rms_sum_ = 0.0;
  rms_pos_ = 0;
  refine_pending_ = false;
  hold_left_ = 0;
  raw_seen_ = 0;
  jump_slow_ = jump_fast_ = 0.0;
}

double OnsetTracker::guard_spike(double x_uv) noexcept {
  if (spike_hold_ == 0) return x_uv;
  if (raw_seen_++ == 0) {
    last_raw_ = x_uv;
    return x_uv;
  }
  const double jump = std::abs(x_uv - last_raw_);
  const bool warm = raw_seen_ > 100;
  if (warm && hold_left_ == 0 && jump > config_.spike_ratio * jump_slow_ &&
      jump_fast_ < 3.0 * jump_slow_) {
    hold_left_ = spike_hold_;
    ++spikes_;
  }
  if (hold_left_ > 0) {
    --hold_left_;
    return last_raw_;  // hold the last good sample: the filters never see the spike
  }
  // Typical jumps, each robust to outliers by clipping what it learns from.
  const double clip = warm ? 5.0 * jump_slow_ : jump;
  if (state_ != State::kActive)
    jump_slow_ += (warm ? slow_alpha_ : 1.0 / static_cast<double>(raw_seen_)) *
                  (std::min(jump, clip) - jump_slow_);
  jump_fast_ += fast_alpha_ * (jump - jump_fast_);
  last_raw_ = x_uv;
  return x_uv;
}

double OnsetTracker::level_uv() const noexcept {
  return std::sqrt(std::max(rms_sum_, 0.0) / static_cast<double>(rms_ring_.size()));
}

double OnsetTracker::history_at(std::uint64_t index) const noexcept {
  return history_[index % history_.size()];
}

void OnsetTracker::detect_mains() noexcept {
  // The rest ring has not wrapped yet or holds exactly the window: make it chronological.
  const std::size_t n = rest_count_;
  const std::size_t start = rest_count_ < rest_.size() ? 0 : rest_pos_;
  std::span<double> chrono(scratch_.data(), n);
  for (std::size_t i = 0; i < n; ++i) chrono[i] = rest_[(start + i) % rest_.size()];
  auto ratio_at = [&](double f) { return line_ratio(chrono, f, fs_hz_); };
  double best = 0.0;
  double best_ratio = kMainsRatio;
  for (double f : {50.0, 60.0}) {
    const double ratio = ratio_at(f);
    if (ratio > best_ratio) {
      best_ratio = ratio;
      best = f;
    }
  }
  // Notch only the harmonics that stand out: each notch costs time on every sample.
  std::uint32_t harmonics = 1U;
  const double top = std::min(conditioner_.config().band_high_hz, 0.47 * fs_hz_);
  for (int k = 2; best > 0.0 && k * best + 10.0 < top && k <= 32; ++k)
    if (ratio_at(k * best) > kMainsRatio) harmonics |= 1U << (k - 1);
  if (best == 0.0) return;
  conditioner_.set_mains_noexcept(best, harmonics);
  // The rest learnt so far holds the hum, and the new notches ring for a while (Q / (pi f0),
  // ~0.2 s): let them settle, then learn the rest again.
  rest_pos_ = rest_count_ = 0;
  quiet_since_ = 0;
  settle_left_ = static_cast<std::uint64_t>(fs_hz_ / 2);
  detector_settled_ = false;
}

void OnsetTracker::arm() noexcept {
  const std::size_t n = rest_count_;
  const std::size_t start = rest_count_ < rest_.size() ? 0 : rest_pos_;
  std::span<double> chrono(scratch_.data(), n);
  std::span<double> sort(scratch_.data() + rest_.size(), n);
  for (std::size_t i = 0; i < n; ++i) chrono[i] = rest_[(start + i) % rest_.size()];
  sigma0_ = rest_sigma(chrono, sort);
  detector_->arm(chrono, sigma0_, sort);
  quiet_since_ = 0;
}

std::uint64_t OnsetTracker::refine(std::uint64_t decision, std::uint64_t estimate,
                                   std::uint64_t now) noexcept {
  // Maximum-likelihood onset in [start, now] for z = x^2 / s0^2 (rest variance known):
  // before k the variance ratio is 1; over a ramp of L samples the EMG amplitude grows
  // linearly, so the ratio is 1 + (P - 1) (j / L)^2; after it, the plateau P (estimated as the
  // mean of z there). L = 0 is a step. We minimise -2 log-likelihood,
  //   sum_i ln v_i + z_i / v_i,
  // over k on a coarse then fine grid and L in kRampMs, with a BIC penalty of ln n for a ramp.
  // Runs once per onset, after the cue has been decided; bounded by the history length.
  static constexpr std::array<double, 6> kRampMs{0.0, 25.0, 50.0, 80.0, 120.0, 160.0};
  const std::uint64_t oldest = now + 1 - std::min<std::uint64_t>(history_.size(), now + 1);
  std::uint64_t start = estimate > refine_pre_ ? estimate - refine_pre_ : 0;
  start = std::max(start, oldest);
  const std::size_t n = static_cast<std::size_t>(now - start + 1);
  if (n < 16 || n > prefix_.size() - 1) return std::min(estimate, decision);
  const double inv_var = 1.0 / (sigma0_ * sigma0_);
  prefix_[0] = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = history_at(start + i);
    prefix_[i + 1] = prefix_[i] + std::min(x * x * inv_var, kRefineClip);
  }
  auto z = [&](std::size_t i) { return prefix_[i + 1] - prefix_[i]; };
  const std::size_t min_plateau = std::max<std::size_t>(5, refine_post_ / 4);
  const double penalty = std::log(static_cast<double>(n));

  auto cost = [&](std::size_t k, std::size_t len) {
    if (k + len + min_plateau > n) return 1e300;
    const double np = static_cast<double>(n - k - len);
    const double p = std::max((prefix_[n] - prefix_[k + len]) / np, 1.0 + 1e-9);
    double c = prefix_[k] + np * (std::log(p) + 1.0);  // rest part (ln 1 = 0) + plateau
    for (std::size_t j = 0; j < len; ++j) {
      const double r = static_cast<double>(j) / static_cast<double>(len);
      const double v = 1.0 + (p - 1.0) * r * r;
      c += std::log(v) + z(k + j) / v;
    }
    return len > 0 ? c + penalty : c;
  };

  // Coarse pass on 2 ms blocks: within a block the variance hardly changes, so the block sum
  // of z stands for its samples (b ln v + Z / v). Then a per-sample pass around the best.
  const std::size_t b = std::max<std::size_t>(1, static_cast<std::size_t>(fs_hz_ / 500.0));
  const auto bd = static_cast<double>(b);
  auto block_cost = [&](std::size_t k, std::size_t len) {
    if (k + len + min_plateau > n) return 1e300;
    const double np = static_cast<double>(n - k - len);
    const double p = std::max((prefix_[n] - prefix_[k + len]) / np, 1.0 + 1e-9);
    double c = prefix_[k] + np * (std::log(p) + 1.0);
    const std::size_t blocks = len / b;
    for (std::size_t j = 0; j < blocks; ++j) {
      const double r = (static_cast<double>(j) + 0.5) / static_cast<double>(blocks);
      const double v = 1.0 + (p - 1.0) * r * r;
      const double zb = prefix_[k + (j + 1) * b] - prefix_[k + j * b];
      c += bd * std::log(v) + zb / v;
    }
    return len > 0 ? c + penalty : c;
  };
  const std::size_t last = static_cast<std::size_t>(decision - start);
  double best_cost = 1e300;
  std::size_t best_k = static_cast<std::size_t>(estimate > start ? estimate - start : 0);
  std::size_t best_len = 0;
  for (double ramp_ms : kRampMs) {
    const auto len = b * static_cast<std::size_t>(std::lround(ramp_ms * fs_hz_ / 1000.0 / bd));
    for (std::size_t k = b; k <= last; k += b) {
      const double c = block_cost(k, len);
      if (c < best_cost) {
        best_cost = c;
        best_k = k;
        best_len = len;
      }
    }
  }
  best_cost = 1e300;
  const std::size_t lo = best_k > b ? best_k - b : 1;
  for (std::size_t k = lo; k <= std::min(best_k + b, last); ++k) {
    const double c = cost(k, best_len);
    if (c < best_cost) {
      best_cost = c;
      best_k = k;
    }
  }
  std::uint64_t best = start + best_k;
  // The band-pass delays the EMG envelope; move the estimate back by that delay.
  const auto delay = static_cast<std::uint64_t>(std::lround(std::max(group_delay_, 0.0)));
  best = best > delay ? best - delay : 0;
  return std::min(best, decision);
}

std::size_t OnsetTracker::process(double x_uv, std::uint64_t index,
                                  std::span<OnsetEvent> out) noexcept {
  std::size_t n = 0;
  auto emit = [&](OnsetEvent::Kind kind, std::uint64_t at) {
    if (n < out.size()) out[n++] = OnsetEvent{kind, at, index, level_uv()};
  };

  if (have_index_ && index != last_index_ + 1) {  // a gap in the stream
    conditioner_.reset();
    detector_->restart();
    if (state_ == State::kActive) {
      if (refine_pending_) emit(OnsetEvent::Kind::kRefined, onset_estimate_);
      emit(OnsetEvent::Kind::kOffset, last_index_);
      state_ = State::kQuiet;
    }
    refine_pending_ = false;
    settle_left_ = settle_;
    detector_settled_ = false;  // the filters restart from zero: let them ring out first
    std::fill(rms_ring_.begin(), rms_ring_.end(), 0.0);
    rms_sum_ = 0.0;
  }
  last_index_ = index;
  have_index_ = true;

  const double x = conditioner_.process(guard_spike(x_uv));
  history_[index % history_.size()] = x;
  const double old = rms_ring_[rms_pos_];
  rms_ring_[rms_pos_] = x * x;
  rms_sum_ += x * x - old;
  if (++rms_pos_ == rms_ring_.size()) {  // re-add exactly once per window: no drift
    rms_pos_ = 0;
    rms_sum_ = 0.0;
    for (double v : rms_ring_) rms_sum_ += v;
  }

  if (state_ == State::kActive) {
    const double level = level_uv();
    peak_rms_ = std::max(peak_rms_, level);
    const double off_level = sigma0_ + config_.off_fraction * (peak_rms_ - sigma0_);
    below_run_ = level < off_level ? below_run_ + 1 : 0;
    const bool off = below_run_ >= off_min_;
    if (refine_pending_ && (off || index >= decision_ + refine_post_)) {
      emit(OnsetEvent::Kind::kRefined, refine(decision_, onset_estimate_, index));
      refine_pending_ = false;
    }
    if (off) {
      const std::uint64_t back = below_run_ + rms_ring_.size() / 2;
      emit(OnsetEvent::Kind::kOffset, index > back ? index - back : 0);
      state_ = State::kQuiet;
      detector_->restart();
      settle_left_ = settle_;
    }
    return n;
  }

  // After an offset the muscle's tail is not rest: keep it out of the statistics, but keep
  // watching, since the next rep may start at once.
  const bool settling = settle_left_ > 0;
  if (settling) {
    --settle_left_;
    if (state_ == State::kLearning || !detector_settled_) return n;  // filters ringing
  } else {
    detector_settled_ = true;
    rest_[rest_pos_] = x;
    rest_pos_ = (rest_pos_ + 1) % rest_.size();
    rest_count_ = std::min(rest_count_ + 1, rest_.size());
  }

  if (state_ == State::kLearning) {
    if (++quiet_since_ >= learn_ && rest_count_ > 0) {
      if (auto_mains_ && !mains_checked_) {
        mains_checked_ = true;
        detect_mains();
        if (rest_count_ == 0) return n;  // mains found: learning starts again
      }
      arm();
      state_ = State::kQuiet;
    }
    return n;
  }

  if (!settling && ++quiet_since_ >= refresh_ && rest_count_ == rest_.size())
    arm();  // follow slow drift
  // The detector's evidence must come with a real rise in level, so that a slow drift of the
  // statistics is not called an onset.
  if (detector_->step(x) && level_uv() >= config_.min_level_ratio * sigma0_) {
    const std::uint32_t back = detector_->lookback();
    onset_estimate_ = index > back ? index - back : 0;
    decision_ = index;
    refine_pending_ = true;
    peak_rms_ = level_uv();
    below_run_ = 0;
    state_ = State::kActive;
    emit(OnsetEvent::Kind::kOnset, onset_estimate_);
  }
  return n;
}

}  // namespace fpt::dsp
