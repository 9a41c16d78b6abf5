// Every live session is recorded: EDF+ with the raw samples and the session's events as
// annotations, read back by MNE, a private session folder with a JSON sidecar; a session
// killed with -9 leaves a readable file that `fpt recover` completes.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace {

using fpt::test::kFpt;
using fpt::test::read_edf;
using fpt::test::read_lines;
using fpt::test::Result;
using json = nlohmann::json;
namespace fs = std::filesystem;

/// "session ID recorded: PATH (N s)" -> PATH
std::string recorded_path(const std::string& out) {
  const auto at = out.find(" recorded: ");
  if (at == std::string::npos) return {};
  const auto start = at + 11;
  return out.substr(start, out.find(" (", start) - start);
}

class Recording : public fpt::test::Cli {};

TEST_F(Recording, HoldsEverySampleAndEveryEvent_ReadBackByMne) {
  const fs::path tap = dir_ / "tap.csv";
  const std::string port = start_sim(
      "--script correct,hamstring_first,lumbar_first --rest-s 5 "
      "--artifacts mains,ecg --csv " +
      tap.string());
  const fs::path events = dir_ / "e.jsonl";
  const Result r = run(kFpt + " train --port " + port + " --athlete ana --duration 19 --sound off" +
                       " --events " + events.string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path edf = recorded_path(r.out);
  ASSERT_TRUE(fs::exists(edf)) << r.out;
  // Health data: the session folder 0700, its files 0600.
  const auto others = fs::perms::group_all | fs::perms::others_all;
  EXPECT_EQ(fs::status(edf.parent_path()).permissions() & others, fs::perms::none);
  EXPECT_EQ(fs::status(edf).permissions() & others, fs::perms::none);
  EXPECT_EQ(edf.parent_path().parent_path(), dir_ / "data" / "sessions");

  // The sidecar: who, what, which board, which settings, the summary.
  const auto sidecar = json::parse(fpt::test::slurp(edf.parent_path() / "session.json"));
  EXPECT_EQ(sidecar["athlete"], "ana");
  EXPECT_EQ(sidecar["id"], edf.parent_path().filename().string());
  EXPECT_EQ(sidecar["board"]["serial"], "SIM-0001");
  EXPECT_EQ(sidecar["settings"]["tolerance_ms"], 0.0);
  EXPECT_EQ(sidecar["summary"]["reps"], 3);
  EXPECT_EQ(sidecar["recording_status"]["failed"], false);
  EXPECT_EQ(fs::status(edf.parent_path() / "session.json").permissions() & others, fs::perms::none);

  // The samples: what the board sent (its CSV tap, in uV), sample for sample.
  const auto j = read_edf(edf, "'EMG glute' 'EMG hamstring' 'EMG lumbar'");
  EXPECT_EQ(j["sfreq"], 1000.0);
  std::ifstream csv(tap);
  std::string line;
  std::getline(csv, line);  // header
  std::size_t rows = 0;
  const std::size_t n = j["data"]["EMG glute"].size();
  for (; std::getline(csv, line) && rows < n; ++rows) {
    std::stringstream ss(line);
    std::string cell;
    std::getline(ss, cell, ',');  // time
    for (const char* m : {"EMG glute", "EMG hamstring", "EMG lumbar"}) {
      std::getline(ss, cell, ',');
      ASSERT_NEAR(j["data"][m][rows].get<double>(), std::stod(cell), 1e-6) << m << " " << rows;
    }
  }
  EXPECT_GT(rows, 15000u);

  // The events: every verdict with its reason, every cue, the refined onsets.
  std::vector<std::string> texts;
  for (const auto& a : j["annotations"]) texts.push_back(a["text"]);
  const auto has = [&](const std::string& t) {
    return std::find(texts.begin(), texts.end(), t) != texts.end();
  };
  for (const auto& v : read_lines(events, "verdict")) {
    const std::string want =
        "rep " + std::to_string(v["rep"].get<int>()) + " " +
        (v["verdict"] == "good" ? "good" : "restart: " + v["reason"].get<std::string>()) + " (" +
        v["order"].get<std::string>() + ")";
    EXPECT_TRUE(has(want)) << want;
  }
  int cues = 0;
  for (const auto& a : j["annotations"])
    cues += a["text"].get<std::string>().rfind("cue restart: ", 0) == 0;
  EXPECT_EQ(cues, static_cast<int>(read_lines(events, "cue").size()));
  int refined = 0;
  for (const auto& o : read_lines(events, "onset_refined")) {
    const std::string want = o["muscle"].get<std::string>() + " onset";
    for (const auto& a : j["annotations"])
      if (a["text"] == want && std::abs(a["onset"].get<double>() - o["t"].get<double>()) < 1e-6)
        ++refined;
  }
  EXPECT_EQ(refined, static_cast<int>(read_lines(events, "onset_refined").size()));
}

TEST_F(Recording, KilledSessionIsReadableAndRecoverCompletesIt) {
  const std::string port = start_sim("--script correct --loop --rest-s 3");
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string cmd = "FPT_DATA_DIR=" + (dir_ / "data").string() + " exec " + kFpt +
                            " train --port " + port + " --athlete kim --sound off >/dev/null 2>&1";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), nullptr);
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(8));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  fs::path edf;
  for (const auto& d : fs::directory_iterator(dir_ / "data" / "sessions"))
    edf = d.path() / "recording.edf";
  ASSERT_TRUE(fs::exists(edf));
  // Flushed every second: the header already counts what is on disk (at most a second lost).
  const auto before = read_edf(edf, "");
  EXPECT_GE(before["n_times"].get<int>(), 5000);
  const Result r = run(kFpt + " recover " + edf.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("complete records; header repaired"), std::string::npos) << r.out;
  const auto after = read_edf(edf, "");
  EXPECT_EQ(after["n_times"], before["n_times"]);
  const Result bad = run(kFpt + " recover " + (dir_ / "nothing.edf").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("cannot open"), std::string::npos) << bad.err;
}

