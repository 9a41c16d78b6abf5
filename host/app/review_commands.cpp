#include "review_commands.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "corrections.hpp"
#include "error.hpp"
#include "private_file.hpp"
#include "recorded_session.hpp"
#include "report.hpp"
#include "session_files.hpp"
#include "session_index.hpp"

namespace fpt::app {
namespace {

namespace fs = std::filesystem;

/// Opens the store; a missing one is built from the recordings first.
std::unique_ptr<storage::SessionStore> open_store(const std::string& data_dir, std::ostream& out) {
  const auto path = review::store_path(data_dir);
  const bool fresh = !fs::exists(path);
  auto store = std::make_unique<storage::SessionStore>(path.string());
  if (fresh) {
    const auto r = review::rebuild_store(*store, data_dir);
    if (r.indexed > 0 || !r.skipped.empty())
      out << fmt::format("session store built from {} recordings\n", r.indexed);
    for (const auto& why : r.skipped) out << "skipped " << why << "\n";
  }
  return store;
}

void check_date(const std::string& since) {
  if (since.empty()) return;
  const bool ok = since.size() == 10 && since[4] == '-' && since[7] == '-' &&
                  std::isdigit(static_cast<unsigned char>(since[0])) != 0;
  if (!ok) throw InvalidArgument(fmt::format("--since {}: expected YYYY-MM-DD", since));
}

}  // namespace

void add_sessions_options(CLI::App& cmd, SessionsOptions& o) {
  cmd.add_option("--athlete,-a", o.athlete, "only this athlete's sessions");
  cmd.add_option("--since", o.since, "only sessions from this date on (YYYY-MM-DD)");
  cmd.add_flag("--rebuild", o.rebuild, "rebuild the store from every recording in the data folder");
}

void add_annotate_options(CLI::App& cmd, AnnotateOptions& o) {
  cmd.add_option("SESSION", o.session, "session id or folder")->required();
  cmd.add_option("--rep", o.rep, "rep number")->required()->check(CLI::Range(1, 1000000));
  cmd.add_option("--muscle", o.muscle, "glute, hamstring or lumbar")
      ->required()
      ->check(CLI::IsMember({"glute", "hamstring", "lumbar"}));
  cmd.add_option("--onset", o.onset,
                 "the onset in seconds on the recording's clock (as in the report and "
                 "onsets.csv), or 'silent'")
      ->required();
  cmd.add_option("--note", o.note, "why (shown in the report)");
}

void add_report_options(CLI::App& cmd, ReportOptions& o) {
  cmd.add_option("SESSION", o.sessions, "session ids or folders");
  cmd.add_option("--athlete,-a", o.athlete, "every session of this athlete");
  cmd.add_option("--since", o.since, "with --athlete: sessions from this date on (YYYY-MM-DD)");
  cmd.add_option("--out,-o", o.out, "the HTML file to write")->capture_default_str();
  cmd.add_option("--csv", o.csv_dir, "also write the tables as CSV into this folder");
  cmd.add_option("--relative-to", o.relative_to,
                 "the onset timeline's zero: glute (its onset) or movement (the lift)")
      ->check(CLI::IsMember({"glute", "movement"}))
      ->capture_default_str();
  cmd.add_option("--max-rep-panels", o.max_panels, "reps drawn per session")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
}

int run_sessions(const SessionsOptions& o, std::ostream& out) {
  check_date(o.since);
  auto store = open_store(o.data_dir, out);
  if (o.rebuild) {
    const auto r = review::rebuild_store(*store, o.data_dir);
    out << fmt::format("rebuilt the session store from {} recordings{}\n", r.indexed,
                       r.skipped.empty() ? "" : fmt::format(", {} skipped", r.skipped.size()));
    for (const auto& why : r.skipped) out << "skipped " << why << "\n";
  }
  const auto list = store->sessions(o.athlete, o.since);
  if (list.empty()) {
    out << (o.athlete.empty() ? std::string("no sessions yet")
                              : fmt::format("no sessions for {}", o.athlete))
        << " (fpt demo records one)\n";
    return 0;
  }
  out << fmt::format("{:<28} {:<12} {:<20} {:<9} {:>5} {:>5} {:>6} {:>10} {:>6}\n", "SESSION",
                     "ATHLETE", "STARTED (UTC)", "MODE", "STAGE", "REPS", "GOOD", "LUMBAR",
                     "FIXES");
  for (const auto& s : list) {
    const std::string good = s.reps ? fmt::format("{:.0f}%", 100.0 * s.good / s.reps) : "-";
    const std::string lumbar =
        s.lumbar_change_pct ? fmt::format("{:+.0f}%", *s.lumbar_change_pct) : "-";
    out << fmt::format("{:<28} {:<12} {:<20} {:<9} {:>5} {:>5} {:>6} {:>10} {:>6}\n", s.id,
                       s.athlete, s.started_utc, s.mode, s.stage, s.reps, good, lumbar,
                       s.corrections);
  }
  out << fmt::format(
      "{} session{}; LUMBAR: change of the back's activation from the first to "
      "the last reps; FIXES: the physio's onset corrections\n",
      list.size(), list.size() == 1 ? "" : "s");
  return 0;
}

int run_annotate(const AnnotateOptions& o, std::ostream& out) {
  const fs::path dir = review::find_session(o.session, o.data_dir);
  review::Correction c;
  c.rep = o.rep;
  c.muscle = o.muscle;
  c.note = o.note;
  c.created_utc = utc_timestamp();
  if (o.onset == "silent") {
    c.onset_s = std::nan("");
  } else {
    std::size_t used = 0;
    try {
      c.onset_s = std::stod(o.onset, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != o.onset.size() || !std::isfinite(c.onset_s))
      throw InvalidArgument(
          fmt::format("--onset {}: expected seconds (e.g. 12.345) or 'silent'", o.onset));
  }
  // The rep must exist and the onset must lie near it: a typo is not stored as a correction.
  review::ReviewOptions ro;
  ro.envelopes = false;
  const auto review = review::review_session(review::load_session(dir), ro);
  const review::RepReview* rep = nullptr;
  for (const auto& r : review.reps)
    if (r.rep == o.rep) rep = &r;
  if (rep == nullptr)
    throw InvalidArgument(
        fmt::format("session {} has no rep {} (it has {})", review.id, o.rep, review.reps.size()));
  if (std::isfinite(c.onset_s) && (c.onset_s < rep->start_t - 3.0 || c.onset_s > rep->end_t + 1.0))
    throw InvalidArgument(fmt::format(
        "--onset {:.3f} s is not near rep {} ({:.3f}-{:.3f} s); onsets are seconds on the "
        "recording's clock",
        c.onset_s, o.rep, rep->start_t, rep->end_t));
  review::append_correction(dir, c);
  const auto m = static_cast<std::size_t>(o.muscle == "glute"       ? 0
                                          : o.muscle == "hamstring" ? 1
                                                                    : 2);
  out << fmt::format("rep {} {}: detected {}, corrected to {} (kept beside the original in {})\n",
                     o.rep, o.muscle,
                     rep->onsets[m] ? fmt::format("{:.3f} s", *rep->onsets[m]) : "silent",
                     std::isfinite(c.onset_s) ? fmt::format("{:.3f} s", c.onset_s) : "silent",
                     (dir / "corrections.json").string());
  index_new_session(o.data_dir, dir.string(), out);
  return 0;
}

int run_report(const ReportOptions& o, std::ostream& out) {
  check_date(o.since);
  if (o.sessions.empty() == o.athlete.empty())
    throw InvalidArgument("give session ids, or --athlete NAME (not both)");
  auto store = open_store(o.data_dir, out);
  std::vector<fs::path> dirs;
  std::vector<std::string> athletes;
  if (!o.athlete.empty()) {
    for (const auto& s : store->sessions(o.athlete, o.since)) {
      if (s.mode == "calibrate") continue;
      if (!fs::exists(fs::path(s.dir) / "session.json")) {
        // The store is an index: a folder deleted or moved since is left out, and said.
        out << fmt::format("left out {}: its folder {} is gone (fpt sessions --rebuild)\n", s.id,
                           s.dir);
        store->remove(s.id);
        continue;
      }
      dirs.push_back(s.dir);
    }
    if (dirs.empty())
      throw InvalidArgument(fmt::format(
          "no sessions for {}{} (fpt sessions lists them; --rebuild after copying recordings in)",
          o.athlete, o.since.empty() ? "" : " since " + o.since));
    athletes.push_back(o.athlete);
  } else {
    for (const auto& id : o.sessions) dirs.push_back(review::find_session(id, o.data_dir));
  }

  review::ReportInput in;
  in.generated_utc = utc_timestamp();
  in.max_rep_panels = o.max_panels;
  in.relative_to_movement = o.relative_to == "movement";
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    review::ReviewOptions ro;
    if (tty)
      ro.progress = [&](double f) {
        std::fprintf(stderr, "\rreviewing session %zu of %zu: %3.0f %%", i + 1, dirs.size(),
                     f * 100.0);
      };
    auto r = review::review_session(review::load_session(dirs[i]), ro);
    // Keep the store in step with what the report shows.
    store->put(review::to_stored(r, dirs[i]), review::to_stored_reps(r));
    if (std::find(athletes.begin(), athletes.end(), r.athlete) == athletes.end())
      athletes.push_back(r.athlete);
    in.sessions.push_back(std::move(r));
  }
  if (tty) std::fprintf(stderr, "\r%60s\r", "");
  for (const auto& a : athletes)
    for (auto& s : store->sessions(a, o.athlete.empty() ? "" : o.since)) {
      if (s.mode == "calibrate") continue;
      auto reps = store->reps(s.id);
      in.history.emplace_back(std::move(s), std::move(reps));
    }
  std::sort(in.history.begin(), in.history.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.started_utc, a.first.id) < std::tie(b.first.started_utc, b.first.id);
  });
  in.title = athletes.size() == 1 ? fmt::format("Glute-raise review: {}", athletes[0])
                                  : "Glute-raise review";

  // Replaced atomically: a full disk never leaves half a report behind.
  std::ostringstream html;
  review::write_html_report(in, html);
  replace_private_file(o.out, html.str());
  int reps = 0;
  for (const auto& s : in.sessions) reps += static_cast<int>(s.reps.size());
  out << fmt::format("wrote {}: {} session{}, {} reps", o.out, in.sessions.size(),
                     in.sessions.size() == 1 ? "" : "s", reps);
  if (!o.csv_dir.empty()) {
    review::write_csv_report(in, o.csv_dir);
    out << fmt::format("; tables in {}/", o.csv_dir);
  }
  out << "\n";
  return 0;
}

void index_new_session(const std::string& data_dir, const std::string& session_dir,
                       std::ostream& out) {
  try {
    storage::SessionStore store(review::store_path(data_dir).string());
    review::index_session(store, session_dir);
  } catch (const std::exception& e) {
    spdlog::warn("session store not updated: {}", e.what());
    out << "warning: the session store was not updated (" << e.what()
        << "); fpt sessions --rebuild adds it later\n";
  }
}

}  // namespace fpt::app
