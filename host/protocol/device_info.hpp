// What a board says about itself in its HELLO, in host terms.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fpt_messages.h"

namespace fpt::protocol {

enum class MuscleRole : std::uint8_t { kGlute = 0, kHamstring = 1, kLumbar = 2, kOther = 3 };
enum class Side : std::uint8_t { kLeft = 0, kRight = 1 };

/// One EMG channel: which muscle, which side, and how a code becomes microvolts.
struct ChannelInfo {
  MuscleRole role = MuscleRole::kOther;
  Side side = Side::kLeft;
  int adc_bits = 0;
  double scale_uv = 0.0;       // microvolts per ADC code
  std::int32_t zero_code = 0;  // code that means 0 uV

  [[nodiscard]] double to_uv(std::int32_t code) const { return (code - zero_code) * scale_uv; }
};

struct DeviceInfo {
  int protocol_version = 0;
  int fw_major = 0, fw_minor = 0, fw_patch = 0;
  int board_model = 0;
  std::string serial;
  int emg_rate_hz = 0;
  int emg_sets_per_frame = 0;
  int sample_bytes = 0;
  std::vector<ChannelInfo> channels;
  int imu_kind = FPT_IMU_NONE;
  int imu_axes = 0;
  int imu_rate_hz = 0;
  double accel_scale_g = 0.0;
  std::int32_t accel_zero_code = 0;
  double gyro_scale_dps = 0.0;

  /// Converts a decoded HELLO; throws FormatError when the values make no sense.
  static DeviceInfo from_hello(const fpt_hello& hello);
  /// The HELLO body fields for this info (used by the virtual board and tests).
  [[nodiscard]] fpt_hello to_hello() const;
  /// One line for the user: "board 7 serial SIM-0001 fw 1.0.0, 3 EMG @ 1000 Hz, accel 3 axes @ 100
  /// Hz".
  [[nodiscard]] std::string summary() const;
  /// Index of the first channel with this role, or -1.
  [[nodiscard]] int channel_of(MuscleRole role) const;
};

std::string_view to_string(MuscleRole role);
std::string_view to_string(Side side);

}  // namespace fpt::protocol
