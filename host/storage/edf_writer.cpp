#include "edf_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "error.hpp"
#include "private_file.hpp"

namespace fpt::storage {
namespace {

constexpr std::size_t kCountOffset = 236;  // "number of data records", 8 characters

/// Pads or cuts text to a field of n characters (printable ASCII only, as EDF requires).
std::string field(const std::string& text, std::size_t n) {
  std::string out;
  for (char c : text) out += (c >= 32 && c < 127) ? c : '_';
  out.resize(n, ' ');
  return out;
}

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

std::string edf_number(double v) {
  for (int precision = 6; precision >= 0; --precision) {
    std::string s = fmt::format("{:.{}f}", v, precision);
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    if (s.size() <= 8) return s;
  }
  throw InvalidArgument(fmt::format("{} does not fit an EDF header field", v));
}

std::string tal(const Annotation& a) {
  const auto number = [](double v) {
    std::string s = fmt::format("{:+.6f}", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  };
  std::string text;
  for (char c : a.text) text += (c == '\x14' || c == '\x15' || c == '\0') ? ' ' : c;
  std::string out = number(a.onset_s);
  if (a.duration_s >= 0.0) out += '\x15' + number(a.duration_s).substr(1);
  out += '\x14';
  out += text;
  out += '\x14';
  out += '\0';
  return out;
}

EdfWriter::EdfWriter(const std::string& path, EdfHeader header)
    : path_(path), header_(std::move(header)) {
  if (header_.signals.empty()) throw InvalidArgument("an EDF file needs at least one signal");
  if (!(header_.record_duration_s > 0.0)) throw InvalidArgument("record duration must be > 0");
  const int bps = header_.bdf ? 3 : 2;
  const std::int32_t lim = header_.bdf ? 8388607 : 32767;
  for (const auto& s : header_.signals) {
    if (s.samples_per_record < 1) throw InvalidArgument(s.label + ": no samples per record");
    if (s.digital_min >= s.digital_max || s.digital_min < -lim - 1 || s.digital_max > lim)
      throw InvalidArgument(s.label + ": digital range does not fit the format");
    if (!(s.physical_min < s.physical_max))
      throw InvalidArgument(s.label + ": physical minimum must be below the maximum");
  }
  const int annotation_samples = (std::max(header_.annotation_bytes, 64) + bps - 1) / bps;
  const auto ns = header_.signals.size() + 1;
  header_bytes_ = 256 * (ns + 1);
  std::size_t samples = static_cast<std::size_t>(annotation_samples);
  for (const auto& s : header_.signals) samples += static_cast<std::size_t>(s.samples_per_record);
  record_bytes_ = samples * static_cast<std::size_t>(bps);
  record_.assign(record_bytes_, 0);

  file_ = create_private_file(path, "wb");

  const std::time_t t = std::chrono::system_clock::to_time_t(header_.start);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  std::string h;
  h += header_.bdf ? std::string("\xff") + "BIOSEMI" : field("0", 8);
  h += field(header_.patient.empty() ? "X X X X" : header_.patient, 80);
  h += field(fmt::format("Startdate {:02d}-{}-{:04d} {}", tm.tm_mday, kMonths[tm.tm_mon],
                         tm.tm_year + 1900, header_.recording_id),
             80);
  h += fmt::format("{:02d}.{:02d}.{:02d}", tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100);
  h += fmt::format("{:02d}.{:02d}.{:02d}", tm.tm_hour, tm.tm_min, tm.tm_sec);
  h += field(std::to_string(header_bytes_), 8);
  h += field(header_.bdf ? "BDF+C" : "EDF+C", 44);
  h += field("-1", 8);  // unknown while recording
  h += field(edf_number(header_.record_duration_s), 8);
  h += field(std::to_string(ns), 4);
  EdfSignal ann;
  ann.label = header_.bdf ? "BDF Annotations" : "EDF Annotations";
  ann.digital_min = -lim - 1;
  ann.digital_max = lim;
  ann.samples_per_record = annotation_samples;
  std::vector<EdfSignal> all = header_.signals;
  all.push_back(ann);
  for (const auto& s : all) h += field(s.label, 16);
  for (const auto& s : all) h += field(s.transducer, 80);
  for (const auto& s : all) h += field(s.unit, 8);
  for (const auto& s : all) h += field(edf_number(s.physical_min), 8);
  for (const auto& s : all) h += field(edf_number(s.physical_max), 8);
  for (const auto& s : all) h += field(std::to_string(s.digital_min), 8);
  for (const auto& s : all) h += field(std::to_string(s.digital_max), 8);
  for (const auto& s : all) h += field(s.prefilter, 80);
  for (const auto& s : all) h += field(std::to_string(s.samples_per_record), 8);
  for (std::size_t i = 0; i < all.size(); ++i) h += field("", 32);
  if (h.size() != header_bytes_) throw InvalidArgument("EDF header size mismatch");
  if (std::fwrite(h.data(), 1, h.size(), file_) != h.size() || std::fflush(file_) != 0) {
    const std::string why = errno_text();
    std::fclose(file_);
    file_ = nullptr;
    throw IoError(fmt::format("cannot write {}: {}", path, why));
  }
}

EdfWriter::~EdfWriter() {
  try {
    close();
  } catch (const Error&) {
    // already reported by the caller's last flush; nothing more can be done here
  }
}

void EdfWriter::write_record(std::span<const std::int32_t> samples,
                             std::vector<Annotation> annotations) {
  if (file_ == nullptr) throw IoError(fmt::format("{} is closed", path_));
  const int bps = header_.bdf ? 3 : 2;
  std::size_t expected = 0;
  for (const auto& s : header_.signals) expected += static_cast<std::size_t>(s.samples_per_record);
  if (samples.size() != expected)
    throw InvalidArgument(
        fmt::format("a record holds {} samples, got {}", expected, samples.size()));

  std::uint8_t* out = record_.data();
  std::size_t k = 0;
  for (const auto& s : header_.signals) {
    for (int i = 0; i < s.samples_per_record; ++i, ++k) {
      const std::int32_t v = std::clamp(samples[k], s.digital_min, s.digital_max);
      const auto u = static_cast<std::uint32_t>(v);
      *out++ = static_cast<std::uint8_t>(u);
      *out++ = static_cast<std::uint8_t>(u >> 8);
      if (bps == 3) *out++ = static_cast<std::uint8_t>(u >> 16);
    }
  }
  // The annotation signal: the record's time-keeping TAL, then as many events as fit.
  std::uint8_t* const ann_end = record_.data() + record_.size();
  std::fill(out, ann_end, std::uint8_t{0});
  const double start = static_cast<double>(records_) * header_.record_duration_s;
  const std::string keep = tal({start, -1.0, ""});  // "+start\x14\x14\0": time keeping
  std::memcpy(out, keep.data(), keep.size());
  out += keep.size();
  pending_.insert(pending_.end(), std::make_move_iterator(annotations.begin()),
                  std::make_move_iterator(annotations.end()));
  std::size_t used = 0;
  for (; used < pending_.size(); ++used) {
    const std::string t = tal(pending_[used]);
    if (t.size() > static_cast<std::size_t>(ann_end - out)) break;
    std::memcpy(out, t.data(), t.size());
    out += t.size();
  }
  if (std::fwrite(record_.data(), 1, record_.size(), file_) != record_.size())
    throw IoError(fmt::format("cannot write {}: {}", path_, errno_text()));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  ++records_;
}

void EdfWriter::write_count(std::int64_t n) {
  const std::string count = field(std::to_string(n), 8);
  if (::pwrite(::fileno(file_), count.data(), count.size(), kCountOffset) !=
      static_cast<ssize_t>(count.size()))
    throw IoError(fmt::format("cannot write {}: {}", path_, errno_text()));
}

void EdfWriter::flush() {
  if (file_ == nullptr) return;
  if (std::fflush(file_) != 0)
    throw IoError(fmt::format("cannot write {}: {}", path_, errno_text()));
  if (counted_ != records_) {
    write_count(records_);
    counted_ = records_;
  }
  ::fdatasync(::fileno(file_));
}

void EdfWriter::close() {
  if (file_ == nullptr) return;
  std::FILE* f = file_;
  try {
    flush();
  } catch (...) {
    file_ = nullptr;
    std::fclose(f);
    throw;
  }
  file_ = nullptr;
  if (std::fclose(f) != 0) throw IoError(fmt::format("cannot close {}: {}", path_, errno_text()));
}

std::int64_t recover_edf(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw IoError(fmt::format("cannot open {}: {}", path, errno_text()));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  std::string h(256, '\0');
  if (::pread(fd, h.data(), h.size(), 0) != 256)
    throw FormatError(fmt::format("{}: too short for an EDF/BDF header", path));
  const bool bdf = static_cast<unsigned char>(h[0]) == 0xFF && h.compare(1, 7, "BIOSEMI") == 0;
  if (!bdf && h.compare(0, 8, "0       ") != 0)
    throw FormatError(fmt::format("{}: not an EDF or BDF file", path));
  const auto number = [&](const std::string& text, const char* what) {
    try {
      return std::stol(text);
    } catch (const std::exception&) {
      throw FormatError(fmt::format("{}: header field '{}' is not a number", path, what));
    }
  };
  const long header_bytes = number(h.substr(184, 8), "header bytes");
  const long ns = number(h.substr(252, 4), "number of signals");
  if (ns < 1 || ns > 4096 || header_bytes != 256 * (ns + 1))
    throw FormatError(fmt::format("{}: inconsistent header (signals, header size)", path));
  std::string sig(static_cast<std::size_t>(ns) * 8, '\0');
  const auto samples_at = 256 + ns * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80);
  if (::pread(fd, sig.data(), sig.size(), samples_at) != static_cast<ssize_t>(sig.size()))
    throw FormatError(fmt::format("{}: header cut short", path));
  long record_samples = 0;
  for (long i = 0; i < ns; ++i)
    record_samples += number(sig.substr(static_cast<std::size_t>(i) * 8, 8), "samples per record");
  const long record_bytes = record_samples * (bdf ? 3 : 2);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw IoError(fmt::format("cannot stat {}: {}", path, errno_text()));
  if (record_bytes <= 0 || st.st_size < header_bytes)
    throw FormatError(fmt::format("{}: inconsistent header", path));
  const std::int64_t records = (st.st_size - header_bytes) / record_bytes;
  if (::ftruncate(fd, header_bytes + records * record_bytes) != 0)
    throw IoError(fmt::format("cannot repair {}: {}", path, errno_text()));
  const std::string count = field(std::to_string(records), 8);
  if (::pwrite(fd, count.data(), count.size(), kCountOffset) != 8 || ::fsync(fd) != 0)
    throw IoError(fmt::format("cannot repair {}: {}", path, errno_text()));
  return records;
}

}  // namespace fpt::storage
