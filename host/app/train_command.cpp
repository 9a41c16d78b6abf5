#include "train_command.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <thread>

#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "async_writer.hpp"
#include "audio_cues.hpp"
#include "board_link.hpp"
#include "error.hpp"
#include "event_stream.hpp"
#include "profile.hpp"
#include "realtime.hpp"
#include "recording_annotations.hpp"
#include "review_commands.hpp"
#include "session_coach.hpp"
#include "session_files.hpp"
#include "session_recorder.hpp"
#include "stop_signal.hpp"
#include "terminal_view.hpp"
#include "training_pipeline.hpp"

namespace fpt::app {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kAudioRateHz = 22050;  // espeak-ng's rate: tones and words share one stream

/// Keeps the coach's summary for the sidecar.
class SummaryCapture final : public session::CoachedSink {
 public:
  void on_summary(const session::SessionSummary& s) override { summary = s; }
  std::optional<session::SessionSummary> summary;
};

nlohmann::json percentiles_json(const session::Percentiles& p) {
  if (p.n == 0) return nullptr;
  return {{"n", p.n}, {"p50", p.p50}, {"p95", p.p95}, {"p99", p.p99}, {"max", p.max}};
}

nlohmann::json summary_json(const session::SessionSummary& s) {
  const auto opt = [](const std::optional<double>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"stage", s.stage},
          {"reps", s.reps},
          {"good", s.good},
          {"best_streak", s.best_streak},
          {"duration_s", s.duration_s},
          {"restarts_by_fault", s.faults},
          {"processing_ms", percentiles_json(s.processing_ms)},
          {"decision_delay_ms", percentiles_json(s.decision_delay_ms)},
          {"verdicts_changed", s.verdicts_changed},
          {"lumbar_first", opt(s.lumbar_first)},
          {"lumbar_last", opt(s.lumbar_last)},
          {"lumbar_change_pct", opt(s.lumbar_change_pct)},
          {"lumbar_pct_mvc_last", opt(s.lumbar_pct_mvc_last)},
          {"orders", s.orders},
          {"frames_lost", s.frames_lost},
          {"emg_samples_lost", s.emg_samples_lost}};
}

nlohmann::json calibration_json(const calibration::AthleteProfile& p) {
  nlohmann::json mvc = nlohmann::json::array(), rest = nlohmann::json::array();
  for (const auto& m : p.muscles) {
    mvc.push_back(m.mvc_uv);
    rest.push_back(m.rest_sd_uv);
  }
  nlohmann::json rot = nullptr;
  if (p.imu) {
    rot = nlohmann::json::array();
    for (int r = 0; r < 3; ++r)
      rot.push_back({p.imu->rotation(r, 0), p.imu->rotation(r, 1), p.imu->rotation(r, 2)});
  }
  return {{"mvc_uv", mvc}, {"rest_sd_uv", rest}, {"imu_rotation", rot}};
}

/// Chooses where the cue sounds go; nullptr when nowhere (said on the terminal).
std::unique_ptr<cue::AudioCues> open_audio(const TrainOptions& o, std::ostream& out) {
  if (o.mode != "train" || o.sound == "off") return nullptr;  // assessment reps are uncued
  std::unique_ptr<cue::AudioOutput> output;
  if (!o.audio_out.empty()) {
    output = cue::open_wav_output(o.audio_out, kAudioRateHz);
  } else {
    try {
      output = cue::open_alsa_output(o.sound_device, kAudioRateHz);
    } catch (const IoError& e) {
      if (!o.wav_fallback) {
        out << "warning: " << e.what()
            << ": no sound cues (use --audio-out FILE to write them to a WAV file)\n";
        spdlog::warn("{}", e.what());
        return nullptr;
      }
      const std::time_t now = std::time(nullptr);
      char stamp[32];
      std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
      const std::string path =
          (std::filesystem::path(o.data_dir) / fmt::format("demo-cues-{}.wav", stamp)).string();
      out << "no sound card (" << e.what() << "): cue sounds go to " << path << '\n';
      output = cue::open_wav_output(path, kAudioRateHz);
    }
  }
  cue::AudioCueConfig ac;
  ac.speech = o.speech;
  ac.stage = o.stage;
  return std::make_unique<cue::AudioCues>(std::move(output), ac);
}

