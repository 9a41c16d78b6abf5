#include "calibration_plan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::calibration {
namespace {
// The first second of the stream lets the filters settle before the rest window starts.
constexpr double kSettleS = 1.0;
// "Glute, trial 2 of 3." needs less time than a new instruction.
constexpr double kShortLeadS = 2.0;
}  // namespace

const char* to_string(StepKind k) {
  switch (k) {
    case StepKind::kRest:
      return "rest";
    case StepKind::kMvc:
      return "mvc";
    case StepKind::kImuFloor:
      return "imu_floor";
    case StepKind::kImuLift:
      return "imu_lift";
  }
  return "?";
}

CalibrationPlan::CalibrationPlan(const PlanTiming& t) : timing_(t) {
  const auto in = [](double v, double lo, double hi) { return v >= lo && v <= hi; };
  if (!in(t.rest_s, 3.0, 60.0)) throw InvalidArgument("rest must be 3..60 s");
  if (!in(t.instruct_s, 1.0, 30.0)) throw InvalidArgument("instruction time must be 1..30 s");
  if (!in(t.countdown_s, 1.0, 10.0)) throw InvalidArgument("countdown must be 1..10 s");
  if (!in(t.contract_s, 1.0, 10.0)) throw InvalidArgument("MVC trials must be 1..10 s");
  if (!in(t.recover_s, 1.0, 120.0)) throw InvalidArgument("rest between trials must be 1..120 s");
  if (t.trials < 2 || t.trials > 5) throw InvalidArgument("MVC trials per muscle must be 2..5");
  if (!in(t.pose_s, 2.0, 20.0)) throw InvalidArgument("IMU poses must be 2..20 s");
}

const PlanStep& CalibrationPlan::add_rest() {
  PlanStep s;
  s.kind = StepKind::kRest;
  s.prompt_s = cursor_s_;
  s.start_s = cursor_s_ + kSettleS;
  s.end_s = s.start_s + timing_.rest_s;
  cursor_s_ = s.end_s;
  steps_.push_back(s);
  return steps_.back();
}

const PlanStep& CalibrationPlan::add_mvc(int muscle, int trial, bool repeat) {
  if (muscle < 0 || muscle > 2) throw InvalidArgument(fmt::format("no muscle {}", muscle));
  PlanStep s;
  s.kind = StepKind::kMvc;
  s.muscle = muscle;
  s.trial = trial;
  s.repeat = repeat;
  s.prompt_s = cursor_s_;
  const double lead =
      trial == 1 || repeat ? timing_.instruct_s : std::min(kShortLeadS, timing_.instruct_s);
  s.start_s = cursor_s_ + lead + timing_.countdown_s;
  s.end_s = s.start_s + timing_.contract_s;
  cursor_s_ = s.end_s + timing_.recover_s;
  steps_.push_back(s);
  return steps_.back();
}

const PlanStep& CalibrationPlan::add_pose(StepKind kind) {
  if (kind != StepKind::kImuFloor && kind != StepKind::kImuLift)
    throw InvalidArgument("a pose is the floor or the lift");
  PlanStep s;
  s.kind = kind;
  s.prompt_s = cursor_s_;
  s.start_s = cursor_s_ + timing_.instruct_s + timing_.countdown_s;
  s.end_s = s.start_s + timing_.pose_s;
  cursor_s_ = s.end_s;
  steps_.push_back(s);
  return steps_.back();
}

CalibrationPlan full_plan(const PlanTiming& timing, const std::array<bool, 3>& repeat,
                          bool with_imu) {
  CalibrationPlan p(timing);
  p.add_rest();
  for (int m = 0; m < 3; ++m) {
    for (int k = 1; k <= timing.trials; ++k) p.add_mvc(m, k, false);
    if (repeat[static_cast<std::size_t>(m)]) p.add_mvc(m, timing.trials + 1, true);
  }
  if (with_imu) {
    p.add_pose(StepKind::kImuFloor);
    p.add_pose(StepKind::kImuLift);
  }
  return p;
}

double longest_plan_s(const PlanTiming& timing, bool with_imu) {
  return full_plan(timing, {true, true, true}, with_imu).cursor_s() + timing.recover_s;
}

}  // namespace fpt::calibration
