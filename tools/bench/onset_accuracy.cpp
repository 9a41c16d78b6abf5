// fpt-onset-accuracy: runs the virtual board's signal model offline (same code, no port) and
// scores every onset detector against the known truth. Prints a Markdown table.
#include <algorithm>
#include <array>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "error.hpp"
#include "onset_tracker.hpp"
#include "signal_model.hpp"

namespace {

using fpt::dsp::OnsetEvent;
using fpt::sim::kMuscles;

struct Cell {
  double snr_db;
  std::string artifacts;  // "none", "all" or a list for ArtifactConfig::parse
  bool ramped;
};

struct Detected {
  double onset_s, decision_s, refined_s;
};

struct Score {
  std::vector<double> errors_ms;  // refined - true, for onsets found in their rep
  std::vector<double> delays_ms;  // decision - true
  std::size_t true_onsets = 0, within_50 = 0;
  std::size_t false_activations = 0;
  double rest_minutes = 0.0;
  std::size_t silent = 0, silent_reported = 0;

  void add(const Score& o) {
    errors_ms.insert(errors_ms.end(), o.errors_ms.begin(), o.errors_ms.end());
    delays_ms.insert(delays_ms.end(), o.delays_ms.begin(), o.delays_ms.end());
    true_onsets += o.true_onsets;
    within_50 += o.within_50;
    false_activations += o.false_activations;
    rest_minutes += o.rest_minutes;
    silent += o.silent;
    silent_reported += o.silent_reported;
  }
};

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(pos);
  const double f = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

struct Signal {
  std::vector<std::array<double, kMuscles>> samples;
  std::vector<fpt::sim::RepTruth> reps;
  double fs;
};

Signal generate(const Cell& cell, std::uint64_t seed, int reps, double fs) {
  fpt::sim::ScenarioConfig sc;
  sc.seed = seed;
  sc.ramp_ms = cell.ramped ? 100.0 : 0.0;
  fpt::sim::SignalConfig sig;
  sig.fs_hz = fs;
  sig.snr_db = cell.snr_db;
  sig.seed = seed;
  sig.artifacts = fpt::sim::ArtifactConfig::parse(cell.artifacts);
  const int cycles = (reps + 7) / 8;
  fpt::sim::Timeline timeline(fpt::sim::parse_script(fmt::format("mixed*{}", cycles), 3), sc);
  fpt::sim::SignalModel model(sig, timeline);
  Signal s;
  s.fs = fs;
  s.reps.assign(timeline.reps().begin(),
                timeline.reps().begin() + std::min<std::size_t>(reps, timeline.reps().size()));
  const auto n = static_cast<std::size_t>((s.reps.back().end_s + 1.5) * fs);
  s.samples.resize(n);
  for (auto& x : s.samples) x = model.next_emg();
  return s;
}

bool g_verbose = false;

Score score(const Signal& s, const std::string& detector, double h) {
  std::array<fpt::dsp::OnsetTracker, kMuscles> trackers;
  for (int m = 0; m < kMuscles; ++m) {
    fpt::dsp::TrackerConfig tc;
    tc.conditioner.fs_hz = s.fs;
    tc.conditioner.mains_hz = -1.0;  // detect
    if (m == static_cast<int>(fpt::sim::Muscle::kLumbar)) tc.conditioner.ecg_highpass_hz = 30.0;
    tc.detector = detector;
    tc.settings.h = h;
    trackers[m].setup(tc);
  }
  std::array<std::vector<Detected>, kMuscles> found;
  std::array<OnsetEvent, fpt::dsp::OnsetTracker::kMaxEventsPerSample> ev{};
  for (std::size_t i = 0; i < s.samples.size(); ++i) {
    for (int m = 0; m < kMuscles; ++m) {
      const std::size_t k = trackers[m].process(s.samples[i][m], i, ev);
      for (std::size_t e = 0; e < k; ++e) {
        const double t = static_cast<double>(ev[e].index) / s.fs;
        if (ev[e].kind == OnsetEvent::Kind::kOnset)
          found[m].push_back({t, static_cast<double>(ev[e].decision_index) / s.fs, t});
        else if (ev[e].kind == OnsetEvent::Kind::kRefined && !found[m].empty())
          found[m].back().refined_s = t;
      }
    }
  }
  Score sc;
  const double total_s = static_cast<double>(s.samples.size()) / s.fs;
  for (int m = 0; m < kMuscles; ++m) {
    std::vector<std::pair<double, double>> busy;  // where an onset is legitimate
    for (const auto& r : s.reps) {
      const auto& mt = r.muscles[m];
      if (mt.fires) {
        busy.emplace_back(mt.onset_s - 0.2, mt.offset_s + 0.5);
        ++sc.true_onsets;
        const Detected* hit = nullptr;
        for (const auto& d : found[m])
          if (d.decision_s >= mt.onset_s - 0.2 && d.decision_s <= mt.onset_s + 0.5) {
            hit = &d;
            break;
          }
        if (hit != nullptr) {
          const double err = (hit->refined_s - mt.onset_s) * 1000.0;
          sc.errors_ms.push_back(err);
          sc.delays_ms.push_back((hit->decision_s - mt.onset_s) * 1000.0);
          if (std::abs(err) <= 50.0) ++sc.within_50;
        }
        if (g_verbose &&
            (hit == nullptr || std::abs((hit->refined_s - mt.onset_s) * 1000.0) > 50.0))
          std::cerr << fmt::format(
              "miss: {} rep {} ({}) {} true {:.3f} s found {}\n", detector, r.rep,
              fpt::sim::to_string(r.order), fpt::sim::to_string(static_cast<fpt::sim::Muscle>(m)),
              mt.onset_s, hit ? fmt::format("{:.3f} s", hit->refined_s) : "nothing");
      } else {
        ++sc.silent;
        for (const auto& d : found[m])
          if (d.decision_s >= r.start_s - 0.1 && d.decision_s <= r.end_s + 0.2) {
            ++sc.silent_reported;
            break;
          }
      }
    }
    double busy_s = 0.0;
    for (const auto& [a, b] : busy) busy_s += b - a;
    const double learn_s = 2.0;
    sc.rest_minutes += std::max(0.0, total_s - busy_s - learn_s) / 60.0;
    for (const auto& d : found[m]) {
      bool legit = false;
      for (const auto& [a, b] : busy) legit = legit || (d.decision_s >= a && d.decision_s <= b);
      if (!legit) ++sc.false_activations;
    }
  }
  return sc;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fpt-onset-accuracy: onset detectors scored against the signal model's truth"};
  std::string detectors = "cusum,hodges,bonato,tkeo";
  std::string seeds_text = "101,102,103";
  std::string snrs_text = "3,6,10,20";
  std::string kinds = "clean,artifacts";
  std::string onsets = "step,ramped";
  int reps = 300;
  double fs = 1000.0;
  double h = 0.0;
  app.add_option("--detectors", detectors, "comma list")->capture_default_str();
  app.add_option("--seeds", seeds_text, "seeds (tune on 1,2,3; report on the held-out 101,102,103)")
      ->capture_default_str();
  app.add_option("--snr", snrs_text, "SNR values in dB")->capture_default_str();
  app.add_option("--kinds", kinds,
                 "clean, artifacts (all of them), or one of mains, ecg, motion, spikes")
      ->capture_default_str();
  app.add_option("--onsets", onsets, "step and/or ramped")->capture_default_str();
  app.add_option("--reps", reps, "reps per cell (split over the seeds)")->capture_default_str();
  app.add_option("--rate", fs, "sample rate")->capture_default_str();
  app.add_flag("--verbose", g_verbose, "list every onset missed or off by more than 50 ms");
  app.add_option("--h", h, "threshold override for every detector (0: defaults)");
  CLI11_PARSE(app, argc, argv);

  try {
    const auto seeds = split(seeds_text);
    std::cout << fmt::format(
        "reps per cell: {} (seeds {}), {} Hz; errors are refined onset - true onset\n\n", reps,
        seeds_text, fs);
    std::cout
        << "| detector | SNR dB | signal | onset | bias ms | SD ms | MAE ms | P95 abs ms | "
           "within 50 ms | false/min rest | silent reported | delay median ms | delay P95 ms |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& onset_kind : split(onsets))
      for (const auto& kind : split(kinds))
        for (const auto& snr : split(snrs_text)) {
          const Cell cell{std::stod(snr),
                          kind == "clean"       ? "none"
                          : kind == "artifacts" ? "all"
                                                : kind,
                          onset_kind == "ramped"};
          std::vector<Signal> signals;
          const int per_seed =
              (reps + static_cast<int>(seeds.size()) - 1) / static_cast<int>(seeds.size());
          for (const auto& seed : seeds)
            signals.push_back(generate(cell, std::stoull(seed), per_seed, fs));
          for (const auto& det : split(detectors)) {
            Score total;
            for (const auto& sig : signals) total.add(score(sig, det, h));
            std::vector<double> abs_err;
            double sum = 0, sum_sq = 0;
            for (double e : total.errors_ms) {
              abs_err.push_back(std::abs(e));
              sum += e;
              sum_sq += e * e;
            }
            const double n = static_cast<double>(total.errors_ms.size());
            const double mean = n > 0 ? sum / n : NAN;
            const double sd = n > 1 ? std::sqrt(std::max(0.0, sum_sq / n - mean * mean)) : NAN;
            double mae = 0;
            for (double a : abs_err) mae += a;
            mae = n > 0 ? mae / n : NAN;
            std::cout << fmt::format(
                "| {} | {} | {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.3f} | {:.2f} | "
                "{:.1f} % | {:.1f} | {:.1f} |\n",
                det, snr, kind, onset_kind, mean, sd, mae, quantile(abs_err, 0.95),
                static_cast<double>(total.within_50) /
                    static_cast<double>(std::max<std::size_t>(1, total.true_onsets)),
                static_cast<double>(total.false_activations) / std::max(total.rest_minutes, 1e-9),
                100.0 * static_cast<double>(total.silent_reported) /
                    static_cast<double>(std::max<std::size_t>(1, total.silent)),
                quantile(total.delays_ms, 0.5), quantile(total.delays_ms, 0.95));
            std::cout.flush();
          }
        }
  } catch (const fpt::Error& e) {
    std::cerr << "fpt-onset-accuracy: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
