// Calibration profiles: round trip, and one clear error naming the field for each bad value.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <Eigen/Geometry>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "profile.hpp"

namespace fpt::calibration {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

AthleteProfile sample() {
  AthleteProfile p;
  p.athlete = "Ana";
  p.created_utc = "2026-11-20T09:30:00Z";
  p.board_serial = "SIM-0001";
  p.board_model = 0x5101;
  p.firmware = "1.0.0";
  p.emg_rate_hz = 1000;
  p.muscles = {{{6.0, 240.0}, {5.5, 180.0}, {9.0, 150.0}}};
  ProfileImu imu;
  imu.rotation = Eigen::AngleAxisd(0.3, Eigen::Vector3d(1, 2, 3).normalized()).toRotationMatrix();
  imu.lift_range_deg = 27.5;
  p.imu = imu;
  return p;
}

class Profile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fpt-profile-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = (dir_ / "p.json").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Saves the sample, edits its JSON, and returns the load error ("" if it loaded).
  std::string error_after(const std::function<void(json&)>& edit) {
    save_profile(path_, sample());
    json j;
    std::ifstream(path_) >> j;
    edit(j);
    std::ofstream(path_) << j.dump();
    try {
      load_profile(path_);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(Profile, RoundTripIsExactAndPrivate) {
  const AthleteProfile p = sample();
  save_profile(path_, p);
  const AthleteProfile q = load_profile(path_);
  EXPECT_EQ(q.athlete, "Ana");
  EXPECT_EQ(q.created_utc, p.created_utc);
  EXPECT_EQ(q.board_serial, "SIM-0001");
  EXPECT_EQ(q.board_model, 0x5101);
  EXPECT_EQ(q.emg_rate_hz, 1000);
  for (int m = 0; m < 3; ++m) {
    EXPECT_EQ(q.muscles[m].rest_sd_uv, p.muscles[m].rest_sd_uv);
    EXPECT_EQ(q.muscles[m].mvc_uv, p.muscles[m].mvc_uv);
  }
  ASSERT_TRUE(q.imu.has_value());
  EXPECT_TRUE(q.imu->rotation.isApprox(p.imu->rotation, 1e-15));
  EXPECT_EQ(q.imu->lift_range_deg, 27.5);
  const auto perms = fs::status(path_).permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

TEST_F(Profile, WithoutImu) {
  AthleteProfile p = sample();
  p.imu.reset();
  save_profile(path_, p);
  EXPECT_FALSE(load_profile(path_).imu.has_value());
}

TEST_F(Profile, EveryFieldIsValidatedByName) {
  struct Case {
    std::function<void(json&)> edit;
    std::string says;
  };
  const std::vector<Case> cases = {
      {[](json& j) { j["format"] = "other"; }, "format: must be \"fpt-profile\""},
      {[](json& j) { j["version"] = 2; }, "version: 2 is newer than this fpt reads (1)"},
      {[](json& j) { j["version"] = 0; }, "version: 0 is not a profile version"},
      {[](json& j) { j["version"] = "1"; }, "version: must be a whole number"},
      {[](json& j) { j.erase("athlete"); }, "athlete: missing"},
      {[](json& j) { j["athlete"] = ""; }, "athlete: must not be empty"},
      {[](json& j) { j["athlete"] = 7; }, "athlete: must be text"},
      {[](json& j) { j["created_utc"] = "yesterday"; }, "created_utc: must be like"},
      {[](json& j) { j["board"]["serial"] = nullptr; }, "board.serial: must be text"},
      {[](json& j) { j["board"]["model"] = -1; }, "board.model: must be 0..65535"},
      {[](json& j) { j["board"]["firmware"] = ""; }, "board.firmware: must not be empty"},
      {[](json& j) { j["board"]["emg_rate_hz"] = 50; }, "board.emg_rate_hz: must be 100..20000"},
      {[](json& j) { j["board"]["colour"] = "red"; }, "board.colour: unknown field"},
      {[](json& j) { j["muscles"].erase("lumbar"); }, "muscles.lumbar: missing"},
      {[](json& j) { j["muscles"]["glute"]["mvc_uv"] = -3; }, "muscles.glute.mvc_uv: must be > 0"},
      {[](json& j) { j["muscles"]["glute"]["mvc_uv"] = 10; },
       "muscles.glute.mvc_uv: 10 uV is barely above rest"},
      {[](json& j) { j["muscles"]["hamstring"]["rest_sd_uv"] = 0; },
       "muscles.hamstring.rest_sd_uv: must be > 0"},
      {[](json& j) { j["muscles"]["lumbar"]["rest_sd_uv"] = "6"; },
       "muscles.lumbar.rest_sd_uv: must be a number"},
      {[](json& j) { j["muscles"]["calf"] = j["muscles"]["glute"]; },
       "muscles.calf: unknown field"},
      {[](json& j) {
         j["imu"]["rotation"][1] = {1, 2};
       },
       "imu.rotation: must be 3 rows of 3 numbers"},
      {[](json& j) {
         j["imu"]["rotation"] = {{2, 0, 0}, {0, 1, 0}, {0, 0, 1}};
       },
       "imu.rotation: is not a rotation"},
      {[](json& j) {
         j["imu"]["rotation"] = {{-1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
       },
       "imu.rotation: is not a rotation"},
      {[](json& j) { j["imu"]["lift_range_deg"] = 5; }, "imu.lift_range_deg: must be >"},
      {[](json& j) { j["extra"] = 1; }, "extra: unknown field"},
  };
  for (const auto& c : cases) {
    const std::string e = error_after(c.edit);
    EXPECT_NE(e.find(c.says), std::string::npos) << "want: " << c.says << "\ngot: " << e;
    EXPECT_NE(e.find(path_), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
}

TEST_F(Profile, MissingOrMalformedFile) {
  EXPECT_THROW(load_profile((dir_ / "none.json").string()), IoError);
  std::ofstream(path_) << "{\"format\": \"fpt-profile\", ";
  try {
    load_profile(path_);
    ADD_FAILURE();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
}

TEST(ProfilePath, InTheDataFolderAndOnlyForNamesThatAreFileNames) {
  EXPECT_EQ(profile_path("/d", "Ana"), "/d/profiles/Ana.json");
  EXPECT_THROW(profile_path("/d", ""), InvalidArgument);
  EXPECT_THROW(profile_path("/d", ".."), InvalidArgument);
  EXPECT_THROW(profile_path("/d", "a/../../etc"), InvalidArgument);
  EXPECT_THROW(profile_path("/d", std::string("a\nb")), InvalidArgument);
}

TEST(ProfileWarnings, OldOrFromAnotherBoard) {
  const AthleteProfile p = sample();
  std::tm tm{};
  ::strptime("2026-11-25T12:00:00Z", "%Y-%m-%dT%H:%M:%SZ", &tm);
  const auto now = std::chrono::system_clock::from_time_t(::timegm(&tm));
  EXPECT_TRUE(profile_warnings(p, "SIM-0001", now).empty());
  const auto other = profile_warnings(p, "BOARD-7", now);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_NE(other[0].find("made on board SIM-0001, this is board BOARD-7"), std::string::npos);
  const auto old = profile_warnings(p, "SIM-0001", now + std::chrono::hours(24 * 100));
  ASSERT_EQ(old.size(), 1u);
  EXPECT_NE(old[0].find("105 days old"), std::string::npos) << old[0];
}

}  // namespace
}  // namespace fpt::calibration
