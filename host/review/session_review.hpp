// Everything the physio's review shows about one session, gathered by running the recording
// through the identical pipeline: each rep's onsets, decisions, verdict and lumbar activation,
// the session summary, the muscles' envelopes, and the physio's onset corrections beside the
// originals.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "corrections.hpp"
#include "recorded_session.hpp"
#include "session_coach.hpp"

namespace fpt::review {

struct RepReview {
  int rep = 0;
  double start_t = 0.0, end_t = 0.0;  // seconds on the recording's board clock
  bool good = false;
  std::string reason, fault, order;
  session::RepOnsets onsets{};     // refined onsets
  session::RepOnsets decisions{};  // when each onset was decided live
  session::RepOnsets corrected{};  // the physio's correction (empty: "silent") ...
  std::array<bool, session::kMuscles> is_corrected{};  // ... where there is one
  bool cued_restart = false;
  std::optional<double> cue_t;
  std::string cue_offender;
  bool changed_after_cue = false;
  double lumbar_rel_rest = 0.0;
  std::optional<double> lumbar_pct_mvc;
  double peak_pitch_deg = 0.0;
  std::optional<double> lift_t;  // when the thigh passed the lift angle (movement)
  /// The verdict with the corrected onsets (only when a correction changes an onset).
  std::optional<session::Verdict> corrected_verdict;
};

/// Moving-RMS envelopes of the conditioned EMG, decimated for drawing.
struct Envelopes {
  double rate_hz = 100.0;
  std::uint64_t first_index = 0;  // EMG sample index of point 0
  double fs_hz = 1000.0;
  std::array<std::vector<float>, session::kMuscles> uv;
  /// The envelope between t0 and t1 (seconds), clipped to what exists.
  [[nodiscard]] std::vector<float> slice(int muscle, double t0, double t1) const;
  [[nodiscard]] double time_of(std::size_t point) const;
};

struct SessionReview {
  std::string id, athlete, mode, started_utc, ended_utc;
  int stage = 3;
  double tolerance_ms = 0.0;
  std::string board;
  std::vector<RepReview> reps;
  session::SessionSummary summary;  // from the replay, with link quality from the live session
  std::array<double, session::kMuscles> rest_sd_uv{};
  Envelopes envelopes;
  std::vector<Correction> corrections;
  double recorded_s = 0.0;
  bool recording_failed = false;
};

struct ReviewOptions {
  bool envelopes = true;
  std::function<void(double)> progress;
};

/// Replays the session and gathers its review. Throws IoError, FormatError.
SessionReview review_session(const RecordedSession& s, const ReviewOptions& options = {});

}  // namespace fpt::review
