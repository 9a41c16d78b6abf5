// The synthetic EMG looks like surface EMG: its spectrum, SNR, artifacts and IMU are checked.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "error.hpp"
#include "signal_model.hpp"

namespace fpt::sim {
namespace {

/// Welch-style power at f_hz: mean |DFT|^2 of Hann-windowed 1 s segments.
double power_at(const std::vector<double>& x, double f_hz, double fs) {
  const std::size_t seg = static_cast<std::size_t>(fs);
  double total = 0.0;
  int count = 0;
  for (std::size_t start = 0; start + seg <= x.size(); start += seg / 2, ++count) {
    double re = 0.0, im = 0.0;
    for (std::size_t n = 0; n < seg; ++n) {
      const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * n / (seg - 1));
      const double ph = 2.0 * std::numbers::pi * f_hz * n / fs;
      re += w * x[start + n] * std::cos(ph);
      im -= w * x[start + n] * std::sin(ph);
    }
    total += re * re + im * im;
  }
  return total / count;
}

double rms(const std::vector<double>& x) {
  double s = 0.0;
  for (double v : x) s += v * v;
  return std::sqrt(s / static_cast<double>(x.size()));
}

struct Capture {
  std::vector<std::vector<double>> rest, active;  // per muscle
  RepTruth rep;
};

/// Plays one long squeeze (glute only) and cuts out rest and plateau.
Capture capture(const SignalConfig& sc, const std::string& script = "squeeze") {
  ScenarioConfig c;
  c.hold_s = 12.0;
  c.rest_before_s = 8.0;
  c.seed = sc.seed;
  Timeline t(parse_script(script, 3), c);
  SignalModel m(sc, t);
  Capture out;
  out.rep = t.reps()[0];
  out.rest.resize(kMuscles);
  out.active.resize(kMuscles);
  const auto n_total = static_cast<std::size_t>(out.rep.end_s * sc.fs_hz);
  for (std::size_t n = 0; n < n_total; ++n) {
    const double time = static_cast<double>(n) / sc.fs_hz;
    const auto v = m.next_emg();
    for (int k = 0; k < kMuscles; ++k) {
      if (time > 1.0 && time < out.rep.start_s - 0.5) out.rest[k].push_back(v[k]);
      if (time > out.rep.start_s + 0.5 && time < out.rep.start_s + 10.5)
        out.active[k].push_back(v[k]);
    }
  }
  return out;
}

TEST(SignalModel, ActiveSpectrum_PeaksBetween60And150Hz_BandLimited) {
  SignalConfig sc;
  sc.snr_db = 40.0;
  const Capture cap = capture(sc);
  const auto& x = cap.active[0];
  double peak_f = 0.0, peak_p = 0.0;
  for (double f = 10.0; f <= 490.0; f += 10.0) {
    const double p = power_at(x, f, sc.fs_hz);
    if (p > peak_p) {
      peak_p = p;
      peak_f = f;
    }
  }
  EXPECT_GE(peak_f, 60.0);
  EXPECT_LE(peak_f, 150.0);
  EXPECT_LT(power_at(x, 5.0, sc.fs_hz), 0.05 * peak_p);    // little below the band
  EXPECT_LT(power_at(x, 480.0, sc.fs_hz), 0.05 * peak_p);  // little above it
}

TEST(SignalModel, SnrAndAmplitude_MatchConfiguration) {
  for (double snr : {3.0, 10.0, 20.0}) {
    SignalConfig sc;
    sc.snr_db = snr;
    const Capture cap = capture(sc);
    const double level = cap.rep.muscles[0].level;
    const double noise = rms(cap.rest[0]);
    EXPECT_NEAR(noise, 0.4 * 300.0 / std::pow(10.0, snr / 20.0), 0.05 * noise) << snr;
    const double emg = 300.0 * level;
    EXPECT_NEAR(rms(cap.active[0]), std::sqrt(emg * emg + noise * noise),
                0.06 * std::sqrt(emg * emg + noise * noise))
        << snr;
    EXPECT_NEAR(rms(cap.active[1]), noise, 0.05 * noise);  // silent hamstring: just noise
  }
}

TEST(SignalModel, Ecg_StrongestOnLumbar_MainsAt50Hz) {
  SignalConfig sc;
  sc.snr_db = 60.0;  // so that the rest signal is the artifact itself
  sc.artifacts = ArtifactConfig::parse("ecg");
  Capture cap = capture(sc);
  EXPECT_GT(rms(cap.rest[2]), 1.5 * rms(cap.rest[0]));
  EXPECT_GT(rms(cap.rest[0]), rms(cap.rest[1]));

  sc.artifacts = ArtifactConfig::parse("mains");
  cap = capture(sc);
  const double p50 = power_at(cap.rest[1], 50.0, sc.fs_hz);
  EXPECT_GT(p50, 20.0 * power_at(cap.rest[1], 70.0, sc.fs_hz));
  EXPECT_GT(power_at(cap.rest[1], 150.0, sc.fs_hz), 5.0 * power_at(cap.rest[1], 170.0, sc.fs_hz));
}

TEST(SignalModel, Spikes_AppearAtConfiguredRate) {
  SignalConfig sc;
  sc.artifacts = ArtifactConfig::parse("spikes");
  sc.artifacts.spike_rate_hz = 1.0;
  const Capture cap = capture(sc);
  int spikes = 0;
  for (double v : cap.rest[1]) spikes += v > 500.0;
  const double seconds = static_cast<double>(cap.rest[1].size()) / sc.fs_hz;
  EXPECT_GT(spikes, 0.3 * seconds);
  EXPECT_LT(spikes, 2.0 * seconds);
}

TEST(SignalModel, SameSeed_SameSamples) {
  SignalConfig sc;
  sc.artifacts = ArtifactConfig::parse("all");
  ScenarioConfig c;
  Timeline t1(parse_script("mixed", 3), c), t2(parse_script("mixed", 3), c);
  SignalModel a(sc, t1), b(sc, t2);
  sc.seed = 2;
  Timeline t3(parse_script("mixed", 3), c);
  SignalModel other(sc, t3);
  int differ = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto x = a.next_emg();
    ASSERT_EQ(x, b.next_emg());
    differ += x != other.next_emg();
  }
  EXPECT_GT(differ, 19000);
}

TEST(SignalModel, Accelerometer_ShowsGravityAndLiftAngle) {
  SignalConfig sc;
  ScenarioConfig c;
  Timeline t(parse_script("correct", 3), c);
  SignalModel m(sc, t);
  const RepTruth rep = t.reps()[0];
  double max_pitch = 0.0;
  for (int j = 0; j < static_cast<int>(rep.end_s * sc.imu_rate_hz); ++j) {
    const auto a = m.next_accel();
    const double pitch = std::atan2(a[0], a[2]) * 180.0 / std::numbers::pi;
    if (j < 100) {
      EXPECT_NEAR(a[2], 1.0, 0.05);
      EXPECT_NEAR(pitch, 0.0, 3.0);
    }
    max_pitch = std::max(max_pitch, pitch);
  }
  EXPECT_NEAR(max_pitch, rep.lift_deg, 2.5);
}

TEST(Artifacts, Parse) {
  const auto a = ArtifactConfig::parse("mains,spikes");
  EXPECT_TRUE(a.mains);
  EXPECT_TRUE(a.spikes);
  EXPECT_FALSE(a.ecg);
  EXPECT_THROW(ArtifactConfig::parse("mains,sparks"), InvalidArgument);
}

}  // namespace
}  // namespace fpt::sim
