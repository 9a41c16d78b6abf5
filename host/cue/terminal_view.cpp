#include "terminal_view.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace fpt::cue {
namespace {

const char* stage_name(int stage) {
  switch (stage) {
    case 1:
      return "squeeze";
    case 2:
      return "begin the lift";
    default:
      return "full lift";
  }
}

std::string spaced(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

std::string centred(const std::string& s, int width) {
  const int pad = std::max(0, width - static_cast<int>(s.size()));
  return std::string(static_cast<std::size_t>(pad / 2), ' ') + s +
         std::string(static_cast<std::size_t>(pad - pad / 2), ' ');
}

}  // namespace

std::string activity_bar(double level_uv, double rest_uv, int width) {
  double fill = 0.0;
  if (rest_uv > 0.0 && level_uv > rest_uv)
    fill = std::clamp(std::log10(level_uv / rest_uv) / 2.0, 0.0, 1.0);
  const int n = static_cast<int>(std::lround(fill * width));
  std::string bar;
  for (int i = 0; i < width; ++i) bar += i < n ? "\u2588" : "\u00b7";
  return bar;
}

std::string render_panel(const LiveState& s, int reps, int good, int streak,
                         const std::optional<session::Verdict>& last, const std::string& trend,
                         bool colour, int width) {
  const auto paint = [colour](const std::string& t, const char* code) {
    return colour ? fmt::format("\033[{}m{}\033[0m", code, t) : t;
  };
  std::string p;
  p += fmt::format("stage {} ({}) | {} | {} | rep {} | good {} | streak {} | thigh {:+.0f} deg{}\n",
                   s.stage, stage_name(s.stage), s.mode, session::to_string(s.phase), reps, good,
                   streak, std::abs(s.pitch_deg) < 0.5 ? 0.0 : s.pitch_deg,
                   s.link_up ? "" : " | BOARD LOST");
  for (int m = 0; m < session::kMuscles; ++m) {
    const auto muscle = static_cast<session::Muscle>(m);
    const std::string bar = activity_bar(s.level_uv[m], s.rest_uv[m], width - 30);
    p +=
        fmt::format("{:>9} {} {:>3} {:6.1f} uV\n", session::to_string(muscle),
                    s.active[m] ? paint(bar, "1;33") : bar, s.active[m] ? "ON" : "", s.level_uv[m]);
  }
  if (!s.ready) {
    p += "\nlie still: learning the rest level of every muscle...\n\n\n";
  } else if (!last) {
    p += fmt::format("\n{}\n\n\n", s.in_rep ? "rep in progress..." : "ready: start a rep");
  } else {
    // The verdict large: three rows on a coloured background.
    const char* code = last->good ? "1;97;42" : "1;97;41";
    const std::string word = spaced(last->good ? "GOOD" : "RESTART");
    const std::string blank(static_cast<std::size_t>(width), ' ');
    p += paint(blank, code) + "\n" + paint(centred(word, width), code) + "\n" + paint(blank, code) +
         "\n";
    p += (last->good ? std::string("glute -> hamstring -> lumbar") : last->reason) + "\n";
  }
  p += trend.empty() ? "\n" : trend + "\n";
  return p;
}

TerminalView::TerminalView(std::ostream& out, bool live, bool colour, bool quiet)
    : out_(out), live_(live && !quiet), colour_(colour), quiet_(quiet) {}

std::string TerminalView::paint(const std::string& s, const char* code) const {
  return colour_ ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
}

void TerminalView::erase_panel() {
  if (panel_lines_ > 0) out_ << fmt::format("\033[{}F\033[J", panel_lines_);
  panel_lines_ = 0;
}

void TerminalView::line(const std::string& text) {
  if (quiet_) return;
  if (live_) {
    erase_panel();
    out_ << text << '\n';
    refresh(last_live_);
  } else {
    out_ << text << '\n' << std::flush;
  }
}

void TerminalView::refresh(const LiveState& live) {
  last_live_ = live;
  if (!live_) return;
  erase_panel();
  const std::string panel =
      render_panel(live, reps_, good_, streak_, last_verdict_, trend_, colour_);
  panel_lines_ = static_cast<int>(std::count(panel.begin(), panel.end(), '\n'));
  out_ << panel << std::flush;
}

void TerminalView::on_baseline(const session::BaselineReport& b) {
  line(fmt::format("[{:8.3f} s] rest learnt on every muscle: start the reps", b.t_s));
  for (int m = 0; m < session::kMuscles; ++m)
    if (b.noisier[m])
      line(fmt::format(
          "           check the {} electrode: rest noise {:.1f} uV, {:.1f} x the calibration's "
          "({:.1f} uV)",
          session::to_string(static_cast<session::Muscle>(m)), b.rest_sd_uv[m],
          b.rest_sd_uv[m] / *b.profile_rest_sd_uv[m], *b.profile_rest_sd_uv[m]));
}

void TerminalView::on_onset(session::Muscle m, const dsp::OnsetEvent& e, double fs_hz) {
  fs_hz_ = fs_hz;
  if (e.kind != dsp::OnsetEvent::Kind::kOnset) return;
  line(fmt::format("[{:8.3f} s]   {:>9} on  (onset {:.3f} s, {:.0f} uV)",
                   static_cast<double>(e.decision_index) / fs_hz, session::to_string(m),
                   static_cast<double>(e.index) / fs_hz, e.level_uv));
}

void TerminalView::on_rep_event(const session::RepEvent& e) {
  switch (e.kind) {
    case session::RepEvent::Kind::kRepStart:
      line(fmt::format("rep {} ...", e.rep));
      break;
    case session::RepEvent::Kind::kRestartCue:
      line(paint(fmt::format("  >>> RESTART: {} before {}", session::to_string(e.offender),
                             session::to_string(e.leader)),
                 "1;31"));
      break;
    case session::RepEvent::Kind::kRepEnd:
      on_rep_end(e, session::RepProgress{});
      break;
  }
}

void TerminalView::on_rep_end(const session::RepEvent& e, const session::RepProgress& p) {
  ++reps_;
  if (e.verdict.good) ++good_;
  streak_ = p.streak;
  last_verdict_ = e.verdict;
  if (p.lumbar_rel_rest > 0.0) {
    trend_ = fmt::format("lumbar activation {:.1f}x rest", p.lumbar_rel_rest);
    if (p.lumbar_pct_mvc) trend_ += fmt::format(" ({:.0f} %MVC)", *p.lumbar_pct_mvc);
    if (p.lumbar_change_pct) {
      const double change = std::abs(*p.lumbar_change_pct) < 0.5 ? 0.0 : *p.lumbar_change_pct;
      trend_ += fmt::format(", {:+.0f} % vs the first reps{}", change,
                            change <= -5.0 ? " (less: good)" : "");
    }
  }
  const std::string what = e.verdict.good
                               ? fmt::format("rep {}: GOOD", e.rep)
                               : fmt::format("rep {}: RESTART - {}", e.rep, e.verdict.reason);
  line(paint(what, e.verdict.good ? "1;32" : "1;31") +
       fmt::format("  (thigh {:.0f} deg{}{})", e.peak_pitch_deg,
                   trend_.empty() ? "" : "; " + trend_,
                   e.verdict_changed ? "; verdict changed after the live cue" : ""));
}

void TerminalView::on_advice(const session::StageAdvice& a) {
  if (quiet_) {
    out_ << fmt::format("rep {}: {}\n", a.rep, a.text);
    return;
  }
  line(paint(fmt::format("*** {}", a.text), "1;36"));
}

void TerminalView::on_gap(std::uint64_t first_index, std::uint32_t missing, bool imu) {
  if (imu) return;  // EMG gaps matter to the athlete; IMU gaps go to the log
  line(fmt::format("[{:8.3f} s] link gap: {} EMG samples lost",
                   static_cast<double>(first_index) / fs_hz_, missing));
}

void TerminalView::on_link(bool up, std::uint64_t) {
  last_live_.link_up = up;
  line(up ? paint("board back: the session goes on", "1;32")
          : paint("BOARD LOST: check the cable; waiting for it to come back", "1;31"));
}

void TerminalView::on_summary(const session::SessionSummary& s) {
  if (live_) erase_panel();
  std::string reasons;
  for (const auto& [why, n] : s.faults) reasons += fmt::format(", {} x {}", n, why);
  out_ << fmt::format(
      "summary: {} reps, {} good, {} restarts{} ({:.0f} s; frames lost {}, EMG samples lost "
      "{})\n",
      s.reps, s.good, s.reps - s.good, reasons.empty() ? "" : ": " + reasons.substr(2),
      s.duration_s, s.frames_lost, s.emg_samples_lost);
  const auto pct = [](const session::Percentiles& p) {
    return p.n == 0 ? std::string("none")
                    : fmt::format("p50 {:.2f}, p95 {:.2f}, p99 {:.2f} ms (n {})", p.p50, p.p95,
                                  p.p99, p.n);
  };
  out_ << "latency: processing " << pct(s.processing_ms) << "; restart decision delay "
       << pct(s.decision_delay_ms) << '\n';
  if (s.lumbar_first && s.lumbar_last) {
    out_ << fmt::format("lumbar activation: {:.1f}x rest in the first reps, {:.1f}x in the last",
                        *s.lumbar_first, *s.lumbar_last);
    if (s.lumbar_change_pct) out_ << fmt::format(" ({:+.0f} %)", *s.lumbar_change_pct);
    if (s.lumbar_pct_mvc_last)
      out_ << fmt::format("; last rep {:.0f} %MVC", *s.lumbar_pct_mvc_last);
    out_ << '\n';
  }
  if (!s.orders.empty()) {
    out_ << "firing orders:";
    for (const auto& [order, n] : s.orders) out_ << fmt::format("\n  {:3} x {}", n, order);
    out_ << '\n';
    const auto lat = [](const char* what, const session::Latency& l) {
      if (l.n == 0) return std::string();
      if (l.n == 1) return fmt::format("  {}: {:+.0f} ms (n 1)\n", what, l.mean_ms);
      return fmt::format("  {}: {:+.0f} ms (SD {:.0f}, n {})\n", what, l.mean_ms, l.sd_ms, l.n);
    };
    out_ << "mean inter-onset latencies:\n"
         << lat("hamstring after glute", s.hamstring_after_glute)
         << lat("lumbar after glute", s.lumbar_after_glute)
         << lat("lumbar after hamstring", s.lumbar_after_hamstring);
  }
  out_ << std::flush;
}

}  // namespace fpt::cue
