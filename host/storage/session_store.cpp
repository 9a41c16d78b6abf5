#include "session_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::storage {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS athletes (
  name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, athlete TEXT NOT NULL REFERENCES athletes(name),
  started_utc TEXT, mode TEXT, stage INTEGER, tolerance_ms REAL, reps INTEGER, good INTEGER,
  duration_s REAL, lumbar_first REAL, lumbar_last REAL, lumbar_change_pct REAL,
  processing_p50_ms REAL, processing_p95_ms REAL, frames_lost INTEGER, samples_lost INTEGER,
  corrections INTEGER, dir TEXT);
CREATE INDEX IF NOT EXISTS sessions_by_athlete ON sessions(athlete, started_utc);
CREATE TABLE IF NOT EXISTS reps (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, rep INTEGER NOT NULL,
  start_s REAL, end_s REAL, cued_restart INTEGER, lumbar_rel_rest REAL, lumbar_pct_mvc REAL,
  PRIMARY KEY (session_id, rep));
CREATE TABLE IF NOT EXISTS verdicts (
  session_id TEXT NOT NULL, rep INTEGER NOT NULL, good INTEGER, reason TEXT, fault TEXT,
  firing_order TEXT, corrected_good INTEGER,
  PRIMARY KEY (session_id, rep),
  FOREIGN KEY (session_id, rep) REFERENCES reps(session_id, rep) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS onsets (
  session_id TEXT NOT NULL, rep INTEGER NOT NULL, muscle INTEGER NOT NULL,
  onset_s REAL, decision_s REAL, corrected INTEGER, corrected_s REAL,
  PRIMARY KEY (session_id, rep, muscle),
  FOREIGN KEY (session_id, rep) REFERENCES reps(session_id, rep) ON DELETE CASCADE);
)sql";

/// One prepared statement, finalized when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw IoError(fmt::format("session store: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
  template <typename T>
  Statement& bind(int i, const std::optional<T>& v) {
    if (v) return bind(i, *v);
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  /// True while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw IoError(fmt::format("session store: {}", sqlite3_errmsg(db_)));
  }
  void run() {
    step();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  [[nodiscard]] std::string text(int c) const {
    const auto* p = sqlite3_column_text(stmt_, c);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  [[nodiscard]] std::optional<double> real(int c) const {
    if (sqlite3_column_type(stmt_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, c);
  }
  [[nodiscard]] std::int64_t integer(int c) const { return sqlite3_column_int64(stmt_, c); }
  [[nodiscard]] bool is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

SessionStore::SessionStore(const std::string& path) : path_(path) {
  // Health data: create the file private before SQLite opens it.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError(fmt::format("cannot open the session store {}: {}", path, why));
  }
  sqlite3_busy_timeout(db_, 5000);  // another fpt may be writing its session's end
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA foreign_keys=ON");
    Statement v(db_, "PRAGMA user_version");
    v.step();
    const auto version = v.integer(0);
    if (version != 0 && version != kSchemaVersion)
      throw IoError(
          fmt::format("session store {} has schema {} (this fpt knows {}): rebuild it "
                      "with fpt sessions --rebuild",
                      path, version, kSchemaVersion));
    exec(kSchema);
    exec(fmt::format("PRAGMA user_version={}", kSchemaVersion).c_str());
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
  // The WAL and shared-memory files SQLite creates follow the umask: keep them private too.
  for (const char* suffix : {"-wal", "-shm"}) ::chmod((path + suffix).c_str(), 0600);
}

SessionStore::~SessionStore() {
  sqlite3_close(db_);
}

void SessionStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "error";
    sqlite3_free(err);
    throw IoError(fmt::format("session store {}: {}", path_, why));
  }
}

