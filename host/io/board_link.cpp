#include "board_link.hpp"

#include <sys/ioctl.h>
#include <termios.h>

#include <array>
#include <atomic>
#include <future>
#include <mutex>
#include <semaphore>
#include <thread>
#include <utility>  // Boost 1.74 Asio uses std::exchange without including it

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include "error.hpp"
#include "frame_codec.hpp"
#include "index_unwrapper.hpp"
#include "port_lister.hpp"
#include "realtime.hpp"

namespace fpt::io {
namespace {

using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

std::int64_t to_ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Counters shared between the I/O thread (writer) and any reader.
struct AtomicCounters {
  std::array<std::atomic<std::uint32_t>, 12> wire{};
  std::atomic<std::uint64_t> emg_frames{0}, emg_sets{0}, imu_frames{0}, imu_sets{0},
      status_frames{0}, emg_gaps{0}, emg_samples_lost{0}, imu_gaps{0}, imu_samples_lost{0},
      ring_drops{0}, malformed_bodies{0}, naks{0}, link_downs{0}, reconnects{0}, board_restarts{0},
      device_emg_dropped{0}, device_imu_dropped{0}, device_tx_overruns{0}, device_uptime_ms{0};
  std::atomic<double> ping_rtt_ms{-1.0};
  std::atomic<std::int64_t> first_seq{-1}, last_seq{-1};
  std::atomic<bool> streaming{false};

  void publish(const fpt_wire_stats& s) noexcept {
    const std::array<std::uint32_t, 12> v{
        s.bytes,   s.frames_ok,      s.crc_errors,    s.cobs_errors, s.short_frames, s.oversize,
        s.resyncs, s.version_errors, s.unknown_types, s.seq_gaps,    s.frames_lost,  s.seq_resets};
    for (std::size_t i = 0; i < v.size(); ++i) wire[i].store(v[i], std::memory_order_relaxed);
  }
};

}  // namespace

struct BoardLink::Impl {
  enum class State { kClosed, kAwaitHello, kAwaitRateAck, kAwaitStartAck, kStreaming, kStopped };

  explicit Impl(LinkOptions o) : opt(std::move(o)), ring(opt.ring_capacity) {}

  // Released after every read that may have pushed items, so the consumer sleeps until data
  // comes instead of polling (a poll interval would add to every cue's latency).
  std::counting_semaphore<> data_ready{0};

  LinkOptions opt;
  asio::io_context io;
  asio::serial_port port{io};
  asio::steady_timer retry_timer{io};
  asio::steady_timer deadline_timer{io};
  asio::steady_timer heartbeat_timer{io};
  asio::steady_timer reopen_timer{io};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;

  std::array<std::uint8_t, 4096> rx{};
  protocol::FrameDecoder decoder;
  protocol::FrameEncoder encoder;
  SpscRing<StreamItem> ring;
  AtomicCounters counters;

  State state = State::kClosed;
  bool connected_once = false;
  bool handshake_reported = false;
  std::promise<void> handshake;
  protocol::DeviceInfo info;
  std::optional<PortDescription> usb_identity;
  mutable std::mutex path_mutex;  // guards path only; taken on (re)open, never per sample
  std::string path;
  Clock::time_point last_rx{};
  Clock::time_point link_down_at{};
  Clock::time_point ping_sent{};
  std::uint32_t ping_token = 0;
  bool reopen_failure_logged = false;
  std::uint32_t seq_resets_at_start = 0;  // decoder's count when streaming (re)started

  // ---- lifecycle -------------------------------------------------------------------------------

  void start_thread() {
    work.emplace(asio::make_work_guard(io));
    thread = std::thread([this] {
      if (opt.realtime_priority > 0) {
        const std::string why = request_realtime(opt.realtime_priority);
        if (!why.empty()) spdlog::info("I/O thread stays at normal priority: {}", why);
      }
      io.run();
    });
  }

  void fail_handshake(std::exception_ptr e) {
    if (handshake_reported) return;
    handshake_reported = true;
    handshake.set_exception(std::move(e));
    close_port();
    state = State::kStopped;
  }

