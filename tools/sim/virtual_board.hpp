// The virtual sensor board: plays a scripted glute-raise session through the signal model and
// speaks wire protocol v1 on a pseudo-terminal at real-time pace, answering commands like the
// firmware does, with switchable faults.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scenario.hpp"
#include "signal_model.hpp"

namespace fpt::sim {

struct BoardConfig {
  int emg_rate_hz = 1000;
  int imu_rate_hz = 100;
  int adc_bits = 16;              // 16 -> 2-byte samples, 24 -> 3-byte samples
  double frame_period_ms = 10.0;  // EMG sets per frame = rate * period
  std::string serial = "SIM-0001";
  std::string link_path;     // stable symlink to the pseudo-terminal, optional
  int protocol_version = 1;  // anything else: a board from the future (for tests)
  enum class Behaviour { kNormal, kSilent, kGarbage } behaviour = Behaviour::kNormal;
  bool autostart = false;       // stream without waiting for START
  double speed = 1.0;           // > 1: faster than real time (the device clock is unchanged)
  bool record_samples = false;  // keep every EMG code for comparison (tests)
  /// Also write what is sent as CSV (time_s, EMG in uV, accelerometer in g on the rows that
  /// have an IMU sample): the same session for `fpt analyze`, to compare with live.
  std::string csv_path;
};

struct FaultConfig {
  double drop_rate = 0.0;          // probability a data frame is lost on the wire
  double corrupt_rate = 0.0;       // probability each byte of any frame gets a bit flipped
  double stall_every_s = 0.0;      // every so often the link stops sending ...
  double stall_ms = 0.0;           // ... for this long (frames queue up, then burst)
  double reopen_every_s = 0.0;     // every so often the port disappears ...
  double reopen_ms = 0.0;          // ... for this long, then comes back as a new device node
  bool restart_on_reopen = false;  // the board reboots when replugged (USB-powered)
};

/// What the board did, for accounting in tests. Any thread.
struct BoardCounters {
  std::uint64_t frames_sent = 0;       // sequence numbers used
  std::uint64_t frames_dropped = 0;    // lost on purpose (drop_rate)
  std::uint64_t frames_corrupted = 0;  // damaged on purpose (corrupt_rate)
  std::uint64_t frames_overrun = 0;    // transmit queue full: lost on the board
  std::uint64_t frames_unplugged = 0;  // made while the port was gone
  std::uint64_t emg_sets = 0;
  std::uint64_t imu_sets = 0;
  std::uint64_t commands = 0;
  std::uint64_t reopens = 0;
  bool streaming = false;
};

class VirtualBoard {
 public:
  VirtualBoard(BoardConfig board, SignalConfig signal, std::vector<ScriptItem> script,
               ScenarioConfig scenario, FaultConfig faults = {});
  ~VirtualBoard();
  VirtualBoard(const VirtualBoard&) = delete;
  VirtualBoard& operator=(const VirtualBoard&) = delete;

  /// Opens the pseudo-terminal (so port_path() is known) and starts the board thread.
  /// Throws IoError.
  void start();
  /// Stops the thread and closes the port. Idempotent.
  void stop();

  /// The path a host opens (the symlink when configured). Valid after start().
  [[nodiscard]] std::string port_path() const;
  [[nodiscard]] BoardCounters counters() const;
  /// Turns every fault off from now on (any thread).
  void clear_faults();
  /// Sets the wire faults (drop and corrupt rates) from now on (any thread).
  void set_wire_faults(double drop_rate, double corrupt_rate);
  /// Called on the board thread for each rep as soon as the timeline creates it.
  void on_new_rep(std::function<void(const RepTruth&)> callback);

  /// After stop(): every EMG code the board produced, by device sample index.
  [[nodiscard]] const std::vector<std::array<std::int32_t, kMuscles>>& recorded() const;
  /// After stop(): the timeline it played.
  [[nodiscard]] const Timeline& timeline() const;
  /// Microvolts per code of the EMG channels.
  [[nodiscard]] double scale_uv() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fpt::sim
