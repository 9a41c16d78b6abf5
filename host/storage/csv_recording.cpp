#include "csv_recording.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string_view>

#include <fmt/format.h>

#include "error.hpp"
#include "fpt_wire.h"

namespace fpt::storage {
namespace {

constexpr std::size_t kRateRows = 256;  // rows read ahead to learn the sample rate
constexpr double kMaxUv = 2.0e6;        // 2 V: no EMG amplifier gives more
constexpr double kMaxG = 16.0;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Splits on commas into fields (views into line); reuses the vector's storage.
void split(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

}  // namespace

void CsvRecording::fail(std::size_t line, std::size_t column, const std::string& what) const {
  if (column == 0) throw FormatError(fmt::format("{}: line {}: {}", path_, line, what));
  throw FormatError(fmt::format("{}: line {}, column {} ({}): {}", path_, line, column,
                                column <= header_.size() ? header_[column - 1] : "?", what));
}

CsvRecording::CsvRecording(const std::string& path, const CsvOptions& o) : path_(path) {
  in_.open(path);
  if (!in_) throw IoError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  if (o.unit == "uV")
    unit_to_uv_ = 1.0;
  else if (o.unit == "mV")
    unit_to_uv_ = 1e3;
  else if (o.unit == "V")
    unit_to_uv_ = 1e6;
  else
    throw InvalidArgument(fmt::format("unit '{}' is not uV, mV or V", o.unit));

  // Header: the first line that is neither empty nor a comment.
  while (std::getline(in_, line_)) {
    ++line_no_;
    if (line_no_ == 1 && line_.rfind("\xEF\xBB\xBF", 0) == 0) line_.erase(0, 3);  // UTF-8 BOM
    if (!trim(line_).empty() && line_[0] != '#') break;
  }
  if (!in_) throw FormatError(fmt::format("{}: no header row (the file is empty)", path));
  std::vector<std::string_view> fields;
  split(line_, fields);
  for (auto f : fields) header_.emplace_back(f);
  n_columns_ = header_.size();
  const auto find = [&](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header_.size(); ++i)
      if (lower(header_[i]) == lower(name)) return i;
    return std::nullopt;
  };
  const std::array<std::pair<const std::string*, const char*>, 3> emg{
      {{&o.glute, "--glute"}, {&o.hamstring, "--hamstring"}, {&o.lumbar, "--lumbar"}}};
  for (std::size_t m = 0; m < 3; ++m) {
    const auto c = find(*emg[m].first);
    if (!c) {
      std::string names;
      for (const auto& h : header_) names += (names.empty() ? "" : ", ") + h;
      fail(line_no_, 0,
           fmt::format("no EMG column '{}' (columns: {}); name the column with {} COLUMN",
                       *emg[m].first, names, emg[m].second));
    }
    emg_col_[m] = *c;
  }
  time_col_ = find(o.time);
  pitch_col_ = find("thigh_pitch_deg");
  const auto ax = find("acc_x"), ay = find("acc_y"), az = find("acc_z");
  if (ax && ay && az)
    acc_col_ = std::array<std::size_t, 3>{*ax, *ay, *az};
  else if (ax || ay || az)
    fail(line_no_, 0, "the accelerometer needs all of acc_x, acc_y and acc_z");
  if (!time_col_ && !o.fs_hz)
    fail(line_no_, 0, fmt::format("no '{}' column: give the sample rate with --fs", o.time));

  // The sample rate: given, or the median step of the first rows' times.
  for (std::size_t i = 0; i < kRateRows; ++i) {
    Row r;
    if (!read_row(r)) break;
    lookahead_.push_back(r);
  }
  if (lookahead_.empty()) fail(line_no_, 0, "no data rows after the header");
  if (o.fs_hz) {
    fs_ = *o.fs_hz;
  } else {
    std::vector<double> steps;
    for (std::size_t i = 1; i < lookahead_.size(); ++i)
      steps.push_back(*lookahead_[i].t - *lookahead_[i - 1].t);
    if (steps.empty()) fail(line_no_, 0, "one data row is not enough to know the sample rate");
    std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2),
                     steps.end());
    const double step = steps[steps.size() / 2];
    if (!(step > 0.0))
      fail(lookahead_.front().line, *time_col_ + 1, "time does not increase from row to row");
    fs_ = 1.0 / step;
  }
  const double whole = std::round(fs_);
  if (whole < 100.0 || whole > 20000.0 || std::abs(fs_ - whole) > 2e-5 * whole)
    throw FormatError(fmt::format(
        "{}: sample rate {:.3f} Hz: fpt needs a whole number of Hz between 100 and 20000", path,
        fs_));
  fs_ = whole;

  device_.protocol_version = FPT_PROTOCOL_VERSION;
  device_.serial = "CSV";
  device_.emg_rate_hz = static_cast<int>(fs_);
  device_.emg_sets_per_frame = 1;
  device_.sample_bytes = 4;
  using protocol::MuscleRole;
  for (MuscleRole r : {MuscleRole::kGlute, MuscleRole::kHamstring, MuscleRole::kLumbar})
    device_.channels.push_back({r, protocol::Side::kRight, 32, kCsvScaleUv, 0});
  if (acc_col_ || pitch_col_) {
    device_.imu_kind = FPT_IMU_ACCEL;
    device_.imu_axes = 3;
    device_.imu_rate_hz = device_.emg_rate_hz;  // an IMU set belongs to its row
    device_.accel_scale_g = kCsvAccelScaleG;
  }
}

