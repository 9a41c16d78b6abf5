#include "verdict.hpp"

#include <cmath>

#include <fmt/format.h>

namespace fpt::session {

std::string_view to_string(Muscle m) {
  switch (m) {
    case Muscle::kGlute:
      return "glute";
    case Muscle::kHamstring:
      return "hamstring";
    case Muscle::kLumbar:
      return "lumbar";
  }
  return "?";
}

Verdict judge(int stage, const RepOnsets& onsets, double tolerance_ms) {
  const auto& glute = onsets[static_cast<int>(Muscle::kGlute)];
  const auto& ham = onsets[static_cast<int>(Muscle::kHamstring)];
  const auto& lumbar = onsets[static_cast<int>(Muscle::kLumbar)];
  const double tol_s = tolerance_ms / 1000.0;
  if (!glute) return {false, "glute never fired", "glute silent"};
  if (stage == 1) {
    if (ham) return {false, "hamstring fired during the squeeze", "hamstring in the squeeze"};
    if (lumbar) return {false, "lumbar fired during the squeeze", "lumbar in the squeeze"};
  }
  // The worst offender first: whichever came earliest before the glute.
  const Muscle first_offender = (ham && lumbar)
                                    ? (*lumbar < *ham ? Muscle::kLumbar : Muscle::kHamstring)
                                    : (lumbar ? Muscle::kLumbar : Muscle::kHamstring);
  for (Muscle m :
       {first_offender, first_offender == Muscle::kLumbar ? Muscle::kHamstring : Muscle::kLumbar}) {
    const auto& t = onsets[static_cast<int>(m)];
    if (t && *t < *glute - tol_s)
      return {false,
              fmt::format("{} fired {:.0f} ms before glute", to_string(m),
                          std::round((*glute - *t) * 1000.0)),
              fmt::format("{} before glute", to_string(m))};
  }
  if (stage >= 2 && ham && lumbar && *lumbar < *ham - tol_s)
    return {false,
            fmt::format("lumbar fired {:.0f} ms before hamstring",
                        std::round((*ham - *lumbar) * 1000.0)),
            "lumbar before hamstring"};
  return {true, {}, {}};
}

}  // namespace fpt::session
