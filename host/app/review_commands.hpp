// The physio's side of fpt: `fpt sessions` (the session store), `fpt annotate` (onset
// corrections beside the originals) and `fpt report` (HTML review and CSV tables).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace fpt::app {

struct SessionsOptions {
  std::string athlete;
  std::string since;  // YYYY-MM-DD
  bool rebuild = false;
  std::string data_dir;
};

struct AnnotateOptions {
  std::string session;
  int rep = 0;
  std::string muscle;
  std::string onset;  // seconds on the recording's clock, or "silent"
  std::string note;
  std::string data_dir;
};

struct ReportOptions {
  std::vector<std::string> sessions;
  std::string athlete;
  std::string since;
  std::string out = "report.html";
  std::string csv_dir;
  int max_panels = 40;
  std::string relative_to = "glute";
  std::string data_dir;
};

void add_sessions_options(CLI::App& cmd, SessionsOptions& o);
void add_annotate_options(CLI::App& cmd, AnnotateOptions& o);
void add_report_options(CLI::App& cmd, ReportOptions& o);
int run_sessions(const SessionsOptions& o, std::ostream& out);
int run_annotate(const AnnotateOptions& o, std::ostream& out);
int run_report(const ReportOptions& o, std::ostream& out);

/// Adds a just-recorded session to the store; a failure is one warning line, never fatal
/// (the recording is safe and `fpt sessions --rebuild` picks it up later).
void index_new_session(const std::string& data_dir, const std::string& session_dir,
                       std::ostream& out);

}  // namespace fpt::app
