#include "virtual_board.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <span>

#include <fmt/format.h>

#include "error.hpp"
#include "fpt_messages.h"
#include "fpt_wire.h"
#include "private_file.hpp"
#include "pseudo_terminal.hpp"

namespace fpt::sim {
namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

constexpr std::size_t kTxCapacity = 64 * 1024;  // like a USB-serial bridge's buffer, roughly
constexpr double kAccelScaleG = 1.0 / 4096.0;   // +-8 g in 16 bits
constexpr std::uint16_t kBoardModel = 0x5101;   // "virtual board"

double emg_scale_uv(int adc_bits) {
  return adc_bits > 16 ? 0.02 : 0.25;
}

std::int32_t to_code(double value, double scale, int bits) {
  const double limit = std::ldexp(1.0, bits - 1) - 1.0;
  return static_cast<std::int32_t>(std::clamp(std::round(value / scale), -limit, limit));
}

Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(Seconds(seconds));
}

}  // namespace

struct VirtualBoard::Impl {
  Impl(BoardConfig b, SignalConfig s, std::vector<ScriptItem> sc, ScenarioConfig scen,
       FaultConfig f)
      : cfg(std::move(b)),
        signal(s),
        script(std::move(sc)),
        scenario(scen),
        faults(f),
        fault_rng(s.seed ^ 0xFA017ULL),
        garbage_rng(s.seed ^ 0x6A5BULL),
        drop_rate(f.drop_rate),
        corrupt_rate(f.corrupt_rate) {
    if (cfg.adc_bits != 16 && cfg.adc_bits != 24)
      throw InvalidArgument(fmt::format("ADC bits must be 16 or 24, not {}", cfg.adc_bits));
    if (!(cfg.speed >= 0.1 && cfg.speed <= 50.0))
      throw InvalidArgument(fmt::format("speed {} is outside 0.1..50", cfg.speed));
    if (cfg.imu_rate_hz < 10 || cfg.imu_rate_hz > 1000)
      throw InvalidArgument(fmt::format("IMU rate {} Hz is outside 10..1000", cfg.imu_rate_hz));
    build_model();
    if (!cfg.csv_path.empty()) open_csv();
    fpt_decoder_init(&decoder, rx_frame.data(), static_cast<std::uint16_t>(rx_frame.size()));
  }

  ~Impl() {
    if (csv != nullptr) std::fclose(csv);
  }

  void open_csv() {
    csv = create_private_file(cfg.csv_path);
    std::fputs("time_s,glute,hamstring,lumbar,acc_x,acc_y,acc_z\n", csv);
  }

  /// One frame of rows: EMG codes as uV (exact: codes times a binary fraction), accelerometer
  /// codes as g on the row of the IMU sample's time.
  void write_csv(std::uint32_t first, std::span<const std::array<std::int32_t, kMuscles>> codes,
                 std::uint64_t imu_first, std::span<const std::array<std::int16_t, 3>> accel) {
    const double scale = emg_scale_uv(cfg.adc_bits);
    for (std::size_t s = 0; s < codes.size(); ++s) {
      const std::uint64_t index = first + s;
      std::fprintf(csv, "%.6f,%.6f,%.6f,%.6f", static_cast<double>(index) / cfg.emg_rate_hz,
                   codes[s][0] * scale, codes[s][1] * scale, codes[s][2] * scale);
      bool imu_here = false;
      for (std::size_t j = 0; j < accel.size() && !imu_here; ++j) {
        const std::uint64_t row = (imu_first + j) * static_cast<std::uint64_t>(cfg.emg_rate_hz) /
                                      static_cast<std::uint64_t>(cfg.imu_rate_hz) -
                                  index_offset;
        if (row == index) {
          std::fprintf(csv, ",%.12f,%.12f,%.12f\n", accel[j][0] * kAccelScaleG,
                       accel[j][1] * kAccelScaleG, accel[j][2] * kAccelScaleG);
          imu_here = true;
        }
      }
      if (!imu_here) std::fputs(",,,\n", csv);
    }
    std::fflush(csv);
  }

