// The sensor-to-thigh rotation, from two still poses: thigh resting on the floor and thigh
// fully lifted. However the board is strapped on, gravity at rest fixes the thigh's "up" (z)
// axis, and the direction gravity moves in as the thigh lifts fixes its long (x) axis; the
// rotation then makes pitch = atan2(x, z) read the true thigh angle.
#pragma once

#include <Eigen/Core>

namespace fpt::calibration {

struct ImuAlignment {
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();  // thigh = rotation * sensor
  double lift_range_deg = 0.0;                             // angle between the two poses
};

/// rest_g, lift_g: mean accelerometer readings (any unit) in the sensor frame. Throws
/// InvalidArgument when a pose is not still (|g| far from 1 g) or the lift is under 10 degrees,
/// since the thigh's long axis cannot be found from a smaller movement.
ImuAlignment align_imu(const Eigen::Vector3d& rest_g, const Eigen::Vector3d& lift_g);

/// Thigh pitch in degrees for an accelerometer reading, with a rotation from align_imu.
double thigh_pitch_deg(const Eigen::Matrix3d& rotation, const Eigen::Vector3d& g);

}  // namespace fpt::calibration
