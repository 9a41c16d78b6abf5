#include "audio_output.hpp"

#include <alsa/asoundlib.h>
#include <fcntl.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "error.hpp"
#include "private_file.hpp"

namespace fpt::cue {
namespace {

class WavOutput final : public AudioOutput {
 public:
  WavOutput(const std::string& path, int rate) : path_(path), rate_(rate) {
    // Create the file private first: libsndfile would create it with the umask's mode.
    const int fd = create_private_fd(path);
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    file_ = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
    if (file_ == nullptr) {
      ::close(fd);
      throw IoError(fmt::format("cannot write sound to {}: {}", path, sf_strerror(nullptr)));
    }
    // Keep the header valid while writing, so a killed session leaves a playable file.
    sf_command(file_, SFC_SET_UPDATE_HEADER_AUTO, nullptr, SF_TRUE);
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  }
  ~WavOutput() override {
    if (file_ != nullptr) sf_close(file_);
  }

  void play(double at_s, std::span<const std::span<const float>> clips,
            std::span<const double> offsets_s, const std::function<bool()>&) override {
    const std::int64_t at = frame_of(at_s);
    // Everything before this cue is final: later cues never start earlier.
    flush_until(std::max(at, written_));
    for (std::size_t c = 0; c < clips.size(); ++c) {
      std::int64_t pos = frame_of(at_s + (c < offsets_s.size() ? offsets_s[c] : 0.0));
      if (pos < written_) {
        ++late_;
        pos = written_;
      }
      const auto begin = static_cast<std::size_t>(pos - written_);
      if (pending_.size() < begin + clips[c].size()) pending_.resize(begin + clips[c].size(), 0.0f);
      for (std::size_t i = 0; i < clips[c].size(); ++i) pending_[begin + i] += clips[c][i];
    }
  }

  void finish(double end_s) override {
    const std::int64_t end = std::max(frame_of(end_s), written_ + std::ssize(pending_));
    flush_until(end);
    sf_write_sync(file_);
    if (late_ > 0) spdlog::warn("{} cue sounds came out of order and were moved later", late_);
  }

  [[nodiscard]] int rate_hz() const noexcept override { return rate_; }
  [[nodiscard]] std::string describe() const override { return "WAV file " + path_; }

 private:
  std::int64_t frame_of(double t_s) const {
    return std::max<std::int64_t>(0, std::llround(t_s * rate_));
  }

  /// Writes the timeline up to (not including) frame `end`: pending sound, then silence.
  void flush_until(std::int64_t end) {
    while (written_ < end) {
      const auto n = static_cast<std::size_t>(std::min<std::int64_t>(end - written_, 4096));
      chunk_.assign(n, 0.0f);
      const std::size_t from_pending = std::min(n, pending_.size());
      std::copy_n(pending_.begin(), from_pending, chunk_.begin());
      pending_.erase(pending_.begin(),
                     pending_.begin() + static_cast<std::ptrdiff_t>(from_pending));
      if (sf_writef_float(file_, chunk_.data(), static_cast<sf_count_t>(n)) !=
          static_cast<sf_count_t>(n)) {
        if (!failed_) spdlog::error("cue sound file {}: {}", path_, sf_strerror(file_));
        failed_ = true;
      }
      written_ += static_cast<std::int64_t>(n);
    }
  }

  std::string path_;
  int rate_;
  SNDFILE* file_ = nullptr;
  std::int64_t written_ = 0;    // frames in the file
  std::vector<float> pending_;  // mixed sound from frame written_ on
  std::vector<float> chunk_;
  std::uint64_t late_ = 0;
  bool failed_ = false;
};

void quiet_alsa(const char*, int, const char*, int, const char*, ...) {}

class AlsaOutput final : public AudioOutput {
 public:
  AlsaOutput(const std::string& device, int rate) : device_(device), rate_(rate) {
    // Without a sound card alsa-lib prints several lines to stderr; the one-line error is ours.
    snd_lib_error_set_handler(quiet_alsa);
    int rc = snd_pcm_open(&pcm_, device.c_str(), SND_PCM_STREAM_PLAYBACK, 0);
    if (rc < 0) throw IoError(fmt::format("no sound output '{}': {}", device, snd_strerror(rc)));
    // 30 ms of buffer: short enough that a restart cue is heard at once.
    rc = snd_pcm_set_params(pcm_, SND_PCM_FORMAT_FLOAT, SND_PCM_ACCESS_RW_INTERLEAVED, 1,
                            static_cast<unsigned>(rate), 1, 30000);
    if (rc < 0) {
      snd_pcm_close(pcm_);
      throw IoError(
          fmt::format("sound output '{}' refused {} Hz mono: {}", device, rate, snd_strerror(rc)));
    }
  }
  ~AlsaOutput() override {
    if (pcm_ != nullptr) {
      snd_pcm_drain(pcm_);
      snd_pcm_close(pcm_);
    }
  }

  void play(double, std::span<const std::span<const float>> clips,
            std::span<const double> offsets_s, const std::function<bool()>& interrupt) override {
    // A live card plays the clips back to back, with silence for the gaps between them.
    double t = 0.0;
    for (std::size_t c = 0; c < clips.size(); ++c) {
      const double start = c < offsets_s.size() ? offsets_s[c] : t;
      if (start > t) write_silence(start - t);
      if (c > 0 && interrupt && interrupt()) {
        snd_pcm_drop(pcm_);  // a newer cue is waiting: cut the words short
        snd_pcm_prepare(pcm_);
        return;
      }
      write(clips[c]);
      t = std::max(t, start) + static_cast<double>(clips[c].size()) / rate_;
    }
  }

  void finish(double) override { snd_pcm_drain(pcm_); }
  [[nodiscard]] int rate_hz() const noexcept override { return rate_; }
  [[nodiscard]] std::string describe() const override { return "sound card " + device_; }

 private:
  void write_silence(double seconds) {
    silence_.assign(static_cast<std::size_t>(seconds * rate_), 0.0f);
    write(silence_);
  }
  void write(std::span<const float> x) {
    while (!x.empty()) {
      snd_pcm_sframes_t n = snd_pcm_writei(pcm_, x.data(), x.size());
      if (n < 0) n = snd_pcm_recover(pcm_, static_cast<int>(n), 1);  // underrun between cues
      if (n < 0) {
        spdlog::error("sound output {}: {}", device_, snd_strerror(static_cast<int>(n)));
        return;
      }
      x = x.subspan(static_cast<std::size_t>(n));
    }
  }

  std::string device_;
  int rate_;
  snd_pcm_t* pcm_ = nullptr;
  std::vector<float> silence_;
};

}  // namespace

std::unique_ptr<AudioOutput> open_wav_output(const std::string& path, int rate_hz) {
  return std::make_unique<WavOutput>(path, rate_hz);
}

std::unique_ptr<AudioOutput> open_alsa_output(const std::string& device, int rate_hz) {
  return std::make_unique<AlsaOutput>(device, rate_hz);
}

}  // namespace fpt::cue
