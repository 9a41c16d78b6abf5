// The whole training pipeline on the virtual board's signal model (no port): every scripted
// rep's verdict is compared with the verdict its true onsets deserve.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "signal_model.hpp"
#include "training_pipeline.hpp"

namespace fpt::session {
namespace {

constexpr double kFs = 1000.0;
constexpr double kScaleUv = 0.25;
constexpr double kAccelScale = 1.0 / 4096.0;

protocol::DeviceInfo virtual_board() {
  protocol::DeviceInfo d;
  d.protocol_version = 1;
  d.serial = "OFFLINE";
  d.emg_rate_hz = static_cast<int>(kFs);
  d.sample_bytes = 2;
  d.imu_kind = FPT_IMU_ACCEL;
  d.imu_axes = 3;
  d.imu_rate_hz = 100;
  d.accel_scale_g = kAccelScale;
  using protocol::MuscleRole;
  for (MuscleRole r : {MuscleRole::kGlute, MuscleRole::kHamstring, MuscleRole::kLumbar})
    d.channels.push_back({r, protocol::Side::kRight, 16, kScaleUv, 0});
  return d;
}

class Collect final : public SessionSink {
 public:
  void on_rep_event(const RepEvent& e) override {
    if (e.kind == RepEvent::Kind::kRepEnd) ends.push_back(e);
    if (e.kind == RepEvent::Kind::kRestartCue) cues.push_back(e);
  }
  std::vector<RepEvent> ends, cues;
};

struct Outcome {
  int reps = 0, agree = 0, found = 0;
};

Outcome play(const std::string& script, int stage, double snr_db, const std::string& artifacts,
             std::uint64_t seed) {
  sim::ScenarioConfig sc;
  sc.seed = seed;
  sim::SignalConfig sig;
  sig.snr_db = snr_db;
  sig.seed = seed;
  sig.artifacts = sim::ArtifactConfig::parse(artifacts);
  sim::Timeline timeline(sim::parse_script(script, stage), sc);
  sim::SignalModel model(sig, timeline);
  TrainingPipeline p;
  PipelineConfig pc;
  pc.rep.stage = stage;
  p.setup(virtual_board(), pc);
  Collect sink;
  const auto n = static_cast<std::uint64_t>((timeline.end_s() + 2.0) * kFs);
  for (std::uint64_t i = 0; i < n; ++i) {
    io::StreamItem e;
    e.kind = io::ItemKind::kEmg;
    e.count = 3;
    e.index = i;
    const auto uv = model.next_emg();
    for (int m = 0; m < 3; ++m)
      e.values[m] = static_cast<std::int32_t>(std::lround(uv[m] / kScaleUv));
    p.process(e, sink);
    if (i % 10 == 0) {
      io::StreamItem imu;
      imu.kind = io::ItemKind::kImu;
      imu.count = 3;
      imu.index = i / 10;
      const auto g = model.next_accel();
      for (int a = 0; a < 3; ++a)
        imu.values[a] = static_cast<std::int32_t>(std::lround(g[a] / kAccelScale));
      p.process(imu, sink);
    }
  }
  Outcome o;
  for (const auto& truth : timeline.reps()) {
    ++o.reps;
    for (const auto& end : sink.ends) {
      const double start = static_cast<double>(end.start_index) / kFs;
      if (start < truth.start_s - 0.3 || start > truth.start_s + 0.5) continue;
      ++o.found;
      if (end.verdict.good == truth.expected_good)
        ++o.agree;
      else
        std::printf("rep %d (%s, stage %d): expected %s (%s), got %s (%s)\n", truth.rep,
                    std::string(sim::to_string(truth.order)).c_str(), truth.stage,
                    truth.expected_good ? "good" : "restart", truth.expected_reason.c_str(),
                    end.verdict.good ? "good" : "restart", end.verdict.reason.c_str());
      break;
    }
  }
  return o;
}

constexpr const char* kStage3 =
    "correct,hamstring_first,lumbar_first,both_before_glute,glute_silent,"
    "lumbar_before_hamstring";

TEST(TrainingPipeline, Stage3Faults_20dB_VerdictsMatchTruth) {
  const Outcome o = play(std::string(kStage3) + "," + kStage3 + "," + kStage3, 3, 20.0,
                         "mains,ecg,motion,spikes", 7);
  EXPECT_EQ(o.found, o.reps);
  EXPECT_EQ(o.agree, o.reps);
}

TEST(TrainingPipeline, Stage3Faults_10dB_AtMostOneMiss) {
  const Outcome o = play(std::string(kStage3) + "," + kStage3 + "," + kStage3, 3, 10.0,
                         "mains,ecg,motion,spikes", 8);
  EXPECT_EQ(o.found, o.reps);
  EXPECT_GE(o.agree, o.reps - 1);
}

TEST(TrainingPipeline, Stage2AndStage1Rules) {
  Outcome o = play("correct*2,lumbar_before_hamstring*2,hamstring_first", 2, 20.0, "ecg", 9);
  EXPECT_EQ(o.agree, o.reps);
  o = play("squeeze*3,squeeze_hamstring*2", 1, 20.0, "ecg", 10);
  EXPECT_EQ(o.agree, o.reps);
}

}  // namespace
}  // namespace fpt::session

