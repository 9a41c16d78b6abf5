#include "session_recorder.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "edf_writer.hpp"
#include "error.hpp"

namespace fpt::storage {
namespace {

// A record is written once the EMG is this far past its end, so the IMU sets belonging to it
// (sent in 100 ms frames) have arrived.
constexpr double kSettleS = 0.3;

EdfHeader make_header(const protocol::DeviceInfo& d, const RecorderConfig& c) {
  EdfHeader h;
  h.bdf = recording_extension(d) == ".bdf";
  h.patient = c.patient;
  h.recording_id = c.recording_id;
  h.start = std::chrono::system_clock::now();
  h.record_duration_s = 1.0;
  const std::int32_t top = h.bdf ? 8388607 : 32767;
  for (const auto& ch : d.channels) {
    EdfSignal s;
    s.label = fmt::format("EMG {}", protocol::to_string(ch.role));
    s.transducer = fmt::format("surface EMG, {} side, Ag/AgCl", protocol::to_string(ch.side));
    s.unit = "uV";
    const std::int32_t half = ch.adc_bits >= 24 ? 8388608 : (1 << (ch.adc_bits - 1));
    s.digital_min = std::max(-half, -top - 1);
    s.digital_max = std::min(half - 1, top);
    s.physical_min = s.digital_min * ch.scale_uv;
    s.physical_max = s.digital_max * ch.scale_uv;
    s.prefilter = "none (raw)";
    s.samples_per_record = d.emg_rate_hz;
    h.signals.push_back(s);
  }
  const bool imu = d.imu_kind != FPT_IMU_NONE && d.imu_axes >= 3 && d.imu_rate_hz > 0;
  if (imu) {
    for (int a = 0; a < d.imu_axes && a < 6; ++a) {
      EdfSignal s;
      const bool gyro = a >= 3;
      s.label = fmt::format("{} {}", gyro ? "Gyro" : "Accel", "xyz"[a % 3]);
      s.transducer = "thigh IMU, sensor frame";
      s.unit = gyro ? "deg/s" : "g";
      const double scale = gyro ? d.gyro_scale_dps : d.accel_scale_g;
      s.digital_min = -32768;
      s.digital_max = 32767;
      s.physical_min = s.digital_min * scale;
      s.physical_max = s.digital_max * scale;
      s.samples_per_record = d.imu_rate_hz;
      h.signals.push_back(s);
    }
  }
  h.annotation_bytes = 2048;
  return h;
}

}  // namespace

std::string recording_extension(const protocol::DeviceInfo& d) {
  for (const auto& ch : d.channels)
    if (ch.adc_bits > 16) return ".bdf";
  return ".edf";
}

/// Writer-thread state: the records being filled, the writer, the notes waiting.
struct SessionRecorder::Impl {
  protocol::DeviceInfo device;
  std::unique_ptr<EdfWriter> writer;
  int emg_n = 0, imu_n = 0, imu_axes = 0, channels = 0;
  struct Record {
    std::int64_t number = 0;
    std::vector<std::int32_t> samples;  // every signal, one after the other
    std::int64_t emg_filled = 0;
  };
  std::deque<Record> open;  // records not yet written, in order
  std::int64_t next_to_write = 0;
  std::int64_t origin = 0;  // device second at which the file's time 0 lies
  std::uint64_t last_emg_index = 0;
  bool any_emg = false;
  std::vector<Annotation> notes;
  mutable std::mutex status_mutex;  // the writer thread and status() only
  RecorderStatus status;

  Record& record(std::int64_t n) {
    while (open.empty() || open.back().number < n) {
      Record r;
      // Every second from the first on is written, zeros where nothing arrived: EDF+C is
      // continuous, and the time axis must stay the device's.
      r.number = open.empty() ? next_to_write : open.back().number + 1;
      r.samples.assign(static_cast<std::size_t>(channels * emg_n + imu_axes * imu_n), 0);
      open.push_back(std::move(r));
    }
    for (auto& r : open)
      if (r.number == n) return r;
    return open.front();  // n is older than everything open: the caller checks
  }

  void write_front() {
    Record r = std::move(open.front());
    open.pop_front();
    if (r.emg_filled < emg_n)
      notes.push_back({static_cast<double>(r.number - origin), 1.0,
                       fmt::format("recording: {} EMG samples missing in this second (zeros)",
                                   emg_n - r.emg_filled)});
    next_to_write = r.number + 1;
    bool ok = false;
    {
      std::lock_guard lock(status_mutex);
      ok = !status.failed;
    }
    if (!ok) {
      std::lock_guard lock(status_mutex);
      ++status.lost_records;
      return;
    }
    try {
      writer->write_record(r.samples, std::move(notes));
      notes.clear();
      writer->flush();
      std::lock_guard lock(status_mutex);
      status.records = static_cast<std::uint64_t>(writer->records());
    } catch (const Error& e) {
      spdlog::error("recording stopped: {}", e.what());
      std::lock_guard lock(status_mutex);
      status.failed = true;
      status.error = e.what();
      ++status.lost_records;
    }
  }

