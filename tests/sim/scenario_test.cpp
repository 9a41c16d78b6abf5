// Scripts, the reference verdict rules, and timeline determinism.
#include <gtest/gtest.h>

#include "error.hpp"
#include "scenario.hpp"

namespace fpt::sim {
namespace {

TEST(Script, Parse_CountsStagesAndMixed) {
  const auto s = parse_script("correct*3,lumbar_before_hamstring@2,squeeze,mixed", 3);
  ASSERT_EQ(s.size(), 3 + 1 + 1 + all_orders().size());
  EXPECT_EQ(s[0].order, Order::kCorrect);
  EXPECT_EQ(s[2].stage, 3);
  EXPECT_EQ(s[3].order, Order::kLumbarBeforeHamstring);
  EXPECT_EQ(s[3].stage, 2);
  EXPECT_EQ(s[4].order, Order::kSqueeze);
  EXPECT_EQ(s[4].stage, 1);  // squeezes default to stage 1
}

TEST(Script, Parse_BadItems_ThrowNamingThem) {
  for (const char* bad : {"correkt", "correct*0", "correct*x", "correct@4", "", ","}) {
    try {
      parse_script(bad, 3);
      FAIL() << bad;
    } catch (const InvalidArgument& e) {
      if (std::string(bad).size() > 1) {
        EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_THROW(parse_script("correct", 5), InvalidArgument);
}

RepTruth rep_with(int stage, double g, double h, double l) {
  RepTruth r;
  r.stage = stage;
  auto set = [&](Muscle m, double t) {
    if (t < 0) return;
    r.muscles[static_cast<int>(m)].fires = true;
    r.muscles[static_cast<int>(m)].onset_s = t;
  };
  set(Muscle::kGlute, g);
  set(Muscle::kHamstring, h);
  set(Muscle::kLumbar, l);
  return r;
}

TEST(Judge, RulesOfThePhysio) {
  auto r = rep_with(3, 1.0, 1.08, 1.16);
  judge_truth(r, 0);
  EXPECT_TRUE(r.expected_good);

  r = rep_with(3, 1.1, 1.0, 1.2);
  judge_truth(r, 0);
  EXPECT_FALSE(r.expected_good);
  EXPECT_EQ(r.expected_reason, "hamstring fired 100 ms before glute");

  r = rep_with(3, -1, 1.0, 1.1);
  judge_truth(r, 0);
  EXPECT_EQ(r.expected_reason, "glute never fired");

  r = rep_with(2, 1.0, 1.2, 1.1);
  judge_truth(r, 0);
  EXPECT_EQ(r.expected_reason, "lumbar fired 100 ms before hamstring");

  r = rep_with(1, 1.0, -1, -1);
  judge_truth(r, 0);
  EXPECT_TRUE(r.expected_good);

  r = rep_with(1, 1.0, 1.3, -1);
  judge_truth(r, 0);
  EXPECT_EQ(r.expected_reason, "hamstring fired during the squeeze");
}

TEST(Judge, ToleranceBoundary) {
  auto r = rep_with(3, 1.030, 1.0, 1.2);  // hamstring leads by 30 ms
  judge_truth(r, 30.0);
  EXPECT_TRUE(r.expected_good);  // "before" means by more than the tolerance
  judge_truth(r, 29.0);
  EXPECT_FALSE(r.expected_good);
}

TEST(Timeline, SameSeedSameTruth_AndOrdersHonoured) {
  ScenarioConfig c;
  c.seed = 42;
  const auto script = parse_script("mixed*3", 3);
  Timeline a(script, c);
  Timeline b(script, c);
  ASSERT_EQ(a.reps().size(), b.reps().size());
  for (std::size_t i = 0; i < a.reps().size(); ++i) {
    EXPECT_EQ(rep_truth_json(a.reps()[i]), rep_truth_json(b.reps()[i]));
    const RepTruth& r = a.reps()[i];
    EXPECT_GT(r.end_s, r.start_s);
    if (i > 0) {
      EXPECT_GT(r.start_s, a.reps()[i - 1].end_s + 1.0);  // rest between reps
    }
    const auto& g = r.muscles[0];
    const auto& h = r.muscles[1];
    if (r.order == Order::kCorrect) {
      EXPECT_LT(g.onset_s, h.onset_s);
      EXPECT_TRUE(r.expected_good);
    }
    if (r.order == Order::kHamstringFirst) {
      EXPECT_LT(h.onset_s, g.onset_s);
    }
    if (r.order == Order::kGluteSilent) {
      EXPECT_FALSE(g.fires);
    }
  }
}

TEST(Timeline, Activation_ZeroBeforeOnsetAndAtLevelAfter) {
  ScenarioConfig c;
  c.ramp_ms = 100;
  Timeline t(parse_script("correct", 3), c);
  const RepTruth r = t.reps()[0];
  const MuscleTruth g = r.muscles[0];
  EXPECT_EQ(t.activation(Muscle::kGlute, g.onset_s - 0.001), 0.0);
  EXPECT_GT(t.activation(Muscle::kGlute, g.onset_s + g.ramp_s / 2), 0.0);
  EXPECT_NEAR(t.activation(Muscle::kGlute, g.onset_s + g.ramp_s + 0.01), g.level, 1e-12);
  EXPECT_EQ(t.activation(Muscle::kGlute, r.end_s + 0.01), 0.0);
  EXPECT_GT(t.pitch_deg(r.lift_onset_s + 0.6), 15.0);
}

TEST(Timeline, Loop_KeepsGrowing) {
  ScenarioConfig c;
  c.loop = true;
  Timeline t(parse_script("correct,hamstring_first", 3), c);
  t.activation(Muscle::kGlute, 200.0);
  EXPECT_GT(t.reps().size(), 20u);
  EXPECT_EQ(t.reps()[2].order, Order::kCorrect);
}

}  // namespace
}  // namespace fpt::sim
