// The live panel and the line log a helper reads.
#include <gtest/gtest.h>

#include <sstream>

#include "terminal_view.hpp"

namespace fpt::cue {
namespace {

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

TEST(ActivityBar, LogScaleFromRestToHundredTimesRest) {
  EXPECT_EQ(count(activity_bar(5.0, 10.0, 20), "\u2588"), 0);      // below rest
  EXPECT_EQ(count(activity_bar(100.0, 10.0, 20), "\u2588"), 10);   // 10x: half
  EXPECT_EQ(count(activity_bar(5000.0, 10.0, 20), "\u2588"), 20);  // capped
  EXPECT_EQ(count(activity_bar(50.0, 0.0, 20), "\u2588"), 0);      // rest not learnt yet
}

TEST(Panel, ShowsStageRepsMusclesAndTheVerdictLarge) {
  LiveState s;
  s.stage = 2;
  s.ready = true;
  s.level_uv = {120.0, 12.0, 8.0};
  s.rest_uv = {6.0, 6.0, 6.0};
  s.active = {true, false, false};
  s.pitch_deg = 12.0;
  s.phase = session::RepPhase::kLift;
  session::Verdict v{false, "lumbar fired 42 ms before glute", "lumbar before glute"};
  const std::string p = render_panel(s, 7, 5, 0, v, "lumbar activation 3.1x rest", false);
  EXPECT_NE(p.find("stage 2 (begin the lift)"), std::string::npos) << p;
  EXPECT_NE(p.find("| lift | rep 7 | good 5"), std::string::npos) << p;
  EXPECT_NE(p.find("thigh +12 deg"), std::string::npos) << p;
  EXPECT_NE(p.find("R E S T A R T"), std::string::npos) << p;
  EXPECT_NE(p.find("lumbar fired 42 ms before glute"), std::string::npos) << p;
  EXPECT_NE(p.find("lumbar activation 3.1x rest"), std::string::npos) << p;
  EXPECT_EQ(count(p, " ON "), 1) << p;
  const std::string coloured = render_panel(s, 7, 5, 0, v, "", true);
  EXPECT_NE(coloured.find("\033[1;97;41m"), std::string::npos);  // white on red
  session::Verdict good{true, "", ""};
  EXPECT_NE(render_panel(s, 8, 6, 1, good, "", true).find("\033[1;97;42m"), std::string::npos);
}

TEST(Panel, SaysWhatToDoBeforeTheFirstRep) {
  LiveState s;
  EXPECT_NE(render_panel(s, 0, 0, 0, std::nullopt, "", false).find("lie still"), std::string::npos);
  s.ready = true;
  EXPECT_NE(render_panel(s, 0, 0, 0, std::nullopt, "", false).find("start a rep"),
            std::string::npos);
  s.link_up = false;
  EXPECT_NE(render_panel(s, 0, 0, 0, std::nullopt, "", false).find("BOARD LOST"),
            std::string::npos);
}

TEST(TerminalView, LinesForEventsAndASummaryWithLatency) {
  std::ostringstream out;
  TerminalView view(out, false, false);
  session::RepEvent e;
  e.kind = session::RepEvent::Kind::kRepEnd;
  e.rep = 3;
  e.verdict = {false, "hamstring fired 60 ms before glute", "hamstring before glute"};
  session::RepProgress p;
  p.lumbar_rel_rest = 4.0;
  p.lumbar_change_pct = -20.0;
  view.on_rep_end(e, p);
  session::StageAdvice a;
  a.text = "5 good reps in a row at stage 1: ready for stage 2";
  view.on_advice(a);
  session::SessionSummary s;
  s.reps = 3;
  s.good = 2;
  s.faults["hamstring before glute"] = 1;
  s.processing_ms = session::percentiles({0.1, 0.2, 0.3});
  view.on_summary(s);
  const std::string text = out.str();
  EXPECT_NE(text.find("rep 3: RESTART - hamstring fired 60 ms before glute"), std::string::npos);
  EXPECT_NE(text.find("-20 % vs the first reps (less: good)"), std::string::npos) << text;
  EXPECT_NE(text.find("ready for stage 2"), std::string::npos);
  EXPECT_NE(text.find("summary: 3 reps, 2 good, 1 restarts: 1 x hamstring before glute"),
            std::string::npos);
  EXPECT_NE(text.find("processing p50 0.20, p95 0.30, p99 0.30 ms (n 3)"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("\033["), std::string::npos);  // no colour codes into a pipe
}

}  // namespace
}  // namespace fpt::cue
