#include "iir_design.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::dsp {
namespace {

void check_cutoff(int order, double fc_hz, double fs_hz) {
  if (order < 1 || order > 16)
    throw InvalidArgument(fmt::format("filter order {} is outside 1..16", order));
  if (!(fs_hz > 0.0)) throw InvalidArgument(fmt::format("sample rate {} Hz is invalid", fs_hz));
  if (!(fc_hz > 0.0 && fc_hz < fs_hz / 2.0))
    throw InvalidArgument(
        fmt::format("cut-off {} Hz must lie between 0 and Nyquist ({} Hz)", fc_hz, fs_hz / 2.0));
}

enum class Kind { kLow, kHigh };

std::vector<BiquadCoeffs> butterworth(Kind kind, int order, double fc_hz, double fs_hz) {
  check_cutoff(order, fc_hz, fs_hz);
  const double wc = prewarp(fc_hz, fs_hz);
  std::vector<BiquadCoeffs> sos;
  // Normalised Butterworth poles lie on the unit circle; pair each with its conjugate.
  for (int k = 0; k < order / 2; ++k) {
    const double theta = std::numbers::pi * (2.0 * k + 1.0 + order) / (2.0 * order);
    const double re = std::cos(theta);  // negative
    AnalogSection s;
    s.a2 = 1.0;
    s.a1 = -2.0 * re * wc;
    s.a0 = wc * wc;
    if (kind == Kind::kLow) {
      s.b0 = wc * wc;
    } else {
      s.b0 = 0.0;
      s.b2 = 1.0;
    }
    sos.push_back(bilinear(s, fs_hz));
  }
  if (order % 2 == 1) {
    AnalogSection s;
    s.a1 = 1.0;
    s.a0 = wc;
    if (kind == Kind::kLow) {
      s.b0 = wc;
    } else {
      s.b0 = 0.0;
      s.b1 = 1.0;
    }
    sos.push_back(bilinear(s, fs_hz));
  }
  return sos;
}

}  // namespace

double prewarp(double f_hz, double fs_hz) {
  return 2.0 * fs_hz * std::tan(std::numbers::pi * f_hz / fs_hz);
}

BiquadCoeffs bilinear(const AnalogSection& s, double fs_hz) {
  const double k = 2.0 * fs_hz;
  double B0, B1, B2, A0, A1, A2;
  if (s.a2 == 0.0 && s.b2 == 0.0) {
    // First order: (b1 s + b0)/(a1 s + a0) -> no second delay.
    B0 = s.b1 * k + s.b0;
    B1 = s.b0 - s.b1 * k;
    B2 = 0.0;
    A0 = s.a1 * k + s.a0;
    A1 = s.a0 - s.a1 * k;
    A2 = 0.0;
  } else {
    const double k2 = k * k;
    B0 = s.b2 * k2 + s.b1 * k + s.b0;
    B1 = 2.0 * (s.b0 - s.b2 * k2);
    B2 = s.b2 * k2 - s.b1 * k + s.b0;
    A0 = s.a2 * k2 + s.a1 * k + s.a0;
    A1 = 2.0 * (s.a0 - s.a2 * k2);
    A2 = s.a2 * k2 - s.a1 * k + s.a0;
  }
  if (A0 == 0.0 || !std::isfinite(A0)) throw InvalidArgument("degenerate analog section");
  return {B0 / A0, B1 / A0, B2 / A0, A1 / A0, A2 / A0};
}

std::vector<BiquadCoeffs> butterworth_lowpass(int order, double fc_hz, double fs_hz) {
  return butterworth(Kind::kLow, order, fc_hz, fs_hz);
}

std::vector<BiquadCoeffs> butterworth_highpass(int order, double fc_hz, double fs_hz) {
  return butterworth(Kind::kHigh, order, fc_hz, fs_hz);
}

BiquadCoeffs notch(double f0_hz, double q, double fs_hz) {
  check_cutoff(2, f0_hz, fs_hz);
  if (!(q > 0.0)) throw InvalidArgument(fmt::format("notch quality {} must be positive", q));
  const double w0 = prewarp(f0_hz, fs_hz);
  AnalogSection s;  // (s^2 + w0^2) / (s^2 + (w0/q) s + w0^2)
  s.b2 = 1.0;
  s.b0 = w0 * w0;
  s.a2 = 1.0;
  s.a1 = w0 / q;
  s.a0 = w0 * w0;
  return bilinear(s, fs_hz);
}

double magnitude_at(const std::vector<BiquadCoeffs>& sos, double f_hz, double fs_hz) {
  const std::complex<double> z1 = std::polar(1.0, -2.0 * std::numbers::pi * f_hz / fs_hz);
  const std::complex<double> z2 = z1 * z1;
  std::complex<double> h = 1.0;
  for (const auto& c : sos) h *= (c.b0 + c.b1 * z1 + c.b2 * z2) / (1.0 + c.a1 * z1 + c.a2 * z2);
  return std::abs(h);
}

}  // namespace fpt::dsp
