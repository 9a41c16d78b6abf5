#include "recorded_session.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "edf_reader.hpp"
#include "error.hpp"

namespace fpt::review {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

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
  if (d.emg_rate_hz <= 0 || d.channels.empty() || d.channels.size() > FPT_MAX_EMG_CHANNELS)
    throw FormatError("board: no channels or no EMG rate");
  d.sample_bytes = bits > 16 ? 3 : 2;
  d.emg_sets_per_frame = std::max(1, d.emg_rate_hz / 100);
  return d;
}

}  // namespace

fs::path find_session(const std::string& id_or_dir, const std::string& data_dir) {
  if (fs::is_directory(id_or_dir) && fs::exists(fs::path(id_or_dir) / "session.json"))
    return id_or_dir;
  const fs::path dir = fs::path(data_dir) / "sessions" / id_or_dir;
  if (id_or_dir.empty() || id_or_dir.find('/') != std::string::npos ||
      !fs::exists(dir / "session.json"))
    throw InvalidArgument(fmt::format("no session '{}' in {} (fpt sessions lists them)", id_or_dir,
                                      (fs::path(data_dir) / "sessions").string()));
  return dir;
}

RecordedSession load_session(const fs::path& dir) {
  const fs::path path = dir / "session.json";
  std::ifstream in(path);
  if (!in) throw IoError(fmt::format("cannot read {}", path.string()));
  RecordedSession s;
  s.dir = dir;
  try {
    s.sidecar = nlohmann::json::parse(in);
    const auto& side = s.sidecar;
    s.id = side.value("id", dir.filename().string());
    s.athlete = side.value("athlete", "anonymous");
    s.mode = side.at("mode");
    if (s.mode == "calibrate")
      throw InvalidArgument(fmt::format(
          "session {} is a calibration: it has no reps to replay or review; its recording ({}) "
          "opens in EDFbrowser or MNE with every prompt and trial annotated",
          s.id, side.value("recording", "recording.edf")));
    s.started_utc = side.value("started_utc", "");
    s.device = device_from(side.at("board"));
    const auto& st = side.at("settings");
    auto& pc = s.pipeline;
    pc.rep.stage = side.at("stage");
    pc.rep.tolerance_ms = st.at("tolerance_ms");
    pc.rep.cue_restarts = s.mode == "train";
    pc.detector = st.at("detector");
    pc.mains_hz = st.at("mains_hz");
    s.coach.stage = pc.rep.stage;
    s.coach.advance_after = st.at("advance_after");
    if (side.contains("calibration") && !side["calibration"].is_null()) {
      const auto& cal = side["calibration"];
      if (cal.contains("imu_rotation") && !cal["imu_rotation"].is_null())
        for (int r = 0; r < 3; ++r)
          for (int c = 0; c < 3; ++c) pc.imu_rotation(r, c) = cal["imu_rotation"][r][c];
      for (int m = 0; m < session::kMuscles; ++m) {
        s.coach.mvc_uv[m] = cal.at("mvc_uv")[m].get<double>();
        s.coach.profile_rest_sd_uv[m] = cal.at("rest_sd_uv")[m].get<double>();
      }
    }
    if (side.contains("recording_status") && side["recording_status"].contains("origin_s"))
      s.origin_s = side["recording_status"]["origin_s"];
    const std::string rec = side.at("recording");
    if (rec.find('/') != std::string::npos)
      throw FormatError("recording: not a file name in the session folder");
    s.recording = dir / rec;
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(fmt::format("{}: {}", path.string(), e.what()));
  } catch (const FormatError& e) {
    throw FormatError(fmt::format("{}: {}", path.string(), e.what()));
  }
  return s;
}

double feed_recording(const RecordedSession& s, session::TrainingPipeline& pipeline,
                      session::SessionSink& sink, const FeedOptions& options) {
  const auto& device = s.device;
  storage::EdfReader edf(s.recording.string());
  const auto& info = edf.info();

  // Which recorded signal is which channel or axis.
  std::vector<int> emg_signal(device.channels.size(), -1);
  std::vector<int> imu_signal;
  for (std::size_t k = 0; k < info.signals.size(); ++k) {
    const std::string& label = info.signals[k].label;
    for (std::size_t c = 0; c < device.channels.size(); ++c)
      if (label == fmt::format("EMG {}", protocol::to_string(device.channels[c].role)))
        emg_signal[c] = static_cast<int>(k);
    for (int a = 0; a < device.imu_axes; ++a)
      if (label == fmt::format("{} {}", a >= 3 ? "Gyro" : "Accel", "xyz"[a % 3])) {
        if (imu_signal.size() <= static_cast<std::size_t>(a))
          imu_signal.resize(static_cast<std::size_t>(a) + 1, -1);
        imu_signal[static_cast<std::size_t>(a)] = static_cast<int>(k);
      }
  }
  const int emg_n = device.emg_rate_hz;
  for (std::size_t c = 0; c < emg_signal.size(); ++c) {
    if (emg_signal[c] < 0)
      throw FormatError(fmt::format("{}: no signal for the {} channel", s.recording.string(),
                                    protocol::to_string(device.channels[c].role)));
    if (info.signals[static_cast<std::size_t>(emg_signal[c])].samples_per_record != emg_n)
      throw FormatError(fmt::format("{}: the {} signal is not at the board's {} Hz",
                                    s.recording.string(),
                                    protocol::to_string(device.channels[c].role), emg_n));
  }
  const int imu_n = imu_signal.empty() ? 0 : device.imu_rate_hz;
  for (const int k : imu_signal)
    if (k >= 0 && info.signals[static_cast<std::size_t>(k)].samples_per_record != imu_n)
      throw FormatError(fmt::format("{}: IMU signal not at {} Hz", s.recording.string(), imu_n));
  const int ratio = imu_n > 0 ? std::max(1, emg_n / imu_n) : 0;

  std::vector<std::vector<std::int32_t>> digital;
  std::vector<storage::Annotation> notes;
  io::StreamItem item;
  const auto t0 = Clock::now();
  std::int64_t record = 0;
  std::int64_t end_index = std::numeric_limits<std::int64_t>::max();
  while (!(options.stop && options.stop()) && edf.next(digital, notes)) {
    const auto second = s.origin_s + record;
    // The last record is padded with zeros after the session's end: stop where it ended. (The
    // note may come with the record before the last.)
    for (const auto& a : notes)
      if (a.text == "recording ends")
        end_index = static_cast<std::int64_t>(std::llround(a.onset_s * emg_n)) + s.origin_s * emg_n;
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
      pipeline.process(item, sink);
      if (options.after_sample) options.after_sample(pipeline, item.index);
      if (ratio > 0 && k % ratio == 0 && k / ratio < imu_n) {
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
        pipeline.process(imu, sink);
      }
    }
    ++record;
    if (options.realtime)
      std::this_thread::sleep_until(t0 +
                                    std::chrono::duration<double>(static_cast<double>(record)));
    if (options.progress && info.records > 0)
      options.progress(static_cast<double>(record) / static_cast<double>(info.records));
  }
  return static_cast<double>(record);
}

}  // namespace fpt::review
