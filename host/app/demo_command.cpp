#include "demo_command.hpp"

#include <ostream>

#include <spdlog/spdlog.h>

namespace fpt::app {

void add_demo_options(CLI::App& cmd, DemoOptions& o) {
  // A realistic default: every order in turn, with mains hum and heartbeat in the signal.
  o.sim.script = "mixed";
  o.sim.artifacts = "mains,ecg";
  o.sim.scenario.loop = true;
  o.sim.board.serial = "DEMO-0001";
  cmd.add_option("--duration", o.duration_s, "stop after S seconds (0: until Ctrl-C)")
      ->check(CLI::Range(0.0, 1e7));
  sim::add_scenario_options(cmd, o.sim);
  cmd.add_option("--rate", o.sim.board.emg_rate_hz, "EMG sample rate of the virtual board")
      ->check(CLI::IsMember({500, 1000, 2000, 4000}))
      ->capture_default_str();
}

int run_demo(const DemoOptions& o, std::ostream& out) {
  auto sim = sim::make_board(o.sim);
  sim.board->start();
  out << "demo: virtual board on " << sim.board->port_path() << " playing script '" << o.sim.script
      << "'; Ctrl-C to stop\n";
  spdlog::info("demo board on {}", sim.board->port_path());
  MonitorOptions mon;
  mon.ports = {sim.board->port_path()};
  mon.duration_s = o.duration_s;
  const int rc = run_monitor(mon, out);
  sim.board->stop();
  return rc;
}

}  // namespace fpt::app
