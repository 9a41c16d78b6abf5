// Location and scale that ignore outliers (spikes, ECG complexes) in a rest window.
#pragma once

#include <span>

namespace fpt::dsp {

struct RobustStats {
  double median = 0.0;
  double scale = 0.0;  // 1.4826 x median absolute deviation: the SD for Gaussian data
};

/// Median and MAD-based scale of the values; reorders them (uses them as scratch).
/// Allocation-free, O(n). Returns zeros for an empty span.
RobustStats robust_stats(std::span<double> values) noexcept;

}  // namespace fpt::dsp
