// fpt-sim: the virtual sensor board on a pseudo-terminal.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "error.hpp"
#include "sim_options.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int /*sig*/) {
  g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fpt-sim: a virtual fpt sensor board (3 EMG + thigh accelerometer) that speaks "
      "wire protocol v1 on a pseudo-terminal"};
  fpt::sim::SimOptions o;
  std::string link;
  double duration_s = 0.0;
  app.add_option("--link", link, "also make this symlink to the port (stable across replugs)");
  app.add_option("--duration", duration_s, "exit after this many seconds (0: until Ctrl-C)")
      ->check(CLI::Range(0.0, 1e7));
  fpt::sim::add_scenario_options(app, o);
  fpt::sim::add_board_options(app, o);
  CLI11_PARSE(app, argc, argv);
  o.board.link_path = link;

  try {
    auto sim = fpt::sim::make_board(o);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    sim.board->start();
    std::cout << "fpt-sim: virtual board " << o.board.serial << " on " << sim.board->port_path()
              << std::endl;
    const auto t0 = std::chrono::steady_clock::now();
    while (g_stop == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (duration_s > 0 &&
          std::chrono::steady_clock::now() - t0 > std::chrono::duration<double>(duration_s))
        break;
    }
    sim.board->stop();
    const auto c = sim.board->counters();
    std::cout << "fpt-sim: sent " << c.frames_sent << " frames (" << c.emg_sets << " EMG sets, "
              << c.imu_sets << " IMU sets); dropped " << c.frames_dropped << ", corrupted "
              << c.frames_corrupted << ", overrun " << c.frames_overrun << ", while unplugged "
              << c.frames_unplugged << std::endl;
  } catch (const fpt::Error& e) {
    std::cerr << "fpt-sim: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