namespace fpt::session {
namespace {

TEST(TrainingPipeline, GyroFusion_FollowsTheLiftThroughAccelerometerJolts) {
  // A board with accelerometer and gyro: the thigh lifts 0 -> 25 deg in 0.5 s, holds, lowers.
  // At lift-off and touch-down the accelerometer is shaken (0.6 g jolts); the fused pitch must
  // stay within 3 deg of the truth, where the accelerometer alone is off by far more.
  protocol::DeviceInfo d = virtual_board();
  d.imu_kind = FPT_IMU_ACCEL_GYRO;
  d.imu_axes = 6;
  d.gyro_scale_dps = 1.0 / 64.0;
  TrainingPipeline fused, accel_only;
  fused.setup(d, PipelineConfig{});
  accel_only.setup(virtual_board(), PipelineConfig{});
  Collect sink;
  const double dt = 0.01;
  const auto truth = [](double t) {
    if (t < 1.0) return 0.0;
    if (t < 1.5) return 50.0 * (t - 1.0);
    if (t < 3.0) return 25.0;
    if (t < 3.5) return 25.0 - 50.0 * (t - 3.0);
    return 0.0;
  };
  double worst_fused = 0.0, worst_accel = 0.0;
  for (int k = 0; k < 500; ++k) {
    const double t = k * dt;
    const double th = truth(t) * M_PI / 180.0;
    const double rate_dps = (truth(t + dt / 2) - truth(t - dt / 2)) / dt;
    // Jolts: 60 ms of 0.6 g along the thigh at lift-off and at touch-down.
    const bool jolt = (t >= 1.0 && t < 1.06) || (t >= 3.45 && t < 3.51);
    const double ax = std::sin(th) + (jolt ? 0.6 * ((k % 2) ? 1 : -1) : 0.0);
    io::StreamItem imu;
    imu.kind = io::ItemKind::kImu;
    imu.count = 6;
    imu.index = static_cast<std::uint64_t>(k);
    imu.values[0] = static_cast<std::int32_t>(std::lround(ax / kAccelScale));
    imu.values[1] = 0;
    imu.values[2] = static_cast<std::int32_t>(std::lround(std::cos(th) / kAccelScale));
    imu.values[4] = static_cast<std::int32_t>(std::lround(-rate_dps / d.gyro_scale_dps));
    fused.process(imu, sink);
    imu.count = 3;
    accel_only.process(imu, sink);
    worst_fused = std::max(worst_fused, std::abs(fused.pitch_deg() - truth(t)));
    worst_accel = std::max(worst_accel, std::abs(accel_only.pitch_deg() - truth(t)));
  }
  EXPECT_LT(worst_fused, 3.0);
  EXPECT_GT(worst_accel, 15.0);
}

}  // namespace
}  // namespace fpt::session
