// An EDF/EDF+ or BDF/BDF+ recording (fpt's own or another system's) turned into the stream of
// sample sets a board delivers, so `fpt analyze` runs it through the identical pipeline.
// Channels are found by label: fpt's "EMG glute", or any label containing the given name.
// Streams record by record; malformed, truncated or unlabelled files give one clear error.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "csv_recording.hpp"
#include "edf_reader.hpp"

namespace fpt::storage {

class EdfRecording {
 public:
  /// names: which labels are glute, hamstring, lumbar (CsvOptions' column names).
  /// Throws IoError, FormatError.
  EdfRecording(const std::string& path, const CsvOptions& names);

  [[nodiscard]] const protocol::DeviceInfo& device() const noexcept { return device_; }
  [[nodiscard]] double fs_hz() const noexcept { return fs_; }
  [[nodiscard]] const std::vector<Annotation>& annotations() const noexcept { return notes_; }
  bool next(io::StreamItem& item);
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::uint64_t gaps() const noexcept { return 0; }
  /// Labels of the signals used, for the analysis's first line.
  [[nodiscard]] std::string describe() const;

 private:
  bool load_record();

  std::string path_;
  EdfReader edf_;
  std::array<std::size_t, 3> emg_{};
  std::vector<std::size_t> accel_;  // x, y, z when present
  double unit_to_uv_[3] = {1, 1, 1};
  int emg_n_ = 0, imu_n_ = 0;
  double fs_ = 0.0;
  std::vector<std::vector<std::int32_t>> digital_;
  std::vector<Annotation> notes_, record_notes_;
  int k_ = 0;  // next sample in the record
  std::uint64_t index_ = 0, imu_index_ = 0, rows_ = 0;
  bool have_record_ = false;
  std::optional<double> end_s_;  // "recording ends" in fpt's own files
  std::deque<io::StreamItem> pending_;
  protocol::DeviceInfo device_;
};

}  // namespace fpt::storage
