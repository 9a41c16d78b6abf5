// Second-order IIR sections and fixed-capacity cascades of them.
#pragma once

#include <array>
#include <cstddef>

namespace fpt::dsp {

/// Coefficients of y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2] (a0 = 1).
struct BiquadCoeffs {
  double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;
};

/// One section in transposed direct form II (two state variables, good numerics in double).
/// State: s1, s2;  y = b0 x + s1;  s1 = b1 x - a1 y + s2;  s2 = b2 x - a2 y.
class Biquad {
 public:
  Biquad() = default;
  explicit Biquad(const BiquadCoeffs& c) : c_(c) {}

  /// Real-time safe.
  double process(double x) noexcept {
    const double y = c_.b0 * x + s1_;
    s1_ = c_.b1 * x - c_.a1 * y + s2_;
    s2_ = c_.b2 * x - c_.a2 * y;
    return y;
  }
  void reset() noexcept { s1_ = s2_ = 0.0; }
  [[nodiscard]] const BiquadCoeffs& coeffs() const noexcept { return c_; }

 private:
  BiquadCoeffs c_{};
  double s1_ = 0.0, s2_ = 0.0;
};

/// Up to MaxSections biquads in series, storage fixed at compile time.
template <std::size_t MaxSections>
class SosCascade {
 public:
  /// Appends a section; returns false when full. Setup only.
  bool add(const BiquadCoeffs& c) noexcept {
    if (n_ == MaxSections) return false;
    sections_[n_++] = Biquad(c);
    return true;
  }
  /// Real-time safe.
  double process(double x) noexcept {
    for (std::size_t i = 0; i < n_; ++i) x = sections_[i].process(x);
    return x;
  }
  void reset() noexcept {
    for (std::size_t i = 0; i < n_; ++i) sections_[i].reset();
  }
  void clear() noexcept { n_ = 0; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] const Biquad& section(std::size_t i) const noexcept { return sections_[i]; }

 private:
  std::array<Biquad, MaxSections> sections_{};
  std::size_t n_ = 0;
};

}  // namespace fpt::dsp
