// Training sessions end to end, as an athlete and a physio use them: the virtual board on a
// pseudo-terminal, `fpt train` against it, and `fpt analyze` on the same samples. Verdicts are
// compared with the board's ground truth; the cue sounds with the cue events; the event
// stream with its JSON Schema (docs/events.schema.json).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/wav_probe.hpp"
#include "cli_fixture.hpp"

namespace {

using fpt::test::fast_duration;
using fpt::test::kFpt;
using fpt::test::read_lines;
using fpt::test::Result;
using nlohmann::json;
namespace fs = std::filesystem;

class Session : public fpt::test::Cli {
 protected:
  struct Played {
    Result result;
    std::vector<json> truth;  // "rep" lines
    fs::path events, wav, csv;
  };

  /// Plays a script on the virtual board (its samples also to CSV) and trains against it.
  Played play(const std::string& script, int stage, int reps, const std::string& fpt_args,
              const std::string& sim_args = "--snr-db 20 --artifacts mains,ecg") {
    Played p;
    p.events = dir_ / "events.jsonl";
    p.wav = dir_ / "cues.wav";
    p.csv = dir_ / "board.csv";
    const fs::path truth = dir_ / "truth.jsonl";
    const std::string port = start_fast_sim(
        "--script " + script + " --sim-stage " + std::to_string(stage) + " --rest-s 5 " + sim_args +
        " --truth " + truth.string() + " --csv " + p.csv.string());
    const double duration = 5.0 + 5.5 * reps + 1.5;  // mains detection needs 4.5 s of rest
    p.result = run(kFpt + " train --port " + port + " --stage " + std::to_string(stage) +
                   " --duration " + fast_duration(duration) + " --events " + p.events.string() +
                   " --audio-out " + p.wav.string() + " " + fpt_args);
    p.truth = read_lines(truth, "rep");
    return p;
  }

  void expect_valid_events(const fs::path& events) {
    const Result v =
        run("/usr/bin/python3 " + std::string(FPT_SOURCE_DIR) + "/tools/check/validate_events.py " +
            std::string(FPT_SOURCE_DIR) + "/docs/events.schema.json " + events.string());
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }

  /// Every verdict equals the truth's expected verdict, onsets within 15 ms.
  void expect_truths_verdicts(const Played& p, int reps) {
    ASSERT_EQ(p.result.exit_code, 0) << p.result.err;
    const auto verdicts = read_lines(p.events, "verdict");
    ASSERT_EQ(p.truth.size(), static_cast<std::size_t>(reps));
    ASSERT_EQ(verdicts.size(), static_cast<std::size_t>(reps)) << p.result.out;
    for (int i = 0; i < reps; ++i) {
      EXPECT_EQ(verdicts[i]["verdict"], p.truth[i]["expected"])
          << "rep " << i + 1 << ": " << verdicts[i].dump() << "\ntruth " << p.truth[i].dump();
      for (const auto& [muscle, t] : p.truth[i]["onsets"].items()) {
        if (t.is_null()) {
          EXPECT_TRUE(verdicts[i]["onsets"][muscle].is_null()) << muscle;
        } else {
          EXPECT_NEAR(verdicts[i]["onsets"][muscle].get<double>(), t.get<double>(), 0.015)
              << "rep " << i + 1 << " " << muscle;
        }
      }
    }
  }
};

TEST_F(Session, Stage3_EveryFaultOverAPty_TruthsVerdictsCuesSoundsAndSchema) {
  const int reps = 6;
  const Played p = play(
      "correct,hamstring_first,lumbar_first,both_before_glute,glute_silent,"
      "lumbar_before_hamstring",
      3, reps, "--no-speech");
  expect_truths_verdicts(p, reps);
  expect_valid_events(p.events);

  // Each restart cue within 60 ms of the offender's true onset, and never before it.
  const auto cues = read_lines(p.events, "cue");
  EXPECT_EQ(cues.size(), 5u);
  for (const auto& cue : cues) {
    const int rep = cue["rep"];
    const double true_onset = p.truth[rep - 1]["onsets"][cue["offender"].get<std::string>()];
    EXPECT_GT(cue["decision_t"].get<double>(), true_onset) << cue.dump();
    EXPECT_LT(cue["decision_t"].get<double>(), true_onset + 0.060) << cue.dump();
    EXPECT_GE(cue["processing_ms"].get<double>(), 0.0);
  }

  // The WAV: a restart buzz at each cue's decision time, a good chime at each good rep's end.
  const auto wav = fpt::test::read_wav(p.wav.string());
  ASSERT_EQ(wav.rate, 22050);
  const auto sounds = fpt::test::find_sounds(wav);
  std::vector<std::pair<double, bool>> expected;  // time, restart
  for (const auto& cue : cues) expected.emplace_back(cue["decision_t"].get<double>(), true);
  const auto ends = read_lines(p.events, "rep_end");
  const auto verdicts = read_lines(p.events, "verdict");
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (verdicts[i]["verdict"] == "good") expected.emplace_back(ends[i]["end_t"], false);
    if (verdicts[i]["verdict"] == "restart" && !verdicts[i]["cued_restart"].get<bool>())
      expected.emplace_back(ends[i]["end_t"], true);
  }
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(sounds.size(), expected.size());
  for (std::size_t i = 0; i < sounds.size(); ++i) {
    // Sample-exact placement; the first audible sample follows within the tones' 5 ms fade-in.
    EXPECT_NEAR(sounds[i].start_s, expected[i].first + 0.00025, 0.00025) << "sound " << i;
    EXPECT_EQ(sounds[i].restart, expected[i].second) << "sound " << i;
  }

