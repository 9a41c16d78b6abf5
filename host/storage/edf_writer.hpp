// EDF+ and BDF+ files, written as a recording goes: a header with the record count left at -1
// (allowed by EDF+ while recording) and rewritten after every flushed record, so a recording
// that is killed keeps a true header up to its last flush; data records of a fixed duration
// with any mix of sample rates; and an "EDF Annotations" (BDF: "BDF Annotations") signal that
// carries the session's events as time-stamped annotation lists (TALs).
//
// Written here rather than with libbiosig, which cannot write EDF+/BDF+ annotations (its files
// tagged EDF+ have no annotation signal) nor write with an unknown record count. EDF+ spec:
// https://www.edfplus.info/specs/edfplus.html; BDF: 24-bit samples and a 0xFF "BIOSEMI" id.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace fpt::storage {

struct EdfSignal {
  std::string label;       // 16 chars: "EMG glute"
  std::string transducer;  // 80 chars: "Ag/AgCl surface electrodes"
  std::string unit;        // 8 chars: "uV"
  double physical_min = -1.0, physical_max = 1.0;
  std::int32_t digital_min = -32768, digital_max = 32767;
  std::string prefilter;  // 80 chars: what the hardware filtered
  int samples_per_record = 1;
};

struct EdfHeader {
  bool bdf = false;          // 24-bit BDF+ instead of 16-bit EDF+
  std::string patient;       // EDF+ subfields "code sex birthdate name": "X X X ana"
  std::string recording_id;  // after "Startdate dd-MMM-yyyy": "X fpt SIM-0001"
  std::chrono::system_clock::time_point start;
  double record_duration_s = 1.0;
  std::vector<EdfSignal> signals;  // the data signals; the annotation signal is added after them
  int annotation_bytes = 1024;     // per record
};

struct Annotation {
  double onset_s = 0.0;      // from the start of the recording
  double duration_s = -1.0;  // < 0: none
  std::string text;
};

class EdfWriter {
 public:
  /// Creates the file (0600) and writes the header. Throws IoError, InvalidArgument.
  EdfWriter(const std::string& path, EdfHeader header);
  ~EdfWriter();
  EdfWriter(const EdfWriter&) = delete;
  EdfWriter& operator=(const EdfWriter&) = delete;

  /// One data record: `samples` holds every data signal's digital values for the record, one
  /// signal after the other (samples_per_record each); values outside a signal's digital range
  /// are clamped. Annotations that do not fit this record's annotation signal are kept and
  /// written with the next record. Throws IoError (disk full: the record is not counted).
  void write_record(std::span<const std::int32_t> samples, std::vector<Annotation> annotations);

  /// Pushes written records to the disk and makes the header's record count true.
  void flush();
  /// Flushes and closes. Idempotent. Annotations still waiting for room are lost only if no
  /// record followed them: write a last record first.
  void close();

  [[nodiscard]] std::int64_t records() const noexcept { return records_; }
  [[nodiscard]] std::size_t record_bytes() const noexcept { return record_bytes_; }
  [[nodiscard]] std::size_t pending_annotations() const noexcept { return pending_.size(); }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  void write_count(std::int64_t n);

  std::string path_;
  EdfHeader header_;
  std::FILE* file_ = nullptr;
  std::size_t header_bytes_ = 0, record_bytes_ = 0;
  std::int64_t records_ = 0, counted_ = -1;
  std::vector<std::uint8_t> record_;
  std::vector<Annotation> pending_;
};

/// Makes the header of a recording that was not closed (killed, power lost) true again: counts
/// the complete data records from the file size, cuts a partial last record off and writes the
/// count. Returns the number of records. Throws IoError, FormatError (not EDF/BDF).
std::int64_t recover_edf(const std::string& path);

/// The text of one TAL: "+12.345\x14text\x14\0" (with "\x15duration" when given).
std::string tal(const Annotation& a);

/// A number in at most 8 characters, as precise as fits (EDF header fields).
std::string edf_number(double v);

}  // namespace fpt::storage
