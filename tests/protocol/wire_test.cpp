// Framing: CRC, COBS round trips, corruption, truncation, garbage and sequence gaps.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "fpt_messages.h"
#include "fpt_wire.h"

namespace {

std::vector<std::uint8_t> encode(std::uint8_t type, std::uint32_t seq,
                                 const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> out(FPT_MAX_ENCODED);
  const std::size_t n = fpt_frame_encode(
      type, seq, body.data(), static_cast<std::uint16_t>(body.size()), out.data(), out.size());
  out.resize(n);
  return out;
}

struct Decoded {
  std::uint8_t type;
  std::uint32_t seq;
  std::vector<std::uint8_t> body;
};

/// Feeds bytes to a decoder and collects every frame it returns.
class Collector {
 public:
  /// In the middle of a stream: a delimiter has been seen, so a bad frame is an error (the
  /// partial frame before the first delimiter is tested on its own below).
  explicit Collector(bool synced = true) {
    fpt_decoder_init(&dec_, buf_.data(), static_cast<std::uint16_t>(buf_.size()));
    if (synced) feed({0});
  }
  void feed(const std::vector<std::uint8_t>& bytes) {
    for (std::uint8_t b : bytes) {
      fpt_frame f{};
      if (fpt_decoder_push(&dec_, b, &f) == FPT_DEC_FRAME)
        frames.push_back({f.type, f.seq, std::vector<std::uint8_t>(f.body, f.body + f.body_len)});
    }
  }
  const fpt_wire_stats& stats() const { return dec_.stats; }
  std::vector<Decoded> frames;

 private:
  std::array<std::uint8_t, FPT_MAX_ENCODED> buf_{};
  fpt_decoder dec_{};
};

std::vector<std::uint8_t> emg_body() {
  std::vector<std::uint8_t> body(fpt_emg_body_size(3, 10, 2));
  fpt_emg_put_header(body.data(), 12345, 12345000, 3, 10, 2);
  for (std::uint16_t s = 0; s < 10; ++s)
    for (std::uint8_t c = 0; c < 3; ++c)
      fpt_emg_put_sample(body.data(), s, c, (s * 37 + c * 1000) % 4000 - 2000);
  return body;
}

TEST(Crc16, CheckValue_MatchesCcittFalse) {
  const char* check = "123456789";
  EXPECT_EQ(fpt_crc16(reinterpret_cast<const std::uint8_t*>(check), 9), 0x29B1);
}

TEST(Wire, RoundTrip_EveryFrameType) {
  const std::vector<std::uint8_t> types{FPT_FRAME_HELLO,  FPT_FRAME_EMG,   FPT_FRAME_IMU,
                                        FPT_FRAME_STATUS, FPT_FRAME_START, FPT_FRAME_STOP,
                                        FPT_FRAME_INFO,   FPT_FRAME_PING,  FPT_FRAME_SET_RATE,
                                        FPT_FRAME_ACK,    FPT_FRAME_NAK};
  Collector c;
  std::uint32_t seq = 100;
  for (std::uint8_t t : types) c.feed(encode(t, seq++, emg_body()));
  ASSERT_EQ(c.frames.size(), types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(c.frames[i].type, types[i]);
    EXPECT_EQ(c.frames[i].seq, 100 + i);
    EXPECT_EQ(c.frames[i].body, emg_body());
  }
  EXPECT_EQ(c.stats().frames_ok, types.size());
  EXPECT_EQ(c.stats().seq_gaps, 0u);
}

TEST(Wire, RoundTrip_CobsEdgeCases) {
  // Runs of non-zero bytes around COBS's 254-byte block limit, zeros at the ends, all zeros.
  std::vector<std::vector<std::uint8_t>> bodies;
  for (std::size_t n : {0, 1, 245, 246, 247, 248, 253, 254, 255, 500, 508, 1024}) {
    bodies.emplace_back(n, 0x55);
    bodies.emplace_back(n, 0x00);
    std::vector<std::uint8_t> mixed(n, 0xA5);
    if (n > 0) mixed.back() = 0;
    bodies.push_back(mixed);
  }
  Collector c;
  std::uint32_t seq = 0;
  for (const auto& b : bodies) c.feed(encode(FPT_FRAME_EMG, seq++, b));
  ASSERT_EQ(c.frames.size(), bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) EXPECT_EQ(c.frames[i].body, bodies[i]) << i;
}

TEST(Wire, RoundTrip_RandomBodies) {
  std::mt19937 rng(7);
  Collector c;
  std::vector<std::vector<std::uint8_t>> bodies;
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::uint8_t> b(rng() % (FPT_MAX_BODY + 1));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0 : rng());
    bodies.push_back(b);
    c.feed(encode(FPT_FRAME_EMG, static_cast<std::uint32_t>(i), b));
  }
  ASSERT_EQ(c.frames.size(), bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) ASSERT_EQ(c.frames[i].body, bodies[i]);
}

