// The firmware's portable core on the host, with a fake platform: the interrupt side is
// driven by hand (ticks and conversions), the UART is a byte vector, and what the core sends
// is decoded with the same protocol code the host uses.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <set>
#include <vector>

#include "fpt_messages.h"
#include "fpt_wire.h"
#include "fw_core.h"
#include "fw_platform.h"

namespace {

struct FakeBoard {
  std::vector<std::uint8_t> tx;
  std::uint16_t tx_room = 60000;  // what plat_tx_free reports
  std::deque<std::uint8_t> rx;
  std::uint16_t sampling_hz = 0;
  std::vector<std::uint8_t> adc_started;
  std::uint32_t millis = 0;
} g;

}  // namespace

extern "C" {
uint16_t plat_tx_free(void) {
  return g.tx_room;
}
void plat_tx_put(uint8_t byte) {
  g.tx.push_back(byte);
  --g.tx_room;
}
uint8_t plat_rx_get(uint8_t* byte) {
  if (g.rx.empty()) return 0;
  *byte = g.rx.front();
  g.rx.pop_front();
  return 1;
}
void plat_sampling(uint16_t rate_hz) {
  g.sampling_hz = rate_hz;
}
void plat_adc_start(uint8_t channel) {
  g.adc_started.push_back(channel);
}
uint32_t plat_millis(void) {
  return g.millis;
}
}

namespace {

struct Frame {
  std::uint8_t type = 0;
  std::uint32_t seq = 0;
  std::vector<std::uint8_t> body;
};

class FirmwareCore : public ::testing::Test {
 protected:
  void SetUp() override {
    g = FakeBoard{};
    fw_init();
    fpt_decoder_init(&decoder_, buf_.data(), static_cast<std::uint16_t>(buf_.size()));
  }

  /// Everything the core sent since the last call, decoded.
  std::vector<Frame> sent() {
    std::vector<Frame> out;
    for (std::uint8_t b : g.tx) {
      fpt_frame f;
      const auto r = fpt_decoder_push(&decoder_, b, &f);
      EXPECT_NE(r, FPT_DEC_ERROR);
      if (r == FPT_DEC_FRAME) out.push_back({f.type, f.seq, {f.body, f.body + f.body_len}});
    }
    g.tx.clear();
    g.tx_room = 60000;
    return out;
  }

  void command(std::uint8_t type, std::vector<std::uint8_t> body = {}) {
    std::vector<std::uint8_t> enc(64);
    const auto n =
        fpt_frame_encode(type, host_seq_++, body.data(), static_cast<std::uint16_t>(body.size()),
                         enc.data(), enc.size());
    ASSERT_GT(n, 0u);
    g.rx.insert(g.rx.end(), enc.begin(), enc.begin() + static_cast<std::ptrdiff_t>(n));
    fw_poll();
  }

  /// The ADC code the fake analog inputs give channel ch in tick n.
  static std::uint16_t code(std::uint32_t n, std::uint8_t ch) {
    return static_cast<std::uint16_t>((n * 7u + ch * 131u) % 1024u);
  }

  /// One sampling-timer tick with its whole scan of conversions. Returns the channels
  /// converted in order.
  std::vector<std::uint8_t> tick(std::uint32_t n) {
    std::vector<std::uint8_t> order;
    std::uint8_t ch = fw_tick();
    while (ch != FW_NO_CHANNEL) {
      order.push_back(ch);
      ch = fw_adc_result(code(n, ch));
    }
    return order;
  }

