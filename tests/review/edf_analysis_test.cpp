// EDF/BDF recordings from other systems through the identical pipeline: a file written with
// another system's labels, units and rate is found, scaled and judged like the live board;
// malformed, truncated or unlabelled files are one clear error.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "edf_recording.hpp"
#include "edf_writer.hpp"
#include "error.hpp"
#include "signal_model.hpp"
#include "training_pipeline.hpp"

namespace fpt::storage {
namespace {

namespace fs = std::filesystem;

class Collect final : public session::SessionSink {
 public:
  void on_rep_event(const session::RepEvent& e) override {
    if (e.kind == session::RepEvent::Kind::kRepEnd) ends.push_back(e);
  }
  std::vector<session::RepEvent> ends;
};

class EdfAnalysis : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fpt-edf-analysis-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Another system's recording of the scripted reps: 2 kHz, millivolts, its own labels, an
  /// ECG channel in between, 0.5 s records. Returns the truth.
  std::vector<sim::RepTruth> write_foreign(const fs::path& path, bool bdf) {
    sim::ScenarioConfig sc;
    sc.seed = 11;
    sim::SignalConfig sig;
    sig.fs_hz = 2000.0;
    sig.snr_db = 20.0;
    sig.seed = 11;
    sig.artifacts = sim::ArtifactConfig::parse("mains,ecg");
    sim::Timeline timeline(
        sim::parse_script("correct,hamstring_first,lumbar_first,correct,lumbar_before_hamstring",
                          3),
        sc);
    sim::SignalModel model(sig, timeline);
    EdfHeader h;
    h.bdf = bdf;
    h.patient = "X X X other";
    h.recording_id = "X other-system";
    h.start = std::chrono::system_clock::now();
    h.record_duration_s = 0.5;
    const int n = 1000;  // per record
    const double range_mv = 5.0;
    const std::int32_t dmax = bdf ? 8388607 : 32767;
    for (const char* label : {"R GLUT MAX", "ECG", "R BICEPS FEM", "R LUMBAR ES"})
      h.signals.push_back(
          {label, "AgAgCl", "mV", -range_mv, range_mv, -dmax - 1, dmax, "HP:10Hz", n});
    EdfWriter w(path.string(), h);
    const auto records = static_cast<int>(std::ceil((timeline.end_s() + 2.0) / 0.5));
    std::vector<std::int32_t> rec(static_cast<std::size_t>(4 * n));
    const double per_digital_mv = 2.0 * range_mv / (2.0 * dmax + 1.0);
    for (int r = 0; r < records; ++r) {
      for (int k = 0; k < n; ++k) {
        const auto uv = model.next_emg();
        const auto code = [&](double value_uv) {
          // phys = pmin + (d - dmin) * gain  =>  d = (phys - pmin) / gain + dmin
          return static_cast<std::int32_t>(
              std::lround((value_uv / 1000.0 + range_mv) / per_digital_mv) - dmax - 1);
        };
        rec[static_cast<std::size_t>(0 * n + k)] = code(uv[0]);
        rec[static_cast<std::size_t>(1 * n + k)] = code(300.0 * std::sin(k * 0.01));
        rec[static_cast<std::size_t>(2 * n + k)] = code(uv[1]);
        rec[static_cast<std::size_t>(3 * n + k)] = code(uv[2]);
      }
      w.write_record(rec, {});
    }
    w.close();
    return timeline.reps();
  }