  void add(const io::StreamItem& item) {
    if (item.kind == io::ItemKind::kEmg) {
      const auto n = static_cast<std::int64_t>(item.index / static_cast<std::uint64_t>(emg_n));
      if (!any_emg) next_to_write = origin = n;  // the recording starts with the first second
      if (n < next_to_write) return;  // older than what is written: cannot happen in order
      Record& r = record(n);
      const auto pos = static_cast<int>(item.index % static_cast<std::uint64_t>(emg_n));
      for (int c = 0; c < channels; ++c)
        r.samples[static_cast<std::size_t>(c * emg_n + pos)] =
            item.values[static_cast<std::size_t>(c)] -
            device.channels[static_cast<std::size_t>(c)].zero_code;
      ++r.emg_filled;
      last_emg_index = item.index;
      any_emg = true;
    } else if (item.kind == io::ItemKind::kImu && imu_axes > 0 && any_emg) {
      const auto n = static_cast<std::int64_t>(item.index / static_cast<std::uint64_t>(imu_n));
      if (n < next_to_write) return;
      Record& r = record(n);
      const auto pos = static_cast<int>(item.index % static_cast<std::uint64_t>(imu_n));
      for (int a = 0; a < imu_axes; ++a) {
        const std::int32_t zero = a < 3 ? device.accel_zero_code : 0;
        r.samples[static_cast<std::size_t>(channels * emg_n + a * imu_n + pos)] =
            item.values[static_cast<std::size_t>(a)] - zero;
      }
    }
    // Write the records the EMG has left far enough behind.
    const auto settled =
        static_cast<std::int64_t>((static_cast<double>(last_emg_index) / emg_n - kSettleS));
    while (any_emg && !open.empty() && open.front().number < settled) write_front();
  }
};

SessionRecorder::SessionRecorder(const protocol::DeviceInfo& device, RecorderConfig config)
    : config_(std::move(config)),
      impl_(std::make_unique<Impl>()),
      sets_(config_.ring_sets),
      notes_(config_.ring_annotations) {
  auto& im = *impl_;
  im.device = device;
  im.channels = static_cast<int>(device.channels.size());
  im.emg_n = device.emg_rate_hz;
  const bool imu =
      device.imu_kind != FPT_IMU_NONE && device.imu_axes >= 3 && device.imu_rate_hz > 0;
  im.imu_axes = imu ? std::min(device.imu_axes, 6) : 0;
  im.imu_n = imu ? device.imu_rate_hz : 0;
  if (im.emg_n <= 0) throw InvalidArgument("the board has no EMG rate");
  im.writer = std::make_unique<EdfWriter>(config_.path, make_header(device, config_));
  worker_ = std::thread([this] { run(); });
}

SessionRecorder::~SessionRecorder() {
  try {
    finish();
  } catch (const Error& e) {
    spdlog::error("recording {}: {}", config_.path, e.what());
  }
}

void SessionRecorder::push(const io::StreamItem& item) noexcept {
  if (item.kind != io::ItemKind::kEmg && item.kind != io::ItemKind::kImu) return;
  if (!sets_.try_push(item)) dropped_sets_.fetch_add(1, std::memory_order_relaxed);
}

void SessionRecorder::annotate(double t_s, double duration_s, const char* text) noexcept {
  Note n;
  n.t_s = t_s;
  n.duration_s = duration_s;
  std::strncpy(n.text.data(), text, n.text.size() - 1);
  if (!notes_.try_push(n)) dropped_notes_.fetch_add(1, std::memory_order_relaxed);
}

void SessionRecorder::run() {
  io::StreamItem item;
  Note note;
  for (;;) {
    const bool last = stopping_.load(std::memory_order_acquire);
    bool any = false;
    while (notes_.try_pop(note)) {
      impl_->notes.push_back({note.t_s - static_cast<double>(impl_->origin), note.duration_s,
                              std::string(note.text.data())});
      any = true;
    }
    while (sets_.try_pop(item)) {
      impl_->add(item);
      any = true;
    }
    if (last) break;
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The end: every record still open is written; the last one is padded with zeros.
  auto& im = *impl_;
  if (im.any_emg) {
    const double end_s = static_cast<double>(im.last_emg_index + 1) / im.emg_n;
    im.notes.push_back({end_s - static_cast<double>(im.origin), -1.0, "recording ends"});
  }
  while (!im.open.empty()) im.write_front();
  try {
    im.writer->close();
  } catch (const Error& e) {
    std::lock_guard lock(im.status_mutex);
    im.status.failed = true;
    im.status.error = e.what();
  }
}

void SessionRecorder::finish() {
  if (!worker_.joinable()) return;
  stopping_.store(true, std::memory_order_release);
  worker_.join();
}

RecorderStatus SessionRecorder::status() const {
  RecorderStatus s;
  {
    std::lock_guard lock(impl_->status_mutex);
    s = impl_->status;
  }
  s.dropped_sets = dropped_sets_.load(std::memory_order_relaxed);
  s.dropped_annotations = dropped_notes_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace fpt::storage
