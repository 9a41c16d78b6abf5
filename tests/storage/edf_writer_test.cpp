// EDF+/BDF+ files read back by two independent readers: MNE (python3-mne) and libbiosig's
// save2gdf (biosig-tools). Samples are compared exactly at the format's resolution, and
// annotations exactly. Also: a killed recording and `recover_edf`, a full disk.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "edf_writer.hpp"
#include "error.hpp"

namespace fpt::storage {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

nlohmann::json read_with_mne(const fs::path& file, const std::string& channels) {
  const std::string out = run("/usr/bin/python3 " + std::string(FPT_SOURCE_DIR) +
                              "/tools/check/read_edf.py " + file.string() + " " + channels);
  return nlohmann::json::parse(out);
}

class Edf : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fpt-edf-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Three EMG channels at 1000 Hz (10-bit board: 4.8876 uV per code) and three accelerometer
  /// axes at 100 Hz; records of 1 s.
  static EdfHeader header(bool bdf) {
    EdfHeader h;
    h.bdf = bdf;
    h.patient = "X X X ana";
    h.recording_id = "X fpt UNO-0001";
    h.start = std::chrono::system_clock::from_time_t(1795000000);  // 2026-11-18 11:06:40 UTC
    // 16-bit EDF: a 10-bit board (4.89 uV per code); 24-bit BDF: an ADS1299-class front end.
    const double uv = bdf ? 4.5e6 / 8388608.0 / 24.0 : 5000.0 * 1000.0 / 1023.0 / 1000.0;
    const std::int32_t lim = bdf ? 8388607 : 512;
    for (const char* m : {"glute", "hamstring", "lumbar"}) {
      EdfSignal s;
      s.label = std::string("EMG ") + m;
      s.transducer = "Ag/AgCl surface electrodes";
      s.unit = "uV";
      s.digital_min = -lim;
      s.digital_max = lim - (bdf ? 0 : 1);
      s.physical_min = s.digital_min * uv;
      s.physical_max = s.digital_max * uv;
      s.samples_per_record = 1000;
      h.signals.push_back(s);
    }
    for (const char* a : {"x", "y", "z"}) {
      EdfSignal s;
      s.label = std::string("Accel ") + a;
      s.unit = "g";
      s.digital_min = -2048;
      s.digital_max = 2047;
      s.physical_min = -2048 / 64.0;
      s.physical_max = 2047 / 64.0;
      s.samples_per_record = 100;
      h.signals.push_back(s);
    }
    return h;
  }

  fs::path dir_;
};

/// Deterministic digital samples for record r.
std::vector<std::int32_t> record_samples(int r, bool bdf) {
  std::vector<std::int32_t> v;
  std::mt19937 rng(static_cast<unsigned>(r));
  const int lim = bdf ? 8000000 : 511;
  std::uniform_int_distribution<int> d(-lim, lim);
  for (int i = 0; i < 3000; ++i) v.push_back(d(rng));
  for (int i = 0; i < 300; ++i) v.push_back(d(rng) % 2000);
  return v;
}

void write_file(const fs::path& path, const EdfHeader& h, int records,
                std::vector<Annotation>& written) {
  EdfWriter w(path.string(), h);
  for (int r = 0; r < records; ++r) {
    std::vector<Annotation> a;
    a.push_back({r + 0.123, -1.0, "onset glute"});
    a.push_back({r + 0.2005, 0.75, "rep 1 verdict restart: lumbar before glute"});
    if (r == 2)  // many at once: more than one record's annotation signal can hold
      for (int k = 0; k < 60; ++k) a.push_back({r + k / 100.0, -1.0, "event " + std::to_string(k)});
    written.insert(written.end(), a.begin(), a.end());
    w.write_record(record_samples(r, h.bdf), std::move(a));
    w.flush();
  }
  w.close();
}

void expect_same_as_written(const nlohmann::json& j, const EdfHeader& h, int records,
                            const std::vector<Annotation>& written) {
  ASSERT_EQ(j["n_times"], records * 1000);
  EXPECT_EQ(j["sfreq"], 1000.0);
  EXPECT_EQ(j["meas_date"], "2026-11-18T11:06:40+00:00");
  // Samples: MNE's physical values, turned back into digital values with the header's
  // (8-character) calibration, equal what was written.
  for (int c = 0; c < 3; ++c) {
    const auto& s = h.signals[static_cast<std::size_t>(c)];
    const auto pmin = std::stod(edf_number(s.physical_min)),
               pmax = std::stod(edf_number(s.physical_max));
    const double gain = (pmax - pmin) / (s.digital_max - s.digital_min);
    const auto& got = j["data"][s.label];
    ASSERT_EQ(got.size(), static_cast<std::size_t>(records * 1000));
    for (int r = 0; r < records; ++r) {
      const auto want = record_samples(r, h.bdf);
      for (int i = 0; i < 1000; ++i) {
        const double phys = got[static_cast<std::size_t>(r * 1000 + i)].get<double>();
        const auto digital = std::lround((phys - pmin) / gain + s.digital_min);
        ASSERT_EQ(digital, want[static_cast<std::size_t>(c * 1000 + i)]) << s.label << " " << r;
      }
    }
  }
  // Annotations: every one, exactly (onset to the microsecond the TAL carries).
  const auto& ann = j["annotations"];
  ASSERT_EQ(ann.size(), written.size());
  std::vector<std::tuple<double, std::string>> got, want;
  for (const auto& a : ann) got.emplace_back(a["onset"].get<double>(), a["text"]);
  for (const auto& a : written) want.emplace_back(a.onset_s, a.text);
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(std::get<0>(got[i]), std::get<0>(want[i]), 1e-9);
    EXPECT_EQ(std::get<1>(got[i]), std::get<1>(want[i]));
  }
  for (const auto& a : ann) {
    if (a["text"] == "rep 1 verdict restart: lumbar before glute") {
      EXPECT_EQ(a["duration"], 0.75);
    }
  }
}

