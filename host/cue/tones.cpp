#include "tones.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace fpt::cue {
namespace {

/// Appends a note: sum of the given odd harmonics, with 5 ms raised-cosine edges so the
/// note starts and stops without a click.
void note(std::vector<float>& out, int rate, double f0, double seconds, double gain,
          int harmonics) {
  const auto n = static_cast<std::size_t>(seconds * rate);
  const auto ramp = static_cast<std::size_t>(0.005 * rate);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / rate;
    double x = 0.0;
    for (int h = 1; h <= harmonics; h += 2) x += std::sin(2.0 * std::numbers::pi * f0 * h * t) / h;
    double env = 1.0;
    const std::size_t edge = std::min(i, n - 1 - i);
    if (edge < ramp)
      env = 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(edge) /
                                 static_cast<double>(ramp));
    out.push_back(static_cast<float>(gain * env * x));
  }
}

void silence(std::vector<float>& out, int rate, double seconds) {
  out.insert(out.end(), static_cast<std::size_t>(seconds * rate), 0.0f);
}

}  // namespace

std::vector<float> good_tone(int rate) {
  std::vector<float> v;
  note(v, rate, kGoodLowHz, 0.07, 0.5, 1);
  silence(v, rate, 0.02);
  note(v, rate, kGoodHighHz, 0.11, 0.5, 1);
  return v;
}

std::vector<float> restart_tone(int rate) {
  // Odd harmonics up to the 7th: a square-ish buzz, audible on a laptop speaker.
  std::vector<float> v;
  note(v, rate, kRestartHz, 0.14, 0.45, 7);
  silence(v, rate, 0.06);
  note(v, rate, kRestartHz, 0.14, 0.45, 7);
  return v;
}

}  // namespace fpt::cue
