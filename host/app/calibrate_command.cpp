#include "calibrate_command.hpp"

#include <chrono>
#include <ostream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "board_link.hpp"
#include "error.hpp"
#include "sensor_check.hpp"
#include "stop_signal.hpp"

namespace fpt::app {

void add_calibrate_options(CLI::App& cmd, CalibrateOptions& o) {
  cmd.add_option("--port,-p", o.port, "serial port of the board")->required();
  cmd.add_option("--baud", o.baud, "serial speed (500000 or 1000000 on Linux)")
      ->capture_default_str();
  cmd.add_option("--athlete", o.athlete, "athlete name")->capture_default_str();
  cmd.add_option("--rest-s", o.rest_s, "seconds of rest for the sensor check")
      ->check(CLI::Range(3.0, 60.0))
      ->capture_default_str();
  cmd.add_option("--handshake-timeout-ms", o.handshake_timeout_ms, "how long to wait for HELLO")
      ->check(CLI::Range(100, 60000));
}

int run_calibrate(const CalibrateOptions& o, std::ostream& out) {
  io::LinkOptions lo;
  lo.port = o.port;
  lo.baud = o.baud;
  lo.handshake_timeout = std::chrono::milliseconds(o.handshake_timeout_ms);
  io::BoardLink link(lo);
  link.connect();
  const auto& d = link.device();
  out << fmt::format(
             "{}: {}\ncalibration of {}\n\nStep 1: sensor check. Lie still, relaxed, for "
             "{:.0f} seconds.\n",
             o.port, d.summary(), o.athlete, o.rest_s)
      << std::flush;

  // Every channel's raw uV for the rest window; sized once, filled from the ring.
  const auto n = static_cast<std::size_t>(o.rest_s * d.emg_rate_hz);
  std::vector<std::vector<double>> raw(d.channels.size());
  for (auto& r : raw) r.reserve(n);
  io::StreamItem item;
  std::uint64_t lost = 0;
  while (raw.front().size() < n && !stop_requested()) {
    if (!link.ring().try_pop(item)) {
      link.wait_for_data(std::chrono::milliseconds(50));
      continue;
    }
    if (item.kind == io::ItemKind::kEmgGap) lost += item.missing;
    if (item.kind != io::ItemKind::kEmg) continue;
    for (std::size_t c = 0; c < d.channels.size(); ++c)
      raw[c].push_back(d.channels[c].to_uv(item.values[c]));
  }
  link.stop();
  if (raw.front().size() < n) {
    out << "calibration stopped before the rest recording was complete\n";
    return 130;
  }
  if (lost > 0) out << fmt::format("note: {} samples were lost on the link\n", lost);

  bool any_fail = false;
  for (std::size_t c = 0; c < d.channels.size(); ++c) {
    const auto& ch = d.channels[c];
    const std::string muscle(protocol::to_string(ch.role));
    calibration::RestCheckInput in;
    in.raw_uv = raw[c];
    in.fs_hz = d.emg_rate_hz;
    in.full_scale_uv = ch.scale_uv * static_cast<double>(1LL << (ch.adc_bits - 1));
    in.trunk = ch.role == protocol::MuscleRole::kLumbar;
    in.muscle = muscle;
    const auto r = calibration::check_rest(in);
    any_fail = any_fail || r.grade == calibration::Grade::kFail;
    out << fmt::format(
        "  {:<9} {:<4}  noise {:5.1f} uV RMS{}{}\n", muscle, calibration::to_string(r.grade),
        r.noise_rms_uv,
        r.mains_hz > 0 ? fmt::format(", {:.0f} Hz hum {:.0f} dB", r.mains_hz, r.mains_db) : "",
        r.ecg_rate_bpm > 0 ? fmt::format(", heartbeat {:.0f} bpm", r.ecg_rate_bpm) : "");
    for (const auto& f : r.findings)
      if (f.grade != calibration::Grade::kPass)
        out << fmt::format("            {}: {}\n            -> {}\n",
                           calibration::to_string(f.grade), f.what, f.advice);
    spdlog::info("sensor check {}: {} (noise {:.1f} uV)", muscle, calibration::to_string(r.grade),
                 r.noise_rms_uv);
  }
  out << (any_fail ? "\nFix the channels marked fail, then run the check again.\n"
                   : "\nAll electrodes usable. (MVC and IMU steps: not built yet.)\n");
  return any_fail ? 3 : 0;
}

}  // namespace fpt::app