  // The summary reports latency percentiles and the natural orders.
  EXPECT_NE(p.result.out.find("latency: processing p50"), std::string::npos) << p.result.out;
  EXPECT_NE(p.result.out.find("firing orders:"), std::string::npos);
  const auto summary = read_lines(p.events, "summary");
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0]["decision_delay_ms"]["n"], 5);
  EXPECT_EQ(summary[0]["processing_ms"]["n"], 5 + reps);

  // The same samples through `fpt analyze`: identical onsets, cues and verdicts.
  const fs::path out = dir_ / "analysis";
  const Result a = run(kFpt + " analyze " + p.csv.string() + " --out " + out.string());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  expect_valid_events(out / "events.jsonl");
  const auto offline = read_lines(out / "events.jsonl", "verdict");
  ASSERT_GE(offline.size(), verdicts.size());
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_EQ(offline[i]["verdict"], verdicts[i]["verdict"]) << i;
    EXPECT_EQ(offline[i]["reason"], verdicts[i]["reason"]) << i;
    EXPECT_EQ(offline[i]["onsets"], verdicts[i]["onsets"]) << i;
    EXPECT_EQ(offline[i]["decisions"], verdicts[i]["decisions"]) << i;
    EXPECT_EQ(offline[i]["cue_t"], verdicts[i]["cue_t"]) << i;
  }
  // reps.csv and onsets.csv say the same.
  std::ifstream reps_csv(out / "reps.csv");
  std::string line;
  std::getline(reps_csv, line);
  EXPECT_EQ(line.rfind("rep,start_s,end_s,verdict,reason", 0), 0u) << line;
  std::size_t n = 0;
  while (std::getline(reps_csv, line) && n < verdicts.size()) {
    EXPECT_NE(line.find(verdicts[n]["verdict"].get<std::string>()), std::string::npos) << line;
    ++n;
  }
  EXPECT_EQ(n, verdicts.size());
  const std::string onsets = fpt::test::slurp(out / "onsets.csv");
  EXPECT_EQ(onsets.rfind("rep,muscle,onset_s,decision_s\n", 0), 0u);
  EXPECT_NE(onsets.find("\n5,lumbar,"), std::string::npos) << onsets;  // glute-silent rep
}

TEST_F(Session, Stage1_AnyOtherMuscleInTheSqueezeRestarts) {
  const Played p = play("squeeze,squeeze_hamstring,squeeze,lumbar_first@1", 1, 4, "");
  expect_truths_verdicts(p, 4);
  const auto verdicts = read_lines(p.events, "verdict");
  ASSERT_EQ(verdicts.size(), 4u);
  EXPECT_EQ(verdicts[1]["fault"], "hamstring in the squeeze");
  EXPECT_EQ(read_lines(p.events, "cue").size(), 2u);
}

TEST_F(Session, Stage2_LumbarBeforeHamstringRestarts) {
  const Played p =
      play("correct@2,lumbar_before_hamstring@2,hamstring_first@2", 2, 3, "--no-speech");
  expect_truths_verdicts(p, 3);
  const auto cues = read_lines(p.events, "cue");
  ASSERT_GE(cues.size(), 1u);
  EXPECT_EQ(cues[0]["offender"], "lumbar");
  EXPECT_EQ(cues[0]["leader"], "hamstring");
}

