#include "calibration_actor.hpp"

#include <algorithm>
#include <cmath>

#include "error.hpp"
#include "rng.hpp"

namespace fpt::sim {
namespace {

using calibration::StepKind;

// Share of each muscle's MVC during each task [task][muscle]: the hamstring helps extend the
// hip, the glute and the back brace during a back extension, the knee flexion is the most
// isolated of the three.
constexpr std::array<std::array<double, 3>, 3> kCoactivation{{
    {1.0, 0.35, 0.2},
    {0.1, 1.0, 0.1},
    {0.3, 0.15, 1.0},
}};
constexpr double kMoveS = 1.0;  // the thigh takes a second to lift or lower

double smooth_step(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return 0.5 - 0.5 * std::cos(x * 3.14159265358979323846);
}

calibration::CalibrationPlan make_plan(const ActorConfig& c) {
  std::array<bool, 3> repeat{};
  if (c.weak_muscle >= 0) repeat[static_cast<std::size_t>(c.weak_muscle)] = true;
  return calibration::full_plan(c.timing, repeat, c.with_imu);
}

}  // namespace

CalibrationActor::CalibrationActor(const ActorConfig& c) : config_(c), plan_(make_plan(c)) {
  if (c.weak_muscle >= 3 ||
      (c.weak_muscle >= 0 && (c.weak_trial < 1 || c.weak_trial > c.timing.trials)))
    throw InvalidArgument("the weak trial must be a muscle and a trial 1..trials");
  Rng rng(c.seed);
  for (const auto& s : plan_.steps()) {
    double level = 0.92 + 0.08 * rng.uniform();  // nobody gives exactly the same twice
    if (s.kind == StepKind::kMvc && s.muscle == c.weak_muscle && s.trial == c.weak_trial)
      level = c.weak_level;
    level_.push_back(level);
  }
  end_s_ = plan_.cursor_s();
}

double CalibrationActor::activation(int m, double t_s) const {
  const auto& steps = plan_.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& s = steps[i];
    if (s.kind != StepKind::kMvc) continue;
    const double on = s.start_s + config_.reaction_s, off = s.end_s + config_.reaction_s;
    if (t_s < on || t_s > off + config_.ramp_s) continue;
    const double a = std::min(smooth_step((t_s - on) / config_.ramp_s),
                              1.0 - smooth_step((t_s - off) / config_.ramp_s));
    return a * level_[i] *
           kCoactivation[static_cast<std::size_t>(s.muscle)][static_cast<std::size_t>(m)];
  }
  return 0.0;
}

double CalibrationActor::pitch_deg(double t_s) const {
  for (const auto& s : plan_.steps()) {
    if (s.kind != StepKind::kImuLift) continue;
    // The athlete lifts during the countdown and lowers when told.
    const double up = smooth_step((t_s - (s.prompt_s + 0.5)) / kMoveS);
    const double down = smooth_step((t_s - (s.end_s + config_.reaction_s)) / kMoveS);
    return config_.lift_deg * up * (1.0 - down);
  }
  return 0.0;
}

}  // namespace fpt::sim
