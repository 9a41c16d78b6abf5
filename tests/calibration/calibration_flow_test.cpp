// The guided calibration flow against the scripted athlete (the virtual board's signal model
// following the same timetable), offline: what each step finds is compared with the truth the
// model was built from.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <tuple>

#include <Eigen/Geometry>

#include "calibration_actor.hpp"
#include "calibration_flow.hpp"
#include "error.hpp"
#include "signal_model.hpp"

namespace fpt::calibration {
namespace {

PlanTiming quick_timing() {
  PlanTiming t;
  t.rest_s = 4.0;
  t.instruct_s = 2.0;
  t.countdown_s = 2.0;
  t.contract_s = 3.0;
  t.recover_s = 2.0;
  t.pose_s = 3.0;
  return t;
}

struct FlowRun {
  CalibrationOutcome outcome;
  std::vector<Prompt> prompts;
  std::vector<PlanStep> steps;
  std::array<double, 3> noise_rms_uv{};
};

/// Plays the scripted athlete into the flow until it is done. skip: device samples that are
/// lost on the way (first, count).
FlowRun run_flow(sim::SignalConfig sig, sim::ActorConfig actor, bool sensor_check_only = false,
                 std::pair<std::uint64_t, std::uint64_t> skip = {0, 0}) {
  actor.timing = quick_timing();
  sim::ScenarioConfig sc;
  sc.calibration = std::make_shared<sim::CalibrationActor>(actor);
  sim::Timeline timeline({sim::ScriptItem{}}, sc);
  sim::SignalModel model(sig, timeline);
  FlowConfig fc;
  fc.fs_hz = sig.fs_hz;
  fc.imu_rate_hz = actor.with_imu ? sig.imu_rate_hz : 0.0;
  fc.timing = actor.timing;
  fc.sensor_check_only = sensor_check_only;
  CalibrationFlow flow(fc);
  FlowRun r;
  r.noise_rms_uv = model.noise_rms_uv();
  const auto per_imu = static_cast<std::uint64_t>(sig.fs_hz / sig.imu_rate_hz);
  for (std::uint64_t n = 0; !flow.done() && n < 1'000'000; ++n) {
    const auto emg = model.next_emg();
    if (n % per_imu == 0) {
      const auto a = model.next_accel();
      if (actor.with_imu) flow.add_accel(n / per_imu, Eigen::Vector3d(a[0], a[1], a[2]));
    }
    if (n >= skip.first && n < skip.first + skip.second) continue;
    flow.add_emg(n, emg);
    flow.poll(r.prompts);
  }
  EXPECT_TRUE(flow.done());
  r.outcome = flow.outcome();
  r.steps = flow.plan().steps();
  return r;
}

std::string findings_text(const CalibrationOutcome& o) {
  std::string s;
  for (const auto& f : o.findings) s += std::string(to_string(f.grade)) + ": " + f.what + "\n";
  return s;
}

TEST(CalibrationFlow, GoodElectrodesGiveMvcRestAndTheFullTimetable) {
  sim::SignalConfig sig;
  sig.seed = 7;
  const FlowRun r = run_flow(sig, {});
  EXPECT_EQ(r.outcome.grade, Grade::kPass) << findings_text(r.outcome);
  ASSERT_EQ(r.steps.size(), 1u + 9u + 2u);  // rest, 3 x 3 MVC trials, floor and lift
  ASSERT_EQ(r.outcome.trials.size(), 9u);
  for (std::size_t m = 0; m < 3; ++m) {
    // The athlete gives 92-100 % of the model's MVC amplitude; conditioning keeps the band.
    EXPECT_GT(r.outcome.mvc_uv[m], 0.85 * sig.mvc_rms_uv[m]) << m;
    // The peak of a 500 ms RMS over a trial sits above the mean level (estimation noise).
    EXPECT_LT(r.outcome.mvc_uv[m], 1.15 * sig.mvc_rms_uv[m]) << m;
    EXPECT_NEAR(r.outcome.rest_sd_uv[m], r.noise_rms_uv[m], 0.25 * r.noise_rms_uv[m]) << m;
    EXPECT_EQ(r.outcome.rest[m].grade, Grade::kPass);
  }
  for (const auto& t : r.outcome.trials) EXPECT_FALSE(t.weak) << t.muscle << " " << t.trial;
  std::printf("MVC / model MVC: %.3f %.3f %.3f; rest SD / model noise: %.3f %.3f %.3f\n",
              r.outcome.mvc_uv[0] / sig.mvc_rms_uv[0], r.outcome.mvc_uv[1] / sig.mvc_rms_uv[1],
              r.outcome.mvc_uv[2] / sig.mvc_rms_uv[2], r.outcome.rest_sd_uv[0] / r.noise_rms_uv[0],
              r.outcome.rest_sd_uv[1] / r.noise_rms_uv[1],
              r.outcome.rest_sd_uv[2] / r.noise_rms_uv[2]);
  ASSERT_TRUE(r.outcome.imu.has_value());
  EXPECT_NEAR(r.outcome.imu->lift_range_deg, 30.0, 1.0);

  // Every "go" is said at its step's start, on the board's clock, after its instruction.
  std::size_t gos = 0;
  for (const auto& p : r.prompts)
    if (p.text.rfind("Go!", 0) == 0 || p.text == "Hold still.") {
      ASSERT_LT(gos, r.steps.size() - 1);
      EXPECT_DOUBLE_EQ(p.t_s, r.steps[gos + 1].start_s);
      ++gos;
    }
  EXPECT_EQ(gos, 11u);
  EXPECT_NE(r.prompts.front().text.find("sensor check"), std::string::npos);
}

TEST(CalibrationFlow, AWeakTrialIsRepeatedAndNotUsed) {
  sim::SignalConfig sig;
  sim::ActorConfig actor;
  actor.weak_muscle = 0;
  actor.weak_trial = 2;
  const FlowRun r = run_flow(sig, actor);
  EXPECT_EQ(r.outcome.grade, Grade::kPass) << findings_text(r.outcome);
  std::vector<TrialResult> glute;
  for (const auto& t : r.outcome.trials)
    if (t.muscle == 0) glute.push_back(t);
  ASSERT_EQ(glute.size(), 4u);
  EXPECT_TRUE(glute[1].weak);
  EXPECT_TRUE(glute[3].repeat);
  EXPECT_FALSE(glute[3].weak);
  EXPECT_GT(r.outcome.mvc_uv[0], 0.85 * sig.mvc_rms_uv[0]);
  bool asked = false;
  for (const auto& p : r.prompts)
    asked = asked || p.text.find("one more trial") != std::string::npos;
  EXPECT_TRUE(asked);
  // The other muscles were not repeated.
  EXPECT_EQ(r.outcome.trials.size(), 10u);
}

TEST(CalibrationFlow, SwappedCablesAreFoundAndFail) {
  for (const auto& [a, b, names] : {std::tuple{0, 1, std::string("glute and hamstring")},
                                    std::tuple{1, 2, std::string("hamstring and lumbar")},
                                    std::tuple{0, 2, std::string("glute and lumbar")}}) {
    sim::SignalConfig sig;
    sig.swap_a = a;
    sig.swap_b = b;
    const FlowRun r = run_flow(sig, {});
    EXPECT_EQ(r.outcome.grade, Grade::kFail) << names;
    const std::string text = findings_text(r.outcome);
    EXPECT_NE(text.find("the " + names + " channels look swapped"), std::string::npos) << text;
  }
}

TEST(CalibrationFlow, NoSwapIsReportedForNormalCoactivation) {
  // The hamstring helps extend the hip and the glute braces a back extension: across seeds
  // and noise levels, that is never taken for a swap.
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    for (double snr : {10.0, 20.0}) {
      sim::SignalConfig sig;
      sig.seed = seed;
      sig.snr_db = snr;
      sim::ActorConfig actor;
      actor.seed = seed;
      const FlowRun r = run_flow(sig, actor);
      EXPECT_EQ(findings_text(r.outcome).find("swapped"), std::string::npos) << seed << " " << snr;
      EXPECT_EQ(r.outcome.findings.size(), 0u) << findings_text(r.outcome);
    }
  }
}

TEST(CalibrationFlow, ImuRotationWithin2DegreesForArbitraryStraps) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> angle(-180.0, 180.0), tilt(-80.0, 80.0);
  double worst = 0.0;
  for (int k = 0; k < 6; ++k) {
    sim::SignalConfig sig;
    sig.seed = static_cast<std::uint64_t>(k + 1);
    sig.mount_deg = {angle(rng), tilt(rng), angle(rng)};
    sim::ActorConfig actor;
    actor.lift_deg = 20.0 + 5.0 * k;
    const FlowRun r = run_flow(sig, actor);
    ASSERT_TRUE(r.outcome.imu.has_value()) << findings_text(r.outcome);
    // The model's strap, built independently: sensor = Rz(yaw) Ry(pitch) Rx(roll) thigh.
    const double d = M_PI / 180.0;
    const Eigen::Matrix3d mount =
        (Eigen::AngleAxisd(sig.mount_deg[2] * d, Eigen::Vector3d::UnitZ()) *
         Eigen::AngleAxisd(sig.mount_deg[1] * d, Eigen::Vector3d::UnitY()) *
         Eigen::AngleAxisd(sig.mount_deg[0] * d, Eigen::Vector3d::UnitX()))
            .toRotationMatrix();
    // thigh = rotation * sensor = rotation * mount * thigh: the product is the identity.
    const Eigen::AngleAxisd error(Eigen::Matrix3d(r.outcome.imu->rotation * mount));
    worst = std::max(worst, std::abs(error.angle()) / d);
    EXPECT_NEAR(r.outcome.imu->lift_range_deg, actor.lift_deg, 1.0);
  }
  std::printf("IMU rotation from the flow, 6 random straps: worst error %.2f degrees\n", worst);
  EXPECT_LT(worst, 2.0);
}

