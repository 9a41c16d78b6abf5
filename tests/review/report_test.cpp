// The report's structure from a known review: one timeline row and one panel per rep, restarts
// marked, corrections beside the originals, trends with two sessions or more, nothing that
// reaches the network, and CSV tables with the same numbers.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report.hpp"

namespace fpt::review {
namespace {

namespace fs = std::filesystem;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

RepReview rep(int n, double t, std::optional<double> ham_ms, std::optional<double> lum_ms,
              bool good, const std::string& reason) {
  RepReview r;
  r.rep = n;
  r.start_t = t - 0.05;
  r.end_t = t + 3.0;
  r.onsets[0] = t;
  if (ham_ms) r.onsets[1] = t + *ham_ms / 1e3;
  if (lum_ms) r.onsets[2] = t + *lum_ms / 1e3;
  for (std::size_t m = 0; m < 3; ++m)
    if (r.onsets[m]) r.decisions[m] = *r.onsets[m] + 0.02;
  r.good = good;
  r.reason = reason;
  r.fault = good ? "" : "hamstring before glute";
  r.order = good ? "glute > hamstring > lumbar" : "hamstring > glute > lumbar";
  r.lumbar_rel_rest = 8.0 + n;
  return r;
}

SessionReview review(const std::string& athlete) {
  SessionReview s;
  s.id = "20261125-100000-x";
  s.athlete = athlete;
  s.mode = "train";
  s.started_utc = "2026-11-25T10:00:00Z";
  s.stage = 3;
  s.tolerance_ms = 20;
  s.board = "test board";
  s.reps.push_back(rep(1, 5.0, 80, 160, true, ""));
  s.reps.push_back(rep(2, 10.0, -90, 100, false, "hamstring fired 90 ms before glute"));
  s.reps.push_back(rep(3, 15.0, -60, std::nullopt, false, "hamstring fired 60 ms before glute"));
  s.reps[1].cued_restart = true;
  s.reps[1].cue_t = 10.0;
  // The physio moved rep 2's hamstring onset 100 ms later: the rep becomes good.
  s.reps[1].is_corrected[1] = true;
  s.reps[1].corrected[1] = 10.01;
  s.reps[1].corrected_verdict = session::Verdict{true, "", ""};
  s.corrections.push_back({2, "hamstring", 10.01, "artefact, not the hamstring", "2026-11-26"});
  s.summary.reps = 3;
  s.summary.good = 1;
  s.summary.faults["hamstring before glute"] = 2;
  s.summary.orders["glute > hamstring > lumbar"] = 1;
  s.summary.orders["hamstring > glute > lumbar"] = 2;
  s.envelopes.rate_hz = 100;
  s.envelopes.fs_hz = 1000;
  for (auto& e : s.envelopes.uv)
    for (int k = 0; k < 2000; ++k) e.push_back(k % 500 > 100 && k % 500 < 400 ? 80.0f : 3.0f);
  return s;
}

TEST(Report, OneRowAndOnePanelPerRep_RestartsAndCorrectionsMarked) {
  ReportInput in;
  in.title = "Glute-raise review: <script>alert(1)</script>";
  in.sessions.push_back(review("ana <b>&</b>"));
  std::ostringstream html;
  write_html_report(in, html);
  const std::string h = html.str();
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(h, "<g class=\"rep "), 3u);
  EXPECT_EQ(count(h, "<g class=\"rep restart\""), 2u);
  EXPECT_EQ(count(h, "<figure class=\"panel"), 3u);
  EXPECT_EQ(count(h, "<figure class=\"panel restart\""), 2u);
  EXPECT_EQ(count(h, "class=\"band\""), 1u);
  // Rep 2's hamstring: the detected onset and the correction, and the verdict with it.
  EXPECT_EQ(count(h, "<g class=\"corrected\">"), 2u);  // timeline and panel
  EXPECT_NE(h.find("with the correction: good"), std::string::npos);
  EXPECT_NE(h.find("artefact, not the hamstring"), std::string::npos);
  // Restart cue drawn where it was given; summary figures.
  EXPECT_EQ(count(h, "class=\"cue\""), 1u);
  EXPECT_NE(h.find("2 &times; hamstring before glute"), std::string::npos);
  EXPECT_NE(h.find("<td class=\"reps\">3</td>"), std::string::npos);
  // Names are text, never markup; nothing is fetched from anywhere.
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_NE(h.find("ana &lt;b&gt;&amp;&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(h.find("http"), std::string::npos);
  EXPECT_EQ(h.find("src="), std::string::npos);
  // One session: no trends across sessions.
  EXPECT_EQ(h.find("Across sessions"), std::string::npos);
}

TEST(Report, TimelineMarkersSitAtTheirLatencyFromTheGlute) {
  ReportInput in;
  in.sessions.push_back(review("ana"));
  std::ostringstream html;
  write_html_report(in, html);
  const std::string h = html.str();
  // Rep 1: glute at 0 ms (a circle), hamstring at +80 ms (a triangle), the axis labelled in
  // ms; the distance between them is 80 ms on the axis's scale.
  const auto row = h.find("data-rep=\"1\">");
  ASSERT_NE(row, std::string::npos);
  const auto circle = h.find("<circle cx=\"", row);
  const auto tri = h.find("<path d=\"M", row);
  ASSERT_NE(circle, std::string::npos);
  ASSERT_NE(tri, std::string::npos);
  const double x_glute = std::stod(h.substr(circle + 12, 10));
  const double x_ham = std::stod(h.substr(tri + 10, 10));
  // The axis: -200..400 ms at least, padded by 40 ms around the extremes (-90 and +160 here
  // fit), over 720 - 150 - 20 = 550 px.
  const double px_per_ms = 550.0 / 600.0;
  EXPECT_NEAR(x_ham - x_glute, 80.0 * px_per_ms, 0.2);
}

TEST(Report, TrendsAcrossSessionsAndAPanelLimit) {
  ReportInput in;
  in.max_rep_panels = 2;
  auto a = review("ana");
  auto b = review("ana");
  b.id = "20261126-100000-x";
  b.started_utc = "2026-11-26T10:00:00Z";
  b.summary.good = 3;
  in.sessions = {a, b};
  std::ostringstream html;
  write_html_report(in, html);
  const std::string h = html.str();
  EXPECT_NE(h.find("Across sessions"), std::string::npos);
  EXPECT_EQ(count(h, "class=\"trend-good\""), 1u);
  EXPECT_EQ(count(h, "class=\"trend-lumbar\""), 1u);
  EXPECT_EQ(count(h, "class=\"trend-stage\""), 1u);
  EXPECT_EQ(count(h, "<figure class=\"panel"), 4u);  // 2 per session
  EXPECT_EQ(count(h, "The first 2 of 3 reps are drawn"), 2u);
}

TEST(Report, CsvTablesHoldEveryRepWithTheSameNumbers) {
  const fs::path dir = fs::temp_directory_path() / ("fpt-report-csv-" + std::to_string(::getpid()));
  ReportInput in;
  in.max_rep_panels = 1;  // the CSV still has every rep
  in.sessions.push_back(review("ana"));
  write_csv_report(in, dir);
  const auto lines = [&](const char* name) {
    std::ifstream f(dir / name);
    std::vector<std::string> out;
    for (std::string l; std::getline(f, l);) out.push_back(l);
    return out;
  };
  const auto reps = lines("reps.csv");
  ASSERT_EQ(reps.size(), 4u);
  EXPECT_NE(reps[1].find(",good,,glute > hamstring > lumbar,"), std::string::npos) << reps[1];
  EXPECT_NE(reps[1].find(",80.0,160.0,"), std::string::npos) << reps[1];
  EXPECT_NE(reps[2].find(",-90.0,100.0,"), std::string::npos) << reps[2];
  EXPECT_EQ(reps[2].substr(reps[2].rfind(',') + 1), "good");  // the verdict with the correction
  const auto onsets = lines("onsets.csv");
  ASSERT_EQ(onsets.size(), 10u);
  EXPECT_NE(onsets[5].find(",hamstring,"), std::string::npos);
  EXPECT_NE(onsets[5].find(",10.0100,1"), std::string::npos) << onsets[5];  // corrected, beside
  EXPECT_NE(onsets[5].find(",9.9100,-90.0,"), std::string::npos) << onsets[5];
  EXPECT_EQ(lines("restarts.csv").size(), 2u);
  EXPECT_EQ(lines("orders.csv").size(), 3u);
  EXPECT_EQ(lines("sessions.csv").size(), 2u);
  const auto others = fs::perms::group_all | fs::perms::others_all;
  EXPECT_EQ(fs::status(dir / "reps.csv").permissions() & others, fs::perms::none);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fpt::review
