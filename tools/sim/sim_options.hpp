// Command-line options of the virtual board, shared by fpt-sim and `fpt demo`.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "calibration_actor.hpp"
#include "virtual_board.hpp"

namespace fpt::sim {

struct SimOptions {
  BoardConfig board;
  SignalConfig signal;
  ScenarioConfig scenario;
  FaultConfig faults;
  std::string script = "mixed";
  int stage = 3;
  std::string artifacts = "none";
  std::string behaviour = "normal";
  std::string truth_path;    // ground truth, JSON Lines
  std::string loose;         // muscle whose electrode came off, or empty
  bool calibration = false;  // play fpt calibrate's timetable instead of the script
  ActorConfig actor;
  std::string weak_trial;         // "glute:2"
  std::vector<std::string> swap;  // two muscles
  std::vector<double> mount_deg;  // roll, pitch, yaw
};

/// Adds the signal and scenario options (what the athlete does).
void add_scenario_options(CLI::App& app, SimOptions& o);
/// Adds the board and fault options (how the board and its link behave).
void add_board_options(CLI::App& app, SimOptions& o);

/// A board plus the file its ground truth goes to; both live as long as this object.
struct SimBoard {
  std::unique_ptr<std::ofstream> truth;
  std::unique_ptr<VirtualBoard> board;
};

/// The options turned into the configurations the models take (artifacts parsed, muscles
/// named, the calibration athlete built). Throws InvalidArgument.
SimOptions resolve_options(const SimOptions& o);

/// Opens a file for writing, 0600. Throws IoError.
std::ofstream open_private(const std::string& path);

/// Validates the options, builds the board and opens the truth file (header line written).
/// Throws InvalidArgument or IoError with one line for the user.
SimBoard make_board(const SimOptions& o);

}  // namespace fpt::sim
