#include "speech.hpp"

#include <espeak-ng/speak_lib.h>

#include <atomic>
#include <cmath>

namespace fpt::cue {
namespace {

std::atomic<bool> g_in_use{false};  // espeak-ng is one per process

int collect(short* samples, int count, espeak_EVENT* events) {
  if (samples == nullptr || count <= 0 || events == nullptr) return 0;
  auto* out = static_cast<std::vector<float>*>(events->user_data);
  if (out == nullptr) return 0;
  for (int i = 0; i < count; ++i) out->push_back(static_cast<float>(samples[i]) / 32768.0f);
  return 0;  // 0: go on synthesising
}

}  // namespace

Speech::Speech() {
  if (g_in_use.exchange(true)) {
    error_ = "speech is already in use in this process";
    return;
  }
  const int rate =
      espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    error_ = "espeak-ng could not start (is espeak-ng-data installed?)";
    g_in_use = false;
    return;
  }
  espeak_SetSynthCallback(collect);
  if (espeak_SetVoiceByName("en") != EE_OK) {
    error_ = "espeak-ng has no English voice";
    espeak_Terminate();
    g_in_use = false;
    return;
  }
  espeak_SetParameter(espeakRATE, 190, 0);  // a little brisk: cues must be short
  rate_hz_ = rate;
}

Speech::~Speech() {
  if (rate_hz_ > 0) {
    espeak_Terminate();
    g_in_use = false;
  }
}

const std::vector<float>& Speech::say(const std::string& text) {
  auto [it, fresh] = cache_.try_emplace(text);
  if (!fresh || !available()) return it->second;
  std::vector<float>& out = it->second;
  espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &out);
  espeak_Synchronize();
  // Trim the leading silence espeak-ng puts before the first word: the cue must not wait.
  std::size_t lead = 0;
  while (lead < out.size() && std::abs(out[lead]) < 1e-3f) ++lead;
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(lead));
  return out;
}

}  // namespace fpt::cue