  void shutdown() {
    if (port.is_open() && (state == State::kStreaming || state == State::kAwaitStartAck))
      send(encoder.command(FPT_FRAME_STOP));
    state = State::kStopped;
    close_port();
    reopen_timer.cancel();
    work.reset();
  }

  void close_port() {
    boost::system::error_code ec;
    retry_timer.cancel();
    deadline_timer.cancel();
    heartbeat_timer.cancel();
    if (port.is_open()) port.close(ec);
    counters.streaming.store(false);
  }

  // ---- opening
  // -----------------------------------------------------------------------------------

  std::string current_target() {
    if (usb_identity) {
      if (auto p = find_usb_device(*usb_identity)) return *p;
    }
    return opt.port;
  }

  /// Opens the port; returns an error text or "" on success.
  std::string try_open(const std::string& target) {
    boost::system::error_code ec;
    port.open(target, ec);
    if (ec) return fmt::format("cannot open {}: {}", target, ec.message());
    port.set_option(asio::serial_port_base::baud_rate(opt.baud), ec);
    if (ec) {
      boost::system::error_code ignored;
      port.close(ignored);
      return fmt::format("cannot set {} baud on {}: {} (use 500000 or 1000000)", opt.baud, target,
                         ec.message());
    }
    ::ioctl(port.native_handle(), TIOCEXCL);     // one program per board
    ::tcflush(port.native_handle(), TCIOFLUSH);  // no stale bytes from before
    {
      std::lock_guard lock(path_mutex);
      path = target;
    }
    if (!usb_identity) usb_identity = describe_port(target);
    if (usb_identity && usb_identity->usb_vid < 0) usb_identity.reset();
    return {};
  }

