// The rest sensor check against signals whose faults are known: the virtual board's model
// (its baseline noise level is the ground truth), plus a flat and a saturated input.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "error.hpp"
#include "sensor_check.hpp"
#include "signal_model.hpp"

namespace fpt::calibration {
namespace {

struct Rest {
  std::vector<double> glute, lumbar;
  double glute_noise_uv = 0.0;
};

/// 10 s of rest from the signal model (the first rep comes much later).
Rest rest(double snr_db, const std::string& artifacts, double mains_uv = 20.0,
          double glute_ecg_uv = 15.0) {
  sim::ScenarioConfig sc;
  sc.rest_before_s = 30.0;
  sim::SignalConfig sig;
  sig.snr_db = snr_db;
  sig.artifacts = sim::ArtifactConfig::parse(artifacts);
  sig.artifacts.mains_uv = mains_uv;
  sig.artifacts.ecg_uv[0] = glute_ecg_uv;
  sim::Timeline timeline(sim::parse_script("squeeze", 1), sc);
  sim::SignalModel model(sig, timeline);
  Rest r;
  for (int i = 0; i < 10000; ++i) {
    const auto x = model.next_emg();
    r.glute.push_back(x[0]);
    r.lumbar.push_back(x[2]);
  }
  r.glute_noise_uv = model.noise_rms_uv()[0];
  return r;
}

RestCheck check(const std::vector<double>& x, bool trunk = false, double full_scale = 8192.0) {
  RestCheckInput in;
  in.raw_uv = x;
  in.fs_hz = 1000.0;
  in.full_scale_uv = full_scale;
  in.trunk = trunk;
  in.muscle = trunk ? "lumbar" : "glute";
  return check_rest(in);
}

bool mentions(const RestCheck& c, const std::string& what) {
  return std::any_of(c.findings.begin(), c.findings.end(),
                     [&](const Finding& f) { return f.what.find(what) != std::string::npos; });
}

TEST(SensorCheck, GoodSiteAt20dB_PassesAndMeasuresTheTrueNoise) {
  const Rest r = rest(20.0, "none");
  const RestCheck c = check(r.glute);
  EXPECT_EQ(c.grade, Grade::kPass) << (c.findings.empty() ? "" : c.findings[0].what);
  EXPECT_NEAR(c.noise_rms_uv, r.glute_noise_uv, 0.15 * r.glute_noise_uv);
  EXPECT_EQ(c.mains_hz, 0.0);
  EXPECT_FALSE(c.flat);
}

TEST(SensorCheck, NoisySite_FailsWithSkinPreparationAndPlacementAdvice) {
  const Rest r = rest(8.0, "none");  // baseline ~48 uV RMS
  const RestCheck c = check(r.glute);
  EXPECT_EQ(c.grade, Grade::kFail);
  ASSERT_TRUE(mentions(c, "noise"));
  EXPECT_NE(c.findings[0].advice.find("prepare the skin"), std::string::npos);
  EXPECT_NE(c.findings[0].advice.find("gluteus maximus"), std::string::npos);
  EXPECT_NEAR(c.noise_rms_uv, r.glute_noise_uv, 0.15 * r.glute_noise_uv);
}

TEST(SensorCheck, MainsHum_WarnsWhenNotchable_FailsWhenStrong) {
  const RestCheck some = check(rest(20.0, "mains", 20.0).glute);
  EXPECT_EQ(some.mains_hz, 50.0);
  EXPECT_EQ(some.grade, Grade::kWarn) << some.mains_db;
  EXPECT_TRUE(mentions(some, "mains hum"));
  // The notch removes the hum: the noise figure stays the electrode's own.
  EXPECT_LT(some.noise_rms_uv, 15.0);
  const RestCheck strong = check(rest(20.0, "mains", 1500.0).glute);
  EXPECT_EQ(strong.grade, Grade::kFail) << strong.mains_db;
  EXPECT_TRUE(mentions(strong, "strong 50 Hz mains hum"));
}

TEST(SensorCheck, Heartbeat_ExpectedOnTheTrunk_SuspiciousOnALimb) {
  const Rest r = rest(20.0, "ecg", 20.0, 60.0);
  const RestCheck trunk = check(r.lumbar, true);
  EXPECT_NEAR(trunk.ecg_rate_bpm, 70.0, 5.0);
  EXPECT_EQ(trunk.grade, Grade::kPass);
  const RestCheck limb = check(r.glute, false);
  EXPECT_NEAR(limb.ecg_rate_bpm, 70.0, 5.0);
  EXPECT_EQ(limb.grade, Grade::kWarn);
  EXPECT_TRUE(mentions(limb, "heartbeat"));
  EXPECT_EQ(check(rest(20.0, "none").lumbar, true).ecg_rate_bpm, 0.0);
}

TEST(SensorCheck, FlatLineAndSaturation_Fail) {
  const RestCheck flat = check(std::vector<double>(5000, 3.0));
  EXPECT_TRUE(flat.flat);
  EXPECT_EQ(flat.grade, Grade::kFail);
  EXPECT_NE(flat.findings[0].advice.find("electrode is off"), std::string::npos);
  std::vector<double> clipped = rest(20.0, "none").glute;
  for (double& v : clipped) v = std::clamp(v * 1000.0, -8192.0, 8192.0);
  const RestCheck sat = check(clipped);
  EXPECT_EQ(sat.grade, Grade::kFail);
  EXPECT_GT(sat.clipped_fraction, 0.1);
  EXPECT_TRUE(mentions(sat, "ADC's limit"));
  EXPECT_THROW(check(std::vector<double>(1000, 0.0)), InvalidArgument);
}

}  // namespace
}  // namespace fpt::calibration
