// Runs fpt and fpt-sim as a user does: a private temporary folder per test (also the data
// folder), a virtual board in the background, exit status and both output streams captured.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fpt::test {

namespace fs = std::filesystem;

inline const std::string kFpt = std::string(FPT_BINARY_DIR) + "/host/app/fpt";
inline const std::string kSim = std::string(FPT_BINARY_DIR) + "/tools/sim/fpt-sim";

/// Tests that do not test timing run the virtual board this many times faster than real time.
/// Every onset, verdict, cue and sound is timed on the board's sample clock, which is unchanged;
/// only `--duration` (fpt's wall clock) has to be scaled, by fast_duration().
inline constexpr double kBoardSpeed = 4.0;

/// fpt's `--duration` for S seconds of board time at kBoardSpeed, with 2.5 s for a slow start
/// on a loaded machine (after its script the virtual board streams rest, so more is harmless).
inline std::string fast_duration(double board_s) {
  return std::to_string(board_s / kBoardSpeed + 2.5);
}

struct Result {
  int exit_code = -1;
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

/// Standard output of a shell command.
inline std::string capture(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 65536> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

/// What MNE (an independent reader) finds in an EDF+/BDF+ file: tools/check/read_edf.py.
inline nlohmann::json read_edf(const fs::path& file, const std::string& channels) {
  return nlohmann::json::parse(capture("/usr/bin/python3 " + std::string(FPT_SOURCE_DIR) +
                                       "/tools/check/read_edf.py " + file.string() + " " +
                                       channels));
}

/// The events of a JSON Lines stream, all or of one type.
inline std::vector<nlohmann::json> read_lines(const fs::path& p, const std::string& type = "") {
  std::vector<nlohmann::json> out;
  std::ifstream f(p);
  for (std::string line; std::getline(f, line);) {
    auto j = nlohmann::json::parse(line);
    if (type.empty() || j["type"] == type) out.push_back(j);
  }
  return out;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fpt-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (sim_pid_ > 0) {
      ::kill(sim_pid_, SIGTERM);
      ::waitpid(sim_pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  Result run(const std::string& args) {
    const std::string cmd = "FPT_DATA_DIR=" + (dir_ / "data").string() + " " + args + " >" +
                            (dir_ / "out").string() + " 2>" + (dir_ / "err").string();
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "out");
    r.err = slurp(dir_ / "err");
    return r;
  }

  /// Starts fpt-sim in the background with a symlink in the test folder; returns that path.
  std::string start_sim(const std::string& extra) { return start_board(kSim, extra); }

  /// fpt-sim at kBoardSpeed: for tests of what is decided, not of when the wall clock sees it.
  std::string start_fast_sim(const std::string& extra) {
    return start_sim("--speed " + std::to_string(kBoardSpeed) + " " + extra);
  }

  /// Starts a board program (fpt-sim, fpt-fil) in the background, its output in the test
  /// folder's board.log, with a symlink in the test folder; returns that path.
  std::string start_board(const std::string& program, const std::string& extra) {
    const std::string link = (dir_ / "board").string();
    sim_pid_ = ::fork();
    if (sim_pid_ == 0) {
      const std::string cmd = program + " --link " + link + " " + extra + " >" +
                              (dir_ / "board.log").string() + " 2>&1";
      ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !fs::exists(link); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return link;
  }

  fs::path dir_;
  pid_t sim_pid_ = -1;
};

}  // namespace fpt::test
