// The physio's review: one self-contained HTML file (inline SVG and CSS, no scripts, no
// network, prints on A4) and the same tables as CSV for spreadsheets.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "session_review.hpp"
#include "session_store.hpp"

namespace fpt::review {

struct ReportInput {
  std::string title;
  std::string generated_utc;
  std::vector<SessionReview> sessions;  // shown in full, in this order
  /// Every stored session of the athletes shown (oldest first) with its reps: the trends
  /// across sessions. May be empty (then the trends come from `sessions` alone).
  std::vector<std::pair<storage::StoredSession, std::vector<storage::StoredRep>>> history;
  int max_rep_panels = 40;  // per session; the CSV always has every rep
  /// The timeline's zero: the glute's onset, or the movement (the thigh passing the lift angle;
  /// the glute's onset for reps without a lift, e.g. stage 1).
  bool relative_to_movement = false;
};

void write_html_report(const ReportInput& in, std::ostream& out);

/// sessions.csv, reps.csv, onsets.csv, restarts.csv, orders.csv in `dir` (created 0700,
/// files 0600). Throws IoError.
void write_csv_report(const ReportInput& in, const std::filesystem::path& dir);

/// The time onsets are shown relative to: the glute's onset (the rep's first onset when the
/// glute stayed silent), or with `movement` the lift when there was one.
double reference_s(const RepReview& r, bool movement = false);

}  // namespace fpt::review