  void build_model() {
    signal.fs_hz = cfg.emg_rate_hz;
    signal.imu_rate_hz = cfg.imu_rate_hz;
    timeline = std::make_unique<Timeline>(script, scenario);
    model = std::make_unique<SignalModel>(signal, *timeline);
    sets_per_frame =
        std::max(1, static_cast<int>(std::lround(cfg.emg_rate_hz * cfg.frame_period_ms / 1000.0)));
    if (sets_per_frame > 255 || sets_per_frame * kMuscles * 3 + FPT_EMG_HEADER_SIZE > FPT_MAX_BODY)
      throw InvalidArgument("frame period too long for one frame");
  }

  BoardConfig cfg;
  SignalConfig signal;
  std::vector<ScriptItem> script;
  ScenarioConfig scenario;
  FaultConfig faults;  // schedule faults; fixed once running
  std::atomic<bool> faults_cleared{false};
  Rng fault_rng;
  Rng garbage_rng;
  std::atomic<double> drop_rate;  // wire faults, changeable from any thread
  std::atomic<double> corrupt_rate;
  std::unique_ptr<Timeline> timeline;
  std::unique_ptr<SignalModel> model;
  std::unique_ptr<PseudoTerminal> pty;
  mutable std::mutex path_mutex;  // guards path; taken on replug only
  std::string path;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::function<void(const RepTruth&)> rep_callback;

  fpt_decoder decoder{};
  std::array<std::uint8_t, 512> rx_frame{};
  std::vector<std::uint8_t> tx;
  std::array<std::uint8_t, FPT_MAX_ENCODED> frame_buf{};
  std::uint32_t seq = 0;
  bool damage_next = false;  // the previous frame's delimiter was hit: this one merges with it

  int sets_per_frame = 10;
  bool streaming = false;
  bool started_once = false;
  Clock::time_point boot{};
  Clock::time_point t0{};  // when sample 0 was due
  Clock::time_point paused_at{};
  std::uint64_t model_sets = 0;    // EMG sets generated
  std::uint64_t index_offset = 0;  // device index = model_sets - offset (after a reboot)
  std::uint32_t emg_dropped = 0, imu_dropped = 0, tx_overruns = 0;
  std::vector<std::array<std::int32_t, kMuscles>> recorded;
  std::FILE* csv = nullptr;  // the CSV tap, when asked for

  std::atomic<std::uint64_t> n_sent{0}, n_dropped{0}, n_corrupted{0}, n_overrun{0}, n_unplugged{0},
      n_emg_sets{0}, n_imu_sets{0}, n_commands{0}, n_reopens{0};
  std::atomic<bool> streaming_flag{false};

  // ---- output
  // ------------------------------------------------------------------------------------

  bool faults_on() const { return !faults_cleared.load(std::memory_order_relaxed); }

