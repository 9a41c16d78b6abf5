// Everything a session learns across reps: progress towards the next stage, the lumbar
// activation trend ("until the back activates less"), the athlete's natural firing orders, and
// the latency of every cue. Sits between the pipeline and the outputs; runs on the pipeline's
// thread and does its work once per event, never per sample.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "training_pipeline.hpp"

namespace fpt::session {

struct CoachConfig {
  int stage = 3;
  int advance_after = 5;  // consecutive good reps before the next stage is suggested
  /// Per-muscle MVC amplitude (uV RMS) from a calibration profile; unset: no %MVC.
  std::array<std::optional<double>, kMuscles> mvc_uv{};
  /// Per-muscle rest SD (uV) measured at calibration; today's rest is compared with it.
  std::array<std::optional<double>, kMuscles> profile_rest_sd_uv{};
  double contact_ratio = 2.0;  // today's rest noise above this many times: check the electrode
  std::size_t expected_reps = 1024;  // storage reserved up front
};

/// Nearest-rank percentiles of a set of measurements (NaN when empty).
struct Percentiles {
  std::size_t n = 0;
  double p50 = 0.0, p95 = 0.0, p99 = 0.0, max = 0.0;
};
Percentiles percentiles(std::vector<double> values);

/// Mean and sample SD of one inter-onset latency across reps where both muscles fired.
struct Latency {
  std::size_t n = 0;
  double mean_ms = 0.0, sd_ms = 0.0;
};

struct SessionSummary {
  int stage = 3;
  int reps = 0, good = 0;
  int best_streak = 0;
  double duration_s = 0.0;
  std::map<std::string, int> faults;  // restarts by fault ("lumbar before glute")
  Percentiles processing_ms;          // cue emitted - arrival of the deciding frame (host)
  Percentiles decision_delay_ms;      // restart cue - refined onset of the offender (device)
  int verdicts_changed = 0;           // final verdict differs from the live cue
  // Lumbar activation per rep (mean moving RMS / rest SD), first and last reps and the trend.
  std::optional<double> lumbar_first, lumbar_last, lumbar_change_pct, lumbar_slope_pct_per_rep;
  std::optional<double> lumbar_pct_mvc_last;
  std::map<std::string, int> orders;  // "glute > hamstring > lumbar" -> reps
  Latency hamstring_after_glute, lumbar_after_glute, lumbar_after_hamstring;
  // Link quality, filled in by the caller.
  std::uint64_t frames_lost = 0, emg_samples_lost = 0;
};

struct StageAdvice {
  int rep = 0;
  int streak = 0;
  int stage = 3;
  int next_stage = 0;  // 0: already at the last stage
  std::string text;
};

/// Extra per-rep figures the coach adds before passing a rep end on.
struct RepProgress {
  double lumbar_rel_rest = 0.0;             // mean lumbar RMS over rest SD
  std::optional<double> lumbar_pct_mvc;     // with a calibration profile
  std::optional<double> lumbar_change_pct;  // vs the session's first reps
  int streak = 0;                           // consecutive good reps including this one
  std::string order;                        // "glute > hamstring > lumbar"
};

/// The outputs' interface: the pipeline's events plus what the coach adds.
/// The rest baseline of this session, next to the calibration's.
struct BaselineReport {
  double t_s = 0.0;
  std::array<double, kMuscles> rest_sd_uv{};
  std::array<std::optional<double>, kMuscles> profile_rest_sd_uv{};
  std::array<bool, kMuscles> noisier{};  // contact worse than at calibration
};

class CoachedSink : public SessionSink {
 public:
  /// A rep end with its progress figures (instead of on_rep_event for kRepEnd).
  virtual void on_rep_end(const RepEvent& e, const RepProgress& /*p*/) { on_rep_event(e); }
  virtual void on_advice(const StageAdvice& /*a*/) {}
  /// Replaces on_ready for coached outputs: the baseline with the calibration's beside it.
  virtual void on_baseline(const BaselineReport& /*b*/) {}
  virtual void on_summary(const SessionSummary& /*s*/) {}
};

class SessionCoach final : public SessionSink {
 public:
  using NowNs = std::function<std::int64_t()>;

  /// now_ns: the host's steady clock in ns (injectable for tests).
  explicit SessionCoach(const CoachConfig& config, NowNs now_ns = {});

  /// Outputs in the order they are told. The first one delivers the cue to the athlete (the
  /// sound, else the screen): a cue's processing latency is taken as soon as it has it.
  void add_output(CoachedSink* sink);

  void on_ready(double t_s, const std::array<double, kMuscles>& rest_sd_uv) override;
  void on_onset(Muscle m, const dsp::OnsetEvent& e, double fs_hz) override;
  void on_rep_event(const RepEvent& e) override;
  void on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) override;
  void on_link(bool up, std::uint64_t index) override;

  /// The summary so far; finish() also sends it to every output.
  [[nodiscard]] SessionSummary summary(double duration_s) const;
  void finish(double duration_s, std::uint64_t frames_lost, std::uint64_t emg_samples_lost);

  [[nodiscard]] int streak() const noexcept { return streak_; }
  [[nodiscard]] int reps() const noexcept { return reps_; }
  [[nodiscard]] int good() const noexcept { return good_; }

 private:
  void record_latency(const RepEvent& e, double processing_ms);
  RepProgress progress(const RepEvent& e);

  CoachConfig config_;
  NowNs now_ns_;
  std::vector<CoachedSink*> outputs_;
  int reps_ = 0, good_ = 0, streak_ = 0, best_streak_ = 0, changed_ = 0;
  std::map<std::string, int> faults_, orders_;
  std::vector<double> processing_ms_, decision_delay_ms_, lumbar_;
  std::optional<double> lumbar_pct_mvc_last_;
  std::vector<double> ham_glute_, lumbar_glute_, lumbar_ham_;
};

/// "glute > hamstring > lumbar", silent muscles left out ("hamstring > glute; lumbar silent").
std::string firing_order(const RepOnsets& onsets);

}  // namespace fpt::session
