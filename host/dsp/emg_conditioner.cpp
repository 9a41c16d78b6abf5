#include "emg_conditioner.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include <fmt/format.h>

#include "error.hpp"
#include "iir_design.hpp"

namespace fpt::dsp {

void EmgConditioner::setup(const ConditionerConfig& c) {
  if (c.fs_hz < 500.0 || c.fs_hz > 4000.0)
    throw InvalidArgument(fmt::format("sample rate {} Hz is outside 500..4000 Hz", c.fs_hz));
  if (c.order < 2 || c.order > 8 || c.order % 2 != 0)
    throw InvalidArgument(fmt::format("band-pass order {} must be 2, 4, 6 or 8", c.order));
  const double nyquist = c.fs_hz / 2.0;
  if (c.band_high_hz >= nyquist)
    throw InvalidArgument(
        fmt::format("band edge {} Hz is not below Nyquist ({} Hz)", c.band_high_hz, nyquist));
  if (!(c.band_low_hz > 0.0) || c.band_low_hz >= c.band_high_hz)
    throw InvalidArgument(
        fmt::format("band {}-{} Hz is empty or inverted", c.band_low_hz, c.band_high_hz));
  const double low = std::max(c.band_low_hz, c.ecg_highpass_hz);
  EmgConditioner fresh;
  fresh.config_ = c;
  for (const auto& s : butterworth_highpass(c.order, low, c.fs_hz)) fresh.band_.add(s);
  for (const auto& s : butterworth_lowpass(c.order, c.band_high_hz, c.fs_hz)) fresh.band_.add(s);
  fresh.set_mains(c.mains_hz);
  *this = fresh;
}

void EmgConditioner::set_mains(double mains_hz) {
  if (mains_hz != 0.0 && mains_hz != 50.0 && mains_hz != 60.0)
    throw InvalidArgument(fmt::format("mains frequency {} Hz is not 50 or 60", mains_hz));
  set_mains_noexcept(mains_hz);
}

void EmgConditioner::set_mains_noexcept(double mains_hz, std::uint32_t harmonics) noexcept {
  if (mains_hz != 0.0 && mains_hz != 50.0 && mains_hz != 60.0) return;
  config_.mains_hz = mains_hz;
  notches_.clear();
  if (mains_hz == 0.0) return;
  // Harmonics inside the pass band only; the band filter already removes the rest.
  const double top = std::min(config_.band_high_hz, 0.47 * config_.fs_hz);
  for (int k = 1; k * mains_hz < top && notches_.size() < kMaxNotches && k <= 32; ++k)
    if ((harmonics >> (k - 1)) & 1U)
      notches_.add(notch(k * mains_hz, config_.notch_q, config_.fs_hz));
}

}  // namespace fpt::dsp

namespace fpt::dsp {
namespace {

template <std::size_t N>
double phase_at(const SosCascade<N>& c, double f_hz, double fs_hz) {
  const std::complex<double> z1 = std::polar(1.0, -2.0 * std::numbers::pi * f_hz / fs_hz);
  std::complex<double> h = 1.0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const BiquadCoeffs& k = c.section(i).coeffs();
    h *= (k.b0 + k.b1 * z1 + k.b2 * z1 * z1) / (1.0 + k.a1 * z1 + k.a2 * z1 * z1);
  }
  return std::arg(h);
}

}  // namespace

double EmgConditioner::group_delay_samples(double f_hz) const noexcept {
  // -d(phase)/d(omega) by a central difference; phases are unwrapped over the small step.
  const double df = 0.05;
  const double fs = config_.fs_hz;
  double dphi = 0.0;
  const double p1 = phase_at(band_, f_hz - df, fs) + phase_at(notches_, f_hz - df, fs);
  const double p2 = phase_at(band_, f_hz + df, fs) + phase_at(notches_, f_hz + df, fs);
  dphi = std::remainder(p2 - p1, 2.0 * std::numbers::pi);
  const double domega = 2.0 * std::numbers::pi * 2.0 * df / fs;  // rad/sample
  return -dphi / domega;
}

}  // namespace fpt::dsp
