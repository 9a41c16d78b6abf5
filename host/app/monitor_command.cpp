#include <array>
#include <chrono>
#include <cmath>
#include <memory>
#include <ostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "board_link.hpp"
#include "commands.hpp"
#include "onset_tracker.hpp"
#include "stop_signal.hpp"

namespace fpt::app {
namespace {

using Clock = std::chrono::steady_clock;

/// Per-board tallies kept by the consumer thread between two report lines.
struct Window {
  std::array<std::uint64_t, FPT_MAX_EMG_CHANNELS> samples{};
  std::array<double, FPT_MAX_EMG_CHANNELS> sum_sq_uv{};
  std::array<double, FPT_MAX_EMG_CHANNELS> sum_uv{};
  std::uint64_t imu_sets = 0;
};

struct Board {
  std::unique_ptr<io::BoardLink> link;
  std::vector<double> scale_uv;  // resolved once, not looked up per sample
  std::vector<std::int32_t> zero_code;
  std::vector<dsp::OnsetTracker> trackers;  // one per EMG channel, set up before streaming
  std::vector<std::string> names;
  double fs_hz = 1000.0;
  std::uint64_t onsets = 0;
  Window window;
  std::uint64_t total_sets = 0;
  std::uint64_t link_events = 0;
  io::LinkCounters last{};
};

/// Runs the onset chain on every EMG set; prints an event line for each onset and offset.
/// The chain itself allocates nothing; only event lines (a few per rep) are formatted.
void print_event(Board& b, std::size_t channel, const dsp::OnsetEvent& e, std::ostream& out) {
  const double t = static_cast<double>(e.index) / b.fs_hz;
  const double decided = static_cast<double>(e.decision_index) / b.fs_hz;
  const std::string& name = b.names[channel];
  switch (e.kind) {
    case dsp::OnsetEvent::Kind::kOnset:
      ++b.onsets;
      out << fmt::format("  {:>9} ON   at {:8.3f} s (decided {:8.3f} s, +{:.0f} ms, {:.0f} uV)\n",
                         name, t, decided, (decided - t) * 1000.0, e.level_uv);
      break;
    case dsp::OnsetEvent::Kind::kRefined:
      out << fmt::format("  {:>9} onset refined to {:8.3f} s\n", name, t);
      break;
    case dsp::OnsetEvent::Kind::kOffset:
      out << fmt::format("  {:>9} OFF  at {:8.3f} s\n", name, t);
      break;
  }
}

void drain(Board& b, std::ostream& out) {
  io::StreamItem item;
  const std::size_t n = b.scale_uv.size();
  std::array<dsp::OnsetEvent, dsp::OnsetTracker::kMaxEventsPerSample> events{};
  while (b.link->ring().try_pop(item)) {
    switch (item.kind) {
      case io::ItemKind::kEmg:
        for (std::size_t c = 0; c < n; ++c) {
          const double uv = (item.values[c] - b.zero_code[c]) * b.scale_uv[c];
          b.window.samples[c]++;
          b.window.sum_uv[c] += uv;
          b.window.sum_sq_uv[c] += uv * uv;
          const std::size_t k = b.trackers[c].process(uv, item.index, events);
          for (std::size_t e = 0; e < k; ++e) print_event(b, c, events[e], out);
        }
        ++b.total_sets;
        break;
      case io::ItemKind::kImu:
        b.window.imu_sets++;
        break;
      default:
        ++b.link_events;
        break;
    }
  }
}

std::string report_line(Board& b, double elapsed_s, double window_s) {
  const io::LinkCounters c = b.link->counters();
  const auto& d = b.link->device();
  const double frames_per_s = (c.wire.frames_ok - b.last.wire.frames_ok) / std::max(window_s, 1e-3);
  std::string per_channel;
  std::string rms;
  for (std::size_t i = 0; i < d.channels.size(); ++i) {
    const auto name = protocol::to_string(d.channels[i].role);
    const double n = static_cast<double>(b.window.samples[i]);
    per_channel += fmt::format("{}{} {:.0f}", i ? ", " : "", name, n / window_s);
    const double mean = n > 0 ? b.window.sum_uv[i] / n : 0.0;
    const double var = n > 0 ? b.window.sum_sq_uv[i] / n - mean * mean : 0.0;
    rms += fmt::format("{}{} {:.1f}", i ? ", " : "", name, std::sqrt(std::max(var, 0.0)));
  }
  std::string line = fmt::format(
      "[{:7.1f} s] {}  frames/s {:.0f}  samples/s ({})  IMU sets/s {:.0f}  RMS uV ({})  "
      "crc {} resync {} seq-gaps {} lost-frames {} sample-gaps {} device-drops {} ring-drops {}"
      "{}{}",
      elapsed_s, d.serial, frames_per_s, per_channel,
      static_cast<double>(b.window.imu_sets) / window_s, rms, c.wire.crc_errors, c.wire.resyncs,
      c.wire.seq_gaps, c.wire.frames_lost, c.emg_gaps, c.device_emg_dropped, c.ring_drops,
      c.ping_rtt_ms >= 0 ? fmt::format(" rtt {:.2f} ms", c.ping_rtt_ms) : std::string(),
      c.streaming ? "" : "  LINK DOWN");
  b.last = c;
  b.window = Window{};
  return line;
}

std::string summary_line(const Board& b, double elapsed_s) {
  const io::LinkCounters c = b.link->counters();
  const auto& d = b.link->device();
  return fmt::format(
      "summary {}: {:.1f} s, {} frames ({:.1f}/s), {} EMG sets x {} channels ({:.1f} samples/s "
      "per channel), {} IMU sets; CRC errors {}, resyncs {}, frames lost {}, EMG samples lost "
      "{}, device drops {}, ring drops {}, malformed {}, unknown types {}, link losses {}, "
      "reconnects {}, onsets {}",
      d.serial, elapsed_s, c.wire.frames_ok, c.wire.frames_ok / std::max(elapsed_s, 1e-3),
      c.emg_sets, d.channels.size(), static_cast<double>(c.emg_sets) / std::max(elapsed_s, 1e-3),
      c.imu_sets, c.wire.crc_errors, c.wire.resyncs, c.wire.frames_lost, c.emg_samples_lost,
      c.device_emg_dropped, c.ring_drops, c.malformed_bodies, c.wire.unknown_types, c.link_downs,
      c.reconnects, b.onsets);
}

}  // namespace

int run_monitor(const MonitorOptions& options, std::ostream& out) {
  std::vector<Board> boards;
  for (const auto& port : options.ports) {
    io::LinkOptions lo;
    lo.port = port;
    lo.baud = options.baud;
    lo.handshake_timeout = std::chrono::milliseconds(options.handshake_timeout_ms);
    lo.reconnect = options.reconnect;
    if (options.rate_hz > 0) lo.emg_rate_hz = static_cast<std::uint16_t>(options.rate_hz);
    Board b;
    b.link = std::make_unique<io::BoardLink>(lo);
    b.link->connect();  // throws with one line for the user
    const auto& d = b.link->device();
    b.fs_hz = d.emg_rate_hz;
    for (const auto& ch : d.channels) {
      b.scale_uv.push_back(ch.scale_uv);
      b.zero_code.push_back(ch.zero_code);
      dsp::TrackerConfig tc;
      tc.conditioner.fs_hz = d.emg_rate_hz;
      tc.conditioner.mains_hz = options.mains_hz;
      tc.detector = options.detector;
      // Trunk muscles carry the heartbeat: 30 Hz high-pass (Drake & Callaghan 2006).
      if (ch.role == protocol::MuscleRole::kLumbar) tc.conditioner.ecg_highpass_hz = 30.0;
      b.trackers.emplace_back();
      b.trackers.back().setup(tc);
      b.names.emplace_back(protocol::to_string(ch.role));
    }
    out << fmt::format("{}: {}\n", port, d.summary()) << std::flush;
    spdlog::info("monitoring {} on {}", d.serial, port);
    boards.push_back(std::move(b));
  }

  const Clock::time_point t0 = Clock::now();
  Clock::time_point last_report = t0;
  while (!stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (auto& b : boards) drain(b, out);
    const Clock::time_point now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - t0).count();
    if (now - last_report >= std::chrono::seconds(1)) {
      const double window = std::chrono::duration<double>(now - last_report).count();
      for (auto& b : boards) out << report_line(b, elapsed, window) << '\n';
      out << std::flush;
      last_report = now;
    }
    if (options.duration_s > 0 && elapsed >= options.duration_s) break;
  }
  for (auto& b : boards) b.link->stop();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  for (auto& b : boards) {
    drain(b, out);
    out << summary_line(b, elapsed) << '\n';
  }
  out << std::flush;
  return 0;
}

}  // namespace fpt::app
