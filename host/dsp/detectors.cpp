#include "detectors.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "error.hpp"
#include "iir_design.hpp"
#include "robust_stats.hpp"

namespace fpt::dsp {
namespace {

constexpr double kEnvelopeHz = 50.0;            // both Hodges & Bui and Solnik low-pass at 50 Hz
constexpr std::size_t kSettleSamplesMax = 200;  // envelope filter warm-up skipped in arm()

void check_rate(double fs_hz) {
  if (fs_hz < 500.0 || fs_hz > 4000.0)
    throw InvalidArgument(fmt::format("sample rate {} Hz is outside 500..4000 Hz", fs_hz));
}

std::uint32_t samples_for(double ms, double fs_hz) {
  return static_cast<std::uint32_t>(std::lround(std::max(0.0, ms) * fs_hz / 1000.0));
}

double pick(double value, double fallback) {
  return value > 0.0 ? value : fallback;
}

/// Median + h robust SD of a feature computed over the rest samples.
template <typename Feature>
double feature_threshold(std::span<const double> rest, std::span<double> scratch, double h,
                         Feature&& feature) noexcept {
  std::size_t n = 0;
  const std::size_t skip = std::min(kSettleSamplesMax, rest.size() / 4);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const double f = feature(rest[i]);
    if (i >= skip) scratch[n++] = f;
  }
  const RobustStats s = robust_stats(scratch.first(n));
  return s.median + h * std::max(s.scale, 1e-12);
}

}  // namespace

double rest_sigma(std::span<const double> rest, std::span<double> scratch) noexcept {
  std::copy(rest.begin(), rest.end(), scratch.begin());
  return std::max(robust_stats(scratch.first(rest.size())).scale, 1e-9);
}

// ---- envelope threshold (Hodges & Bui, Solnik TKEO) ------------------------------------------

void EnvelopeThresholdDetector::setup(double fs_hz, const DetectorSettings& s) {
  check_rate(fs_hz);
  envelope_ = Biquad(butterworth_lowpass(2, kEnvelopeHz, fs_hz)[0]);
  h_ = pick(s.h, default_h_);
  min_samples_ = std::max<std::uint32_t>(
      1, samples_for(s.min_duration_ms >= 0 ? s.min_duration_ms : default_min_ms_, fs_hz));
}

void EnvelopeThresholdDetector::arm(std::span<const double> rest, double /*sigma*/,
                                    std::span<double> scratch) noexcept {
  envelope_.reset();
  reset_feature();
  threshold_ = feature_threshold(rest, scratch, h_, [this](double x) { return envelope(x); });
  restart();
}

bool EnvelopeThresholdDetector::step(double x) noexcept {
  return run_.update(envelope(x) > threshold_) >= min_samples_;
}

// ---- Bonato ------------------------------------------------------------------------------------

void BonatoDetector::setup(double fs_hz, const DetectorSettings& s) {
  check_rate(fs_hz);
  zeta_ = pick(s.h, 8.0);
  window_ = std::clamp<std::uint32_t>(samples_for(5.0, fs_hz), 2, kMaxWindow);
  min_samples_ = std::max<std::uint32_t>(
      1, samples_for(s.min_duration_ms >= 0 ? s.min_duration_ms : 30.0, fs_hz));
}

void BonatoDetector::arm(std::span<const double> /*rest*/, double sigma,
                         std::span<double> /*scratch*/) noexcept {
  inv_var_ = 1.0 / (sigma * sigma);
  restart();
}

bool BonatoDetector::step(double x) noexcept {
  const std::uint32_t hit = x * x * inv_var_ > zeta_ ? 1U : 0U;
  count_ += hit - hits_[pos_];
  hits_[pos_] = hit;
  pos_ = (pos_ + 1) % window_;
  return run_.update(count_ >= 1) >= min_samples_;
}

void BonatoDetector::restart() noexcept {
  std::fill(std::begin(hits_), std::end(hits_), 0U);
  pos_ = count_ = 0;
  run_.reset();
}

// ---- CUSUM -------------------------------------------------------------------------------------

void CusumDetector::setup(double fs_hz, const DetectorSettings& s) {
  check_rate(fs_hz);
  h_ = pick(s.h, 25.0);
  rho_ = 4.0;
  clip_ = 36.0;
  bias_ = 0.5 * std::log(1.0 / rho_);
  gain_ = 0.5 * (1.0 - 1.0 / rho_);
  min_samples_ = samples_for(s.min_duration_ms >= 0 ? s.min_duration_ms : 0.0, fs_hz);
}

void CusumDetector::arm(std::span<const double> /*rest*/, double sigma,
                        std::span<double> /*scratch*/) noexcept {
  inv_var_ = 1.0 / (sigma * sigma);
  restart();
}

bool CusumDetector::step(double x) noexcept {
  const double z = std::min(x * x * inv_var_, clip_);
  sum_ += bias_ + gain_ * z;
  if (sum_ <= 0.0) {
    sum_ = 0.0;
    since_zero_ = 0;
    return false;
  }
  ++since_zero_;
  return sum_ > h_ && since_zero_ >= min_samples_;
}

void CusumDetector::restart() noexcept {
  sum_ = 0.0;
  since_zero_ = 0;
}

// ---- factory -----------------------------------------------------------------------------------

const std::vector<std::string_view>& detector_names() {
  static const std::vector<std::string_view> names{"cusum", "hodges", "bonato", "tkeo"};
  return names;
}

std::unique_ptr<OnsetDetector> make_detector(std::string_view name) {
  if (name == "cusum") return std::make_unique<CusumDetector>();
  if (name == "hodges") return std::make_unique<HodgesBuiDetector>();
  if (name == "bonato") return std::make_unique<BonatoDetector>();
  if (name == "tkeo") return std::make_unique<TkeoDetector>();
  throw InvalidArgument(
      fmt::format("unknown detector '{}' (use cusum, hodges, bonato or tkeo)", name));
}

}  // namespace fpt::dsp