TEST_F(Recording, SigtermFinalisesTheRecordingAndTheSessionIsListed) {
  const std::string port = start_sim("--script correct*3 --rest-s 3");
  // SIGTERM (as a service manager or `kill` sends it) after 10 s of an open-ended session.
  const Result r = run("timeout --preserve-status -s TERM 10 " + kFpt + " train --port " + port +
                       " --athlete dee --sound off");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path edf = recorded_path(r.out);
  ASSERT_TRUE(fs::exists(edf)) << r.out;
  // The header's record count is final (not -1, "unknown"), and matches the file.
  const std::string head = fpt::test::slurp(edf).substr(0, 256);
  const int records = std::stoi(head.substr(236, 8));
  EXPECT_GE(records, 9);
  const auto side = json::parse(fpt::test::slurp(edf.parent_path() / "session.json"));
  EXPECT_TRUE(side.contains("ended_utc"));
  EXPECT_EQ(side["recording_status"]["seconds"], records);
  EXPECT_EQ(side["recording_status"]["failed"], false);
  EXPECT_EQ(read_edf(edf, "")["n_times"].get<int>(), records * 1000);
  // Listed in the session store with its reps.
  const Result list = run(kFpt + " sessions --athlete dee");
  EXPECT_NE(list.out.find(edf.parent_path().filename().string()), std::string::npos) << list.out;
  EXPECT_NE(r.out.find("review it: fpt report " + edf.parent_path().filename().string()),
            std::string::npos)
      << r.out;
}

TEST_F(Recording, AFullDiskStopsTheRecordingNotTheSession) {
  const std::string port = start_sim("--script correct*2 --rest-s 3");
  const fs::path events = dir_ / "e.jsonl";
  // A file-size limit stands in for a full disk: the recording hits it after a few seconds.
  const Result r = run("bash -c 'ulimit -f 60; exec " + kFpt + " train --port " + port +
                       " --duration 12 --sound off --events " + events.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("recording stopped early: cannot write"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the session went on"), std::string::npos) << r.out;
  // The session itself was complete: both reps judged.
  EXPECT_EQ(read_lines(events, "verdict").size(), 2u);
}

/// The events that a replay must reproduce: everything but the run's own header, summary
/// (it holds host latencies) and the host-measured processing time.
std::vector<json> judged_events(const fs::path& p) {
  std::vector<json> out;
  std::ifstream f(p);
  for (std::string line; std::getline(f, line);) {
    auto j = json::parse(line);
    if (j["type"] == "session" || j["type"] == "summary") continue;
    j.erase("processing_ms");
    out.push_back(j);
  }
  return out;
}

TEST_F(Recording, ReplayReproducesTheLiveSessionExactly_AndAnswersWhatIf) {
  const std::string port = start_sim(
      "--script correct,hamstring_first,lumbar_before_hamstring,lumbar_first "
      "--rest-s 5 --artifacts mains,ecg,motion");
  const fs::path live = dir_ / "live.jsonl";
  const Result r = run(kFpt + " train --port " + port + " --athlete bo --duration 26 --sound off" +
                       " --events " + live.string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path edf = recorded_path(r.out);
  const std::string id = edf.parent_path().filename().string();

  const fs::path again = dir_ / "replay.jsonl";
  const Result rep = run(kFpt + " replay " + id + " --events " + again.string());
  ASSERT_EQ(rep.exit_code, 0) << rep.out << rep.err;
  const auto a = judged_events(live), b = judged_events(again);
  ASSERT_GT(a.size(), 30u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "event " << i;
  EXPECT_EQ(read_lines(again, "verdict").size(), 4u);

  // What if the physio allowed 150 ms: the hamstring-first rep (about 80 ms early) is good.
  const fs::path whatif = dir_ / "whatif.jsonl";
  const Result w = run(kFpt + " replay " + edf.parent_path().string() +
                       " --tolerance-ms 150 --events " + whatif.string());
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const auto live_v = read_lines(live, "verdict"), what_v = read_lines(whatif, "verdict");
  ASSERT_EQ(what_v.size(), live_v.size());
  EXPECT_EQ(live_v[1]["verdict"], "restart");
  EXPECT_EQ(what_v[1]["verdict"], "good") << what_v[1].dump();
  EXPECT_EQ(what_v[0]["verdict"], "good");
  // The same onsets: only the judgement changed.
  for (std::size_t i = 0; i < live_v.size(); ++i)
    EXPECT_EQ(what_v[i]["onsets"], live_v[i]["onsets"]);

  const Result missing = run(kFpt + " replay no-such-session");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no session 'no-such-session'"), std::string::npos) << missing.err;
}

}  // namespace
