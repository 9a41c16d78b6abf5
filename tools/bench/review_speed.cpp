// fpt-review-speed: how long the physio waits. Records a long session from the virtual board's
// model into a session folder (EDF+ and sidecar, as `fpt train` does), then times what
// `fpt report`, `fpt report --csv`, `fpt sessions --rebuild` and `fpt sessions` do with it.
//
//   fpt-review-speed [--minutes 30] [--rate 1000] [--keep DIR]
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "report.hpp"
#include "session_files.hpp"
#include "session_index.hpp"
#include "session_recorder.hpp"
#include "signal_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

fpt::protocol::DeviceInfo board(int rate_hz) {
  fpt::protocol::DeviceInfo d;
  d.protocol_version = 1;
  d.serial = "BENCH-0001";
  d.emg_rate_hz = rate_hz;
  d.emg_sets_per_frame = rate_hz / 100;
  d.sample_bytes = 2;
  d.imu_kind = FPT_IMU_ACCEL;
  d.imu_axes = 3;
  d.imu_rate_hz = 100;
  d.accel_scale_g = 1.0 / 4096.0;
  using fpt::protocol::MuscleRole;
  for (MuscleRole r : {MuscleRole::kGlute, MuscleRole::kHamstring, MuscleRole::kLumbar})
    d.channels.push_back({r, fpt::protocol::Side::kRight, 16, 0.25, 0});
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"times the physio's review of a long recorded session"};
  double minutes = 30;
  int rate = 1000;
  std::string keep;
  app.add_option("--minutes", minutes, "session length")->check(CLI::Range(1.0, 240.0));
  app.add_option("--rate", rate, "EMG rate")->check(CLI::IsMember({500, 1000, 2000}));
  app.add_option("--keep", keep, "data folder to keep (default: a temporary one, removed)");
  CLI11_PARSE(app, argc, argv);

  const fs::path data =
      keep.empty() ? fs::temp_directory_path() / ("fpt-review-speed-" + std::to_string(::getpid()))
                   : fs::path(keep);
  fs::create_directories(data);
  const auto device = board(rate);

  // Record: the model's reps (every fault a stage-3 athlete makes, looped) as `fpt train` would.
  auto t0 = Clock::now();
  const auto files = fpt::app::new_session(data.string(), "bench");
  fpt::storage::RecorderConfig rc;
  rc.path = (fs::path(files.dir) / "recording.edf").string();
  rc.patient = "X X X bench";
  rc.recording_id = "X fpt bench";
  const auto sets = static_cast<std::size_t>(minutes * 60.0 * rate);
  rc.ring_sets = sets + 1024;  // the bench pushes faster than real time: hold it all
  fpt::sim::ScenarioConfig sc;
  sc.loop = true;
  fpt::sim::SignalConfig sig;
  sig.fs_hz = rate;
  sig.snr_db = 15.0;
  sig.artifacts = fpt::sim::ArtifactConfig::parse("mains,ecg,motion");
  fpt::sim::Timeline timeline(fpt::sim::parse_script("mixed", 3), sc);
  fpt::sim::SignalModel model(sig, timeline);
  {
    fpt::storage::SessionRecorder recorder(device, rc);
    const std::size_t per_imu = static_cast<std::size_t>(rate / 100);
    for (std::size_t i = 0; i < sets; ++i) {
      fpt::io::StreamItem e;
      e.kind = fpt::io::ItemKind::kEmg;
      e.count = 3;
      e.index = i;
      const auto uv = model.next_emg();
      for (int m = 0; m < 3; ++m)
        e.values[m] = static_cast<std::int32_t>(std::lround(uv[m] / 0.25));
      recorder.push(e);
      if (i % per_imu == 0) {
        fpt::io::StreamItem imu;
        imu.kind = fpt::io::ItemKind::kImu;
        imu.count = 3;
        imu.index = i / per_imu;
        const auto g = model.next_accel();
        for (int a = 0; a < 3; ++a)
          imu.values[a] = static_cast<std::int32_t>(std::lround(g[a] * 4096.0));
        recorder.push(imu);
      }
    }
    recorder.finish();
    if (recorder.status().dropped_sets > 0) {
      std::cerr << "the recorder dropped samples: the figures would be wrong\n";
      return 1;
    }
  }
  fpt::app::write_sidecar(
      files,
      {{"format", "fpt-session"},
       {"version", 1},
       {"id", files.id},
       {"athlete", "bench"},
       {"mode", "train"},
       {"stage", 3},
       {"started_utc", fpt::app::utc_timestamp()},
       {"recording", "recording.edf"},
       {"settings",
        {{"tolerance_ms", 0.0}, {"detector", "cusum"}, {"mains_hz", -1.0}, {"advance_after", 5}}},
       {"board", fpt::app::board_json(device)},
       {"calibration", nullptr},
       {"summary", nullptr},
       {"recording_status", {{"origin_s", 0}}}});
  const double record_s = seconds_since(t0);
  const double edf_mb = static_cast<double>(fs::file_size(rc.path)) / 1e6;

  // What `fpt report ID` does: replay with envelopes, then the HTML.
  t0 = Clock::now();
  const auto review = fpt::review::review_session(fpt::review::load_session(files.dir));
  const double review_s = seconds_since(t0);
  fpt::review::ReportInput in;
  in.title = "bench";
  in.sessions.push_back(review);
  t0 = Clock::now();
  std::ostringstream html;
  fpt::review::write_html_report(in, html);
  const double html_s = seconds_since(t0);
  t0 = Clock::now();
  fpt::review::write_csv_report(in, data / "csv");
  const double csv_s = seconds_since(t0);

  // The store: index the session (a replay without envelopes), rebuild, list.
  fpt::storage::SessionStore store(fpt::review::store_path(data.string()).string());
  t0 = Clock::now();
  const auto rebuilt = fpt::review::rebuild_store(store, data.string());
  const double rebuild_s = seconds_since(t0);
  t0 = Clock::now();
  constexpr int kQueries = 100;
  std::size_t rows = 0;
  for (int q = 0; q < kQueries; ++q) {
    rows += store.sessions("bench").size();
    rows += store.reps(files.id).size();
  }
  const double query_ms = seconds_since(t0) * 1e3 / kQueries;

  const double signal_s = minutes * 60.0;
  std::cout << fmt::format(
      "session: {:.0f} min, 3 EMG at {} Hz + accelerometer, {} reps; EDF+ {:.1f} MB written in "
      "{:.1f} s\n"
      "fpt report (replay + envelopes): {:.2f} s = {:.0f}x real time\n"
      "  HTML: {:.3f} s, {:.0f} kB ({} rep panels)\n"
      "  CSV tables: {:.3f} s\n"
      "fpt sessions --rebuild (1 session): {:.2f} s ({} indexed)\n"
      "store query (sessions + reps of one session, {} rows): {:.2f} ms\n",
      minutes, rate, review.reps.size(), edf_mb, record_s, review_s, signal_s / review_s, html_s,
      static_cast<double>(html.str().size()) / 1e3, std::min<std::size_t>(review.reps.size(), 40),
      csv_s, rebuild_s, rebuilt.indexed, rows / kQueries, query_ms);
  if (keep.empty()) fs::remove_all(data);
  return review.reps.empty() ? 1 : 0;
}
