// Files that describe a person (recordings, sidecars, profiles, reports, tables) are created
// readable by their owner only: the mode is given at creation, so no umask and no window
// between creating and chmod-ing can expose them. Header-only: every layer writes such files.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "error.hpp"

namespace fpt {

/// Creates or truncates `path` with mode 0600 for writing. Throws IoError naming the file.
inline int create_private_fd(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw IoError("cannot write " + path + ": " + std::strerror(errno));
  return fd;
}

/// The same as a stdio stream ("w" or "wb"); the caller fcloses it.
inline std::FILE* create_private_file(const std::string& path, const char* mode = "w") {
  const int fd = create_private_fd(path);
  std::FILE* f = ::fdopen(fd, mode);
  if (f == nullptr) {
    const int err = errno;
    ::close(fd);
    throw IoError("cannot write " + path + ": " + std::strerror(err));
  }
  return f;
}

namespace detail {
/// Writes all of `text`; false (errno set) on a short write, a full disk included.
inline bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}
}  // namespace detail

/// Writes a whole private file. Throws IoError.
inline void write_private_file(const std::string& path, std::string_view text) {
  const int fd = create_private_fd(path);
  const bool ok = detail::write_all(fd, text);
  const int err = errno;
  if (::close(fd) != 0 || !ok)
    throw IoError("cannot write " + path + ": " + std::strerror(ok ? errno : err));
}

/// Replaces a private file atomically (a temporary file, fsync, rename): a crash or a full disk
/// leaves the old file or the new one, never half of one. Throws IoError.
inline void replace_private_file(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  const int fd = create_private_fd(tmp);
  bool ok = detail::write_all(fd, text) && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    throw IoError("cannot write " + path + ": " + std::strerror(err));
  }
}

}  // namespace fpt
