// The two cue sounds: told apart by pitch, short, and free of clicks at their edges.
#include <gtest/gtest.h>

#include <cmath>

#include "../support/wav_probe.hpp"
#include "tones.hpp"

namespace fpt::cue {
namespace {

test::Wav as_wav(std::vector<float> x) {
  test::Wav w;
  w.rate = 22050;
  w.x = std::move(x);
  return w;
}

TEST(Tones, RestartIsLowGoodIsHigh) {
  const auto good = as_wav(good_tone(22050));
  const auto restart = as_wav(restart_tone(22050));
  const std::size_t n = 1000;
  EXPECT_GT(test::goertzel(good, 0, n, kGoodLowHz), 100 * test::goertzel(good, 0, n, kRestartHz));
  EXPECT_GT(test::goertzel(restart, 0, n, kRestartHz),
            100 * test::goertzel(restart, 0, n, kGoodLowHz));
}

TEST(Tones, ShortAndWithoutClicks) {
  for (const auto& tone : {good_tone(22050), restart_tone(22050)}) {
    const double seconds = static_cast<double>(tone.size()) / 22050;
    EXPECT_GT(seconds, 0.15);
    EXPECT_LT(seconds, 0.40);  // a cue, not a tune
    EXPECT_LT(std::abs(tone.front()), 1e-3f);
    EXPECT_LT(std::abs(tone.back()), 0.05f);
    float peak = 0.0f;
    for (float v : tone) peak = std::max(peak, std::abs(v));
    EXPECT_GT(peak, 0.3f);
    EXPECT_LE(peak, 1.0f);
  }
}

}  // namespace
}  // namespace fpt::cue
