// The physio's onset corrections, kept in the session folder (corrections.json, 0600) beside
// the recording and never over it: the original onsets stay in the recording's annotations and
// the review shows both.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fpt::review {

struct Correction {
  int rep = 0;
  std::string muscle;    // glute, hamstring, lumbar
  double onset_s = 0.0;  // the corrected onset on the recording's clock; NaN: "silent"
  std::string note;
  std::string created_utc;
};

/// The corrections of a session folder (none when there is no file). Throws FormatError.
std::vector<Correction> read_corrections(const std::filesystem::path& session_dir);

/// Adds one; a newer correction of the same rep and muscle supersedes the older in the review,
/// but both stay in the file. Written atomically, 0600. Throws IoError.
void append_correction(const std::filesystem::path& session_dir, const Correction& c);

}  // namespace fpt::review
