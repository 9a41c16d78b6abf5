// Onset detection on signals with known truth: accuracy bounds, silence on noise and
// artifacts, determinism, conditioner properties and configuration errors.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "detectors.hpp"
#include "emg_conditioner.hpp"
#include "error.hpp"
#include "iir_design.hpp"
#include "onset_tracker.hpp"
#include "rng.hpp"
#include "robust_stats.hpp"

namespace fpt::dsp {
namespace {

constexpr double kFs = 1000.0;

/// White Gaussian noise of rest_sd, with a burst of band noise (rest_sd * burst_gain) from
/// onset to offset: a step change in variance with known times.
std::vector<double> burst_signal(std::size_t n, std::size_t onset, std::size_t offset,
                                 double burst_gain, std::uint64_t seed, double rest_sd = 10.0) {
  sim::Rng rng(seed);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double gain = (i >= onset && i < offset) ? burst_gain : 1.0;
    x[i] = rest_sd * gain * rng.gaussian();
  }
  return x;
}

struct Found {
  std::vector<OnsetEvent> onsets, refined, offsets;
};

Found run(OnsetTracker& t, const std::vector<double>& x, std::uint64_t first_index = 0) {
  Found f;
  std::array<OnsetEvent, OnsetTracker::kMaxEventsPerSample> ev{};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t k = t.process(x[i], first_index + i, ev);
    for (std::size_t e = 0; e < k; ++e) {
      if (ev[e].kind == OnsetEvent::Kind::kOnset) f.onsets.push_back(ev[e]);
      if (ev[e].kind == OnsetEvent::Kind::kRefined) f.refined.push_back(ev[e]);
      if (ev[e].kind == OnsetEvent::Kind::kOffset) f.offsets.push_back(ev[e]);
    }
  }
  return f;
}

TrackerConfig config_for(const std::string& detector) {
  TrackerConfig c;
  c.conditioner.fs_hz = kFs;
  c.detector = detector;
  return c;
}

class EveryDetector : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryDetector, StepOnset_FoundWithinBoundsAndOffsetFollows) {
  OnsetTracker t;
  t.setup(config_for(GetParam()));
  const auto x = burst_signal(8000, 4000, 6000, 10.0, 3);  // 20 dB step at 4.000 s
  const Found f = run(t, x);
  ASSERT_EQ(f.onsets.size(), 1u);
  ASSERT_EQ(f.refined.size(), 1u);
  ASSERT_EQ(f.offsets.size(), 1u);
  const double err_ms = static_cast<double>(f.refined[0].index) - 4000.0;
  EXPECT_LE(std::abs(err_ms), 10.0) << GetParam();
  const double delay_ms = static_cast<double>(f.onsets[0].decision_index) - 4000.0;
  EXPECT_GE(delay_ms, 0.0);
  EXPECT_LE(delay_ms, 60.0) << GetParam();
  EXPECT_NEAR(static_cast<double>(f.offsets[0].index), 6000.0, 80.0);
  EXPECT_LE(f.refined[0].index, f.refined[0].decision_index);
}

TEST_P(EveryDetector, PureNoise_StaysSilent) {
  OnsetTracker t;
  t.setup(config_for(GetParam()));
  const auto x = burst_signal(60000, 0, 0, 1.0, 9);  // a minute of rest
  EXPECT_EQ(run(t, x).onsets.size(), 0u) << GetParam();
}

TEST_P(EveryDetector, SpikesAndHum_NotOnsets) {
  OnsetTracker t;
  TrackerConfig c = config_for(GetParam());
  c.conditioner.mains_hz = -1.0;  // detect
  t.setup(c);
  auto x = burst_signal(30000, 0, 0, 1.0, 5);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] += 40.0 * std::sin(2.0 * std::numbers::pi * 50.0 * static_cast<double>(i) / kFs);
    if (i > 3000 && i % 1500 == 0) {  // biphasic spikes of 60 rest SDs
      x[i] += 600.0;
      x[i + 1] -= 350.0;
    }
  }
  const Found f = run(t, x);
  EXPECT_EQ(f.onsets.size(), 0u) << GetParam();
  EXPECT_EQ(t.mains_hz(), 50.0);
  EXPECT_GE(t.spikes(), 15u);
}

TEST_P(EveryDetector, SameInput_SameEvents) {
  const auto x = burst_signal(9000, 3000, 5000, 4.0, 21);
  OnsetTracker a, b;
  a.setup(config_for(GetParam()));
  b.setup(config_for(GetParam()));
  const Found fa = run(a, x), fb = run(b, x);
  ASSERT_EQ(fa.refined.size(), fb.refined.size());
  for (std::size_t i = 0; i < fa.refined.size(); ++i) {
    EXPECT_EQ(fa.refined[i].index, fb.refined[i].index);
    EXPECT_EQ(fa.refined[i].decision_index, fb.refined[i].decision_index);
  }
}

INSTANTIATE_TEST_SUITE_P(Detectors, EveryDetector,
                         ::testing::Values("cusum", "hodges", "bonato", "tkeo"));

