// The session store: an embedded SQLite database (WAL) indexing athletes, sessions, reps,
// onsets and verdicts, so `fpt sessions` and the cross-session trends answer without reading
// every recording. It is an index only: the recordings, sidecars and corrections in the
// session folders are the truth, and the store can be rebuilt from them at any time.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace fpt::storage {

struct StoredOnset {
  std::optional<double> onset_s;      // refined onset (empty: silent)
  std::optional<double> decision_s;   // when it was decided live
  bool corrected = false;             // the physio corrected it ...
  std::optional<double> corrected_s;  // ... to this (empty: silent)
};

struct StoredRep {
  int rep = 0;
  double start_s = 0.0, end_s = 0.0;
  bool good = false;
  std::string reason, fault, order;
  bool cued_restart = false;
  double lumbar_rel_rest = 0.0;
  std::optional<double> lumbar_pct_mvc;
  std::optional<bool> corrected_good;  // the verdict with the physio's corrections
  std::array<StoredOnset, 3> onsets;   // glute, hamstring, lumbar
};

struct StoredSession {
  std::string id, athlete, started_utc, mode, dir;
  int stage = 3;
  double tolerance_ms = 0.0;
  int reps = 0, good = 0;
  double duration_s = 0.0;
  std::optional<double> lumbar_first, lumbar_last, lumbar_change_pct;
  std::optional<double> processing_p50_ms, processing_p95_ms;
  std::uint64_t frames_lost = 0, samples_lost = 0;
  int corrections = 0;
};

class SessionStore {
 public:
  /// Opens (creating) the database, WAL mode, file 0600. Throws IoError.
  explicit SessionStore(const std::string& path);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  /// Replaces everything stored about this session, in one transaction. Throws IoError.
  void put(const StoredSession& s, const std::vector<StoredRep>& reps);
  void remove(const std::string& id);
  void clear();

  /// Sessions, oldest first; athlete "" for all, since "" for any date (else "YYYY-MM-DD").
  [[nodiscard]] std::vector<StoredSession> sessions(const std::string& athlete = "",
                                                    const std::string& since = "") const;
  [[nodiscard]] std::vector<StoredRep> reps(const std::string& session_id) const;
  [[nodiscard]] std::vector<std::string> athletes() const;

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace fpt::storage
