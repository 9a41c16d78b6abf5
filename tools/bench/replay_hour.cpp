// fpt-replay-hour: times one hour of 3-channel 2 kHz EMG through the live onset chain
// (target: <= 2 s). The signal is the virtual board's model, generated beforehand so only the
// chain is timed.
#include <array>
#include <chrono>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "onset_tracker.hpp"
#include "signal_model.hpp"

int main() {
  constexpr double kFs = 2000.0;
  constexpr std::size_t kSeconds = 3600;
  fpt::sim::ScenarioConfig sc;
  sc.loop = true;
  fpt::sim::SignalConfig sig;
  sig.fs_hz = kFs;
  sig.snr_db = 10.0;
  sig.artifacts = fpt::sim::ArtifactConfig::parse("all");
  fpt::sim::Timeline timeline(fpt::sim::parse_script("mixed", 3), sc);
  fpt::sim::SignalModel model(sig, timeline);
  const std::size_t n = kSeconds * static_cast<std::size_t>(kFs);
  std::vector<std::array<float, 3>> samples(n);
  for (auto& s : samples) {
    const auto v = model.next_emg();
    s = {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])};
  }
  std::array<fpt::dsp::OnsetTracker, 3> trackers;
  for (int m = 0; m < 3; ++m) {
    fpt::dsp::TrackerConfig tc;
    tc.conditioner.fs_hz = kFs;
    tc.conditioner.mains_hz = -1.0;
    if (m == 2) tc.conditioner.ecg_highpass_hz = 30.0;
    trackers[m].setup(tc);
  }
  std::array<fpt::dsp::OnsetEvent, fpt::dsp::OnsetTracker::kMaxEventsPerSample> ev{};
  std::size_t events = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i)
    for (int m = 0; m < 3; ++m) events += trackers[m].process(samples[i][m], i, ev);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << fmt::format(
      "1 h x 3 channels x 2 kHz ({} samples) through the onset chain: {:.3f} s "
      "({:.1f} ns per sample per channel, {:.0f}x real time), {} events, {} reps played\n",
      n * 3, s, s * 1e9 / static_cast<double>(n * 3), 3600.0 / s, events, timeline.reps().size());
  return 0;
}
