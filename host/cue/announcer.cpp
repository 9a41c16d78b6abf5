#include "announcer.hpp"

#include <span>
#include <vector>

#include <spdlog/spdlog.h>

#include "speech.hpp"

namespace fpt::cue {

Announcer::Announcer(std::unique_ptr<AudioOutput> output) : output_(std::move(output)) {
  worker_ = std::thread([this] { run(); });
}

Announcer::~Announcer() {
  finish(0.0);
}

void Announcer::say(double t_s, std::string text) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.emplace_back(t_s, std::move(text));
  }
  wake_.notify_one();
}

bool Announcer::speaking() const {
  std::lock_guard lock(mutex_);
  return speaking_;
}

void Announcer::finish(double end_s) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
    end_s_ = end_s;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

void Announcer::run() {
  Speech speech;  // espeak-ng state lives on this thread only
  {
    std::lock_guard lock(mutex_);
    speaking_ = speech.available();
  }
  if (!speech.available()) spdlog::warn("no spoken prompts: {}", speech.error());
  const bool usable = speech.available() && speech.rate_hz() == output_->rate_hz();
  if (speech.available() && !usable)
    spdlog::warn("no spoken prompts: speech at {} Hz, output at {} Hz", speech.rate_hz(),
                 output_->rate_hz());
  for (;;) {
    std::pair<double, std::string> item;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!usable) continue;
    const std::span<const float> clip(speech.say(item.second));
    const double offset = 0.0;
    try {
      output_->play(item.first, std::span<const std::span<const float>>(&clip, 1),
                    std::span<const double>(&offset, 1), [this] {
                      std::lock_guard lock(mutex_);
                      return !queue_.empty();
                    });
    } catch (const std::exception& e) {
      spdlog::warn("spoken prompt not played: {}", e.what());
    }
  }
  double end = 0.0;
  {
    std::lock_guard lock(mutex_);
    end = end_s_;
  }
  try {
    output_->finish(end);
  } catch (const std::exception& e) {
    spdlog::warn("sound output: {}", e.what());
  }
}

}  // namespace fpt::cue
