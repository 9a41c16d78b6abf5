// Frame bodies: every field survives a round trip; malformed bodies are refused.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "fpt_messages.h"
#include "fpt_wire.h"

namespace {

fpt_hello sample_hello() {
  fpt_hello h{};
  h.protocol_version = 1;
  h.fw_major = 1;
  h.fw_minor = 2;
  h.fw_patch = 3;
  h.board_model = 0x328;
  std::strcpy(h.serial, "ABCDEFGHIJKLMNOP");  // exactly 16: no NUL on the wire
  h.emg_rate_hz = 2000;
  h.emg_sets_per_frame = 20;
  h.sample_bytes = 3;
  h.n_emg = 3;
  h.imu_kind = FPT_IMU_ACCEL_GYRO;
  h.imu_axes = 6;
  h.imu_rate_hz = 200;
  h.accel_scale_g = 1.0F / 4096.0F;
  h.accel_zero_code = -12;
  h.gyro_scale_dps = 0.061F;
  for (int i = 0; i < 3; ++i) {
    h.channels[i].role = static_cast<std::uint8_t>(i);
    h.channels[i].side = FPT_SIDE_LEFT;
    h.channels[i].adc_bits = 24;
    h.channels[i].scale_uv = 0.0223F * static_cast<float>(i + 1);
    h.channels[i].zero_code = -100000 * i;
  }
  return h;
}

TEST(Hello, RoundTrip_AllFields) {
  const fpt_hello h = sample_hello();
  std::array<std::uint8_t, 256> body{};
  const std::uint16_t n = fpt_hello_pack(&h, body.data(), body.size());
  ASSERT_EQ(n, FPT_HELLO_FIXED_SIZE + 3 * FPT_HELLO_CHANNEL_SIZE);
  fpt_hello out{};
  ASSERT_EQ(fpt_hello_unpack(body.data(), n, &out), 1);
  EXPECT_STREQ(out.serial, "ABCDEFGHIJKLMNOP");
  EXPECT_EQ(out.fw_minor, 2);
  EXPECT_EQ(out.board_model, 0x328);
  EXPECT_EQ(out.emg_rate_hz, 2000);
  EXPECT_EQ(out.emg_sets_per_frame, 20);
  EXPECT_EQ(out.sample_bytes, 3);
  EXPECT_EQ(out.imu_kind, FPT_IMU_ACCEL_GYRO);
  EXPECT_EQ(out.imu_axes, 6);
  EXPECT_EQ(out.imu_rate_hz, 200);
  EXPECT_FLOAT_EQ(out.accel_scale_g, 1.0F / 4096.0F);
  EXPECT_EQ(out.accel_zero_code, -12);
  EXPECT_FLOAT_EQ(out.gyro_scale_dps, 0.061F);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out.channels[i].role, i);
    EXPECT_EQ(out.channels[i].adc_bits, 24);
    EXPECT_FLOAT_EQ(out.channels[i].scale_uv, 0.0223F * static_cast<float>(i + 1));
    EXPECT_EQ(out.channels[i].zero_code, -100000 * i);
  }
}

TEST(Hello, Malformed_Refused) {
  fpt_hello h = sample_hello();
  std::array<std::uint8_t, 256> body{};
  const std::uint16_t n = fpt_hello_pack(&h, body.data(), body.size());
  fpt_hello out{};
  EXPECT_EQ(fpt_hello_unpack(body.data(), n - 1, &out), 0);  // truncated
  EXPECT_EQ(fpt_hello_unpack(body.data(), 10, &out), 0);
  auto bad = body;
  bad[26] = 9;  // more channels than allowed
  EXPECT_EQ(fpt_hello_unpack(bad.data(), n, &out), 0);
  bad = body;
  bad[25] = 4;  // 4-byte samples do not exist
  EXPECT_EQ(fpt_hello_unpack(bad.data(), n, &out), 0);
  h.n_emg = 9;
  EXPECT_EQ(fpt_hello_pack(&h, body.data(), body.size()), 0);
  h.n_emg = 3;
  EXPECT_EQ(fpt_hello_pack(&h, body.data(), 20), 0);  // does not fit
}

