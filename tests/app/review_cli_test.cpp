// The physio's side end to end over a pseudo-terminal: a recorded session appears in the
// session store (and comes back the same after the store is deleted), an onset correction is
// kept beside the original, the report renders in headless Chromium with the expected
// structure, and EDF input to `fpt analyze` gives the live verdicts or one clear error.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace {

using fpt::test::capture;
using fpt::test::kFpt;
using fpt::test::read_lines;
using fpt::test::Result;
using json = nlohmann::json;
namespace fs = std::filesystem;

/// Every verdict and onset in the store, as JSON (read with Python's own sqlite3 module: a
/// reader that is not ours).
json store_rows(const fs::path& db) {
  const std::string py =
      "import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps({"
      "'sessions':c.execute('select id,athlete,mode,stage,reps,good from sessions order by id')"
      ".fetchall(),"
      "'verdicts':c.execute('select session_id,rep,good,reason,firing_order,corrected_good "
      "from verdicts order by session_id,rep').fetchall(),"
      "'onsets':c.execute('select session_id,rep,muscle,onset_s,decision_s,corrected,corrected_s "
      "from onsets order by session_id,rep,muscle').fetchall()}))";
  return json::parse(capture("/usr/bin/python3 -c \"" + py + "\" " + db.string()));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class Review : public fpt::test::Cli {
 protected:
  /// A recorded training session: correct, hamstring first, lumbar first, correct.
  std::string record(const fs::path& events) {
    const std::string port =
        start_fast_sim("--script correct,hamstring_first,lumbar_first,correct --rest-s 5");
    const Result r = run(kFpt + " train --port " + port + " --athlete cleo --duration " +
                         fpt::test::fast_duration(27) + " --sound off --events " + events.string());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto at = r.out.find("session ");
    const auto end = r.out.find(" recorded:");
    if (at == std::string::npos || end == std::string::npos) return {};
    return r.out.substr(at + 8, end - at - 8);
  }

  std::string chromium(const std::string& args) {
    return capture(
        "/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        "--user-data-dir=" +
        (dir_ / "chromium").string() + " " + args + " 2>/dev/null");
  }
};

TEST_F(Review, SessionsStoreAnnotateAndReport_EndToEnd) {
  const fs::path events = dir_ / "live.jsonl";
  const std::string id = record(events);
  ASSERT_FALSE(id.empty());
  const auto verdicts = read_lines(events, "verdict");
  ASSERT_EQ(verdicts.size(), 4u);

  // fpt sessions lists it from the store.
  const Result list = run(kFpt + " sessions --athlete cleo");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("1 session;"), std::string::npos) << list.out;
  EXPECT_NE(run(kFpt + " sessions --athlete nobody").out.find("no sessions for nobody"),
            std::string::npos);

  // The store holds the live verdicts and onsets.
  const fs::path db = dir_ / "data" / "sessions.sqlite";
  const auto others = fs::perms::group_all | fs::perms::others_all;
  EXPECT_EQ(fs::status(db).permissions() & others, fs::perms::none);
  const json stored = store_rows(db);
  ASSERT_EQ(stored["verdicts"].size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(stored["verdicts"][i][2] == 1, verdicts[i]["verdict"] == "good") << i;
    EXPECT_EQ(stored["verdicts"][i][3], verdicts[i]["reason"]);
    const auto& live_onsets = verdicts[i]["onsets"];
    int m = 0;
    for (const char* muscle : {"glute", "hamstring", "lumbar"}) {
      const auto& row = stored["onsets"][i * 3 + static_cast<std::size_t>(m++)];
      if (live_onsets[muscle].is_null())
        EXPECT_TRUE(row[3].is_null());
      else
        EXPECT_NEAR(row[3].get<double>(), live_onsets[muscle].get<double>(), 1e-9);
    }
  }

  // The store is an index: deleted, it comes back the same from the recordings.
  fs::remove(db);
  fs::remove(db.string() + "-wal");
  fs::remove(db.string() + "-shm");
  const Result rebuilt = run(kFpt + " sessions");
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("session store built from 1 recordings"), std::string::npos)
      << rebuilt.out;
  EXPECT_EQ(store_rows(db), stored);

  // Corrections: a wrong rep or a time far from the rep is refused and stores nothing.
  const double ham = verdicts[1]["onsets"]["hamstring"];
  const double glute = verdicts[1]["onsets"]["glute"];
  const Result no_rep = run(kFpt + " annotate " + id + " --rep 9 --muscle glute --onset 1");
  EXPECT_EQ(no_rep.exit_code, 1);
  EXPECT_NE(no_rep.err.find("has no rep 9"), std::string::npos) << no_rep.err;
  const Result far = run(kFpt + " annotate " + id + " --rep 2 --muscle hamstring --onset 0.5");
  EXPECT_EQ(far.exit_code, 1);
  EXPECT_NE(far.err.find("is not near rep 2"), std::string::npos) << far.err;
  const Result junk = run(kFpt + " annotate " + id + " --rep 2 --muscle hamstring --onset 1.2x");
  EXPECT_EQ(junk.exit_code, 1);
  const fs::path sdir = dir_ / "data" / "sessions" / id;
  EXPECT_FALSE(fs::exists(sdir / "corrections.json"));

  // The physio moves rep 2's hamstring onset to 20 ms after the glute's: with it the rep is good.
  const std::string moved = std::to_string(glute + 0.020);
  const Result fix = run(kFpt + " annotate " + id + " --rep 2 --muscle hamstring --onset " + moved +
                         " --note 'movement artefact'");
  ASSERT_EQ(fix.exit_code, 0) << fix.err;
  const auto corrections = json::parse(fpt::test::slurp(sdir / "corrections.json"));
  ASSERT_EQ(corrections["corrections"].size(), 1u);
  EXPECT_EQ(corrections["corrections"][0]["muscle"], "hamstring");
  EXPECT_EQ(fs::status(sdir / "corrections.json").permissions() & others, fs::perms::none);
  const json after = store_rows(db);
  const auto& row = after["onsets"][1 * 3 + 1];
  EXPECT_NEAR(row[3].get<double>(), ham, 1e-9);  // the original stays
  EXPECT_EQ(row[5], 1);
  EXPECT_NEAR(row[6].get<double>(), glute + 0.020, 1e-6);
  EXPECT_EQ(after["verdicts"][1][2], 0);  // the live verdict stays ...
  EXPECT_EQ(after["verdicts"][1][5], 1);  // ... beside the verdict with the correction

  // The report, rendered by headless Chromium.
  const fs::path html = dir_ / "report.html";
  const Result rep =
      run(kFpt + " report " + id + " -o " + html.string() + " --csv " + (dir_ / "csv").string());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_NE(rep.out.find("1 session, 4 reps"), std::string::npos) << rep.out;
  EXPECT_EQ(fs::status(html).permissions() & others, fs::perms::none);
  const std::string dom = chromium("--dump-dom file://" + html.string());
  ASSERT_FALSE(dom.empty()) << "chromium did not render the report";
  EXPECT_EQ(count(dom, "<g class=\"rep "), 4u);
  EXPECT_EQ(count(dom, "<g class=\"rep restart\""), 2u);
  EXPECT_EQ(count(dom, "<figure class=\"panel"), 4u);
  EXPECT_EQ(count(dom, "<g class=\"corrected\">"), 2u);
  EXPECT_NE(dom.find("with the correction: good"), std::string::npos);
  EXPECT_NE(dom.find("movement artefact"), std::string::npos);
  EXPECT_NE(dom.find("Session " + id), std::string::npos);
  const fs::path png = dir_ / "report.png";
  chromium("--window-size=1000,2200 --screenshot=" + png.string() + " file://" + html.string());
  ASSERT_TRUE(fs::exists(png));
  const json pixels = json::parse(capture("/usr/bin/python3 " + std::string(FPT_SOURCE_DIR) +
                                          "/tools/check/png_stats.py " + png.string() +
                                          " '#1b7f5f' '#d95f02' '#6a51a3' '#fbecea'"));
  EXPECT_EQ(pixels["width"], 1000);
  EXPECT_GT(pixels["drawn_fraction"].get<double>(), 0.05);
  EXPECT_GT(pixels["colours"]["#1b7f5f"].get<int>(), 200);   // glute markers and traces
  EXPECT_GT(pixels["colours"]["#d95f02"].get<int>(), 200);   // hamstring
  EXPECT_GT(pixels["colours"]["#6a51a3"].get<int>(), 200);   // lumbar
  EXPECT_GT(pixels["colours"]["#fbecea"].get<int>(), 5000);  // the restarted reps' rows

  // The CSV tables for spreadsheets: every rep, the correction beside the original.
  const std::string reps_csv = fpt::test::slurp(dir_ / "csv" / "reps.csv");
  EXPECT_EQ(count(reps_csv, "\n"), 5u);
  EXPECT_NE(fpt::test::slurp(dir_ / "csv" / "onsets.csv").find(",hamstring,"), std::string::npos);

  // Another session of the same athlete (a copy a day later): the athlete's report has trends.
  const fs::path copy = dir_ / "data" / "sessions" / "20991231-000000-cleo";
  fs::create_directories(copy);
  for (const auto& e : fs::directory_iterator(sdir))
    fs::copy_file(e.path(), copy / e.path().filename());
  auto side = json::parse(fpt::test::slurp(copy / "session.json"));
  side["id"] = copy.filename().string();
  side["started_utc"] = "2099-12-31T00:00:00Z";
  std::ofstream(copy / "session.json") << side.dump();
  ASSERT_EQ(run(kFpt + " sessions --rebuild").exit_code, 0);
  const Result both = run(kFpt + " report --athlete cleo -o " + html.string());
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_NE(both.out.find("2 sessions, 8 reps"), std::string::npos) << both.out;
  const std::string trends = fpt::test::slurp(html);
  EXPECT_NE(trends.find("Across sessions"), std::string::npos);
  EXPECT_EQ(count(trends, "<section class=\"session\""), 2u);
  // It prints: a page per session (Chromium's own PDF).
  const fs::path pdf = dir_ / "report.pdf";
  chromium("--no-pdf-header-footer --print-to-pdf=" + pdf.string() + " file://" + html.string());
  ASSERT_TRUE(fs::exists(pdf));
  const std::string pdf_text = fpt::test::slurp(pdf);
  EXPECT_EQ(pdf_text.substr(0, 5), "%PDF-");
  // Two sessions, each starting on a page of its own: several pages.
  EXPECT_GE(count(pdf_text, "/Type /Page") - count(pdf_text, "/Type /Pages"), 2u);

  const Result since = run(kFpt + " report --athlete cleo --since 2099-01-01 -o " + html.string());
  EXPECT_NE(since.out.find("1 session, 4 reps"), std::string::npos) << since.out;

  // A folder deleted behind the store's back is left out and said, not a failure.
  fs::remove_all(copy);
  const Result gone = run(kFpt + " report --athlete cleo -o " + html.string());
  ASSERT_EQ(gone.exit_code, 0) << gone.err;
  EXPECT_NE(gone.out.find("left out 20991231-000000-cleo"), std::string::npos) << gone.out;
  EXPECT_NE(gone.out.find("1 session, 4 reps"), std::string::npos) << gone.out;
}