TEST(Wire, Encode_RejectsOversizeBodyAndSmallBuffer) {
  std::vector<std::uint8_t> big(FPT_MAX_BODY + 1, 1);
  std::array<std::uint8_t, FPT_MAX_ENCODED + 16> out{};
  EXPECT_EQ(fpt_frame_encode(FPT_FRAME_EMG, 0, big.data(), static_cast<std::uint16_t>(big.size()),
                             out.data(), out.size()),
            0u);
  const auto body = emg_body();
  EXPECT_EQ(fpt_frame_encode(FPT_FRAME_EMG, 0, body.data(), static_cast<std::uint16_t>(body.size()),
                             out.data(), 10),
            0u);
}

TEST(Wire, EverySingleByteCorruption_RejectedAndNextFrameDecodes) {
  const auto good = encode(FPT_FRAME_EMG, 41, emg_body());
  const auto next = encode(FPT_FRAME_STATUS, 42, std::vector<std::uint8_t>(FPT_STATUS_SIZE, 3));
  std::size_t variants = 0;
  for (std::size_t pos = 0; pos + 1 < good.size(); ++pos) {  // the delimiter is not part of it
    for (int v = 0; v < 256; ++v) {
      if (v == good[pos]) continue;
      auto bad = good;
      bad[pos] = static_cast<std::uint8_t>(v);
      Collector c;
      c.feed(bad);
      c.feed(next);
      ++variants;
      ASSERT_EQ(c.frames.size(), 1u) << "position " << pos << " value " << v;
      EXPECT_EQ(c.frames[0].seq, 42u);
      EXPECT_EQ(c.frames[0].type, FPT_FRAME_STATUS);
      EXPECT_GE(c.stats().resyncs, 1u);
    }
  }
  EXPECT_EQ(variants, (good.size() - 1) * 255);
}

TEST(Wire, TruncatedFrames_RejectedThenResync) {
  const auto good = encode(FPT_FRAME_EMG, 1, emg_body());
  const auto next = encode(FPT_FRAME_PING, 2, {1, 2, 3, 4});
  for (std::size_t cut = 1; cut + 1 < good.size(); ++cut) {
    std::vector<std::uint8_t> bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    bytes.push_back(0);  // the line idles: a delimiter ends the stump
    Collector c;
    c.feed(bytes);
    c.feed(next);
    ASSERT_EQ(c.frames.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(c.frames[0].type, FPT_FRAME_PING);
    EXPECT_EQ(c.stats().crc_errors + c.stats().cobs_errors + c.stats().short_frames, 1u);
  }
}

TEST(Wire, TailOfAFrameSentBeforeListening_IsNotAnError) {
  // A port opened while the board streams: the first bytes are the end of a frame.
  const auto first = encode(FPT_FRAME_EMG, 7, emg_body());
  const auto next = encode(FPT_FRAME_EMG, 8, emg_body());
  for (std::size_t cut = 1; cut + 1 < first.size(); cut += 7) {
    Collector c(false);
    c.feed(
        std::vector<std::uint8_t>(first.begin() + static_cast<std::ptrdiff_t>(cut), first.end()));
    c.feed(next);
    ASSERT_EQ(c.frames.size(), 1u) << cut;
    EXPECT_EQ(c.frames[0].seq, 8u);
    EXPECT_EQ(c.stats().presync_discards, 1u);
    EXPECT_EQ(c.stats().crc_errors + c.stats().cobs_errors + c.stats().short_frames, 0u);
    EXPECT_EQ(c.stats().resyncs, 0u);
    // From then on, damage is an error again.
    auto bad = next;
    bad[3] ^= 0x40;
    c.feed(bad);
    EXPECT_EQ(c.stats().crc_errors + c.stats().cobs_errors + c.stats().short_frames, 1u);
  }
  // A whole first frame is never discarded.
  Collector whole(false);
  whole.feed(first);
  EXPECT_EQ(whole.frames.size(), 1u);
  EXPECT_EQ(whole.stats().presync_discards, 0u);
}

TEST(Wire, OversizeFrame_CountedThenResync) {
  std::vector<std::uint8_t> junk(FPT_MAX_ENCODED * 3, 0x7F);
  junk.push_back(0);
  Collector c;
  c.feed(junk);
  c.feed(encode(FPT_FRAME_INFO, 9, {}));
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0].type, FPT_FRAME_INFO);
  EXPECT_EQ(c.stats().oversize, 1u);
}