TEST(Emg, RoundTrip_16And24Bit_IncludingExtremes) {
  for (std::uint8_t bytes : {2, 3}) {
    const std::int32_t lo = bytes == 2 ? -32768 : -8388608;
    const std::int32_t hi = bytes == 2 ? 32767 : 8388607;
    const std::array<std::int32_t, 6> values{lo, -1, 0, 1, hi, 1234};
    std::array<std::uint8_t, FPT_MAX_BODY> body{};
    fpt_emg_put_header(body.data(), 0xFFFFFFFEu, 99, 3, 2, bytes);
    for (std::uint16_t s = 0; s < 2; ++s)
      for (std::uint8_t c = 0; c < 3; ++c) fpt_emg_put_sample(body.data(), s, c, values[s * 3 + c]);
    fpt_emg_view v{};
    ASSERT_EQ(fpt_emg_unpack(body.data(), fpt_emg_body_size(3, 2, bytes), &v), 1);
    EXPECT_EQ(v.first_index, 0xFFFFFFFEu);
    EXPECT_EQ(v.device_time_us, 99u);
    for (std::uint16_t s = 0; s < 2; ++s)
      for (std::uint8_t c = 0; c < 3; ++c) EXPECT_EQ(fpt_emg_sample(&v, s, c), values[s * 3 + c]);
    EXPECT_EQ(fpt_emg_unpack(body.data(), fpt_emg_body_size(3, 2, bytes) + 1, &v), 0);
  }
}

TEST(Emg, Malformed_Refused) {
  std::array<std::uint8_t, FPT_MAX_BODY> body{};
  fpt_emg_view v{};
  fpt_emg_put_header(body.data(), 0, 0, 0, 1, 2);  // no channels
  EXPECT_EQ(fpt_emg_unpack(body.data(), fpt_emg_body_size(0, 1, 2), &v), 0);
  fpt_emg_put_header(body.data(), 0, 0, 3, 1, 5);  // impossible sample width
  EXPECT_EQ(fpt_emg_unpack(body.data(), fpt_emg_body_size(3, 1, 5), &v), 0);
  EXPECT_EQ(fpt_emg_unpack(body.data(), 5, &v), 0);
}

TEST(Imu, RoundTrip) {
  std::array<std::uint8_t, 128> body{};
  fpt_imu_put_header(body.data(), 7, 70000, 3, 2);
  const std::array<std::int16_t, 6> values{-32768, 4096, 0, 32767, -1, 12};
  for (std::uint16_t s = 0; s < 2; ++s)
    for (std::uint8_t a = 0; a < 3; ++a) fpt_imu_put_sample(body.data(), s, a, values[s * 3 + a]);
  fpt_imu_view v{};
  ASSERT_EQ(fpt_imu_unpack(body.data(), fpt_imu_body_size(3, 2), &v), 1);
  EXPECT_EQ(v.first_index, 7u);
  for (std::uint16_t s = 0; s < 2; ++s)
    for (std::uint8_t a = 0; a < 3; ++a) EXPECT_EQ(fpt_imu_sample(&v, s, a), values[s * 3 + a]);
  EXPECT_EQ(fpt_imu_unpack(body.data(), fpt_imu_body_size(3, 2) - 1, &v), 0);
}

TEST(StatusAckNak, RoundTrip) {
  std::array<std::uint8_t, 32> body{};
  const fpt_status s{123456, 7, 8, 9, 1};
  ASSERT_EQ(fpt_status_pack(&s, body.data(), body.size()), FPT_STATUS_SIZE);
  fpt_status s2{};
  ASSERT_EQ(fpt_status_unpack(body.data(), FPT_STATUS_SIZE, &s2), 1);
  EXPECT_EQ(s2.uptime_ms, 123456u);
  EXPECT_EQ(s2.emg_dropped, 7u);
  EXPECT_EQ(s2.imu_dropped, 8u);
  EXPECT_EQ(s2.tx_overruns, 9u);
  EXPECT_EQ(s2.streaming, 1);
  EXPECT_EQ(fpt_status_unpack(body.data(), FPT_STATUS_SIZE - 1, &s2), 0);

  const fpt_ack a{FPT_FRAME_PING, 0xDEADBEEF, 42};
  ASSERT_EQ(fpt_ack_pack(&a, body.data(), body.size()), FPT_ACK_SIZE);
  fpt_ack a2{};
  ASSERT_EQ(fpt_ack_unpack(body.data(), FPT_ACK_SIZE, &a2), 1);
  EXPECT_EQ(a2.command_type, FPT_FRAME_PING);
  EXPECT_EQ(a2.command_seq, 0xDEADBEEFu);
  EXPECT_EQ(a2.value, 42u);

  const fpt_nak k{FPT_FRAME_SET_RATE, 5, FPT_NAK_BUSY};
  ASSERT_EQ(fpt_nak_pack(&k, body.data(), body.size()), FPT_NAK_SIZE);
  fpt_nak k2{};
  ASSERT_EQ(fpt_nak_unpack(body.data(), FPT_NAK_SIZE, &k2), 1);
  EXPECT_EQ(k2.reason, FPT_NAK_BUSY);
  EXPECT_EQ(fpt_nak_unpack(body.data(), 2, &k2), 0);
}

}  // namespace
