#include "pseudo_terminal.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::sim {

PseudoTerminal::PseudoTerminal(std::string link_path) : link_(std::move(link_path)) {
  plug_in();
}

PseudoTerminal::~PseudoTerminal() {
  unplug();
  if (!link_.empty()) ::unlink(link_.c_str());
}

void PseudoTerminal::plug_in() {
  if (master_ >= 0) return;
  const int m = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (m < 0) throw IoError(fmt::format("cannot open a pseudo-terminal: {}", std::strerror(errno)));
  if (::grantpt(m) != 0 || ::unlockpt(m) != 0) {
    const int e = errno;
    ::close(m);
    throw IoError(fmt::format("cannot unlock a pseudo-terminal: {}", std::strerror(e)));
  }
  char name[128] = {};
  if (::ptsname_r(m, name, sizeof name) != 0) {
    ::close(m);
    throw IoError("cannot name the pseudo-terminal");
  }
  const int s = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    const int e = errno;
    ::close(m);
    throw IoError(fmt::format("cannot open {}: {}", name, std::strerror(e)));
  }
  termios tio{};
  ::tcgetattr(s, &tio);
  ::cfmakeraw(&tio);
  ::tcsetattr(s, TCSANOW, &tio);
  master_ = m;
  slave_ = s;
  slave_path_ = name;
  if (!link_.empty()) {
    // Replace the link atomically so a reconnecting reader never sees it missing.
    const std::string tmp = link_ + ".tmp";
    ::unlink(tmp.c_str());
    if (::symlink(slave_path_.c_str(), tmp.c_str()) != 0 ||
        ::rename(tmp.c_str(), link_.c_str()) != 0)
      throw IoError(
          fmt::format("cannot link {} to {}: {}", link_, slave_path_, std::strerror(errno)));
  }
}

void PseudoTerminal::unplug() {
  // The link goes with the device, as udev removes /dev/serial/by-id links on unplug. Left
  // behind, it names a /dev/pts number the kernel hands to the next pseudo-terminal anyone
  // opens (another test's board under a parallel ctest): a reconnecting host then opened and
  // handshook with a stranger until its handshake timed out, seconds per replug (the replug
  // test's failures under ThreadSanitizer).
  if (!link_.empty() && master_ >= 0) ::unlink(link_.c_str());
  if (slave_ >= 0) ::close(slave_);
  if (master_ >= 0) ::close(master_);
  slave_ = master_ = -1;
}

}  // namespace fpt::sim
