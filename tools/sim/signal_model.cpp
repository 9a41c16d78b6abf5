#include "signal_model.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include <fmt/format.h>

#include "error.hpp"
#include "iir_design.hpp"

namespace fpt::sim {
namespace {

constexpr double kPi = std::numbers::pi;

// sEMG power spectrum after Shwedyk et al. (1977) / Merletti & Parker: a zero at DC, one pole
// at fl and a double pole at fh, which puts the peak near 80-120 Hz; band-limited to
// 20-450 Hz like a surface EMG front end.
constexpr double kShapeLowHz = 60.0;
constexpr double kShapeHighHz = 140.0;

/// RMS gain of a cascade for unit white noise, from its impulse response energy.
template <std::size_t N>
double white_noise_gain(dsp::SosCascade<N> c) {
  c.reset();
  double energy = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const double y = c.process(i == 0 ? 1.0 : 0.0);
    energy += y * y;
  }
  return std::sqrt(energy);
}

double gaussian_bump(double t, double centre, double width) {
  const double x = (t - centre) / width;
  return std::exp(-0.5 * x * x);
}

}  // namespace

ArtifactConfig ArtifactConfig::parse(const std::string& text) {
  ArtifactConfig a;
  if (text == "none" || text.empty()) return a;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "all") {
      a.mains = a.ecg = a.motion = a.spikes = true;
    } else if (item == "mains") {
      a.mains = true;
    } else if (item == "ecg") {
      a.ecg = true;
    } else if (item == "motion") {
      a.motion = true;
    } else if (item == "spikes") {
      a.spikes = true;
    } else {
      throw InvalidArgument(
          fmt::format("unknown artifact '{}' (use none, all, or mains,ecg,motion,spikes)", item));
    }
  }
  return a;
}

SignalModel::SignalModel(const SignalConfig& config, Timeline& timeline)
    : config_(config), timeline_(timeline), rng_(config.seed ^ 0x5EEDULL) {
  const double fs = config_.fs_hz;
  if (fs < 500.0 || fs > 8000.0)
    throw InvalidArgument(fmt::format("sample rate {} Hz is outside 500..8000", fs));
  const double top_hz = std::min(450.0, 0.45 * fs);
  // The strap: sensor = Rz(yaw) Ry(pitch) Rx(roll) thigh.
  {
    const double r = config_.mount_deg[0] * kPi / 180.0, p = config_.mount_deg[1] * kPi / 180.0,
                 y = config_.mount_deg[2] * kPi / 180.0;
    const double cr = std::cos(r), sr = std::sin(r), cp = std::cos(p), sp = std::sin(p),
                 cy = std::cos(y), sy = std::sin(y);
    mount_ = {{{cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr},
               {sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr},
               {-sp, cp * sr, cp * cr}}};
  }
  if ((config_.swap_a >= 0) != (config_.swap_b >= 0) || config_.swap_a >= kMuscles ||
      config_.swap_b >= kMuscles || (config_.swap_a >= 0 && config_.swap_a == config_.swap_b))
    throw InvalidArgument("a swap needs two different channels");
  for (int m = 0; m < kMuscles; ++m) {
    // Shaping: s / ((s + wl)(s + wh)^2), then the front end's band.
    dsp::AnalogSection hp1;  // s / (s + wl)
    hp1.b1 = 1.0;
    hp1.b0 = 0.0;
    hp1.a1 = 1.0;
    hp1.a0 = dsp::prewarp(kShapeLowHz, fs);
    const double wh = dsp::prewarp(kShapeHighHz, fs);
    dsp::AnalogSection lp2;  // wh^2 / (s + wh)^2
    lp2.b0 = wh * wh;
    lp2.a2 = 1.0;
    lp2.a1 = 2.0 * wh;
    lp2.a0 = wh * wh;
    emg_shape_[m].add(dsp::bilinear(hp1, fs));
    emg_shape_[m].add(dsp::bilinear(lp2, fs));
    for (const auto& c : dsp::butterworth_lowpass(2, top_hz, fs)) emg_shape_[m].add(c);
    for (const auto& c : dsp::butterworth_highpass(2, 20.0, fs)) noise_shape_[m].add(c);
    for (const auto& c : dsp::butterworth_lowpass(2, top_hz, fs)) noise_shape_[m].add(c);
    const double nominal_rms = timeline_.config().level * config_.mvc_rms_uv[m];
    noise_rms_uv_[m] = nominal_rms / std::pow(10.0, config_.snr_db / 20.0);
    next_spike_s_[m] = -std::log(1.0 - rng_.uniform()) / config_.artifacts.spike_rate_hz;
  }
  emg_gain_ = 1.0 / white_noise_gain(emg_shape_[0]);
  noise_gain_ = 1.0 / white_noise_gain(noise_shape_[0]);
  next_beat_s_ = rng_.uniform(0.0, 60.0 / config_.artifacts.ecg_bpm);
}

