#include "session_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "data_dir.hpp"
#include "error.hpp"
#include "private_file.hpp"
#include "profile.hpp"

namespace fpt::app {
namespace {

std::string utc(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

std::string utc_timestamp() {
  return utc("%Y-%m-%dT%H:%M:%SZ");
}

SessionFiles new_session(const std::string& data_dir, const std::string& athlete) {
  // The athlete's name must be usable in a file name, as for profiles.
  const std::string checked = calibration::profile_path(data_dir, athlete);
  (void)checked;
  const std::filesystem::path sessions = std::filesystem::path(data_dir) / "sessions";
  ensure_private_dir(sessions);
  const std::string stamp = utc("%Y%m%d-%H%M%S");
  for (int n = 0; n < 100; ++n) {
    SessionFiles f;
    f.id =
        n == 0 ? fmt::format("{}-{}", stamp, athlete) : fmt::format("{}-{}-{}", stamp, athlete, n);
    const auto dir = sessions / f.id;
    if (::mkdir(dir.c_str(), 0700) == 0) {
      f.dir = dir.string();
      f.sidecar = (dir / "session.json").string();
      return f;
    }
    if (errno != EEXIST)
      throw IoError(fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno)));
  }
  throw IoError("cannot find a free session id");
}

void write_sidecar(const SessionFiles& files, const nlohmann::json& sidecar) {
  replace_private_file(files.sidecar, sidecar.dump(2) + "\n");
}

nlohmann::json board_json(const protocol::DeviceInfo& d) {
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : d.channels)
    channels.push_back({{"role", std::string(protocol::to_string(c.role))},
                        {"side", std::string(protocol::to_string(c.side))},
                        {"adc_bits", c.adc_bits},
                        {"scale_uv", c.scale_uv},
                        {"zero_code", c.zero_code}});
  return {{"serial", d.serial},
          {"model", d.board_model},
          {"firmware", fmt::format("{}.{}.{}", d.fw_major, d.fw_minor, d.fw_patch)},
          {"protocol", d.protocol_version},
          {"emg_rate_hz", d.emg_rate_hz},
          {"imu_rate_hz", d.imu_rate_hz},
          {"imu_axes", d.imu_axes},
          {"accel_scale_g", d.accel_scale_g},
          {"accel_zero_code", d.accel_zero_code},
          {"gyro_scale_dps", d.gyro_scale_dps},
          {"channels", channels}};
}

nlohmann::json recording_status_json(const storage::RecorderStatus& st, std::uint64_t origin_s) {
  return {{"seconds", st.records},
          {"origin_s", origin_s},
          {"failed", st.failed},
          {"error", st.error},
          {"lost_seconds", st.lost_records},
          {"dropped_sets", st.dropped_sets},
          {"dropped_annotations", st.dropped_annotations}};
}

}  // namespace fpt::app