TEST(Wire, SmallDecoderBuffer_OversizeInsteadOfOverflow) {
  std::array<std::uint8_t, 32> small{};
  fpt_decoder d;
  fpt_decoder_init(&d, small.data(), small.size());
  const auto frame = encode(FPT_FRAME_EMG, 0, emg_body());  // longer than 32
  fpt_frame f{};
  fpt_decoder_push(&d, 0, &f);  // in step with the frames
  int frames = 0;
  for (auto b : frame) frames += fpt_decoder_push(&d, b, &f) == FPT_DEC_FRAME;
  EXPECT_EQ(frames, 0);
  EXPECT_EQ(d.stats.oversize, 1u);
}

TEST(Wire, RandomGarbage_NoCrashAndRecovers) {
  std::mt19937 rng(3);
  std::vector<std::uint8_t> garbage(200000);
  for (auto& b : garbage) b = static_cast<std::uint8_t>(rng());
  Collector c;
  c.feed(garbage);
  const std::size_t false_frames = c.frames.size();
  c.feed({0});
  c.feed(encode(FPT_FRAME_INFO, 5, {}));
  ASSERT_EQ(c.frames.size(), false_frames + 1);
  EXPECT_EQ(c.frames.back().type, FPT_FRAME_INFO);
  // A 16-bit CRC lets through about 1 in 65536 random frames; 200 kB hold ~800 of them.
  EXPECT_LE(false_frames, 2u);
  EXPECT_GT(c.stats().crc_errors + c.stats().cobs_errors + c.stats().short_frames, 100u);
}

TEST(Wire, IdleDelimiters_Ignored) {
  Collector c;
  c.feed({0, 0, 0});
  c.feed(encode(FPT_FRAME_INFO, 1, {}));
  c.feed({0, 0});
  EXPECT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.stats().resyncs, 0u);
}

TEST(Wire, SequenceGaps_CountedAcrossWrap) {
  Collector c;
  for (std::uint32_t s : {0xFFFFFFFEu, 0xFFFFFFFFu, 0u, 1u}) c.feed(encode(FPT_FRAME_INFO, s, {}));
  EXPECT_EQ(c.stats().seq_gaps, 0u);
  c.feed(encode(FPT_FRAME_INFO, 0xFFFFFFFFu - 1, {}));  // went backwards: peer restarted
  EXPECT_EQ(c.stats().seq_resets, 1u);
  c.feed(encode(FPT_FRAME_INFO, 2u, {}));  // 0xFFFFFFFF, 0, 1 missing
  EXPECT_EQ(c.stats().seq_gaps, 1u);
  EXPECT_EQ(c.stats().frames_lost, 3u);
}

TEST(Wire, UnknownTypeAndForeignVersion_SkippedAndCounted) {
  Collector c;
  c.feed(encode(0x7E, 1, {1, 2, 3}));
  std::vector<std::uint8_t> v2(FPT_MAX_ENCODED);
  v2.resize(fpt_frame_encode_version(2, FPT_FRAME_HELLO, 2, nullptr, 0, v2.data(), v2.size()));
  c.feed(v2);
  c.feed(encode(FPT_FRAME_INFO, 3, {}));
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.stats().unknown_types, 1u);
  EXPECT_EQ(c.stats().version_errors, 1u);
  EXPECT_EQ(c.stats().last_foreign_version, 2);
  EXPECT_EQ(c.stats().seq_gaps, 1u);  // the foreign frame's number is not trusted
}

TEST(IndexTracker, GapsAndWrap) {
  fpt_index_tracker t;
  fpt_index_tracker_reset(&t);
  EXPECT_EQ(fpt_index_track(&t, 0xFFFFFFF0u, 10), 0u);
  EXPECT_EQ(fpt_index_track(&t, 0xFFFFFFFAu, 10), 0u);  // wraps to 4
  EXPECT_EQ(fpt_index_track(&t, 14u, 10), 10u);         // 4..13 missing
  EXPECT_EQ(t.gaps, 1u);
  EXPECT_EQ(t.samples_lost, 10u);
  EXPECT_EQ(fpt_index_track(&t, 0u, 10), 0u);  // backwards: a reboot, not a gap
  EXPECT_EQ(t.rewinds, 1u);
}

TEST(Wire, StreamingWriter_MatchesBufferEncoder) {
  const auto body = emg_body();
  std::vector<std::uint8_t> streamed;
  const std::size_t n = fpt_frame_write(
      FPT_FRAME_EMG, 77, body.data(), static_cast<std::uint16_t>(body.size()),
      [](void* ctx, std::uint8_t b) { static_cast<std::vector<std::uint8_t>*>(ctx)->push_back(b); },
      &streamed);
  EXPECT_EQ(n, streamed.size());
  EXPECT_EQ(streamed, encode(FPT_FRAME_EMG, 77, body));
}

}  // namespace