cue::LiveState live_state(const session::TrainingPipeline& p, const TrainOptions& o, bool link_up) {
  cue::LiveState s;
  s.stage = o.stage;
  s.mode = o.mode;
  s.ready = p.ready();
  s.in_rep = p.reps().in_rep();
  s.phase = p.ready() ? p.reps().phase() : session::RepPhase::kRest;
  s.pitch_deg = p.pitch_deg();
  s.link_up = link_up;
  for (int m = 0; m < session::kMuscles; ++m) {
    const auto& t = p.tracker(static_cast<session::Muscle>(m));
    s.level_uv[m] = t.level_uv();
    s.rest_uv[m] = t.rest_sigma_uv();
    s.active[m] = t.active();
  }
  return s;
}

/// The session's rep verdicts in fpt.log, so a physio can see afterwards what was decided, and
/// where a final verdict overturned the live cue.
class LogSink final : public session::CoachedSink {
 public:
  void on_rep_end(const session::RepEvent& e, const session::RepProgress& p) override {
    spdlog::info("rep {}: {}{} ({})", e.rep, e.verdict.good ? "good" : "restart",
                 e.verdict.good ? "" : " - " + e.verdict.reason, p.order);
    if (e.verdict_changed)
      spdlog::warn("rep {}: the final verdict ({}) differs from the live cue ({})", e.rep,
                   e.verdict.good ? "good" : "restart", e.cued_restart ? "restart" : "none");
  }
  void on_link(bool up, std::uint64_t index) override {
    spdlog::warn("board {} at sample {}", up ? "streaming again" : "lost", index);
  }
  void on_advice(const session::StageAdvice& a) override { spdlog::info("{}", a.text); }
};

/// The calibration to use: --profile, else the athlete's own if one exists. Prints what is used
/// and any warning (old, other board); a bad profile is an error, never silently skipped.
std::optional<calibration::AthleteProfile> find_profile(const TrainOptions& o,
                                                        const std::string& serial,
                                                        std::ostream& out) {
  std::string path = o.profile;
  if (path.empty() && o.athlete != "anonymous" && !o.data_dir.empty()) {
    path = calibration::profile_path(o.data_dir, o.athlete);
    if (!std::filesystem::exists(path)) {
      out << "no calibration for " << o.athlete
          << ": amplitudes relative to rest only (fpt calibrate gives %MVC)\n";
      return std::nullopt;
    }
  }
  if (path.empty()) return std::nullopt;
  auto p = calibration::load_profile(path);
  out << "calibration: " << path << " (" << p.athlete << ", " << p.created_utc << ")\n";
  for (const auto& w : calibration::profile_warnings(p, serial, std::chrono::system_clock::now()))
    out << "warning: " << w << '\n';
  return p;
}

}  // namespace

void add_session_options(CLI::App& cmd, TrainOptions& o) {
  cmd.add_option("--stage", o.stage, "1 squeeze, 2 begin the lift, 3 full lift")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  cmd.add_flag("!--no-record", o.record,
               "do not record (by default every session is recorded in DATA/sessions/ID)");
  cmd.add_option("--mode", o.mode, "train (cue restarts) or assess (no cues)")
      ->check(CLI::IsMember({"train", "assess"}))
      ->capture_default_str();
  cmd.add_option("--tolerance-ms", o.tolerance_ms,
                 "how much earlier than the glute still counts as together")
      ->check(CLI::Range(0.0, 500.0))
      ->capture_default_str();
  cmd.add_option("--athlete", o.athlete, "athlete name")->capture_default_str();
  cmd.add_option("--events", o.events, "write JSON Lines events to FILE (- for standard output)");
  cmd.add_option("--duration", o.duration_s, "stop after S seconds (0: until Ctrl-C)")
      ->check(CLI::Range(0.0, 1e7));
  cmd.add_option("--detector", o.detector, "onset detector: cusum, hodges, bonato, tkeo")
      ->check(CLI::IsMember({"cusum", "hodges", "bonato", "tkeo"}))
      ->capture_default_str();
  cmd.add_option("--advance-after", o.advance_after,
                 "good reps in a row before the next stage is suggested")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd.add_option("--sound", o.sound, "auto (sound card if present) or off")
      ->check(CLI::IsMember({"auto", "off"}))
      ->capture_default_str();
  cmd.add_option("--sound-device", o.sound_device, "ALSA playback device")->capture_default_str();
  cmd.add_option("--audio-out", o.audio_out,
                 "write the cue sounds to this WAV file, on the session's clock");
  cmd.add_flag("!--no-speech", o.speech, "tones only, no spoken words");
  cmd.add_option("--profile", o.profile,
                 "calibration profile (default: the athlete's in the data folder, if any)");
  cmd.add_flag("!--no-realtime", o.realtime,
               "do not ask for real-time scheduling of the pipeline and I/O threads");
}

