// SessionCoach: what a session learns across reps (advice, trends, orders, latency).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "session_coach.hpp"

namespace fpt::session {
namespace {

class Record final : public CoachedSink {
 public:
  void on_rep_event(const RepEvent& e) override { events.push_back(e); }
  void on_rep_end(const RepEvent& e, const RepProgress& p) override {
    ends.push_back(e);
    progress.push_back(p);
  }
  void on_advice(const StageAdvice& a) override { advice.push_back(a); }
  void on_summary(const SessionSummary& s) override { summary = s; }
  std::vector<RepEvent> events, ends;
  std::vector<RepProgress> progress;
  std::vector<StageAdvice> advice;
  SessionSummary summary;
};

RepEvent rep_end(int rep, bool good, RepOnsets onsets, double lumbar_rms = 30.0) {
  RepEvent e;
  e.kind = RepEvent::Kind::kRepEnd;
  e.rep = rep;
  e.onsets = onsets;
  e.verdict = judge(3, onsets, 0.0);
  EXPECT_EQ(e.verdict.good, good) << "test data: rep " << rep;
  e.mean_rms_uv = {40.0, 30.0, lumbar_rms};
  e.rest_sigma_uv = {5.0, 5.0, 10.0};
  return e;
}

constexpr RepOnsets kGood{1.00, 1.08, 1.16};
constexpr RepOnsets kLumbarFirst{1.10, 1.18, 1.00};

TEST(Percentiles, NearestRank) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  const Percentiles p = percentiles(v);
  EXPECT_EQ(p.n, 100u);
  EXPECT_EQ(p.p50, 50.0);
  EXPECT_EQ(p.p95, 95.0);
  EXPECT_EQ(p.p99, 99.0);
  EXPECT_EQ(p.max, 100.0);
  EXPECT_EQ(percentiles({7.0}).p99, 7.0);
  EXPECT_TRUE(std::isnan(percentiles({}).p50));
}

TEST(FiringOrder, SortsAndNamesSilentMuscles) {
  EXPECT_EQ(firing_order(kGood), "glute > hamstring > lumbar");
  EXPECT_EQ(firing_order(kLumbarFirst), "lumbar > glute > hamstring");
  EXPECT_EQ(firing_order({std::nullopt, 1.0, 0.9}), "lumbar > hamstring; glute silent");
  EXPECT_EQ(firing_order({}), "nothing fired");
}

TEST(SessionCoach, AdvisesTheNextStageAfterNGoodRepsInARow) {
  CoachConfig c;
  c.stage = 2;
  c.advance_after = 3;
  SessionCoach coach(c);
  Record out;
  coach.add_output(&out);
  int rep = 0;
  // good, good, restart (streak broken), then three good: advice on the last one only.
  for (bool good : {true, true, false, true, true, true})
    coach.on_rep_event(rep_end(++rep, good, good ? kGood : kLumbarFirst));
  ASSERT_EQ(out.advice.size(), 1u);
  EXPECT_EQ(out.advice[0].rep, 6);
  EXPECT_EQ(out.advice[0].streak, 3);
  EXPECT_EQ(out.advice[0].next_stage, 3);
  EXPECT_NE(out.advice[0].text.find("ready for stage 3"), std::string::npos);
  EXPECT_EQ(out.progress[2].streak, 0);
  EXPECT_EQ(out.progress[5].streak, 3);
  coach.finish(60.0, 0, 0);
  EXPECT_EQ(out.summary.reps, 6);
  EXPECT_EQ(out.summary.good, 5);
  EXPECT_EQ(out.summary.best_streak, 3);
  EXPECT_EQ(out.summary.faults.at("lumbar before glute"), 1);
}

TEST(SessionCoach, AtTheLastStageAdvisesToKeepGoing) {
  CoachConfig c;
  c.stage = 3;
  c.advance_after = 2;
  SessionCoach coach(c);
  Record out;
  coach.add_output(&out);
  coach.on_rep_event(rep_end(1, true, kGood));
  coach.on_rep_event(rep_end(2, true, kGood));
  ASSERT_EQ(out.advice.size(), 1u);
  EXPECT_EQ(out.advice[0].next_stage, 0);
  EXPECT_NE(out.advice[0].text.find("back activates less"), std::string::npos);
}

TEST(SessionCoach, LumbarTrendRelativeToRestAndMvc) {
  CoachConfig c;
  c.mvc_uv[2] = 200.0;
  SessionCoach coach(c);
  Record out;
  coach.add_output(&out);
  // Lumbar RMS falls from 60 to 30 uV over eight reps (rest SD 10 uV: 6x -> 3x rest).
  for (int i = 0; i < 8; ++i) coach.on_rep_event(rep_end(i + 1, true, kGood, 60.0 - i * 30.0 / 7));
  EXPECT_NEAR(out.progress[0].lumbar_rel_rest, 6.0, 1e-9);
  EXPECT_NEAR(*out.progress[0].lumbar_pct_mvc, 30.0, 1e-9);
  EXPECT_FALSE(out.progress[2].lumbar_change_pct.has_value());  // still the first reps
  ASSERT_TRUE(out.progress[7].lumbar_change_pct.has_value());
  EXPECT_LT(*out.progress[7].lumbar_change_pct, -35.0);
  const SessionSummary s = coach.summary(10.0);
  EXPECT_NEAR(*s.lumbar_first, (6.0 + 6.0 - 3.0 / 7 + 6.0 - 6.0 / 7) / 3, 1e-9);
  EXPECT_LT(*s.lumbar_change_pct, -30.0);
  EXPECT_LT(*s.lumbar_slope_pct_per_rep, 0.0);
  EXPECT_NEAR(*s.lumbar_pct_mvc_last, 15.0, 1e-9);
}

TEST(SessionCoach, NaturalOrdersAndInterOnsetLatencies) {
  SessionCoach coach(CoachConfig{});
  Record out;
  coach.add_output(&out);
  coach.on_rep_event(rep_end(1, true, {1.00, 1.10, 1.20}));
  coach.on_rep_event(rep_end(2, true, {1.00, 1.05, 1.30}));
  coach.on_rep_event(rep_end(3, false, kLumbarFirst));
  const SessionSummary s = coach.summary(10.0);
  EXPECT_EQ(s.orders.at("glute > hamstring > lumbar"), 2);
  EXPECT_EQ(s.orders.at("lumbar > glute > hamstring"), 1);
  EXPECT_EQ(s.hamstring_after_glute.n, 3u);
  EXPECT_NEAR(s.hamstring_after_glute.mean_ms, (100.0 + 50.0 + 80.0) / 3, 1e-6);
  EXPECT_NEAR(s.lumbar_after_glute.mean_ms, (200.0 + 300.0 - 100.0) / 3, 1e-6);
  EXPECT_GT(s.lumbar_after_glute.sd_ms, 100.0);
}

TEST(SessionCoach, MeasuresLatencyAfterTheFirstOutputHasTheCue) {
  std::int64_t clock_ns = 1'000'000'000;
  SessionCoach coach(CoachConfig{}, [&] { return clock_ns; });
  // The first output (the sound) takes 0.3 ms; the second must see the measured latency.
  class Slow final : public CoachedSink {
   public:
    explicit Slow(std::int64_t& c) : c_(c) {}
    void on_rep_event(const RepEvent& e) override {
      seen_nan = std::isnan(e.processing_ms);
      c_ += 300'000;
    }
    bool seen_nan = false;

   private:
    std::int64_t& c_;
  } sound(clock_ns);
  Record log;
  coach.add_output(&sound);
  coach.add_output(&log);
  RepEvent cue;
  cue.kind = RepEvent::Kind::kRestartCue;
  cue.rep = 1;
  cue.offender = Muscle::kLumbar;
  cue.t_s = cue.cue_s.emplace(1.040);
  cue.arrival_ns = clock_ns - 200'000;  // the deciding frame arrived 0.2 ms ago
  coach.on_rep_event(cue);
  EXPECT_TRUE(sound.seen_nan);
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_NEAR(log.events[0].processing_ms, 0.5, 1e-9);

  RepEvent end = rep_end(1, false, {1.05, 1.10, 1.00});
  end.cue_s = 1.040;
  end.cue_offender = Muscle::kLumbar;
  coach.on_rep_event(end);
  const SessionSummary s = coach.summary(5.0);
  EXPECT_EQ(s.processing_ms.n, 1u);  // the rep end had no arrival time: not counted
  EXPECT_NEAR(s.processing_ms.p99, 0.5, 1e-9);
  ASSERT_EQ(s.decision_delay_ms.n, 1u);
  EXPECT_NEAR(s.decision_delay_ms.p50, 40.0, 1e-9);  // cue 1.040 s - lumbar onset 1.000 s
}

}  // namespace
}  // namespace fpt::session
