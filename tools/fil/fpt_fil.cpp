// fpt-fil: firmware in the loop. Runs the real AVR firmware (the ELF that is flashed on an
// Uno/Nano) in simavr as an ATmega328P at 16 MHz, drives its analog inputs from the virtual
// board's signal model (A0-A2 EMG, A3-A5 thigh accelerometer; the same scenario scripts and
// ground truth as fpt-sim), and bridges its UART to a pseudo-terminal that fpt opens like a
// real port. Real time or as fast as possible; counts the firmware's idle cycles for its CPU
// load and the UART's bytes for the link usage.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

extern "C" {
#include <avr_adc.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_irq.h>
}

#include "error.hpp"
#include "pseudo_terminal.hpp"
#include "sim_options.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

// The board's analog front ends, as the firmware's HELLO describes them (firmware/core/fw_board.h).
constexpr double kAdcRefMv = 5000.0;
constexpr double kAdcCodes = 1023.0;  // simavr: code = mV * 1023 / Vref
constexpr double kEmgGain = 1000.0;
constexpr int kEmgZero = 512;
constexpr double kAccelMvPerG = 330.0;
constexpr int kAccelZero = 338;

int to_code(double v) {
  return static_cast<int>(std::clamp<long>(std::lround(v), 0, 1023));
}

/// The smallest whole millivolt that simavr's ADC turns into `code`.
std::uint32_t millivolts_for(int code) {
  return static_cast<std::uint32_t>(std::ceil(code * kAdcRefMv / kAdcCodes));
}

struct Harness {
  avr_t* avr = nullptr;
  std::unique_ptr<fpt::sim::PseudoTerminal> pty;
  std::unique_ptr<fpt::sim::Timeline> timeline;
  std::unique_ptr<fpt::sim::SignalModel> model;
  std::array<avr_irq_t*, 6> adc_in{};
  avr_irq_t* uart_in = nullptr;
  std::deque<std::uint8_t> to_host, to_board;
  bool board_ready = true;  // the UART's receive FIFO has room (XON)
  std::uint64_t slept_cycles = 0;
  std::uint64_t bytes_to_host = 0, bytes_to_board = 0;
  std::uint64_t emg_sets = 0, imu_sets = 0;
  // Cycle and idle counts when the first sample set was converted, so the load of streaming
  // is not diluted by the idle time before a host connected.
  std::uint64_t stream_cycle0 = 0, stream_slept0 = 0, last_set_cycle = 0, last_set_slept = 0;
  std::uint64_t stream_bytes0 = 0, last_set_bytes = 0;
  std::array<std::uint16_t, 3> accel_codes{};
  std::ofstream emg_codes, imu_codes, truth;
};

Harness* g_harness = nullptr;

void on_sleep(avr_t* /*avr*/, avr_cycle_count_t how_long) {
  g_harness->slept_cycles += how_long;
}

void on_uart_out(avr_irq_t* /*irq*/, std::uint32_t value, void* param) {
  auto* h = static_cast<Harness*>(param);
  h->to_host.push_back(static_cast<std::uint8_t>(value));
  ++h->bytes_to_host;
}

void on_xon(avr_irq_t*, std::uint32_t, void* param) {
  static_cast<Harness*>(param)->board_ready = true;
}

void on_xoff(avr_irq_t*, std::uint32_t, void* param) {
  static_cast<Harness*>(param)->board_ready = false;
}

/// A conversion starts: put the input's voltage on its pin now (simavr latches it when the
/// firmware reads the result). A0 begins a new EMG set, A3 a new accelerometer reading.
void on_adc_trigger(avr_irq_t* /*irq*/, std::uint32_t value, void* param) {
  auto* h = static_cast<Harness*>(param);
  union {
    avr_adc_mux_t mux;
    std::uint32_t v;
  } e;
  e.v = value;
  if (e.mux.kind != ADC_MUX_SINGLE || e.mux.src > 5) return;
  const unsigned ch = e.mux.src;
  if (ch == 0) {
    if (h->emg_sets == 0) {
      h->stream_cycle0 = h->avr->cycle;
      h->stream_slept0 = h->slept_cycles;
      h->stream_bytes0 = h->bytes_to_host;
    }
    h->last_set_cycle = h->avr->cycle;
    h->last_set_slept = h->slept_cycles;
    h->last_set_bytes = h->bytes_to_host;
    const auto uv = h->model->next_emg();
    const double uv_per_code = kAdcRefMv * 1000.0 / kAdcCodes / kEmgGain;
    std::array<std::uint16_t, 3> codes{};
    for (int m = 0; m < 3; ++m) {
      codes[m] = static_cast<std::uint16_t>(to_code(kEmgZero + uv[m] / uv_per_code));
      avr_raise_irq(h->adc_in[m], millivolts_for(codes[m]));
    }
    if (h->emg_codes) h->emg_codes.write(reinterpret_cast<const char*>(codes.data()), 6);
    ++h->emg_sets;
  } else if (ch == 3) {
    const auto g = h->model->next_accel();
    const double g_per_code = kAdcRefMv / kAdcCodes / kAccelMvPerG;
    for (int a = 0; a < 3; ++a) {
      h->accel_codes[a] = static_cast<std::uint16_t>(to_code(kAccelZero + g[a] / g_per_code));
      avr_raise_irq(h->adc_in[3 + a], millivolts_for(h->accel_codes[a]));
    }
    if (h->imu_codes) h->imu_codes.write(reinterpret_cast<const char*>(h->accel_codes.data()), 6);
    ++h->imu_sets;
  }
}

