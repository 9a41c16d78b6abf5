// Asks the scheduler to run the calling thread ahead of ordinary work (SCHED_FIFO), so a busy
// machine (speech synthesis, a browser) does not delay a restart cue by a time slice. Needs
// CAP_SYS_NICE or an rtprio limit; without it the thread stays as it was, and the caller says so.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace fpt {

/// Returns "" on success, else why not (for one log line).
inline std::string request_realtime(int priority) {
  sched_param p{};
  p.sched_priority = priority;
  const int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
  return rc == 0 ? std::string() : std::string(std::strerror(rc));
}

/// Lowers the calling thread's priority (nice), for background work such as speech synthesis.
inline void lower_thread_priority(int nice_value) {
  // On Linux, PRIO_PROCESS with a thread id applies to that thread only.
  setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice_value);
}

}  // namespace fpt
