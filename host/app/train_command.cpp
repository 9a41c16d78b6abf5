#include "train_command.hpp"

#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "board_link.hpp"
#include "event_stream.hpp"
#include "stop_signal.hpp"
#include "training_pipeline.hpp"

namespace fpt::app {
namespace {

using Clock = std::chrono::steady_clock;

/// What the athlete's helper sees: one line per onset, cue and verdict, coloured on a terminal.
class TerminalSink final : public session::SessionSink {
 public:
  TerminalSink(std::ostream& out, bool colour) : out_(out), colour_(colour) {}

  void on_ready(double t_s) override {
    out_ << fmt::format("[{:8.3f} s] rest learnt on every muscle: start the reps\n", t_s);
  }
  void on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) override {
    if (e.kind != dsp::OnsetEvent::Kind::kOnset) return;
    out_ << fmt::format("[{:8.3f} s]   {:>9} on  (onset {:.3f} s, {:.0f} uV)\n",
                        static_cast<double>(e.decision_index) / fs_hz, session::to_string(m),
                        static_cast<double>(e.index) / fs_hz, e.level_uv);
  }
  void on_rep_event(const session::RepEvent& e) override {
    switch (e.kind) {
      case session::RepEvent::Kind::kRepStart:
        out_ << fmt::format("rep {} ...\n", e.rep);
        break;
      case session::RepEvent::Kind::kRestartCue:
        out_ << paint(fmt::format("  >>> RESTART: {} before {}", session::to_string(e.offender),
                                  session::to_string(e.leader)),
                      "1;31")
             << '\n';
        break;
      case session::RepEvent::Kind::kRepEnd: {
        const std::string what = e.verdict.good
                                     ? fmt::format("rep {}: GOOD", e.rep)
                                     : fmt::format("rep {}: RESTART - {}", e.rep, e.verdict.reason);
        out_ << paint(what, e.verdict.good ? "1;32" : "1;31")
             << fmt::format("  (thigh {:.0f} deg{})\n", e.peak_pitch_deg,
                            e.verdict_changed ? "; verdict changed after the live cue" : "");
        ++reps_;
        if (e.verdict.good)
          ++good_;
        else
          ++reasons_[e.verdict.fault];
        break;
      }
    }
    out_ << std::flush;
  }

  int reps_ = 0;
  int good_ = 0;
  std::map<std::string, int> reasons_;

 private:
  std::string paint(const std::string& s, const char* code) const {
    return colour_ ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
  std::ostream& out_;
  bool colour_;
};

/// Sends every event to several sinks.
class FanOut final : public session::SessionSink {
 public:
  void add(session::SessionSink* s) { sinks_.push_back(s); }
  void on_ready(double t) override {
    for (auto* s : sinks_) s->on_ready(t);
  }
  void on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs) override {
    for (auto* s : sinks_) s->on_onset(m, e, fs);
  }
  void on_rep_event(const session::RepEvent& e) override {
    for (auto* s : sinks_) s->on_rep_event(e);
  }
  void on_gap(std::uint64_t i, std::uint32_t n, bool imu) override {
    for (auto* s : sinks_) s->on_gap(i, n, imu);
  }

 private:
  std::vector<session::SessionSink*> sinks_;
};

}  // namespace

void add_session_options(CLI::App& cmd, TrainOptions& o) {
  cmd.add_option("--stage", o.stage, "1 squeeze, 2 begin the lift, 3 full lift")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
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
  io::BoardLink link(lo);
  link.connect();
  const auto& device = link.device();
  session::PipelineConfig pc;
  pc.rep.stage = o.stage;
  pc.rep.tolerance_ms = o.tolerance_ms;
  pc.rep.cue_restarts = o.mode == "train";
  pc.detector = o.detector;
  pc.mains_hz = o.mains_hz;
  session::TrainingPipeline pipeline;
  pipeline.setup(device, pc);

  TerminalSink terminal(out, &out == &std::cout && ::isatty(STDOUT_FILENO) != 0);
  std::unique_ptr<cue::EventStream> events;
  FanOut sinks;
  sinks.add(&terminal);
  if (!o.events.empty()) {
    events = std::make_unique<cue::EventStream>(o.events);
    events->session_start(o.athlete, o.stage, o.mode, o.tolerance_ms, device.summary());
    sinks.add(events.get());
  }
  out << fmt::format("{}: {}\n{} session, stage {}, athlete {}: lie still for a few seconds\n",
                     o.port, device.summary(), o.mode, o.stage, o.athlete)
      << std::flush;
  spdlog::info("{} session for {} on {}, stage {}", o.mode, o.athlete, o.port, o.stage);

  const Clock::time_point t0 = Clock::now();
  io::StreamItem item;
  while (!stop_requested()) {
    bool any = false;
    while (link.ring().try_pop(item)) {
      pipeline.process(item, sinks);
      any = true;
    }
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (o.duration_s > 0 && Clock::now() - t0 >= std::chrono::duration<double>(o.duration_s)) break;
  }
  link.stop();
  while (link.ring().try_pop(item)) pipeline.process(item, sinks);
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto c = link.counters();
  std::string reasons;
  for (const auto& [why, n] : terminal.reasons_) reasons += fmt::format(", {} x {}", n, why);
  out << fmt::format(
      "summary: {} reps, {} good, {} restarts{} ({:.0f} s; frames lost {}, EMG samples lost {})\n",
      terminal.reps_, terminal.good_, terminal.reps_ - terminal.good_,
      reasons.empty() ? "" : ": " + reasons.substr(2), elapsed, c.wire.frames_lost,
      c.emg_samples_lost);
  if (events) {
    events->summary(terminal.reps_, terminal.good_, elapsed);
    if (events->write_errors() > 0)
      spdlog::error("{} events could not be written to {}", events->write_errors(), o.events);
  }
  return 0;
}

}  // namespace fpt::app
