// Power at single frequencies, for deciding whether a line (mains hum) stands out of its
// neighbourhood. Goertzel on Hann-windowed segments, averaged Welch-style. No allocation.
#pragma once

#include <span>

namespace fpt::dsp {

/// Power of a Hann-windowed tone at f in one segment (Goertzel).
double tone_power(std::span<const double> x, double f_hz, double fs_hz) noexcept;

/// Welch average over 200 ms segments with 50 % overlap: a single periodogram bin scatters
/// too much (exponentially) to compare one frequency with its neighbours.
double welch_power(std::span<const double> x, double f_hz, double fs_hz) noexcept;

/// Power at f over the mean power 10 Hz either side: how far a line stands out.
double line_ratio(std::span<const double> x, double f_hz, double fs_hz) noexcept;

}  // namespace fpt::dsp
