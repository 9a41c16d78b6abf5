// Records a live session into EDF+ (16-bit boards) or BDF+ (24-bit boards): raw EMG at its
// rate, the IMU at its own, and the session's events as annotations. The pipeline thread only
// copies sample sets and fixed-size annotation records into two rings (no allocation, no
// lock, never blocks); the recorder's own thread builds 1 s data records and flushes each one,
// so at most about a second is lost when the process is killed. A write error (disk full,
// folder gone) stops the recording, never the session: it is reported in status().
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "device_info.hpp"
#include "spsc_ring.hpp"
#include "stream_item.hpp"

namespace fpt::storage {

class EdfWriter;

struct RecorderConfig {
  std::string path;                  // .edf or .bdf (chosen by the caller with recording_extension)
  std::string patient;               // EDF+ patient field, e.g. "X X X ana"
  std::string recording_id;          // e.g. "X fpt SIM-0001"
  std::size_t ring_sets = 1u << 15;  // sample sets buffered: 16 s at 2 kHz
  std::size_t ring_annotations = 4096;
};

/// ".bdf" when the board's samples need more than 16 bits, else ".edf".
std::string recording_extension(const protocol::DeviceInfo& d);

struct RecorderStatus {
  std::uint64_t records = 0;       // seconds written
  std::uint64_t dropped_sets = 0;  // sample sets the ring could not take (writer too slow)
  std::uint64_t dropped_annotations = 0;
  std::uint64_t lost_records = 0;  // records not written after a write error
  bool failed = false;
  std::string error;  // the write error, one line
};

class SessionRecorder {
 public:
  /// Creates the file and starts the writer thread. Throws IoError.
  SessionRecorder(const protocol::DeviceInfo& device, RecorderConfig config);
  ~SessionRecorder();
  SessionRecorder(const SessionRecorder&) = delete;
  SessionRecorder& operator=(const SessionRecorder&) = delete;

  /// Pipeline thread: an EMG or IMU set, or a gap. Real-time safe.
  void push(const io::StreamItem& item) noexcept;
  /// Pipeline thread: an annotation at t_s (device clock), text cut to 119 bytes.
  /// Real-time safe.
  void annotate(double t_s, double duration_s, const char* text) noexcept;

  /// Writes everything received (the last record padded with zeros and marked), closes the
  /// file. Idempotent.
  void finish();
  /// Any thread.
  [[nodiscard]] RecorderStatus status() const;
  [[nodiscard]] const std::string& path() const noexcept { return config_.path; }

  struct Note {
    double t_s = 0.0;
    double duration_s = -1.0;
    std::array<char, 120> text{};
  };

 private:
  struct Impl;
  void run();

  RecorderConfig config_;
  std::unique_ptr<Impl> impl_;
  SpscRing<io::StreamItem> sets_;
  SpscRing<Note> notes_;
  std::atomic<std::uint64_t> dropped_sets_{0}, dropped_notes_{0};
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

}  // namespace fpt::storage