  fpt_decoder decoder_{};
  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(FPT_MAX_ENCODED);
  std::uint32_t host_seq_ = 0;
};

TEST_F(FirmwareCore, AnnouncesItselfOnBoot) {
  fw_poll();
  const auto frames = sent();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(frames[0].type, FPT_FRAME_HELLO);
  fpt_hello h{};
  ASSERT_EQ(fpt_hello_unpack(frames[0].body.data(),
                             static_cast<std::uint16_t>(frames[0].body.size()), &h),
            1);
  EXPECT_EQ(h.protocol_version, FPT_PROTOCOL_VERSION);
  EXPECT_EQ(h.emg_rate_hz, 1000);
  EXPECT_EQ(h.emg_sets_per_frame, 10);
  EXPECT_EQ(h.n_emg, 3);
  EXPECT_EQ(h.sample_bytes, 2);
  EXPECT_EQ(h.imu_kind, FPT_IMU_ACCEL);
  EXPECT_EQ(h.imu_rate_hz, 100);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(h.channels[c].role, c);
    EXPECT_EQ(h.channels[c].adc_bits, 10);
    EXPECT_EQ(h.channels[c].zero_code, 512);
    EXPECT_NEAR(h.channels[c].scale_uv, 5000.0 * 1000.0 / 1023.0 / 1000.0, 1e-4);
  }
  EXPECT_NEAR(h.accel_scale_g, 5000.0 / 1023.0 / 330.0, 1e-6);
}

TEST_F(FirmwareCore, StreamsEverySampleInFramesWithTheScanSchedule) {
  fw_poll();
  sent();
  command(FPT_FRAME_START);
  EXPECT_EQ(g.sampling_hz, 1000);
  auto frames = sent();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].type, FPT_FRAME_ACK);

  const std::uint32_t ticks = 1000;  // one second
  for (std::uint32_t n = 0; n < ticks; ++n) {
    const auto order = tick(n);
    // Three EMG channels, then one accelerometer axis in the first three ticks of each
    // 10-tick IMU period.
    std::vector<std::uint8_t> expect{0, 1, 2};
    if (n % 10 < 3) expect.push_back(static_cast<std::uint8_t>(3 + n % 10));
    ASSERT_EQ(order, expect) << n;
    fw_poll();
  }
  frames = sent();
  std::uint32_t next_emg = 0, next_imu = 0;
  for (const auto& f : frames) {
    if (f.type == FPT_FRAME_EMG) {
      fpt_emg_view v{};
      ASSERT_EQ(fpt_emg_unpack(f.body.data(), static_cast<std::uint16_t>(f.body.size()), &v), 1);
      ASSERT_EQ(v.first_index, next_emg);
      EXPECT_EQ(v.device_time_us, next_emg * 1000u);
      ASSERT_EQ(v.n_sets, 10);
      for (std::uint16_t s = 0; s < v.n_sets; ++s)
        for (std::uint8_t c = 0; c < 3; ++c)
          ASSERT_EQ(fpt_emg_sample(&v, s, c), code(next_emg + s, c));
      next_emg += v.n_sets;
    } else if (f.type == FPT_FRAME_IMU) {
      fpt_imu_view v{};
      ASSERT_EQ(fpt_imu_unpack(f.body.data(), static_cast<std::uint16_t>(f.body.size()), &v), 1);
      ASSERT_EQ(v.first_index, next_imu);
      ASSERT_EQ(v.n_sets, 10);
      for (std::uint16_t s = 0; s < v.n_sets; ++s)
        for (std::uint8_t a = 0; a < 3; ++a)  // axis a was converted at tick 10 j + a
          ASSERT_EQ(fpt_imu_sample(&v, s, a), code(10u * (next_imu + s) + a, 3 + a));
      next_imu += v.n_sets;
    }
  }
  EXPECT_EQ(next_emg, ticks);
  EXPECT_EQ(next_imu, ticks / 10);
  EXPECT_EQ(fw_get_counters().emg_dropped, 0u);
}

