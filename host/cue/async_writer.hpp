// Text output that never stalls the pipeline thread: the event stream and the terminal are
// written by a thread of their own, fed through a fixed SPSC ring of byte chunks. A reader that
// stops reading (a full pipe, a paused terminal) costs the text that does not fit, counted and
// dropped whole, never a late cue.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <streambuf>
#include <string_view>
#include <thread>

#include "spsc_ring.hpp"

namespace fpt::cue {

class AsyncWriter {
 public:
  /// Writes to `file` (closed at the end when `owned`). `chunks` of 256 bytes are reserved
  /// up front: 2048 hold 0.5 MB of text. Starts the writer thread.
  AsyncWriter(std::FILE* file, bool owned, std::size_t chunks = 2048);
  ~AsyncWriter();
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  /// Producer thread: queues `text` whole, or drops it whole when the ring has no room (then
  /// false). Never blocks, never allocates.
  bool write(std::string_view text) noexcept;
  /// Producer thread: waits until everything queued is written and flushed.
  void drain();

  /// Writes that did not reach the file (dropped, or a write error such as a full disk).
  [[nodiscard]] std::uint64_t write_errors() const noexcept {
    return dropped_.load(std::memory_order_relaxed) + failed_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t dropped() const noexcept {
    return dropped_.load(std::memory_order_relaxed);
  }

 private:
  struct Chunk {
    std::uint16_t length = 0;
    bool last = false;  // the end of one write()
    std::array<char, 253> text{};
  };
  void run();

  std::FILE* file_;
  bool owned_;
  SpscRing<Chunk> ring_;
  std::atomic<std::uint64_t> queued_{0}, written_{0};  // whole writes
  std::atomic<std::uint64_t> dropped_{0}, failed_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// A std::streambuf over an AsyncWriter: what is written between two flushes (std::flush,
/// std::endl, or a full 4 kB buffer) goes to the writer as one piece.
class AsyncStreambuf final : public std::streambuf {
 public:
  explicit AsyncStreambuf(AsyncWriter& writer) : writer_(writer) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  ~AsyncStreambuf() override { sync(); }

 protected:
  int sync() override;
  int_type overflow(int_type c) override;

 private:
  AsyncWriter& writer_;
  std::array<char, 4096> buffer_{};
};

}  // namespace fpt::cue