  fs::path dir_;
};

CsvOptions foreign_names() {
  CsvOptions o;
  o.glute = "glut";
  o.hamstring = "biceps";
  o.lumbar = "LUMBAR";
  return o;
}

void expect_verdicts_match_truth(EdfRecording& rec, const std::vector<sim::RepTruth>& truth) {
  EXPECT_EQ(rec.device().emg_rate_hz, 2000);
  session::TrainingPipeline p;
  session::PipelineConfig pc;
  pc.rep.stage = 3;
  p.setup(rec.device(), pc);
  Collect sink;
  io::StreamItem item;
  while (rec.next(item)) p.process(item, sink);
  ASSERT_EQ(sink.ends.size(), truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    EXPECT_EQ(sink.ends[i].verdict.good, truth[i].expected_good)
        << "rep " << i + 1 << ": " << sink.ends[i].verdict.reason << " / "
        << truth[i].expected_reason;
    // Onsets on the file's clock, within the detector's accuracy of the truth.
    for (int m = 0; m < 3; ++m) {
      const auto& t = truth[i].muscles[static_cast<std::size_t>(m)];
      const auto& found = sink.ends[i].onsets[static_cast<std::size_t>(m)];
      if (!t.fires) continue;
      ASSERT_TRUE(found.has_value()) << "rep " << i + 1 << " muscle " << m;
      EXPECT_NEAR(*found, t.onset_s, 0.03) << "rep " << i + 1 << " muscle " << m;
    }
  }
}

TEST_F(EdfAnalysis, AnotherSystemsEdfIsJudgedLikeTheBoard) {
  const fs::path file = dir_ / "other.edf";
  const auto truth = write_foreign(file, false);
  EdfRecording rec(file.string(), foreign_names());
  EXPECT_EQ(rec.describe(),
            "glute 'R GLUT MAX', hamstring 'R BICEPS FEM', lumbar 'R LUMBAR ES' at 2000 Hz");
  expect_verdicts_match_truth(rec, truth);
}

TEST_F(EdfAnalysis, AnotherSystemsBdfIsJudgedLikeTheBoard) {
  const fs::path file = dir_ / "other.bdf";
  const auto truth = write_foreign(file, true);
  EdfRecording rec(file.string(), foreign_names());
  expect_verdicts_match_truth(rec, truth);
}

std::string error_of(const fs::path& file, const CsvOptions& names) {
  try {
    EdfRecording rec(file.string(), names);
    io::StreamItem item;
    while (rec.next(item)) {
    }
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_F(EdfAnalysis, MalformedTruncatedOrUnlabelledFilesAreOneClearError) {
  const fs::path file = dir_ / "other.edf";
  write_foreign(file, false);
  const auto names = foreign_names();

  // Labels that are not there, or that match twice.
  CsvOptions wrong = names;
  wrong.glute = "gluteus";
  EXPECT_NE(error_of(file, wrong).find("no signal labelled 'gluteus'"), std::string::npos)
      << error_of(file, wrong);
  CsvOptions twice = names;
  twice.glute = "R ";
  EXPECT_NE(error_of(file, twice).find("choose one with --glute"), std::string::npos);
  CsvOptions ecg = names;
  ecg.lumbar = "ECG";
  EXPECT_EQ(error_of(file, ecg), "");  // any voltage channel may be chosen

  // Truncated: the header's record count is more than the file holds.
  const fs::path cut = dir_ / "cut.edf";
  fs::copy_file(file, cut);
  fs::resize_file(cut, fs::file_size(cut) - 3000);
  EXPECT_NE(error_of(cut, names).find("truncated: the header says"), std::string::npos)
      << error_of(cut, names);

  // A header cut short, garbage, a wrong version, a nonsense signal count, an empty file.
  const auto write_bytes = [&](const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
  };
  std::string whole(fs::file_size(file), '\0');
  std::ifstream(file, std::ios::binary)
      .read(whole.data(), static_cast<std::streamsize>(whole.size()));
  const std::string header = whole.substr(0, 256 * 6);  // 4 signals and the annotations
  write_bytes(dir_ / "short.edf", header.substr(0, 700));
  EXPECT_NE(error_of(dir_ / "short.edf", names).find("signal headers cut short"),
            std::string::npos);
  std::string bad_count = header;
  bad_count.replace(252, 4, "9999");
  write_bytes(dir_ / "count.edf", bad_count);
  EXPECT_NE(error_of(dir_ / "count.edf", names).find("inconsistent header"), std::string::npos);
  std::string bad_number = header;
  bad_number.replace(244, 8, "one     ");
  write_bytes(dir_ / "number.edf", bad_number);
  EXPECT_NE(error_of(dir_ / "number.edf", names).find("'record duration' is not a number"),
            std::string::npos);
  write_bytes(dir_ / "empty.edf", "");
  EXPECT_NE(error_of(dir_ / "empty.edf", names).find("too short"), std::string::npos);
  EXPECT_NE(error_of(dir_ / "missing.edf", names).find("cannot open"), std::string::npos);
  // A signal in the wrong unit for EMG.
  std::string volts = whole;
  const std::size_t units_at = 256 + 5 * (16 + 80);  // label and transducer columns first
  volts.replace(units_at, 8, "kg      ");
  write_bytes(dir_ / "unit.edf", volts);
  EXPECT_NE(error_of(dir_ / "unit.edf", names).find("not a voltage"), std::string::npos)
      << error_of(dir_ / "unit.edf", names);
}

}  // namespace
}  // namespace fpt::storage
