// Where cue sounds go: a sound card through ALSA (played at once, small buffer), or a WAV file
// on the session's timeline (each sound at the device time of its cue, sample-exact), for
// machines without a sound card and for checking cue timing afterwards.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace fpt::cue {

class AudioOutput {
 public:
  virtual ~AudioOutput() = default;
  /// Plays clips that belong to one cue. at_s: the cue's time on the session (device) clock;
  /// offsets_s: each clip's start relative to at_s. `interrupt` is polled while a live output
  /// plays, so a newer cue can cut off the rest of an older one's words.
  virtual void play(double at_s, std::span<const std::span<const float>> clips,
                    std::span<const double> offsets_s, const std::function<bool()>& interrupt) = 0;
  /// The session ended at end_s (the WAV is padded to it); flushes everything.
  virtual void finish(double end_s) = 0;
  [[nodiscard]] virtual int rate_hz() const noexcept = 0;
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// WAV (16-bit PCM mono) at rate_hz; sample 0 is device sample 0. Created 0600. Throws IoError.
std::unique_ptr<AudioOutput> open_wav_output(const std::string& path, int rate_hz);

/// ALSA playback device ("default" unless named). Throws IoError when there is no sound card.
std::unique_ptr<AudioOutput> open_alsa_output(const std::string& device, int rate_hz);

}  // namespace fpt::cue
