// The session store: what goes in comes out, a session is replaced not duplicated, filters by
// athlete and date, private files, WAL, and a file that is not a database is a clear error.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <sqlite3.h>

#include "error.hpp"
#include "session_store.hpp"

namespace fpt::storage {
namespace {

namespace fs = std::filesystem;

class Store : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fpt-store-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = (dir_ / "sessions.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

StoredSession session(const std::string& id, const std::string& athlete, const std::string& date) {
  StoredSession s;
  s.id = id;
  s.athlete = athlete;
  s.started_utc = date + "T10:00:00Z";
  s.mode = "train";
  s.stage = 2;
  s.tolerance_ms = 20;
  s.reps = 2;
  s.good = 1;
  s.duration_s = 61.5;
  s.lumbar_first = 9.5;
  s.lumbar_change_pct = -12.0;
  s.processing_p95_ms = 0.4;
  s.frames_lost = 3;
  s.dir = "/data/sessions/" + id;
  return s;
}

std::vector<StoredRep> two_reps() {
  StoredRep a;
  a.rep = 1;
  a.start_s = 5.0;
  a.end_s = 8.0;
  a.good = true;
  a.order = "glute > hamstring > lumbar";
  a.lumbar_rel_rest = 9.1;
  a.onsets[0].onset_s = 5.0;
  a.onsets[0].decision_s = 5.012;
  a.onsets[1].onset_s = 5.08;
  StoredRep b;
  b.rep = 2;
  b.start_s = 10.0;
  b.end_s = 13.0;
  b.reason = "lumbar fired 40 ms before glute";
  b.fault = "lumbar before glute";
  b.cued_restart = true;
  b.lumbar_pct_mvc = 31.0;
  b.corrected_good = true;
  b.onsets[2].onset_s = 9.96;
  b.onsets[2].corrected = true;
  b.onsets[2].corrected_s = 10.05;
  return {a, b};
}

TEST_F(Store, WhatGoesInComesOut) {
  SessionStore store(path_);
  store.put(session("s1", "ana", "2026-11-20"), two_reps());
  const auto list = store.sessions();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, "s1");
  EXPECT_EQ(list[0].athlete, "ana");
  EXPECT_EQ(list[0].stage, 2);
  EXPECT_EQ(list[0].reps, 2);
  EXPECT_EQ(list[0].good, 1);
  EXPECT_DOUBLE_EQ(list[0].duration_s, 61.5);
  EXPECT_EQ(list[0].lumbar_first, 9.5);
  EXPECT_FALSE(list[0].lumbar_last.has_value());
  EXPECT_EQ(list[0].lumbar_change_pct, -12.0);
  EXPECT_EQ(list[0].frames_lost, 3u);
  const auto reps = store.reps("s1");
  ASSERT_EQ(reps.size(), 2u);
  EXPECT_TRUE(reps[0].good);
  EXPECT_EQ(reps[0].order, "glute > hamstring > lumbar");
  EXPECT_EQ(reps[0].onsets[0].onset_s, 5.0);
  EXPECT_EQ(reps[0].onsets[0].decision_s, 5.012);
  EXPECT_FALSE(reps[0].onsets[2].onset_s.has_value());  // silent stays silent
  EXPECT_FALSE(reps[1].good);
  EXPECT_EQ(reps[1].reason, "lumbar fired 40 ms before glute");
  EXPECT_TRUE(reps[1].cued_restart);
  EXPECT_EQ(reps[1].lumbar_pct_mvc, 31.0);
  EXPECT_EQ(reps[1].corrected_good, std::optional<bool>(true));
  // The correction sits beside the original.
  EXPECT_EQ(reps[1].onsets[2].onset_s, 9.96);
  EXPECT_TRUE(reps[1].onsets[2].corrected);
  EXPECT_EQ(reps[1].onsets[2].corrected_s, 10.05);
  EXPECT_EQ(store.athletes(), std::vector<std::string>{"ana"});
}

TEST_F(Store, PutReplacesASessionAndFiltersWork) {
  SessionStore store(path_);
  store.put(session("s1", "ana", "2026-11-20"), two_reps());
  store.put(session("s2", "bo", "2026-11-21"), two_reps());
  store.put(session("s3", "ana", "2026-11-23"), {});
  auto again = session("s1", "ana", "2026-11-20");
  again.reps = 1;
  store.put(again, {two_reps()[0]});
  EXPECT_EQ(store.sessions().size(), 3u);
  EXPECT_EQ(store.reps("s1").size(), 1u);
  EXPECT_EQ(store.sessions("ana").size(), 2u);
  EXPECT_EQ(store.sessions("ana", "2026-11-21").size(), 1u);
  EXPECT_EQ(store.sessions("ana", "2026-11-21")[0].id, "s3");
  EXPECT_EQ(store.sessions("", "2026-11-21").size(), 2u);
  EXPECT_TRUE(store.sessions("nobody").empty());
  store.remove("s2");
  EXPECT_TRUE(store.sessions("bo").empty());
  EXPECT_TRUE(store.reps("s2").empty());  // its reps went with it
  store.clear();
  EXPECT_TRUE(store.sessions().empty());
}

TEST_F(Store, PrivateWalDatabaseThatSurvivesReopening) {
  {
    SessionStore store(path_);
    store.put(session("s1", "ana", "2026-11-20"), two_reps());
  }
  const auto others = fs::perms::group_all | fs::perms::others_all;
  EXPECT_EQ(fs::status(path_).permissions() & others, fs::perms::none);
  SessionStore store(path_);
  EXPECT_EQ(store.reps("s1").size(), 2u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(Store, AFileThatIsNotADatabaseIsAClearError) {
  std::ofstream(path_) << "this is not SQLite, just some text that someone saved here\n"
                       << std::string(4096, 'x');
  try {
    SessionStore store(path_);
    FAIL() << "opened a text file as the store";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fpt::storage
