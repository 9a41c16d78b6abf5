// IMU alignment from two still poses at arbitrary strap orientations; MVC from trials.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <Eigen/Geometry>

#include "error.hpp"
#include "imu_alignment.hpp"

#include <Eigen/LU>
#include "mvc.hpp"

namespace fpt::calibration {
namespace {

constexpr double kDeg = M_PI / 180.0;

Eigen::Vector3d up_in_thigh(double pitch_deg) {
  return {std::sin(pitch_deg * kDeg), 0.0, std::cos(pitch_deg * kDeg)};
}

TEST(ImuAlignment, RecoversPitchWithin2DegreesForAnyStrapOrientation) {
  std::mt19937 rng(42);
  std::normal_distribution<double> noise(0.0, 0.005);  // 5 mg per axis, as a still ADXL335
  std::uniform_real_distribution<double> lift(20.0, 40.0);
  double worst = 0.0;
  for (int trial = 0; trial < 200; ++trial) {
    // The sensor's orientation on the thigh: a uniformly random rotation.
    const Eigen::Matrix3d strap = Eigen::Quaterniond::UnitRandom().toRotationMatrix();
    const auto sensed = [&](double pitch) {  // sensor reading = strap^T * thigh up + noise
      Eigen::Vector3d g = strap.transpose() * up_in_thigh(pitch);
      for (int a = 0; a < 3; ++a) g[a] += noise(rng) / std::sqrt(50.0);  // mean of 50 readings
      return g;
    };
    const double full = lift(rng);
    const ImuAlignment a = align_imu(sensed(0.0), sensed(full));
    EXPECT_NEAR(a.lift_range_deg, full, 1.0);
    for (double pitch : {-5.0, 0.0, 5.0, 12.0, 25.0, full, 45.0}) {
      const Eigen::Vector3d g = strap.transpose() * up_in_thigh(pitch);
      worst = std::max(worst, std::abs(thigh_pitch_deg(a.rotation, g) - pitch));
    }
    EXPECT_TRUE((a.rotation.transpose() * a.rotation).isIdentity(1e-9));
    EXPECT_NEAR(a.rotation.determinant(), 1.0, 1e-9);
  }
  EXPECT_LT(worst, 2.0);
}

TEST(ImuAlignment, RefusesAMovingThighOrASmallLift) {
  const Eigen::Vector3d rest(0, 0, 1);
  EXPECT_THROW(align_imu(rest * 1.5, up_in_thigh(30)), InvalidArgument);
  EXPECT_THROW(align_imu(rest, up_in_thigh(5)), InvalidArgument);
  EXPECT_NO_THROW(align_imu(rest, up_in_thigh(15)));
}

TEST(Mvc, PeakMovingRmsOfA500msWindow) {
  const double fs = 1000.0;
  std::vector<double> x(3000, 0.0);
  // A 1 s burst of a 100 uV-amplitude sine (RMS 70.7 uV) in the middle.
  for (int i = 1000; i < 2000; ++i) x[i] = 100.0 * std::sin(2 * M_PI * 80.0 * i / fs);
  EXPECT_NEAR(peak_moving_rms(x, fs), 100.0 / std::sqrt(2.0), 0.5);
  // A burst shorter than the window counts only partly.
  std::vector<double> brief(3000, 0.0);
  for (int i = 1000; i < 1125; ++i) brief[i] = 100.0 * std::sin(2 * M_PI * 80.0 * i / fs);
  EXPECT_NEAR(peak_moving_rms(brief, fs), 100.0 / std::sqrt(2.0) / 2.0, 1.0);
  EXPECT_EQ(peak_moving_rms(std::vector<double>(10, 1.0), fs), 0.0);  // shorter than a window
}

TEST(Mvc, StrongestTrialWinsAndWeakTrialsAreFlagged) {
  const MvcChoice c = choose_mvc({210.0, 150.0, 220.0});
  EXPECT_EQ(c.mvc, 220.0);
  ASSERT_EQ(c.weak.size(), 1u);
  EXPECT_EQ(c.weak[0], 1u);  // 150 < 0.8 x 220
  EXPECT_TRUE(choose_mvc({200.0, 190.0, 199.0}).weak.empty());
  EXPECT_THROW(choose_mvc({}), InvalidArgument);
  EXPECT_THROW(choose_mvc({0.0, 0.0}), InvalidArgument);
}

}  // namespace
}  // namespace fpt::calibration