  /// Encodes a frame and queues it, applying the wire faults. Returns false if it was lost.
  bool emit(std::uint8_t type, const std::uint8_t* body, std::uint16_t len, bool data) {
    const std::uint32_t s = seq++;
    n_sent.fetch_add(1, std::memory_order_relaxed);
    const std::size_t n =
        fpt_frame_encode_version(static_cast<std::uint8_t>(cfg.protocol_version), type, s, body,
                                 len, frame_buf.data(), frame_buf.size());
    if (pty == nullptr || !pty->plugged()) {
      n_unplugged.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    const double p_drop = drop_rate.load(std::memory_order_relaxed);
    const double p_corrupt = corrupt_rate.load(std::memory_order_relaxed);
    if (data && p_drop > 0 && fault_rng.uniform() < p_drop) {
      n_dropped.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (tx.size() + n > kTxCapacity) {
      n_overrun.fetch_add(1, std::memory_order_relaxed);
      ++tx_overruns;
      return false;
    }
    bool corrupted = damage_next;
    damage_next = false;
    if (p_corrupt > 0) {
      for (std::size_t i = 0; i < n; ++i) {
        if (fault_rng.uniform() >= p_corrupt) continue;
        frame_buf[i] ^= static_cast<std::uint8_t>(1U << (fault_rng.next() % 8));
        corrupted = true;
        if (i == n - 1) damage_next = true;
      }
    }
    if (corrupted) n_corrupted.fetch_add(1, std::memory_order_relaxed);
    tx.insert(tx.end(), frame_buf.begin(), frame_buf.begin() + static_cast<std::ptrdiff_t>(n));
    return true;
  }

  void send_hello() {
    fpt_hello h{};
    h.protocol_version = static_cast<std::uint8_t>(cfg.protocol_version);
    h.fw_major = 1;
    h.board_model = kBoardModel;
    std::snprintf(h.serial, sizeof h.serial, "%s", cfg.serial.c_str());
    h.emg_rate_hz = static_cast<std::uint16_t>(cfg.emg_rate_hz);
    h.emg_sets_per_frame = static_cast<std::uint8_t>(sets_per_frame);
    h.sample_bytes = cfg.adc_bits > 16 ? 3 : 2;
    h.n_emg = kMuscles;
    h.imu_kind = FPT_IMU_ACCEL;
    h.imu_axes = 3;
    h.imu_rate_hz = static_cast<std::uint16_t>(cfg.imu_rate_hz);
    h.accel_scale_g = static_cast<float>(kAccelScaleG);
    for (int m = 0; m < kMuscles; ++m) {
      h.channels[m].role = static_cast<std::uint8_t>(m);  // glute, hamstring, lumbar
      h.channels[m].side = FPT_SIDE_RIGHT;
      h.channels[m].adc_bits = static_cast<std::uint8_t>(cfg.adc_bits);
      h.channels[m].scale_uv = static_cast<float>(emg_scale_uv(cfg.adc_bits));
    }
    std::array<std::uint8_t, 256> body{};
    const std::uint16_t len = fpt_hello_pack(&h, body.data(), body.size());
    emit(FPT_FRAME_HELLO, body.data(), len, false);
  }

  void send_ack(std::uint8_t type, std::uint32_t cmd_seq, std::uint32_t value) {
    std::array<std::uint8_t, FPT_ACK_SIZE> body{};
    const fpt_ack a{type, cmd_seq, value};
    emit(FPT_FRAME_ACK, body.data(), fpt_ack_pack(&a, body.data(), body.size()), false);
  }

  void send_nak(std::uint8_t type, std::uint32_t cmd_seq, std::uint8_t reason) {
    std::array<std::uint8_t, FPT_NAK_SIZE> body{};
    const fpt_nak k{type, cmd_seq, reason};
    emit(FPT_FRAME_NAK, body.data(), fpt_nak_pack(&k, body.data(), body.size()), false);
  }

  void send_status(Clock::time_point now) {
    fpt_status s{};
    s.uptime_ms = static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - boot).count());
    s.emg_dropped = emg_dropped;
    s.imu_dropped = imu_dropped;
    s.tx_overruns = tx_overruns;
    s.streaming = streaming ? 1 : 0;
    std::array<std::uint8_t, FPT_STATUS_SIZE> body{};
    emit(FPT_FRAME_STATUS, body.data(), fpt_status_pack(&s, body.data(), body.size()), false);
  }

