// Reads EDF/EDF+ and BDF/BDF+ files record by record (an hour at 2 kHz is never held in
// memory): the header's signals, each record's digital samples, and the annotations. Every
// malformed field gives one error line naming the file and the field.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "edf_writer.hpp"

namespace fpt::storage {

struct EdfInfo {
  bool bdf = false;
  std::string patient, recording;
  std::string start_date, start_time;  // "dd.mm.yy", "hh.mm.ss"
  std::int64_t records = -1;           // -1: unknown (a recording that was not closed)
  double record_duration_s = 1.0;
  std::vector<EdfSignal> signals;  // data signals only
  int annotation_signal = -1;      // index among all signals, or -1
};

class EdfReader {
 public:
  /// Opens the file and reads the header. Throws IoError, FormatError.
  explicit EdfReader(const std::string& path);

  [[nodiscard]] const EdfInfo& info() const noexcept { return info_; }
  /// Reads the next data record: `digital[s]` receives signal s's samples, `annotations` the
  /// record's TALs (time-keeping TALs left out). False at the end (a partial last record is
  /// ignored). Throws FormatError for a malformed annotation list.
  bool next(std::vector<std::vector<std::int32_t>>& digital, std::vector<Annotation>& annotations);
  /// Whole data records the file holds (a header saying more means the file was cut short).
  [[nodiscard]] std::int64_t complete_records_on_disk() const;
  /// Physical value of a digital sample of data signal s.
  [[nodiscard]] double physical(std::size_t s, std::int32_t digital) const;

 private:
  std::string path_;
  std::ifstream file_;
  EdfInfo info_;
  std::vector<int> samples_;  // per signal incl. annotations
  std::vector<std::uint8_t> record_;
  std::int64_t read_ = 0;
  long header_bytes_ = 0;
};

}  // namespace fpt::storage
