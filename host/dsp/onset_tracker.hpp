// One EMG channel from raw microvolts to onset and offset events: conditioning, rest learning,
// the chosen detector, refinement of each onset, offsets with hysteresis, baseline refresh
// between reps, and mains detection. All storage is sized in setup(); process() allocates
// nothing, takes no lock and throws nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "emg_conditioner.hpp"
#include "onset_detector.hpp"

namespace fpt::dsp {

struct TrackerConfig {
  ConditionerConfig conditioner;  // mains_hz < 0 means: detect 50/60 Hz from the rest signal
  std::string detector = "cusum";
  DetectorSettings settings;
  double learn_s = 2.0;           // rest needed before the first decision
  double rest_window_s = 2.0;     // rest kept for (re)arming the detector
  double refresh_s = 5.0;         // re-arm after this much continuous quiet (and every 5 s)
  double settle_ms = 300.0;       // after an offset or gap, not counted as rest
  double refine_pre_ms = 150.0;   // refinement searches this far before the detector's estimate
  double refine_post_ms = 120.0;  // ... and runs this long after the decision
  double rms_window_ms = 50.0;    // moving RMS for offsets and the live level
  double off_fraction = 0.15;     // offset when RMS < rest + f (peak - rest) ...
  double off_min_ms = 100.0;      // ... for this long
  double history_s = 1.0;         // conditioned samples kept for refinement
  double min_level_ratio = 1.5;   // an onset needs the moving RMS above this many rest SDs
  /// Spike guard on the raw signal, before any filter can smear a spike into a long tail: a
  /// jump between successive samples beyond spike_ratio times the usual jump, on a line whose
  /// recent jumps are ordinary, is replaced by the last good sample for up to spike_hold_ms.
  /// Electrical spikes and cable knocks are then not taken for onsets. 0 turns it off.
  double spike_ratio = 15.0;
  double spike_hold_ms = 3.0;
};

struct OnsetEvent {
  enum class Kind : std::uint8_t {
    kOnset,    // decided now; index is the detector's own estimate (drives live cues)
    kRefined,  // the refined onset for the latest kOnset (drives verdicts and timelines)
    kOffset,   // the muscle switched off; index is the estimated offset
  };
  Kind kind = Kind::kOnset;
  std::uint64_t index = 0;           // sample index of the onset/offset estimate
  std::uint64_t decision_index = 0;  // sample at which the event was decided
  double level_uv = 0.0;             // moving RMS at the decision
};

class OnsetTracker {
 public:
  enum class State : std::uint8_t { kLearning, kQuiet, kActive };
  static constexpr std::size_t kMaxEventsPerSample = 3;

  OnsetTracker();
  ~OnsetTracker();
  OnsetTracker(OnsetTracker&&) noexcept;
  OnsetTracker& operator=(OnsetTracker&&) noexcept;

  /// Validates the configuration and allocates every buffer. Throws InvalidArgument.
  void setup(const TrackerConfig& config);

  /// One raw sample (uV) at device sample `index`. A jump in index counts as a gap: filters
  /// restart and the samples after it settle before they count. Writes up to
  /// kMaxEventsPerSample events into out (which must hold that many) and returns how many.
  /// Real-time safe.
  std::size_t process(double x_uv, std::uint64_t index, std::span<OnsetEvent> out) noexcept;

  /// Forgets everything learnt (new athlete or electrode replaced); keeps the configuration.
  void reset() noexcept;

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] bool active() const noexcept { return state_ == State::kActive; }
  /// Robust SD of the conditioned rest signal in uV (0 while learning).
  [[nodiscard]] double rest_sigma_uv() const noexcept { return sigma0_; }
  /// Moving RMS of the conditioned signal in uV: the live activity level.
  [[nodiscard]] double level_uv() const noexcept;
  /// Mains frequency being removed (0 when none).
  [[nodiscard]] double mains_hz() const noexcept { return conditioner_.config().mains_hz; }
  /// Samples by which the conditioner delays EMG near 100 Hz (subtracted from refined onsets).
  [[nodiscard]] double group_delay_samples() const noexcept { return group_delay_; }
  [[nodiscard]] const OnsetDetector& detector() const noexcept { return *detector_; }
  /// Spikes blanked so far.
  [[nodiscard]] std::uint64_t spikes() const noexcept { return spikes_; }

 private:
  double guard_spike(double x_uv) noexcept;

 public:
 private:
  void arm() noexcept;
  void detect_mains() noexcept;
  std::uint64_t refine(std::uint64_t decision, std::uint64_t estimate, std::uint64_t now) noexcept;
  [[nodiscard]] double history_at(std::uint64_t index) const noexcept;

  TrackerConfig config_;
  double fs_hz_ = 1000.0;
  EmgConditioner conditioner_;
  std::unique_ptr<OnsetDetector> detector_;
  State state_ = State::kLearning;
  bool auto_mains_ = false;
  bool mains_checked_ = false;
  double sigma0_ = 0.0;
  double group_delay_ = 0.0;

  // Rest ring (conditioned samples while quiet) and the scratch the statistics sort in.
  std::vector<double> rest_;
  std::vector<double> scratch_;
  std::size_t rest_pos_ = 0;
  std::size_t rest_count_ = 0;
  std::uint64_t quiet_since_ = 0;  // samples of quiet since the last (re)arm
  std::uint64_t settle_left_ = 0;
  bool detector_settled_ = true;  // false while filters ring after a gap or new notches

  // History for refinement, and the prefix sums the refinement computes over it.
  std::vector<double> history_;
  std::vector<double> prefix_;
  std::uint64_t last_index_ = 0;
  bool have_index_ = false;

  // Moving RMS.
  std::vector<double> rms_ring_;
  std::size_t rms_pos_ = 0;
  double rms_sum_ = 0.0;

  // Active-state bookkeeping.
  std::uint64_t onset_estimate_ = 0;
  std::uint64_t decision_ = 0;
  bool refine_pending_ = false;
  double peak_rms_ = 0.0;
  std::uint32_t below_run_ = 0;

  std::uint32_t refine_pre_ = 0, refine_post_ = 0, off_min_ = 0, settle_ = 0;
  // Spike guard state: typical |raw[n] - raw[n-1]| slow and fast, the last good raw sample.
  double jump_slow_ = 0.0, jump_fast_ = 0.0, last_raw_ = 0.0;
  double slow_alpha_ = 0.0, fast_alpha_ = 0.0;
  std::uint32_t spike_hold_ = 0, hold_left_ = 0;
  std::uint64_t raw_seen_ = 0;
  std::uint64_t spikes_ = 0;
  std::uint64_t learn_ = 0, refresh_ = 0;
};

}  // namespace fpt::dsp
