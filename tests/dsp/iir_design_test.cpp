// Butterworth design: gains at the design frequencies, stability, decay, no NaN at any rate.
#include <gtest/gtest.h>

#include <cmath>

#include "biquad.hpp"
#include "error.hpp"
#include "iir_design.hpp"

namespace fpt::dsp {
namespace {

bool stable(const BiquadCoeffs& c) {
  // Both poles inside the unit circle (Jury conditions for a second-order denominator).
  return std::abs(c.a2) < 1.0 && std::abs(c.a1) < 1.0 + c.a2;
}

TEST(Butterworth, LowPass_GainsAtDesignFrequencies) {
  for (int order : {1, 2, 3, 4, 6, 8}) {
    const auto sos = butterworth_lowpass(order, 100.0, 1000.0);
    EXPECT_EQ(sos.size(), static_cast<std::size_t>((order + 1) / 2));
    EXPECT_NEAR(magnitude_at(sos, 0.0, 1000.0), 1.0, 1e-9) << order;
    EXPECT_NEAR(magnitude_at(sos, 100.0, 1000.0), std::sqrt(0.5), 1e-6) << order;  // -3 dB
    // Bilinear warping makes the digital filter steeper than the analog 1/sqrt(1+(f/fc)^2n).
    EXPECT_LT(magnitude_at(sos, 200.0, 1000.0), 1.0 / std::sqrt(1.0 + std::pow(2.0, 2 * order)))
        << order;
    for (const auto& c : sos) EXPECT_TRUE(stable(c));
  }
}

TEST(Butterworth, HighPass_GainsAtDesignFrequencies) {
  for (int order : {1, 2, 4}) {
    const auto sos = butterworth_highpass(order, 20.0, 2000.0);
    EXPECT_NEAR(magnitude_at(sos, 1000.0, 2000.0), 1.0, 1e-9);
    EXPECT_NEAR(magnitude_at(sos, 20.0, 2000.0), std::sqrt(0.5), 1e-6);
    EXPECT_LT(magnitude_at(sos, 5.0, 2000.0), 0.25);
    for (const auto& c : sos) EXPECT_TRUE(stable(c));
  }
}

TEST(Butterworth, ImpulseResponse_DecaysAndHasNoNaN_ForEveryRate) {
  for (double fs : {500.0, 1000.0, 1500.0, 2000.0, 3000.0, 4000.0}) {
    SosCascade<8> band;
    for (const auto& c : butterworth_highpass(4, 20.0, fs)) band.add(c);
    for (const auto& c : butterworth_lowpass(4, std::min(450.0, 0.45 * fs), fs)) band.add(c);
    double tail = 0.0;
    for (int n = 0; n < static_cast<int>(fs) * 2; ++n) {
      const double y = band.process(n == 0 ? 1.0 : 0.0);
      ASSERT_TRUE(std::isfinite(y));
      if (n > static_cast<int>(fs)) tail = std::max(tail, std::abs(y));
    }
    EXPECT_LT(tail, 1e-6) << fs;  // still ringing a second later would mean a near-unstable pole
  }
}

TEST(Butterworth, InvalidDesigns_Throw) {
  EXPECT_THROW(butterworth_lowpass(4, 600.0, 1000.0), InvalidArgument);  // above Nyquist
  EXPECT_THROW(butterworth_lowpass(4, 500.0, 1000.0), InvalidArgument);  // at Nyquist
  EXPECT_THROW(butterworth_highpass(4, 0.0, 1000.0), InvalidArgument);
  EXPECT_THROW(butterworth_highpass(0, 20.0, 1000.0), InvalidArgument);
  EXPECT_THROW(butterworth_highpass(17, 20.0, 1000.0), InvalidArgument);
  EXPECT_THROW(butterworth_lowpass(2, 10.0, -1.0), InvalidArgument);
}

TEST(Biquad, ResetClearsState) {
  Biquad b(butterworth_lowpass(2, 50.0, 1000.0)[0]);
  const double first = b.process(1.0);
  b.process(0.3);
  b.reset();
  EXPECT_DOUBLE_EQ(b.process(1.0), first);
}

}  // namespace
}  // namespace fpt::dsp
