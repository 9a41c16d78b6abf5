#include "scenario.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "calibration_actor.hpp"
#include "error.hpp"

namespace fpt::sim {
namespace {

constexpr double kLiftRiseS = 0.5;     // thigh takes this long to rise, and to lower
constexpr double kLiftDelayS = 0.15;   // electromechanical delay: EMG leads movement
constexpr double kOffRampS = 0.15;     // activation falls over this time
constexpr double kOffStaggerS = 0.03;  // muscles switch off one after another

std::vector<Muscle> firing_sequence(Order o) {
  using M = Muscle;
  switch (o) {
    case Order::kCorrect:
      return {M::kGlute, M::kHamstring, M::kLumbar};
    case Order::kHamstringFirst:
      return {M::kHamstring, M::kGlute, M::kLumbar};
    case Order::kLumbarFirst:
      return {M::kLumbar, M::kGlute, M::kHamstring};
    case Order::kBothBeforeGlute:
      return {M::kHamstring, M::kLumbar, M::kGlute};
    case Order::kGluteSilent:
      return {M::kHamstring, M::kLumbar};
    case Order::kLumbarBeforeHamstring:
      return {M::kGlute, M::kLumbar, M::kHamstring};
    case Order::kSqueeze:
      return {M::kGlute};
    case Order::kSqueezeHamstring:
      return {M::kGlute, M::kHamstring};
  }
  return {};
}

bool is_squeeze(Order o) {
  return o == Order::kSqueeze || o == Order::kSqueezeHamstring;
}

double raised_cosine(double x) {  // 0 -> 1 smoothly for x in [0, 1]
  x = std::clamp(x, 0.0, 1.0);
  return 0.5 - 0.5 * std::cos(std::numbers::pi * x);
}

}  // namespace

std::string_view to_string(Muscle m) {
  switch (m) {
    case Muscle::kGlute:
      return "glute";
    case Muscle::kHamstring:
      return "hamstring";
    case Muscle::kLumbar:
      return "lumbar";
  }
  return "?";
}

const std::vector<Order>& all_orders() {
  static const std::vector<Order> orders{Order::kCorrect,     Order::kHamstringFirst,
                                         Order::kLumbarFirst, Order::kBothBeforeGlute,
                                         Order::kGluteSilent, Order::kLumbarBeforeHamstring,
                                         Order::kSqueeze,     Order::kSqueezeHamstring};
  return orders;
}

std::string_view to_string(Order o) {
  switch (o) {
    case Order::kCorrect:
      return "correct";
    case Order::kHamstringFirst:
      return "hamstring_first";
    case Order::kLumbarFirst:
      return "lumbar_first";
    case Order::kBothBeforeGlute:
      return "both_before_glute";
    case Order::kGluteSilent:
      return "glute_silent";
    case Order::kLumbarBeforeHamstring:
      return "lumbar_before_hamstring";
    case Order::kSqueeze:
      return "squeeze";
    case Order::kSqueezeHamstring:
      return "squeeze_hamstring";
  }
  return "?";
}

std::optional<Order> order_from_string(std::string_view s) {
  for (Order o : all_orders())
    if (to_string(o) == s) return o;
  return std::nullopt;
}

std::vector<ScriptItem> parse_script(std::string_view text, int default_stage) {
  if (default_stage < 1 || default_stage > 3)
    throw InvalidArgument(fmt::format("stage {} is not 1, 2 or 3", default_stage));
  std::vector<ScriptItem> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    int count = 1;
    int stage = 0;
    const std::string full(item);
    if (auto at = item.find('@'); at != std::string_view::npos) {
      const std::string s(item.substr(at + 1));
      if (s != "1" && s != "2" && s != "3")
        throw InvalidArgument(fmt::format("script item '{}': stage must be 1, 2 or 3", full));
      stage = std::stoi(s);
      item = item.substr(0, at);
    }
    if (auto star = item.find('*'); star != std::string_view::npos) {
      const std::string s(item.substr(star + 1));
      if (s.empty() || s.size() > 4 || s.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(s) < 1)
        throw InvalidArgument(fmt::format("script item '{}': count must be 1..9999", full));
      count = std::stoi(s);
      item = item.substr(0, star);
    }
    std::vector<Order> orders;
    if (item == "mixed") {
      orders = all_orders();
    } else if (auto o = order_from_string(item)) {
      orders.push_back(*o);
    } else {
      throw InvalidArgument(fmt::format("script item '{}': unknown order '{}'", full, item));
    }
    for (int i = 0; i < count; ++i)
      for (Order o : orders) {
        const int st = stage != 0 ? stage : (is_squeeze(o) ? 1 : default_stage);
        out.push_back({o, st});
      }
  }
  if (out.empty()) throw InvalidArgument("the script has no reps");
  return out;
}

