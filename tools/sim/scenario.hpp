// Scripted prone glute-raise reps with known firing order: the ground truth that the virtual
// board plays and that accuracy checks compare against.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rng.hpp"

namespace fpt::sim {

class CalibrationActor;

enum class Muscle : int { kGlute = 0, kHamstring = 1, kLumbar = 2 };
inline constexpr int kMuscles = 3;
std::string_view to_string(Muscle m);

/// Which muscles fire, in which order.
enum class Order {
  kCorrect,                // glute -> hamstring -> lumbar
  kHamstringFirst,         // hamstring -> glute -> lumbar
  kLumbarFirst,            // lumbar -> glute -> hamstring
  kBothBeforeGlute,        // hamstring -> lumbar -> glute
  kGluteSilent,            // hamstring -> lumbar, glute never fires
  kLumbarBeforeHamstring,  // glute -> lumbar -> hamstring
  kSqueeze,                // stage 1: glute only, leg on the floor
  kSqueezeHamstring,       // stage 1: glute, then the hamstring joins (a fault)
};
std::string_view to_string(Order o);
std::optional<Order> order_from_string(std::string_view s);
/// Every order, for help texts and mixed scripts.
const std::vector<Order>& all_orders();

struct ScriptItem {
  Order order = Order::kCorrect;
  int stage = 3;  // 1 squeeze, 2 begin the lift, 3 full lift
};

/// Parses "correct*3,hamstring_first,lumbar_before_hamstring@2" (count with *, stage with @;
/// squeeze orders default to stage 1). "mixed" expands to one rep of every order.
/// Throws InvalidArgument naming the bad item.
std::vector<ScriptItem> parse_script(std::string_view text, int default_stage);

struct ScenarioConfig {
  double rest_before_s = 5.0;   // quiet rest at the start: fpt learns 2 s (4.5 s with mains)
  double rest_between_s = 2.5;  // mean rest between reps
  double rest_jitter_s = 0.5;   // +- uniform
  double gap_ms = 80.0;         // mean gap between successive onsets
  double gap_jitter_ms = 20.0;  // +- uniform
  double ramp_ms = 0.0;         // 0: step onsets; else mean ramp duration (+-50 %)
  double hold_s = 1.5;          // time the thigh is held up (or the squeeze held)
  double level = 0.4;           // mean activation, fraction of MVC (+-20 % per muscle and rep)
  double tolerance_ms = 0.0;    // for the expected verdict
  bool loop = false;            // repeat the script forever
  std::uint64_t seed = 1;
  /// When set, the athlete follows fpt calibrate's timetable instead of the script.
  std::shared_ptr<const CalibrationActor> calibration;
};

struct MuscleTruth {
  bool fires = false;
  double onset_s = 0.0;   // true onset: activation starts rising
  double offset_s = 0.0;  // activation starts falling
  double ramp_s = 0.0;    // rise time
  double level = 0.0;     // plateau, fraction of MVC
};

struct RepTruth {
  int rep = 0;  // 1-based
  Order order = Order::kCorrect;
  int stage = 3;
  double start_s = 0.0;
  double end_s = 0.0;
  std::array<MuscleTruth, kMuscles> muscles{};
  double lift_onset_s = 0.0;  // thigh starts leaving the floor (stage >= 2)
  double lift_deg = 0.0;      // peak thigh pitch
  bool expected_good = true;
  std::string expected_reason;  // empty when good
};

/// Judges a rep by the physio's rules from its true onsets (the reference verdict).
void judge_truth(RepTruth& rep, double tolerance_ms);

/// The reps in time order; extends itself when looping. Queries must move forward in time.
class Timeline {
 public:
  Timeline(std::vector<ScriptItem> script, ScenarioConfig config);

  /// Activation of a muscle at t (0..1 of MVC).
  double activation(Muscle m, double t_s);
  /// Thigh pitch in degrees at t (0 on the floor).
  double pitch_deg(double t_s);
  /// Start times of thigh movements (lift and lowering) near t, for motion artifacts.
  const RepTruth* rep_near(double t_s);

  /// All reps generated so far (a looping timeline keeps growing).
  [[nodiscard]] const std::vector<RepTruth>& reps() const { return reps_; }
  /// Reps generated since the last call (for writing ground truth as it is made).
  std::vector<RepTruth> take_new_reps();
  /// Time after which nothing more happens (infinite when looping).
  [[nodiscard]] double end_s() const;
  [[nodiscard]] const ScenarioConfig& config() const { return config_; }

 private:
  void extend_until(double t_s);
  void append_rep(const ScriptItem& item);

  std::vector<ScriptItem> script_;
  ScenarioConfig config_;
  Rng rng_;
  std::vector<RepTruth> reps_;
  std::size_t next_item_ = 0;
  std::size_t cursor_ = 0;
  std::size_t reported_ = 0;
  double next_start_s_ = 0.0;
};

/// JSON text of one rep's truth, one line (for the ground-truth JSONL file).
std::string rep_truth_json(const RepTruth& rep);

}  // namespace fpt::sim
