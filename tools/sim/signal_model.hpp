// Synthetic surface EMG and thigh accelerometer with known truth: spectrum-shaped noise
// modulated by each muscle's activation, plus the artifacts real recordings carry.
#pragma once

#include <array>
#include <cstdint>

#include "biquad.hpp"
#include "rng.hpp"
#include "scenario.hpp"

namespace fpt::sim {

struct ArtifactConfig {
  bool mains = false;
  double mains_hz = 50.0;
  double mains_uv = 20.0;  // fundamental amplitude; 3rd harmonic at a third of it
  bool ecg = false;
  double ecg_bpm = 70.0;
  std::array<double, kMuscles> ecg_uv{15.0, 5.0, 60.0};  // R-peak size: strongest on lumbar
  bool motion = false;
  double motion_uv = 150.0;  // thigh movement jolts (lift and lowering), low frequency
  bool spikes = false;
  double spike_rate_hz = 0.3;  // per channel, Poisson
  double spike_uv = 800.0;

  /// "none", "all", or a comma list of mains,ecg,motion,spikes. Throws InvalidArgument.
  static ArtifactConfig parse(const std::string& text);
};

struct SignalConfig {
  double fs_hz = 1000.0;
  double imu_rate_hz = 100.0;
  double snr_db = 20.0;  // 20 log10(active RMS at the nominal level / baseline noise RMS)
  std::array<double, kMuscles> mvc_rms_uv{300.0, 300.0, 200.0};
  ArtifactConfig artifacts;
  std::uint64_t seed = 1;
  /// An electrode that came off: this channel (0 glute, 1 hamstring, 2 lumbar) reads a flat
  /// line at loose_uv. -1: all electrodes on.
  int loose_channel = -1;
  double loose_uv = 0.0;
  /// Two channels whose cables are in each other's sockets (-1: none).
  int swap_a = -1, swap_b = -1;
  /// How the accelerometer is strapped on: roll, pitch, yaw in degrees (sensor frame =
  /// Rz(yaw) Ry(pitch) Rx(roll) applied to the thigh frame). Zeros: x along the thigh, z up.
  std::array<double, 3> mount_deg{0.0, 0.0, 0.0};
};

/// Generates samples in order; deterministic for a given seed and timeline.
class SignalModel {
 public:
  SignalModel(const SignalConfig& config, Timeline& timeline);

  /// The next EMG sample set (index n, time n / fs) in microvolts.
  std::array<double, kMuscles> next_emg();
  /// The next accelerometer sample (time j / imu_rate) in g: x along the thigh, z up.
  std::array<double, 3> next_accel();

  [[nodiscard]] std::uint64_t emg_index() const { return emg_index_; }
  [[nodiscard]] std::uint64_t imu_index() const { return imu_index_; }
  /// Baseline noise RMS per channel in microvolts (for checks).
  [[nodiscard]] const std::array<double, kMuscles>& noise_rms_uv() const { return noise_rms_uv_; }

 private:
  double ecg_at(double t_s);
  double motion_at(double t_s, const RepTruth* rep) const;

  SignalConfig config_;
  Timeline& timeline_;
  Rng rng_;
  std::array<dsp::SosCascade<4>, kMuscles> emg_shape_{};
  std::array<dsp::SosCascade<4>, kMuscles> noise_shape_{};
  double emg_gain_ = 1.0;    // makes shaped EMG unit RMS
  double noise_gain_ = 1.0;  // makes shaped noise unit RMS
  std::array<double, kMuscles> noise_rms_uv_{};
  std::array<double, kMuscles> next_spike_s_{};
  std::array<int, kMuscles> spike_phase_{};
  double mains_phase_ = 0.0;
  double next_beat_s_ = 0.0;
  double prev_beat_s_ = -10.0;
  std::uint64_t emg_index_ = 0;
  std::uint64_t imu_index_ = 0;
  double prev_pitch_rad_ = 0.0, prev_pitch_rate_ = 0.0;
  std::array<std::array<double, 3>, 3> mount_{};  // thigh frame -> sensor frame
};

}  // namespace fpt::sim
