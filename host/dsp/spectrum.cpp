#include "spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace fpt::dsp {

double tone_power(std::span<const double> x, double f_hz, double fs_hz) noexcept {
  const double w = 2.0 * std::numbers::pi * f_hz / fs_hz;
  const double coeff = 2.0 * std::cos(w);
  double s1 = 0.0, s2 = 0.0;
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double win = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / n);
    const double s = x[i] * win + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

double welch_power(std::span<const double> x, double f_hz, double fs_hz) noexcept {
  const auto seg = static_cast<std::size_t>(0.2 * fs_hz);
  if (x.size() < seg || seg == 0) return tone_power(x, f_hz, fs_hz);
  double sum = 0.0;
  int count = 0;
  for (std::size_t start = 0; start + seg <= x.size(); start += seg / 2, ++count)
    sum += tone_power(x.subspan(start, seg), f_hz, fs_hz);
  return sum / count;
}

double line_ratio(std::span<const double> x, double f_hz, double fs_hz) noexcept {
  const double ref =
      0.5 * (welch_power(x, f_hz - 10.0, fs_hz) + welch_power(x, f_hz + 10.0, fs_hz));
  return welch_power(x, f_hz, fs_hz) / std::max(ref, 1e-30);
}

}  // namespace fpt::dsp
