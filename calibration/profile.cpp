#include "profile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "private_file.hpp"

namespace fpt::calibration {
namespace {

using nlohmann::json;

/// Field-by-field reader that names the path of whatever is wrong.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw FormatError(fmt::format("profile {}: {}: {}", file_, field, what));
  }

  const json& member(const json& obj, const std::string& parent, const char* name) const {
    const std::string field = parent.empty() ? name : parent + "." + name;
    if (!obj.contains(name)) fail(field, "missing");
    return obj.at(name);
  }

  void only(const json& obj, const std::string& parent, std::set<std::string> allowed) const {
    if (!obj.is_object()) fail(parent.empty() ? "(top level)" : parent, "must be an object");
    for (const auto& [k, v] : obj.items())
      if (!allowed.count(k))
        fail(parent.empty() ? k : parent + "." + k, "unknown field (a typo, or a newer fpt?)");
  }

  std::string text(const json& obj, const std::string& parent, const char* name,
                   bool non_empty = true) const {
    const json& v = member(obj, parent, name);
    const std::string field = parent.empty() ? name : parent + "." + name;
    if (!v.is_string()) fail(field, fmt::format("must be text (got {})", v.dump()));
    if (non_empty && v.get<std::string>().empty()) fail(field, "must not be empty");
    return v.get<std::string>();
  }

  double number(const json& obj, const std::string& parent, const char* name, double lo,
                double hi) const {
    const json& v = member(obj, parent, name);
    const std::string field = parent.empty() ? name : parent + "." + name;
    if (!v.is_number()) fail(field, fmt::format("must be a number (got {})", v.dump()));
    const double x = v.get<double>();
    if (!(x > lo && x <= hi))
      fail(field, fmt::format("must be > {} and <= {} (got {})", lo, hi, v.dump()));
    return x;
  }

  int integer(const json& obj, const std::string& parent, const char* name, int lo, int hi) const {
    const json& v = member(obj, parent, name);
    const std::string field = parent.empty() ? name : parent + "." + name;
    if (!v.is_number_integer())
      fail(field, fmt::format("must be a whole number (got {})", v.dump()));
    const auto x = v.get<long long>();
    if (x < lo || x > hi) fail(field, fmt::format("must be {}..{} (got {})", lo, hi, x));
    return static_cast<int>(x);
  }

 private:
  std::string file_;
};

bool iso_utc(const std::string& s) {
  std::tm tm{};
  const char* end = ::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return end != nullptr && *end == '\0';
}

}  // namespace

AthleteProfile load_profile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(fmt::format("cannot read profile {}: {}", path, std::strerror(errno)));
  std::stringstream buf;
  buf << in.rdbuf();
  json j;
  try {
    j = json::parse(buf.str());
  } catch (const json::parse_error& e) {
    throw FormatError(fmt::format("profile {}: not valid JSON (byte {})", path, e.byte));
  }
  const Reader r(path);
  r.only(j, "", {"format", "version", "athlete", "created_utc", "board", "muscles", "imu"});
  if (r.text(j, "", "format") != "fpt-profile") r.fail("format", "must be \"fpt-profile\"");
  AthleteProfile p;
  const json& v = r.member(j, "", "version");
  if (!v.is_number_integer()) r.fail("version", "must be a whole number");
  p.version = v.get<int>();
  if (p.version > kProfileVersion)
    r.fail("version", fmt::format("{} is newer than this fpt reads ({}): update fpt", p.version,
                                  kProfileVersion));
  if (p.version < 1) r.fail("version", fmt::format("{} is not a profile version", p.version));
  p.athlete = r.text(j, "", "athlete");
  p.created_utc = r.text(j, "", "created_utc");
  if (!iso_utc(p.created_utc))
    r.fail("created_utc",
           fmt::format("must be like 2026-11-25T17:00:00Z (got \"{}\")", p.created_utc));
  const json& board = r.member(j, "", "board");
  r.only(board, "board", {"serial", "model", "firmware", "emg_rate_hz"});
  p.board_serial = r.text(board, "board", "serial");
  p.board_model = r.integer(board, "board", "model", 0, 65535);
  p.firmware = r.text(board, "board", "firmware");
  p.emg_rate_hz = r.integer(board, "board", "emg_rate_hz", 100, 20000);
  const json& muscles = r.member(j, "", "muscles");
  r.only(muscles, "muscles", {"glute", "hamstring", "lumbar"});
  for (std::size_t m = 0; m < 3; ++m) {
    const std::string parent = std::string("muscles.") + kProfileMuscles[m];
    const json& mj = r.member(muscles, "muscles", kProfileMuscles[m]);
    r.only(mj, parent, {"rest_sd_uv", "mvc_uv"});
    p.muscles[m].rest_sd_uv = r.number(mj, parent, "rest_sd_uv", 0.0, 1000.0);
    p.muscles[m].mvc_uv = r.number(mj, parent, "mvc_uv", 0.0, 100000.0);
    if (p.muscles[m].mvc_uv < 3.0 * p.muscles[m].rest_sd_uv)
      r.fail(parent + ".mvc_uv",
             fmt::format("{} uV is barely above rest ({} uV): the MVC was not recorded",
                         p.muscles[m].mvc_uv, p.muscles[m].rest_sd_uv));
  }
  if (j.contains("imu") && !j.at("imu").is_null()) {
    const json& ij = j.at("imu");
    r.only(ij, "imu", {"rotation", "lift_range_deg"});
    ProfileImu imu;
    const json& rot = r.member(ij, "imu", "rotation");
    if (!rot.is_array() || rot.size() != 3) r.fail("imu.rotation", "must be 3 rows of 3 numbers");
    for (std::size_t i = 0; i < 3; ++i) {
      if (!rot[i].is_array() || rot[i].size() != 3)
        r.fail("imu.rotation", "must be 3 rows of 3 numbers");
      for (std::size_t k = 0; k < 3; ++k) {
        if (!rot[i][k].is_number()) r.fail("imu.rotation", "must be 3 rows of 3 numbers");
        imu.rotation(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) =
            rot[i][k].get<double>();
      }
    }
    const double ortho = (imu.rotation.transpose() * imu.rotation - Eigen::Matrix3d::Identity())
                             .cwiseAbs()
                             .maxCoeff();
    if (ortho > 1e-3 || imu.rotation.determinant() < 0.0)
      r.fail("imu.rotation", "is not a rotation (rows must be orthonormal, right-handed)");
    imu.lift_range_deg = r.number(ij, "imu", "lift_range_deg", 9.999, 120.0);
    p.imu = imu;
  }
  return p;
}

