#include "calibrate_command.hpp"

#include <array>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "announcer.hpp"
#include "board_link.hpp"
#include "calibration_flow.hpp"
#include "error.hpp"
#include "profile.hpp"
#include "review_commands.hpp"
#include "session_files.hpp"
#include "session_recorder.hpp"
#include "stop_signal.hpp"

namespace fpt::app {
namespace {

constexpr int kAudioRateHz = 22050;  // espeak-ng's own rate
constexpr std::array<protocol::MuscleRole, 3> kRoles{
    protocol::MuscleRole::kGlute, protocol::MuscleRole::kHamstring, protocol::MuscleRole::kLumbar};
constexpr std::array<const char*, 3> kMuscle{"glute", "hamstring", "lumbar"};

std::unique_ptr<cue::Announcer> open_announcer(const CalibrateOptions& o, std::ostream& out) {
  if (!o.audio_out.empty())
    return std::make_unique<cue::Announcer>(cue::open_wav_output(o.audio_out, kAudioRateHz));
  if (o.sound == "off") return nullptr;
  try {
    return std::make_unique<cue::Announcer>(cue::open_alsa_output(o.sound_device, kAudioRateHz));
  } catch (const IoError& e) {
    out << "no sound card (" << e.what() << "): the instructions are on screen only\n";
    spdlog::warn("{}", e.what());
    return nullptr;
  }
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void print_rest(const calibration::CalibrationOutcome& r, std::ostream& out) {
  for (std::size_t c = 0; c < 3; ++c) {
    const auto& ch = r.rest[c];
    out << fmt::format(
        "  {:<9} {:<4}  noise {:5.1f} uV RMS{}{}\n", kMuscle[c], calibration::to_string(ch.grade),
        ch.noise_rms_uv,
        ch.mains_hz > 0 ? fmt::format(", {:.0f} Hz hum {:.0f} dB", ch.mains_hz, ch.mains_db) : "",
        ch.ecg_rate_bpm > 0 ? fmt::format(", heartbeat {:.0f} bpm", ch.ecg_rate_bpm) : "");
    for (const auto& f : ch.findings)
      if (f.grade != calibration::Grade::kPass)
        out << fmt::format("            {}: {}\n            -> {}\n",
                           calibration::to_string(f.grade), f.what, f.advice);
    spdlog::info("sensor check {}: {} (noise {:.1f} uV)", kMuscle[c],
                 calibration::to_string(ch.grade), ch.noise_rms_uv);
  }
}

void print_trial(const calibration::TrialResult& t, std::ostream& out) {
  const auto m = static_cast<std::size_t>(t.muscle);
  out << fmt::format("  {} trial {}{}: {:.0f} uV RMS (others:", kMuscle[m], t.trial,
                     t.repeat ? " (repeat)" : "", t.peak_uv[m]);
  for (std::size_t c = 0; c < 3; ++c)
    if (c != m) out << fmt::format(" {} {:.0f}", kMuscle[c], t.peak_uv[c]);
  out << ")\n";
}

calibration::AthleteProfile make_profile(const CalibrateOptions& o, const protocol::DeviceInfo& d,
                                         const calibration::CalibrationOutcome& r) {
  calibration::AthleteProfile p;
  p.athlete = o.athlete;
  p.created_utc = utc_now();
  p.board_serial = d.serial;
  p.board_model = d.board_model;
  p.firmware = fmt::format("{}.{}.{}", d.fw_major, d.fw_minor, d.fw_patch);
  p.emg_rate_hz = d.emg_rate_hz;
  for (std::size_t m = 0; m < 3; ++m) {
    p.muscles[m].rest_sd_uv = r.rest_sd_uv[m];
    p.muscles[m].mvc_uv = r.mvc_uv[m];
  }
  if (r.imu) p.imu = calibration::ProfileImu{r.imu->rotation, r.imu->lift_range_deg};
  return p;
}

/// The calibration's recording: raw EMG and IMU with every prompt, trial and finding as an
/// annotation, in its own session folder (mode "calibrate"), so the physio can look at the MVC
/// trials later. Writing happens on the recorder's thread.
class CalibrationRecording {
 public:
  CalibrationRecording(const CalibrateOptions& o, const protocol::DeviceInfo& d)
      : files_(new_session(o.data_dir, o.athlete)), fs_(d.emg_rate_hz), data_dir_(o.data_dir) {
    storage::RecorderConfig rc;
    rc.path = (std::filesystem::path(files_.dir) / ("recording" + storage::recording_extension(d)))
                  .string();
    rc.patient = "X X X " + o.athlete;
    rc.recording_id = "X fpt_" FPT_VERSION " " + d.serial;
    recorder_ = std::make_unique<storage::SessionRecorder>(d, rc);
    recorder_->annotate(0.0, -1.0, "calibration");
    sidecar_ = {{"format", "fpt-session"},
                {"version", 1},
                {"id", files_.id},
                {"athlete", o.athlete},
                {"mode", "calibrate"},
                {"started_utc", utc_timestamp()},
                {"recording", std::filesystem::path(rc.path).filename().string()},
                {"settings",
                 {{"rest_s", o.timing.rest_s},
                  {"instruct_s", o.timing.instruct_s},
                  {"countdown_s", o.timing.countdown_s},
                  {"contract_s", o.timing.contract_s},
                  {"recover_s", o.timing.recover_s},
                  {"trials", o.timing.trials},
                  {"pose_s", o.timing.pose_s},
                  {"sensor_check_only", o.sensor_check_only}}},
                {"board", board_json(d)},
                {"fpt_version", FPT_VERSION},
                {"outcome", nullptr}};
    write_sidecar(files_, sidecar_);
  }

  void push(const io::StreamItem& item) {
    if (item.kind == io::ItemKind::kEmg && !first_emg_) first_emg_ = item.index;
    recorder_->push(item);
  }
  /// t_s on the calibration's clock (seconds since its first sample).
  void note(double t_s, const std::string& text) {
    const double board_s = static_cast<double>(first_emg_.value_or(0)) / fs_ + t_s;
    recorder_->annotate(board_s, -1.0, text.c_str());
  }

  /// Closes the recording and writes how the calibration ended; prints the id.
  void finish(const calibration::CalibrationOutcome* r, const std::string& result,
              const std::string& profile, std::ostream& out) {
    recorder_->finish();
    const auto st = recorder_->status();
    sidecar_["ended_utc"] = utc_timestamp();
    nlohmann::json outcome = {{"result", result}, {"profile", profile}};
    if (r) {
      outcome["grade"] = std::string(calibration::to_string(r->grade));
      outcome["rest_sd_uv"] = r->rest_sd_uv;
      outcome["mvc_uv"] = r->mvc_uv;
      nlohmann::json findings = nlohmann::json::array();
      for (const auto& f : r->findings)
        findings.push_back({{"grade", std::string(calibration::to_string(f.grade))},
                            {"what", f.what},
                            {"advice", f.advice}});
      outcome["findings"] = findings;
    }
    sidecar_["outcome"] = outcome;
    sidecar_["recording_status"] =
        recording_status_json(st, first_emg_ ? *first_emg_ / static_cast<std::uint64_t>(fs_) : 0);
    try {
      write_sidecar(files_, sidecar_);
    } catch (const Error& e) {
      out << "warning: " << e.what() << "\n";
    }
    if (st.failed)
      out << fmt::format("recording stopped early: {} ({} s not recorded)\n", st.error,
                         st.lost_records);
    out << fmt::format("calibration recorded as session {}: {} ({} s)\n", files_.id,
                       recorder_->path(), st.records);
    index_new_session(data_dir_, files_.dir, out);
  }

 private:
  SessionFiles files_;
  int fs_;
  std::unique_ptr<storage::SessionRecorder> recorder_;
  nlohmann::json sidecar_;
  std::optional<std::uint64_t> first_emg_;
  std::string data_dir_;
};

}  // namespace

void add_calibrate_options(CLI::App& cmd, CalibrateOptions& o) {
  cmd.add_option("--port,-p", o.port, "serial port of the board")->required();
  cmd.add_option("--baud", o.baud, "serial speed (500000 or 1000000 on Linux)")
      ->capture_default_str();
  cmd.add_option("--athlete", o.athlete, "athlete name (the profile's file name)")
      ->capture_default_str();
  cmd.add_option("--rest-s", o.timing.rest_s, "seconds of rest for the sensor check")
      ->capture_default_str();
  cmd.add_option("--instruct-s", o.timing.instruct_s,
                 "time to hear a new instruction before its countdown")
      ->capture_default_str();
  cmd.add_option("--countdown-s", o.timing.countdown_s, "countdown to each 'go'")
      ->capture_default_str();
  cmd.add_option("--contract-s", o.timing.contract_s, "length of each MVC trial (3-5 s)")
      ->capture_default_str();
  cmd.add_option("--recover-s", o.timing.recover_s, "rest after each MVC trial")
      ->capture_default_str();
  cmd.add_option("--trials", o.timing.trials, "MVC trials per muscle")->capture_default_str();
  cmd.add_option("--pose-s", o.timing.pose_s, "length of each still thigh pose")
      ->capture_default_str();
  cmd.add_flag("--sensor-check-only", o.sensor_check_only,
               "only step 1: check the electrodes at rest (nothing is written)");
  cmd.add_option("--sound", o.sound, "auto (sound card if present) or off")
      ->check(CLI::IsMember({"auto", "off"}))
      ->capture_default_str();
  cmd.add_option("--sound-device", o.sound_device, "ALSA playback device")->capture_default_str();
  cmd.add_option("--audio-out", o.audio_out, "write the spoken instructions to this WAV file");
  cmd.add_option("--profile-out", o.profile_out,
                 "where to write the profile (default: DATA/profiles/ATHLETE.json)");
  cmd.add_option("--handshake-timeout-ms", o.handshake_timeout_ms, "how long to wait for HELLO")
      ->check(CLI::Range(100, 60000));
  cmd.add_flag("!--no-record", o.record,
               "do not record (by default the calibration is recorded in DATA/sessions/ID)");
}

int run_calibrate(const CalibrateOptions& o, std::ostream& out) {
  // Validate what can be validated before the athlete lies down.
  const std::string profile_file =
      o.profile_out.empty() ? calibration::profile_path(o.data_dir, o.athlete) : o.profile_out;
  calibration::CalibrationPlan check_timing(o.timing);

  io::LinkOptions lo;
  lo.port = o.port;
  lo.baud = o.baud;
  lo.handshake_timeout = std::chrono::milliseconds(o.handshake_timeout_ms);
  io::BoardLink link(lo);
  link.connect();
  const auto& d = link.device();
  std::array<int, 3> channel{};
  for (std::size_t m = 0; m < 3; ++m) {
    channel[m] = d.channel_of(kRoles[m]);
    if (channel[m] < 0)
      throw InvalidArgument(fmt::format("the board has no {} channel", kMuscle[m]));
  }
  calibration::FlowConfig fc;
  fc.fs_hz = d.emg_rate_hz;
  const bool has_imu = d.imu_kind != FPT_IMU_NONE && d.imu_axes >= 3 && d.imu_rate_hz > 0;
  fc.imu_rate_hz = has_imu ? d.imu_rate_hz : 0.0;
  for (std::size_t m = 0; m < 3; ++m) {
    const auto& ch = d.channels[static_cast<std::size_t>(channel[m])];
    fc.full_scale_uv[m] = ch.scale_uv * static_cast<double>(1LL << (ch.adc_bits - 1));
  }
  fc.timing = o.timing;
  fc.sensor_check_only = o.sensor_check_only;
  calibration::CalibrationFlow flow(fc);

  std::unique_ptr<CalibrationRecording> recording;
  if (o.record) recording = std::make_unique<CalibrationRecording>(o, d);
  out << fmt::format("{}: {}\ncalibration of {}{}\n\n", o.port, d.summary(), o.athlete,
                     has_imu ? "" : " (the board has no accelerometer: no IMU step)")
      << std::flush;
  auto voice = open_announcer(o, out);

  io::StreamItem item;
  std::vector<calibration::Prompt> prompts;
  std::size_t shown_steps = 0, shown_trials = 0;
  std::array<double, 3> uv{};
  while (!flow.done() && !stop_requested()) {
    if (!link.ring().try_pop(item)) {
      link.wait_for_data(std::chrono::milliseconds(50));
      continue;
    }
    if (recording) recording->push(item);
    if (item.kind == io::ItemKind::kEmg) {
      for (std::size_t m = 0; m < 3; ++m)
        uv[m] = d.channels[static_cast<std::size_t>(channel[m])].to_uv(
            item.values[static_cast<std::size_t>(channel[m])]);
      flow.add_emg(item.index, uv);
    } else if (item.kind == io::ItemKind::kImu && has_imu) {
      const auto g = [&](int a) { return (item.values[a] - d.accel_zero_code) * d.accel_scale_g; };
      flow.add_accel(item.index, Eigen::Vector3d(g(0), g(1), g(2)));
    } else {
      continue;
    }
    flow.poll(prompts);
    // What was just judged, then what to do next.
    const auto& r = flow.outcome();
    if (shown_steps == 0 && flow.judged_steps() > 0) print_rest(r, out);
    for (; shown_trials < r.trials.size(); ++shown_trials) {
      const auto& t = r.trials[shown_trials];
      print_trial(t, out);
      if (recording)
        recording->note(flow.now_s(),
                        fmt::format("MVC {} trial {}: {:.1f} uV RMS{}", kMuscle[t.muscle], t.trial,
                                    t.peak_uv[static_cast<std::size_t>(t.muscle)],
                                    t.weak ? " (weak, not used)" : ""));
    }
    shown_steps = flow.judged_steps();
    for (const auto& p : prompts) {
      if (recording) recording->note(p.t_s, p.text);
      out << fmt::format("[{:6.1f} s] {}\n", p.t_s, p.text);
      if (voice) voice->say(p.t_s, p.spoken);
    }
    prompts.clear();
    out << std::flush;
  }
  link.stop();
  if (voice) voice->finish(flow.now_s() + 1.0);
  if (!flow.done()) {
    out << "calibration stopped before it was complete: no profile written\n";
    if (recording) recording->finish(nullptr, "stopped", "", out);
    return 130;
  }

  const auto& r = flow.outcome();
  if (shown_steps == 0) print_rest(r, out);
  out << "\nResult:\n";
  for (std::size_t m = 0; m < 3; ++m)
    out << fmt::format("  {:<9} rest {:5.2f} uV{}\n", kMuscle[m], r.rest_sd_uv[m],
                       r.mvc_uv[m] > 0 ? fmt::format("   MVC {:6.1f} uV RMS", r.mvc_uv[m]) : "");
  if (r.imu)
    out << fmt::format("  thigh sensor: rotation found, full lift {:.1f} degrees\n",
                       r.imu->lift_range_deg);
  for (const auto& f : r.findings) {
    out << fmt::format("  {}: {}\n    -> {}\n", calibration::to_string(f.grade), f.what, f.advice);
    spdlog::info("calibration {}: {}", calibration::to_string(f.grade), f.what);
  }
  if (recording)
    for (const auto& f : r.findings)
      recording->note(flow.now_s(), fmt::format("{}: {}", calibration::to_string(f.grade), f.what));
  if (r.grade == calibration::Grade::kFail) {
    out << "\nFix what is marked fail, then calibrate again. No profile was written.\n";
    if (recording) recording->finish(&r, "failed", "", out);
    return 3;
  }
  if (o.sensor_check_only) {
    out << "\nAll electrodes usable.\n";
    if (recording) recording->finish(&r, "sensor check passed", "", out);
    return 0;
  }
  calibration::save_profile(profile_file, make_profile(o, d, r));
  if (recording) recording->finish(&r, "profile written", profile_file, out);
  out << "\nprofile written: " << profile_file << "\n";
  spdlog::info("calibration profile written: {}", profile_file);
  return 0;
}

}  // namespace fpt::app
