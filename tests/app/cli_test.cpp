// The fpt and fpt-sim programs as a user runs them: exit codes and one-line errors.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

namespace {

using fpt::test::Cli;
using fpt::test::kFpt;
using fpt::test::kSim;
using fpt::test::Result;
namespace fs = std::filesystem;

TEST_F(Cli, Ports_Lists) {
  const Result r = run(kFpt + " ports");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
}

TEST_F(Cli, MonitorNonexistentPort_OneLineErrorNonZeroExit) {
  const Result r = run(kFpt + " monitor --port /dev/fpt-missing");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "fpt: cannot open /dev/fpt-missing: No such file or directory\n");
}

TEST_F(Cli, MonitorSilentBoard_TimeoutError) {
  const std::string port = start_sim("--behaviour silent");
  const Result r = run(kFpt + " monitor --port " + port + " --handshake-timeout-ms 500");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no fpt board answered on " + port + " within 500 ms"), std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST_F(Cli, MonitorStreams_ThenSummaryWithZeroLoss) {
  const std::string port = start_sim("--rate 2000 --artifacts all");
  const Result r = run(kFpt + " monitor --port " + port + " --duration 2.5");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("serial SIM-0001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 EMG @ 2000 Hz"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("frames lost 0, EMG samples lost 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CRC errors 0"), std::string::npos) << r.out;
}

TEST_F(Cli, MonitorLiveOnsets_MatchTheBoardsGroundTruth) {
  // End to end over a pseudo-terminal: the virtual board plays two reps; fpt's refined onsets
  // must land within 15 ms of the true onsets it wrote (20 dB, step onsets).
  const std::string truth = (dir_ / "truth.jsonl").string();
  const std::string port =
      start_sim("--script correct,hamstring_first --rest-s 3 --snr-db 20 --truth " + truth);
  const Result r = run(kFpt + " monitor --port " + port + " --duration 9");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<double>> found;
  // Lines read "<muscle> onset refined to <t> s" (std::regex trips a GCC 12 warning here).
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);) {
    const auto at = l.find(" onset refined to ");
    if (at == std::string::npos) continue;
    std::istringstream words(l.substr(0, at));
    std::string muscle;
    words >> muscle;
    found[muscle].push_back(std::stod(l.substr(at + 18)));
  }
  std::ifstream f(truth);
  std::string line;
  int checked = 0;
  while (std::getline(f, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] != "rep") continue;
    for (const auto& [muscle, onset] : j["onsets"].items()) {
      if (onset.is_null()) continue;
      const double t = onset.get<double>();
      bool hit = false;
      for (double x : found[muscle]) hit = hit || std::abs(x - t) <= 0.015;
      EXPECT_TRUE(hit) << muscle << " true onset " << t << "\n" << r.out;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6);
}

TEST_F(Cli, TrainOverPty_VerdictsCuesAndEventStreamMatchTruth) {
  // End to end: virtual board on a pseudo-terminal -> fpt train -> JSON Lines events, compared
  // with the board's ground truth: every rep's verdict, and each restart cue within 60 ms of
  // the offending muscle's true onset.
  const std::string truth = (dir_ / "truth.jsonl").string();
  const std::string events = (dir_ / "events.jsonl").string();
  const std::string port = start_sim(
      "--script correct,hamstring_first,lumbar_first --rest-s 3 --snr-db 20 --artifacts ecg "
      "--truth " +
      truth);
  const Result r =
      run(kFpt + " train --port " + port + " --stage 3 --duration 19 --events " + events);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("summary: 3 reps, 1 good, 2 restarts"), std::string::npos) << r.out;

  std::vector<nlohmann::json> verdicts, cues;
  std::ifstream ev(events);
  std::string line;
  const std::set<std::string> known{
      "session", "baseline", "onset",        "onset_refined", "offset", "rep_start", "cue",
      "rep_end", "verdict",  "stage_advice", "gap",           "link",   "summary"};
  int lines = 0;
  while (std::getline(ev, line)) {
    const auto j = nlohmann::json::parse(line);  // throws on a malformed line
    ASSERT_TRUE(j.contains("type"));
    EXPECT_TRUE(known.count(j["type"].get<std::string>())) << line;
    if (j["type"] == "verdict") verdicts.push_back(j);
    if (j["type"] == "cue") cues.push_back(j);
    ++lines;
  }
  EXPECT_GT(lines, 20);
  std::vector<nlohmann::json> reps;
  std::ifstream tf(truth);
  while (std::getline(tf, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["type"] == "rep") reps.push_back(j);
  }
  ASSERT_EQ(reps.size(), 3u);
  ASSERT_EQ(verdicts.size(), 3u) << r.out;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(verdicts[i]["verdict"], reps[i]["expected"]) << verdicts[i].dump();
    for (const auto& [muscle, t] : reps[i]["onsets"].items()) {
      if (t.is_null()) continue;
      EXPECT_NEAR(verdicts[i]["onsets"][muscle].get<double>(), t.get<double>(), 0.015) << muscle;
    }
  }
  ASSERT_EQ(cues.size(), 2u);
  for (const auto& cue : cues) {
    const int rep = cue["rep"];
    const std::string offender = cue["offender"];
    const double true_onset = reps[rep - 1]["onsets"][offender];
    const double cue_t = cue["decision_t"].get<double>();
    EXPECT_GT(cue_t, true_onset);
    EXPECT_LT(cue_t, true_onset + 0.060) << cue.dump();
  }
}

TEST_F(Cli, Demo_CtrlC_EndsCleanlyWithSummary) {
  // SIGINT after 2 s, as a user pressing Ctrl-C; the exit status must still be success.
  const Result r = run("timeout --preserve-status -s INT 2 " + kFpt + " demo");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("demo: virtual board on"), std::string::npos);
  EXPECT_NE(r.out.find("summary: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("frames lost 0"), std::string::npos) << r.out;
}

TEST_F(Cli, DataFolder_IsPrivate) {
  const Result r = run(kFpt + " ports");
  ASSERT_EQ(r.exit_code, 0);
  const auto perms = fs::status(dir_ / "data").permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  EXPECT_TRUE(fs::exists(dir_ / "data" / "fpt.log"));
  const auto log_perms = fs::status(dir_ / "data" / "fpt.log").permissions();
  EXPECT_EQ(log_perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST_F(Cli, BadOptions_Refused) {
  EXPECT_NE(run(kFpt + " monitor").exit_code, 0);  // --port is required
  EXPECT_NE(run(kFpt + " monitor --port x --rate 3000").exit_code, 0);
  EXPECT_EQ(run(kFpt + " --log-level loud ports").exit_code, 1);
  EXPECT_NE(run(kSim + " --script correkt --duration 0.1").exit_code, 0);
}

}  // namespace
