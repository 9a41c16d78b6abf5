// Run-time IIR design: Butterworth low/high-pass as second-order sections, via the bilinear
// transform with pre-warping, and analog sections given by the caller.
#pragma once

#include <complex>
#include <vector>

#include "biquad.hpp"

namespace fpt::dsp {

/// Analog section (b2 s^2 + b1 s + b0) / (a2 s^2 + a1 s + a0) with s in rad/s.
struct AnalogSection {
  double b2 = 0, b1 = 0, b0 = 1, a2 = 0, a1 = 0, a0 = 1;
};

/// Bilinear transform of one analog section at sample rate fs_hz (first-order sections, a2 =
/// b2 = 0, come out with b2 = a2 = 0). Throws InvalidArgument on a degenerate section.
BiquadCoeffs bilinear(const AnalogSection& s, double fs_hz);

/// Pre-warped analog angular frequency that the bilinear transform maps onto f_hz.
double prewarp(double f_hz, double fs_hz);

/// Butterworth low-pass / high-pass of the given order (1..16) as SOS. Throws InvalidArgument
/// when the cut-off is not strictly between 0 and Nyquist.
std::vector<BiquadCoeffs> butterworth_lowpass(int order, double fc_hz, double fs_hz);
std::vector<BiquadCoeffs> butterworth_highpass(int order, double fc_hz, double fs_hz);

/// Second-order notch at f0_hz with quality q (bandwidth f0/q), unit gain far from f0.
/// Throws InvalidArgument when f0 is not strictly between 0 and Nyquist or q <= 0.
BiquadCoeffs notch(double f0_hz, double q, double fs_hz);

/// Magnitude response of a cascade at f_hz (for tests and docs).
double magnitude_at(const std::vector<BiquadCoeffs>& sos, double f_hz, double fs_hz);

}  // namespace fpt::dsp
