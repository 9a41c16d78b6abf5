#include "frame_codec.hpp"

namespace fpt::protocol {

std::span<const std::uint8_t> FrameEncoder::encode(std::uint8_t type,
                                                   std::span<const std::uint8_t> body) noexcept {
  if (body.size() > FPT_MAX_BODY) return {};
  const std::size_t n = fpt_frame_encode(
      type, seq_, body.data(), static_cast<std::uint16_t>(body.size()), out_.data(), out_.size());
  if (n == 0) return {};
  ++seq_;
  return {out_.data(), n};
}

std::span<const std::uint8_t> FrameEncoder::ping(std::uint32_t token) noexcept {
  std::array<std::uint8_t, 4> body{};
  fpt_put_u32(body.data(), token);
  return encode(FPT_FRAME_PING, body);
}

std::span<const std::uint8_t> FrameEncoder::set_rate(std::uint16_t emg_rate_hz,
                                                     std::uint16_t imu_rate_hz) noexcept {
  std::array<std::uint8_t, 4> body{};
  fpt_put_u16(body.data(), emg_rate_hz);
  fpt_put_u16(body.data() + 2, imu_rate_hz);
  return encode(FPT_FRAME_SET_RATE, body);
}

}  // namespace fpt::protocol
