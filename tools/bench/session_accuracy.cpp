// fpt-session-accuracy: the whole training pipeline (the code `fpt train` runs) on the virtual
// board's scripted mix, offline, against the known truth. Per SNR: verdict accuracy, whether a
// restart was cued live exactly when the truth says the rep is wrong, and how long after the
// offending muscle's true onset the restart cue came (decision delay on the device clock, plus
// the time the deciding sample waits for its frame to fill). Prints a Markdown table.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "session_coach.hpp"
#include "signal_model.hpp"
#include "training_pipeline.hpp"

namespace {

using fpt::session::RepEvent;

constexpr double kScaleUv = 0.25;
constexpr double kAccelScale = 1.0 / 4096.0;

fpt::protocol::DeviceInfo board(int fs) {
  fpt::protocol::DeviceInfo d;
  d.protocol_version = 1;
  d.serial = "OFFLINE";
  d.emg_rate_hz = fs;
  d.sample_bytes = 2;
  d.imu_kind = FPT_IMU_ACCEL;
  d.imu_axes = 3;
  d.imu_rate_hz = 100;
  d.accel_scale_g = kAccelScale;
  using fpt::protocol::MuscleRole;
  for (MuscleRole r : {MuscleRole::kGlute, MuscleRole::kHamstring, MuscleRole::kLumbar})
    d.channels.push_back({r, fpt::protocol::Side::kRight, 16, kScaleUv, 0});
  return d;
}

class Collect final : public fpt::session::SessionSink {
 public:
  void on_rep_event(const RepEvent& e) override {
    if (e.kind == RepEvent::Kind::kRepEnd) ends.push_back(e);
  }
  std::vector<RepEvent> ends;
};

struct Tally {
  int reps = 0, found = 0, agree = 0;
  int truth_restart = 0, cued_when_wrong = 0, cued_when_good = 0;
  std::map<std::string, std::pair<int, int>> by_order;  // order -> (agree, reps)
  std::vector<double> cue_after_onset_ms;
};

void play(const std::string& script, int stage, double snr_db, const std::string& artifacts,
          std::uint64_t seed, int fs, double frame_ms, Tally& t) {
  fpt::sim::ScenarioConfig sc;
  sc.seed = seed;
  fpt::sim::SignalConfig sig;
  sig.snr_db = snr_db;
  sig.seed = seed;
  sig.fs_hz = fs;
  sig.artifacts = fpt::sim::ArtifactConfig::parse(artifacts);
  fpt::sim::Timeline timeline(fpt::sim::parse_script(script, stage), sc);
  fpt::sim::SignalModel model(sig, timeline);
  fpt::session::TrainingPipeline p;
  fpt::session::PipelineConfig pc;
  pc.rep.stage = stage;
  p.setup(board(fs), pc);
  Collect sink;
  const int imu_every = fs / 100;
  const auto n = static_cast<std::uint64_t>((timeline.end_s() + 2.0) * fs);
  for (std::uint64_t i = 0; i < n; ++i) {
    fpt::io::StreamItem e;
    e.kind = fpt::io::ItemKind::kEmg;
    e.count = 3;
    e.index = i;
    const auto uv = model.next_emg();
    for (int m = 0; m < 3; ++m)
      e.values[m] = static_cast<std::int32_t>(std::lround(uv[m] / kScaleUv));
    p.process(e, sink);
    if (i % static_cast<std::uint64_t>(imu_every) == 0) {
      fpt::io::StreamItem imu;
      imu.kind = fpt::io::ItemKind::kImu;
      imu.count = 3;
      imu.index = i / static_cast<std::uint64_t>(imu_every);
      const auto g = model.next_accel();
      for (int a = 0; a < 3; ++a)
        imu.values[a] = static_cast<std::int32_t>(std::lround(g[a] / kAccelScale));
      p.process(imu, sink);
    }
  }
  const double frame_s = frame_ms / 1000.0;
  for (const auto& truth : timeline.reps()) {
    ++t.reps;
    const std::string order(fpt::sim::to_string(truth.order));
    ++t.by_order[order].second;
    if (!truth.expected_good) ++t.truth_restart;
    for (const auto& end : sink.ends) {
      if (end.start_s < truth.start_s - 0.3 || end.start_s > truth.start_s + 0.5) continue;
      ++t.found;
      if (end.verdict.good == truth.expected_good) {
        ++t.agree;
        ++t.by_order[order].first;
      }
      if (end.cued_restart && !truth.expected_good) ++t.cued_when_wrong;
      if (end.cued_restart && truth.expected_good) ++t.cued_when_good;
      if (end.cue_s) {
        const double onset = truth.muscles[static_cast<int>(end.cue_offender)].onset_s;
        // The deciding sample leaves the board when its frame is full: on average half a
        // frame later, at worst a whole one; count the worst case.
        t.cue_after_onset_ms.push_back((*end.cue_s + frame_s - onset) * 1000.0);
      }
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fpt-session-accuracy: verdicts and restart cues of the training pipeline"};
  int seeds = 5;
  int fs = 1000;
  double frame_ms = 10.0;
  std::string artifacts = "mains,ecg,motion,spikes";
  std::vector<double> snrs{20.0, 10.0};
  app.add_option("--seeds", seeds, "seeds per SNR (each plays the whole mix)")
      ->capture_default_str();
  app.add_option("--rate", fs, "EMG sample rate")->capture_default_str();
  app.add_option("--frame-ms", frame_ms, "board frame period (cue waits for its frame)")
      ->capture_default_str();
  app.add_option("--artifacts", artifacts, "artifacts in the signal")->capture_default_str();
  app.add_option("--snr-db", snrs, "SNRs to run")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // The scripted mix: every stage-3 order twice, stage 2's own fault, stage 1's squeezes.
  const std::string stage3 =
      "correct*2,hamstring_first*2,lumbar_first*2,both_before_glute*2,glute_silent*2,"
      "lumbar_before_hamstring*2";
  const std::string stage2 = "correct*2,lumbar_before_hamstring*2,hamstring_first";
  const std::string stage1 = "squeeze*3,squeeze_hamstring*2,lumbar_first";

  std::cout << fmt::format(
      "Scripted mix per seed: stage 3 `{}`, stage 2 `{}`, stage 1 `{}`; {} seeds; {} Hz; "
      "artifacts {}; cue delay counts a full {} ms frame.\n\n",
      stage3, stage2, stage1, seeds, fs, artifacts, frame_ms);
  std::cout << "| SNR | reps | verdicts right | restarts cued live / truth restarts | good reps "
               "cued by mistake | cue after true onset p50 / p95 / max (ms) |\n"
               "| --- | --- | --- | --- | --- | --- |\n";
  std::map<double, Tally> all;
  for (double snr : snrs) {
    Tally t;
    for (int s = 0; s < seeds; ++s) {
      const auto seed = static_cast<std::uint64_t>(1000 + s);
      play(stage3, 3, snr, artifacts, seed, fs, frame_ms, t);
      play(stage2, 2, snr, artifacts, seed + 100, fs, frame_ms, t);
      play(stage1, 1, snr, artifacts, seed + 200, fs, frame_ms, t);
    }
    const auto p = fpt::session::percentiles(t.cue_after_onset_ms);
    std::cout << fmt::format(
        "| {:.0f} dB | {} (found {}) | {} ({:.1f} %) | {} / {} | {} | {:.0f} / {:.0f} / {:.0f} |\n",
        snr, t.reps, t.found, t.agree, 100.0 * t.agree / std::max(1, t.reps), t.cued_when_wrong,
        t.truth_restart, t.cued_when_good, p.p50, p.p95, p.max);
    all[snr] = t;
  }
  std::cout << "\nVerdicts right by scripted order:\n\n| order |";
  for (double snr : snrs) std::cout << fmt::format(" {:.0f} dB |", snr);
  std::cout << "\n| --- |";
  for (std::size_t i = 0; i < snrs.size(); ++i) std::cout << " --- |";
  std::cout << '\n';
  for (const auto& [order, counts] : all.begin()->second.by_order) {
    std::cout << "| " << order << " |";
    for (double snr : snrs) {
      const auto& c = all[snr].by_order[order];
      std::cout << fmt::format(" {}/{} |", c.first, c.second);
    }
    std::cout << '\n';
  }
  return 0;
}