TEST_F(FirmwareCore, ALostSetClosesTheFrameSoTheHostSeesTheExactGap) {
  fw_poll();
  command(FPT_FRAME_START);
  sent();
  // Ticks that arrive while the previous scan is still converting: the core gives them up.
  const std::set<std::uint32_t> busy_at{54, 55, 121};
  std::uint32_t dropped_ticks = 0, t = 0;
  while (t < 200) {
    std::uint8_t ch = fw_tick();  // tick t starts its scan
    const std::uint32_t n = t++;
    while (busy_at.count(t) != 0) {
      EXPECT_EQ(fw_tick(), FW_NO_CHANNEL) << t;
      ++dropped_ticks;
      ++t;
    }
    while (ch != FW_NO_CHANNEL) ch = fw_adc_result(code(n, ch));
    fw_poll();
  }
  command(FPT_FRAME_STOP);  // flushes the partial frame before the ACK
  const auto frames = sent();
  fpt_index_tracker tracker;
  fpt_index_tracker_reset(&tracker);
  std::uint32_t sets = 0;
  bool acked = false;
  for (const auto& f : frames) {
    if (f.type == FPT_FRAME_ACK) acked = true;
    if (f.type != FPT_FRAME_EMG) continue;
    EXPECT_FALSE(acked) << "samples after the STOP's ACK";
    fpt_emg_view v{};
    ASSERT_EQ(fpt_emg_unpack(f.body.data(), static_cast<std::uint16_t>(f.body.size()), &v), 1);
    fpt_index_track(&tracker, v.first_index, v.n_sets);
    sets += v.n_sets;
  }
  EXPECT_TRUE(acked);
  EXPECT_EQ(fw_get_counters().emg_dropped, dropped_ticks);
  EXPECT_EQ(dropped_ticks, 3u);
  EXPECT_EQ(tracker.samples_lost, dropped_ticks);
  EXPECT_EQ(tracker.gaps, 2u);  // 54-55 and 121
  EXPECT_EQ(sets + dropped_ticks, t);
}

TEST_F(FirmwareCore, AFullRingDropsAndCountsInsteadOfBlocking) {
  fw_poll();
  command(FPT_FRAME_START);
  sent();
  // The main loop stalls for 50 ticks: the ring holds 31 sets, the rest are lost.
  for (std::uint32_t n = 0; n < 50; ++n) tick(n);
  for (std::uint32_t n = 50; n < 100; ++n) {
    fw_poll();
    tick(n);
  }
  fw_poll();
  g.millis = 1000;  // STATUS is due
  fw_poll();
  const auto frames = sent();
  fpt_index_tracker t;
  fpt_index_tracker_reset(&t);
  fpt_status st{};
  for (const auto& f : frames) {
    if (f.type == FPT_FRAME_EMG) {
      fpt_emg_view v{};
      ASSERT_EQ(fpt_emg_unpack(f.body.data(), static_cast<std::uint16_t>(f.body.size()), &v), 1);
      fpt_index_track(&t, v.first_index, v.n_sets);
    }
    if (f.type == FPT_FRAME_STATUS) {
      ASSERT_EQ(fpt_status_unpack(f.body.data(), static_cast<std::uint16_t>(f.body.size()), &st),
                1);
    }
  }
  const std::uint32_t lost = 50u - (FW_EMG_RING - 1u);
  EXPECT_EQ(fw_get_counters().emg_dropped, lost);
  EXPECT_EQ(t.samples_lost, lost);
  EXPECT_EQ(st.emg_dropped, lost);
  EXPECT_EQ(st.streaming, 1);
}

TEST_F(FirmwareCore, WaitsForTransmitRoomWithoutLosingSamples) {
  fw_poll();
  command(FPT_FRAME_START);
  sent();
  g.tx_room = 40;  // less than one EMG frame
  for (std::uint32_t n = 0; n < 25; ++n) {
    tick(n);
    fw_poll();
  }
  EXPECT_TRUE(g.tx.empty());
  g.tx_room = 60000;
  fw_poll();
  const auto frames = sent();
  std::uint32_t sets = 0;
  for (const auto& f : frames)
    if (f.type == FPT_FRAME_EMG) sets += f.body[9];
  EXPECT_EQ(sets, 20u);  // two full frames; the third is still filling
  EXPECT_EQ(fw_get_counters().emg_dropped, 0u);
}

