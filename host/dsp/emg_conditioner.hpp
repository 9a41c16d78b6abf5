// Per-channel conditioning of raw surface EMG before detection: band-pass, optional mains
// notches, optional ECG high-pass. Causal; setup() designs, process() runs in constant time.
#pragma once

#include <cstdint>
#include <span>

#include "biquad.hpp"

namespace fpt::dsp {

struct ConditionerConfig {
  double fs_hz = 1000.0;
  double band_low_hz = 20.0;    // surface EMG band (SENIAM / ISEK: 10-20 to 400-500 Hz)
  double band_high_hz = 450.0;  // clipped to 0.45 fs for low sample rates
  int order = 4;                // Butterworth order of each band edge (even)
  /// Trunk channels: 4th-order 30 Hz high-pass against ECG (Drake & Callaghan 2006 found
  /// 30 Hz the best single filter for removing ECG from trunk EMG). 0 = off.
  double ecg_highpass_hz = 0.0;
  double mains_hz = 0.0;  // 50 or 60 to notch mains and its harmonics; 0 = off
  double notch_q = 30.0;
};

class EmgConditioner {
 public:
  static constexpr std::size_t kMaxBandSections = 8;
  static constexpr std::size_t kMaxNotches = 10;

  /// Designs the filters. Throws InvalidArgument (rate outside 500..4000 Hz, band edges
  /// outside (0, Nyquist) or inverted, odd order, mains not 0/50/60).
  void setup(const ConditionerConfig& config);
  /// Turns the mains notches on (50/60 Hz) or off (0) without touching the band filters.
  void set_mains(double mains_hz);
  /// set_mains for 0, 50 or 60 only, from the real-time thread (no allocation, no throw).
  /// harmonics: bit k-1 set notches k x mains_hz (default: every harmonic in the band).
  void set_mains_noexcept(double mains_hz, std::uint32_t harmonics = ~0U) noexcept;

  /// One raw sample (uV) in, one conditioned sample out. Real-time safe.
  double process(double x_uv) noexcept { return notches_.process(band_.process(x_uv)); }
  void reset() noexcept {
    band_.reset();
    notches_.reset();
  }

  /// Group delay of the whole chain at f_hz, in samples (from the designed coefficients).
  [[nodiscard]] double group_delay_samples(double f_hz) const noexcept;

  [[nodiscard]] const ConditionerConfig& config() const noexcept { return config_; }
  [[nodiscard]] std::size_t notch_count() const noexcept { return notches_.size(); }

 private:
  ConditionerConfig config_{};
  SosCascade<kMaxBandSections> band_;
  SosCascade<kMaxNotches> notches_;
};

}  // namespace fpt::dsp
