#include "imu_alignment.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>
#include <Eigen/Geometry>

#include "error.hpp"

namespace fpt::calibration {

ImuAlignment align_imu(const Eigen::Vector3d& rest_g, const Eigen::Vector3d& lift_g) {
  for (const auto* g : {&rest_g, &lift_g}) {
    const double n = g->norm();
    if (!(n > 0.8 && n < 1.2))
      throw InvalidArgument(fmt::format(
          "the thigh was not still: the accelerometer read {:.2f} g instead of 1 g", n));
  }
  const Eigen::Vector3d z = rest_g.normalized();
  const Eigen::Vector3d lift = lift_g.normalized();
  ImuAlignment a;
  a.lift_range_deg = std::acos(std::clamp(z.dot(lift), -1.0, 1.0)) * 180.0 / std::numbers::pi;
  if (a.lift_range_deg < 10.0)
    throw InvalidArgument(fmt::format(
        "the thigh lifted only {:.1f} degrees; lift it fully (at least 10) to find its axis",
        a.lift_range_deg));
  // Lifting tilts "up" towards the thigh's long axis: x is that direction, made orthogonal
  // to z; y completes a right-handed frame.
  const Eigen::Vector3d x = (lift - lift.dot(z) * z).normalized();
  const Eigen::Vector3d y = z.cross(x);
  a.rotation.row(0) = x.transpose();
  a.rotation.row(1) = y.transpose();
  a.rotation.row(2) = z.transpose();
  return a;
}

double thigh_pitch_deg(const Eigen::Matrix3d& rotation, const Eigen::Vector3d& g) {
  const Eigen::Vector3d t = rotation * g;
  return std::atan2(t.x(), t.z()) * 180.0 / std::numbers::pi;
}

}  // namespace fpt::calibration
