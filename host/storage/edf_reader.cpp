#include "edf_reader.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "error.hpp"

namespace fpt::storage {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

}  // namespace

EdfReader::EdfReader(const std::string& path) : path_(path), file_(path, std::ios::binary) {
  if (!file_) throw IoError(fmt::format("cannot open {}", path));
  std::string h(256, '\0');
  if (!file_.read(h.data(), 256))
    throw FormatError(fmt::format("{}: too short for an EDF/BDF header", path));
  info_.bdf = static_cast<unsigned char>(h[0]) == 0xFF && h.compare(1, 7, "BIOSEMI") == 0;
  if (!info_.bdf && trim(h.substr(0, 8)) != "0")
    throw FormatError(fmt::format("{}: not an EDF or BDF file (version field)", path));
  const auto number = [&](const std::string& text, const std::string& what) {
    try {
      std::size_t used = 0;
      const double v = std::stod(trim(text), &used);
      return v;
    } catch (const std::exception&) {
      throw FormatError(
          fmt::format("{}: header field '{}' is not a number ('{}')", path, what, trim(text)));
    }
  };
  info_.patient = trim(h.substr(8, 80));
  info_.recording = trim(h.substr(88, 80));
  info_.start_date = h.substr(168, 8);
  info_.start_time = h.substr(176, 8);
  const auto header_bytes = static_cast<long>(number(h.substr(184, 8), "header bytes"));
  info_.records = static_cast<std::int64_t>(number(h.substr(236, 8), "number of records"));
  info_.record_duration_s = number(h.substr(244, 8), "record duration");
  const auto ns = static_cast<long>(number(h.substr(252, 4), "number of signals"));
  if (ns < 1 || ns > 4096 || header_bytes != 256 * (ns + 1) || !(info_.record_duration_s >= 0.0))
    throw FormatError(
        fmt::format("{}: inconsistent header (signals, header size, duration)", path));
  std::string s(static_cast<std::size_t>(ns) * 256, '\0');
  if (!file_.read(s.data(), static_cast<std::streamsize>(s.size())))
    throw FormatError(fmt::format("{}: signal headers cut short", path));
  std::size_t at = 0;
  const auto column = [&](std::size_t width) {
    std::vector<std::string> out;
    for (long i = 0; i < ns; ++i)
      out.push_back(s.substr(at + static_cast<std::size_t>(i) * width, width));
    at += static_cast<std::size_t>(ns) * width;
    return out;
  };
  const auto labels = column(16), transducers = column(80), units = column(8), pmin = column(8),
             pmax = column(8), dmin = column(8), dmax = column(8), prefilters = column(80),
             samples = column(8);
  std::size_t total = 0;
  const int bps = info_.bdf ? 3 : 2;
  for (long i = 0; i < ns; ++i) {
    const auto k = static_cast<std::size_t>(i);
    EdfSignal sig;
    sig.label = trim(labels[k]);
    sig.transducer = trim(transducers[k]);
    sig.unit = trim(units[k]);
    sig.physical_min = number(pmin[k], sig.label + " physical minimum");
    sig.physical_max = number(pmax[k], sig.label + " physical maximum");
    sig.digital_min = static_cast<std::int32_t>(number(dmin[k], sig.label + " digital minimum"));
    sig.digital_max = static_cast<std::int32_t>(number(dmax[k], sig.label + " digital maximum"));
    sig.prefilter = trim(prefilters[k]);
    sig.samples_per_record = static_cast<int>(number(samples[k], sig.label + " samples"));
    if (sig.samples_per_record < 1 || sig.samples_per_record > (1 << 20) ||
        sig.digital_max <= sig.digital_min)
      throw FormatError(
          fmt::format("{}: signal '{}' has no samples or an empty range", path, sig.label));
    samples_.push_back(sig.samples_per_record);
    total += static_cast<std::size_t>(sig.samples_per_record);
    if (sig.label == "EDF Annotations" || sig.label == "BDF Annotations")
      info_.annotation_signal = static_cast<int>(i);
    else
      info_.signals.push_back(sig);
  }
  record_.resize(total * static_cast<std::size_t>(bps));
  if (record_.size() > (std::size_t{64} << 20))
    throw FormatError(
        fmt::format("{}: a data record of {} bytes is beyond reason", path, record_.size()));
  header_bytes_ = header_bytes;
}

