// The report's tables as CSV (RFC 4180 quoting), one file per table, for spreadsheets.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "error.hpp"
#include "private_file.hpp"
#include "report.hpp"

namespace fpt::review {
namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string num(std::optional<double> v, int digits = 4) {
  return v && std::isfinite(*v) ? fmt::format("{:.{}f}", *v, digits) : "";
}

constexpr std::array<const char*, 3> kName = {"glute", "hamstring", "lumbar"};

}  // namespace

void write_csv_report(const ReportInput& in, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw IoError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  ::chmod(dir.c_str(), 0700);

  std::string sessions =
      "session,athlete,started_utc,mode,stage,tolerance_ms,reps,good,good_pct,best_streak,"
      "duration_s,lumbar_first_rel_rest,lumbar_last_rel_rest,lumbar_change_pct,"
      "cue_latency_p50_ms,cue_latency_p95_ms,decision_delay_p50_ms,decision_delay_p95_ms,"
      "frames_lost,emg_samples_lost,corrections\n";
  std::string reps =
      "session,rep,start_s,end_s,verdict,reason,firing_order,cued_restart,cue_s,"
      "changed_after_cue,glute_onset_s,hamstring_onset_s,lumbar_onset_s,hamstring_rel_glute_ms,"
      "lumbar_rel_glute_ms,lumbar_rel_rest,lumbar_pct_mvc,peak_thigh_deg,corrected_verdict\n";
  std::string onsets =
      "session,rep,muscle,onset_s,rel_reference_ms,decision_s,decision_delay_ms,corrected_onset_s,"
      "corrected\n";
  std::string restarts = "session,reason,reps\n";
  std::string orders = "session,firing_order,reps,pct\n";
  for (const auto& r : in.sessions) {
    const auto& s = r.summary;
    const auto pct = [](const session::Percentiles& p, double v) {
      return p.n ? std::optional<double>(v) : std::nullopt;
    };
    sessions +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    quoted(r.id), quoted(r.athlete), r.started_utc, r.mode, r.stage, r.tolerance_ms,
                    s.reps, s.good, s.reps ? num(100.0 * s.good / s.reps, 1) : "", s.best_streak,
                    num(s.duration_s, 1), num(s.lumbar_first, 3), num(s.lumbar_last, 3),
                    num(s.lumbar_change_pct, 1), num(pct(s.processing_ms, s.processing_ms.p50), 2),
                    num(pct(s.processing_ms, s.processing_ms.p95), 2),
                    num(pct(s.decision_delay_ms, s.decision_delay_ms.p50), 1),
                    num(pct(s.decision_delay_ms, s.decision_delay_ms.p95), 1), s.frames_lost,
                    s.emg_samples_lost, r.corrections.size());
    for (const auto& rep : r.reps) {
      const auto rel = [&](int m) -> std::optional<double> {
        const auto& t = rep.onsets[static_cast<std::size_t>(m)];
        if (!t || !rep.onsets[0]) return std::nullopt;
        return (*t - *rep.onsets[0]) * 1e3;
      };
      reps += fmt::format(
          "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", quoted(r.id), rep.rep,
          num(rep.start_t), num(rep.end_t), rep.good ? "good" : "restart", quoted(rep.reason),
          quoted(rep.order), rep.cued_restart ? 1 : 0, num(rep.cue_t),
          rep.changed_after_cue ? 1 : 0, num(rep.onsets[0]), num(rep.onsets[1]), num(rep.onsets[2]),
          num(rel(1), 1), num(rel(2), 1), num(rep.lumbar_rel_rest, 3), num(rep.lumbar_pct_mvc, 1),
          num(rep.peak_pitch_deg, 1),
          rep.corrected_verdict
              ? quoted(rep.corrected_verdict->good ? "good" : rep.corrected_verdict->reason)
              : "");
      const double ref = reference_s(rep, in.relative_to_movement);
      for (std::size_t m = 0; m < 3; ++m) {
        const auto& t = rep.onsets[m];
        const auto& d = rep.decisions[m];
        onsets += fmt::format("{},{},{},{},{},{},{},{},{}\n", quoted(r.id), rep.rep, kName[m],
                              num(t), t ? num((*t - ref) * 1e3, 1) : "", num(d),
                              t && d ? num((*d - *t) * 1e3, 1) : "", num(rep.corrected[m]),
                              rep.is_corrected[m] ? 1 : 0);
      }
    }
    for (const auto& [why, n] : s.faults)
      restarts += fmt::format("{},{},{}\n", quoted(r.id), quoted(why), n);
    for (const auto& [order, n] : s.orders)
      orders += fmt::format("{},{},{},{}\n", quoted(r.id), quoted(order), n,
                            s.reps ? num(100.0 * n / s.reps, 1) : "");
  }
  write_private_file((dir / "sessions.csv").string(), sessions);
  write_private_file((dir / "reps.csv").string(), reps);
  write_private_file((dir / "onsets.csv").string(), onsets);
  write_private_file((dir / "restarts.csv").string(), restarts);
  write_private_file((dir / "orders.csv").string(), orders);
}

}  // namespace fpt::review
