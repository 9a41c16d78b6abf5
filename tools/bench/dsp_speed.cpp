// Google Benchmark: cost of the onset chain per sample per channel, whole and by stage.
// Run: build/tools/bench/fpt-dsp-speed   (target: <= 50 ns per sample per channel)
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "detectors.hpp"
#include "emg_conditioner.hpp"
#include "onset_tracker.hpp"
#include "rng.hpp"

namespace {

using namespace fpt::dsp;

/// Five seconds of rest, then a 1 s burst every 2 s at 2 kHz: far more onsets than a session
/// has, so the once-per-onset refinement weighs more here than it does live.
const std::vector<double>& signal() {
  static const std::vector<double> x = [] {
    fpt::sim::Rng rng(1);
    std::vector<double> v(20000);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const bool on = i > 10000 && (i / 2000) % 2 == 1;
      v[i] = (on ? 50.0 : 10.0) * rng.gaussian();
    }
    return v;
  }();
  return x;
}

void BM_Conditioner(benchmark::State& state) {
  EmgConditioner c;
  ConditionerConfig cfg;
  cfg.fs_hz = 2000.0;
  cfg.mains_hz = state.range(0) != 0 ? 50.0 : 0.0;
  c.setup(cfg);
  const auto& x = signal();
  for (auto _ : state)
    for (double v : x) benchmark::DoNotOptimize(c.process(v));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_Conditioner)->Arg(0)->Arg(1)->ArgName("mains");

void BM_Detector(benchmark::State& state, const char* name) {
  auto d = make_detector(name);
  d->setup(2000.0, {});
  const auto& x = signal();
  std::vector<double> rest(x.begin(), x.begin() + 4000), scratch(4000);
  d->arm(rest, rest_sigma(rest, scratch), scratch);
  for (auto _ : state)
    for (double v : x)
      if (d->step(v)) d->restart();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK_CAPTURE(BM_Detector, cusum, "cusum");
BENCHMARK_CAPTURE(BM_Detector, hodges, "hodges");
BENCHMARK_CAPTURE(BM_Detector, bonato, "bonato");
BENCHMARK_CAPTURE(BM_Detector, tkeo, "tkeo");

/// The whole chain as it runs live: conditioner, spike guard, rest learning, detector,
/// refinement, offsets (default detector, 2 kHz, mains detection on).
void BM_WholeChain(benchmark::State& state, const char* detector) {
  TrackerConfig cfg;
  cfg.conditioner.fs_hz = 2000.0;
  cfg.conditioner.mains_hz = -1.0;
  cfg.detector = detector;
  OnsetTracker t;
  t.setup(cfg);
  const auto& x = signal();
  std::array<OnsetEvent, OnsetTracker::kMaxEventsPerSample> ev{};
  std::uint64_t index = 0;
  for (auto _ : state)
    for (double v : x) benchmark::DoNotOptimize(t.process(v, index++, ev));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK_CAPTURE(BM_WholeChain, cusum, "cusum");
BENCHMARK_CAPTURE(BM_WholeChain, hodges, "hodges");

}  // namespace

BENCHMARK_MAIN();
