// Reads a WAV back (libsndfile) and finds the sounds in it: where each starts after silence
// and which cue it is, told apart by pitch (Goertzel power at the cue tones' fundamentals).
#pragma once

#include <sndfile.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace fpt::test {

struct Wav {
  int rate = 0;
  std::vector<float> x;
};

inline Wav read_wav(const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  Wav w;
  if (f == nullptr) return w;
  w.rate = info.samplerate;
  w.x.resize(static_cast<std::size_t>(info.frames * info.channels));
  sf_readf_float(f, w.x.data(), info.frames);
  sf_close(f);
  return w;
}

/// Power of frequency hz in x[from, from + n).
inline double goertzel(const Wav& w, std::size_t from, std::size_t n, double hz) {
  const double k = 2.0 * std::cos(2.0 * std::numbers::pi * hz / w.rate);
  double s1 = 0.0, s2 = 0.0;
  for (std::size_t i = from; i < from + n && i < w.x.size(); ++i) {
    const double s0 = w.x[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - k * s1 * s2;
}

struct Sound {
  double start_s = 0.0;
  bool restart = false;  // low buzz (restart) rather than high notes (good)
};

/// Sounds that start after at least min_silence_s of silence.
inline std::vector<Sound> find_sounds(const Wav& w, double min_silence_s = 0.3) {
  std::vector<Sound> out;
  const auto gap = static_cast<std::size_t>(min_silence_s * w.rate);
  std::size_t quiet = gap;
  for (std::size_t i = 0; i < w.x.size(); ++i) {
    if (std::abs(w.x[i]) < 1e-3f) {
      ++quiet;
      continue;
    }
    if (quiet >= gap) {
      const auto n = static_cast<std::size_t>(0.06 * w.rate);
      Sound s;
      s.start_s = static_cast<double>(i) / w.rate;
      s.restart = goertzel(w, i, n, 220.0) > goertzel(w, i, n, 880.0);
      out.push_back(s);
    }
    quiet = 0;
  }
  return out;
}

}  // namespace fpt::test