TEST_F(Review, BrokenFoldersAreSkippedAndBrokenInputIsOneClearError) {
  const fs::path events = dir_ / "live.jsonl";
  const std::string id = record(events);
  ASSERT_FALSE(id.empty());
  const fs::path sessions = dir_ / "data" / "sessions";
  // A folder with a malformed sidecar and one with a truncated recording.
  fs::create_directories(sessions / "bad-sidecar");
  std::ofstream(sessions / "bad-sidecar" / "session.json") << "{\"athlete\": \"x\", ";
  // A recording cut in the middle of its data still gives the reps it holds; one cut inside
  // its header cannot be read at all.
  for (const auto& [name, keep] : {std::pair{"half-recording", std::uintmax_t{0}},
                                   std::pair{"no-header", std::uintmax_t{600}}}) {
    const fs::path cut = sessions / name;
    fs::create_directories(cut);
    for (const auto& e : fs::directory_iterator(sessions / id))
      fs::copy_file(e.path(), cut / e.path().filename());
    const auto size = fs::file_size(cut / "recording.edf");
    fs::resize_file(cut / "recording.edf", keep ? keep : size / 2);
    auto side = json::parse(fpt::test::slurp(cut / "session.json"));
    side["id"] = name;
    std::ofstream(cut / "session.json") << side.dump();
  }
  const Result r = run(kFpt + " sessions --rebuild");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("from 2 recordings, 2 skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped bad-sidecar: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped no-header: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(id), std::string::npos);
  EXPECT_NE(r.out.find("half-recording"), std::string::npos);

  const Result bad = run(kFpt + " report bad-sidecar -o " + (dir_ / "r.html").string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("session.json"), std::string::npos) << bad.err;
  EXPECT_EQ(count(bad.err, "\n"), 1u) << bad.err;
  EXPECT_FALSE(fs::exists(dir_ / "r.html"));

  // fpt analyze takes the recording (EDF+) and judges it as live ...
  const fs::path edf = sessions / id / "recording.edf";
  const Result a = run(kFpt + " analyze " + edf.string() + " -o " + (dir_ / "an").string());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("glute 'EMG glute'"), std::string::npos) << a.out;
  const auto live = read_lines(events, "verdict");
  const auto offline = read_lines(dir_ / "an" / "events.jsonl", "verdict");
  ASSERT_EQ(offline.size(), live.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    EXPECT_EQ(offline[i]["verdict"], live[i]["verdict"]);
    EXPECT_EQ(offline[i]["onsets"], live[i]["onsets"]);
  }
  // ... and a truncated or a non-EDF file is one clear line.
  const fs::path half = dir_ / "half.edf";
  fs::copy_file(edf, half);
  fs::resize_file(half, fs::file_size(half) / 2);
  const std::string header = fpt::test::slurp(half).substr(0, 256);
  const Result t = run(kFpt + " analyze " + half.string() + " -o " + (dir_ / "an2").string());
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.err.find("truncated: the header says"), std::string::npos) << t.err;
  EXPECT_EQ(count(t.err, "\n"), 1u) << t.err;
  std::ofstream(dir_ / "junk.bdf", std::ios::binary) << std::string(
                                                            "\xff"
                                                            "BIOSEMI")
                                                     << "garbage";
  const Result j =
      run(kFpt + " analyze " + (dir_ / "junk.bdf").string() + " -o " + (dir_ / "an3").string());
  EXPECT_EQ(j.exit_code, 1);
  EXPECT_NE(j.err.find("too short for an EDF/BDF header"), std::string::npos) << j.err;
}

}  // namespace