/// Moves bytes between the simulated UART and the pseudo-terminal. When the host does not
/// read, the pty fills and this waits: the simulation stalls rather than lose a byte.
void pump(Harness& h) {
  const int fd = h.pty->master_fd();
  while (!h.to_host.empty() && g_stop == 0) {
    std::array<std::uint8_t, 4096> buf{};
    const std::size_t n = std::min(buf.size(), h.to_host.size());
    std::copy_n(h.to_host.begin(), n, buf.begin());
    const ssize_t w = ::write(fd, buf.data(), n);
    if (w > 0) {
      h.to_host.erase(h.to_host.begin(), h.to_host.begin() + w);
      continue;
    }
    if (h.to_host.size() < 65536) break;  // some backlog is fine; a lot means: wait
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 100);
  }
  std::array<std::uint8_t, 256> in{};
  const ssize_t r = ::read(fd, in.data(), in.size());
  if (r > 0) h.to_board.insert(h.to_board.end(), in.begin(), in.begin() + r);
  while (!h.to_board.empty() && h.board_ready) {
    avr_raise_irq(h.uart_in, h.to_board.front());
    h.to_board.pop_front();
    ++h.bytes_to_board;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fpt-fil: the AVR firmware in simavr (ATmega328P, 16 MHz), its ADC driven by the signal "
      "model and its UART on a pseudo-terminal"};
  fpt::sim::SimOptions o;
  std::string firmware, link, codes;
  double duration_s = 0.0;
  bool fast = false;
  unsigned baud = 500000;
  app.add_option("--firmware", firmware, "the firmware ELF")->required()->check(CLI::ExistingFile);
  app.add_option("--link", link, "symlink to the pseudo-terminal (the port to open)")->required();
  app.add_option("--duration", duration_s, "stop after this many simulated seconds (0: never)");
  app.add_flag("--fast", fast, "as fast as possible (default: real time)");
  app.add_option("--baud", baud, "the firmware's UART speed (for the link usage)")
      ->capture_default_str();
  app.add_option("--codes", codes,
                 "write every injected ADC code: PREFIX.emg and PREFIX.imu, 3 x u16 LE per set");
  app.add_option("--rate", o.board.emg_rate_hz, "EMG rate the signal model runs at (SET_RATE)")
      ->check(CLI::IsMember({500, 1000, 2000}))
      ->capture_default_str();
  fpt::sim::add_scenario_options(app, o);
  CLI11_PARSE(app, argc, argv);

  try {
    const fpt::sim::SimOptions opt = fpt::sim::resolve_options(o);
    Harness h;
    g_harness = &h;
    fpt::sim::SignalConfig signal = opt.signal;
    signal.fs_hz = opt.board.emg_rate_hz;
    signal.imu_rate_hz = opt.board.imu_rate_hz;
    h.timeline = std::make_unique<fpt::sim::Timeline>(fpt::sim::parse_script(opt.script, opt.stage),
                                                      opt.scenario);
    h.model = std::make_unique<fpt::sim::SignalModel>(signal, *h.timeline);
    if (!codes.empty()) {
      h.emg_codes = fpt::sim::open_private(codes + ".emg");
      h.imu_codes = fpt::sim::open_private(codes + ".imu");
    }
    if (!opt.truth_path.empty()) h.truth = fpt::sim::open_private(opt.truth_path);

    elf_firmware_t fw{};
    if (elf_read_firmware(firmware.c_str(), &fw) != 0)
      throw fpt::IoError(fmt::format("cannot read firmware {}", firmware));
    h.avr = avr_make_mcu_by_name("atmega328p");
    if (h.avr == nullptr) throw fpt::IoError("simavr has no atmega328p");
    avr_init(h.avr);
    h.avr->frequency = 16000000;
    h.avr->vcc = h.avr->avcc = h.avr->aref = 5000;
    avr_load_firmware(h.avr, &fw);
    h.avr->sleep = on_sleep;  // count idle cycles; the loop below keeps real time

    std::uint32_t flags = 0;
    avr_ioctl(h.avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~(AVR_UART_FLAG_POLL_SLEEP | AVR_UART_FLAG_STDIO);
    avr_ioctl(h.avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
                            on_uart_out, &h);
    avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
                            on_xon, &h);
    avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                            on_xoff, &h);
    h.uart_in = avr_io_getirq(h.avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    for (int c = 0; c < 6; ++c)
      h.adc_in[c] = avr_io_getirq(h.avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0 + c);
    avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_OUT_TRIGGER),
                            on_adc_trigger, &h);

    h.pty = std::make_unique<fpt::sim::PseudoTerminal>(link);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::cout << "fpt-fil: " << firmware << " on an atmega328p at 16 MHz, port " << h.pty->path()
              << (fast ? " (as fast as possible)" : " (real time)") << std::endl;

    const auto wall0 = std::chrono::steady_clock::now();
    const double f = h.avr->frequency;
    int state = cpu_Running;
    std::uint64_t window_cycles = 0, window_slept = 0;
    double next_report_s = 10.0;
    while (g_stop == 0) {
      const std::uint64_t until = h.avr->cycle + 4000;  // 250 us of simulated time per pump
      while (h.avr->cycle < until) {
        state = avr_run(h.avr);
        if (state == cpu_Done || state == cpu_Crashed) break;
      }
      if (state == cpu_Done || state == cpu_Crashed) break;
      pump(h);
      for (const auto& r : h.timeline->take_new_reps())
        if (h.truth) h.truth << fpt::sim::rep_truth_json(r) << '\n' << std::flush;
      const double sim_s = static_cast<double>(h.avr->cycle) / f;
      if (duration_s > 0.0 && sim_s >= duration_s) break;
      if (sim_s >= next_report_s) {  // CPU load of the last 10 s, for long runs
        const double load = 1.0 - static_cast<double>(h.slept_cycles - window_slept) /
                                      static_cast<double>(h.avr->cycle - window_cycles);
        std::cout << fmt::format("fpt-fil: {:.0f} s, CPU load {:.1f} %", sim_s, 100.0 * load)
                  << std::endl;
        window_cycles = h.avr->cycle;
        window_slept = h.slept_cycles;
        next_report_s += 10.0;
      }
      if (!fast) {
        const auto due = wall0 + std::chrono::duration<double>(sim_s);
        if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
      }
    }
    pump(h);
    const double sim_s = static_cast<double>(h.avr->cycle) / f;
    const double load =
        1.0 - static_cast<double>(h.slept_cycles) / static_cast<double>(h.avr->cycle);
    const double usage = static_cast<double>(h.bytes_to_host) * 10.0 / (baud * sim_s);
    const double stream_cycles = static_cast<double>(h.last_set_cycle - h.stream_cycle0);
    const double stream_s = stream_cycles / f;
    const double stream_load =
        stream_cycles > 0
            ? 1.0 - static_cast<double>(h.last_set_slept - h.stream_slept0) / stream_cycles
            : 0.0;
    if (stream_s > 0)
      std::cout << fmt::format(
                       "fpt-fil: streaming {:.1f} s: CPU load {:.1f} %, UART {:.0f} bytes/s = "
                       "{:.1f} % of {} baud",
                       stream_s, 100.0 * stream_load,
                       static_cast<double>(h.last_set_bytes - h.stream_bytes0) / stream_s,
                       100.0 * static_cast<double>(h.last_set_bytes - h.stream_bytes0) * 10.0 /
                           (baud * stream_s),
                       baud)
                << std::endl;
    std::cout << fmt::format(
                     "fpt-fil: {:.1f} s simulated; CPU load {:.1f} % (idle {} of {} cycles); "
                     "UART to host {} bytes = {:.1f} % of {} baud; {} EMG and {} IMU sets "
                     "injected{}",
                     sim_s, 100.0 * load, h.slept_cycles, h.avr->cycle, h.bytes_to_host,
                     100.0 * usage, baud, h.emg_sets, h.imu_sets,
                     state == cpu_Crashed ? "; the firmware CRASHED" : "")
              << std::endl;
    return state == cpu_Crashed ? 2 : 0;
  } catch (const fpt::Error& e) {
    std::cerr << "fpt-fil: " << e.what() << std::endl;
    return 1;
  }
}