  /// Makes one frame period of EMG and the IMU samples that fall in it.
  void produce_frame() {
    const double scale = emg_scale_uv(cfg.adc_bits);
    const std::uint8_t bytes = cfg.adc_bits > 16 ? 3 : 2;
    const auto first = static_cast<std::uint32_t>(model_sets - index_offset);
    const auto k = static_cast<std::uint8_t>(sets_per_frame);
    std::array<std::uint8_t, FPT_MAX_BODY> body{};
    std::array<std::array<std::int32_t, kMuscles>, 256> frame_codes{};
    std::array<std::array<std::int16_t, 3>, 16> frame_accel{};
    fpt_emg_put_header(
        body.data(), first,
        static_cast<std::uint32_t>(static_cast<double>(first) * 1e6 / cfg.emg_rate_hz), kMuscles, k,
        bytes);
    for (std::uint16_t s = 0; s < k; ++s) {
      const auto uv = model->next_emg();
      std::array<std::int32_t, kMuscles> codes{};
      for (int m = 0; m < kMuscles; ++m) {
        codes[m] = to_code(uv[m], scale, cfg.adc_bits);
        fpt_emg_put_sample(body.data(), s, static_cast<std::uint8_t>(m), codes[m]);
      }
      if (cfg.record_samples) recorded.push_back(codes);
      frame_codes[s] = codes;
    }
    model_sets += k;
    n_emg_sets.fetch_add(k, std::memory_order_relaxed);
    if (!emit(FPT_FRAME_EMG, body.data(), fpt_emg_body_size(kMuscles, k, bytes), true) &&
        pty != nullptr && pty->plugged())
      emg_dropped += k;

    // IMU samples whose time has come: j / imu_rate < (emg sets so far) / emg_rate.
    const std::uint64_t imu_first = model->imu_index();
    std::uint8_t n_imu = 0;
    while (static_cast<double>(model->imu_index()) * cfg.emg_rate_hz <
               static_cast<double>(model_sets) * cfg.imu_rate_hz &&
           n_imu < 16) {
      const auto g = model->next_accel();
      if (n_imu == 0)
        fpt_imu_put_header(body.data(), static_cast<std::uint32_t>(imu_first), 0, 3, 0);
      for (std::uint8_t a = 0; a < 3; ++a) {
        frame_accel[n_imu][a] = static_cast<std::int16_t>(to_code(g[a], kAccelScaleG, 16));
        fpt_imu_put_sample(body.data(), n_imu, a, frame_accel[n_imu][a]);
      }
      ++n_imu;
    }
    if (n_imu > 0) {
      body[9] = n_imu;  // n_sets
      fpt_put_u32(body.data() + 4, static_cast<std::uint32_t>(static_cast<double>(imu_first) * 1e6 /
                                                              cfg.imu_rate_hz));
      n_imu_sets.fetch_add(n_imu, std::memory_order_relaxed);
      if (!emit(FPT_FRAME_IMU, body.data(), fpt_imu_body_size(3, n_imu), true) && pty != nullptr &&
          pty->plugged())
        imu_dropped += n_imu;
    }
    if (csv != nullptr)
      write_csv(first, std::span(frame_codes.data(), k), imu_first,
                std::span(frame_accel.data(), n_imu));
    if (rep_callback)
      for (const auto& r : timeline->take_new_reps()) rep_callback(r);
  }

  void flush(bool stalled) {
    if (stalled || tx.empty() || pty == nullptr || !pty->plugged()) return;
    const ssize_t n = ::write(pty->master_fd(), tx.data(), tx.size());
    if (n > 0) tx.erase(tx.begin(), tx.begin() + n);
  }

  // ---- commands
  // ----------------------------------------------------------------------------------

  void start_streaming(Clock::time_point now) {
    if (streaming) return;
    if (!started_once) {
      t0 = now;
      started_once = true;
    } else {
      t0 += now - paused_at;  // the sample clock only runs while streaming
    }
    streaming = true;
  }

  void stop_streaming(Clock::time_point now) {
    if (!streaming) return;
    streaming = false;
    paused_at = now;
  }

  void on_command(const fpt_frame& f, Clock::time_point now) {
    n_commands.fetch_add(1, std::memory_order_relaxed);
    switch (f.type) {
      case FPT_FRAME_INFO:
        send_hello();
        break;
      case FPT_FRAME_START:
        start_streaming(now);
        send_ack(f.type, f.seq, 0);
        break;
      case FPT_FRAME_STOP:
        stop_streaming(now);
        send_ack(f.type, f.seq, 0);
        break;
      case FPT_FRAME_PING:
        send_ack(f.type, f.seq, f.body_len >= 4 ? fpt_get_u32(f.body) : 0);
        break;
      case FPT_FRAME_SET_RATE: {
        if (f.body_len != 4) {
          send_nak(f.type, f.seq, FPT_NAK_BAD_ARGUMENT);
          break;
        }
        const int rate = fpt_get_u16(f.body);
        const int imu = fpt_get_u16(f.body + 2);
        if (streaming || model_sets > 0) {
          send_nak(f.type, f.seq, FPT_NAK_BUSY);
        } else if ((rate != 500 && rate != 1000 && rate != 2000 && rate != 4000) ||
                   (imu != 0 && (imu < 10 || imu > 1000))) {
          send_nak(f.type, f.seq, FPT_NAK_BAD_ARGUMENT);
        } else {
          cfg.emg_rate_hz = rate;
          if (imu != 0) cfg.imu_rate_hz = imu;
          build_model();
          send_ack(f.type, f.seq, static_cast<std::uint32_t>(rate));
        }
        break;
      }
      default:
        send_nak(f.type, f.seq, FPT_NAK_UNSUPPORTED);
        break;
    }
  }

