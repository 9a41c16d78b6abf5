#include "session_index.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::review {

namespace fs = std::filesystem;

namespace {

/// A calibration has no reps to replay: it is listed with its date and result.
bool index_calibration(storage::SessionStore& store, const fs::path& dir) {
  std::ifstream in(dir / "session.json");
  nlohmann::json side;
  try {
    side = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return false;  // load_session reports it with the field named
  }
  if (!side.is_object() || side.value("mode", "") != "calibrate") return false;
  storage::StoredSession s;
  s.id = side.value("id", dir.filename().string());
  s.athlete = side.value("athlete", "anonymous");
  s.started_utc = side.value("started_utc", "");
  s.mode = "calibrate";
  s.stage = 0;
  s.dir = dir.string();
  if (side.contains("recording_status") && side["recording_status"].is_object())
    s.duration_s = side["recording_status"].value("seconds", 0.0);
  store.put(s, {});
  return true;
}

}  // namespace

fs::path store_path(const std::string& data_dir) {
  return fs::path(data_dir) / "sessions.sqlite";
}

storage::StoredSession to_stored(const SessionReview& r, const fs::path& dir) {
  storage::StoredSession s;
  s.id = r.id;
  s.athlete = r.athlete;
  s.started_utc = r.started_utc;
  s.mode = r.mode;
  s.dir = dir.string();
  s.stage = r.stage;
  s.tolerance_ms = r.tolerance_ms;
  s.reps = r.summary.reps;
  s.good = r.summary.good;
  s.duration_s = r.summary.duration_s;
  s.lumbar_first = r.summary.lumbar_first;
  s.lumbar_last = r.summary.lumbar_last;
  s.lumbar_change_pct = r.summary.lumbar_change_pct;
  if (r.summary.processing_ms.n > 0) {
    s.processing_p50_ms = r.summary.processing_ms.p50;
    s.processing_p95_ms = r.summary.processing_ms.p95;
  }
  s.frames_lost = r.summary.frames_lost;
  s.samples_lost = r.summary.emg_samples_lost;
  s.corrections = static_cast<int>(r.corrections.size());
  return s;
}

std::vector<storage::StoredRep> to_stored_reps(const SessionReview& r) {
  std::vector<storage::StoredRep> out;
  out.reserve(r.reps.size());
  for (const auto& rep : r.reps) {
    storage::StoredRep s;
    s.rep = rep.rep;
    s.start_s = rep.start_t;
    s.end_s = rep.end_t;
    s.good = rep.good;
    s.reason = rep.reason;
    s.fault = rep.fault;
    s.order = rep.order;
    s.cued_restart = rep.cued_restart;
    s.lumbar_rel_rest = rep.lumbar_rel_rest;
    s.lumbar_pct_mvc = rep.lumbar_pct_mvc;
    if (rep.corrected_verdict) s.corrected_good = rep.corrected_verdict->good;
    for (std::size_t m = 0; m < s.onsets.size(); ++m) {
      s.onsets[m].onset_s = rep.onsets[m];
      s.onsets[m].decision_s = rep.decisions[m];
      s.onsets[m].corrected = rep.is_corrected[m];
      s.onsets[m].corrected_s = rep.corrected[m];
    }
    out.push_back(std::move(s));
  }
  return out;
}

SessionReview index_session(storage::SessionStore& store, const fs::path& dir) {
  if (index_calibration(store, dir)) return {};
  ReviewOptions options;
  options.envelopes = false;
  auto review = review_session(load_session(dir), options);
  store.put(to_stored(review, dir), to_stored_reps(review));
  return review;
}

RebuildResult rebuild_store(storage::SessionStore& store, const std::string& data_dir) {
  RebuildResult result;
  store.clear();
  const fs::path root = fs::path(data_dir) / "sessions";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return result;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root, ec))
    if (e.is_directory() && fs::exists(e.path() / "session.json")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    try {
      index_session(store, d);
      ++result.indexed;
    } catch (const std::exception& e) {
      result.skipped.push_back(fmt::format("{}: {}", d.filename().string(), e.what()));
    }
  }
  return result;
}

}  // namespace fpt::review
