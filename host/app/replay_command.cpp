#include "replay_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "event_stream.hpp"
#include "recorded_session.hpp"
#include "session_coach.hpp"
#include "stop_signal.hpp"
#include "terminal_view.hpp"
#include "training_pipeline.hpp"

namespace fpt::app {

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
  auto rec = review::load_session(review::find_session(o.session, o.data_dir));
  // What-if overrides re-judge the same samples.
  if (o.mode) rec.mode = *o.mode;
  if (o.stage) rec.pipeline.rep.stage = rec.coach.stage = *o.stage;
  if (o.tolerance_ms) rec.pipeline.rep.tolerance_ms = *o.tolerance_ms;
  rec.pipeline.rep.cue_restarts = rec.mode == "train";
  const auto& pc = rec.pipeline;

  session::TrainingPipeline pipeline;
  pipeline.setup(rec.device, pc);
  session::SessionCoach coach(rec.coach);
  cue::TerminalView terminal(out, false, false);
  coach.add_output(&terminal);
  std::unique_ptr<cue::EventStream> events;
  if (!o.events.empty()) {
    events = std::make_unique<cue::EventStream>(o.events);
    events->session_start(rec.athlete, pc.rep.stage, rec.mode, pc.rep.tolerance_ms,
                          rec.device.summary(), pc.detector);
    coach.add_output(events.get());
  }
  out << fmt::format("replay of {} ({}), stage {}, {}, tolerance {} ms\n",
                     rec.dir.filename().string(), rec.athlete, pc.rep.stage, rec.mode,
                     pc.rep.tolerance_ms)
      << std::flush;

  review::FeedOptions feed;
  feed.realtime = o.realtime;
  feed.stop = [] { return stop_requested(); };
  const bool progress = !o.realtime && ::isatty(STDERR_FILENO) != 0;
  int shown = -1;
  if (progress)
    feed.progress = [&shown](double f) {
      const int pct = static_cast<int>(f * 100.0);
      if (pct == shown) return;
      shown = pct;
      std::fprintf(stderr, "\rreplay %3d %%", pct);
    };
  const double seconds = review::feed_recording(rec, pipeline, coach, feed);
  if (progress) std::fprintf(stderr, "\r              \r");
  coach.finish(seconds, 0, 0);
  return 0;
}

}  // namespace fpt::app
