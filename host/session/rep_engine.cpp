#include "rep_engine.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::session {
namespace {
constexpr int idx(Muscle m) {
  return static_cast<int>(m);
}
}  // namespace

std::string_view to_string(RepPhase p) {
  switch (p) {
    case RepPhase::kRest:
      return "rest";
    case RepPhase::kArmed:
      return "armed";
    case RepPhase::kActive:
      return "active";
    case RepPhase::kLift:
      return "lift";
    case RepPhase::kLowering:
      return "lowering";
  }
  return "?";
}

void RepEngine::setup(const RepConfig& c) {
  if (c.stage < 1 || c.stage > 3)
    throw InvalidArgument(fmt::format("stage {} is not 1, 2 or 3", c.stage));
  if (c.tolerance_ms < 0.0 || c.tolerance_ms > 500.0)
    throw InvalidArgument(fmt::format("tolerance {} ms is outside 0..500 ms", c.tolerance_ms));
  if (c.fs_hz <= 0.0) throw InvalidArgument("sample rate must be positive");
  RepEngine fresh;
  fresh.config_ = c;
  fresh.grace_ = static_cast<std::uint32_t>(std::lround(c.grace_ms * c.fs_hz / 1000.0));
  // A leader may fire up to the tolerance after the offender and still count as first.
  fresh.tolerance_ = static_cast<std::uint32_t>(std::lround(c.tolerance_ms * c.fs_hz / 1000.0));
  fresh.end_quiet_ = static_cast<std::uint32_t>(std::lround(c.end_quiet_ms * c.fs_hz / 1000.0));
  fresh.max_rep_ = static_cast<std::uint64_t>(std::lround(c.max_rep_s * c.fs_hz));
  *this = fresh;
}

void RepEngine::set_stage(int stage) {
  RepConfig c = config_;
  c.stage = stage;
  const int reps = rep_;
  setup(c);
  rep_ = reps;
}

void RepEngine::on_onset(Muscle m, std::uint64_t decision, std::uint64_t estimate) noexcept {
  if (!active_) {
    active_ = true;
    phase_ = RepPhase::kActive;
    start_pending_ = true;
    ++rep_;
    start_index_ = estimate;
    decided_ = {};
    estimate_ = {};
    refined_ = {};
    cued_ = false;
    cue_index_.reset();
    check_at_.reset();
    peak_pitch_ = pitch_deg_;
    lift_index_.reset();
  }
  on_[idx(m)] = true;
  if (decided_[idx(m)]) return;  // only the first activation of each muscle counts in a rep
  decided_[idx(m)] = decision;
  estimate_[idx(m)] = estimate;
  if (cued_ || m == Muscle::kGlute) return;
  const bool glute_known = decided_[idx(Muscle::kGlute)].has_value();
  // A leader whose onset came before the offender's (estimated) onset, or within the
  // tolerance after it, is decided by then plus its detector's decision delay (the grace):
  // wait until that moment, counted from the offender's onset, not from its decision.
  const std::uint64_t wait_until = std::max(decision, estimate + grace_ + tolerance_);
  if (config_.stage == 1 || !glute_known) {
    // Stage 1 allows no other muscle at all.
    if (!check_at_) {
      check_at_ = config_.stage == 1 ? decision : wait_until;
      pending_offender_ = m;
    }
  } else if (m == Muscle::kLumbar && !decided_[idx(Muscle::kHamstring)]) {
    if (!check_at_) {
      check_at_ = wait_until;
      pending_offender_ = m;
    }
  }
}

void RepEngine::on_refined(Muscle m, std::uint64_t onset) noexcept {
  if (active_ && decided_[idx(m)] && !refined_[idx(m)]) refined_[idx(m)] = onset;
}

void RepEngine::on_offset(Muscle m, std::uint64_t /*index*/) noexcept {
  on_[idx(m)] = false;
}