TEST_F(Session, ToleranceBoundary_LiveWithinToleranceIsGood_WhatIfWithoutIsRestart) {
  // Hamstring 60-100 ms before the glute: within a 150 ms tolerance every rep is good and no
  // restart is cued; the same samples judged with no tolerance restart every rep.
  const Played p = play("hamstring_first*2", 3, 2, "--tolerance-ms 150 --no-speech");
  ASSERT_EQ(p.result.exit_code, 0) << p.result.err;
  const auto verdicts = read_lines(p.events, "verdict");
  ASSERT_EQ(verdicts.size(), 2u) << p.result.out;
  for (const auto& v : verdicts) EXPECT_EQ(v["verdict"], "good") << v.dump();
  EXPECT_TRUE(read_lines(p.events, "cue").empty());

  const Result strict = run(kFpt + " analyze " + p.csv.string() + " --out " +
                            (dir_ / "strict").string() + " --tolerance-ms 0");
  ASSERT_EQ(strict.exit_code, 0) << strict.err;
  const auto what_if = read_lines(dir_ / "strict" / "events.jsonl", "verdict");
  ASSERT_GE(what_if.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(what_if[i]["fault"], "hamstring before glute");
}

TEST_F(Session, Analyze_MalformedFile_OneLineNamingLineAndColumn) {
  const fs::path csv = dir_ / "bad.csv";
  std::ofstream(csv) << "time_s,glute,hamstring,lumbar\n0,1,2,3\n0.001,1,x,3\n";
  const Result r = run(kFpt + " analyze " + csv.string() + " --out " + (dir_ / "o").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 3, column 3 (hamstring): 'x' is not a number"), std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  const Result missing = run(kFpt + " analyze " + (dir_ / "nope.csv").string() + " --out x");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
}

TEST_F(Session, Demo_WithoutASoundCard_WritesTheCuesToAPrivateWav) {
  const Result r = run(kFpt + " demo --duration 12");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string marker = "cue sounds go to ";
  const auto at = r.out.find(marker);
  if (at == std::string::npos) GTEST_SKIP() << "this machine has a sound card: " << r.out;
  const std::string path =
      r.out.substr(at + marker.size(), r.out.find('\n', at) - at - marker.size());
  ASSERT_TRUE(fs::exists(path)) << path;
  const auto perms = fs::status(path).permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  const auto wav = fpt::test::read_wav(path);
  EXPECT_GT(wav.x.size(), 10u * 22050);
  EXPECT_GE(fpt::test::find_sounds(wav).size(), 1u) << r.out;  // at least the first rep's cue
}

}  // namespace

namespace {

const char* kProfile = R"({"format": "fpt-profile", "version": 1, "athlete": "ana",
 "created_utc": "2026-11-20T09:30:00Z",
 "board": {"serial": "SIM-0001", "model": 20737, "firmware": "1.0.0", "emg_rate_hz": 1000},
 "muscles": {"glute": {"rest_sd_uv": 3, "mvc_uv": 400}, "hamstring": {"rest_sd_uv": 3, "mvc_uv": 300},
             "lumbar": {"rest_sd_uv": 3, "mvc_uv": 250}},
 "imu": null})";

TEST_F(Session, Profile_GivesPercentMvcAndABadOneStopsWithTheField) {
  fs::create_directories(dir_ / "data" / "profiles");
  std::ofstream(dir_ / "data" / "profiles" / "ana.json") << kProfile;
  const std::string port = start_fast_sim("--script correct --rest-s 3 --snr-db 20");
  const fs::path events = dir_ / "e.jsonl";
  const Result r = run(kFpt + " train --port " + port + " --athlete ana --duration " +
                       fast_duration(9) + " --sound off --events " + events.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("calibration: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("%MVC"), std::string::npos) << r.out;
  // The sim's rest noise (about 12, 12 and 8 uV) is far above this profile's 3 uV: every
  // electrode is reported as worse than at calibration, on screen and in the stream.
  const auto baseline = read_lines(events, "baseline");
  ASSERT_EQ(baseline.size(), 1u);
  EXPECT_EQ(baseline[0]["contact_worse"], nlohmann::json({"glute", "hamstring", "lumbar"}))
      << baseline[0].dump();
  EXPECT_EQ(baseline[0]["profile_rest_sd_uv"]["lumbar"], 3.0);
  EXPECT_NE(r.out.find("check the glute electrode: rest noise"), std::string::npos) << r.out;
  const auto verdicts = read_lines(events, "verdict");
  ASSERT_EQ(verdicts.size(), 1u) << r.out;
  const auto& lumbar = verdicts[0]["lumbar"];
  ASSERT_TRUE(lumbar["pct_mvc"].is_number()) << lumbar.dump();
  EXPECT_NEAR(lumbar["pct_mvc"].get<double>(), lumbar["mean_rms_uv"].get<double>() / 250.0 * 100,
              1e-6);

  // A profile with a bad field: one line naming it, and no session.
  std::ofstream(dir_ / "bad.json") << std::string(kProfile).replace(
      std::string(kProfile).find("\"mvc_uv\": 400"), 13, "\"mvc_uv\": -4");
  const Result bad = run(kFpt + " train --port " + port + " --profile " +
                         (dir_ / "bad.json").string() + " --duration 2 --sound off");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("muscles.glute.mvc_uv: must be > 0"), std::string::npos) << bad.err;
}

}  // namespace

