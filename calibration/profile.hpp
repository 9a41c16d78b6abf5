// The per-athlete calibration profile: a versioned JSON file (docs/profile.md) in the data
// folder, written by `fpt calibrate`, read by `fpt train` and reports. Loading validates every
// field and names the first bad one; nothing half-valid is ever used.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>  // determinant

namespace fpt::calibration {

inline constexpr int kProfileVersion = 1;
inline constexpr std::array<const char*, 3> kProfileMuscles{"glute", "hamstring", "lumbar"};

struct MuscleCalibration {
  double rest_sd_uv = 0.0;  // robust SD of the conditioned rest signal
  double mvc_uv = 0.0;      // peak 500 ms moving RMS of the conditioned signal in the best MVC
};

struct ProfileImu {
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();  // thigh = rotation * sensor
  double lift_range_deg = 0.0;
};

struct AthleteProfile {
  int version = kProfileVersion;
  std::string athlete;
  std::string created_utc;  // "2026-11-25T17:00:00Z"
  std::string board_serial;
  int board_model = 0;
  std::string firmware;  // "1.0.0"
  int emg_rate_hz = 0;
  std::array<MuscleCalibration, 3> muscles{};  // glute, hamstring, lumbar
  std::optional<ProfileImu> imu;               // absent when the board has no accelerometer
};

/// Reads and validates a profile. Throws IoError (cannot read) or FormatError with one line
/// naming the file and the field: "profile P: muscles.glute.mvc_uv: must be > 0 (got -3)".
AthleteProfile load_profile(const std::string& path);

/// Writes the profile (0600; the folder is created 0700). Throws IoError.
void save_profile(const std::string& path, const AthleteProfile& p);

/// Where an athlete's profile lives: DATA/profiles/NAME.json. Throws InvalidArgument for a name
/// that cannot be a file name (empty, a path, control characters).
std::string profile_path(const std::string& data_dir, const std::string& athlete);

/// Warnings for using this profile now with this board: old, or made on another board.
std::vector<std::string> profile_warnings(const AthleteProfile& p, const std::string& serial,
                                          std::chrono::system_clock::time_point now,
                                          int max_age_days = 90);

}  // namespace fpt::calibration