  void begin_handshake() {
    decoder.reset();
    state = State::kAwaitHello;
    last_rx = Clock::now();
    send(encoder.command(FPT_FRAME_INFO));
    arm_retry();
    deadline_timer.expires_after(opt.handshake_timeout);
    deadline_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) on_handshake_deadline();
    });
    read_more();
  }

  void initial_open() {
    const std::string err = try_open(opt.port);
    if (!err.empty()) {
      fail_handshake(std::make_exception_ptr(IoError(err)));
      return;
    }
    begin_handshake();
  }

  void schedule_reopen() {
    reopen_timer.expires_after(opt.reconnect_interval);
    reopen_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || state == State::kStopped) return;
      const std::string target = current_target();
      const std::string err = try_open(target);
      if (!err.empty()) {
        if (!reopen_failure_logged) spdlog::info("waiting for the board: {}", err);
        reopen_failure_logged = true;
        schedule_reopen();
        return;
      }
      reopen_failure_logged = false;
      spdlog::info("port {} is back; handshaking", target);
      begin_handshake();
    });
  }

  void on_handshake_deadline() {
    if (state == State::kStreaming || state == State::kStopped) return;
    const fpt_wire_stats& s = decoder.stats();
    if (!connected_once) {
      if (s.version_errors > 0 && s.frames_ok == 0) {
        fail_handshake(std::make_exception_ptr(Unsupported(
            fmt::format("the board on {} speaks protocol version {}; this fpt speaks version {}",
                        opt.port, s.last_foreign_version, FPT_PROTOCOL_VERSION))));
      } else {
        fail_handshake(std::make_exception_ptr(TimeoutError(fmt::format(
            "no fpt board answered on {} within {} ms ({} bytes received, {} valid frames, "
            "{} CRC errors)",
            opt.port, opt.handshake_timeout.count(), s.bytes, s.frames_ok, s.crc_errors))));
      }
      return;
    }
    spdlog::warn("board on {} did not complete the handshake; retrying", path);
    close_port();
    state = State::kClosed;
    schedule_reopen();
  }

  void arm_retry() {
    retry_timer.expires_after(opt.command_retry);
    retry_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      switch (state) {
        case State::kAwaitHello:
          send(encoder.command(FPT_FRAME_INFO));
          break;
        case State::kAwaitRateAck:
          send(encoder.set_rate(*opt.emg_rate_hz, 0));
          break;
        case State::kAwaitStartAck:
          send(encoder.command(FPT_FRAME_START));
          break;
        default:
          return;
      }
      arm_retry();
    });
  }

  // ---- I/O
  // ---------------------------------------------------------------------------------------

  void send(std::span<const std::uint8_t> bytes) {
    if (!port.is_open() || bytes.empty()) return;
    boost::system::error_code ec;
    asio::write(port, asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec) link_down(fmt::format("write failed: {}", ec.message()));
  }

  void read_more() {
    port.async_read_some(asio::buffer(rx),
                         [this](const boost::system::error_code& ec, std::size_t n) {
                           if (ec) {
                             if (ec != asio::error::operation_aborted && state != State::kStopped)
                               link_down(fmt::format("read failed: {}", ec.message()));
                             return;
                           }
                           const Clock::time_point now = Clock::now();
                           last_rx = now;
                           decoder.feed(std::span<const std::uint8_t>(rx.data(), n),
                                        [this, now](const fpt_frame& f) { on_frame(f, now); });
                           counters.publish(decoder.stats());
                           data_ready.release();  // wake the consumer: new sets may be there
                           if (port.is_open()) read_more();
                         });
  }

  void link_down(const std::string& reason) {
    if (state == State::kStopped || state == State::kClosed) return;
    if (!connected_once) {
      fail_handshake(std::make_exception_ptr(IoError(fmt::format("{}: {}", opt.port, reason))));
      return;
    }
    const bool was_streaming = state == State::kStreaming;
    close_port();
    state = State::kClosed;
    if (was_streaming) {
      link_down_at = Clock::now();
      counters.link_downs.fetch_add(1, std::memory_order_relaxed);
      StreamItem item;
      item.kind = ItemKind::kLinkDown;
      item.index = emg.clock.next();
      item.arrival_ns = to_ns(link_down_at);
      if (!ring.try_push(item)) counters.ring_drops.fetch_add(1, std::memory_order_relaxed);
      data_ready.release();
      spdlog::warn("link to board {} lost ({})", info.serial, reason);
    }
    if (opt.reconnect) {
      schedule_reopen();
    } else {
      state = State::kStopped;
      work.reset();
    }
  }

  void heartbeat() {
    heartbeat_timer.expires_after(opt.heartbeat);
    heartbeat_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || state != State::kStreaming) return;
      const auto silent = Clock::now() - last_rx;
      if (silent > opt.stall_timeout) {
        link_down(
            fmt::format("no data for {} ms",
                        std::chrono::duration_cast<std::chrono::milliseconds>(silent).count()));
        return;
      }
      ping_sent = Clock::now();
      send(encoder.ping(++ping_token));
      heartbeat();
    });
  }

  // ---- frames
  // ------------------------------------------------------------------------------------

  void on_frame(const fpt_frame& f, Clock::time_point now) {
    if (counters.first_seq.load(std::memory_order_relaxed) < 0)
      counters.first_seq.store(f.seq, std::memory_order_relaxed);
    counters.last_seq.store(f.seq, std::memory_order_relaxed);
    switch (f.type) {
      case FPT_FRAME_HELLO:
        on_hello(f);
        break;
      case FPT_FRAME_ACK:
        on_ack(f, now);
        break;
      case FPT_FRAME_NAK:
        on_nak(f);
        break;
      case FPT_FRAME_EMG:
        if (state == State::kAwaitStartAck) enter_streaming();  // it was already streaming
        if (state == State::kStreaming) on_emg(f, now);
        break;
      case FPT_FRAME_IMU:
        if (state == State::kStreaming) on_imu(f, now);
        break;
      case FPT_FRAME_STATUS:
        on_status(f);
        break;
      default:
        break;  // host->board commands echoed back are ignored
    }
  }

  void on_hello(const fpt_frame& f) {
    fpt_hello hello{};
    if (fpt_hello_unpack(f.body, f.body_len, &hello) == 0) {
      counters.malformed_bodies.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    protocol::DeviceInfo d;
    try {
      d = protocol::DeviceInfo::from_hello(hello);
    } catch (const Error& e) {
      counters.malformed_bodies.fetch_add(1, std::memory_order_relaxed);
      if (!connected_once) fail_handshake(std::current_exception());
      return;
    }
    if (state == State::kStreaming) {
      // A rebooted board starts its sequence numbers again; a HELLO without that is a late
      // answer to a repeated INFO and changes nothing.
      if (decoder.stats().seq_resets == seq_resets_at_start) return;
      counters.board_restarts.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("board {} restarted; starting it again", d.serial);
      state = State::kAwaitHello;
    }
    if (state != State::kAwaitHello) return;
    if (connected_once && (d.serial != info.serial || d.channels.size() != info.channels.size())) {
      spdlog::error("a different board (serial {}) answered on {}; waiting for board {}", d.serial,
                    path, info.serial);
      close_port();
      state = State::kClosed;
      schedule_reopen();
      return;
    }
    if (opt.emg_rate_hz && d.emg_rate_hz != *opt.emg_rate_hz) {
      state = State::kAwaitRateAck;
      send(encoder.set_rate(*opt.emg_rate_hz, 0));
      return;
    }
    if (connected_once && d.emg_rate_hz != info.emg_rate_hz) {
      spdlog::error("board {} now runs at {} Hz, not {} Hz; not resuming", d.serial, d.emg_rate_hz,
                    info.emg_rate_hz);
      close_port();
      state = State::kClosed;
      schedule_reopen();
      return;
    }
    info = std::move(d);
    state = State::kAwaitStartAck;
    send(encoder.command(FPT_FRAME_START));
  }

  void on_ack(const fpt_frame& f, Clock::time_point now) {
    fpt_ack ack{};
    if (fpt_ack_unpack(f.body, f.body_len, &ack) == 0) {
      counters.malformed_bodies.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (ack.command_type == FPT_FRAME_SET_RATE && state == State::kAwaitRateAck) {
      state = State::kAwaitHello;  // ask again: the HELLO now carries the new rate
      send(encoder.command(FPT_FRAME_INFO));
    } else if (ack.command_type == FPT_FRAME_START && state == State::kAwaitStartAck) {
      enter_streaming();
    } else if (ack.command_type == FPT_FRAME_PING && ack.value == ping_token) {
      counters.ping_rtt_ms.store(std::chrono::duration<double, std::milli>(now - ping_sent).count(),
                                 std::memory_order_relaxed);
    }
  }

  void on_nak(const fpt_frame& f) {
    fpt_nak nak{};
    if (fpt_nak_unpack(f.body, f.body_len, &nak) == 0) {
      counters.malformed_bodies.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    counters.naks.fetch_add(1, std::memory_order_relaxed);
    if (nak.command_type == FPT_FRAME_SET_RATE && state == State::kAwaitRateAck) {
      auto e = Unsupported(fmt::format("the board on {} refused {} Hz (NAK reason {})", path,
                                       *opt.emg_rate_hz, nak.reason));
      if (!connected_once) {
        fail_handshake(std::make_exception_ptr(e));
      } else {
        spdlog::error("{}", e.what());
      }
    }
  }

  void enter_streaming() {
    state = State::kStreaming;
    seq_resets_at_start = decoder.stats().seq_resets;
    retry_timer.cancel();
    deadline_timer.cancel();
    counters.streaming.store(true);
    emg.last_rx = imu.last_rx = Clock::now();
    heartbeat();
    if (!connected_once) {
      connected_once = true;
      handshake_reported = true;
      handshake.set_value();
      return;
    }
    counters.reconnects.fetch_add(1, std::memory_order_relaxed);
    const double gap_s = std::chrono::duration<double>(Clock::now() - link_down_at).count();
    spdlog::info("board {} streaming again after {:.2f} s", info.serial, gap_s);
    StreamItem item;
    item.kind = ItemKind::kLinkUp;
    item.index = emg.clock.next();
    item.arrival_ns = to_ns(Clock::now());
    if (!ring.try_push(item)) counters.ring_drops.fetch_add(1, std::memory_order_relaxed);
    data_ready.release();
  }

  /// Samples a restarted board's clock missed, estimated from host time since the stream's
  /// previous block.
  static std::uint64_t estimated_missing(Clock::time_point now, Clock::time_point last_rx,
                                         int rate_hz, std::uint32_t n_sets) {
    const double expected = std::chrono::duration<double>(now - last_rx).count() * rate_hz;
    return expected > n_sets ? static_cast<std::uint64_t>(expected) - n_sets : 0;
  }

  void push_gap(ItemKind kind, std::uint64_t first, std::uint64_t missing, std::int64_t arrival) {
    StreamItem gap;
    gap.kind = kind;
    gap.index = first;
    gap.missing = static_cast<std::uint32_t>(std::min<std::uint64_t>(missing, UINT32_MAX));
    gap.arrival_ns = arrival;
    if (!ring.try_push(gap)) counters.ring_drops.fetch_add(1, std::memory_order_relaxed);
  }

  /// One stream's clock and counters (EMG or IMU).
  struct Stream {
    ItemKind kind;
    ItemKind gap_kind;
    IndexUnwrapper clock{};
    Clock::time_point last_rx{};
    std::atomic<std::uint64_t>& frames;
    std::atomic<std::uint64_t>& sets;
    std::atomic<std::uint64_t>& gaps;
    std::atomic<std::uint64_t>& lost;
  };
  Stream emg{
      ItemKind::kEmg,    ItemKind::kEmgGap,        {}, {}, counters.emg_frames, counters.emg_sets,
      counters.emg_gaps, counters.emg_samples_lost};
  Stream imu{
      ItemKind::kImu,    ItemKind::kImuGap,        {}, {}, counters.imu_frames, counters.imu_sets,
      counters.imu_gaps, counters.imu_samples_lost};

  /// Maps a block onto the host timeline, reports a gap before it, and pushes its sets.
  /// sample_at(set, column) reads one value. Real-time safe.
  template <typename SampleAt>
  void push_block(Stream& st, int rate_hz, std::uint32_t first, std::uint8_t n_sets,
                  std::uint8_t width, Clock::time_point now, SampleAt&& sample_at) {
    const std::int64_t arrival = to_ns(now);
    const auto m = st.clock.map(first, n_sets, estimated_missing(now, st.last_rx, rate_hz, n_sets));
    st.last_rx = now;
    if (m.missing > 0) {
      st.gaps.fetch_add(1, std::memory_order_relaxed);
      st.lost.fetch_add(m.missing, std::memory_order_relaxed);
      push_gap(st.gap_kind, m.first - m.missing, m.missing, arrival);
    }
    StreamItem item;
    item.kind = st.kind;
    item.count = width;
    item.arrival_ns = arrival;
    std::uint64_t dropped = 0;
    for (std::uint16_t s = 0; s < n_sets; ++s) {
      item.index = m.first + s;
      for (std::uint8_t c = 0; c < width; ++c) item.values[c] = sample_at(s, c);
      if (!ring.try_push(item)) ++dropped;
    }
    st.frames.fetch_add(1, std::memory_order_relaxed);
    st.sets.fetch_add(n_sets, std::memory_order_relaxed);
    if (dropped > 0) counters.ring_drops.fetch_add(dropped, std::memory_order_relaxed);
  }

  void on_emg(const fpt_frame& f, Clock::time_point now) {
    fpt_emg_view v{};
    if (fpt_emg_unpack(f.body, f.body_len, &v) == 0 || v.n_channels != info.channels.size()) {
      counters.malformed_bodies.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    push_block(emg, info.emg_rate_hz, v.first_index, v.n_sets, v.n_channels, now,
               [&v](std::uint16_t s, std::uint8_t c) { return fpt_emg_sample(&v, s, c); });
  }

  void on_imu(const fpt_frame& f, Clock::time_point now) {
    fpt_imu_view v{};
    if (fpt_imu_unpack(f.body, f.body_len, &v) == 0 || v.n_axes != info.imu_axes) {
      counters.malformed_bodies.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    push_block(imu, info.imu_rate_hz, v.first_index, v.n_sets, v.n_axes, now,
               [&v](std::uint16_t s, std::uint8_t a) { return fpt_imu_sample(&v, s, a); });
  }

  void on_status(const fpt_frame& f) {
    fpt_status s{};
    if (fpt_status_unpack(f.body, f.body_len, &s) == 0) {
      counters.malformed_bodies.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    counters.status_frames.fetch_add(1, std::memory_order_relaxed);
    counters.device_emg_dropped.store(s.emg_dropped, std::memory_order_relaxed);
    counters.device_imu_dropped.store(s.imu_dropped, std::memory_order_relaxed);
    counters.device_tx_overruns.store(s.tx_overruns, std::memory_order_relaxed);
    counters.device_uptime_ms.store(s.uptime_ms, std::memory_order_relaxed);
  }
};

BoardLink::BoardLink(LinkOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

BoardLink::~BoardLink() {
  stop();
}

void BoardLink::connect() {
  if (impl_->thread.joinable()) throw InvalidArgument("BoardLink::connect called twice");
  std::future<void> done = impl_->handshake.get_future();
  impl_->start_thread();
  asio::post(impl_->io, [this] { impl_->initial_open(); });
  // The I/O thread always answers within the handshake deadline; the margin covers scheduling.
  if (done.wait_for(impl_->opt.handshake_timeout + std::chrono::seconds(2)) !=
      std::future_status::ready) {
    stop();
    throw TimeoutError(fmt::format("no answer from the I/O thread for {}", impl_->opt.port));
  }
  try {
    done.get();
  } catch (...) {
    stop();
    throw;
  }
}

void BoardLink::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [this] { impl_->shutdown(); });
  impl_->thread.join();
}

const protocol::DeviceInfo& BoardLink::device() const {
  return impl_->info;
}

SpscRing<StreamItem>& BoardLink::ring() {
  return impl_->ring;
}

bool BoardLink::wait_for_data(std::chrono::milliseconds timeout) {
  return impl_->data_ready.try_acquire_for(timeout);
}

std::string BoardLink::port_path() const {
  std::lock_guard lock(impl_->path_mutex);
  return impl_->path;
}

LinkCounters BoardLink::counters() const {
  const AtomicCounters& a = impl_->counters;
  auto w = [&](std::size_t i) { return a.wire[i].load(std::memory_order_relaxed); };
  LinkCounters c;
  c.wire.bytes = w(0);
  c.wire.frames_ok = w(1);
  c.wire.crc_errors = w(2);
  c.wire.cobs_errors = w(3);
  c.wire.short_frames = w(4);
  c.wire.oversize = w(5);
  c.wire.resyncs = w(6);
  c.wire.version_errors = w(7);
  c.wire.unknown_types = w(8);
  c.wire.seq_gaps = w(9);
  c.wire.frames_lost = w(10);
  c.wire.seq_resets = w(11);
  auto r = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  c.emg_frames = r(a.emg_frames);
  c.emg_sets = r(a.emg_sets);
  c.imu_frames = r(a.imu_frames);
  c.imu_sets = r(a.imu_sets);
  c.status_frames = r(a.status_frames);
  c.emg_gaps = r(a.emg_gaps);
  c.emg_samples_lost = r(a.emg_samples_lost);
  c.imu_gaps = r(a.imu_gaps);
  c.imu_samples_lost = r(a.imu_samples_lost);
  c.ring_drops = r(a.ring_drops);
  c.malformed_bodies = r(a.malformed_bodies);
  c.naks = r(a.naks);
  c.link_downs = r(a.link_downs);
  c.reconnects = r(a.reconnects);
  c.board_restarts = r(a.board_restarts);
  c.device_emg_dropped = r(a.device_emg_dropped);
  c.device_imu_dropped = r(a.device_imu_dropped);
  c.device_tx_overruns = r(a.device_tx_overruns);
  c.device_uptime_ms = r(a.device_uptime_ms);
  c.ping_rtt_ms = a.ping_rtt_ms.load(std::memory_order_relaxed);
  c.streaming = a.streaming.load(std::memory_order_relaxed);
  c.first_seq = a.first_seq.load(std::memory_order_relaxed);
  c.last_seq = a.last_seq.load(std::memory_order_relaxed);
  return c;
}

}  // namespace fpt::io