double SignalModel::ecg_at(double t_s) {
  while (t_s > next_beat_s_ + 0.5) {
    prev_beat_s_ = next_beat_s_;
    next_beat_s_ += 60.0 / config_.artifacts.ecg_bpm * rng_.uniform(0.95, 1.05);
  }
  // P, Q, R, S, T waves as Gaussians around each R peak (McSharry-style shape).
  double v = 0.0;
  for (double r : {prev_beat_s_, next_beat_s_}) {
    v += 0.12 * gaussian_bump(t_s, r - 0.18, 0.025) - 0.15 * gaussian_bump(t_s, r - 0.03, 0.008) +
         1.00 * gaussian_bump(t_s, r, 0.010) - 0.30 * gaussian_bump(t_s, r + 0.03, 0.010) +
         0.30 * gaussian_bump(t_s, r + 0.26, 0.045);
  }
  return v;
}

double SignalModel::motion_at(double t_s, const RepTruth* rep) const {
  if (rep == nullptr || rep->lift_deg <= 0.0) return 0.0;
  // A damped low-frequency jolt when the thigh starts to rise and when it starts to come down.
  const double hold_end = rep->lift_onset_s + 0.5 + timeline_.config().hold_s;
  double v = 0.0;
  for (double start : {rep->lift_onset_s, hold_end}) {
    const double dt = t_s - start;
    if (dt >= 0.0 && dt < 1.0) v += std::exp(-dt / 0.12) * std::sin(2.0 * kPi * 4.0 * dt);
  }
  return v * rep->lift_deg / 25.0;
}

std::array<double, kMuscles> SignalModel::next_emg() {
  const double t = static_cast<double>(emg_index_) / config_.fs_hz;
  ++emg_index_;
  const ArtifactConfig& a = config_.artifacts;
  const RepTruth* rep = timeline_.rep_near(t);
  const double ecg = a.ecg ? ecg_at(t) : 0.0;
  const double motion = a.motion ? motion_at(t, rep) : 0.0;
  double mains = 0.0;
  if (a.mains) {
    mains_phase_ = std::fmod(2.0 * kPi * a.mains_hz * t, 2.0 * kPi);
    mains = a.mains_uv * (std::sin(mains_phase_ + 0.3) + std::sin(3.0 * mains_phase_ + 1.1) / 3.0);
  }
  static constexpr std::array<double, kMuscles> kMotionShare{0.7, 1.0, 0.4};
  std::array<double, kMuscles> out{};
  for (int m = 0; m < kMuscles; ++m) {
    const double act = timeline_.activation(static_cast<Muscle>(m), t);
    const double emg = emg_shape_[m].process(rng_.gaussian()) * emg_gain_;
    const double noise = noise_shape_[m].process(rng_.gaussian()) * noise_gain_;
    double v = emg * act * config_.mvc_rms_uv[m] + noise * noise_rms_uv_[m];
    v += mains + ecg * a.ecg_uv[m] + motion * a.motion_uv * kMotionShare[m];
    if (a.spikes) {
      if (spike_phase_[m] > 0) {  // second half of a biphasic spike
        v -= a.spike_uv * 0.6;
        spike_phase_[m] = 0;
      } else if (t >= next_spike_s_[m]) {
        v += a.spike_uv;
        spike_phase_[m] = 1;
        next_spike_s_[m] = t - std::log(1.0 - rng_.uniform()) / a.spike_rate_hz;
      }
    }
    out[m] = m == config_.loose_channel ? config_.loose_uv : v;
  }
  if (config_.swap_a >= 0 && config_.swap_b >= 0)
    std::swap(out[config_.swap_a], out[config_.swap_b]);
  return out;
}

std::array<double, 3> SignalModel::next_accel() {
  const double dt = 1.0 / config_.imu_rate_hz;
  const double t = static_cast<double>(imu_index_) * dt;
  ++imu_index_;
  const double pitch = timeline_.pitch_deg(t) * kPi / 180.0;
  const double rate = (pitch - prev_pitch_rad_) / dt;
  const double accel = (rate - prev_pitch_rate_) / dt;
  prev_pitch_rad_ = pitch;
  prev_pitch_rate_ = rate;
  constexpr double kSensorRadiusM = 0.25;  // hip joint to sensor
  constexpr double kG = 9.81;
  const double tangential_g = kSensorRadiusM * accel / kG;
  const double noise = 0.01;
  const std::array<double, 3> thigh{
      std::sin(pitch) + tangential_g * std::cos(pitch) + noise * rng_.gaussian(),
      noise * rng_.gaussian(),
      std::cos(pitch) - tangential_g * std::sin(pitch) + noise * rng_.gaussian()};
  std::array<double, 3> sensor{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) sensor[r] += mount_[r][c] * thigh[c];
  return sensor;
}

}  // namespace fpt::sim