namespace {

TEST_F(Session, Calibrate_SensorCheckFindsTheLooseElectrodeAndTheHum) {
  struct Case {
    std::string sim_args;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"", 0, "All electrodes usable"},
      {"--loose hamstring", 3, "hamstring fail  noise   0.0 uV RMS"},
      {"--artifacts mains --mains-uv 2000", 3, "fail: strong 50 Hz mains hum"},
      {"--snr-db 6", 3, "fail: noise"},
  };
  for (const auto& c : cases) {
    if (sim_pid_ > 0) {
      ::kill(sim_pid_, SIGTERM);
      ::waitpid(sim_pid_, nullptr, 0);
      fs::remove(dir_ / "board");
    }
    const std::string port = start_sim("--script squeeze --rest-s 30 " + c.sim_args);
    const Result r = run(kFpt + " calibrate --sensor-check-only --port " + port + " --rest-s 3");
    EXPECT_EQ(r.exit_code, c.exit_code) << c.sim_args << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.sim_args << "\n" << r.out;
    if (c.exit_code == 0) {
      int passes = 0;
      for (std::size_t p = r.out.find(" pass "); p != std::string::npos;
           p = r.out.find(" pass ", p + 1))
        ++passes;
      EXPECT_EQ(passes, 3) << r.out;
    }
  }
}

}  // namespace

namespace {

const std::string kCalTiming = " --countdown-s 2 --contract-s 3 --recover-s 2 --pose-s 3";

/// The prompt times printed by fpt calibrate ("[  12.0 s] text") whose text starts so.
std::vector<double> prompt_times(const std::string& out, const std::string& starts) {
  std::vector<double> t;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const auto close = line.find(" s] ");
    if (line.rfind("[", 0) != 0 || close == std::string::npos) continue;
    if (line.compare(close + 4, starts.size(), starts) == 0)
      t.push_back(std::stod(line.substr(1, close - 1)));
  }
  return t;
}

