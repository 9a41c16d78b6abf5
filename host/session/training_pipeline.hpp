// The identical pipeline for live sessions and recordings: sample sets in, onset and rep
// events out. Per EMG channel an OnsetTracker; thigh pitch from the accelerometer; a RepEngine.
// Real-time safe per sample; events (a few per rep) go to a SessionSink.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "device_info.hpp"
#include "onset_tracker.hpp"
#include "rep_engine.hpp"
#include "stream_item.hpp"

namespace fpt::session {

/// Receives what the pipeline decides; called on the pipeline's thread.
class SessionSink {
 public:
  virtual ~SessionSink() = default;
  /// Every muscle channel has learnt its rest: reps can be judged from now on.
  /// Every muscle's rest is learnt; rest_sd_uv: robust SD of each conditioned rest signal.
  virtual void on_ready(double /*t_s*/, const std::array<double, kMuscles>& /*rest_sd_uv*/) {}
  virtual void on_onset(Muscle /*m*/, const dsp::OnsetEvent& /*e*/, double /*fs_hz*/) {}
  virtual void on_rep_event(const RepEvent& /*e*/) {}
  virtual void on_gap(std::uint64_t /*first_index*/, std::uint32_t /*missing*/, bool /*imu*/) {}
  /// The board was lost (up = false) or streams again; index: the next EMG index expected.
  virtual void on_link(bool /*up*/, std::uint64_t /*index*/) {}
};

struct PipelineConfig {
  RepConfig rep;  // fs_hz is taken from the device
  std::string detector = "cusum";
  double mains_hz = -1.0;  // -1 detect, 0 off, 50, 60
  /// Sensor-to-thigh rotation (identity until calibration estimates it).
  Eigen::Matrix3d imu_rotation = Eigen::Matrix3d::Identity();
  /// With a gyro: how long the accelerometer takes to correct the gyro's drift.
  double gyro_time_constant_s = 0.5;
};

class TrainingPipeline {
 public:
  /// Maps the board's channels to muscles (first channel of each role) and sets up every
  /// stage. Throws InvalidArgument when the board lacks a glute, hamstring or lumbar channel.
  void setup(const protocol::DeviceInfo& device, const PipelineConfig& config);

  /// One item from a board's ring (or a recording). Real-time safe.
  void process(const io::StreamItem& item, SessionSink& sink);

  [[nodiscard]] const RepEngine& reps() const noexcept { return reps_; }
  [[nodiscard]] double pitch_deg() const noexcept { return pitch_deg_; }
  [[nodiscard]] double level_uv(Muscle m) const noexcept;
  [[nodiscard]] bool ready() const noexcept { return ready_; }
  [[nodiscard]] double fs_hz() const noexcept { return fs_hz_; }
  [[nodiscard]] const dsp::OnsetTracker& tracker(Muscle m) const noexcept {
    return trackers_[static_cast<int>(m)];
  }
  /// Device time of the latest EMG sample set, seconds.
  [[nodiscard]] double now_s() const noexcept { return static_cast<double>(last_index_) / fs_hz_; }

 private:
  double fs_hz_ = 1000.0;
  double imu_to_emg_ = 10.0;
  std::array<int, kMuscles> channel_{};  // board channel of each muscle
  std::array<dsp::OnsetTracker, kMuscles> trackers_;
  std::array<double, kMuscles> scale_uv_{};
  std::array<std::int32_t, kMuscles> zero_code_{};
  double accel_scale_g_ = 1.0;
  std::int32_t accel_zero_ = 0;
  Eigen::Matrix3d rotation_ = Eigen::Matrix3d::Identity();
  double pitch_deg_ = 0.0;
  bool has_imu_ = false;
  bool has_gyro_ = false, gyro_started_ = false;
  double gyro_scale_dps_ = 0.0, gyro_alpha_ = 0.0, imu_dt_s_ = 0.01;
  bool ready_ = false;
  std::uint64_t last_index_ = 0;
  RepEngine reps_;
  std::array<RepEvent, RepEngine::kMaxEvents> rep_events_{};
  // Activation of each muscle during the current rep: sum of squared moving RMS, its peak.
  std::array<double, kMuscles> rep_sum_sq_{};
  std::array<double, kMuscles> rep_peak_{};
  std::uint64_t rep_samples_ = 0;
};

}  // namespace fpt::session
