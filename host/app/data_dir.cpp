#include "data_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::app {

std::filesystem::path resolve_data_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("FPT_DATA_DIR"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0')
    return std::filesystem::path(xdg) / "fpt";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return std::filesystem::path(home) / ".local" / "share" / "fpt";
  throw IoError("cannot find a data folder: set HOME, XDG_DATA_HOME, FPT_DATA_DIR or --data-dir");
}

void ensure_private_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  const mode_t old = ::umask(077);  // health data: folders 0700
  std::filesystem::create_directories(dir, ec);
  ::umask(old);
  if (ec)
    throw IoError(fmt::format("cannot create data folder {}: {}", dir.string(), ec.message()));
  ::chmod(dir.c_str(), 0700);
}

}  // namespace fpt::app
