#include "audio_cues.hpp"

#include <array>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "realtime.hpp"
#include "speech.hpp"
#include "tones.hpp"

namespace fpt::cue {
namespace {

/// What the athlete hears for each muscle: "back" is what people call the lumbar muscles.
const char* spoken(session::Muscle m) {
  switch (m) {
    case session::Muscle::kGlute:
      return "glute";
    case session::Muscle::kHamstring:
      return "hamstring";
    case session::Muscle::kLumbar:
      return "back";
  }
  return "";
}

const char* number_word(int n) {
  static constexpr std::array<const char*, 21> kWords = {
      "zero",     "one",     "two",     "three",     "four",     "five",     "six",
      "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
      "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
  return n >= 0 && n < static_cast<int>(kWords.size()) ? kWords[static_cast<std::size_t>(n)]
                                                       : nullptr;
}

}  // namespace

AudioCues::AudioCues(std::unique_ptr<AudioOutput> output, const AudioCueConfig& config)
    : output_(std::move(output)), config_(config) {
  worker_ = std::thread([this] { run(); });
}

AudioCues::~AudioCues() {
  finish(0.0);
}

void AudioCues::push(const Request& r) {
  if (!ring_.try_push(r)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  wakeups_.fetch_add(1, std::memory_order_release);
  wakeups_.notify_one();
}

void AudioCues::on_rep_event(const session::RepEvent& e) {
  if (e.kind != session::RepEvent::Kind::kRestartCue) return;
  Request r;
  r.kind = Kind::kRestart;
  r.t_s = e.t_s;
  r.offender = e.offender;
  r.leader = e.leader;
  push(r);
}

void AudioCues::on_rep_end(const session::RepEvent& e, const session::RepProgress&) {
  Request r;
  r.t_s = e.t_s;
  if (e.verdict.good) {
    r.kind = Kind::kGood;
    r.count = ++good_;
  } else if (!e.cued_restart) {
    // Restart decided only from the refined onsets (or the glute never fired): say so now.
    r.kind = Kind::kRestartVerdict;
    r.glute_silent = !e.onsets[static_cast<int>(session::Muscle::kGlute)];
    if (!r.glute_silent) {
      // Who came first: the earliest muscle, before the one that should have led.
      r.offender = session::Muscle::kGlute;
      double first = 1e300;
      for (int m = 0; m < session::kMuscles; ++m)
        if (e.onsets[m] && *e.onsets[m] < first) {
          first = *e.onsets[m];
          r.offender = static_cast<session::Muscle>(m);
        }
    }
  } else {
    return;  // already cued live
  }
  push(r);
}

void AudioCues::on_advice(const session::StageAdvice& a) {
  Request r;
  r.kind = Kind::kAdvice;
  r.count = a.next_stage;
  push(r);
}

void AudioCues::finish(double end_s) {
  if (finished_) return;
  finished_ = true;
  Request r;
  r.kind = Kind::kFinish;
  r.t_s = end_s;
  // The finish request must get through even if the ring is momentarily full.
  while (!ring_.try_push(r)) std::this_thread::yield();
  wakeups_.fetch_add(1, std::memory_order_release);
  wakeups_.notify_one();
  if (worker_.joinable()) worker_.join();
}

std::string AudioCues::words(const Request& r) const {
  switch (r.kind) {
    case Kind::kRestart:
    case Kind::kRestartVerdict:
      if (r.glute_silent) return "restart, no glute";
      if (config_.stage == 1 && r.offender != session::Muscle::kGlute)
        return fmt::format("restart, {} joined", spoken(r.offender));
      if (r.leader == session::Muscle::kHamstring)
        return fmt::format("restart, {} before hamstring", spoken(r.offender));
      return fmt::format("restart, {} first", spoken(r.offender));
    case Kind::kGood: {
      const char* n = number_word(r.count);
      return n != nullptr ? fmt::format("good, {}", n) : "good";
    }
    case Kind::kAdvice:
      return r.count > 0 ? fmt::format("ready for stage {}", number_word(r.count))
                         : "well done, keep going";
    case Kind::kFinish:
      break;
  }
  return {};
}

void AudioCues::run() {
  lower_thread_priority(10);  // sound is rendered ahead; the pipeline thread must not wait
  const int rate = output_->rate_hz();
  std::unique_ptr<Speech> speech;
  if (config_.speech) {
    speech = std::make_unique<Speech>();
    if (!speech->available()) {
      spdlog::warn("spoken cues off: {}", speech->error());
      speech.reset();
    } else if (speech->rate_hz() != rate) {
      spdlog::warn("spoken cues off: speech at {} Hz, output at {} Hz", speech->rate_hz(), rate);
      speech.reset();
    }
  }
  speaking_ = speech != nullptr;
  const std::vector<float> good = good_tone(rate), restart = restart_tone(rate);
  if (speech) {
    // Synthesise every phrase now, while the athlete lies still for the rest baseline: during
    // the reps speech synthesis would compete with the pipeline for the CPU.
    Request r;
    r.kind = Kind::kRestart;
    for (auto off : {session::Muscle::kHamstring, session::Muscle::kLumbar})
      for (auto lead : {session::Muscle::kGlute, session::Muscle::kHamstring}) {
        r.offender = off;
        r.leader = lead;
        speech->say(words(r));
      }
    r.glute_silent = true;
    speech->say(words(r));
    r = Request{};
    r.kind = Kind::kGood;
    for (r.count = 1; r.count <= 20; ++r.count) speech->say(words(r));
    r.kind = Kind::kAdvice;
    for (r.count = 0; r.count <= 3; ++r.count) speech->say(words(r));
  }
  const auto interrupt = [this] { return ring_.size() > 0; };
  std::uint32_t seen = 0;
  for (;;) {
    Request r;
    if (!ring_.try_pop(r)) {
      wakeups_.wait(seen, std::memory_order_acquire);
      seen = wakeups_.load(std::memory_order_acquire);
      continue;
    }
    if (r.kind == Kind::kFinish) {
      output_->finish(r.t_s);
      return;
    }
    const std::vector<float>* tone = nullptr;
    if (r.kind == Kind::kGood) tone = &good;
    if (r.kind == Kind::kRestart || r.kind == Kind::kRestartVerdict) tone = &restart;
    std::array<std::span<const float>, 2> clips;
    std::array<double, 2> offsets{};
    std::size_t n = 0;
    if (tone != nullptr) {
      clips[n] = *tone;
      offsets[n++] = 0.0;
    }
    if (speech) {
      const auto& w = speech->say(words(r));
      clips[n] = w;
      // Words follow the tone after a short breath.
      offsets[n++] = tone != nullptr ? static_cast<double>(tone->size()) / rate + 0.05 : 0.0;
    }
    output_->play(r.t_s, std::span(clips.data(), n), std::span(offsets.data(), n), interrupt);
  }
}

}  // namespace fpt::cue
