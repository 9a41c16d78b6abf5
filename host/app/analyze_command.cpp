#include "analyze_command.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "audio_cues.hpp"
#include "edf_recording.hpp"
#include "error.hpp"
#include "event_stream.hpp"
#include "session_coach.hpp"
#include "session_tables.hpp"
#include "terminal_view.hpp"
#include "training_pipeline.hpp"

namespace fpt::app {
namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void make_private_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError(fmt::format("cannot create {}: {}", dir, ec.message()));
  if (!std::filesystem::is_directory(dir)) throw IoError(fmt::format("{} is not a folder", dir));
  ::chmod(dir.c_str(), 0700);  // results describe a person: private
}

/// A CSV or an EDF/BDF recording behind one interface: the pipeline cannot tell them apart.
class Recording {
 public:
  Recording(const std::string& path, const storage::CsvOptions& csv) {
    if (is_edf(path))
      edf_.emplace(path, csv);
    else
      csv_.emplace(path, csv);
  }
  const protocol::DeviceInfo& device() const { return edf_ ? edf_->device() : csv_->device(); }
  bool next(io::StreamItem& item) { return edf_ ? edf_->next(item) : csv_->next(item); }
  std::uint64_t rows() const { return edf_ ? edf_->rows() : csv_->rows(); }
  std::uint64_t gaps() const { return edf_ ? edf_->gaps() : csv_->gaps(); }
  double fs_hz() const { return edf_ ? edf_->fs_hz() : csv_->fs_hz(); }
  std::string describe() const { return edf_ ? edf_->describe() : ""; }

 private:
  /// By content, not name: EDF starts with "0       ", BDF with 0xFF "BIOSEMI".
  static bool is_edf(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::string head(8, '\0');
    if (!f.read(head.data(), 8)) return false;
    return head == "0       " ||
           (static_cast<unsigned char>(head[0]) == 0xFF && head.compare(1, 7, "BIOSEMI") == 0);
  }
  std::optional<storage::CsvRecording> csv_;
  std::optional<storage::EdfRecording> edf_;
};

}  // namespace

void add_analyze_options(CLI::App& cmd, AnalyzeOptions& o) {
  cmd.add_option("input", o.input,
                 "recording: CSV with glute, hamstring, lumbar columns, or EDF/EDF+/BDF/BDF+ "
                 "with signals labelled so (--glute etc. name them)")
      ->required();
  cmd.add_option("--out,-o", o.out_dir, "folder for onsets.csv, reps.csv, events.jsonl")
      ->required();
  cmd.add_option("--stage", o.stage, "1 squeeze, 2 begin the lift, 3 full lift")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  cmd.add_option("--tolerance-ms", o.tolerance_ms,
                 "how much earlier than the glute still counts as together")
      ->check(CLI::Range(0.0, 500.0))
      ->capture_default_str();
  cmd.add_option("--detector", o.detector, "onset detector: cusum, hodges, bonato, tkeo")
      ->check(CLI::IsMember({"cusum", "hodges", "bonato", "tkeo"}))
      ->capture_default_str();
  cmd.add_option("--mains", o.mains_hz, "mains to notch: 50, 60, 0 (off) or -1 (detect)")
      ->check(CLI::IsMember({-1.0, 0.0, 50.0, 60.0}));
  cmd.add_option("--advance-after", o.advance_after, "good reps in a row before stage advice")
      ->check(CLI::Range(1, 100));
  cmd.add_option("--fs", o.fs_hz, "sample rate in Hz (when the file has no time_s column)")
      ->check(CLI::Range(100.0, 20000.0));
  cmd.add_option("--unit", o.csv.unit, "unit of the EMG columns: uV, mV or V")
      ->check(CLI::IsMember({"uV", "mV", "V"}))
      ->capture_default_str();
  cmd.add_option("--glute", o.csv.glute, "name of the glute column")->capture_default_str();
  cmd.add_option("--hamstring", o.csv.hamstring, "name of the hamstring column")
      ->capture_default_str();
  cmd.add_option("--lumbar", o.csv.lumbar, "name of the lumbar column")->capture_default_str();
  cmd.add_option("--time-column", o.csv.time, "name of the time column (seconds)")
      ->capture_default_str();
  cmd.add_option("--audio-out", o.audio_out, "write the cue sounds to a WAV on the file's clock");
  cmd.add_flag("!--no-speech", o.speech, "tones only in --audio-out");
  cmd.add_flag("--verbose,-v", o.verbose, "print every onset and rep as it is found");
}

int run_analyze(const AnalyzeOptions& o, std::ostream& out) {
  storage::CsvOptions csv = o.csv;
  if (o.fs_hz > 0) csv.fs_hz = o.fs_hz;
  Recording rec(o.input, csv);
  make_private_dir(o.out_dir);
  if (!rec.describe().empty()) out << o.input << ": " << rec.describe() << "\n";

  session::PipelineConfig pc;
  pc.rep.stage = o.stage;
  pc.rep.tolerance_ms = o.tolerance_ms;
  pc.rep.cue_restarts = true;  // the cues a live session would have given
  pc.detector = o.detector;
  pc.mains_hz = o.mains_hz;
  session::TrainingPipeline pipeline;
  pipeline.setup(rec.device(), pc);

  session::CoachConfig cc;
  cc.stage = o.stage;
  cc.advance_after = o.advance_after;
  session::SessionCoach coach(cc);
  std::unique_ptr<cue::AudioCues> audio;
  if (!o.audio_out.empty()) {
    cue::AudioCueConfig ac;
    ac.speech = o.speech;
    ac.stage = o.stage;
    audio = std::make_unique<cue::AudioCues>(cue::open_wav_output(o.audio_out, 22050), ac);
    coach.add_output(audio.get());
  }
  cue::SessionTables tables(o.out_dir);
  coach.add_output(&tables);
  const std::string events_path = (std::filesystem::path(o.out_dir) / "events.jsonl").string();
  cue::EventStream events(events_path);
  events.session_start("(recording) " + o.input, o.stage, "analyze", o.tolerance_ms,
                       rec.device().summary(), o.detector);
  coach.add_output(&events);
  cue::TerminalView terminal(out, false, false, !o.verbose);
  coach.add_output(&terminal);

  const auto t0 = std::chrono::steady_clock::now();
  io::StreamItem item;
  std::uint64_t missing = 0;
  while (rec.next(item)) {
    item.arrival_ns = now_ns();
    if (item.kind == io::ItemKind::kEmgGap) missing += item.missing;
    pipeline.process(item, coach);
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double signal_s = static_cast<double>(rec.rows() + missing) / rec.fs_hz();
  if (audio) audio->finish(signal_s);
  coach.finish(signal_s, 0, missing);
  out << fmt::format(
      "analysed {} rows ({:.1f} s at {:.0f} Hz{}) in {:.2f} s; wrote {}/onsets.csv, reps.csv, "
      "events.jsonl{}\n",
      rec.rows(), signal_s, rec.fs_hz(),
      rec.gaps() > 0 ? fmt::format(", {} gaps, {} samples missing", rec.gaps(), missing) : "",
      elapsed, o.out_dir, o.audio_out.empty() ? "" : ", " + o.audio_out);
  events.finish();
  if (tables.write_errors() > 0 || events.write_errors() > 0)
    throw IoError(fmt::format("could not write every result into {} (disk full?)", o.out_dir));
  return 0;
}

}  // namespace fpt::app
