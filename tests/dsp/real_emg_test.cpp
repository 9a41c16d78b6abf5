// The default detector on real surface EMG (UCI lower-limb data set, standing knee flexion):
// hamstring onsets must lead each knee-flexion movement, and a relaxed, still leg stays quiet.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "onset_tracker.hpp"

namespace fpt::dsp {
namespace {

constexpr double kFs = 1000.0;
constexpr int kBicepsFemoris = 1;
constexpr int kSemitendinosus = 3;
constexpr int kKneeAngle = 4;

std::vector<std::array<double, 5>> load(const std::string& name) {
  std::ifstream f(std::string(FPT_SOURCE_DIR) + "/tests/data/uci_lower_limb/" + name);
  EXPECT_TRUE(f.good()) << name;
  std::string line;
  for (int i = 0; i < 7; ++i) std::getline(f, line);  // text header
  std::vector<std::array<double, 5>> rows;
  while (std::getline(f, line)) {
    std::stringstream ss(line);
    std::array<double, 5> r{};
    for (auto& v : r) ss >> v;
    if (ss) rows.push_back(r);
  }
  return rows;
}

/// The knee starts to flex: first sample in [from, to) s where |angle| exceeds its running
/// minimum in that window by 1 degree.
double movement_onset_s(const std::vector<std::array<double, 5>>& rows, double from, double to) {
  double low = 1e9;
  for (auto i = static_cast<std::size_t>(from * kFs); i < static_cast<std::size_t>(to * kFs); ++i) {
    const double a = std::abs(rows[i][kKneeAngle]);
    low = std::min(low, a);
    if (a > low + 1.0) return static_cast<double>(i) / kFs;
  }
  return NAN;
}

struct Channel {
  std::vector<double> refined_s;  // refined onsets
  std::vector<double> decided_s;  // decision times
};

Channel detect(const std::vector<std::array<double, 5>>& rows, int column) {
  TrackerConfig c;
  c.conditioner.fs_hz = kFs;
  c.conditioner.mains_hz = -1.0;
  // These recordings start moving after ~0.6 s, so rest is learnt from the first 0.5 s.
  c.learn_s = 0.5;
  c.rest_window_s = 0.5;
  OnsetTracker t;
  t.setup(c);
  Channel out;
  std::array<OnsetEvent, OnsetTracker::kMaxEventsPerSample> ev{};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t k = t.process(rows[i][column] * 1000.0, i, ev);  // mV -> uV
    for (std::size_t e = 0; e < k; ++e) {
      if (ev[e].kind == OnsetEvent::Kind::kRefined)
        out.refined_s.push_back(static_cast<double>(ev[e].index) / kFs);
      if (ev[e].kind == OnsetEvent::Kind::kOnset)
        out.decided_s.push_back(static_cast<double>(ev[e].decision_index) / kFs);
    }
  }
  return out;
}

/// How long before the movement the nearest preceding onset came (ms), or NaN.
double lead_ms(const Channel& ch, double movement_s) {
  double best = NAN;
  for (double t : ch.refined_s)
    if (t <= movement_s + 0.05 && t >= movement_s - 0.5) best = (movement_s - t) * 1000.0;
  return best;
}

/// The lead of whichever hamstring switched on first (NaN when neither did).
double leading_ms(const Channel& a, const Channel& b, double movement_s) {
  const double la = lead_ms(a, movement_s);
  const double lb = lead_ms(b, movement_s);
  if (std::isnan(la)) return lb;
  if (std::isnan(lb)) return la;
  return std::max(la, lb);
}

TEST(RealEmg, HealthyKneeFlexion_HamstringsLeadEachMovement) {
  const auto rows = load("1Npie.txt");
  ASSERT_GT(rows.size(), 14000u);
  const Channel bf = detect(rows, kBicepsFemoris);
  const Channel st = detect(rows, kSemitendinosus);
  // Flexion cycles 2-4 (the first begins while rest is still being learnt). The knee flexors
  // must switch on before the knee moves: the leading hamstring's onset comes 0-350 ms first.
  for (auto [from, to] : {std::pair{4.0, 4.7}, std::pair{7.3, 7.9}, std::pair{10.6, 11.3}}) {
    const double move = movement_onset_s(rows, from, to);
    ASSERT_FALSE(std::isnan(move));
    const double lead_bf = lead_ms(bf, move);
    const double lead_st = lead_ms(st, move);
    const double lead = leading_ms(bf, st, move);
    std::printf("movement %.3f s: biceps femoris leads by %.0f ms, semitendinosus by %.0f ms\n",
                move, lead_bf, lead_st);
    ASSERT_FALSE(std::isnan(lead)) << "no hamstring onset before the movement at " << move;
    EXPECT_GE(lead, 0.0) << move;
    EXPECT_LE(lead, 350.0) << move;
  }
  // No chatter: about one onset per movement phase (flex, hold, lower) and cycle, not dozens.
  EXPECT_LE(bf.refined_s.size(), 16u);
  EXPECT_LE(st.refined_s.size(), 16u);
}

TEST(RealEmg, AbnormalKnee_LeadsMovementAndRelaxedStillLegIsQuiet) {
  const auto rows = load("1Apie.txt");
  ASSERT_GT(rows.size(), 11000u);
  const Channel bf = detect(rows, kBicepsFemoris);
  const Channel st = detect(rows, kSemitendinosus);
  const double move = movement_onset_s(rows, 6.3, 7.2);  // second flexion
  ASSERT_FALSE(std::isnan(move));
  const double lead = leading_ms(bf, st, move);
  std::printf("movement %.3f s: leading hamstring onset %.0f ms before\n", move, lead);
  EXPECT_GE(lead, 0.0);
  EXPECT_LE(lead, 350.0);
  // 5.95-6.45 s: the leg is down and still, and both hamstrings' raw RMS is back at the level
  // of the first 0.2 s. Nothing may be decided there.
  for (const Channel* ch : {&bf, &st})
    for (double t : ch->decided_s) EXPECT_FALSE(t > 5.95 && t < 6.45) << "onset decided at " << t;
}

}  // namespace
}  // namespace fpt::dsp
