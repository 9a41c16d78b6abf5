// The athlete lies face down: sound is the main cue. On the pipeline thread this sink only
// copies a small request into a fixed ring (no allocation, no lock); an audio thread turns it
// into a tone, then spoken words, and plays it (ALSA) or places it on the WAV timeline.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "audio_output.hpp"
#include "session_coach.hpp"
#include "spsc_ring.hpp"

namespace fpt::cue {

struct AudioCueConfig {
  bool speech = true;  // words after the tone ("restart, back first")
  int stage = 3;
};

class AudioCues final : public session::CoachedSink {
 public:
  /// Starts the audio thread; output is owned from now on.
  AudioCues(std::unique_ptr<AudioOutput> output, const AudioCueConfig& config);
  ~AudioCues() override;
  AudioCues(const AudioCues&) = delete;
  AudioCues& operator=(const AudioCues&) = delete;

  void on_rep_event(const session::RepEvent& e) override;
  void on_rep_end(const session::RepEvent& e, const session::RepProgress& p) override;
  void on_advice(const session::StageAdvice& a) override;

  /// Plays what is queued, pads a WAV to end_s, stops the thread. Idempotent.
  void finish(double end_s);

  [[nodiscard]] std::string describe() const { return output_->describe(); }
  /// Cues not played because the ring was full (the audio thread fell behind).
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(); }
  /// Whether words are spoken (espeak-ng found); known once the audio thread has started.
  [[nodiscard]] bool speaking() const noexcept { return speaking_.load(); }

 private:
  enum class Kind : std::uint8_t { kRestart, kGood, kRestartVerdict, kAdvice, kFinish };
  struct Request {
    Kind kind = Kind::kGood;
    double t_s = 0.0;
    int count = 0;  // good reps so far, or the suggested stage
    session::Muscle offender = session::Muscle::kHamstring;
    session::Muscle leader = session::Muscle::kGlute;
    bool glute_silent = false;
  };

  void push(const Request& r);
  void run();
  std::string words(const Request& r) const;

  std::unique_ptr<AudioOutput> output_;
  AudioCueConfig config_;
  SpscRing<Request> ring_{64};
  std::atomic<std::uint32_t> wakeups_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<bool> speaking_{false};
  int good_ = 0;  // pipeline thread only
  bool finished_ = false;
  std::thread worker_;
};

}  // namespace fpt::cue