void judge_truth(RepTruth& rep, double tolerance_ms) {
  const auto& g = rep.muscles[static_cast<int>(Muscle::kGlute)];
  const auto& h = rep.muscles[static_cast<int>(Muscle::kHamstring)];
  const auto& l = rep.muscles[static_cast<int>(Muscle::kLumbar)];
  const double tol = tolerance_ms / 1000.0;
  rep.expected_good = false;
  if (!g.fires) {
    rep.expected_reason = "glute never fired";
    return;
  }
  if (rep.stage == 1) {
    for (Muscle m : {Muscle::kHamstring, Muscle::kLumbar})
      if (rep.muscles[static_cast<int>(m)].fires) {
        rep.expected_reason = fmt::format("{} fired during the squeeze", to_string(m));
        return;
      }
  }
  for (Muscle m : {Muscle::kHamstring, Muscle::kLumbar}) {
    const auto& x = rep.muscles[static_cast<int>(m)];
    if (x.fires && x.onset_s < g.onset_s - tol) {
      rep.expected_reason = fmt::format("{} fired {:.0f} ms before glute", to_string(m),
                                        (g.onset_s - x.onset_s) * 1000.0);
      return;
    }
  }
  if (rep.stage >= 2 && h.fires && l.fires && l.onset_s < h.onset_s - tol) {
    rep.expected_reason =
        fmt::format("lumbar fired {:.0f} ms before hamstring", (h.onset_s - l.onset_s) * 1000.0);
    return;
  }
  rep.expected_good = true;
  rep.expected_reason.clear();
}

Timeline::Timeline(std::vector<ScriptItem> script, ScenarioConfig config)
    : script_(std::move(script)), config_(config), rng_(config.seed) {
  if (script_.empty()) throw InvalidArgument("the script has no reps");
  next_start_s_ = config_.rest_before_s;
  if (config_.calibration) return;  // the actor plays instead of the script
  if (!config_.loop) {
    for (const auto& item : script_) append_rep(item);
  } else {
    extend_until(0.0);
  }
}

void Timeline::append_rep(const ScriptItem& item) {
  RepTruth r;
  r.rep = static_cast<int>(reps_.size()) + 1;
  r.order = item.order;
  r.stage = item.stage;
  r.start_s = next_start_s_;
  double t = r.start_s;
  bool first = true;
  for (Muscle m : firing_sequence(item.order)) {
    if (!first) t += (config_.gap_ms + rng_.uniform(-1.0, 1.0) * config_.gap_jitter_ms) / 1000.0;
    first = false;
    MuscleTruth& mt = r.muscles[static_cast<int>(m)];
    mt.fires = true;
    mt.onset_s = t;
    mt.ramp_s = config_.ramp_ms > 0 ? config_.ramp_ms * rng_.uniform(0.5, 1.5) / 1000.0 : 0.0;
    mt.level = config_.level * rng_.uniform(0.8, 1.2);
  }
  double hold_end = 0.0;
  if (item.stage >= 2) {
    r.lift_onset_s = r.start_s + kLiftDelayS;
    r.lift_deg = item.stage == 2 ? rng_.uniform(6.0, 10.0) : rng_.uniform(20.0, 30.0);
    hold_end = r.lift_onset_s + kLiftRiseS + config_.hold_s;
  } else {
    r.lift_onset_s = r.start_s;
    r.lift_deg = 0.0;
    hold_end = t + config_.hold_s;
  }
  double end = hold_end;
  int k = 0;
  for (auto& mt : r.muscles) {
    if (!mt.fires) continue;
    mt.offset_s = std::max(hold_end + 0.3 + kOffStaggerS * k++, mt.onset_s + mt.ramp_s + 0.2);
    end = std::max(end, mt.offset_s + kOffRampS);
  }
  if (item.stage >= 2) end = std::max(end, hold_end + kLiftRiseS);
  r.end_s = end;
  judge_truth(r, config_.tolerance_ms);
  reps_.push_back(std::move(r));
  next_start_s_ = end + config_.rest_between_s + rng_.uniform(-1.0, 1.0) * config_.rest_jitter_s;
}

