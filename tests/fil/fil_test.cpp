// Firmware in the loop: the AVR firmware ELF (the one flashed on an Uno/Nano) runs in simavr
// under fpt-fil, its ADC driven by the signal model, its UART on a pseudo-terminal; the host
// side is fpt's own BoardLink and the fpt program. CTest label `fil`.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "../app/cli_fixture.hpp"
#include "board_link.hpp"

namespace {

using namespace std::chrono_literals;
using fpt::test::Result;
namespace fs = std::filesystem;

const std::string kFil = std::string(FPT_BINARY_DIR) + "/tools/fil/fpt-fil";
const std::string kFirmware = FPT_FIRMWARE_ELF;

std::vector<std::array<std::uint16_t, 3>> read_codes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::vector<std::array<std::uint16_t, 3>> out;
  std::array<std::uint16_t, 3> set{};
  while (f.read(reinterpret_cast<char*>(set.data()), sizeof set)) out.push_back(set);
  return out;
}

/// The CPU load fpt-fil reported for the streaming period ("streaming 20.0 s: CPU load 29.4 %"),
/// or -1. (No std::regex: GCC 12 warns about its internals under the sanitizers.)
double streaming_load(const std::string& log) {
  const auto at = log.find("streaming ");
  const auto load = log.find("CPU load ", at == std::string::npos ? 0 : at);
  if (at == std::string::npos || load == std::string::npos) return -1.0;
  return std::stod(log.substr(load + 9));
}

class Fil : public fpt::test::Cli {
 protected:
  /// Connects fpt's BoardLink to the firmware and takes `sets` EMG sets (and the IMU sets
  /// that come with them); then stops the board program so its code files are complete.
  void stream(const std::string& fil_args, std::optional<int> rate, std::size_t sets) {
    const std::string port = start_board(kFil, "--firmware " + kFirmware + " --fast --codes " +
                                                   (dir_ / "codes").string() + " " + fil_args);
    fpt::io::LinkOptions lo;
    lo.port = port;
    lo.handshake_timeout = 10s;
    lo.emg_rate_hz = rate;
    fpt::io::BoardLink link(lo);
    link.connect();
    device_ = link.device();
    fpt::io::StreamItem item;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (emg_.size() < sets && std::chrono::steady_clock::now() < deadline) {
      if (!link.ring().try_pop(item)) {
        link.wait_for_data(50ms);
        continue;
      }
      if (item.kind == fpt::io::ItemKind::kEmg) emg_.push_back(item);
      if (item.kind == fpt::io::ItemKind::kImu) imu_.push_back(item);
    }
    std::this_thread::sleep_for(1500ms);  // a STATUS and a heartbeat round trip
    counters_ = link.counters();
    link.stop();
    ::kill(sim_pid_, SIGTERM);
    ::waitpid(sim_pid_, nullptr, 0);
    sim_pid_ = -1;
  }

  void expect_every_sample_is_the_injected_code() {
    const auto emg_codes = read_codes(dir_ / "codes.emg");
    const auto imu_codes = read_codes(dir_ / "codes.imu");
    ASSERT_GE(emg_codes.size(), emg_.size());
    for (std::size_t i = 0; i < emg_.size(); ++i) {
      ASSERT_EQ(emg_[i].index, i) << "EMG sets out of order or missing";
      for (int c = 0; c < 3; ++c) ASSERT_EQ(emg_[i].values[c], emg_codes[i][c]) << i << " " << c;
    }
    ASSERT_GE(imu_codes.size(), imu_.size());
    ASSERT_GT(imu_.size(), emg_.size() / (device_.emg_rate_hz / device_.imu_rate_hz) - 20);
    for (std::size_t i = 0; i < imu_.size(); ++i) {
      ASSERT_EQ(imu_[i].index, i);
      for (int a = 0; a < 3; ++a) ASSERT_EQ(imu_[i].values[a], imu_codes[i][a]) << i << " " << a;
    }
    EXPECT_EQ(counters_.wire.crc_errors, 0u);
    EXPECT_EQ(counters_.wire.frames_lost, 0u);
    EXPECT_EQ(counters_.wire.resyncs, 0u);
    EXPECT_EQ(counters_.emg_samples_lost, 0u);
    EXPECT_EQ(counters_.imu_samples_lost, 0u);
    EXPECT_EQ(counters_.device_emg_dropped, 0u);
    EXPECT_EQ(counters_.device_imu_dropped, 0u);
    EXPECT_EQ(counters_.ring_drops, 0u);
    EXPECT_GE(counters_.status_frames, 1u);
    EXPECT_GE(counters_.ping_rtt_ms, 0.0) << "no PING answered";
  }

