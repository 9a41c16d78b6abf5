// What leaves the I/O thread: one record per sample set or link event, copied through an
// SpscRing. Plain data with fixed size so the ring never allocates.
#pragma once

#include <array>
#include <cstdint>

#include "fpt_messages.h"

namespace fpt::io {

enum class ItemKind : std::uint8_t {
  kEmg,       // one EMG sample set: values[0..count) are ADC codes
  kImu,       // one IMU sample set: values[0..count) are raw axis codes
  kEmgGap,    // EMG samples [index, index + missing) never arrived
  kImuGap,    // IMU samples [index, index + missing) never arrived
  kLinkDown,  // the port failed or went silent; index is the next EMG index expected
  kLinkUp,    // the same board is streaming again
};

struct StreamItem {
  ItemKind kind = ItemKind::kEmg;
  std::uint8_t count = 0;       // channels or axes in values
  std::uint32_t missing = 0;    // for gaps
  std::uint64_t index = 0;      // unwrapped sample index on the device's clock
  std::int64_t arrival_ns = 0;  // host steady clock when the carrying frame was read
  std::array<std::int32_t, FPT_MAX_EMG_CHANNELS> values{};
};

}  // namespace fpt::io
