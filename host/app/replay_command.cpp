#include "replay_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <ostream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "edf_reader.hpp"
#include "error.hpp"
#include "event_stream.hpp"
#include "session_coach.hpp"
#include "stop_signal.hpp"
#include "terminal_view.hpp"
#include "training_pipeline.hpp"

namespace fpt::app {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// The session folder for an id or a path.
fs::path session_dir(const ReplayOptions& o) {
  if (fs::is_directory(o.session) && fs::exists(fs::path(o.session) / "session.json"))
    return o.session;
  const fs::path dir = fs::path(o.data_dir) / "sessions" / o.session;
  if (!fs::exists(dir / "session.json"))
    throw InvalidArgument(fmt::format("no session '{}' in {} (fpt sessions lists them)", o.session,
                                      (fs::path(o.data_dir) / "sessions").string()));
  return dir;
}

protocol::MuscleRole role_of(const std::string& s) {
  if (s == "glute") return protocol::MuscleRole::kGlute;
  if (s == "hamstring") return protocol::MuscleRole::kHamstring;
  if (s == "lumbar") return protocol::MuscleRole::kLumbar;
  return protocol::MuscleRole::kOther;
}

/// The board as it described itself when the session was recorded.
protocol::DeviceInfo device_from(const nlohmann::json& b) {
  protocol::DeviceInfo d;
  d.serial = b.at("serial");
  d.board_model = b.at("model");
  d.protocol_version = b.at("protocol");
  d.emg_rate_hz = b.at("emg_rate_hz");
  d.imu_rate_hz = b.at("imu_rate_hz");
  d.imu_axes = b.at("imu_axes");
  d.accel_scale_g = b.at("accel_scale_g");
  d.accel_zero_code = b.at("accel_zero_code");
  d.gyro_scale_dps = b.value("gyro_scale_dps", 0.0);
  d.imu_kind = d.imu_axes >= 6   ? FPT_IMU_ACCEL_GYRO
               : d.imu_axes >= 3 ? FPT_IMU_ACCEL
                                 : FPT_IMU_NONE;
  int bits = 16;
  for (const auto& c : b.at("channels")) {
    protocol::ChannelInfo ch;
    ch.role = role_of(c.at("role"));
    ch.side = c.at("side") == "left" ? protocol::Side::kLeft : protocol::Side::kRight;
    ch.adc_bits = c.at("adc_bits");
    ch.scale_uv = c.at("scale_uv");
    ch.zero_code = c.at("zero_code");
    bits = std::max(bits, ch.adc_bits);
    d.channels.push_back(ch);
  }
  d.sample_bytes = bits > 16 ? 3 : 2;
  d.emg_sets_per_frame = std::max(1, d.emg_rate_hz / 100);
  return d;
}

}  // namespace

void add_replay_options(CLI::App& cmd, ReplayOptions& o) {
  cmd.add_option("SESSION", o.session, "session id (as fpt printed it) or the session's folder")
      ->required();
  cmd.add_option("--tolerance-ms", o.tolerance_ms, "judge with this tolerance instead")
      ->check(CLI::Range(0.0, 1000.0));
  cmd.add_option("--stage", o.stage, "judge at this stage instead")->check(CLI::Range(1, 3));
  cmd.add_option("--mode", o.mode, "train or assess")->check(CLI::IsMember({"train", "assess"}));
  cmd.add_flag("--realtime", o.realtime,
               "at the pace it was recorded (default: as fast as possible)");
  cmd.add_option("--events", o.events, "write the events (JSON Lines) to this file, - for stdout");
}

