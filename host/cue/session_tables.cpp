#include "session_tables.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "error.hpp"
#include "private_file.hpp"

namespace fpt::cue {
namespace {

std::FILE* create_private(const std::filesystem::path& path) {
  return create_private_file(path.string());
}

std::string opt(const std::optional<double>& v) {
  return v ? fmt::format("{:.4f}", *v) : "";
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

SessionTables::SessionTables(const std::string& dir) {
  onsets_ = create_private(std::filesystem::path(dir) / "onsets.csv");
  try {
    reps_ = create_private(std::filesystem::path(dir) / "reps.csv");
  } catch (...) {
    std::fclose(onsets_);
    throw;
  }
  put(onsets_, "rep,muscle,onset_s,decision_s");
  put(reps_,
      "rep,start_s,end_s,verdict,reason,fault,glute_s,hamstring_s,lumbar_s,cue_s,"
      "changed_after_cue,order,lumbar_rel_rest,peak_pitch_deg");
}

SessionTables::~SessionTables() {
  if (onsets_ != nullptr) std::fclose(onsets_);
  if (reps_ != nullptr) std::fclose(reps_);
}

void SessionTables::put(std::FILE* f, const std::string& line) {
  if (f == nullptr) return;
  if (std::fputs(line.c_str(), f) < 0 || std::fputc('\n', f) == EOF) ++write_errors_;
}

void SessionTables::write_onset(session::Muscle m, const Pending& p) {
  put(onsets_, fmt::format("{},{},{:.4f},{:.4f}", std::max(p.rep, 0), session::to_string(m),
                           p.onset_s, p.decision_s));
}

void SessionTables::on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) {
  auto& slot = pending_[static_cast<int>(m)];
  switch (e.kind) {
    case dsp::OnsetEvent::Kind::kOnset:
      if (slot) write_onset(m, *slot);  // never refined (a gap cut it short): the estimate
      slot = Pending{in_rep_ ? rep_ : -1, static_cast<double>(e.index) / fs_hz,
                     static_cast<double>(e.decision_index) / fs_hz};
      break;
    case dsp::OnsetEvent::Kind::kRefined:
      if (slot) {
        slot->onset_s = static_cast<double>(e.index) / fs_hz;
        write_onset(m, *slot);
        slot.reset();
      }
      break;
    case dsp::OnsetEvent::Kind::kOffset:
      break;
  }
}

void SessionTables::on_rep_event(const session::RepEvent& e) {
  if (e.kind == session::RepEvent::Kind::kRepStart) {
    rep_ = e.rep;
    in_rep_ = true;
    for (auto& p : pending_)
      if (p && p->rep < 0) p->rep = e.rep;  // the onset that opened this rep
  } else if (e.kind == session::RepEvent::Kind::kRepEnd) {
    on_rep_end(e, session::RepProgress{});
  }
}

void SessionTables::on_rep_end(const session::RepEvent& e, const session::RepProgress& p) {
  in_rep_ = false;
  put(reps_,
      fmt::format("{},{:.4f},{:.4f},{},{},{},{},{},{},{},{},{},{:.3f},{:.1f}", e.rep, e.start_s,
                  e.t_s, e.verdict.good ? "good" : "restart", csv_field(e.verdict.reason),
                  csv_field(e.verdict.fault), opt(e.onsets[0]), opt(e.onsets[1]), opt(e.onsets[2]),
                  opt(e.cue_s), e.verdict_changed ? 1 : 0, csv_field(p.order), p.lumbar_rel_rest,
                  e.peak_pitch_deg));
}

void SessionTables::on_summary(const session::SessionSummary&) {
  for (int m = 0; m < session::kMuscles; ++m)
    if (pending_[m]) write_onset(static_cast<session::Muscle>(m), *pending_[m]);
  pending_ = {};
  for (std::FILE** f : {&onsets_, &reps_}) {
    if (*f != nullptr && std::fclose(*f) != 0) ++write_errors_;
    *f = nullptr;
  }
}

}  // namespace fpt::cue