void save_profile(const std::string& path, const AthleteProfile& p) {
  json muscles = json::object();
  for (std::size_t m = 0; m < 3; ++m)
    muscles[kProfileMuscles[m]] = {{"rest_sd_uv", p.muscles[m].rest_sd_uv},
                                   {"mvc_uv", p.muscles[m].mvc_uv}};
  json imu = nullptr;
  if (p.imu) {
    json rows = json::array();
    for (Eigen::Index i = 0; i < 3; ++i)
      rows.push_back({p.imu->rotation(i, 0), p.imu->rotation(i, 1), p.imu->rotation(i, 2)});
    imu = {{"rotation", rows}, {"lift_range_deg", p.imu->lift_range_deg}};
  }
  const json j = {{"format", "fpt-profile"},
                  {"version", kProfileVersion},
                  {"athlete", p.athlete},
                  {"created_utc", p.created_utc},
                  {"board",
                   {{"serial", p.board_serial},
                    {"model", p.board_model},
                    {"firmware", p.firmware},
                    {"emg_rate_hz", p.emg_rate_hz}}},
                  {"muscles", muscles},
                  {"imu", imu}};
  const std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    ::chmod(file.parent_path().c_str(), 0700);
  }
  // A crash never leaves half a profile.
  replace_private_file(path, j.dump(2) + "\n");
}

std::string profile_path(const std::string& data_dir, const std::string& athlete) {
  if (athlete.empty() || athlete == "." || athlete == ".." || athlete.size() > 100)
    throw InvalidArgument(fmt::format("'{}' cannot name a profile", athlete));
  for (unsigned char c : athlete)
    if (c < 0x20 || c == '/' || c == '\\' || c == 0x7f)
      throw InvalidArgument(fmt::format("athlete name '{}' cannot name a file", athlete));
  return (std::filesystem::path(data_dir) / "profiles" / (athlete + ".json")).string();
}

std::vector<std::string> profile_warnings(const AthleteProfile& p, const std::string& serial,
                                          std::chrono::system_clock::time_point now,
                                          int max_age_days) {
  std::vector<std::string> w;
  std::tm tm{};
  if (::strptime(p.created_utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr) {
    const auto made = std::chrono::system_clock::from_time_t(::timegm(&tm));
    const auto days = std::chrono::duration_cast<std::chrono::hours>(now - made).count() / 24;
    if (days > max_age_days)
      w.push_back(
          fmt::format("the calibration of {} is {} days old: calibrate again (electrode "
                      "sites and strength change)",
                      p.athlete, days));
  }
  if (p.board_serial != serial)
    w.push_back(
        fmt::format("the calibration of {} was made on board {}, this is board {}: "
                    "amplitudes may not compare; calibrate again",
                    p.athlete, p.board_serial, serial));
  return w;
}

}  // namespace fpt::calibration
