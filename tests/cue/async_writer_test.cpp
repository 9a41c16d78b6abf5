// The asynchronous writer behind the event stream and the live screen: everything arrives whole
// and in order, and a reader that stops reading never blocks the producer — it loses whole
// writes, counted, never half a line.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "async_writer.hpp"

namespace fpt::cue {
namespace {

namespace fs = std::filesystem;

std::string line_of(int i) {
  // Lengths from 1 to ~1000 bytes, so writes span several chunks.
  return "line " + std::to_string(i) + " " +
         std::string(static_cast<std::size_t>(i * 37 % 1000), 'x') + "\n";
}

TEST(AsyncWriter, EverythingArrivesWholeAndInOrder) {
  const fs::path path = fs::temp_directory_path() / ("fpt-async-" + std::to_string(::getpid()));
  std::string expected;
  {
    AsyncWriter w(std::fopen(path.c_str(), "w"), true, 64);  // a small ring: the producer laps it
    for (int i = 0; i < 5000; ++i) {
      const std::string l = line_of(i);
      // Waits for room only in this test; the pipeline never retries, it counts.
      while (!w.write(l)) std::this_thread::sleep_for(std::chrono::microseconds(50));
      expected += l;
    }
    w.drain();
    EXPECT_EQ(w.write_errors(), w.dropped());
  }
  std::ifstream f(path);
  std::stringstream got;
  got << f.rdbuf();
  EXPECT_EQ(got.str(), expected);
  fs::remove(path);
}

TEST(AsyncWriter, AReaderThatStopsNeverBlocksTheProducer) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto w = std::make_unique<AsyncWriter>(::fdopen(fds[1], "w"), true, 256);
  // Nobody reads: the pipe (64 kB) and the ring (64 kB) fill; every write still returns at once.
  int accepted = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) accepted += w->write(line_of(i)) ? 1 : 0;
  EXPECT_LT(accepted, n);
  EXPECT_EQ(w->dropped(), static_cast<std::uint64_t>(n - accepted));
  // The reader comes back: what was accepted arrives, whole lines, in order.
  std::string got;
  std::thread reader([&] {
    char buf[65536];
    for (ssize_t k; (k = ::read(fds[0], buf, sizeof buf)) > 0;)
      got.append(buf, static_cast<std::size_t>(k));
  });
  w.reset();  // drains and closes the write end
  reader.join();
  ::close(fds[0]);
  std::istringstream lines(got);
  int count = 0, last = -1;
  for (std::string l; std::getline(lines, l); ++count) {
    ASSERT_EQ(l.rfind("line ", 0), 0u) << l.substr(0, 40);
    const int i = std::stoi(l.substr(5));
    EXPECT_GT(i, last);
    EXPECT_EQ(l + "\n", line_of(i));  // never half a line
    last = i;
  }
  EXPECT_EQ(count, accepted);
}

TEST(AsyncStreambuf, AnOstreamWritesThroughIt) {
  const fs::path path = fs::temp_directory_path() / ("fpt-async-os-" + std::to_string(::getpid()));
  {
    AsyncWriter w(std::fopen(path.c_str(), "w"), true);
    AsyncStreambuf buf(w);
    std::ostream os(&buf);
    os << "panel " << 42 << '\n' << std::flush;
    os << std::string(10000, 'y') << '\n';  // larger than the stream's buffer
    os << "end" << std::flush;
    w.drain();
  }
  std::ifstream f(path);
  std::stringstream got;
  got << f.rdbuf();
  EXPECT_EQ(got.str(), "panel 42\n" + std::string(10000, 'y') + "\nend");
  fs::remove(path);
}

}  // namespace
}  // namespace fpt::cue