TEST_F(Edf, EdfPlusRoundTrip_MneReadsSamplesAndAnnotationsExactly) {
  const auto h = header(false);
  std::vector<Annotation> written;
  write_file(dir_ / "s.edf", h, 5, written);
  const auto j = read_with_mne(dir_ / "s.edf", "'EMG glute' 'EMG hamstring' 'EMG lumbar'");
  expect_same_as_written(j, h, 5, written);
  EXPECT_EQ(
      fs::status(dir_ / "s.edf").permissions() & (fs::perms::group_all | fs::perms::others_all),
      fs::perms::none);
}

TEST_F(Edf, BdfPlusRoundTrip_MneReadsSamplesAndAnnotationsExactly) {
  const auto h = header(true);
  std::vector<Annotation> written;
  write_file(dir_ / "s.bdf", h, 4, written);
  const auto j = read_with_mne(dir_ / "s.bdf", "'EMG glute' 'EMG hamstring' 'EMG lumbar'");
  expect_same_as_written(j, h, 4, written);
}

TEST_F(Edf, BiosigReadsTheHeaderAndEvents) {
  for (bool bdf : {false, true}) {
    const auto h = header(bdf);
    std::vector<Annotation> written;
    const fs::path file = dir_ / (bdf ? "s.bdf" : "s.edf");
    write_file(file, h, 3, written);
    const std::string out = run("save2gdf -JSON " + file.string() + " 2>/dev/null");
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["NumberOfRecords"], 3) << out.substr(0, 600);
    EXPECT_EQ(j["NumberOfChannels"].get<int>(), 7);  // 6 data signals + annotations
    ASSERT_TRUE(j.contains("EVENT")) << out.substr(0, 600);
    EXPECT_EQ(j["EVENT"].size(), written.size());
  }
}

TEST_F(Edf, AKilledRecordingIsReadableAndRecoverFixesItsHeader) {
  const fs::path file = dir_ / "killed.edf";
  const auto h = header(false);
  const pid_t pid = ::fork();
  if (pid == 0) {
    EdfWriter w(file.string(), h);
    for (int r = 0;; ++r) {
      w.write_record(record_samples(r, false), {{r + 0.5, -1.0, "tick"}});
      if (r % 2 == 1) w.flush();  // flushed every 2 records; the odd one is in stdio's buffer
      if (r == 6) ::kill(::getpid(), SIGKILL);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  // The header says 6 (the last flush); the 7th record was still in the buffer and is lost.
  std::ifstream f(file, std::ios::binary);
  std::string head(256, '\0');
  f.read(head.data(), 256);
  EXPECT_EQ(head.substr(236, 8), "6       ");
  EXPECT_EQ(recover_edf(file.string()), 6);
  const auto j = read_with_mne(file, "'EMG glute'");
  EXPECT_EQ(j["n_times"], 6000);
  // A partial record at the end (a write cut short) is cut off.
  {
    std::ofstream app(file, std::ios::binary | std::ios::app);
    app << std::string(1234, 'x');
  }
  EXPECT_EQ(recover_edf(file.string()), 6);
  // header 256 x (6 signals + annotations + 1); a record: 3 x 1000 x 2 + 3 x 100 x 2 + 1024
  EXPECT_EQ(fs::file_size(file), 2048u + 6u * 7624u);
}

TEST_F(Edf, RecoverRefusesWhatIsNotEdf) {
  std::ofstream(dir_ / "x.edf") << "hello, this is not a recording";
  EXPECT_THROW(recover_edf((dir_ / "x.edf").string()), FormatError);
  EXPECT_THROW(recover_edf((dir_ / "missing.edf").string()), IoError);
}

TEST_F(Edf, AFullDiskIsAClearErrorAndTheWrittenPartStaysValid) {
  const fs::path file = dir_ / "full.edf";
  const auto h = header(false);
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // writes beyond the limit fail with EFBIG instead
    rlimit lim{200000, 200000};     // room for the header and a few records
    ::setrlimit(RLIMIT_FSIZE, &lim);
    int code = 3;
    try {
      EdfWriter w(file.string(), h);
      for (int r = 0; r < 100; ++r) {
        w.write_record(record_samples(r, false), {});
        w.flush();
      }
    } catch (const IoError& e) {
      code = std::string(e.what()).find("File too large") != std::string::npos ? 0 : 2;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "no clear error when the disk filled";
  const auto records = recover_edf(file.string());
  EXPECT_GT(records, 0);
  const auto j = read_with_mne(file, "'EMG glute'");
  EXPECT_EQ(j["n_times"], records * 1000);
}

TEST(EdfFormat, NumbersFitEightCharacters) {
  EXPECT_EQ(edf_number(2502.443792766), "2502.444");
  EXPECT_EQ(edf_number(-2502.443792766), "-2502.44");
  EXPECT_EQ(edf_number(1.0), "1");
  EXPECT_EQ(edf_number(-32768), "-32768");
  EXPECT_EQ(edf_number(0.25), "0.25");
  EXPECT_THROW(edf_number(1e12), InvalidArgument);
  using namespace std::string_literals;
  EXPECT_EQ(tal({1.5, -1.0, "a"}), "+1.5\x14"s + "a\x14"s + '\0');
  EXPECT_EQ(tal({0.0, 2.25, "b"}), "+0\x15"s + "2.25\x14"s + "b\x14"s + '\0');
}

}  // namespace
}  // namespace fpt::storage