void add_train_options(CLI::App& cmd, TrainOptions& o) {
  cmd.add_option("--port,-p", o.port, "serial port of the board")->required();
  cmd.add_option("--baud", o.baud, "serial speed (500000 or 1000000 on Linux)")
      ->capture_default_str();
  cmd.add_option("--handshake-timeout-ms", o.handshake_timeout_ms, "how long to wait for HELLO")
      ->check(CLI::Range(100, 60000));
  cmd.add_option("--mains", o.mains_hz, "mains to notch: 50, 60, 0 (off) or -1 (detect)")
      ->check(CLI::IsMember({-1.0, 0.0, 50.0, 60.0}));
  add_session_options(cmd, o);
}

int run_train(const TrainOptions& o, std::ostream& out) {
  io::LinkOptions lo;
  lo.port = o.port;
  lo.baud = o.baud;
  lo.handshake_timeout = std::chrono::milliseconds(o.handshake_timeout_ms);
  if (o.realtime) lo.realtime_priority = 20;
  io::BoardLink link(lo);
  link.connect();
  const auto& device = link.device();
  session::PipelineConfig pc;
  pc.rep.stage = o.stage;
  pc.rep.tolerance_ms = o.tolerance_ms;
  pc.rep.cue_restarts = o.mode == "train";
  pc.detector = o.detector;
  pc.mains_hz = o.mains_hz;
  const auto profile = find_profile(o, device.serial, out);
  if (profile && profile->imu) pc.imu_rotation = profile->imu->rotation;
  session::TrainingPipeline pipeline;
  pipeline.setup(device, pc);

  session::CoachConfig cc;
  cc.stage = o.stage;
  cc.advance_after = o.advance_after;
  if (profile)
    for (int m = 0; m < session::kMuscles; ++m) {
      cc.mvc_uv[m] = profile->muscles[m].mvc_uv;
      cc.profile_rest_sd_uv[m] = profile->muscles[m].rest_sd_uv;
    }
  session::SessionCoach coach(cc);
  // The sound goes first: the athlete lies face down, and the latency is measured there.
  std::unique_ptr<cue::AudioCues> audio = open_audio(o, out);
  if (audio) coach.add_output(audio.get());
  const bool tty = &out == &std::cout && ::isatty(STDOUT_FILENO) != 0;
  // During the session the screen is written by a thread of its own: a terminal that is slow,
  // paused (Ctrl-S) or a pipe nobody reads never holds up the pipeline and its cues.
  std::unique_ptr<cue::AsyncWriter> screen_writer;
  std::unique_ptr<cue::AsyncStreambuf> screen_buf;
  std::unique_ptr<std::ostream> screen;
  if (&out == &std::cout) {
    out << std::flush;
    screen_writer = std::make_unique<cue::AsyncWriter>(stdout, false);
    screen_buf = std::make_unique<cue::AsyncStreambuf>(*screen_writer);
    screen = std::make_unique<std::ostream>(screen_buf.get());
  }
  std::ostream& live = screen ? *screen : out;
  cue::TerminalView terminal(live, tty, tty);
  coach.add_output(&terminal);
  LogSink log;
  coach.add_output(&log);
  std::unique_ptr<cue::EventStream> events;
  if (!o.events.empty()) {
    events = std::make_unique<cue::EventStream>(o.events);
    events->session_start(o.athlete, o.stage, o.mode, o.tolerance_ms, device.summary(), o.detector);
    coach.add_output(events.get());
  }
  // The recording: everything the board sends and every event, in the data folder.
  std::optional<SessionFiles> files;
  std::unique_ptr<storage::SessionRecorder> recorder;
  std::unique_ptr<cue::RecordingAnnotations> annotations;
  nlohmann::json sidecar;
  if (o.record) {
    files = new_session(o.data_dir, o.athlete);
    storage::RecorderConfig rc;
    rc.path =
        (std::filesystem::path(files->dir) / ("recording" + storage::recording_extension(device)))
            .string();
    rc.patient = "X X X " + o.athlete;
    rc.recording_id = "X fpt_" FPT_VERSION " " + device.serial;
    recorder = std::make_unique<storage::SessionRecorder>(device, rc);
    annotations = std::make_unique<cue::RecordingAnnotations>(*recorder);
    coach.add_output(annotations.get());
    annotations->stage(0.0, o.stage, o.mode.c_str());
    sidecar = {{"format", "fpt-session"},
               {"version", 1},
               {"id", files->id},
               {"athlete", o.athlete},
               {"mode", o.mode},
               {"stage", o.stage},
               {"started_utc", utc_timestamp()},
               {"recording", std::filesystem::path(rc.path).filename().string()},
               {"settings",
                {{"tolerance_ms", o.tolerance_ms},
                 {"detector", o.detector},
                 {"mains_hz", o.mains_hz},
                 {"advance_after", o.advance_after},
                 {"sound", o.sound},
                 {"speech", o.speech}}},
               {"profile", profile ? nlohmann::json{{"athlete", profile->athlete},
                                                    {"created_utc", profile->created_utc},
                                                    {"board_serial", profile->board_serial}}
                                   : nlohmann::json(nullptr)},
               {"board", board_json(device)},
               // What the pipeline used from the profile, so a replay judges the same way.
               {"calibration", profile ? calibration_json(*profile) : nlohmann::json(nullptr)},
               {"fpt_version", FPT_VERSION},
               {"summary", nullptr}};
    write_sidecar(*files, sidecar);
  }
  SummaryCapture summary;
  coach.add_output(&summary);
  live << fmt::format("{}: {}\n{} session, stage {}, athlete {}{}: lie still for a few seconds\n",
                      o.port, device.summary(), o.mode, o.stage, o.athlete,
                      audio ? "; cues on the " + audio->describe() : "")
       << std::flush;
  spdlog::info("{} session for {} on {}, stage {}", o.mode, o.athlete, o.port, o.stage);

  if (o.realtime) {
    // Cues wait for this thread: ask the scheduler to put it first when data arrives.
    const std::string why = request_realtime(10);
    if (why.empty())
      spdlog::info("pipeline and I/O threads run with real-time priority");
    else
      spdlog::info(
          "pipeline thread stays at normal priority ({}): cue latency can grow on a "
          "busy machine",
          why);
  }
  const Clock::time_point t0 = Clock::now();
  Clock::time_point next_draw = t0;
  bool link_up = true;
  std::optional<std::uint64_t> first_emg;  // the recording's time 0 is this sample's second
  io::StreamItem item;
  const auto handle = [&](const io::StreamItem& it) {
    if (it.kind == io::ItemKind::kLinkDown || it.kind == io::ItemKind::kLinkUp)
      link_up = it.kind == io::ItemKind::kLinkUp;
    if (recorder) recorder->push(it);
    if (it.kind == io::ItemKind::kEmg && !first_emg) first_emg = it.index;
    pipeline.process(it, coach);
  };
  while (!stop_requested()) {
    bool any = false;
    while (link.ring().try_pop(item)) {
      handle(item);
      any = true;
    }
    const auto now = Clock::now();
    if (now >= next_draw) {
      terminal.refresh(live_state(pipeline, o, link_up));
      next_draw = now + std::chrono::milliseconds(100);
    }
    if (!any) link.wait_for_data(std::chrono::milliseconds(20));
    if (o.duration_s > 0 && now - t0 >= std::chrono::duration<double>(o.duration_s)) break;
  }
  link.stop();
  while (link.ring().try_pop(item)) handle(item);
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  if (audio) audio->finish(pipeline.now_s() + 1.0);
  const auto c = link.counters();
  coach.finish(elapsed, c.wire.frames_lost, c.emg_samples_lost);
  live << std::flush;
  if (screen_writer) {
    screen_writer->drain();  // the summary is on the screen before what follows
    if (screen_writer->dropped() > 0)
      spdlog::warn("{} screen updates dropped: the terminal did not keep up",
                   screen_writer->dropped());
  }
  if (events) events->finish();
  if (audio && audio->dropped() > 0)
    spdlog::warn("{} cue sounds dropped: the audio thread fell behind", audio->dropped());
  if (events && events->write_errors() > 0)
    spdlog::error("{} events could not be written to {}", events->write_errors(), o.events);
  if (recorder) {
    recorder->finish();
    const auto st = recorder->status();
    sidecar["ended_utc"] = utc_timestamp();
    if (summary.summary) sidecar["summary"] = summary_json(*summary.summary);
    sidecar["recording_status"] = recording_status_json(
        st, first_emg ? *first_emg / static_cast<std::uint64_t>(device.emg_rate_hz) : 0);
    try {
      write_sidecar(*files, sidecar);
    } catch (const Error& e) {
      out << "warning: " << e.what() << "\n";
    }
    if (st.failed)
      out << fmt::format("recording stopped early: {} ({} s not recorded; the session went on)\n",
                         st.error, st.lost_records);
    out << fmt::format("session {} recorded: {} ({} s)\n", files->id, recorder->path(), st.records);
    index_new_session(o.data_dir, files->dir, out);
    out << fmt::format(
        "review it: fpt report {0} -o report.html  |  fpt replay {0}  |  fpt sessions\n",
        files->id);
  }
  return 0;
}

}  // namespace fpt::app
