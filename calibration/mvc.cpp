#include "mvc.hpp"

#include <algorithm>
#include <cmath>

#include "error.hpp"

namespace fpt::calibration {

double peak_moving_rms(std::span<const double> x, double fs_hz, double window_s) {
  const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(window_s * fs_hz)));
  if (x.size() < n) return 0.0;
  double sum = 0.0, peak = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sum += x[i] * x[i];
    if (i >= n) sum -= x[i - n] * x[i - n];
    if (i + 1 >= n) peak = std::max(peak, std::sqrt(std::max(0.0, sum) / static_cast<double>(n)));
  }
  return peak;
}

MvcChoice choose_mvc(const std::vector<double>& peaks, double weak_ratio) {
  if (peaks.empty()) throw InvalidArgument("no MVC trial recorded");
  const double best = *std::max_element(peaks.begin(), peaks.end());
  if (!(best > 0.0)) throw InvalidArgument("no MVC trial shows any activity");
  MvcChoice c;
  c.mvc = best;
  for (std::size_t i = 0; i < peaks.size(); ++i)
    if (peaks[i] < weak_ratio * best) c.weak.push_back(i);
  return c;
}

}  // namespace fpt::calibration