TEST_F(FirmwareCore, AnswersCommands) {
  fw_poll();
  sent();
  command(FPT_FRAME_PING, {0x78, 0x56, 0x34, 0x12});
  auto frames = sent();
  ASSERT_EQ(frames.size(), 1u);
  fpt_ack ack{};
  ASSERT_EQ(fpt_ack_unpack(frames[0].body.data(), static_cast<std::uint16_t>(frames[0].body.size()),
                           &ack),
            1);
  EXPECT_EQ(ack.command_type, FPT_FRAME_PING);
  EXPECT_EQ(ack.value, 0x12345678u);

  const auto nak_reason = [&](std::uint8_t type, std::vector<std::uint8_t> body) {
    command(type, std::move(body));
    const auto f = sent();
    EXPECT_EQ(f.size(), 1u);
    if (f.empty() || f[0].type != FPT_FRAME_NAK) return -1;
    fpt_nak n{};
    fpt_nak_unpack(f[0].body.data(), static_cast<std::uint16_t>(f[0].body.size()), &n);
    return static_cast<int>(n.reason);
  };
  EXPECT_EQ(nak_reason(FPT_FRAME_SET_RATE, {0xB8, 0x0B, 0, 0}), FPT_NAK_BAD_ARGUMENT);  // 3000
  EXPECT_EQ(nak_reason(FPT_FRAME_SET_RATE, {0xD0, 0x07}), FPT_NAK_BAD_ARGUMENT);        // too short
  EXPECT_EQ(nak_reason(FPT_FRAME_EMG, {}), FPT_NAK_UNSUPPORTED);

  command(FPT_FRAME_SET_RATE, {0xD0, 0x07, 0, 0});  // 2000 Hz, IMU unchanged
  frames = sent();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(frames[0].type, FPT_FRAME_ACK);
  EXPECT_EQ(fw_emg_rate(), 2000);
  command(FPT_FRAME_INFO);
  frames = sent();
  ASSERT_EQ(frames.size(), 1u);
  fpt_hello h{};
  ASSERT_EQ(fpt_hello_unpack(frames[0].body.data(),
                             static_cast<std::uint16_t>(frames[0].body.size()), &h),
            1);
  EXPECT_EQ(h.emg_rate_hz, 2000);
  EXPECT_EQ(h.emg_sets_per_frame, 20);

  command(FPT_FRAME_START);
  EXPECT_EQ(g.sampling_hz, 2000);
  sent();
  EXPECT_EQ(nak_reason(FPT_FRAME_SET_RATE, {0xE8, 0x03, 0, 0}), FPT_NAK_BUSY);  // streaming
  // The IMU axis is now read every 20 ticks.
  for (std::uint32_t n = 0; n < 40; ++n) {
    const auto order = tick(n);
    EXPECT_EQ(order.size(), n % 20 < 3 ? 4u : 3u) << n;
  }
}

TEST_F(FirmwareCore, GarbageOnTheLineIsCountedAndCommandsStillWork) {
  fw_poll();
  command(FPT_FRAME_PING, {9, 0, 0, 0});  // the line is in step with frames from here on
  sent();
  g.rx.insert(g.rx.end(), {0x05, 0x11, 0x22, 0x33, 0x44, 0x00, 0x03, 0xFF, 0x00});
  fw_poll();
  EXPECT_GE(fw_get_counters().bad_frames, 1u);
  EXPECT_TRUE(sent().empty());
  command(FPT_FRAME_PING, {1, 0, 0, 0});
  const auto frames = sent();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].type, FPT_FRAME_ACK);
}

TEST_F(FirmwareCore, StatusOncePerSecondAndSequenceNumbersCount) {
  fw_poll();
  for (std::uint32_t ms = 0; ms <= 3000; ms += 100) {
    g.millis = ms;
    fw_poll();
  }
  const auto frames = sent();
  int status = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].seq, i);
    status += frames[i].type == FPT_FRAME_STATUS;
  }
  EXPECT_EQ(status, 3);
}

}  // namespace