  void read_commands(Clock::time_point now) {
    std::array<std::uint8_t, 256> buf{};
    for (;;) {
      const ssize_t n = ::read(pty->master_fd(), buf.data(), buf.size());
      if (n <= 0) return;
      if (cfg.behaviour != BoardConfig::Behaviour::kNormal) continue;
      for (ssize_t i = 0; i < n; ++i) {
        fpt_frame f{};
        if (fpt_decoder_push(&decoder, buf[static_cast<std::size_t>(i)], &f) == FPT_DEC_FRAME)
          on_command(f, now);
      }
    }
  }

  // ---- the board's main loop
  // ---------------------------------------------------------------------

  void run() {
    boot = Clock::now();
    Clock::time_point next_status = after(boot, 1.0);
    Clock::time_point next_stall = after(boot, faults.stall_every_s);
    Clock::time_point stall_until = boot;
    Clock::time_point next_unplug = after(boot, faults.reopen_every_s);
    Clock::time_point replug_at = Clock::time_point::max();
    Clock::time_point next_garbage = boot;
    if (cfg.behaviour == BoardConfig::Behaviour::kNormal) send_hello();  // as on power-up
    if (cfg.autostart) start_streaming(boot);

    while (!stopping.load(std::memory_order_relaxed)) {
      Clock::time_point now = Clock::now();
      // Faults on the wall clock.
      if (faults_on() && faults.stall_every_s > 0 && now >= next_stall) {
        stall_until = after(now, faults.stall_ms / 1000.0);
        next_stall = after(next_stall, faults.stall_every_s);
      }
      // Frames belong to the port's state at the time they were due, not when this thread
      // got to run: a starved thread must not send, after a replug, sets that were due while
      // the port was gone (nor lose, at an unplug, sets due before it).
      const auto catch_up = [&] {
        while (cfg.behaviour == BoardConfig::Behaviour::kNormal && streaming &&
               now >= after(t0, static_cast<double>(model_sets + sets_per_frame) / cfg.emg_rate_hz /
                                    cfg.speed))
          produce_frame();
      };
      if (faults_on() && faults.reopen_every_s > 0 && now >= next_unplug && pty->plugged()) {
        catch_up();
        flush(false);
        pty->unplug();
        tx.clear();
        replug_at = after(now, faults.reopen_ms / 1000.0);
        next_unplug = after(now, faults.reopen_every_s);
        if (faults.restart_on_reopen) stop_streaming(now);
      }
      if (!pty->plugged() && now >= replug_at) {
        replug_at = Clock::time_point::max();
        catch_up();  // made while unplugged: lost
        pty->plug_in();
        {
          std::lock_guard lock(path_mutex);
          path = pty->path();
        }
        n_reopens.fetch_add(1, std::memory_order_relaxed);
        fpt_decoder_reset(&decoder);
        if (faults.restart_on_reopen) {  // a reboot: new sample clock and sequence
          index_offset = model_sets;
          seq = 0;
          send_hello();
        }
      }

      if (cfg.behaviour == BoardConfig::Behaviour::kGarbage && now >= next_garbage &&
          pty->plugged()) {
        std::array<std::uint8_t, 64> junk{};
        for (auto& b : junk) b = static_cast<std::uint8_t>(garbage_rng.next());
        if (tx.size() + junk.size() <= kTxCapacity) tx.insert(tx.end(), junk.begin(), junk.end());
        next_garbage = after(now, 0.01);
      }
      if (cfg.behaviour == BoardConfig::Behaviour::kNormal) {
        while (streaming && now >= after(t0, static_cast<double>(model_sets + sets_per_frame) /
                                                 cfg.emg_rate_hz / cfg.speed))
          produce_frame();
        if (now >= next_status) {
          send_status(now);
          next_status = after(next_status, 1.0);
        }
      }
      streaming_flag.store(streaming, std::memory_order_relaxed);
      const bool stalled = now < stall_until;
      flush(stalled);

      // Sleep until the next frame is due or a command arrives.
      Clock::time_point wake = after(now, 0.05);
      if (streaming)
        wake = std::min(wake, after(t0, static_cast<double>(model_sets + sets_per_frame) /
                                            cfg.emg_rate_hz / cfg.speed));
      if (stalled) wake = std::min(wake, stall_until);
      if (!tx.empty() && !stalled) wake = std::min(wake, after(now, 0.001));
      const auto wait = std::max<Clock::duration>(wake - Clock::now(), Clock::duration::zero());
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
      timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
      if (pty->plugged()) {
        pollfd p{pty->master_fd(), POLLIN, 0};
        if (::ppoll(&p, 1, &ts, nullptr) > 0 && (p.revents & POLLIN) != 0)
          read_commands(Clock::now());
      } else {
        ::nanosleep(&ts, nullptr);
      }
    }
  }
};

