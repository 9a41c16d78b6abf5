// The verdict rules and the rep engine's live cue, driven by scripted onset events.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "error.hpp"
#include "rep_engine.hpp"
#include "verdict.hpp"

namespace fpt::session {
namespace {

RepOnsets onsets(std::optional<double> g, std::optional<double> h, std::optional<double> l) {
  return {g, h, l};
}

TEST(Judge, EveryRuleWithItsReason) {
  EXPECT_TRUE(judge(3, onsets(1.0, 1.08, 1.16), 0).good);
  EXPECT_EQ(judge(3, onsets(1.1, 1.0, 1.2), 0).reason, "hamstring fired 100 ms before glute");
  EXPECT_EQ(judge(3, onsets(1.1, 1.05, 1.0), 0).reason, "lumbar fired 100 ms before glute");
  EXPECT_EQ(judge(3, onsets(std::nullopt, 1.0, 1.1), 0).reason, "glute never fired");
  EXPECT_EQ(judge(2, onsets(1.0, 1.2, 1.1), 0).reason, "lumbar fired 100 ms before hamstring");
  EXPECT_EQ(judge(3, onsets(1.0, 1.2, 1.1), 0).fault, "lumbar before hamstring");
  EXPECT_TRUE(judge(1, onsets(1.0, std::nullopt, std::nullopt), 0).good);
  EXPECT_EQ(judge(1, onsets(1.0, 1.3, std::nullopt), 0).reason,
            "hamstring fired during the squeeze");
  EXPECT_TRUE(judge(2, onsets(1.0, std::nullopt, std::nullopt), 0).good);
}

TEST(Judge, ToleranceBoundary) {
  EXPECT_TRUE(judge(3, onsets(1.030, 1.0, 1.2), 30.0).good);  // by more than the tolerance
  EXPECT_FALSE(judge(3, onsets(1.030, 1.0, 1.2), 29.0).good);
}

struct Driver {
  RepEngine engine;
  std::vector<RepEvent> events;
  std::uint64_t now = 0;
  explicit Driver(RepConfig c) { engine.setup(c); }
  void run_until(std::uint64_t index) {
    std::array<RepEvent, RepEngine::kMaxEvents> out{};
    for (; now <= index; ++now) {
      const std::size_t n = engine.tick(now, out);
      events.insert(events.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  const RepEvent* find(RepEvent::Kind k) const {
    for (const auto& e : events)
      if (e.kind == k) return &e;
    return nullptr;
  }
};

TEST(RepEngine, HamstringFirst_CuedAfterGraceAndJudged) {
  RepConfig c;  // 1000 Hz, stage 3, grace 35 ms
  Driver d(c);
  d.run_until(999);
  d.engine.on_onset(Muscle::kHamstring, 1010, 1000);
  d.run_until(1034);
  EXPECT_EQ(d.find(RepEvent::Kind::kRestartCue), nullptr);  // grace from the onset estimate
  d.run_until(1035);
  const RepEvent* cue = d.find(RepEvent::Kind::kRestartCue);
  ASSERT_NE(cue, nullptr);
  EXPECT_EQ(cue->offender, Muscle::kHamstring);
  EXPECT_EQ(cue->leader, Muscle::kGlute);
  EXPECT_EQ(cue->index, 1035u);
  d.engine.on_onset(Muscle::kGlute, 1100, 1090);
  d.engine.on_refined(Muscle::kHamstring, 1000);
  d.engine.on_refined(Muscle::kGlute, 1090);
  d.engine.on_offset(Muscle::kHamstring, 3000);
  d.engine.on_offset(Muscle::kGlute, 3000);
  d.run_until(3400);
  const RepEvent* end = d.find(RepEvent::Kind::kRepEnd);
  ASSERT_NE(end, nullptr);
  EXPECT_FALSE(end->verdict.good);
  EXPECT_EQ(end->verdict.reason, "hamstring fired 90 ms before glute");
  EXPECT_TRUE(end->cued_restart);
  EXPECT_FALSE(end->verdict_changed);
}

TEST(RepEngine, GluteDecidedLateButEarlierOnset_NoCue) {
  // The glute's detector decides after the hamstring's, but its onset was earlier: the grace
  // exists exactly for this.
  Driver d(RepConfig{});
  d.engine.on_onset(Muscle::kHamstring, 1010, 1005);
  d.run_until(1020);
  d.engine.on_onset(Muscle::kGlute, 1030, 995);
  d.run_until(1100);
  EXPECT_EQ(d.find(RepEvent::Kind::kRestartCue), nullptr);
}

TEST(RepEngine, WithATolerance_WaitsForAGluteWithinIt) {
  // Tolerance 100 ms: a glute firing 90 ms after the hamstring still leads. fpt must wait the
  // grace plus the tolerance before cueing, and not cue at all when that glute comes.
  RepConfig c;
  c.tolerance_ms = 100.0;
  Driver d(c);
  d.engine.on_onset(Muscle::kHamstring, 1010, 1000);
  d.run_until(1099);
  EXPECT_EQ(d.find(RepEvent::Kind::kRestartCue), nullptr);
  d.engine.on_onset(Muscle::kGlute, 1100, 1090);
  d.run_until(1300);
  EXPECT_EQ(d.find(RepEvent::Kind::kRestartCue), nullptr);

  // Without a glute the cue comes at onset + grace + tolerance: 1000 + 35 + 100.
  Driver late(c);
  late.engine.on_onset(Muscle::kHamstring, 1010, 1000);
  late.run_until(1134);
  EXPECT_EQ(late.find(RepEvent::Kind::kRestartCue), nullptr);
  late.run_until(1135);
  ASSERT_NE(late.find(RepEvent::Kind::kRestartCue), nullptr);
  EXPECT_EQ(late.find(RepEvent::Kind::kRestartCue)->index, 1135u);

  // A slow decision (after onset + grace) is cued at the decision itself.
  Driver slow(RepConfig{});
  slow.engine.on_onset(Muscle::kLumbar, 1060, 1000);
  slow.run_until(1060);
  ASSERT_NE(slow.find(RepEvent::Kind::kRestartCue), nullptr);
  EXPECT_EQ(slow.find(RepEvent::Kind::kRestartCue)->index, 1060u);
}

TEST(RepEngine, Stage1_AnyOtherMuscleRestartsAtOnce_AssessModeNeverCues) {
  RepConfig c;
  c.stage = 1;
  Driver d(c);
  d.engine.on_onset(Muscle::kGlute, 1000, 990);
  d.run_until(1200);
  d.engine.on_onset(Muscle::kLumbar, 1210, 1200);
  d.run_until(1210);
  ASSERT_NE(d.find(RepEvent::Kind::kRestartCue), nullptr);

  c.cue_restarts = false;
  Driver quiet(c);
  quiet.engine.on_onset(Muscle::kHamstring, 1010, 1000);
  quiet.run_until(1500);
  EXPECT_EQ(quiet.find(RepEvent::Kind::kRestartCue), nullptr);
}

TEST(RepEngine, Stage2LumbarBeforeHamstring_CuedWithTheRightLeader) {
  RepConfig c;
  c.stage = 2;
  Driver d(c);
  d.run_until(999);
  d.engine.on_onset(Muscle::kGlute, 1005, 1000);
  d.run_until(1080);
  d.engine.on_onset(Muscle::kLumbar, 1090, 1080);
  d.run_until(1200);
  const RepEvent* cue = d.find(RepEvent::Kind::kRestartCue);
  ASSERT_NE(cue, nullptr);
  EXPECT_EQ(cue->offender, Muscle::kLumbar);
  EXPECT_EQ(cue->leader, Muscle::kHamstring);
}

TEST(RepEngine, RepEndsWhenAllOffAndThighDown) {
  Driver d(RepConfig{});
  d.run_until(999);
  d.engine.on_onset(Muscle::kGlute, 1000, 995);
  d.engine.on_pitch(20.0, 1100);
  d.engine.on_offset(Muscle::kGlute, 2500);
  d.run_until(3000);
  EXPECT_EQ(d.find(RepEvent::Kind::kRepEnd), nullptr);  // thigh still up
  d.engine.on_pitch(0.5, 3000);
  d.run_until(3400);
  const RepEvent* end = d.find(RepEvent::Kind::kRepEnd);
  ASSERT_NE(end, nullptr);
  EXPECT_NEAR(end->peak_pitch_deg, 20.0, 1e-9);
  EXPECT_TRUE(end->lift_s.has_value());
  EXPECT_TRUE(end->verdict.good);
}

TEST(RepEngine, PhasesFollowTheThigh) {
  Driver d(RepConfig{});  // lift above 3 deg
  EXPECT_EQ(d.engine.phase(), RepPhase::kArmed);
  d.engine.on_onset(Muscle::kGlute, 1010, 1000);
  EXPECT_EQ(d.engine.phase(), RepPhase::kActive);
  d.engine.on_pitch(10.0, 1100);
  EXPECT_EQ(d.engine.phase(), RepPhase::kLift);
  d.engine.on_pitch(30.0, 1500);
  d.engine.on_pitch(25.0, 2500);  // held near the peak: still lifting
  EXPECT_EQ(d.engine.phase(), RepPhase::kLift);
  d.engine.on_pitch(15.0, 2800);  // more than a third of the way down
  EXPECT_EQ(d.engine.phase(), RepPhase::kLowering);
  d.engine.on_pitch(0.0, 3000);
  d.engine.on_offset(Muscle::kGlute, 3000);
  d.run_until(3400);
  EXPECT_EQ(d.engine.phase(), RepPhase::kArmed);
  EXPECT_EQ(to_string(RepPhase::kLowering), "lowering");
}

TEST(RepEngine, InvalidSettings_Throw) {
  RepEngine e;
  RepConfig c;
  c.stage = 4;
  EXPECT_THROW(e.setup(c), InvalidArgument);
  c.stage = 2;
  c.tolerance_ms = -1;
  EXPECT_THROW(e.setup(c), InvalidArgument);
}

}  // namespace
}  // namespace fpt::session
