// Reads a recording from CSV, as exported by other EMG systems or by fpt-sim --csv, and turns
// it into the same stream of sample sets a board delivers, so `fpt analyze` runs the identical
// pipeline. Streams the file: an hour at 2 kHz is never held in memory.
//
// Format: a header row; EMG columns (default names glute, hamstring, lumbar) in --unit; either
// a time_s column or a given sample rate; optionally thigh_pitch_deg or acc_x, acc_y, acc_z in
// g (an empty cell: no IMU sample on that row). Comma separated, '.' decimals, no quoting.
#pragma once

#include <cstdint>
#include <deque>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "device_info.hpp"
#include "stream_item.hpp"

namespace fpt::storage {

struct CsvOptions {
  std::optional<double> fs_hz;  // required when there is no time_s column
  std::string unit = "uV";      // uV, mV or V
  std::string glute = "glute", hamstring = "hamstring", lumbar = "lumbar";
  std::string time = "time_s";
};

/// EMG values are stored as codes of this many uV: a binary fraction, so values that are
/// multiples of 2^-10 uV (any 16-bit board's quantum, e.g. 0.25 uV) are carried exactly.
inline constexpr double kCsvScaleUv = 1.0 / 1024.0;
inline constexpr double kCsvAccelScaleG = 1.0 / 65536.0;

class CsvRecording {
 public:
  /// Opens the file and reads the header (and enough rows to know the sample rate).
  /// Throws IoError (cannot open) or FormatError naming the line and column.
  CsvRecording(const std::string& path, const CsvOptions& options);

  /// The recording as a board would describe itself.
  [[nodiscard]] const protocol::DeviceInfo& device() const noexcept { return device_; }
  [[nodiscard]] double fs_hz() const noexcept { return fs_; }

  /// The next sample set (EMG, then the row's IMU set when present) or gap; false at the end.
  /// Throws FormatError naming the line and column of a bad value.
  bool next(io::StreamItem& item);

  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::uint64_t gaps() const noexcept { return gaps_; }

 private:
  struct Row {
    std::size_t line = 0;
    std::optional<double> t;
    std::array<double, 3> emg{};
    std::optional<std::array<double, 3>> accel;
  };
  bool read_row(Row& row);
  [[noreturn]] void fail(std::size_t line, std::size_t column, const std::string& what) const;
  void emit(const Row& row);

  std::string path_;
  std::ifstream in_;
  std::string line_;
  std::size_t line_no_ = 0;
  std::vector<std::string> header_;
  std::size_t n_columns_ = 0;
  std::optional<std::size_t> time_col_, pitch_col_;
  std::array<std::size_t, 3> emg_col_{};
  std::optional<std::array<std::size_t, 3>> acc_col_;
  double unit_to_uv_ = 1.0;
  double fs_ = 0.0;
  std::optional<double> t0_;
  std::uint64_t next_index_ = 0;
  std::uint64_t rows_ = 0, gaps_ = 0;
  std::deque<Row> lookahead_;  // rows read to learn the sample rate
  std::deque<io::StreamItem> out_;
  protocol::DeviceInfo device_;
};

}  // namespace fpt::storage
