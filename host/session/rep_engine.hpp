// Segments glute-raise reps from onset events and thigh pitch, cues a restart as soon as the
// order is wrong, and gives each rep its final verdict from the refined onsets.
//
// States: rest -> active (onsets arriving; "lift" once the thigh rises) -> rest. A rep starts at
// its first onset decision and ends when every muscle that fired has switched off and the thigh
// is back down for end_quiet_ms (or after max_rep_s).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "verdict.hpp"

namespace fpt::session {

struct RepConfig {
  double fs_hz = 1000.0;
  int stage = 3;
  double tolerance_ms = 0.0;  // "before" means by more than this (set per athlete)
  bool cue_restarts = true;   // false in assessment mode: no live cue, verdicts still judged
  /// How long after an offender's onset to wait for a glute decision: the glute's detector may
  /// still be deciding an onset that happened earlier. Default: the default detector's P95
  /// decision delay at 10 dB (docs/onset-detection.md).
  double grace_ms = 35.0;
  double lift_deg = 3.0;  // thigh counts as lifted above this pitch
  double end_quiet_ms = 300.0;
  double max_rep_s = 15.0;
};

struct RepEvent {
  enum class Kind : std::uint8_t { kRepStart, kRestartCue, kRepEnd };
  Kind kind = Kind::kRepStart;
  int rep = 0;
  std::uint64_t index = 0;  // sample at which the event was decided
  double t_s = 0.0;         // the same in seconds on the device clock
  /// Host steady clock (ns) when the frame holding sample `index` was read; set by the
  /// pipeline, so a cue's processing latency can be measured where it is emitted.
  std::int64_t arrival_ns = 0;
  /// Host ms from that arrival until the cue reached the athlete's output (set by the
  /// SessionCoach for restart cues and rep ends; NaN before that).
  double processing_ms = std::numeric_limits<double>::quiet_NaN();
  // kRestartCue: who fired too early and the live estimate of by how much.
  Muscle offender = Muscle::kHamstring;
  Muscle leader = Muscle::kGlute;  // who should have come first
  double lead_ms = 0.0;
  // kRepEnd: the rep as judged from refined onsets.
  RepOnsets onsets{};     // refined, seconds
  RepOnsets decisions{};  // decision times, seconds
  std::uint64_t start_index = 0;
  double start_s = 0.0;  // the rep's first onset estimate, seconds
  double peak_pitch_deg = 0.0;
  std::optional<double> lift_s;  // when the thigh crossed lift_deg
  Verdict verdict;
  bool cued_restart = false;                 // a restart was cued live
  std::optional<double> cue_s;               // when it was cued (decision time, seconds) ...
  Muscle cue_offender = Muscle::kHamstring;  // ... and for whom
  // Activation during the rep (set by the pipeline): mean and peak of each muscle's moving
  // RMS between rep start and end, and its rest SD, all in uV of the conditioned signal.
  std::array<double, kMuscles> mean_rms_uv{};
  std::array<double, kMuscles> peak_rms_uv{};
  std::array<double, kMuscles> rest_sigma_uv{};
  bool verdict_changed = false;  // the final verdict differs from the live cue
};

/// Where the athlete is in a rep. kRest (rest not learnt yet) is the pipeline's; the engine
/// moves armed -> active (onsets arriving) -> lift (thigh above lift_deg) -> lowering (thigh
/// coming down from its peak) -> armed when the rep ends.
enum class RepPhase : std::uint8_t { kRest, kArmed, kActive, kLift, kLowering };
std::string_view to_string(RepPhase p);

class RepEngine {
 public:
  static constexpr std::size_t kMaxEvents = 4;

  /// Throws InvalidArgument for a stage outside 1..3 or a negative tolerance.
  void setup(const RepConfig& config);

  /// Live decision of a muscle's onset (estimate_index: the detector's own onset estimate).
  void on_onset(Muscle m, std::uint64_t decision_index, std::uint64_t estimate_index) noexcept;
  void on_refined(Muscle m, std::uint64_t onset_index) noexcept;
  void on_offset(Muscle m, std::uint64_t index) noexcept;
  /// Thigh pitch in degrees at EMG sample index.
  void on_pitch(double pitch_deg, std::uint64_t index) noexcept;

  /// Advances time to sample `index` (call once per EMG sample set, after its onset events);
  /// writes decided rep events to out (capacity kMaxEvents) and returns how many.
  std::size_t tick(std::uint64_t index, std::span<RepEvent> out);

  [[nodiscard]] bool in_rep() const noexcept { return active_; }
  [[nodiscard]] RepPhase phase() const noexcept { return phase_; }
  [[nodiscard]] int reps() const noexcept { return rep_; }
  [[nodiscard]] const RepConfig& config() const noexcept { return config_; }
  void set_stage(int stage);

 private:
  double seconds(std::uint64_t index) const noexcept {
    return static_cast<double>(index) / config_.fs_hz;
  }

  RepConfig config_{};
  bool active_ = false;
  RepPhase phase_ = RepPhase::kArmed;
  int rep_ = 0;
  std::uint64_t start_index_ = 0;
  std::array<std::optional<std::uint64_t>, kMuscles> decided_{};
  std::array<std::optional<std::uint64_t>, kMuscles> estimate_{};
  std::array<std::optional<std::uint64_t>, kMuscles> refined_{};
  std::array<bool, kMuscles> on_{};
  std::optional<std::uint64_t> check_at_;  // when to judge a pending offender
  Muscle pending_offender_ = Muscle::kHamstring;
  bool cued_ = false;
  std::optional<std::uint64_t> cue_index_;
  Muscle cue_offender_ = Muscle::kHamstring;
  bool start_pending_ = false;
  double pitch_deg_ = 0.0;
  double peak_pitch_ = 0.0;
  std::optional<std::uint64_t> lift_index_;
  std::uint64_t quiet_since_ = 0;
  bool quiet_ = false;
  std::uint32_t grace_ = 0, tolerance_ = 0, end_quiet_ = 0;
  std::uint64_t max_rep_ = 0;
};

}  // namespace fpt::session
