// One sensor board on one serial port: open, handshake, stream, heartbeat and reconnect.
// Owns the I/O thread (Boost.Asio) that decodes frames and pushes samples into an SpscRing.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "device_info.hpp"
#include "fpt_wire.h"
#include "spsc_ring.hpp"
#include "stream_item.hpp"

namespace fpt::io {

struct LinkOptions {
  std::string port;        // path, e.g. /dev/ttyUSB0 or a pseudo-terminal
  unsigned baud = 500000;  // Asio 1.74 on Linux rejects 250000; 500000 and 1000000 work
  std::chrono::milliseconds handshake_timeout{3000};  // an Arduino bootloader takes ~1.5 s
  std::chrono::milliseconds command_retry{250};       // resend INFO/START until answered
  std::chrono::milliseconds heartbeat{1000};          // PING interval while streaming
  std::chrono::milliseconds stall_timeout{2000};      // silence that counts as a lost link
  std::chrono::milliseconds reconnect_interval{250};  // between reopen attempts
  bool reconnect = true;
  std::optional<std::uint16_t> emg_rate_hz;  // ask the board for this rate before START
  std::size_t ring_capacity = 1U << 15U;     // items (~16 s of 2 kHz sample sets)
  int realtime_priority = 0;  // >0: ask SCHED_FIFO at this priority for the I/O thread
};

/// A consistent-enough snapshot of the link's counters (each field read atomically).
struct LinkCounters {
  fpt_wire_stats wire{};  // framing: CRC errors, resyncs, sequence gaps ...
  std::uint64_t emg_frames = 0, emg_sets = 0, imu_frames = 0, imu_sets = 0, status_frames = 0;
  std::uint64_t emg_gaps = 0, emg_samples_lost = 0, imu_gaps = 0, imu_samples_lost = 0;
  std::uint64_t ring_drops = 0;        // sets the consumer was too slow to take
  std::uint64_t malformed_bodies = 0;  // frames with a good CRC but an impossible body
  std::uint64_t naks = 0, link_downs = 0, reconnects = 0, board_restarts = 0;
  std::uint64_t device_emg_dropped = 0, device_imu_dropped = 0, device_tx_overruns = 0;
  std::uint64_t device_uptime_ms = 0;
  double ping_rtt_ms = -1.0;    // last heartbeat round trip, -1 before the first
  std::int64_t first_seq = -1;  // sequence number of the first frame received
  std::int64_t last_seq = -1;   // ... and of the latest one
  bool streaming = false;
};

class BoardLink {
 public:
  explicit BoardLink(LinkOptions options);
  ~BoardLink();
  BoardLink(const BoardLink&) = delete;
  BoardLink& operator=(const BoardLink&) = delete;

  /// Opens the port and completes the handshake (INFO -> HELLO, optional SET_RATE, START -> ACK),
  /// then keeps streaming on the I/O thread. Blocks up to the handshake timeout.
  /// Throws IoError (cannot open), TimeoutError (no board answered), Unsupported (other
  /// protocol version, refused rate). Control thread only.
  void connect();

  /// Sends STOP when possible, closes the port and joins the I/O thread. Idempotent.
  void stop();

  /// The board's HELLO; valid after connect().
  [[nodiscard]] const protocol::DeviceInfo& device() const;

  /// Sample sets and link events, for exactly one consumer thread. When the consumer falls
  /// behind, new sets are dropped and counted in ring_drops (drop-newest policy).
  [[nodiscard]] SpscRing<StreamItem>& ring();

  /// Blocks the consumer until the I/O thread has read more (or timeout); true when woken.
  /// Items may already have been taken by an earlier try_pop: always drain the ring after.
  bool wait_for_data(std::chrono::milliseconds timeout);

  /// Counters; any thread, lock-free.
  [[nodiscard]] LinkCounters counters() const;

  /// The port path in use now (it can change when a USB board is replugged).
  [[nodiscard]] std::string port_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fpt::io
