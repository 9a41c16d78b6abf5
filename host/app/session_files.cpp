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
  const std::string tmp = files.sidecar + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw IoError(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
  const std::string text = sidecar.dump(2) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), files.sidecar.c_str()) != 0)
    throw IoError(fmt::format("cannot write {}: {}", files.sidecar, std::strerror(errno)));
}

}  // namespace fpt::app
