// Spoken words for the cues ("restart, back first"), synthesised with espeak-ng into memory so
// they can go to a sound card or a WAV file alike. espeak-ng keeps global state: use Speech
// from one thread (the audio worker), one instance at a time.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fpt::cue {

class Speech {
 public:
  /// Loads espeak-ng (English voice). When it cannot, available() is false and say() returns
  /// nothing: the tones alone still cue the athlete.
  Speech();
  ~Speech();
  Speech(const Speech&) = delete;
  Speech& operator=(const Speech&) = delete;

  [[nodiscard]] bool available() const noexcept { return rate_hz_ > 0; }
  [[nodiscard]] int rate_hz() const noexcept { return rate_hz_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

  /// Mono float samples at rate_hz(); remembered, so a phrase is synthesised once.
  const std::vector<float>& say(const std::string& text);

 private:
  int rate_hz_ = 0;
  std::string error_;
  std::map<std::string, std::vector<float>> cache_;
};

}  // namespace fpt::cue
