// Turns a device's 32-bit sample index into a 64-bit one that keeps counting across wraps,
// gaps and board restarts, so the host timeline never jumps backwards.
#pragma once

#include <cstdint>

#include "fpt_wire.h"

namespace fpt::io {

class IndexUnwrapper {
 public:
  struct Mapped {
    std::uint64_t first = 0;    // host index of the block's first sample
    std::uint64_t missing = 0;  // samples skipped before it (0 when contiguous)
    bool restarted = false;     // the device's index went backwards (it rebooted)
  };

  /// Maps a block of n sets starting at device index first. When the device restarted,
  /// estimated_missing (from host time) fills the gap. Real-time safe.
  Mapped map(std::uint32_t first, std::uint32_t n, std::uint64_t estimated_missing = 0) noexcept {
    if (tracker_.valid == 0) next_ = first;  // the host timeline starts on the device's clock
    const std::uint32_t rewinds_before = tracker_.rewinds;
    const std::uint32_t missing = fpt_index_track(&tracker_, first, n);
    Mapped m;
    m.missing = missing;
    if (tracker_.rewinds != rewinds_before) {
      m.restarted = true;
      m.missing = estimated_missing;
    }
    m.first = next_ + m.missing;
    next_ = m.first + n;
    return m;
  }

  [[nodiscard]] std::uint64_t next() const noexcept { return next_; }
  [[nodiscard]] const fpt_index_tracker& tracker() const noexcept { return tracker_; }

 private:
  fpt_index_tracker tracker_{};
  std::uint64_t next_ = 0;
};

}  // namespace fpt::io
