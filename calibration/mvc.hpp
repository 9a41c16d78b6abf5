// Maximum voluntary contraction: the reference for %MVC. Per trial, the peak of a 500 ms
// moving RMS of the conditioned EMG; a trial clearly weaker than the best is rejected (the
// athlete did not give everything) and should be repeated.
#pragma once

#include <span>
#include <vector>

namespace fpt::calibration {

/// Peak of the moving RMS over window_s, in the signal's unit. Allocates only the caller's
/// span is read; O(n).
double peak_moving_rms(std::span<const double> x, double fs_hz, double window_s = 0.5);

struct MvcChoice {
  double mvc = 0.0;               // the strongest accepted trial's peak
  std::vector<std::size_t> weak;  // trials below weak_ratio of the strongest: repeat them
};

/// Throws InvalidArgument when there is no trial or no positive peak.
MvcChoice choose_mvc(const std::vector<double>& trial_peaks, double weak_ratio = 0.8);

}  // namespace fpt::calibration