std::int64_t EdfReader::complete_records_on_disk() const {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path_, ec);
  if (ec || record_.empty() || size < static_cast<std::uintmax_t>(header_bytes_)) return 0;
  return static_cast<std::int64_t>((size - static_cast<std::uintmax_t>(header_bytes_)) /
                                   record_.size());
}

bool EdfReader::next(std::vector<std::vector<std::int32_t>>& digital,
                     std::vector<Annotation>& annotations) {
  if (info_.records >= 0 && read_ >= info_.records) return false;
  if (!file_.read(reinterpret_cast<char*>(record_.data()),
                  static_cast<std::streamsize>(record_.size())))
    return false;
  ++read_;
  const int bps = info_.bdf ? 3 : 2;
  digital.resize(info_.signals.size());
  annotations.clear();
  const std::uint8_t* p = record_.data();
  std::size_t data_signal = 0;
  for (std::size_t i = 0; i < samples_.size(); ++i) {
    const auto n = static_cast<std::size_t>(samples_[i]);
    if (static_cast<int>(i) == info_.annotation_signal) {
      // TALs: "+onset[\x15duration]\x14text\x14...\x14\0", zero-padded.
      const std::string text(reinterpret_cast<const char*>(p), n * static_cast<std::size_t>(bps));
      std::size_t pos = 0;
      while (pos < text.size() && text[pos] != '\0') {
        const auto end = text.find('\0', pos);
        const std::string one =
            text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? text.size() : end + 1;
        const auto first = one.find('\x14');
        if (first == std::string::npos)
          throw FormatError(fmt::format("{}: record {}: malformed annotation", path_, read_));
        Annotation a;
        const std::string stamp = one.substr(0, first);
        const auto dur = stamp.find('\x15');
        try {
          a.onset_s = std::stod(stamp.substr(0, dur));
          if (dur != std::string::npos) a.duration_s = std::stod(stamp.substr(dur + 1));
        } catch (const std::exception&) {
          throw FormatError(fmt::format("{}: record {}: malformed annotation time", path_, read_));
        }
        // One or more texts, each ended by \x14; an empty one is the time-keeping TAL.
        std::size_t t = first + 1;
        while (t < one.size()) {
          const auto e = one.find('\x14', t);
          if (e == std::string::npos) break;
          if (e > t) {
            a.text = one.substr(t, e - t);
            annotations.push_back(a);
          }
          t = e + 1;
        }
      }
    } else {
      auto& out = digital[data_signal++];
      out.resize(n);
      for (std::size_t k = 0; k < n; ++k) {
        std::uint32_t u = p[k * bps] | (static_cast<std::uint32_t>(p[k * bps + 1]) << 8);
        if (bps == 3) {
          u |= static_cast<std::uint32_t>(p[k * bps + 2]) << 16;
          if (u & 0x800000u) u |= 0xFF000000u;
        } else if (u & 0x8000u) {
          u |= 0xFFFF0000u;
        }
        out[k] = static_cast<std::int32_t>(u);
      }
    }
    p += n * static_cast<std::size_t>(bps);
  }
  return true;
}

double EdfReader::physical(std::size_t s, std::int32_t digital) const {
  const auto& sig = info_.signals.at(s);
  const double gain = (sig.physical_max - sig.physical_min) / (sig.digital_max - sig.digital_min);
  return sig.physical_min + (digital - sig.digital_min) * gain;
}

}  // namespace fpt::storage