TEST(CalibrationFlow, ALooseElectrodeStopsAfterTheSensorCheck) {
  sim::SignalConfig sig;
  sig.loose_channel = 1;
  const FlowRun r = run_flow(sig, {});
  EXPECT_EQ(r.outcome.grade, Grade::kFail);
  EXPECT_TRUE(r.outcome.rest[1].flat);
  EXPECT_EQ(r.outcome.rest[0].grade, Grade::kPass);
  EXPECT_TRUE(r.outcome.trials.empty());
  EXPECT_EQ(r.steps.size(), 1u);
}

TEST(CalibrationFlow, SensorCheckOnlyEndsAfterStepOne) {
  const FlowRun r = run_flow({}, {}, true);
  EXPECT_EQ(r.outcome.grade, Grade::kPass);
  EXPECT_EQ(r.steps.size(), 1u);
  EXPECT_GT(r.outcome.rest_sd_uv[2], 0.0);
}

TEST(CalibrationFlow, LostSamplesAreCountedAndReported) {
  const FlowRun r = run_flow({}, {}, false, {20'000, 150});
  EXPECT_EQ(r.outcome.lost_samples, 150u);
  EXPECT_EQ(r.outcome.grade, Grade::kWarn);
  EXPECT_NE(findings_text(r.outcome).find("150 samples were lost"), std::string::npos);
}

TEST(CalibrationFlow, NoAccelerometerMeansNoImuStep) {
  sim::ActorConfig actor;
  actor.with_imu = false;
  const FlowRun r = run_flow({}, actor);
  EXPECT_EQ(r.steps.size(), 10u);
  EXPECT_FALSE(r.outcome.imu.has_value());
  EXPECT_EQ(r.outcome.grade, Grade::kPass) << findings_text(r.outcome);
}

TEST(CalibrationPlan, RejectsTimingsOutOfRange) {
  PlanTiming t;
  t.contract_s = 0.2;
  EXPECT_THROW(CalibrationPlan{t}, InvalidArgument);
  t = {};
  t.trials = 1;
  EXPECT_THROW(CalibrationPlan{t}, InvalidArgument);
  t = {};
  t.rest_s = 100.0;
  EXPECT_THROW(CalibrationPlan{t}, InvalidArgument);
}

}  // namespace
}  // namespace fpt::calibration
