// Keeps the session store in step with the session folders: one session indexed from its
// recording (through the identical pipeline), or the whole store rebuilt from every folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "session_review.hpp"
#include "session_store.hpp"

namespace fpt::review {

/// DATA/sessions.sqlite
std::filesystem::path store_path(const std::string& data_dir);

storage::StoredSession to_stored(const SessionReview& r, const std::filesystem::path& dir);
std::vector<storage::StoredRep> to_stored_reps(const SessionReview& r);

/// Replays the session folder and (re)writes its rows. Throws IoError, FormatError.
SessionReview index_session(storage::SessionStore& store, const std::filesystem::path& dir);

struct RebuildResult {
  int indexed = 0;
  std::vector<std::string> skipped;  // "ID: why", one line each
};

/// Empties the store and indexes every folder under DATA/sessions; a folder that cannot be read
/// is skipped with its reason (the rest are still indexed).
RebuildResult rebuild_store(storage::SessionStore& store, const std::string& data_dir);

}  // namespace fpt::review
