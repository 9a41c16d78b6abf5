// C++ owners of the shared C framing code: a decoder with its own buffer, and an encoder that
// numbers the frames it writes.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "fpt_messages.h"
#include "fpt_wire.h"

namespace fpt::protocol {

/// Byte-stream to frames. One thread at a time; feed() is real-time safe.
class FrameDecoder {
 public:
  FrameDecoder() noexcept {
    fpt_decoder_init(&dec_, buf_.data(), static_cast<std::uint16_t>(buf_.size()));
  }
  FrameDecoder(const FrameDecoder&) = delete;  // dec_ points into buf_
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  /// Decodes bytes and calls on_frame(const fpt_frame&) for each valid frame; the frame's body
  /// is valid only during the call.
  template <typename OnFrame>
  void feed(std::span<const std::uint8_t> bytes, OnFrame&& on_frame) noexcept {
    fpt_frame frame{};
    for (std::uint8_t b : bytes)
      if (fpt_decoder_push(&dec_, b, &frame) == FPT_DEC_FRAME) on_frame(frame);
  }

  /// Drops a partial frame and the expected sequence number (after reopening a port).
  void reset() noexcept { fpt_decoder_reset(&dec_); }
  [[nodiscard]] const fpt_wire_stats& stats() const noexcept { return dec_.stats; }

 private:
  std::array<std::uint8_t, FPT_MAX_ENCODED> buf_{};
  fpt_decoder dec_{};
};

/// Frames with consecutive sequence numbers, encoded into an internal buffer.
class FrameEncoder {
 public:
  /// Encodes one frame; the returned bytes are valid until the next call. Real-time safe.
  std::span<const std::uint8_t> encode(std::uint8_t type,
                                       std::span<const std::uint8_t> body) noexcept;
  /// Sequence number the next frame will carry.
  [[nodiscard]] std::uint32_t next_seq() const noexcept { return seq_; }
  void set_next_seq(std::uint32_t seq) noexcept { seq_ = seq; }

  std::span<const std::uint8_t> command(fpt_frame_type type) noexcept { return encode(type, {}); }
  std::span<const std::uint8_t> ping(std::uint32_t token) noexcept;
  std::span<const std::uint8_t> set_rate(std::uint16_t emg_rate_hz,
                                         std::uint16_t imu_rate_hz) noexcept;

 private:
  std::array<std::uint8_t, FPT_MAX_ENCODED> out_{};
  std::uint32_t seq_ = 0;
};

}  // namespace fpt::protocol
