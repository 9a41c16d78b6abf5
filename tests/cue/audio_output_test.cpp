// Cue sounds into a WAV: each sound sample-exactly at its cue's time on the session clock.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "../support/wav_probe.hpp"
#include "audio_cues.hpp"
#include "error.hpp"
#include "tones.hpp"

namespace fpt::cue {
namespace {

namespace fs = std::filesystem;

class Audio : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fpt-audio-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Audio, WavPlacesClipsAtTheirTimesAndPadsToTheEnd) {
  const std::string path = (dir_ / "a.wav").string();
  {
    auto out = open_wav_output(path, 22050);
    const std::vector<float> click(100, 0.5f);
    const std::span<const float> one(click);
    std::array<std::span<const float>, 2> clips{one, one};
    std::array<double, 2> offsets{0.0, 0.25};
    out->play(1.0, std::span(clips.data(), 2), offsets, {});
    out->play(3.5, std::span(clips.data(), 1), std::span(offsets.data(), 1), {});
    out->finish(5.0);
  }
  const auto w = test::read_wav(path);
  ASSERT_EQ(w.rate, 22050);
  EXPECT_EQ(w.x.size(), 5u * 22050);
  const auto sounds = test::find_sounds(w, 0.1);
  ASSERT_EQ(sounds.size(), 3u);
  EXPECT_DOUBLE_EQ(sounds[0].start_s, 22050.0 / 22050);
  EXPECT_DOUBLE_EQ(sounds[1].start_s, std::round(1.25 * 22050) / 22050);
  EXPECT_DOUBLE_EQ(sounds[2].start_s, std::round(3.5 * 22050) / 22050);
  const auto perms = fs::status(path).permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST_F(Audio, UnwritableWavIsAOneLineError) {
  EXPECT_THROW(open_wav_output((dir_ / "no" / "such" / "x.wav").string(), 22050), IoError);
}

TEST_F(Audio, NoSoundCardIsAnErrorNotACrash) {
  // This machine has no sound card; a machine with one opens it. Either is fine, a crash is not.
  try {
    auto out = open_alsa_output("fpt_no_such_device", 22050);
    ADD_FAILURE() << "opened a device that does not exist";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("fpt_no_such_device"), std::string::npos);
  }
}

session::RepEvent restart_cue(double t) {
  session::RepEvent e;
  e.kind = session::RepEvent::Kind::kRestartCue;
  e.rep = 1;
  e.t_s = t;
  e.offender = session::Muscle::kLumbar;
  return e;
}

session::RepEvent rep_end(double t, bool good, bool cued) {
  session::RepEvent e;
  e.kind = session::RepEvent::Kind::kRepEnd;
  e.t_s = t;
  e.verdict.good = good;
  e.cued_restart = cued;
  e.onsets = {1.0, 1.1, good ? 1.2 : 0.9};
  return e;
}

TEST_F(Audio, CuesLandOnTheSessionClockWithTheRightSound) {
  const std::string path = (dir_ / "cues.wav").string();
  AudioCueConfig c;
  c.speech = false;
  {
    AudioCues cues(open_wav_output(path, 22050), c);
    cues.on_rep_event(restart_cue(2.345));
    cues.on_rep_end(rep_end(4.0, false, true), {});  // already cued: silent
    cues.on_rep_end(rep_end(7.5, true, false), {});
    cues.on_rep_end(rep_end(11.25, false, false), {});  // restart found only at the end
    cues.finish(13.0);
    EXPECT_EQ(cues.dropped(), 0u);
  }
  const auto w = test::read_wav(path);
  const auto sounds = test::find_sounds(w);
  ASSERT_EQ(sounds.size(), 3u);
  // Placement is sample-exact (WavPlacesClips...); the tones fade in over 5 ms, so their first
  // audible 16-bit sample comes a few samples after the cue's time.
  constexpr double kFadeIn = 0.0005;
  EXPECT_NEAR(sounds[0].start_s, 2.345 + kFadeIn / 2, kFadeIn / 2);
  EXPECT_TRUE(sounds[0].restart);
  EXPECT_NEAR(sounds[1].start_s, 7.5 + kFadeIn / 2, kFadeIn / 2);
  EXPECT_FALSE(sounds[1].restart);
  EXPECT_NEAR(sounds[2].start_s, 11.25 + kFadeIn / 2, kFadeIn / 2);
  EXPECT_TRUE(sounds[2].restart);
  EXPECT_NEAR(static_cast<double>(w.x.size()) / 22050, 13.0, 1e-3);
}

TEST_F(Audio, SpokenWordsFollowTheTone) {
  const std::string path = (dir_ / "words.wav").string();
  AudioCueConfig c;
  c.speech = true;
  bool speaking = false;
  {
    AudioCues cues(open_wav_output(path, 22050), c);
    cues.on_rep_event(restart_cue(1.0));
    cues.finish(4.0);
    speaking = cues.speaking();
  }
  ASSERT_TRUE(speaking) << "espeak-ng did not start (is espeak-ng-data installed?)";
  const auto w = test::read_wav(path);
  const auto tone = restart_tone(22050);
  // Sound continues well past the tone: the words "restart, back first".
  const auto after_tone = static_cast<std::size_t>(1.0 * 22050) + tone.size() + 22050 / 10;
  double energy = 0.0;
  for (std::size_t i = after_tone; i < after_tone + 22050 / 2 && i < w.x.size(); ++i)
    energy += w.x[i] * w.x[i];
  EXPECT_GT(energy, 1.0);
}

}  // namespace
}  // namespace fpt::cue