void Timeline::extend_until(double t_s) {
  if (!config_.loop) return;
  while (reps_.empty() || reps_.back().end_s < t_s + 10.0) {
    append_rep(script_[next_item_]);
    next_item_ = (next_item_ + 1) % script_.size();
  }
}

const RepTruth* Timeline::rep_near(double t_s) {
  if (config_.calibration) return nullptr;
  extend_until(t_s);
  // Reps are ordered; move the cursor past reps that ended well before t.
  while (cursor_ + 1 < reps_.size() && reps_[cursor_].end_s + 1.0 < t_s) ++cursor_;
  for (std::size_t i = cursor_ > 0 ? cursor_ - 1 : 0; i < reps_.size(); ++i) {
    const RepTruth& r = reps_[i];
    if (t_s < r.start_s - 1.0) break;
    if (t_s <= r.end_s + 1.0) return &r;
  }
  return nullptr;
}

double Timeline::activation(Muscle m, double t_s) {
  if (config_.calibration) return config_.calibration->activation(static_cast<int>(m), t_s);
  const RepTruth* r = rep_near(t_s);
  if (r == nullptr) return 0.0;
  const MuscleTruth& mt = r->muscles[static_cast<int>(m)];
  if (!mt.fires || t_s < mt.onset_s) return 0.0;
  double a = mt.ramp_s > 0.0 ? std::min(1.0, (t_s - mt.onset_s) / mt.ramp_s) : 1.0;
  if (t_s > mt.offset_s) a *= std::max(0.0, 1.0 - (t_s - mt.offset_s) / kOffRampS);
  return a * mt.level;
}

double Timeline::pitch_deg(double t_s) {
  if (config_.calibration) return config_.calibration->pitch_deg(t_s);
  const RepTruth* r = rep_near(t_s);
  if (r == nullptr || r->lift_deg <= 0.0) return 0.0;
  const double up = raised_cosine((t_s - r->lift_onset_s) / kLiftRiseS);
  const double hold_end = r->lift_onset_s + kLiftRiseS + config_.hold_s;
  const double down = raised_cosine((t_s - hold_end) / kLiftRiseS);
  return r->lift_deg * up * (1.0 - down);
}

std::vector<RepTruth> Timeline::take_new_reps() {
  std::vector<RepTruth> out(reps_.begin() + static_cast<std::ptrdiff_t>(reported_), reps_.end());
  reported_ = reps_.size();
  return out;
}

double Timeline::end_s() const {
  if (config_.calibration) return config_.calibration->end_s();
  return config_.loop ? std::numeric_limits<double>::infinity() : reps_.back().end_s;
}

std::string rep_truth_json(const RepTruth& rep) {
  nlohmann::json j;
  j["type"] = "rep";
  j["rep"] = rep.rep;
  j["order"] = std::string(to_string(rep.order));
  j["stage"] = rep.stage;
  j["start_s"] = rep.start_s;
  j["end_s"] = rep.end_s;
  j["lift_onset_s"] = rep.lift_onset_s;
  j["lift_deg"] = rep.lift_deg;
  j["expected"] = rep.expected_good ? "good" : "restart";
  j["reason"] = rep.expected_reason;
  for (int i = 0; i < kMuscles; ++i) {
    const MuscleTruth& m = rep.muscles[i];
    const std::string name(to_string(static_cast<Muscle>(i)));
    if (m.fires) {
      j["onsets"][name] = m.onset_s;
      j["offsets"][name] = m.offset_s;
      j["ramp_s"][name] = m.ramp_s;
      j["level"][name] = m.level;
    } else {
      j["onsets"][name] = nullptr;
    }
  }
  return j.dump();
}

}  // namespace fpt::sim
