// The concrete onset detectors. See docs/onset-detection.md for parameters and results.
#pragma once

#include <cstdint>

#include "biquad.hpp"
#include "onset_detector.hpp"

namespace fpt::dsp {

/// Counts how long a condition has held, in samples.
class RunCounter {
 public:
  std::uint32_t update(bool condition) noexcept { return run_ = condition ? run_ + 1 : 0; }
  void reset() noexcept { run_ = 0; }
  [[nodiscard]] std::uint32_t run() const noexcept { return run_; }

 private:
  std::uint32_t run_ = 0;
};

/// Shared shape of the threshold detectors: a feature low-passed at 50 Hz above the rest
/// median + h robust SD for a minimum time. Subclasses give the feature.
class EnvelopeThresholdDetector : public OnsetDetector {
 public:
  void setup(double fs_hz, const DetectorSettings& settings) override;
  void arm(std::span<const double> rest, double rest_sigma,
           std::span<double> scratch) noexcept override;
  bool step(double x) noexcept override;
  std::uint32_t lookback() const noexcept override { return run_.run(); }
  void restart() noexcept override { run_.reset(); }

 protected:
  EnvelopeThresholdDetector(double default_h, double default_min_ms)
      : default_h_(default_h), default_min_ms_(default_min_ms) {}
  /// The rectified quantity to low-pass, one conditioned sample at a time.
  virtual double rectified(double x) noexcept = 0;
  /// Clears the feature's own memory before it runs over a rest window.
  virtual void reset_feature() noexcept {}

 private:
  double envelope(double x) noexcept { return envelope_.process(rectified(x)); }
  double default_h_;
  double default_min_ms_;
  Biquad envelope_;
  double threshold_ = 0.0;
  double h_ = 0.0;
  std::uint32_t min_samples_ = 25;
  RunCounter run_;
};

/// Hodges & Bui (1996): the full-wave rectified signal low-passed at 50 Hz exceeds the rest
/// mean + h SD (here median + h robust SD) for a minimum time. Defaults h = 3, 25 ms.
class HodgesBuiDetector final : public EnvelopeThresholdDetector {
 public:
  HodgesBuiDetector() : EnvelopeThresholdDetector(3.0, 25.0) {}
  std::string_view name() const noexcept override { return "hodges"; }
  std::string_view reference() const noexcept override {
    return "Hodges & Bui 1996, Electroencephalogr Clin Neurophysiol 101:511-519";
  }

 private:
  double rectified(double x) noexcept override { return x < 0 ? -x : x; }
};

/// Bonato, D'Alessio & Knaflitz (1998) double threshold: of m successive samples at least r0
/// exceed zeta times the rest variance (first threshold), and this holds for n1 successive
/// samples (second threshold). Defaults: zeta = h = 8, m = 5 ms, r0 = 1, n1 = 30 ms.
class BonatoDetector final : public OnsetDetector {
 public:
  static constexpr std::uint32_t kMaxWindow = 64;
  std::string_view name() const noexcept override { return "bonato"; }
  std::string_view reference() const noexcept override {
    return "Bonato, D'Alessio & Knaflitz 1998, IEEE Trans Biomed Eng 45:287-299";
  }
  void setup(double fs_hz, const DetectorSettings& settings) override;
  void arm(std::span<const double> rest, double rest_sigma,
           std::span<double> scratch) noexcept override;
  bool step(double x) noexcept override;
  std::uint32_t lookback() const noexcept override { return run_.run() + window_; }
  void restart() noexcept override;

 private:
  double zeta_ = 8.0;
  double inv_var_ = 1.0;
  std::uint32_t window_ = 5;
  std::uint32_t min_samples_ = 30;
  std::uint32_t hits_[kMaxWindow] = {};
  std::uint32_t pos_ = 0;
  std::uint32_t count_ = 0;
  RunCounter run_;
};

/// Solnik et al. (2010): Teager-Kaiser energy psi[n] = x[n-1]^2 - x[n] x[n-2] of the
/// band-passed signal, rectified and low-passed at 50 Hz, above rest median + h robust SD for
/// a minimum time. Defaults h = 15, 25 ms.
class TkeoDetector final : public EnvelopeThresholdDetector {
 public:
  TkeoDetector() : EnvelopeThresholdDetector(15.0, 25.0) {}
  std::string_view name() const noexcept override { return "tkeo"; }
  std::string_view reference() const noexcept override {
    return "Solnik, Rider, Steinweg, DeVita & Hortobagyi 2010, Eur J Appl Physiol 110:489-498";
  }

 private:
  double rectified(double x) noexcept override {
    const double psi = x1_ * x1_ - x * x2_;
    x2_ = x1_;
    x1_ = x;
    return psi < 0 ? -psi : psi;
  }
  void reset_feature() noexcept override { x1_ = x2_ = 0.0; }
  double x1_ = 0.0, x2_ = 0.0;
};

/// Sequential likelihood-ratio test for a rise in variance (Page's CUSUM, the recursive core
/// of the approximated GLR of Staude & Wolf 1999 / Staude et al. 2001): each sample adds
/// log N(x; rho s0^2) - log N(x; s0^2), with x^2 clipped at c^2 s0^2 so a spike cannot decide
/// alone; the sum is kept >= 0 and the muscle is on when it passes h. The sample where the sum
/// last left zero estimates the change point. Defaults h = 25, rho = 4, c = 6.
class CusumDetector final : public OnsetDetector {
 public:
  std::string_view name() const noexcept override { return "cusum"; }
  std::string_view reference() const noexcept override {
    return "Page 1954; Staude, Flachenecker, Daumer & Wolf 2001, EURASIP J Appl Signal "
           "Process 2001:67-81";
  }
  void setup(double fs_hz, const DetectorSettings& settings) override;
  void arm(std::span<const double> rest, double rest_sigma,
           std::span<double> scratch) noexcept override;
  bool step(double x) noexcept override;
  std::uint32_t lookback() const noexcept override { return since_zero_; }
  void restart() noexcept override;

 private:
  double h_ = 25.0;
  double rho_ = 4.0;
  double clip_ = 36.0;  // c^2
  double inv_var_ = 1.0;
  double bias_ = 0.0;  // 0.5 ln(1/rho)
  double gain_ = 0.0;  // 0.5 (1 - 1/rho)
  double sum_ = 0.0;
  std::uint32_t since_zero_ = 0;
  std::uint32_t min_samples_ = 0;
};

/// Robust SD of the rest samples (copied into scratch).
double rest_sigma(std::span<const double> rest, std::span<double> scratch) noexcept;

}  // namespace fpt::dsp
