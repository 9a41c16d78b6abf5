// Step 1 of calibration: is each electrode on well? From ~10 s of one channel at rest: noise
// after conditioning, mains hum, the heartbeat (on the trunk), clipping, a flat line. Each
// channel gets pass / warn / fail and, for anything not passed, what to do about it.
// Channel swaps need movements, not rest: they are checked in the guided flow.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace fpt::calibration {

enum class Grade { kPass, kWarn, kFail };
const char* to_string(Grade g);

struct RestCheckInput {
  std::span<const double> raw_uv;  // the channel as the board delivers it, in uV
  double fs_hz = 1000.0;
  double full_scale_uv = 8192.0;  // the ADC's largest magnitude in uV (clipping)
  bool trunk = false;             // lumbar: ECG expected, 30 Hz high-pass used
  std::string muscle = "glute";   // for the advice text
};

struct Finding {
  Grade grade = Grade::kPass;
  std::string what;    // "noise 18.2 uV RMS at rest"
  std::string advice;  // what to do
};

struct RestCheck {
  double noise_rms_uv = 0.0;      // 20-450 Hz, mains notched (ECG high-passed on the trunk)
  double mains_hz = 0.0;          // the hum found (0: none above 13 dB)
  double mains_db = 0.0;          // how far the mains line stands above its neighbours
  double clipped_fraction = 0.0;  // samples at the ADC's limits
  double ecg_rate_bpm = 0.0;      // heartbeat found in the signal (0: none)
  bool flat = false;
  Grade grade = Grade::kPass;  // the worst finding
  std::vector<Finding> findings;
};

/// Limits (uV RMS of conditioned rest noise): SENIAM-style electrode sites on prepared skin
/// give a few uV; above warn_uv the detectors lose sensitivity, above fail_uv they cannot work.
struct RestLimits {
  double warn_uv = 15.0;
  double fail_uv = 30.0;
  double mains_warn_db = 13.0;  // the notch copes, but the reference electrode deserves a look
  double mains_fail_db = 40.0;
  double clip_fail_fraction = 1e-3;
};

/// Throws InvalidArgument for under 2 s of signal.
RestCheck check_rest(const RestCheckInput& in, const RestLimits& limits = {});

/// SENIAM placement reminder for a muscle, for the advice texts.
std::string placement_advice(const std::string& muscle);

}  // namespace fpt::calibration