TEST_F(Session, Calibrate_GuidedFlowWritesTheProfileThatTrainUses) {
  const std::string port = start_sim(
      "--calibration --cal-rest-s 4 --speed 10 --mount-deg 20,-35,70 --weak-trial "
      "hamstring:3" +
      kCalTiming);
  const fs::path wav = dir_ / "prompts.wav";
  const Result r = run(kFpt + " calibrate --port " + port + " --athlete cal --rest-s 4" +
                       kCalTiming + " --audio-out " + wav.string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hamstring, one more trial"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hamstring trial 4 (repeat)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("thigh sensor: rotation found"), std::string::npos) << r.out;

  const fs::path profile = dir_ / "data" / "profiles" / "cal.json";
  ASSERT_TRUE(fs::exists(profile)) << r.out;
  EXPECT_EQ(fs::status(profile).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
  const auto j = nlohmann::json::parse(fpt::test::slurp(profile));
  const std::array<double, 3> model_mvc{300.0, 300.0, 200.0};  // the sim's MVC amplitudes
  const std::array<const char*, 3> muscles{"glute", "hamstring", "lumbar"};
  for (std::size_t m = 0; m < 3; ++m) {
    const double mvc = j["muscles"][muscles[m]]["mvc_uv"].get<double>();
    EXPECT_GT(mvc, 0.85 * model_mvc[m]) << muscles[m];
    // The peak of a 500 ms RMS over a 3 s trial sits above the mean level (estimation noise).
    EXPECT_LT(mvc, 1.15 * model_mvc[m]) << muscles[m];
  }
  EXPECT_NEAR(j["imu"]["lift_range_deg"].get<double>(), 30.0, 1.5);
  EXPECT_EQ(j["board"]["serial"], "SIM-0001");

  // Every "go" is spoken at its time on the board's clock.
  const auto gos = prompt_times(r.out, "Go!");
  ASSERT_EQ(gos.size(), 10u) << r.out;

  // The calibration is recorded too: raw signals with every prompt and trial annotated, in its
  // own session folder, listed by fpt sessions but not replayed as training.
  const auto at = r.out.find("calibration recorded as session ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string id = r.out.substr(at + 32, r.out.find(':', at + 32) - at - 32);
  const fs::path sdir = dir_ / "data" / "sessions" / id;
  const auto side = nlohmann::json::parse(fpt::test::slurp(sdir / "session.json"));
  EXPECT_EQ(side["mode"], "calibrate");
  EXPECT_EQ(side["outcome"]["result"], "profile written");
  EXPECT_NEAR(side["outcome"]["mvc_uv"][0].get<double>(),
              j["muscles"]["glute"]["mvc_uv"].get<double>(), 1e-9);
  const auto edf = fpt::test::read_edf(sdir / "recording.edf", "");
  int go_notes = 0, trial_notes = 0, weak_notes = 0;
  for (const auto& a : edf["annotations"]) {
    const std::string text = a["text"];
    go_notes += text.find("Go!") != std::string::npos;
    trial_notes += text.rfind("MVC ", 0) == 0;
    weak_notes += text.find("(weak, not used)") != std::string::npos;
  }
  EXPECT_EQ(go_notes, 10);
  EXPECT_EQ(trial_notes, 10);  // 3 x 3 trials and the repeated one
  EXPECT_EQ(weak_notes, 1);
  EXPECT_GT(edf["n_times"].get<int>(), 1000 * 20);
  const Result listed = run(kFpt + " sessions --athlete cal");
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("calibrate"), std::string::npos) << listed.out;
  const Result no_report = run(kFpt + " report " + id + " -o " + (dir_ / "r.html").string());
  EXPECT_EQ(no_report.exit_code, 1);
  EXPECT_NE(no_report.err.find("is a calibration"), std::string::npos) << no_report.err;
  const auto sounds = fpt::test::find_sounds(fpt::test::read_wav(wav.string()), 0.15);
  for (double t : gos) {
    bool heard = false;
    for (const auto& s : sounds) heard = heard || (s.start_s >= t - 0.01 && s.start_s < t + 0.3);
    EXPECT_TRUE(heard) << "no words at " << t << " s";
  }

  // Training with the athlete's name uses it: %MVC against the measured MVC.
  ::kill(sim_pid_, SIGTERM);
  ::waitpid(sim_pid_, nullptr, 0);
  fs::remove(dir_ / "board");
  // The same strap as during calibration: only the profile's rotation makes the lift visible.
  const std::string port2 = start_fast_sim("--script correct --rest-s 3 --mount-deg 20,-35,70");
  const fs::path events = dir_ / "e.jsonl";
  const Result t = run(kFpt + " train --port " + port2 + " --athlete cal --duration " +
                       fast_duration(9) + " --sound off --events " + events.string());
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("calibration: " + profile.string()), std::string::npos) << t.out;
  // Same electrodes as at calibration: today's rest matches the profile's, no warning.
  const auto baseline = read_lines(events, "baseline");
  ASSERT_EQ(baseline.size(), 1u);
  EXPECT_EQ(baseline[0]["contact_worse"], nlohmann::json::array()) << baseline[0].dump();
  for (const char* m : {"glute", "hamstring", "lumbar"})
    EXPECT_NEAR(baseline[0]["rest_sd_uv"][m].get<double>(),
                baseline[0]["profile_rest_sd_uv"][m].get<double>(),
                0.3 * baseline[0]["profile_rest_sd_uv"][m].get<double>())
        << m;
  const auto verdicts = read_lines(events, "verdict");
  ASSERT_EQ(verdicts.size(), 1u) << t.out;
  const auto& lumbar = verdicts[0]["lumbar"];
  EXPECT_NEAR(
      lumbar["pct_mvc"].get<double>(),
      lumbar["mean_rms_uv"].get<double>() / j["muscles"]["lumbar"]["mvc_uv"].get<double>() * 100,
      1e-6);
}

TEST_F(Session, Calibrate_SwappedCablesFailAndWriteNothing) {
  const std::string port =
      start_sim("--calibration --cal-rest-s 4 --speed 10 --swap glute,hamstring" + kCalTiming);
  const Result r =
      run(kFpt + " calibrate --port " + port + " --athlete sw --rest-s 4 --sound off" + kCalTiming);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("the glute and hamstring channels look swapped"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("No profile was written"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "data" / "profiles" / "sw.json"));
}

}  // namespace
