#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "error.hpp"
#include "spsc_ring.hpp"

namespace fpt {
namespace {

TEST(SpscRing, FillDrainAndRefuseWhenFull) {
  SpscRing<int> ring(5);  // rounds up to 8
  EXPECT_EQ(ring.capacity(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(ring.try_push(i));
  EXPECT_FALSE(ring.try_push(99));  // full: nothing is overwritten
  int v = -1;
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(ring.try_pop(v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(ring.try_pop(v));
  EXPECT_THROW(SpscRing<int>(1), InvalidArgument);
}

TEST(SpscRing, TwoThreads_EveryItemOnceInOrder) {
  SpscRing<std::uint64_t> ring(1024);
  constexpr std::uint64_t kItems = 2'000'000;
  std::uint64_t refused = 0;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kItems; ++i)
      while (!ring.try_push(i)) ++refused;
  });
  std::uint64_t expected = 0;
  std::uint64_t v = 0;
  while (expected < kItems) {
    if (ring.try_pop(v)) {
      ASSERT_EQ(v, expected);
      ++expected;
    }
  }
  producer.join();
  EXPECT_EQ(ring.size(), 0u);
}

}  // namespace
}  // namespace fpt
