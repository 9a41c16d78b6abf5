#include "training_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>
#include <Eigen/Geometry>

#include "error.hpp"

namespace fpt::session {

void TrainingPipeline::setup(const protocol::DeviceInfo& d, const PipelineConfig& c) {
  using protocol::MuscleRole;
  const std::array<MuscleRole, kMuscles> roles{MuscleRole::kGlute, MuscleRole::kHamstring,
                                               MuscleRole::kLumbar};
  TrainingPipeline p;
  p.fs_hz_ = d.emg_rate_hz;
  for (int m = 0; m < kMuscles; ++m) {
    const int ch = d.channel_of(roles[m]);
    if (ch < 0)
      throw InvalidArgument(
          fmt::format("board {} has no {} channel", d.serial, protocol::to_string(roles[m])));
    p.channel_[m] = ch;
    p.scale_uv_[m] = d.channels[ch].scale_uv;
    p.zero_code_[m] = d.channels[ch].zero_code;
    dsp::TrackerConfig tc;
    tc.conditioner.fs_hz = d.emg_rate_hz;
    tc.conditioner.mains_hz = c.mains_hz;
    tc.detector = c.detector;
    // Trunk muscles carry the heartbeat: 30 Hz high-pass (Drake & Callaghan 2006).
    if (roles[m] == MuscleRole::kLumbar) tc.conditioner.ecg_highpass_hz = 30.0;
    p.trackers_[m].setup(tc);
  }
  p.has_imu_ = d.imu_kind != FPT_IMU_NONE && d.imu_axes >= 3 && d.imu_rate_hz > 0;
  if (p.has_imu_) p.imu_to_emg_ = static_cast<double>(d.emg_rate_hz) / d.imu_rate_hz;
  p.accel_scale_g_ = d.accel_scale_g;
  p.has_gyro_ =
      p.has_imu_ && d.imu_kind == FPT_IMU_ACCEL_GYRO && d.imu_axes >= 6 && d.gyro_scale_dps > 0.0;
  p.gyro_scale_dps_ = d.gyro_scale_dps;
  if (p.has_imu_) {
    p.imu_dt_s_ = 1.0 / d.imu_rate_hz;
    p.gyro_alpha_ = c.gyro_time_constant_s / (c.gyro_time_constant_s + p.imu_dt_s_);
  }
  p.accel_zero_ = d.accel_zero_code;
  p.rotation_ = c.imu_rotation;
  RepConfig rc = c.rep;
  rc.fs_hz = d.emg_rate_hz;
  p.reps_.setup(rc);
  *this = std::move(p);
}

double TrainingPipeline::level_uv(Muscle m) const noexcept {
  return trackers_[static_cast<int>(m)].level_uv();
}

void TrainingPipeline::process(const io::StreamItem& item, SessionSink& sink) {
  switch (item.kind) {
    case io::ItemKind::kEmg: {
      last_index_ = item.index;
      std::array<dsp::OnsetEvent, dsp::OnsetTracker::kMaxEventsPerSample> ev{};
      bool all_ready = true;
      for (int m = 0; m < kMuscles; ++m) {
        const double uv = (item.values[channel_[m]] - zero_code_[m]) * scale_uv_[m];
        const std::size_t k = trackers_[m].process(uv, item.index, ev);
        const auto muscle = static_cast<Muscle>(m);
        for (std::size_t e = 0; e < k; ++e) {
          if (!ready_) continue;  // nothing is judged before every channel knows its rest
          switch (ev[e].kind) {
            case dsp::OnsetEvent::Kind::kOnset:
              reps_.on_onset(muscle, ev[e].decision_index, ev[e].index);
              break;
            case dsp::OnsetEvent::Kind::kRefined:
              reps_.on_refined(muscle, ev[e].index);
              break;
            case dsp::OnsetEvent::Kind::kOffset:
              reps_.on_offset(muscle, ev[e].index);
              break;
          }
          sink.on_onset(muscle, ev[e], fs_hz_);
        }
        all_ready = all_ready && trackers_[m].state() != dsp::OnsetTracker::State::kLearning;
      }
      if (!ready_ && all_ready) {
        ready_ = true;
        std::array<double, kMuscles> rest{};
        for (int m = 0; m < kMuscles; ++m) rest[m] = trackers_[m].rest_sigma_uv();
        sink.on_ready(static_cast<double>(item.index) / fs_hz_, rest);
      }
      if (reps_.in_rep()) {
        for (int m = 0; m < kMuscles; ++m) {
          const double level = trackers_[m].level_uv();
          rep_sum_sq_[m] += level * level;
          rep_peak_[m] = std::max(rep_peak_[m], level);
        }
        ++rep_samples_;
      }
      const std::size_t n = reps_.tick(item.index, rep_events_);
      for (std::size_t i = 0; i < n; ++i) {
        RepEvent& e = rep_events_[i];
        e.arrival_ns = item.arrival_ns;
        if (e.kind == RepEvent::Kind::kRepStart) {
          rep_sum_sq_ = {};
          rep_peak_ = {};
          rep_samples_ = 0;
        } else if (e.kind == RepEvent::Kind::kRepEnd) {
          for (int m = 0; m < kMuscles; ++m) {
            e.mean_rms_uv[m] = rep_samples_ > 0
                                   ? std::sqrt(rep_sum_sq_[m] / static_cast<double>(rep_samples_))
                                   : 0.0;
            e.peak_rms_uv[m] = rep_peak_[m];
            e.rest_sigma_uv[m] = trackers_[m].rest_sigma_uv();
          }
        }
        sink.on_rep_event(e);
      }
      break;
    }
    case io::ItemKind::kImu: {
      // Pitch of the thigh from gravity: x along the thigh, z away from the floor when prone.
      Eigen::Vector3d g((item.values[0] - accel_zero_) * accel_scale_g_,
                        (item.values[1] - accel_zero_) * accel_scale_g_,
                        (item.values[2] - accel_zero_) * accel_scale_g_);
      g = rotation_ * g;
      const double accel_pitch = std::atan2(g.x(), g.z()) * 180.0 / std::numbers::pi;
      if (has_gyro_ && item.count >= 6) {
        // Complementary filter: the gyro follows fast movement (and ignores the jolts that
        // shake the accelerometer at lift-off); gravity corrects its drift over ~0.5 s. The
        // pitch rate is minus the rotation rate about the thigh's y axis.
        const Eigen::Vector3d w = rotation_ * Eigen::Vector3d(item.values[3] * gyro_scale_dps_,
                                                              item.values[4] * gyro_scale_dps_,
                                                              item.values[5] * gyro_scale_dps_);
        pitch_deg_ = gyro_started_ ? gyro_alpha_ * (pitch_deg_ - w.y() * imu_dt_s_) +
                                         (1.0 - gyro_alpha_) * accel_pitch
                                   : accel_pitch;
        gyro_started_ = true;
      } else {
        pitch_deg_ = accel_pitch;
      }
      reps_.on_pitch(pitch_deg_,
                     static_cast<std::uint64_t>(static_cast<double>(item.index) * imu_to_emg_));
      break;
    }
    case io::ItemKind::kEmgGap:
      sink.on_gap(item.index, item.missing, false);
      break;
    case io::ItemKind::kImuGap:
      sink.on_gap(item.index, item.missing, true);
      break;
    case io::ItemKind::kLinkDown:
    case io::ItemKind::kLinkUp:
      sink.on_link(item.kind == io::ItemKind::kLinkUp, item.index);
      break;
    default:
      break;
  }
}

}  // namespace fpt::session
