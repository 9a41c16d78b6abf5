// CSV recordings: the sample stream they give, and one clear error per kind of bad file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "csv_recording.hpp"
#include "error.hpp"

namespace fpt::storage {
namespace {

namespace fs = std::filesystem;

class Csv : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("fpt-csv-" + std::to_string(::getpid()) + ".csv");
  }
  void TearDown() override { fs::remove(path_); }
  std::string write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_.string();
  }
  std::vector<io::StreamItem> all(const CsvOptions& o = {}) {
    CsvRecording r(path_.string(), o);
    std::vector<io::StreamItem> items;
    io::StreamItem it;
    while (r.next(it)) items.push_back(it);
    return items;
  }
  /// The error message for this file, or "" when it was read without one.
  std::string error_for(const std::string& text, const CsvOptions& o = {}) {
    write(text);
    try {
      all(o);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  fs::path path_;
};

std::string rows(int n, double fs, bool acc) {
  std::string s =
      acc ? "time_s,glute,hamstring,lumbar,acc_x,acc_y,acc_z\n" : "time_s,glute,hamstring,lumbar\n";
  for (int i = 0; i < n; ++i) {
    s += std::to_string(i / fs) + "," + std::to_string(i * 0.25) + ",-1.5,2";
    s += acc ? (i % 10 == 0 ? ",0.5,0,0.8660254" : ",,,") : "";
    s += "\n";
  }
  return s;
}

TEST_F(Csv, RateFromTimeValuesExactAndImuOnItsRow) {
  write(rows(50, 1000.0, true));
  CsvRecording r(path_.string(), {});
  EXPECT_EQ(r.fs_hz(), 1000.0);
  EXPECT_EQ(r.device().emg_rate_hz, 1000);
  EXPECT_EQ(r.device().imu_rate_hz, 1000);
  ASSERT_EQ(r.device().channels.size(), 3u);
  std::vector<io::StreamItem> emg, imu;
  io::StreamItem it;
  while (r.next(it)) (it.kind == io::ItemKind::kEmg ? emg : imu).push_back(it);
  ASSERT_EQ(emg.size(), 50u);
  ASSERT_EQ(imu.size(), 5u);
  for (std::size_t i = 0; i < emg.size(); ++i) {
    EXPECT_EQ(emg[i].index, i);
    // A quarter-microvolt grid survives exactly (binary-fraction codes).
    EXPECT_EQ(r.device().channels[0].to_uv(emg[i].values[0]), static_cast<double>(i) * 0.25);
    EXPECT_EQ(r.device().channels[1].to_uv(emg[i].values[1]), -1.5);
  }
  EXPECT_EQ(imu[2].index, 20u);
  EXPECT_NEAR(imu[2].values[0] * kCsvAccelScaleG, 0.5, 1e-4);
}

TEST_F(Csv, GivenRateAndUnitsWithoutATimeColumn) {
  write("glute,hamstring,lumbar\n0.001,0.002,0.003\n0.004,0.005,0.006\n");
  CsvOptions o;
  o.fs_hz = 2000.0;
  o.unit = "mV";
  const auto items = all(o);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_NEAR(items[1].values[2] * kCsvScaleUv, 6.0, 1e-3);
}

TEST_F(Csv, MappedColumnsAndPitchInDegrees) {
  write("t,GM,BF,ES,thigh_pitch_deg\n0,1,2,3,30\n0.001,1,2,3,\n0.002,1,2,3,45\n");
  CsvOptions o;
  o.time = "t";
  o.glute = "GM";
  o.hamstring = "BF";
  o.lumbar = "ES";
  const auto items = all(o);
  ASSERT_EQ(items.size(), 5u);  // 3 EMG + 2 IMU
  EXPECT_EQ(items[1].kind, io::ItemKind::kImu);
  const double pitch =
      std::atan2(items[1].values[0], items[1].values[2]) * 180.0 / 3.141592653589793;
  EXPECT_NEAR(pitch, 30.0, 1e-3);
}

TEST_F(Csv, MissingRowsBecomeAGap) {
  write(
      "time_s,glute,hamstring,lumbar\n0,1,1,1\n0.001,1,1,1\n0.002,1,1,1\n0.006,1,1,1\n"
      "0.007,1,1,1\n");
  const auto items = all();
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[3].kind, io::ItemKind::kEmgGap);
  EXPECT_EQ(items[3].index, 3u);
  EXPECT_EQ(items[3].missing, 3u);
  EXPECT_EQ(items[4].index, 6u);
}

TEST_F(Csv, EveryBadFileGetsOneLineNamingTheLineAndColumn) {
  const std::string h = "time_s,glute,hamstring,lumbar\n";
  const auto expect = [&](const std::string& text, const std::string& says) {
    const std::string e = error_for(text);
    EXPECT_NE(e.find(says), std::string::npos) << "want: " << says << "\ngot: " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  };
  expect("", "no header row");
  expect(h, "no data rows");
  expect("time_s,glute,hamstring\n0,1,2\n", "no EMG column 'lumbar'");
  expect("glute,hamstring,lumbar\n1,2,3\n", "give the sample rate with --fs");
  expect(h + "0,1,2,3\n0.001,1,abc,3\n", "line 3, column 3 (hamstring): 'abc' is not a number");
  expect(h + "0,1,2,3\n0.001,1,2\n", "line 3: 3 columns, but the header has 4");
  expect(h + "0,1,2,3\n0.001,1,,3\n", "line 3, column 3 (hamstring): empty");
  expect(h + "0,1,2,3\n0.001,1,2,3\n0.002,1,2,3\n0.001,1,2,3\n",
         "line 5, column 1 (time_s): time 0.001 goes backwards");
  expect(h + "0,1,2,3\n0.001,1,2,3e9\n", "line 3, column 4 (lumbar)");
  expect(h + "0,1,2,3\n0.001,1,nan,3\n", "'nan' is not a number");
  expect(h + "0,1,2,3\n0.0009,1,2,3\n0.0018,1,2,3\n", "1111.111 Hz");
  expect(h + "0,1,2,3\n0.001,1,2,3\n0.0025,1,2,3\n0.003,1,2,3\n0.004,1,2,3\n",
         "line 4, column 1 (time_s): time 0.0025 is off the 1000 Hz sample grid");
  expect("time_s,glute,hamstring,lumbar,acc_x\n0,1,2,3,1\n", "acc_x, acc_y and acc_z");
  expect("time_s,glute,hamstring,lumbar,acc_x,acc_y,acc_z\n0,1,2,3,1,,1\n0.001,1,2,3,,,\n",
         "line 2, column 6 (acc_y): empty while the other axes have values");
}

TEST_F(Csv, MissingFileIsAnIoError) {
  EXPECT_THROW(CsvRecording("/nonexistent/x.csv", {}), IoError);
}

TEST_F(Csv, CommentsBlankLinesBomAndCrlfAreAccepted) {
  write(
      "\xEF\xBB\xBF# exported by a lab system\r\ntime_s,glute,hamstring,lumbar\r\n\r\n0,1,2,3\r\n"
      "0.001,1,2,3\r\n");
  EXPECT_EQ(all().size(), 2u);
}

}  // namespace
}  // namespace fpt::storage
