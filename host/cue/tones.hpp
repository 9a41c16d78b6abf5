// The two cue sounds, synthesised so they are told apart without looking: "good" is a short
// rising pair of high notes, "restart" a low, buzzing double beat. Mono float in [-1, 1].
#pragma once

#include <vector>

namespace fpt::cue {

/// Fundamental frequencies, so tests (and people) can tell the sounds apart by pitch.
inline constexpr double kGoodLowHz = 880.0;
inline constexpr double kGoodHighHz = 1320.0;
inline constexpr double kRestartHz = 220.0;

std::vector<float> good_tone(int rate_hz);
std::vector<float> restart_tone(int rate_hz);

}  // namespace fpt::cue
