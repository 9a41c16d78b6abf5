#include "sensor_check.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "emg_conditioner.hpp"
#include "error.hpp"
#include "spectrum.hpp"

namespace fpt::calibration {
namespace {

constexpr double kMainsLine = 20.0;  // 13 dB: the onset tracker's own threshold for notching

double rms(std::span<const double> x) {
  double s = 0.0;
  for (double v : x) s += v * v;
  return x.empty() ? 0.0 : std::sqrt(s / static_cast<double>(x.size()));
}

/// Heart rate from the periodicity of the 10-40 Hz band's envelope (QRS energy lives there):
/// the autocorrelation peak between 0.4 and 1.5 s, if it is clearly periodic.
double heart_rate_bpm(std::span<const double> raw, double fs) {
  dsp::ConditionerConfig c;
  c.fs_hz = fs;
  c.band_low_hz = 10.0;
  c.band_high_hz = 40.0;
  dsp::EmgConditioner band;
  band.setup(c);
  // Envelope at 100 Hz: mean |x| in 10 ms blocks.
  const auto block = std::max<std::size_t>(1, static_cast<std::size_t>(fs / 100.0));
  std::vector<double> env;
  double acc = 0.0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    acc += std::abs(band.process(raw[i]));
    if ((i + 1) % block == 0) {
      env.push_back(acc / static_cast<double>(block));
      acc = 0.0;
    }
  }
  if (env.size() < 300) return 0.0;
  env.erase(env.begin(), env.begin() + 50);  // the band-pass settling
  const double mean =
      std::accumulate(env.begin(), env.end(), 0.0) / static_cast<double>(env.size());
  for (double& v : env) v -= mean;
  double r0 = 0.0;
  for (double v : env) r0 += v * v;
  if (r0 <= 0.0) return 0.0;
  double best = 0.0;
  std::size_t best_lag = 0;
  for (std::size_t lag = 40; lag <= 150 && lag < env.size() / 2; ++lag) {
    double r = 0.0;
    for (std::size_t i = lag; i < env.size(); ++i) r += env[i] * env[i - lag];
    r /= r0;
    if (r > best) {
      best = r;
      best_lag = lag;
    }
  }
  return best > 0.4 ? 6000.0 / static_cast<double>(best_lag) : 0.0;
}

}  // namespace

const char* to_string(Grade g) {
  switch (g) {
    case Grade::kPass:
      return "pass";
    case Grade::kWarn:
      return "warn";
    case Grade::kFail:
      return "fail";
  }
  return "?";
}

std::string placement_advice(const std::string& muscle) {
  if (muscle == "glute")
    return "gluteus maximus (SENIAM): half way between the sacral vertebrae and the greater "
           "trochanter, on the most prominent bulge, electrodes along the line from the "
           "posterior superior iliac spine to the middle of the back of the thigh";
  if (muscle == "hamstring")
    return "biceps femoris (SENIAM): half way between the ischial tuberosity and the lateral "
           "epicondyle of the tibia, along that line";
  if (muscle == "lumbar")
    return "lumbar erector spinae (SENIAM longissimus): two finger widths lateral to the L1 "
           "spinous process, electrodes vertical";
  return "along the muscle fibres, over the muscle belly";
}

RestCheck check_rest(const RestCheckInput& in, const RestLimits& lim) {
  const auto n = in.raw_uv.size();
  if (static_cast<double>(n) < 2.0 * in.fs_hz)
    throw InvalidArgument(fmt::format("the sensor check needs 2 s of rest, got {:.1f} s",
                                      static_cast<double>(n) / in.fs_hz));
  RestCheck r;
  const auto fail = [&](Grade g, std::string what, std::string advice) {
    r.findings.push_back({g, std::move(what), std::move(advice)});
    r.grade = std::max(r.grade, g);
  };

  // Flat line: an unconnected input sits still (or at one rail).
  const double mean =
      std::accumulate(in.raw_uv.begin(), in.raw_uv.end(), 0.0) / static_cast<double>(n);
  double var = 0.0;
  for (double v : in.raw_uv) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / static_cast<double>(n));
  std::size_t clipped = 0;
  for (double v : in.raw_uv) clipped += std::abs(v) >= 0.98 * in.full_scale_uv;
  r.clipped_fraction = static_cast<double>(clipped) / static_cast<double>(n);
  r.flat = sd < 0.5;
  if (r.flat) {
    fail(Grade::kFail, fmt::format("flat line ({:.2f} uV SD)", sd),
         "no signal: an electrode is off or the cable is loose; reconnect and press the "
         "electrodes on");
    return r;
  }
  if (r.clipped_fraction > lim.clip_fail_fraction)
    fail(Grade::kFail,
         fmt::format("{:.1f} % of samples at the ADC's limit", 100 * r.clipped_fraction),
         "the input is saturated: an electrode is lifting or the reference electrode is off; "
         "check both and the cable");

  // Mains: how far the 50 or 60 Hz line stands above its neighbours (in the raw signal).
  for (double f : {50.0, 60.0}) {
    const double ratio = dsp::line_ratio(in.raw_uv, f, in.fs_hz);
    if (ratio > kMainsLine && 10.0 * std::log10(ratio) > r.mains_db) {
      r.mains_db = 10.0 * std::log10(ratio);
      r.mains_hz = f;
    }
  }
  if (r.mains_db > lim.mains_fail_db)
    fail(Grade::kFail,
         fmt::format("strong {:.0f} Hz mains hum ({:.0f} dB)", r.mains_hz, r.mains_db),
         "check the reference electrode (bony site, well stuck), keep cables away from mains "
         "leads, run the laptop on battery");
  else if (r.mains_db > lim.mains_warn_db)
    fail(Grade::kWarn,
         fmt::format("{:.0f} Hz mains hum ({:.0f} dB; notched)", r.mains_hz, r.mains_db),
         "the notch filter removes it; a firmer reference electrode would reduce it");

  // Noise after the same conditioning the detectors use.
  dsp::ConditionerConfig c;
  c.fs_hz = in.fs_hz;
  c.mains_hz = r.mains_hz;
  if (in.trunk) c.ecg_highpass_hz = 30.0;
  dsp::EmgConditioner cond;
  cond.setup(c);
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = cond.process(in.raw_uv[i]);
  const auto settle = std::min(n / 4, static_cast<std::size_t>(0.5 * in.fs_hz));
  r.noise_rms_uv = rms(std::span<const double>(y).subspan(settle));
  const std::string prep =
      "prepare the skin (shave, abrade lightly, clean with alcohol, let it dry), press the "
      "electrodes on, and check the reference electrode; placement: " +
      placement_advice(in.muscle);
  if (r.noise_rms_uv > lim.fail_uv)
    fail(Grade::kFail, fmt::format("noise {:.1f} uV RMS at rest", r.noise_rms_uv), prep);
  else if (r.noise_rms_uv > lim.warn_uv)
    fail(Grade::kWarn, fmt::format("noise {:.1f} uV RMS at rest", r.noise_rms_uv), prep);

  // The heartbeat: expected on the trunk (and filtered there), a sign of a poor site elsewhere.
  r.ecg_rate_bpm = heart_rate_bpm(in.raw_uv, in.fs_hz);
  if (r.ecg_rate_bpm > 0.0 && !in.trunk)
    fail(Grade::kWarn, fmt::format("heartbeat visible ({:.0f} bpm)", r.ecg_rate_bpm),
         "unusual on a limb: check the electrode contact and the reference electrode");
  return r;
}

}  // namespace fpt::calibration
