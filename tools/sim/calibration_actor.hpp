// The scripted athlete of a calibration: follows fpt calibrate's timetable (rest, maximal
// contractions with the helper's resistance, the two thigh poses) as a real athlete follows
// the spoken prompts, with the co-activation real muscles show, and optionally a weak trial.
#pragma once

#include <array>
#include <cstdint>

#include "calibration_plan.hpp"

namespace fpt::sim {

struct ActorConfig {
  calibration::PlanTiming timing;
  bool with_imu = true;
  int weak_muscle = -1;      // this muscle's ...
  int weak_trial = 0;        // ... trial (1-based) is only weak_level strong
  double weak_level = 0.5;   // fraction of the athlete's maximum
  double reaction_s = 0.25;  // from "go" to the contraction starting
  double ramp_s = 0.2;       // rise and fall of a contraction
  double lift_deg = 30.0;    // the full lift of the IMU step
  std::uint64_t seed = 1;
};

class CalibrationActor {
 public:
  /// Throws InvalidArgument for a bad configuration.
  explicit CalibrationActor(const ActorConfig& config);

  /// Activation of muscle m (0 glute, 1 hamstring, 2 lumbar) at t, as a fraction of MVC.
  [[nodiscard]] double activation(int m, double t_s) const;
  /// Thigh pitch in degrees (0 on the floor).
  [[nodiscard]] double pitch_deg(double t_s) const;
  /// When the calibration is over (the athlete rests from then on).
  [[nodiscard]] double end_s() const { return end_s_; }
  [[nodiscard]] const calibration::CalibrationPlan& plan() const { return plan_; }

 private:
  ActorConfig config_;
  calibration::CalibrationPlan plan_;
  std::vector<double> level_;  // per plan step: the effort of that trial
  double end_s_ = 0.0;
};

}  // namespace fpt::sim