VirtualBoard::VirtualBoard(BoardConfig board, SignalConfig signal, std::vector<ScriptItem> script,
                           ScenarioConfig scenario, FaultConfig faults)
    : impl_(std::make_unique<Impl>(std::move(board), signal, std::move(script), scenario, faults)) {
}

VirtualBoard::~VirtualBoard() {
  stop();
}

void VirtualBoard::start() {
  if (impl_->thread.joinable()) return;
  impl_->pty = std::make_unique<PseudoTerminal>(impl_->cfg.link_path);
  {
    std::lock_guard lock(impl_->path_mutex);
    impl_->path = impl_->pty->path();
  }
  impl_->thread = std::thread([this] { impl_->run(); });
}

void VirtualBoard::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->stopping.store(true);
  impl_->thread.join();
  impl_->pty.reset();
}

std::string VirtualBoard::port_path() const {
  std::lock_guard lock(impl_->path_mutex);
  return impl_->path;
}

BoardCounters VirtualBoard::counters() const {
  auto r = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  BoardCounters c;
  c.frames_sent = r(impl_->n_sent);
  c.frames_dropped = r(impl_->n_dropped);
  c.frames_corrupted = r(impl_->n_corrupted);
  c.frames_overrun = r(impl_->n_overrun);
  c.frames_unplugged = r(impl_->n_unplugged);
  c.emg_sets = r(impl_->n_emg_sets);
  c.imu_sets = r(impl_->n_imu_sets);
  c.commands = r(impl_->n_commands);
  c.reopens = r(impl_->n_reopens);
  c.streaming = impl_->streaming_flag.load(std::memory_order_relaxed);
  return c;
}

void VirtualBoard::clear_faults() {
  impl_->faults_cleared.store(true);
  set_wire_faults(0.0, 0.0);
}

void VirtualBoard::set_wire_faults(double drop_rate, double corrupt_rate) {
  impl_->drop_rate.store(drop_rate);
  impl_->corrupt_rate.store(corrupt_rate);
}

void VirtualBoard::on_new_rep(std::function<void(const RepTruth&)> callback) {
  impl_->rep_callback = std::move(callback);
}

const std::vector<std::array<std::int32_t, kMuscles>>& VirtualBoard::recorded() const {
  return impl_->recorded;
}

const Timeline& VirtualBoard::timeline() const {
  return *impl_->timeline;
}

double VirtualBoard::scale_uv() const {
  return emg_scale_uv(impl_->cfg.adc_bits);
}

}  // namespace fpt::sim
