// The physio's rules for one glute-raise rep: which firing orders pass at which stage.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace fpt::session {

enum class Muscle : int { kGlute = 0, kHamstring = 1, kLumbar = 2 };
inline constexpr int kMuscles = 3;
std::string_view to_string(Muscle m);

/// Onset times of one rep in seconds on the device clock; empty when the muscle stayed silent.
using RepOnsets = std::array<std::optional<double>, kMuscles>;

struct Verdict {
  bool good = false;
  std::string reason;  // "lumbar fired 42 ms before glute"; empty when good
  std::string fault;   // the same without numbers, for counting: "lumbar before glute"
};

/// Stage 1 (squeeze): glute only. Every stage: hamstring or lumbar more than tolerance_ms
/// before the glute, or no glute, restarts the rep. Stages 2 and 3: lumbar more than
/// tolerance_ms before the hamstring also restarts it (the order is glute -> hamstring ->
/// lumbar). Allocates only the reason text (once per rep, never per sample).
Verdict judge(int stage, const RepOnsets& onsets, double tolerance_ms);

}  // namespace fpt::session