void SessionStore::put(const StoredSession& s, const std::vector<StoredRep>& reps) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement(db_, "INSERT OR IGNORE INTO athletes(name) VALUES (?)").bind(1, s.athlete).run();
    Statement(db_, "DELETE FROM sessions WHERE id = ?").bind(1, s.id).run();
    Statement ins(db_, "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, s.id).bind(2, s.athlete).bind(3, s.started_utc).bind(4, s.mode).bind(5, s.stage);
    ins.bind(6, s.tolerance_ms).bind(7, s.reps).bind(8, s.good).bind(9, s.duration_s);
    ins.bind(10, s.lumbar_first).bind(11, s.lumbar_last).bind(12, s.lumbar_change_pct);
    ins.bind(13, s.processing_p50_ms).bind(14, s.processing_p95_ms);
    ins.bind(15, static_cast<std::int64_t>(s.frames_lost));
    ins.bind(16, static_cast<std::int64_t>(s.samples_lost));
    ins.bind(17, s.corrections).bind(18, s.dir);
    ins.run();
    Statement rep(db_, "INSERT INTO reps VALUES (?,?,?,?,?,?,?)");
    Statement verdict(db_, "INSERT INTO verdicts VALUES (?,?,?,?,?,?,?)");
    Statement onset(db_, "INSERT INTO onsets VALUES (?,?,?,?,?,?,?)");
    for (const auto& r : reps) {
      rep.bind(1, s.id).bind(2, r.rep).bind(3, r.start_s).bind(4, r.end_s);
      rep.bind(5, r.cued_restart).bind(6, r.lumbar_rel_rest).bind(7, r.lumbar_pct_mvc);
      rep.run();
      verdict.bind(1, s.id).bind(2, r.rep).bind(3, r.good).bind(4, r.reason).bind(5, r.fault);
      verdict.bind(6, r.order).bind(7, r.corrected_good);
      verdict.run();
      for (int m = 0; m < 3; ++m) {
        const auto& o = r.onsets[static_cast<std::size_t>(m)];
        onset.bind(1, s.id).bind(2, r.rep).bind(3, m).bind(4, o.onset_s).bind(5, o.decision_s);
        onset.bind(6, o.corrected).bind(7, o.corrected_s);
        onset.run();
      }
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SessionStore::remove(const std::string& id) {
  Statement(db_, "DELETE FROM sessions WHERE id = ?").bind(1, id).run();
}

void SessionStore::clear() {
  exec("BEGIN IMMEDIATE");
  try {
    exec(
        "DELETE FROM onsets; DELETE FROM verdicts; DELETE FROM reps; DELETE FROM sessions; "
        "DELETE FROM athletes");
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<StoredSession> SessionStore::sessions(const std::string& athlete,
                                                  const std::string& since) const {
  Statement q(db_,
              "SELECT id, athlete, started_utc, mode, stage, tolerance_ms, reps, good, "
              "duration_s, lumbar_first, lumbar_last, lumbar_change_pct, processing_p50_ms, "
              "processing_p95_ms, frames_lost, samples_lost, corrections, dir FROM sessions "
              "WHERE (?1 = '' OR athlete = ?1) AND (?2 = '' OR started_utc >= ?2) "
              "ORDER BY started_utc, id");
  q.bind(1, athlete).bind(2, since);
  std::vector<StoredSession> out;
  while (q.step()) {
    StoredSession s;
    s.id = q.text(0);
    s.athlete = q.text(1);
    s.started_utc = q.text(2);
    s.mode = q.text(3);
    s.stage = static_cast<int>(q.integer(4));
    s.tolerance_ms = q.real(5).value_or(0.0);
    s.reps = static_cast<int>(q.integer(6));
    s.good = static_cast<int>(q.integer(7));
    s.duration_s = q.real(8).value_or(0.0);
    s.lumbar_first = q.real(9);
    s.lumbar_last = q.real(10);
    s.lumbar_change_pct = q.real(11);
    s.processing_p50_ms = q.real(12);
    s.processing_p95_ms = q.real(13);
    s.frames_lost = static_cast<std::uint64_t>(q.integer(14));
    s.samples_lost = static_cast<std::uint64_t>(q.integer(15));
    s.corrections = static_cast<int>(q.integer(16));
    s.dir = q.text(17);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<StoredRep> SessionStore::reps(const std::string& session_id) const {
  Statement q(db_,
              "SELECT r.rep, r.start_s, r.end_s, r.cued_restart, r.lumbar_rel_rest, "
              "r.lumbar_pct_mvc, v.good, v.reason, v.fault, v.firing_order, v.corrected_good "
              "FROM reps r JOIN verdicts v USING (session_id, rep) WHERE session_id = ? "
              "ORDER BY r.rep");
  q.bind(1, session_id);
  std::vector<StoredRep> out;
  while (q.step()) {
    StoredRep r;
    r.rep = static_cast<int>(q.integer(0));
    r.start_s = q.real(1).value_or(0.0);
    r.end_s = q.real(2).value_or(0.0);
    r.cued_restart = q.integer(3) != 0;
    r.lumbar_rel_rest = q.real(4).value_or(0.0);
    r.lumbar_pct_mvc = q.real(5);
    r.good = q.integer(6) != 0;
    r.reason = q.text(7);
    r.fault = q.text(8);
    r.order = q.text(9);
    if (!q.is_null(10)) r.corrected_good = q.integer(10) != 0;
    out.push_back(std::move(r));
  }
  Statement o(db_,
              "SELECT rep, muscle, onset_s, decision_s, corrected, corrected_s FROM onsets "
              "WHERE session_id = ?");
  o.bind(1, session_id);
  while (o.step()) {
    const int rep = static_cast<int>(o.integer(0));
    const auto m = static_cast<std::size_t>(o.integer(1));
    for (auto& r : out)
      if (r.rep == rep && m < r.onsets.size()) {
        r.onsets[m].onset_s = o.real(2);
        r.onsets[m].decision_s = o.real(3);
        r.onsets[m].corrected = o.integer(4) != 0;
        r.onsets[m].corrected_s = o.real(5);
      }
  }
  return out;
}

std::vector<std::string> SessionStore::athletes() const {
  Statement q(db_, "SELECT name FROM athletes ORDER BY name");
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

}  // namespace fpt::storage