bool CsvRecording::read_row(Row& row) {
  static thread_local std::vector<std::string_view> fields;
  while (std::getline(in_, line_)) {
    ++line_no_;
    const std::string_view line = trim(line_);
    if (line.empty() || line.front() == '#') continue;
    split(line, fields);
    if (fields.size() != n_columns_)
      fail(line_no_, 0,
           fmt::format("{} columns, but the header has {}", fields.size(), n_columns_));
    row = Row{};
    row.line = line_no_;
    const auto number = [&](std::size_t col, bool required) -> std::optional<double> {
      const std::string_view f = fields[col];
      if (f.empty()) {
        if (required) fail(line_no_, col + 1, "empty");
        return std::nullopt;
      }
      double v = 0.0;
      const char* end = f.data() + f.size();
      const auto [ptr, ec] = std::from_chars(f.data() + (f.front() == '+' ? 1 : 0), end, v);
      if (ec != std::errc() || ptr != end || !std::isfinite(v))
        fail(line_no_, col + 1, fmt::format("'{}' is not a number", f));
      return v;
    };
    if (time_col_) row.t = number(*time_col_, true);
    for (std::size_t m = 0; m < 3; ++m) {
      row.emg[m] = *number(emg_col_[m], true) * unit_to_uv_;
      if (std::abs(row.emg[m]) > kMaxUv)
        fail(line_no_, emg_col_[m] + 1,
             fmt::format("{} uV is beyond any EMG amplifier's range (check --unit)", row.emg[m]));
    }
    if (acc_col_) {
      std::array<std::optional<double>, 3> a;
      for (std::size_t k = 0; k < 3; ++k) a[k] = number((*acc_col_)[k], false);
      const int present = (a[0] ? 1 : 0) + (a[1] ? 1 : 0) + (a[2] ? 1 : 0);
      if (present == 3) {
        row.accel = std::array<double, 3>{*a[0], *a[1], *a[2]};
        for (std::size_t k = 0; k < 3; ++k)
          if (std::abs((*row.accel)[k]) > kMaxG)
            fail(line_no_, (*acc_col_)[k] + 1,
                 fmt::format("{} g is out of range", (*row.accel)[k]));
      } else if (present != 0) {
        fail(line_no_, (*acc_col_)[a[0] ? (a[1] ? 2 : 1) : 0] + 1,
             "empty while the other axes have values");
      }
    } else if (pitch_col_) {
      if (const auto p = number(*pitch_col_, false)) {
        if (std::abs(*p) > 180.0) fail(line_no_, *pitch_col_ + 1, "pitch beyond +-180 degrees");
        const double r = *p * std::numbers::pi / 180.0;
        row.accel = std::array<double, 3>{std::sin(r), 0.0, std::cos(r)};
      }
    }
    return true;
  }
  if (in_.bad()) throw IoError(fmt::format("{}: read error at line {}", path_, line_no_));
  return false;
}

void CsvRecording::emit(const Row& row) {
  std::uint64_t index = next_index_;
  if (row.t) {
    if (!t0_) t0_ = *row.t;
    const double pos = (*row.t - *t0_) * fs_;
    if (pos < static_cast<double>(next_index_) - 0.5)
      fail(row.line, *time_col_ + 1,
           fmt::format("time {} goes backwards or repeats a row", *row.t));
    index = static_cast<std::uint64_t>(std::llround(pos));
    if (std::abs(pos - static_cast<double>(index)) > 0.25)
      fail(row.line, *time_col_ + 1,
           fmt::format("time {} is off the {} Hz sample grid (uneven sampling)", *row.t, fs_));
    if (index > next_index_) {
      // Rows missing: the pipeline treats it as a link gap (filters restart, nothing invented).
      io::StreamItem gap;
      gap.kind = io::ItemKind::kEmgGap;
      gap.index = next_index_;
      gap.missing =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(index - next_index_, UINT32_MAX));
      out_.push_back(gap);
      ++gaps_;
    }
  }
  io::StreamItem e;
  e.kind = io::ItemKind::kEmg;
  e.count = 3;
  e.index = index;
  for (std::size_t m = 0; m < 3; ++m)
    e.values[m] = static_cast<std::int32_t>(std::llround(row.emg[m] / kCsvScaleUv));
  out_.push_back(e);
  if (row.accel) {
    io::StreamItem imu;
    imu.kind = io::ItemKind::kImu;
    imu.count = 3;
    imu.index = index;
    for (std::size_t k = 0; k < 3; ++k)
      imu.values[k] = static_cast<std::int32_t>(std::llround((*row.accel)[k] / kCsvAccelScaleG));
    out_.push_back(imu);
  }
  next_index_ = index + 1;
  ++rows_;
}

bool CsvRecording::next(io::StreamItem& item) {
  while (out_.empty()) {
    Row r;
    if (!lookahead_.empty()) {
      r = lookahead_.front();
      lookahead_.pop_front();
    } else if (!read_row(r)) {
      return false;
    }
    emit(r);
  }
  item = out_.front();
  out_.pop_front();
  return true;
}

}  // namespace fpt::storage
