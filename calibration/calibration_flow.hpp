// The guided calibration as a state machine on the board's clock: fed the board's samples, it
// says what to prompt and when, judges each step as soon as its samples are in, decides on a
// repeat trial, and finally finds swapped channels and the IMU rotation. It knows nothing of
// ports or sound, so it runs the same on a live board and on recorded or synthetic samples.
//
// Not the training sample path: it keeps the whole calibration (about two minutes) in buffers
// reserved up front and does its analysis a few times a minute at step boundaries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "calibration_plan.hpp"
#include "imu_alignment.hpp"
#include "sensor_check.hpp"

namespace fpt::calibration {

struct FlowConfig {
  double fs_hz = 1000.0;
  double imu_rate_hz = 0.0;  // 0: no accelerometer, no IMU step
  std::array<double, 3> full_scale_uv{8192.0, 8192.0, 8192.0};
  PlanTiming timing;
  RestLimits limits;
  bool sensor_check_only = false;  // stop after step 1
  double weak_ratio = 0.8;         // a trial below this share of the best is repeated
  double swap_margin = 0.7;        // own task below this share of another task: misplaced
};

struct Prompt {
  double t_s = 0.0;    // on the board's clock
  std::string text;    // printed
  std::string spoken;  // said (shorter than the printed text where that has details)
};

struct TrialResult {
  int muscle = 0;
  int trial = 0;
  bool repeat = false;
  std::array<double, 3> peak_uv{};  // every channel's peak 500 ms RMS during this task
  bool weak = false;
};

struct CalibrationOutcome {
  std::array<RestCheck, 3> rest{};
  std::array<double, 3> rest_sd_uv{};  // robust SD of the conditioned rest signal
  std::vector<TrialResult> trials;
  std::array<double, 3> mvc_uv{};  // 0 until the muscle's trials are done
  std::optional<ImuAlignment> imu;
  std::vector<Finding> findings;  // beyond the per-channel rest checks: MVC, swaps, IMU
  std::uint64_t lost_samples = 0;
  Grade grade = Grade::kPass;  // the worst of everything
};

class CalibrationFlow {
 public:
  /// Throws InvalidArgument for a bad configuration.
  explicit CalibrationFlow(const FlowConfig& config);

  /// One EMG sample set in uV (glute, hamstring, lumbar) at device sample `index`. A jump in
  /// index is counted as lost samples (held at the last value).
  void add_emg(std::uint64_t index, const std::array<double, 3>& uv);
  /// One accelerometer reading in g at IMU sample `index`.
  void add_accel(std::uint64_t index, const Eigen::Vector3d& g);

  /// Judges steps whose samples are complete and appends prompts now due to `out`.
  void poll(std::vector<Prompt>& out);

  [[nodiscard]] bool done() const { return done_; }
  /// Steps judged so far (their results are in outcome()).
  [[nodiscard]] std::size_t judged_steps() const { return step_; }
  [[nodiscard]] double now_s() const;
  [[nodiscard]] const CalibrationOutcome& outcome() const { return outcome_; }
  [[nodiscard]] const CalibrationPlan& plan() const { return plan_; }

 private:
  enum class Due : std::uint8_t { kPrompt, kCount, kGo, kEnd, kJudge };
  void prompt_step(const PlanStep& s, std::vector<Prompt>& out) const;
  void judge(const PlanStep& s);
  void judge_rest(const PlanStep& s);
  void judge_mvc(const PlanStep& s);
  void judge_pose(const PlanStep& s);
  void finish();
  void add_finding(Grade g, std::string what, std::string advice);
  [[nodiscard]] std::vector<double> conditioned(int channel, double from_s, double to_s) const;

  FlowConfig config_;
  CalibrationPlan plan_;
  CalibrationOutcome outcome_;
  std::array<std::vector<double>, 3> emg_;  // raw uV by device sample index
  std::vector<Eigen::Vector3d> accel_;      // g by IMU sample index
  std::array<double, 3> mains_hz_{};
  std::array<Eigen::Vector3d, 2> pose_g_{};  // mean gravity on the floor and lifted
  std::size_t step_ = 0;                     // the step being prompted or recorded
  int next_due_ = 0;                         // index into the step's due list
  bool done_ = false;
};

}  // namespace fpt::calibration
