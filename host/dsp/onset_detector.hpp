// Onset detectors behind one interface. Each sees the conditioned signal of one channel while
// the muscle is off and decides, sample by sample, when it has switched on.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace fpt::dsp {

/// Tunable knobs; 0 (or negative) means "the detector's documented default".
struct DetectorSettings {
  double h = 0.0;                 // threshold (meaning per detector)
  double min_duration_ms = -1.0;  // how long evidence must last before deciding
};

class OnsetDetector {
 public:
  virtual ~OnsetDetector() = default;

  /// Short name ("cusum") and the paper it follows.
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual std::string_view reference() const noexcept = 0;

  /// Sizes the state for this rate. Throws InvalidArgument. Not real-time.
  virtual void setup(double fs_hz, const DetectorSettings& settings) = 0;

  /// Learns the rest statistics from conditioned rest samples (whose robust SD the caller has
  /// already measured) and re-arms. `scratch` holds at least rest.size() doubles.
  /// Allocation-free, O(n): call between reps, not per sample.
  virtual void arm(std::span<const double> rest, double rest_sigma,
                   std::span<double> scratch) noexcept = 0;

  /// One conditioned sample while the muscle is off; true at the sample where the detector
  /// becomes sure the muscle is on. Real-time safe.
  virtual bool step(double x) noexcept = 0;

  /// After a decision: how many samples before the deciding one the detector's own estimate
  /// of the onset lies (the refiner searches around it).
  [[nodiscard]] virtual std::uint32_t lookback() const noexcept = 0;

  /// Forgets running evidence (after an offset or a gap); keeps the rest statistics.
  virtual void restart() noexcept = 0;
};

/// "hodges", "bonato", "tkeo", "cusum". Throws InvalidArgument for another name.
std::unique_ptr<OnsetDetector> make_detector(std::string_view name);
/// Every detector's name, default first.
const std::vector<std::string_view>& detector_names();

}  // namespace fpt::dsp
