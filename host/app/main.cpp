// fpt: the firing-pattern trainer. This file only parses arguments and wires parts together.
#include <iostream>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "analyze_command.hpp"
#include "calibrate_command.hpp"
#include "commands.hpp"
#include "data_dir.hpp"
#include "demo_command.hpp"
#include "edf_writer.hpp"
#include "error.hpp"
#include "logging.hpp"
#include "replay_command.hpp"
#include "review_commands.hpp"
#include "stop_signal.hpp"
#include "train_command.hpp"

#ifndef FPT_VERSION
#define FPT_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{
      "fpt: firing-pattern trainer for the prone glute raise (glute -> hamstring -> "
      "lower back)"};
  app.set_version_flag("--version", FPT_VERSION);
  app.require_subcommand(1);
  std::string log_level = "info";
  std::string data_dir_flag;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  app.add_option("--data-dir", data_dir_flag,
                 "data folder (default $FPT_DATA_DIR, else $XDG_DATA_HOME/fpt)");

  auto* ports = app.add_subcommand("ports", "list serial ports and their USB identity");

  fpt::app::MonitorOptions mon;
  auto* monitor = app.add_subcommand("monitor", "show device info and live stream statistics");
  monitor->add_option("--port,-p", mon.ports, "serial port of a board (repeat for several)")
      ->required();
  monitor->add_option("--baud", mon.baud, "serial speed (500000 or 1000000 on Linux)")
      ->capture_default_str();
  monitor->add_option("--duration", mon.duration_s, "stop after S seconds (0: until Ctrl-C)")
      ->check(CLI::Range(0.0, 1e7));
  monitor
      ->add_option("--handshake-timeout-ms", mon.handshake_timeout_ms,
                   "how long to wait for the board's HELLO")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  monitor->add_option("--rate", mon.rate_hz, "ask the board for this EMG rate")
      ->check(CLI::IsMember({500, 1000, 2000, 4000}));
  monitor->add_flag("!--no-reconnect", mon.reconnect, "exit instead of waiting for a lost board");
  monitor->add_option("--detector", mon.detector, "onset detector: cusum, hodges, bonato, tkeo")
      ->check(CLI::IsMember({"cusum", "hodges", "bonato", "tkeo"}))
      ->capture_default_str();
  monitor->add_option("--mains", mon.mains_hz, "mains to notch: 50, 60, 0 (off) or -1 (detect)")
      ->check(CLI::IsMember({-1.0, 0.0, 50.0, 60.0}))
      ->capture_default_str();

  fpt::app::TrainOptions train;
  auto* train_cmd =
      app.add_subcommand("train", "a live glute-raise session: onsets, cues, verdicts");
  fpt::app::add_train_options(*train_cmd, train);

  fpt::app::DemoOptions demo;
  auto* demo_cmd = app.add_subcommand(
      "demo", "a training session against the built-in virtual board on a pseudo-terminal");
  fpt::app::add_demo_options(*demo_cmd, demo);

  fpt::app::AnalyzeOptions analyze;
  auto* analyze_cmd = app.add_subcommand(
      "analyze", "run a recording (CSV) through the same pipeline; write onsets, reps, events");
  fpt::app::add_analyze_options(*analyze_cmd, analyze);

  fpt::app::CalibrateOptions calibrate;
  auto* calibrate_cmd = app.add_subcommand(
      "calibrate",
      "guided calibration: sensor check, rest baseline, MVC, thigh sensor; writes the profile");
  fpt::app::add_calibrate_options(*calibrate_cmd, calibrate);

  fpt::app::ReplayOptions replay;
  auto* replay_cmd = app.add_subcommand(
      "replay", "a recorded session through the same pipeline (what if: --tolerance-ms, --stage)");
  fpt::app::add_replay_options(*replay_cmd, replay);

  fpt::app::SessionsOptions sessions;
  auto* sessions_cmd =
      app.add_subcommand("sessions", "list recorded sessions (the session store; --rebuild)");
  fpt::app::add_sessions_options(*sessions_cmd, sessions);

  fpt::app::ReportOptions report;
  auto* report_cmd = app.add_subcommand(
      "report", "the physio's review: one HTML file (timeline, every rep, trends) and --csv");
  fpt::app::add_report_options(*report_cmd, report);

  fpt::app::AnnotateOptions annotate;
  auto* annotate_cmd = app.add_subcommand(
      "annotate", "correct a detected onset; kept beside the original, both in the report");
  fpt::app::add_annotate_options(*annotate_cmd, annotate);

  std::vector<std::string> recover_files;
  auto* recover_cmd = app.add_subcommand(
      "recover", "repair the header of a recording that was not closed (killed, power lost)");
  recover_cmd->add_option("FILE", recover_files, "EDF+/BDF+ recordings")->required();

  CLI11_PARSE(app, argc, argv);

  try {
    const auto data_dir = fpt::app::resolve_data_dir(data_dir_flag);
    fpt::app::ensure_private_dir(data_dir);
    fpt::app::setup_logging(log_level, data_dir);
    fpt::app::install_stop_handlers();
    train.data_dir = data_dir.string();
    demo.train.data_dir = data_dir.string();
    calibrate.data_dir = data_dir.string();
    if (ports->parsed()) return fpt::app::run_ports(std::cout);
    if (monitor->parsed()) return fpt::app::run_monitor(mon, std::cout);
    if (train_cmd->parsed()) return fpt::app::run_train(train, std::cout);
    if (demo_cmd->parsed()) return fpt::app::run_demo(demo, std::cout);
    if (analyze_cmd->parsed()) return fpt::app::run_analyze(analyze, std::cout);
    if (calibrate_cmd->parsed()) return fpt::app::run_calibrate(calibrate, std::cout);
    replay.data_dir = data_dir.string();
    if (replay_cmd->parsed()) return fpt::app::run_replay(replay, std::cout);
    sessions.data_dir = report.data_dir = annotate.data_dir = data_dir.string();
    if (sessions_cmd->parsed()) return fpt::app::run_sessions(sessions, std::cout);
    if (report_cmd->parsed()) return fpt::app::run_report(report, std::cout);
    if (annotate_cmd->parsed()) return fpt::app::run_annotate(annotate, std::cout);
    if (recover_cmd->parsed()) {
      for (const auto& f : recover_files) {
        const auto records = fpt::storage::recover_edf(f);
        std::cout << f << ": " << records << " complete records; header repaired\n";
      }
      return 0;
    }
  } catch (const fpt::Error& e) {
    std::cerr << "fpt: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "fpt: unexpected error: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
