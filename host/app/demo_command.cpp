#include "demo_command.hpp"

#include <ostream>

#include <spdlog/spdlog.h>

namespace fpt::app {

void add_demo_options(CLI::App& cmd, DemoOptions& o) {
  // A realistic default: good reps between every kind of fault a stage-3 athlete makes, with
  // mains hum and heartbeat in the signal.
  o.sim.script.clear();  // chosen for the stage in run_demo unless --script is given
  o.sim.artifacts = "mains,ecg";
  o.sim.scenario.loop = true;
  o.sim.board.serial = "DEMO-0001";
  o.train.athlete = "demo";
  o.train.wav_fallback = true;  // the demo is heard: into a WAV when there is no sound card
  add_session_options(cmd, o.train);
  sim::add_scenario_options(cmd, o.sim);
  cmd.add_option("--rate", o.sim.board.emg_rate_hz, "EMG sample rate of the virtual board")
      ->check(CLI::IsMember({500, 1000, 2000, 4000}))
      ->capture_default_str();
}

namespace {

/// Good reps between every fault an athlete at this stage makes.
std::string script_for_stage(int stage) {
  switch (stage) {
    case 1:
      return "squeeze*2,squeeze_hamstring,squeeze*2,lumbar_first@1";
    case 2:
      return "correct@2,hamstring_first@2,correct@2,lumbar_before_hamstring@2,correct@2,"
             "lumbar_first@2";
    default:
      return "correct,hamstring_first,correct,lumbar_first,correct,both_before_glute,correct,"
             "glute_silent,correct,lumbar_before_hamstring";
  }
}

}  // namespace

int run_demo(const DemoOptions& options, std::ostream& out) {
  DemoOptions o = options;
  if (o.sim.script.empty()) o.sim.script = script_for_stage(o.train.stage);
  o.sim.stage = o.train.stage;
  auto sim = sim::make_board(o.sim);
  sim.board->start();
  out << "demo: virtual board on " << sim.board->port_path() << " playing script '" << o.sim.script
      << "'; Ctrl-C to stop\n";
  spdlog::info("demo board on {}", sim.board->port_path());
  TrainOptions t = o.train;
  t.port = sim.board->port_path();
  const int rc = run_train(t, out);
  sim.board->stop();
  return rc;
}

}  // namespace fpt::app
