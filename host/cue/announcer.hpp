// Spoken instructions for guided steps (calibration): "Glute, trial 2 of 3", "3", "2", "Go!".
// The caller queues text with its time on the board's clock; a worker thread synthesises and
// plays it (sound card) or places it on a WAV timeline. Guided flows are not the training
// sample path, so a small locked queue is fine here; training cues use AudioCues instead.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audio_output.hpp"

namespace fpt::cue {

class Announcer {
 public:
  /// Starts the worker; the output is owned from now on.
  explicit Announcer(std::unique_ptr<AudioOutput> output);
  ~Announcer();
  Announcer(const Announcer&) = delete;
  Announcer& operator=(const Announcer&) = delete;

  /// Queues words to be said at t_s (device clock). A newer instruction cuts off an older
  /// one still playing on a sound card: the countdown must not lag behind.
  void say(double t_s, std::string text);
  /// Says what is queued, pads a WAV to end_s, stops the worker. Idempotent.
  void finish(double end_s);
  /// False when espeak-ng cannot speak (known once the worker has started).
  [[nodiscard]] bool speaking() const;
  [[nodiscard]] std::string describe() const { return output_->describe(); }

 private:
  void run();

  std::unique_ptr<AudioOutput> output_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<double, std::string>> queue_;
  bool stopping_ = false;
  bool speaking_ = true;
  double end_s_ = 0.0;
  std::thread worker_;
};

}  // namespace fpt::cue