TEST(OnsetTracker, RepeatedReps_EachOnsetOnce) {
  OnsetTracker t;
  t.setup(config_for("cusum"));
  sim::Rng rng(4);
  std::vector<double> x(40000);
  const std::array<std::size_t, 5> onsets{4000, 11000, 18000, 25000, 32000};
  for (std::size_t i = 0; i < x.size(); ++i) {
    double gain = 1.0;
    for (auto o : onsets)
      if (i >= o && i < o + 2500) gain = 5.0;
    x[i] = 10.0 * gain * rng.gaussian();
  }
  const Found f = run(t, x);
  ASSERT_EQ(f.refined.size(), onsets.size());
  for (std::size_t k = 0; k < onsets.size(); ++k)
    EXPECT_NEAR(static_cast<double>(f.refined[k].index), static_cast<double>(onsets[k]), 10.0);
  EXPECT_EQ(f.offsets.size(), onsets.size());
}

TEST(OnsetTracker, NoDecisionWhileLearningRest) {
  OnsetTracker t;
  t.setup(config_for("cusum"));
  const auto x = burst_signal(1900, 500, 1900, 10.0, 2);  // active before 2 s of rest
  const Found f = run(t, x);
  EXPECT_TRUE(f.onsets.empty());
  EXPECT_EQ(t.state(), OnsetTracker::State::kLearning);
}

TEST(OnsetTracker, GapInIndex_EndsActivityAndResettles) {
  OnsetTracker t;
  t.setup(config_for("cusum"));
  const auto x = burst_signal(5000, 3000, 5000, 10.0, 8);
  Found f = run(t, x);
  ASSERT_EQ(f.onsets.size(), 1u);
  EXPECT_TRUE(t.active());
  // The stream resumes 1000 samples later, at rest: the activity is closed at the gap.
  const auto rest = burst_signal(2000, 0, 0, 1.0, 10);
  f = run(t, rest, 6000);
  ASSERT_EQ(f.offsets.size(), 1u);
  EXPECT_EQ(f.offsets[0].index, 4999u);
  EXPECT_FALSE(t.active());
  EXPECT_TRUE(f.onsets.empty());
}

TEST(OnsetTracker, InvalidConfiguration_ClearErrors) {
  OnsetTracker t;
  TrackerConfig c = config_for("cusum");
  c.conditioner.fs_hz = 250.0;
  EXPECT_THROW(t.setup(c), InvalidArgument);  // rate out of range
  c = config_for("cusum");
  c.conditioner.band_high_hz = 600.0;
  EXPECT_THROW(t.setup(c), InvalidArgument);  // band above Nyquist
  c = config_for("cusum");
  c.refine_pre_ms = 900.0;
  EXPECT_THROW(t.setup(c), InvalidArgument);  // window longer than history
  c = config_for("median");
  EXPECT_THROW(t.setup(c), InvalidArgument);  // no such detector
  c = config_for("cusum");
  c.conditioner.mains_hz = 55.0;
  EXPECT_THROW(t.setup(c), InvalidArgument);
}

TEST(EmgConditioner, PassesEmgBand_RemovesMainsAndEcgBand) {
  EmgConditioner c;
  ConditionerConfig cfg;
  cfg.fs_hz = 2000.0;
  cfg.mains_hz = 60.0;
  c.setup(cfg);
  EXPECT_EQ(c.notch_count(), 7u);  // 60..420 Hz
  auto gain_at = [&](double f) {
    c.reset();
    double peak = 0.0;
    for (int i = 0; i < 8000; ++i) {
      const double y = c.process(std::sin(2.0 * std::numbers::pi * f * i / cfg.fs_hz));
      if (i > 6000) peak = std::max(peak, std::abs(y));
    }
    return peak;
  };
  EXPECT_NEAR(gain_at(100.0), 1.0, 0.05);
  EXPECT_NEAR(gain_at(270.0), 1.0, 0.05);  // between the 240 and 300 Hz notches
  EXPECT_LT(gain_at(60.0), 0.02);
  EXPECT_LT(gain_at(180.0), 0.02);
  EXPECT_LT(gain_at(5.0), 0.01);
  EXPECT_LT(gain_at(900.0), 0.01);

  cfg.mains_hz = 0.0;
  cfg.ecg_highpass_hz = 30.0;
  c.setup(cfg);
  EXPECT_NEAR(gain_at(30.0), std::sqrt(0.5), 0.03);
  EXPECT_LT(gain_at(10.0), 0.02);  // ECG's main band
  EXPECT_GT(c.group_delay_samples(100.0), 0.0);
}

TEST(RobustStats, IgnoresOutliers) {
  std::vector<double> v;
  sim::Rng rng(1);
  for (int i = 0; i < 10000; ++i) v.push_back(5.0 + 2.0 * rng.gaussian());
  for (int i = 0; i < 300; ++i) v.push_back(1000.0);  // 3 % spikes
  const RobustStats s = robust_stats(v);
  EXPECT_NEAR(s.median, 5.0, 0.2);
  EXPECT_NEAR(s.scale, 2.0, 0.15);
  std::vector<double> empty;
  EXPECT_EQ(robust_stats(empty).scale, 0.0);
}

TEST(Notch, DesignAndErrors) {
  const auto n = notch(50.0, 30.0, 1000.0);
  EXPECT_LT(magnitude_at({n}, 50.0, 1000.0), 1e-6);
  EXPECT_NEAR(magnitude_at({n}, 100.0, 1000.0), 1.0, 0.01);
  EXPECT_THROW(notch(600.0, 30.0, 1000.0), InvalidArgument);
  EXPECT_THROW(notch(50.0, 0.0, 1000.0), InvalidArgument);
}

}  // namespace
}  // namespace fpt::dsp
