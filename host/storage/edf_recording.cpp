#include "edf_recording.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "error.hpp"
#include "fpt_wire.h"

namespace fpt::storage {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// uV per physical unit, 0 when the unit is not a voltage.
double uv_per_unit(const std::string& unit) {
  const std::string u = lower(unit);
  if (u == "uv" || u == "\xb5v" || u == "\xc2\xb5v" || u == "\xce\xbcv") return 1.0;
  if (u == "mv") return 1e3;
  if (u == "v") return 1e6;
  if (u == "nv") return 1e-3;
  return 0.0;
}

}  // namespace

EdfRecording::EdfRecording(const std::string& path, const CsvOptions& names)
    : path_(path), edf_(path) {
  const auto& info = edf_.info();
  if (info.records >= 0 && edf_.complete_records_on_disk() < info.records)
    throw FormatError(fmt::format(
        "{}: truncated: the header says {} data records, the file holds {} complete ones "
        "(fpt recover {} keeps those)",
        path, info.records, edf_.complete_records_on_disk(), path));
  if (!(info.record_duration_s > 0.0))
    throw FormatError(fmt::format("{}: record duration 0 (no signal data)", path));

  const std::array<std::string, 3> wanted = {names.glute, names.hamstring, names.lumbar};
  const std::array<const char*, 3> option = {"--glute", "--hamstring", "--lumbar"};
  std::string labels;
  for (const auto& s : info.signals) labels += (labels.empty() ? "'" : ", '") + s.label + "'";
  for (std::size_t m = 0; m < 3; ++m) {
    std::vector<std::size_t> exact, partial;
    for (std::size_t k = 0; k < info.signals.size(); ++k) {
      const std::string l = lower(info.signals[k].label);
      if (l == lower("EMG " + wanted[m]) || l == lower(wanted[m]))
        exact.push_back(k);
      else if (l.find(lower(wanted[m])) != std::string::npos)
        partial.push_back(k);
    }
    const auto& found = exact.empty() ? partial : exact;
    if (found.empty())
      throw FormatError(fmt::format("{}: no signal labelled '{}' (signals: {}); name it with {}",
                                    path, wanted[m], labels, option[m]));
    if (found.size() > 1)
      throw FormatError(fmt::format("{}: '{}' matches '{}' and '{}'; choose one with {}", path,
                                    wanted[m], info.signals[found[0]].label,
                                    info.signals[found[1]].label, option[m]));
    emg_[m] = found[0];
    const auto& sig = info.signals[found[0]];
    unit_to_uv_[m] = uv_per_unit(sig.unit);
    if (unit_to_uv_[m] == 0.0)
      throw FormatError(
          fmt::format("{}: signal '{}' is in '{}', not a voltage", path, sig.label, sig.unit));
    if (m == 0) emg_n_ = sig.samples_per_record;
    if (sig.samples_per_record != emg_n_)
      throw FormatError(fmt::format("{}: the EMG signals have different sample rates", path));
  }
  fs_ = emg_n_ / info.record_duration_s;
  if (std::abs(fs_ - std::round(fs_)) > 1e-6 || fs_ < 100.0)
    throw FormatError(
        fmt::format("{}: EMG at {:.3f} Hz: fpt needs a whole rate of at least 100 Hz", path, fs_));

  // fpt's own thigh accelerometer, when present at a rate dividing the EMG rate.
  for (const char axis : {'x', 'y', 'z'})
    for (std::size_t k = 0; k < info.signals.size(); ++k)
      if (info.signals[k].label == fmt::format("Accel {}", axis) &&
          lower(info.signals[k].unit) == "g")
        accel_.push_back(k);
  if (accel_.size() == 3) {
    imu_n_ = info.signals[accel_[0]].samples_per_record;
    for (const auto k : accel_)
      if (info.signals[k].samples_per_record != imu_n_ || emg_n_ % imu_n_ != 0) accel_.clear();
  } else {
    accel_.clear();
  }
  if (accel_.empty()) imu_n_ = 0;

  device_.board_model = 0;
  device_.protocol_version = FPT_PROTOCOL_VERSION;
  device_.serial = info.bdf ? "BDF" : "EDF";
  device_.emg_rate_hz = static_cast<int>(std::lround(fs_));
  device_.emg_sets_per_frame = 1;
  device_.sample_bytes = 4;
  const std::array<protocol::MuscleRole, 3> roles = {protocol::MuscleRole::kGlute,
                                                     protocol::MuscleRole::kHamstring,
                                                     protocol::MuscleRole::kLumbar};
  for (const auto r : roles)
    device_.channels.push_back({r, protocol::Side::kRight, 32, kCsvScaleUv, 0});
  if (!accel_.empty()) {
    device_.imu_kind = FPT_IMU_ACCEL;
    device_.imu_axes = 3;
    device_.imu_rate_hz = static_cast<int>(std::lround(imu_n_ / info.record_duration_s));
    device_.accel_scale_g = kCsvAccelScaleG;
  }
}

std::string EdfRecording::describe() const {
  const auto& s = edf_.info().signals;
  return fmt::format("glute '{}', hamstring '{}', lumbar '{}' at {:.0f} Hz{}", s[emg_[0]].label,
                     s[emg_[1]].label, s[emg_[2]].label, fs_,
                     accel_.empty() ? "" : ", thigh accelerometer");
}

bool EdfRecording::load_record() {
  if (!edf_.next(digital_, record_notes_)) return false;
  for (const auto& a : record_notes_) {
    notes_.push_back(a);
    if (a.text == "recording ends") end_s_ = a.onset_s;
  }
  k_ = 0;
  return true;
}

bool EdfRecording::next(io::StreamItem& item) {
  if (!pending_.empty()) {
    item = pending_.front();
    pending_.pop_front();
    return true;
  }
  if (!have_record_ || k_ >= emg_n_) {
    have_record_ = load_record();
    if (!have_record_) return false;
  }
  // fpt's own recordings pad the last record after the session's end (the note may come a
  // record early).
  if (end_s_ && static_cast<double>(index_) / fs_ >= *end_s_ - 1e-9) return false;
  item = {};
  item.kind = io::ItemKind::kEmg;
  item.count = 3;
  item.index = index_++;
  for (std::size_t m = 0; m < 3; ++m) {
    const double uv =
        edf_.physical(emg_[m], digital_[emg_[m]][static_cast<std::size_t>(k_)]) * unit_to_uv_[m];
    item.values[m] = static_cast<std::int32_t>(
        std::clamp(std::lround(uv / kCsvScaleUv), -2147483647L, 2147483647L));
  }
  if (imu_n_ > 0 && k_ % (emg_n_ / imu_n_) == 0) {
    const auto j = static_cast<std::size_t>(k_ / (emg_n_ / imu_n_));
    io::StreamItem imu;
    imu.kind = io::ItemKind::kImu;
    imu.count = 3;
    imu.index = imu_index_++;
    for (std::size_t a = 0; a < 3; ++a)
      imu.values[a] = static_cast<std::int32_t>(
          std::lround(edf_.physical(accel_[a], digital_[accel_[a]][j]) / kCsvAccelScaleG));
    pending_.push_back(imu);
  }
  ++k_;
  ++rows_;
  return true;
}

}  // namespace fpt::storage
