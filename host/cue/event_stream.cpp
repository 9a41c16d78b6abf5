#include "event_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "error.hpp"

namespace fpt::cue {
namespace {

nlohmann::json onsets_json(const session::RepOnsets& o) {
  nlohmann::json j = nlohmann::json::object();
  for (int m = 0; m < session::kMuscles; ++m) {
    const std::string name(session::to_string(static_cast<session::Muscle>(m)));
    j[name] = o[m] ? nlohmann::json(*o[m]) : nlohmann::json(nullptr);
  }
  return j;
}

}  // namespace

EventStream::EventStream(const std::string& path) {
  if (path == "-") {
    file_ = stdout;
    return;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw IoError(fmt::format("cannot write events to {}: {}", path, std::strerror(errno)));
  file_ = ::fdopen(fd, "w");
  if (file_ == nullptr) {
    ::close(fd);
    throw IoError(fmt::format("cannot write events to {}", path));
  }
  owned_ = true;
}

EventStream::~EventStream() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

void EventStream::write(const std::string& line) {
  if (std::fputs(line.c_str(), file_) < 0 || std::fputc('\n', file_) == EOF ||
      std::fflush(file_) != 0)
    ++write_errors_;
}

void EventStream::session_start(const std::string& athlete, int stage, const std::string& mode,
                                double tolerance_ms, const std::string& board_summary) {
  write(nlohmann::json{
      {"type", "session"},
      {"athlete", athlete},
      {"stage", stage},
      {"mode", mode},
      {"tolerance_ms", tolerance_ms},
      {"board", board_summary},
      {"schema",
       1}}.dump());
}

void EventStream::summary(int reps, int good, double duration_s) {
  write(nlohmann::json{{"type", "summary"},
                       {"reps", reps},
                       {"good", good},
                       {"restarts", reps - good},
                       {"duration_s", duration_s}}
            .dump());
}

void EventStream::on_ready(double t_s) {
  write(nlohmann::json{{"type", "baseline"}, {"t", t_s}}.dump());
}

void EventStream::on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) {
  const char* kind = e.kind == dsp::OnsetEvent::Kind::kOnset     ? "onset"
                     : e.kind == dsp::OnsetEvent::Kind::kRefined ? "onset_refined"
                                                                 : "offset";
  write(nlohmann::json{{"type", kind},
                       {"muscle", std::string(session::to_string(m))},
                       {"t", static_cast<double>(e.index) / fs_hz},
                       {"decision_t", static_cast<double>(e.decision_index) / fs_hz},
                       {"level_uv", e.level_uv}}
            .dump());
}

void EventStream::on_rep_event(const session::RepEvent& e) {
  nlohmann::json j;
  switch (e.kind) {
    case session::RepEvent::Kind::kRepStart:
      j = {{"type", "rep_start"}, {"rep", e.rep}, {"index", e.start_index}};
      break;
    case session::RepEvent::Kind::kRestartCue:
      j = {{"type", "cue"},        {"cue", "restart"},
           {"rep", e.rep},         {"offender", std::string(session::to_string(e.offender))},
           {"lead_ms", e.lead_ms}, {"decision_index", e.index}};
      break;
    case session::RepEvent::Kind::kRepEnd:
      j = {{"type", "verdict"},
           {"rep", e.rep},
           {"verdict", e.verdict.good ? "good" : "restart"},
           {"reason", e.verdict.reason},
           {"fault", e.verdict.fault},
           {"onsets", onsets_json(e.onsets)},
           {"decisions", onsets_json(e.decisions)},
           {"peak_pitch_deg", e.peak_pitch_deg},
           {"lift_t", e.lift_s ? nlohmann::json(*e.lift_s) : nlohmann::json(nullptr)},
           {"cued_restart", e.cued_restart},
           {"changed_after_cue", e.verdict_changed}};
      break;
  }
  write(j.dump());
}

void EventStream::on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) {
  write(nlohmann::json{{"type", "gap"},
                       {"stream", imu ? "imu" : "emg"},
                       {"first_index", first_index},
                       {"missing", missing}}
            .dump());
}

}  // namespace fpt::cue