void RepEngine::on_pitch(double pitch_deg, std::uint64_t index) noexcept {
  pitch_deg_ = pitch_deg;
  if (!active_) return;
  peak_pitch_ = std::max(peak_pitch_, pitch_deg);
  if (!lift_index_ && pitch_deg > config_.lift_deg) lift_index_ = index;
  // Lowering: after a lift, once the thigh has come down a third of the way from its peak.
  if (phase_ == RepPhase::kActive && pitch_deg > config_.lift_deg) phase_ = RepPhase::kLift;
  if (phase_ == RepPhase::kLift && pitch_deg < peak_pitch_ - (peak_pitch_ - config_.lift_deg) / 3.0)
    phase_ = RepPhase::kLowering;
}

std::size_t RepEngine::tick(std::uint64_t index, std::span<RepEvent> out) {
  std::size_t n = 0;
  if (!active_) return n;
  if (start_pending_ && n < out.size()) {
    RepEvent e;
    e.kind = RepEvent::Kind::kRepStart;
    e.rep = rep_;
    e.index = index;
    e.t_s = seconds(index);
    e.start_index = start_index_;
    e.start_s = seconds(start_index_);
    out[n++] = e;
    start_pending_ = false;
  }
  if (check_at_ && index >= *check_at_ && !cued_) {
    const Muscle off = pending_offender_;
    const std::uint64_t tol = tolerance_;
    const std::uint64_t off_t = *estimate_[idx(off)];
    // Who should have come first: the glute (or, for a lumbar at stage >= 2, the hamstring).
    const Muscle leader = (off == Muscle::kLumbar && config_.stage >= 2 &&
                           decided_[idx(Muscle::kGlute)] && !decided_[idx(Muscle::kHamstring)])
                              ? Muscle::kHamstring
                              : Muscle::kGlute;
    const auto& lead_t = estimate_[idx(leader)];
    const bool wrong = config_.stage == 1 || !lead_t || *lead_t > off_t + tol;
    check_at_.reset();
    if (wrong) {
      cued_ = true;
      if (config_.cue_restarts && n < out.size()) {
        cue_index_ = index;
        cue_offender_ = off;
        RepEvent e;
        e.kind = RepEvent::Kind::kRestartCue;
        e.rep = rep_;
        e.index = index;
        e.t_s = seconds(index);
        e.cue_s = e.t_s;
        e.offender = off;
        e.leader = leader;
        e.lead_ms = lead_t ? seconds(*lead_t - std::min(*lead_t, off_t)) * 1000.0
                           : seconds(index - off_t) * 1000.0;
        out[n++] = e;
      }
    }
  }
  // The rep ends once every muscle is off and the thigh is down, for a while.
  const bool quiet = !on_[0] && !on_[1] && !on_[2] && pitch_deg_ < config_.lift_deg;
  if (quiet && !quiet_) quiet_since_ = index;
  quiet_ = quiet;
  const bool too_long = index > start_index_ && index - start_index_ > max_rep_;
  const bool ended = (quiet && index - quiet_since_ >= end_quiet_) || too_long;
  if (ended && n < out.size()) {
    RepEvent e;
    e.kind = RepEvent::Kind::kRepEnd;
    e.rep = rep_;
    e.index = index;
    e.t_s = seconds(index);
    e.start_index = start_index_;
    e.start_s = seconds(start_index_);
    for (int m = 0; m < kMuscles; ++m) {
      if (decided_[m]) e.decisions[m] = seconds(*decided_[m]);
      const auto& t = refined_[m] ? refined_[m] : estimate_[m];
      if (t) e.onsets[m] = seconds(*t);
    }
    e.peak_pitch_deg = peak_pitch_;
    if (lift_index_) e.lift_s = seconds(*lift_index_);
    e.verdict = judge(config_.stage, e.onsets, config_.tolerance_ms);
    e.cued_restart = cue_index_.has_value();
    if (cue_index_) e.cue_s = seconds(*cue_index_);
    e.cue_offender = cue_offender_;
    e.verdict_changed = config_.cue_restarts && (cued_ == e.verdict.good);
    out[n++] = e;
    active_ = false;
    phase_ = RepPhase::kArmed;
    on_ = {};
  }
  return n;
}

}  // namespace fpt::session