  fpt::protocol::DeviceInfo device_;
  std::vector<fpt::io::StreamItem> emg_, imu_;
  fpt::io::LinkCounters counters_;
};

TEST_F(Fil, DefaultConfiguration_EverySampleIsTheInjectedCode_NothingLost) {
  stream("--artifacts all", std::nullopt, 20000);  // 20 s of 3 x 1 kHz
  EXPECT_EQ(device_.serial, "UNO-0001");
  EXPECT_EQ(device_.emg_rate_hz, 1000);
  EXPECT_EQ(device_.imu_rate_hz, 100);
  ASSERT_EQ(device_.channels.size(), 3u);
  EXPECT_EQ(device_.channels[0].adc_bits, 10);
  expect_every_sample_is_the_injected_code();

  // The budget: 3 channels at 1 kHz leave at least half of the CPU idle (simulated cycles,
  // counted by the harness: the same on any machine).
  const std::string log = fpt::test::slurp(dir_ / "board.log");
  const double load = streaming_load(log);
  ASSERT_GT(load, 0.0) << log;
  std::printf("firmware CPU load at 3 x 1 kHz, 500000 baud: %.1f %%\n", load);
  EXPECT_LT(load, 50.0);
}

TEST_F(Fil, SetRateTo2kHz_EverySampleIsTheInjectedCode_NothingLost) {
  stream("--rate 2000", 2000, 20000);  // the host's SET_RATE, then 10 s of 3 x 2 kHz
  EXPECT_EQ(device_.emg_rate_hz, 2000);
  EXPECT_EQ(device_.emg_sets_per_frame, 20);
  expect_every_sample_is_the_injected_code();
  std::printf("firmware CPU load at 3 x 2 kHz, 500000 baud: %.1f %%\n",
              streaming_load(fpt::test::slurp(dir_ / "board.log")));
}

TEST_F(Fil, TrainRunsUnchangedAgainstTheFirmware_VerdictsMatchTheTruth) {
  const fs::path truth = dir_ / "truth.jsonl";
  const std::string port =
      start_board(kFil, "--firmware " + kFirmware +
                            " --script correct,hamstring_first,lumbar_first,correct,glute_silent "
                            "--rest-s 6 --snr-db 20 --artifacts mains,ecg --truth " +
                            truth.string());
  // The truth is written as soon as the harness starts: every rep and its expected verdict.
  std::vector<nlohmann::json> reps;
  for (int i = 0; i < 100 && reps.size() < 5; ++i) {
    std::this_thread::sleep_for(50ms);
    reps.clear();
    std::ifstream f(truth);
    for (std::string line; std::getline(f, line);) reps.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(reps.size(), 5u);
  const double end_s = reps.back()["end_s"].get<double>() + 2.0;
  const fs::path events = dir_ / "events.jsonl";
  const Result r = run(fpt::test::kFpt + " train --port " + port + " --sound off --duration " +
                       std::to_string(end_s) + " --events " + events.string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<nlohmann::json> verdicts;
  std::ifstream f(events);
  for (std::string line; std::getline(f, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["type"] == "verdict") verdicts.push_back(j);
  }
  ASSERT_EQ(verdicts.size(), reps.size()) << r.out;
  for (std::size_t i = 0; i < reps.size(); ++i)
    EXPECT_EQ(verdicts[i]["verdict"], reps[i]["expected"])
        << "rep " << i + 1 << " (" << reps[i]["order"] << "): " << verdicts[i].dump();
  EXPECT_NE(r.out.find("EMG samples lost 0"), std::string::npos) << r.out;
}

}  // namespace
