// The timetable of the guided calibration on the board's clock (seconds from the first
// sample). `fpt calibrate` follows it to prompt the athlete and to know which samples belong
// to which step; the virtual board's scripted athlete follows the very same timetable, so the
// two agree without talking to each other, as a real athlete follows the spoken prompts.
#pragma once

#include <array>
#include <vector>

namespace fpt::calibration {

enum class StepKind { kRest, kMvc, kImuFloor, kImuLift };
const char* to_string(StepKind k);

struct PlanTiming {
  double rest_s = 10.0;      // the sensor check and rest baseline
  double instruct_s = 6.0;   // to hear a new instruction before its countdown starts
  double countdown_s = 3.0;  // counted down to "go"
  double contract_s = 4.0;   // each MVC trial (3-5 s)
  double recover_s = 5.0;    // rest after each trial
  int trials = 3;            // MVC trials per muscle (one more when one is clearly weaker)
  double pose_s = 4.0;       // each still IMU pose
};

struct PlanStep {
  StepKind kind = StepKind::kRest;
  int muscle = -1;      // 0 glute, 1 hamstring, 2 lumbar (MVC steps)
  int trial = 0;        // 1-based (MVC steps)
  bool repeat = false;  // an extra trial asked for because one was weak
  double prompt_s = 0;  // the instruction is given; the countdown ends at start_s
  double start_s = 0;   // "go": the samples from here to end_s are the step's
  double end_s = 0;
};

class CalibrationPlan {
 public:
  /// Throws InvalidArgument for timings out of their ranges.
  explicit CalibrationPlan(const PlanTiming& timing);

  const PlanStep& add_rest();
  const PlanStep& add_mvc(int muscle, int trial, bool repeat);
  const PlanStep& add_pose(StepKind kind);  // kImuFloor or kImuLift

  [[nodiscard]] const std::vector<PlanStep>& steps() const { return steps_; }
  [[nodiscard]] const PlanTiming& timing() const { return timing_; }
  /// When the next step would be prompted.
  [[nodiscard]] double cursor_s() const { return cursor_s_; }

 private:
  PlanTiming timing_;
  std::vector<PlanStep> steps_;
  double cursor_s_ = 0.0;
};

/// The whole timetable when the answers are known beforehand (the scripted athlete knows
/// which trial it will do weakly): rest, each muscle's trials plus one repeat where asked,
/// then the two IMU poses when the board has an accelerometer. The same calls in the same
/// order as the live flow makes, so the times are identical.
CalibrationPlan full_plan(const PlanTiming& timing, const std::array<bool, 3>& repeat,
                          bool with_imu);

/// Longest possible calibration (every muscle repeated), for sizing buffers.
double longest_plan_s(const PlanTiming& timing, bool with_imu);

}  // namespace fpt::calibration
