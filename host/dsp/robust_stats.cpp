#include "robust_stats.hpp"

#include <algorithm>
#include <cmath>

namespace fpt::dsp {
namespace {

double median_in_place(std::span<double> v) noexcept {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) {  // average with the largest of the lower half
    m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)));
  }
  return m;
}

}  // namespace

RobustStats robust_stats(std::span<double> values) noexcept {
  if (values.empty()) return {};
  RobustStats s;
  s.median = median_in_place(values);
  for (double& v : values) v = std::abs(v - s.median);
  s.scale = 1.4826 * median_in_place(values);
  return s;
}

}  // namespace fpt::dsp
