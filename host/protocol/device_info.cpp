#include "device_info.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::protocol {

std::string_view to_string(MuscleRole role) {
  switch (role) {
    case MuscleRole::kGlute:
      return "glute";
    case MuscleRole::kHamstring:
      return "hamstring";
    case MuscleRole::kLumbar:
      return "lumbar";
    case MuscleRole::kOther:
      return "other";
  }
  return "other";
}

std::string_view to_string(Side side) {
  return side == Side::kLeft ? "left" : "right";
}

DeviceInfo DeviceInfo::from_hello(const fpt_hello& h) {
  DeviceInfo d;
  d.protocol_version = h.protocol_version;
  d.fw_major = h.fw_major;
  d.fw_minor = h.fw_minor;
  d.fw_patch = h.fw_patch;
  d.board_model = h.board_model;
  d.serial.assign(h.serial, ::strnlen(h.serial, FPT_SERIAL_LEN));
  d.emg_rate_hz = h.emg_rate_hz;
  d.emg_sets_per_frame = h.emg_sets_per_frame;
  d.sample_bytes = h.sample_bytes;
  d.imu_kind = h.imu_kind;
  d.imu_axes = h.imu_axes;
  d.imu_rate_hz = h.imu_rate_hz;
  d.accel_scale_g = h.accel_scale_g;
  d.accel_zero_code = h.accel_zero_code;
  d.gyro_scale_dps = h.gyro_scale_dps;
  if (d.emg_rate_hz < 100 || d.emg_rate_hz > 10000)
    throw FormatError(fmt::format("HELLO: EMG sample rate {} Hz is out of range", d.emg_rate_hz));
  if (h.n_emg == 0) throw FormatError("HELLO: board declares no EMG channels");
  if (d.imu_kind != FPT_IMU_NONE && (d.imu_axes < 3 || d.imu_rate_hz <= 0))
    throw FormatError("HELLO: IMU declared without axes or rate");
  for (unsigned i = 0; i < h.n_emg; ++i) {
    const fpt_channel_info& c = h.channels[i];
    if (c.role > FPT_ROLE_OTHER || c.side > FPT_SIDE_RIGHT)
      throw FormatError(fmt::format("HELLO: channel {} has unknown role or side", i));
    if (!std::isfinite(c.scale_uv) || c.scale_uv <= 0.0F)
      throw FormatError(fmt::format("HELLO: channel {} has invalid scale", i));
    d.channels.push_back({static_cast<MuscleRole>(c.role), static_cast<Side>(c.side), c.adc_bits,
                          c.scale_uv, c.zero_code});
  }
  return d;
}

fpt_hello DeviceInfo::to_hello() const {
  fpt_hello h{};
  h.protocol_version = static_cast<std::uint8_t>(protocol_version);
  h.fw_major = static_cast<std::uint8_t>(fw_major);
  h.fw_minor = static_cast<std::uint8_t>(fw_minor);
  h.fw_patch = static_cast<std::uint8_t>(fw_patch);
  h.board_model = static_cast<std::uint16_t>(board_model);
  std::strncpy(h.serial, serial.c_str(), FPT_SERIAL_LEN);
  h.emg_rate_hz = static_cast<std::uint16_t>(emg_rate_hz);
  h.emg_sets_per_frame = static_cast<std::uint8_t>(emg_sets_per_frame);
  h.sample_bytes = static_cast<std::uint8_t>(sample_bytes);
  h.n_emg = static_cast<std::uint8_t>(channels.size());
  h.imu_kind = static_cast<std::uint8_t>(imu_kind);
  h.imu_axes = static_cast<std::uint8_t>(imu_axes);
  h.imu_rate_hz = static_cast<std::uint16_t>(imu_rate_hz);
  h.accel_scale_g = static_cast<float>(accel_scale_g);
  h.accel_zero_code = accel_zero_code;
  h.gyro_scale_dps = static_cast<float>(gyro_scale_dps);
  for (std::size_t i = 0; i < channels.size() && i < FPT_MAX_EMG_CHANNELS; ++i) {
    h.channels[i].role = static_cast<std::uint8_t>(channels[i].role);
    h.channels[i].side = static_cast<std::uint8_t>(channels[i].side);
    h.channels[i].adc_bits = static_cast<std::uint8_t>(channels[i].adc_bits);
    h.channels[i].scale_uv = static_cast<float>(channels[i].scale_uv);
    h.channels[i].zero_code = channels[i].zero_code;
  }
  return h;
}

std::string DeviceInfo::summary() const {
  std::string muscles;
  for (const auto& c : channels) {
    if (!muscles.empty()) muscles += ", ";
    muscles += fmt::format("{} {}", to_string(c.side), to_string(c.role));
  }
  std::string imu = "no IMU";
  if (imu_kind != FPT_IMU_NONE)
    imu = fmt::format("{} {} axes @ {} Hz", imu_kind == FPT_IMU_ACCEL ? "accel" : "accel+gyro",
                      imu_axes, imu_rate_hz);
  return fmt::format("board model {} serial {} fw {}.{}.{} protocol v{}: {} EMG @ {} Hz ({}), {}",
                     board_model, serial, fw_major, fw_minor, fw_patch, protocol_version,
                     channels.size(), emg_rate_hz, muscles, imu);
}

int DeviceInfo::channel_of(MuscleRole role) const {
  for (std::size_t i = 0; i < channels.size(); ++i)
    if (channels[i].role == role) return static_cast<int>(i);
  return -1;
}

}  // namespace fpt::protocol
