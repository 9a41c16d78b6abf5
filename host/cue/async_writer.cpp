#include "async_writer.hpp"

#include <algorithm>
#include <chrono>
#include <string>

namespace fpt::cue {

namespace {
// How long the writer sleeps when there is nothing to write: an event reaches a reader within
// this (cues go to the sound first and never wait for text).
constexpr auto kIdle = std::chrono::milliseconds(2);
}  // namespace

AsyncWriter::AsyncWriter(std::FILE* file, bool owned, std::size_t chunks)
    : file_(file), owned_(owned), ring_(chunks) {
  thread_ = std::thread([this] { run(); });
}

AsyncWriter::~AsyncWriter() {
  stop_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

bool AsyncWriter::write(std::string_view text) noexcept {
  const std::size_t per = Chunk{}.text.size();
  const std::size_t need = std::max<std::size_t>(1, (text.size() + per - 1) / per);
  if (ring_.capacity() - ring_.size() < need) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  Chunk c;
  for (std::size_t at = 0, i = 0; i < need; ++i, at += per) {
    const std::size_t n = std::min(per, text.size() - at);
    c.length = static_cast<std::uint16_t>(n);
    c.last = i + 1 == need;
    std::copy_n(text.data() + at, n, c.text.data());
    // Only this thread adds, and the room was there: every push succeeds.
    (void)ring_.try_push(c);
  }
  queued_.fetch_add(1, std::memory_order_release);
  return true;
}

void AsyncWriter::drain() {
  const auto target = queued_.load(std::memory_order_acquire);
  while (written_.load(std::memory_order_acquire) < target) std::this_thread::sleep_for(kIdle);
}

void AsyncWriter::run() {
  std::string piece;  // the writer's own buffer: allocation here never touches the pipeline
  piece.reserve(4096);
  Chunk c;
  std::uint64_t unflushed = 0;  // whole writes handed to stdio but not yet flushed
  const auto flush = [&] {
    if (std::fflush(file_) != 0) failed_.fetch_add(1, std::memory_order_relaxed);
    // Counted only once flushed, so drain() means "handed to the reader".
    written_.fetch_add(unflushed, std::memory_order_release);
    unflushed = 0;
  };
  for (;;) {
    if (ring_.try_pop(c)) {
      piece.append(c.text.data(), c.length);
      if (!c.last) continue;
      if (std::fwrite(piece.data(), 1, piece.size(), file_) != piece.size())
        failed_.fetch_add(1, std::memory_order_relaxed);
      piece.clear();
      if (++unflushed >= 64) flush();
      continue;
    }
    if (unflushed > 0) flush();
    if (stop_.load(std::memory_order_acquire) && ring_.size() == 0) break;
    std::this_thread::sleep_for(kIdle);
  }
}

int AsyncStreambuf::sync() {
  const auto n = static_cast<std::size_t>(pptr() - pbase());
  if (n > 0) writer_.write(std::string_view(pbase(), n));
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return 0;
}

AsyncStreambuf::int_type AsyncStreambuf::overflow(int_type c) {
  sync();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

}  // namespace fpt::cue
