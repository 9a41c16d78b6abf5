#include "calibration_flow.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "emg_conditioner.hpp"
#include "error.hpp"
#include "mvc.hpp"
#include "robust_stats.hpp"

namespace fpt::calibration {
namespace {

constexpr std::array<const char*, 3> kMuscle{"glute", "hamstring", "lumbar"};
constexpr std::array<const char*, 3> kTask{"hip extension", "knee flexion", "back extension"};
constexpr std::array<const char*, 3> kInstruction{
    "squeeze the buttock and press the straight leg up into the helper's hand at the back of "
    "the thigh (hip extension)",
    "bend the knee a little and pull the heel towards the buttock against the helper's hand "
    "(knee flexion)",
    "arms by your sides, lift the chest against the helper's hands on the upper back (back "
    "extension)"};
constexpr std::array<const char*, 3> kSpoken{
    "squeeze the buttock and press the straight leg up against the hand",
    "pull the heel towards the buttock against the hand", "lift the chest against the hands"};
constexpr double kMvcBeforeS = 0.5;   // the athlete may start a little before "go" ...
constexpr double kMvcAfterS = 1.0;    // ... or keep pushing a little after "relax"
constexpr double kStillG = 0.05;      // SD per axis of a still pose
constexpr double kActiveRatio = 5.0;  // an MVC's peak RMS must be this many rest SDs

double rest_sd(std::vector<double> x) {
  return dsp::robust_stats(x).scale;
}

}  // namespace

CalibrationFlow::CalibrationFlow(const FlowConfig& c) : config_(c), plan_(c.timing) {
  if (!(c.fs_hz >= 200.0 && c.fs_hz <= 20000.0))
    throw InvalidArgument("the EMG rate must be 200..20000 Hz");
  if (c.imu_rate_hz < 0.0 || c.imu_rate_hz > 2000.0)
    throw InvalidArgument("the IMU rate must be 0..2000 Hz");
  if (!(c.weak_ratio > 0.0 && c.weak_ratio < 1.0) || !(c.swap_margin > 0.0 && c.swap_margin < 1.0))
    throw InvalidArgument("weak ratio and swap margin must be in (0, 1)");
  const double longest = longest_plan_s(c.timing, c.imu_rate_hz > 0.0) + 2.0;
  for (auto& e : emg_) e.reserve(static_cast<std::size_t>(longest * c.fs_hz));
  accel_.reserve(static_cast<std::size_t>(longest * c.imu_rate_hz));
  plan_.add_rest();
}

double CalibrationFlow::now_s() const {
  return static_cast<double>(emg_.front().size()) / config_.fs_hz;
}

void CalibrationFlow::add_emg(std::uint64_t index, const std::array<double, 3>& uv) {
  auto& first = emg_.front();
  if (done_ || index < first.size() || first.size() == first.capacity()) return;
  // Lost samples hold the last value: a flat stretch, never a false burst.
  while (first.size() < index && first.size() < first.capacity()) {
    for (auto& e : emg_) e.push_back(e.empty() ? 0.0 : e.back());
    ++outcome_.lost_samples;
  }
  if (first.size() == first.capacity()) return;
  for (std::size_t c = 0; c < 3; ++c) emg_[c].push_back(uv[c]);
}

void CalibrationFlow::add_accel(std::uint64_t index, const Eigen::Vector3d& g) {
  if (done_ || index < accel_.size() || accel_.size() == accel_.capacity()) return;
  while (accel_.size() < index && accel_.size() < accel_.capacity())
    accel_.push_back(accel_.empty() ? g : accel_.back());
  if (accel_.size() < accel_.capacity()) accel_.push_back(g);
}

void CalibrationFlow::add_finding(Grade g, std::string what, std::string advice) {
  outcome_.findings.push_back({g, std::move(what), std::move(advice)});
  outcome_.grade = std::max(outcome_.grade, g);
}

std::vector<double> CalibrationFlow::conditioned(int channel, double from_s, double to_s) const {
  const auto& raw = emg_[static_cast<std::size_t>(channel)];
  const auto at = [&](double t) {
    return std::min(raw.size(), static_cast<std::size_t>(std::max(0.0, t) * config_.fs_hz));
  };
  dsp::ConditionerConfig cc;
  cc.fs_hz = config_.fs_hz;
  cc.band_high_hz = std::min(cc.band_high_hz, 0.45 * config_.fs_hz);
  cc.mains_hz = mains_hz_[static_cast<std::size_t>(channel)];
  if (channel == 2) cc.ecg_highpass_hz = 30.0;  // the heartbeat on the trunk, as in training
  dsp::EmgConditioner cond;
  cond.setup(cc);
  const std::size_t settle = at(from_s - 1.0), begin = at(from_s), end = at(to_s);
  std::vector<double> out;
  out.reserve(end - std::min(begin, end));
  for (std::size_t i = settle; i < end; ++i) {
    const double y = cond.process(raw[i]);
    if (i >= begin) out.push_back(y);
  }
  return out;
}

void CalibrationFlow::prompt_step(const PlanStep& s, std::vector<Prompt>& out) const {
  const auto m = static_cast<std::size_t>(std::max(s.muscle, 0));
  Prompt p{s.prompt_s, {}, {}};
  switch (s.kind) {
    case StepKind::kRest:
      p.text =
          fmt::format("Step 1, sensor check: lie face down, relaxed and still, for {:.0f} seconds.",
                      config_.timing.rest_s);
      p.spoken = fmt::format("Sensor check. Lie face down, relaxed and still, for {:.0f} seconds.",
                             config_.timing.rest_s);
      break;
    case StepKind::kMvc:
      if (s.repeat) {
        p.text =
            fmt::format("{}, one more trial: one was clearly weaker than the others.", kMuscle[m]);
      } else if (s.trial == 1) {
        p.text = fmt::format("{} {}, strongest contraction: {}. Trial 1 of {}.",
                             s.muscle == 0 ? "Step 2," : "Next,", kMuscle[m], kInstruction[m],
                             config_.timing.trials);
        p.spoken = fmt::format("{}: {}.", kMuscle[m], kSpoken[m]);
      } else {
        p.text = fmt::format("{}, trial {} of {}.", kMuscle[m], s.trial, config_.timing.trials);
      }
      break;
    case StepKind::kImuFloor:
      p.text = "Step 3, thigh sensor: leg flat on the floor, relaxed.";
      break;
    case StepKind::kImuLift:
      p.text = "Now lift the thigh as high as you can, knee straight, and hold it still.";
      p.spoken = "Lift the thigh as high as you can, and hold it still.";
      break;
  }
  if (p.spoken.empty()) p.spoken = p.text;
  out.push_back(std::move(p));
}

void CalibrationFlow::poll(std::vector<Prompt>& out) {
  static constexpr std::array<const char*, 10> kNumbers{"1", "2", "3", "4", "5",
                                                        "6", "7", "8", "9", "10"};
  while (!done_) {
    const PlanStep s = plan_.steps()[step_];
    // The step's moments in time order; next_due_ counts those already passed.
    struct Moment {
      double t_s;
      Due due;
      int count;
    };
    std::vector<Moment> due{{s.prompt_s, Due::kPrompt, 0}};
    if (s.kind != StepKind::kRest) {
      for (int k = static_cast<int>(config_.timing.countdown_s); k >= 1; --k)
        due.push_back({s.start_s - k, Due::kCount, k});
      due.push_back({s.start_s, Due::kGo, 0});
    }
    due.push_back({s.end_s, Due::kEnd, 0});
    const double margin =
        s.kind == StepKind::kMvc ? std::min(kMvcAfterS, config_.timing.recover_s) : 0.0;
    due.push_back({s.end_s + margin, Due::kJudge, 0});

    const Moment now = due[static_cast<std::size_t>(next_due_)];
    if (now_s() < now.t_s) return;
    ++next_due_;
    const auto say = [&](std::string text) { out.push_back({now.t_s, text, text}); };
    switch (now.due) {
      case Due::kPrompt:
        prompt_step(s, out);
        break;
      case Due::kCount:
        say(kNumbers[static_cast<std::size_t>(std::clamp(now.count, 1, 10) - 1)]);
        break;
      case Due::kGo:
        say(s.kind == StepKind::kMvc ? "Go! As hard as you can." : "Hold still.");
        break;
      case Due::kEnd:
        if (s.kind == StepKind::kMvc) say("And relax.");
        if (s.kind == StepKind::kImuLift) say("Lower the leg and relax.");
        break;
      case Due::kJudge:
        judge(s);
        ++step_;
        next_due_ = 0;
        if (!done_ && step_ >= plan_.steps().size()) finish();
        break;
    }
  }
}

void CalibrationFlow::judge(const PlanStep& s) {
  switch (s.kind) {
    case StepKind::kRest:
      judge_rest(s);
      break;
    case StepKind::kMvc:
      judge_mvc(s);
      break;
    case StepKind::kImuFloor:
    case StepKind::kImuLift:
      judge_pose(s);
      break;
  }
}

void CalibrationFlow::judge_rest(const PlanStep& s) {
  const auto from = static_cast<std::size_t>(s.start_s * config_.fs_hz);
  const auto to = std::min(emg_.front().size(), static_cast<std::size_t>(s.end_s * config_.fs_hz));
  for (std::size_t c = 0; c < 3; ++c) {
    RestCheckInput in;
    in.raw_uv = std::span<const double>(emg_[c]).subspan(from, to - from);
    in.fs_hz = config_.fs_hz;
    in.full_scale_uv = config_.full_scale_uv[c];
    in.trunk = c == 2;
    in.muscle = kMuscle[c];
    outcome_.rest[c] = check_rest(in, config_.limits);
    outcome_.grade = std::max(outcome_.grade, outcome_.rest[c].grade);
    mains_hz_[c] = outcome_.rest[c].mains_hz;
    outcome_.rest_sd_uv[c] = rest_sd(conditioned(static_cast<int>(c), s.start_s, s.end_s));
  }
  // A failed electrode makes every later step meaningless: fix it first.
  if (config_.sensor_check_only || outcome_.grade == Grade::kFail) {
    finish();
    return;
  }
  plan_.add_mvc(0, 1, false);
}

void CalibrationFlow::judge_mvc(const PlanStep& s) {
  TrialResult t;
  t.muscle = s.muscle;
  t.trial = s.trial;
  t.repeat = s.repeat;
  for (int c = 0; c < 3; ++c)
    t.peak_uv[static_cast<std::size_t>(c)] = peak_moving_rms(
        conditioned(c, s.start_s - kMvcBeforeS, s.end_s + kMvcAfterS), config_.fs_hz);
  outcome_.trials.push_back(t);

  if (s.trial < config_.timing.trials) {
    plan_.add_mvc(s.muscle, s.trial + 1, false);
    return;
  }
  // All of this muscle's trials are in: keep the strongest, flag clearly weaker ones.
  const auto m = static_cast<std::size_t>(s.muscle);
  std::vector<double> peaks;
  std::vector<TrialResult*> mine;
  for (auto& r : outcome_.trials)
    if (r.muscle == s.muscle) {
      peaks.push_back(r.peak_uv[m]);
      mine.push_back(&r);
    }
  MvcChoice choice;
  try {
    choice = choose_mvc(peaks, config_.weak_ratio);
  } catch (const InvalidArgument&) {
    choice.mvc = 0.0;  // no activity at all: the swap check reports the channel
  }
  for (auto* r : mine) r->weak = false;
  for (auto w : choice.weak) mine[w]->weak = true;
  outcome_.mvc_uv[m] = choice.mvc;
  if (!s.repeat && !choice.weak.empty() && choice.mvc > 0.0) {
    plan_.add_mvc(s.muscle, s.trial + 1, true);
    return;
  }
  if (s.repeat && mine.back()->weak)
    add_finding(Grade::kWarn,
                fmt::format("{}: the repeated trial was weak again ({:.0f} % of the best)",
                            kMuscle[m], 100.0 * mine.back()->peak_uv[m] / choice.mvc),
                "the MVC comes from the strongest trial; if that one was not maximal, %MVC "
                "reads high: calibrate again when rested");
  if (s.muscle < 2)
    plan_.add_mvc(s.muscle + 1, 1, false);
  else if (config_.imu_rate_hz > 0.0)
    plan_.add_pose(StepKind::kImuFloor);
}

void CalibrationFlow::judge_pose(const PlanStep& s) {
  // The athlete settles into the pose: use the last 60 % of it.
  const double from = s.start_s + 0.4 * (s.end_s - s.start_s);
  const auto a = std::min(accel_.size(), static_cast<std::size_t>(from * config_.imu_rate_hz));
  const auto b = std::min(accel_.size(), static_cast<std::size_t>(s.end_s * config_.imu_rate_hz));
  const bool lift = s.kind == StepKind::kImuLift;
  auto& g = pose_g_[lift ? 1 : 0];
  if (b <= a + 2) {
    add_finding(Grade::kFail, "IMU: no accelerometer samples during the pose",
                "check the board's accelerometer connection");
    return;
  }
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  for (std::size_t i = a; i < b; ++i) mean += accel_[i];
  mean /= static_cast<double>(b - a);
  Eigen::Vector3d var = Eigen::Vector3d::Zero();
  for (std::size_t i = a; i < b; ++i) var += (accel_[i] - mean).cwiseAbs2();
  const double sd = (var / static_cast<double>(b - a)).cwiseSqrt().maxCoeff();
  if (sd > kStillG)
    add_finding(Grade::kWarn,
                fmt::format("IMU: the thigh moved during the {} pose ({:.2f} g)",
                            lift ? "lifted" : "floor", sd),
                "hold the pose still; the rotation may be off by a few degrees");
  g = mean;
  if (!lift) {
    plan_.add_pose(StepKind::kImuLift);
    return;
  }
  try {
    outcome_.imu = align_imu(pose_g_[0], pose_g_[1]);
  } catch (const InvalidArgument& e) {
    add_finding(Grade::kFail, fmt::format("IMU: {}", e.what()),
                "strap the sensor firmly on the back of the thigh and repeat the poses");
  }
}

void CalibrationFlow::finish() {
  done_ = true;
  if (outcome_.lost_samples > 0)
    add_finding(Grade::kWarn,
                fmt::format("{} samples were lost on the link", outcome_.lost_samples),
                "check the cable; the steps were judged on the samples that arrived");
  std::array<bool, 3> tried{};
  for (const auto& t : outcome_.trials) tried[static_cast<std::size_t>(t.muscle)] = true;
  if (!(tried[0] && tried[1] && tried[2])) return;

  // Channel check: each channel, relative to its own rest, should respond most during its
  // own muscle's task. Co-activation is normal (the hamstring helps extend the hip), so only
  // a clear preference for another task counts.
  std::array<std::array<double, 3>, 3> response{};  // [task][channel], in rest SDs
  for (const auto& t : outcome_.trials) {
    if (t.weak) continue;
    for (std::size_t c = 0; c < 3; ++c) {
      const double sd = std::max(outcome_.rest_sd_uv[c], 1e-3);
      auto& r = response[static_cast<std::size_t>(t.muscle)][c];
      r = std::max(r, t.peak_uv[c] / sd);
    }
  }
  std::array<int, 3> prefers{-1, -1, -1};
  for (std::size_t c = 0; c < 3; ++c) {
    std::size_t best = 0;
    for (std::size_t t = 1; t < 3; ++t)
      if (response[t][c] > response[best][c]) best = t;
    if (response[best][c] < kActiveRatio) {
      add_finding(Grade::kFail,
                  fmt::format("the {} channel responded to none of the contractions "
                              "(at most {:.1f} x its rest noise)",
                              kMuscle[c], response[best][c]),
                  "the electrode is not over a working muscle or the cable is in the wrong "
                  "socket; placement: " +
                      placement_advice(kMuscle[c]));
      continue;
    }
    if (best != c && response[c][c] < config_.swap_margin * response[best][c])
      prefers[c] = static_cast<int>(best);
  }
  std::array<bool, 3> told{};
  for (std::size_t a = 0; a < 3; ++a) {
    if (prefers[a] < 0 || told[a]) continue;
    const auto b = static_cast<std::size_t>(prefers[a]);
    if (prefers[b] == static_cast<int>(a)) {
      told[a] = told[b] = true;
      add_finding(Grade::kFail,
                  fmt::format("the {} and {} channels look swapped: '{}' responds most to {}, "
                              "'{}' to {}",
                              kMuscle[a], kMuscle[b], kMuscle[a], kTask[b], kMuscle[b], kTask[a]),
                  "swap the two sensor cables at the board (or the electrodes), then "
                  "calibrate again");
    } else {
      told[a] = true;
      add_finding(
          Grade::kFail,
          fmt::format("the {} channel responds most to {}, not to {} ({:.0f} vs {:.0f} x rest)",
                      kMuscle[a], kTask[b], kTask[a], response[b][a], response[a][a]),
          fmt::format("check the cable is in the {} socket and the electrode on the muscle; "
                      "placement: {}",
                      kMuscle[a], placement_advice(kMuscle[a])));
    }
  }
}

}  // namespace fpt::calibration
