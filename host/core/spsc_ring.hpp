// Fixed-capacity single-producer/single-consumer ring, lock-free and allocation-free after
// construction. The producer never waits: when the ring is full try_push fails and the caller
// counts a drop (drop-newest policy; each owner documents what it does with the count).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

#include "error.hpp"

namespace fpt {

template <typename T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "ring items are copied without constructors");

 public:
  /// Allocates storage for `capacity` items (rounded up to a power of two). Not real-time.
  explicit SpscRing(std::size_t capacity) {
    if (capacity < 2) throw InvalidArgument("ring capacity must be at least 2");
    std::size_t size = 1;
    while (size < capacity) size <<= 1U;
    mask_ = size - 1;
    slots_ = std::make_unique<T[]>(size);
  }

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  /// Producer thread only. Real-time safe. Returns false when full (nothing is written).
  [[nodiscard]] bool try_push(const T& item) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head - cached_tail_ > mask_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head - cached_tail_ > mask_) return false;
    }
    slots_[head & mask_] = item;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  /// Consumer thread only. Real-time safe. Returns false when empty.
  [[nodiscard]] bool try_pop(T& out) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == cached_head_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (tail == cached_head_) return false;
    }
    out = slots_[tail & mask_];
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  /// Approximate fill level; any thread.
  [[nodiscard]] std::size_t size() const noexcept {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

 private:
  static constexpr std::size_t kLine = 64;  // keep producer and consumer indices apart
  std::unique_ptr<T[]> slots_;
  std::size_t mask_ = 0;
  alignas(kLine) std::atomic<std::size_t> head_{0};
  std::size_t cached_tail_ = 0;  // producer's copy of tail_
  alignas(kLine) std::atomic<std::size_t> tail_{0};
  std::size_t cached_head_ = 0;  // consumer's copy of head_
};

}  // namespace fpt