int run_replay(const ReplayOptions& o, std::ostream& out) {
  const fs::path dir = session_dir(o);
  nlohmann::json side;
  try {
    side = nlohmann::json::parse(std::ifstream(dir / "session.json"));
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(fmt::format("{}: {}", (dir / "session.json").string(), e.what()));
  }
  protocol::DeviceInfo device;
  session::PipelineConfig pc;
  session::CoachConfig cc;
  std::string mode;
  std::int64_t origin_s = 0;
  try {
    device = device_from(side.at("board"));
    const auto& st = side.at("settings");
    mode = o.mode.value_or(side.at("mode").get<std::string>());
    pc.rep.stage = o.stage.value_or(side.at("stage").get<int>());
    pc.rep.tolerance_ms = o.tolerance_ms.value_or(st.at("tolerance_ms").get<double>());
    pc.rep.cue_restarts = mode == "train";
    pc.detector = st.at("detector");
    pc.mains_hz = st.at("mains_hz");
    cc.stage = pc.rep.stage;
    cc.advance_after = st.at("advance_after");
    if (side.contains("calibration") && !side["calibration"].is_null()) {
      const auto& cal = side["calibration"];
      if (cal.contains("imu_rotation") && !cal["imu_rotation"].is_null())
        for (int r = 0; r < 3; ++r)
          for (int c = 0; c < 3; ++c) pc.imu_rotation(r, c) = cal["imu_rotation"][r][c];
      for (int m = 0; m < session::kMuscles; ++m) {
        cc.mvc_uv[m] = cal.at("mvc_uv")[m].get<double>();
        cc.profile_rest_sd_uv[m] = cal.at("rest_sd_uv")[m].get<double>();
      }
    }
    if (side.contains("recording_status") && side["recording_status"].contains("origin_s"))
      origin_s = side["recording_status"]["origin_s"];
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(fmt::format("{}: {}", (dir / "session.json").string(), e.what()));
  }
  storage::EdfReader edf((dir / side.at("recording").get<std::string>()).string());

  // Which recorded signal is which channel or axis.
  std::vector<int> emg_signal(device.channels.size(), -1);
  std::vector<int> imu_signal;
  for (std::size_t s = 0; s < edf.info().signals.size(); ++s) {
    const std::string& label = edf.info().signals[s].label;
    for (std::size_t c = 0; c < device.channels.size(); ++c)
      if (label == fmt::format("EMG {}", protocol::to_string(device.channels[c].role)))
        emg_signal[c] = static_cast<int>(s);
    for (int a = 0; a < device.imu_axes; ++a)
      if (label == fmt::format("{} {}", a >= 3 ? "Gyro" : "Accel", "xyz"[a % 3])) {
        if (imu_signal.size() <= static_cast<std::size_t>(a))
          imu_signal.resize(static_cast<std::size_t>(a) + 1, -1);
        imu_signal[static_cast<std::size_t>(a)] = static_cast<int>(s);
      }
  }
  for (std::size_t c = 0; c < emg_signal.size(); ++c)
    if (emg_signal[c] < 0)
      throw FormatError(fmt::format("{}: no signal for the {} channel", edf.info().recording,
                                    protocol::to_string(device.channels[c].role)));

  session::TrainingPipeline pipeline;
  pipeline.setup(device, pc);
  session::SessionCoach coach(cc);
  cue::TerminalView terminal(out, false, false);
  coach.add_output(&terminal);
  std::unique_ptr<cue::EventStream> events;
  if (!o.events.empty()) {
    events = std::make_unique<cue::EventStream>(o.events);
    events->session_start(side.value("athlete", "anonymous"), pc.rep.stage, mode,
                          pc.rep.tolerance_ms, device.summary(), pc.detector);
    coach.add_output(events.get());
  }
  out << fmt::format("replay of {} ({}), stage {}, {}, tolerance {} ms\n", dir.filename().string(),
                     side.value("athlete", "?"), pc.rep.stage, mode, pc.rep.tolerance_ms)
      << std::flush;

  const bool progress = !o.realtime && ::isatty(STDERR_FILENO) != 0 && edf.info().records > 60;
  const int emg_n = device.emg_rate_hz;
  const int imu_n = imu_signal.empty() ? 0 : device.imu_rate_hz;
  const int ratio = imu_n > 0 ? emg_n / imu_n : 0;
  std::vector<std::vector<std::int32_t>> digital;
  std::vector<storage::Annotation> notes;
  io::StreamItem item;
  const auto t0 = Clock::now();
  std::int64_t record = 0;
  std::int64_t end_index = std::numeric_limits<std::int64_t>::max();
  while (!stop_requested() && edf.next(digital, notes)) {
    const auto second = origin_s + record;
    // The last record is padded with zeros after the session's end: stop where it ended. (The
    // note may come with the record before the last.)
    for (const auto& a : notes)
      if (a.text == "recording ends")
        end_index = static_cast<std::int64_t>(std::llround(a.onset_s * emg_n)) + origin_s * emg_n;
    const int samples = static_cast<int>(
        std::clamp<std::int64_t>(end_index - second * emg_n, 0, static_cast<std::int64_t>(emg_n)));
    for (int k = 0; k < samples; ++k) {
      item = {};
      item.kind = io::ItemKind::kEmg;
      item.count = static_cast<std::uint8_t>(device.channels.size());
      item.index = static_cast<std::uint64_t>(second * emg_n + k);
      item.arrival_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
              .count();
      for (std::size_t c = 0; c < device.channels.size(); ++c)
        item.values[c] =
            digital[static_cast<std::size_t>(emg_signal[c])][static_cast<std::size_t>(k)] +
            device.channels[c].zero_code;
      pipeline.process(item, coach);
      if (ratio > 0 && k % ratio == 0) {
        const int j = k / ratio;
        io::StreamItem imu;
        imu.kind = io::ItemKind::kImu;
        imu.count = static_cast<std::uint8_t>(imu_signal.size());
        imu.index = static_cast<std::uint64_t>(second * imu_n + j);
        for (std::size_t a = 0; a < imu_signal.size(); ++a)
          imu.values[a] =
              imu_signal[a] < 0
                  ? 0
                  : digital[static_cast<std::size_t>(imu_signal[a])][static_cast<std::size_t>(j)] +
                        (a < 3 ? device.accel_zero_code : 0);
        pipeline.process(imu, coach);
      }
    }
    ++record;
    if (o.realtime)
      std::this_thread::sleep_until(t0 +
                                    std::chrono::duration<double>(static_cast<double>(record)));
    if (progress && record % 10 == 0)
      std::fprintf(stderr, "\rreplay %3.0f %%",
                   100.0 * static_cast<double>(record) / static_cast<double>(edf.info().records));
  }
  if (progress) std::fprintf(stderr, "\r              \r");
  coach.finish(static_cast<double>(record), 0, 0);
  return 0;
}

}  // namespace fpt::app
