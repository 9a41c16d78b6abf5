#include <gtest/gtest.h>

#include "device_info.hpp"
#include "error.hpp"
#include "frame_codec.hpp"

namespace fpt::protocol {
namespace {

fpt_hello valid_hello() {
  DeviceInfo d;
  d.protocol_version = 1;
  d.serial = "X-1";
  d.emg_rate_hz = 1000;
  d.emg_sets_per_frame = 10;
  d.sample_bytes = 2;
  d.imu_kind = FPT_IMU_ACCEL;
  d.imu_axes = 3;
  d.imu_rate_hz = 100;
  d.accel_scale_g = 1.0 / 4096;
  d.channels = {{MuscleRole::kGlute, Side::kRight, 16, 0.25, 0},
                {MuscleRole::kHamstring, Side::kRight, 16, 0.25, 0},
                {MuscleRole::kLumbar, Side::kLeft, 10, 4.8828125, 512}};
  return d.to_hello();
}

TEST(DeviceInfo, FromHello_ConvertsAndDescribes) {
  const DeviceInfo d = DeviceInfo::from_hello(valid_hello());
  EXPECT_EQ(d.serial, "X-1");
  ASSERT_EQ(d.channels.size(), 3u);
  EXPECT_EQ(d.channel_of(MuscleRole::kLumbar), 2);
  EXPECT_EQ(d.channel_of(MuscleRole::kOther), -1);
  EXPECT_DOUBLE_EQ(d.channels[2].to_uv(512 + 2), 2 * 4.8828125);
  EXPECT_NE(d.summary().find("left lumbar"), std::string::npos);
  EXPECT_NE(d.summary().find("1000 Hz"), std::string::npos);
}

TEST(DeviceInfo, FromHello_RejectsNonsense) {
  fpt_hello h = valid_hello();
  h.emg_rate_hz = 20;
  EXPECT_THROW(DeviceInfo::from_hello(h), FormatError);
  h = valid_hello();
  h.n_emg = 0;
  EXPECT_THROW(DeviceInfo::from_hello(h), FormatError);
  h = valid_hello();
  h.channels[1].scale_uv = 0.0F;
  EXPECT_THROW(DeviceInfo::from_hello(h), FormatError);
  h = valid_hello();
  h.channels[0].role = 9;
  EXPECT_THROW(DeviceInfo::from_hello(h), FormatError);
  h = valid_hello();
  h.imu_axes = 0;
  EXPECT_THROW(DeviceInfo::from_hello(h), FormatError);
}

TEST(FrameCodec, EncoderNumbersFramesAndDecoderReadsThem) {
  FrameEncoder enc;
  FrameDecoder dec;
  enc.set_next_seq(0xFFFFFFFFu);
  std::vector<std::uint8_t> stream;
  // Each span is valid only until the next encode, so copy it out at once.
  auto append = [&](std::span<const std::uint8_t> s) {
    stream.insert(stream.end(), s.begin(), s.end());
  };
  append(enc.command(FPT_FRAME_INFO));
  append(enc.ping(77));
  append(enc.set_rate(2000, 0));
  std::vector<fpt_frame> got;
  std::vector<std::uint32_t> tokens;
  dec.feed(stream, [&](const fpt_frame& f) {
    got.push_back(f);
    if (f.type == FPT_FRAME_PING) tokens.push_back(fpt_get_u32(f.body));
  });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].seq, 0xFFFFFFFFu);
  EXPECT_EQ(got[1].seq, 0u);
  EXPECT_EQ(got[2].type, FPT_FRAME_SET_RATE);
  EXPECT_EQ(tokens, std::vector<std::uint32_t>{77});
  EXPECT_EQ(dec.stats().seq_gaps, 0u);
}

}  // namespace
}  // namespace fpt::protocol
