#include "stop_signal.hpp"

#include <atomic>
#include <csignal>

namespace fpt::app {
namespace {
std::atomic<bool> g_stop{false};  // lock-free, so safe to set from a signal handler
static_assert(std::atomic<bool>::is_always_lock_free);
void on_signal(int /*sig*/) {
  g_stop.store(true);
}
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A file-size limit must fail the write (EFBIG, reported like a full disk), not kill the
  // session.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ignore, nullptr);
}

bool stop_requested() {
  return g_stop.load();
}
void request_stop() {
  g_stop.store(true);
}

}  // namespace fpt::app
