// The HTML review. Every chart is inline SVG drawn here; muscles are told apart by colour and by
// marker shape (circle, triangle, square) so the report survives a black-and-white printer.
#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "report.hpp"

namespace fpt::review {
namespace {

constexpr std::array<const char*, session::kMuscles> kName = {"glute", "hamstring", "lumbar"};
constexpr std::array<const char*, session::kMuscles> kColour = {"#1b7f5f", "#d95f02", "#6a51a3"};

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  return out;
}

std::string number(std::optional<double> v, int digits = 0, const char* unit = "") {
  if (!v || !std::isfinite(*v)) return "&ndash;";
  return fmt::format("{:.{}f}{}", *v, digits, unit);
}

/// A muscle's marker: circle, triangle or square, filled (the detector's) or hollow (corrected).
std::string marker(int m, double x, double y, double r, bool hollow) {
  const char* c = kColour[static_cast<std::size_t>(m)];
  const std::string paint =
      hollow ? fmt::format("fill=\"white\" stroke=\"{}\" stroke-width=\"1.5\"", c)
             : fmt::format("fill=\"{}\"", c);
  switch (m) {
    case 0:
      return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" {}/>", x, y, r, paint);
    case 1:
      return fmt::format("<path d=\"M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z\" {}/>", x,
                         y - r * 1.1, x + r, y + r * 0.8, x - r, y + r * 0.8, paint);
    default:
      return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" {}/>",
                         x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7, paint);
  }
}

std::string legend() {
  std::string s = "<p class=\"legend\">";
  for (int m = 0; m < session::kMuscles; ++m)
    s += fmt::format("<svg width=\"14\" height=\"14\" aria-hidden=\"true\">{}</svg> {} &nbsp; ",
                     marker(m, 7, 7, 5, false), kName[static_cast<std::size_t>(m)]);
  s += "<svg width=\"14\" height=\"14\" aria-hidden=\"true\">" + marker(0, 7, 7, 5, true) +
       "</svg> the physio's correction &nbsp; <span class=\"band-key\"></span> tolerance</p>";
  return s;
}

/// A small line chart: one series of points, with its values labelled at the ends.
std::string line_chart(const std::string& cls, const std::string& title,
                       const std::vector<double>& y, const std::string& y_label,
                       const std::vector<std::string>& x_labels = {},
                       std::optional<double> fixed_hi = std::nullopt) {
  const double w = 640, h = 176, left = 48, right = 12, top = 30, bottom = 30;
  std::string s = fmt::format(
      "<svg class=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\"><text x=\"{}\" y=\"14\" class=\"ct\">{}</text>",
      cls, w, h, w, h, escape(title), left, escape(title));
  std::vector<double> finite;
  for (const double v : y)
    if (std::isfinite(v)) finite.push_back(v);
  if (finite.empty()) return s + "<text x=\"60\" y=\"80\">no data</text></svg>";
  double lo = std::min(0.0, *std::min_element(finite.begin(), finite.end()));
  double hi = *std::max_element(finite.begin(), finite.end());
  if (hi <= lo) hi = lo + 1.0;
  hi = fixed_hi ? std::max(*fixed_hi, hi) : hi * 1.15;
  const auto px = [&](std::size_t i) {
    return y.size() == 1 ? left + (w - left - right) / 2
                         : left + (w - left - right) * static_cast<double>(i) /
                                      static_cast<double>(y.size() - 1);
  };
  const auto py = [&](double v) { return top + (h - top - bottom) * (1.0 - (v - lo) / (hi - lo)); };
  s += fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"axis\"/>"
      "<line x1=\"{0}\" y1=\"{2}\" x2=\"{3}\" y2=\"{2}\" class=\"axis\"/>"
      "<text x=\"{4}\" y=\"{5:.1f}\" class=\"tick\" text-anchor=\"end\">{6:.3g}</text>"
      "<text x=\"{4}\" y=\"{2}\" class=\"tick\" text-anchor=\"end\">{7:.3g}</text>"
      "<text x=\"{0}\" y=\"{8}\" class=\"tick\">{9}</text>",
      left, top, h - bottom, w - right, left - 4, top + 4, hi, lo, h - 6, escape(y_label));
  std::string path;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) continue;
    path += fmt::format("{}{:.1f} {:.1f}", path.empty() ? "M" : "L", px(i), py(y[i]));
    s += fmt::format("<circle class=\"pt\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\"/>", px(i), py(y[i]));
    if (y.size() <= 24)  // few points: their values, readable on paper (clear of the axis)
      s += fmt::format(
          "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{:.3g}</text>",
          i == 0 ? px(i) + 5 : px(i), py(y[i]) - 6, i == 0 ? "start" : "middle", y[i]);
  }
  s += fmt::format("<path class=\"series\" d=\"{}\"/>", path);
  const std::size_t every = std::max<std::size_t>(1, x_labels.size() / 8);
  for (std::size_t i = 0; i < x_labels.size() && i < y.size(); i += every) {
    // The ends are anchored inwards so their labels stay on the page.
    const char* anchor = y.size() == 1       ? "middle"
                         : i == 0            ? "start"
                         : i + 1 == y.size() ? "end"
                                             : "middle";
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"{}\">{}</text>",
                     px(i), h - bottom + 12, anchor, escape(x_labels[i]));
  }
  return s + "</svg>";
}

std::string summary_table(const SessionReview& r) {
  const auto& s = r.summary;
  std::string faults;
  for (const auto& [why, n] : s.faults) faults += fmt::format("{} &times; {}<br>", n, escape(why));
  if (faults.empty()) faults = "none";
  const double good_pct = s.reps > 0 ? 100.0 * s.good / s.reps : 0.0;
  std::string link =
      fmt::format("{} frames lost, {} EMG samples missing", s.frames_lost, s.emg_samples_lost);
  if (r.recording_failed) link += "; <b>the recording stopped early</b>";
  return fmt::format(
      "<table class=\"summary\">"
      "<tr><th>Date</th><td>{}</td><th>Athlete</th><td>{}</td></tr>"
      "<tr><th>Stage</th><td>{}</td><th>Mode</th><td>{}</td></tr>"
      "<tr><th>Reps</th><td class=\"reps\">{}</td><th>Good</th><td class=\"good\">{} "
      "({:.0f} %)</td></tr>"
      "<tr><th>Restarts by reason</th><td>{}</td><th>Best streak</th><td>{}</td></tr>"
      "<tr><th>Cue latency p50 / p95</th><td>{} / {} ms (host)</td>"
      "<th>Decision delay p50 / p95</th><td>{} / {} ms after the onset</td></tr>"
      "<tr><th>Tolerance</th><td>{} ms</td><th>Link</th><td>{}</td></tr>"
      "<tr><th>Lumbar activation</th><td colspan=\"3\">first reps {} &times; rest, last reps {} "
      "&times; rest ({} %){}</td></tr>"
      "<tr><th>Board</th><td colspan=\"3\">{}</td></tr></table>",
      escape(r.started_utc), escape(r.athlete), r.stage, escape(r.mode), s.reps, s.good, good_pct,
      faults, s.best_streak,
      number(s.processing_ms.n ? std::optional(s.processing_ms.p50) : std::nullopt, 1),
      number(s.processing_ms.n ? std::optional(s.processing_ms.p95) : std::nullopt, 1),
      number(s.decision_delay_ms.n ? std::optional(s.decision_delay_ms.p50) : std::nullopt, 0),
      number(s.decision_delay_ms.n ? std::optional(s.decision_delay_ms.p95) : std::nullopt, 0),
      r.tolerance_ms, link, number(s.lumbar_first, 1), number(s.lumbar_last, 1),
      number(s.lumbar_change_pct, 0),
      s.lumbar_pct_mvc_last ? fmt::format("; last rep {:.0f} % MVC", *s.lumbar_pct_mvc_last) : "",
      escape(r.board));
}

/// One row per rep; each muscle's onset in ms relative to the rep's reference.
std::string onset_timeline(const SessionReview& r, bool movement) {
  if (r.reps.empty()) return "<p>No reps.</p>";
  double lo = -200, hi = 400;
  for (const auto& rep : r.reps) {
    const double ref = reference_s(rep, movement);
    for (std::size_t m = 0; m < rep.onsets.size(); ++m)
      for (const auto& t : {rep.onsets[m], rep.corrected[m]})
        if (t) {
          lo = std::min(lo, (*t - ref) * 1e3 - 40);
          hi = std::max(hi, (*t - ref) * 1e3 + 40);
        }
  }
  lo = std::max(lo, -1500.0);
  hi = std::min(hi, 2500.0);
  const double row = 20, left = 150, right = 20, top = 26;
  const double w = 720, h = top + row * static_cast<double>(r.reps.size()) + 30;
  const auto px = [&](double ms) {
    return left + (w - left - right) * (std::clamp(ms, lo, hi) - lo) / (hi - lo);
  };
  std::string s = fmt::format(
      "<svg class=\"timeline\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\" "
      "aria-label=\"onset timeline\">",
      w, h);
  // The tolerance band: an onset this much before the glute still counts as together.
  if (!movement)
    s += fmt::format(
        "<rect class=\"band\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\"/>"
        "<line class=\"zero\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/>",
        px(-r.tolerance_ms), top - 6, std::max(1.5, px(0) - px(-r.tolerance_ms)),
        row * static_cast<double>(r.reps.size()) + 6, px(0), top - 6, px(0),
        top + row * static_cast<double>(r.reps.size()));
  const double step = hi - lo > 1500 ? 500 : hi - lo > 600 ? 200 : 100;
  for (double t = std::ceil(lo / step) * step; t <= hi; t += step)
    s += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:.0f}</text>",
        px(t), top - 6, top + row * static_cast<double>(r.reps.size()), h - 14, t);
  s += fmt::format(
      "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">ms from {}</text>",
      px((lo + hi) / 2), h - 2,
      movement ? "the lift (the thigh past the lift angle; the glute's onset without one)"
               : "the glute's onset");
  for (std::size_t i = 0; i < r.reps.size(); ++i) {
    const auto& rep = r.reps[i];
    const double y = top + row * static_cast<double>(i) + row / 2;
    const bool restart = !rep.good;
    s += fmt::format("<g class=\"rep {}\" data-rep=\"{}\">", restart ? "restart" : "good", rep.rep);
    if (restart)
      s += fmt::format(
          "<rect class=\"restart-row\" x=\"0\" y=\"{:.1f}\" width=\"{}\" height=\"{}\"/>",
          y - row / 2, w, row);
    s += fmt::format("<text x=\"4\" y=\"{:.1f}\" class=\"lbl\">rep {}{}</text>", y + 4, rep.rep,
                     restart ? (rep.cued_restart ? " &#x2715; restarted" : " &#x2715; wrong order")
                             : " &#x2713;");
    const double ref = reference_s(rep, movement);
    for (int m = 0; m < session::kMuscles; ++m) {
      const auto mi = static_cast<std::size_t>(m);
      const auto& t = rep.onsets[mi];
      if (t) s += marker(m, px((*t - ref) * 1e3), y, 5, false);
      if (rep.is_corrected[mi] && rep.corrected[mi]) {
        const double x1 = px((*rep.corrected[mi] - ref) * 1e3);
        if (t)
          s += fmt::format(
              "<line class=\"moved\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" "
              "y2=\"{:.1f}\"/>",
              px((*t - ref) * 1e3), y, x1, y);
        s += "<g class=\"corrected\">" + marker(m, x1, y, 5, true) + "</g>";
      }
    }
    s += "</g>";
  }
  return s + "</svg>";
}

/// One small panel per rep: the three envelopes, onsets (solid) and decisions (dashed).
std::string rep_panel(const SessionReview& r, const RepReview& rep) {
  // The firing order happens in the first few hundred ms: the panel zooms in on it.
  double first = reference_s(rep);
  for (const auto& t : rep.onsets)
    if (t) first = std::min(first, *t);
  const double t0 = first - 0.3;
  const double t1 = t0 + 1.5;
  const double w = 230, h = 120, top = 18, bottom = 14;
  std::array<std::vector<float>, session::kMuscles> env;
  float peak = 1.0f;
  for (int m = 0; m < session::kMuscles; ++m) {
    env[static_cast<std::size_t>(m)] = r.envelopes.slice(m, t0, t1);
    for (const float v : env[static_cast<std::size_t>(m)]) peak = std::max(peak, v);
  }
  const auto px = [&](double t) { return w * (t - t0) / (t1 - t0); };
  const auto py = [&](double v) { return top + (h - top - bottom) * (1.0 - v / (peak * 1.05)); };
  std::string verdict = rep.good ? "good" : "restart: " + rep.reason;
  std::string s = fmt::format(
      "<figure class=\"panel {}\" data-rep=\"{}\"><svg viewBox=\"0 0 {} {}\" width=\"{}\" "
      "height=\"{}\" role=\"img\" aria-label=\"rep {} envelopes\">",
      rep.good ? "good" : "restart", rep.rep, w, h, w, h, rep.rep);
  for (int m = 0; m < session::kMuscles; ++m) {
    const auto& v = env[static_cast<std::size_t>(m)];
    if (v.empty()) continue;
    std::string path;
    const double start = std::max(t0, r.envelopes.time_of(0));
    for (std::size_t k = 0; k < v.size(); ++k)
      path += fmt::format("{}{:.1f} {:.1f}", k ? "L" : "M",
                          px(start + static_cast<double>(k) / r.envelopes.rate_hz), py(v[k]));
    s += fmt::format("<path class=\"env\" stroke=\"{}\" d=\"{}\"/>",
                     kColour[static_cast<std::size_t>(m)], path);
  }
  for (int m = 0; m < session::kMuscles; ++m) {
    const auto mi = static_cast<std::size_t>(m);
    const char* c = kColour[mi];
    if (rep.onsets[mi])
      s += fmt::format(
          "<line class=\"onset\" stroke=\"{0}\" x1=\"{1:.1f}\" y1=\"{2}\" x2=\"{1:.1f}\" "
          "y2=\"{3}\"/>{4}",
          c, px(*rep.onsets[mi]), top, h - bottom,
          marker(m, px(*rep.onsets[mi]), top - 5, 4, false));
    if (rep.decisions[mi])
      s += fmt::format(
          "<line class=\"decision\" stroke=\"{0}\" x1=\"{1:.1f}\" y1=\"{2}\" "
          "x2=\"{1:.1f}\" y2=\"{3}\"/>",
          c, px(*rep.decisions[mi]), top, h - bottom);
    if (rep.is_corrected[mi] && rep.corrected[mi])
      s += "<g class=\"corrected\">" + marker(m, px(*rep.corrected[mi]), h - bottom + 5, 4, true) +
           "</g>";
  }
  if (rep.cue_t)
    s += fmt::format(
        "<path class=\"cue\" d=\"M{0:.1f} {1}l-4 -7h8z\"/><text class=\"tick cue-label\" "
        "x=\"{2:.1f}\" y=\"{1}\">cue</text>",
        px(*rep.cue_t), h - 2, px(*rep.cue_t) + 6);
  s += fmt::format(
      "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.0f} &micro;V</text>"
      "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">1.5 s</text>",
      w - 2, top + 8, peak, w - 2, h - 2);
  s += "</svg><figcaption>";
  s += fmt::format("<b>rep {}</b> &middot; {}", rep.rep, escape(verdict));
  if (rep.corrected_verdict)
    s += fmt::format("<br><i>with the correction: {}</i>",
                     rep.corrected_verdict->good ? "good" : escape(rep.corrected_verdict->reason));
  return s + "</figcaption></figure>";
}

std::string corrections_table(const SessionReview& r) {
  if (r.corrections.empty()) return "";
  std::string s =
      "<h3>The physio's corrections</h3><table class=\"corrections\"><tr><th>Rep</th><th>Muscle"
      "</th><th>Detected onset</th><th>Corrected onset</th><th>Verdict then</th><th>Note</th>"
      "<th>When</th></tr>";
  for (const auto& c : r.corrections) {
    std::optional<double> detected;
    std::string verdict = "&ndash;";
    for (const auto& rep : r.reps)
      if (rep.rep == c.rep) {
        for (int m = 0; m < session::kMuscles; ++m)
          if (c.muscle == kName[static_cast<std::size_t>(m)])
            detected = rep.onsets[static_cast<std::size_t>(m)];
        if (rep.corrected_verdict)
          verdict = rep.corrected_verdict->good ? "good" : escape(rep.corrected_verdict->reason);
      }
    s += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{} s</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        c.rep, escape(c.muscle), number(detected, 3),
        std::isfinite(c.onset_s) ? fmt::format("{:.3f} s", c.onset_s) : "silent", verdict,
        escape(c.note), escape(c.created_utc));
  }
  return s + "</table>";
}

std::string assessment(const SessionReview& r) {
  const auto& s = r.summary;
  std::string out = "<h3>Firing orders</h3><svg class=\"orders\" viewBox=\"0 0 640 ";
  const double row = 20;
  out += fmt::format("{0}\" width=\"640\" height=\"{0}\">",
                     row * static_cast<double>(s.orders.size()) + 8);
  int most = 1;
  for (const auto& [o, n] : s.orders) most = std::max(most, n);
  double y = 4;
  for (const auto& [o, n] : s.orders) {
    out += fmt::format(
        "<text class=\"lbl\" x=\"0\" y=\"{:.0f}\">{}</text><rect class=\"bar\" x=\"260\" "
        "y=\"{:.0f}\" width=\"{:.1f}\" height=\"14\"/><text class=\"tick\" x=\"{:.1f}\" "
        "y=\"{:.0f}\">{} ({:.0f} %)</text>",
        y + 12, escape(o), y, 300.0 * n / most, 266 + 300.0 * n / most, y + 12, n,
        s.reps ? 100.0 * n / s.reps : 0.0);
    y += row;
  }
  out +=
      "</svg><table class=\"latency\"><tr><th>Inter-onset latency</th><th>reps</th><th>mean</th>"
      "<th>SD</th></tr>";
  const auto row_of = [&](const char* what, const session::Latency& l) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", what, l.n,
                       l.n ? fmt::format("{:.0f} ms", l.mean_ms) : "&ndash;",
                       l.n > 1 ? fmt::format("{:.0f} ms", l.sd_ms) : "&ndash;");
  };
  row_of("hamstring after glute", s.hamstring_after_glute);
  row_of("lumbar after glute", s.lumbar_after_glute);
  row_of("lumbar after hamstring", s.lumbar_after_hamstring);
  return out + "</table>";
}

std::string session_section(const ReportInput& in, const SessionReview& r) {
  std::string s =
      fmt::format("<section class=\"session\" id=\"s-{0}\"><h2>Session {0}</h2>", escape(r.id));
  s += summary_table(r);
  s += "<h3>Onset timeline</h3>" + legend() + onset_timeline(r, in.relative_to_movement);
  std::vector<double> lumbar;
  std::vector<std::string> labels;
  bool mvc = !r.reps.empty();
  for (const auto& rep : r.reps) mvc = mvc && rep.lumbar_pct_mvc.has_value();
  for (const auto& rep : r.reps) {
    lumbar.push_back(mvc ? *rep.lumbar_pct_mvc : rep.lumbar_rel_rest);
    labels.push_back(std::to_string(rep.rep));
  }
  s += "<h3>Lumbar activation per rep</h3>" +
       line_chart("lumbar-trend", "lumbar activation per rep (lower is the goal)", lumbar,
                  mvc ? "% MVC" : "x rest noise", labels);
  if (r.mode == "assess" || !r.summary.orders.empty()) s += assessment(r);
  s += corrections_table(r);
  s += "<h3>Every rep</h3><p class=\"note\">Envelopes (moving RMS) of glute, hamstring and "
       "lumbar; solid lines: onsets, dashed: when each was decided live, red triangle: the restart "
       "cue. Each panel shows 1.5 s from just before the first onset.</p><div class=\"panels\">";
  int shown = 0;
  for (const auto& rep : r.reps) {
    if (shown++ >= in.max_rep_panels) break;
    s += rep_panel(r, rep);
  }
  s += "</div>";
  if (static_cast<int>(r.reps.size()) > in.max_rep_panels)
    s += fmt::format(
        "<p class=\"note\">The first {} of {} reps are drawn; the CSV export has "
        "every rep.</p>",
        in.max_rep_panels, r.reps.size());
  return s + "</section>";
}

std::string trends(const ReportInput& in) {
  std::vector<double> good, lumbar, stage;
  std::vector<std::string> labels;
  if (!in.history.empty()) {
    for (const auto& [s, reps] : in.history) {
      good.push_back(s.reps ? 100.0 * s.good / s.reps : std::nan(""));
      double sum = 0;
      for (const auto& r : reps) sum += r.lumbar_rel_rest;
      lumbar.push_back(reps.empty() ? std::nan("") : sum / static_cast<double>(reps.size()));
      stage.push_back(s.stage);
      labels.push_back(s.started_utc.substr(0, 10));
    }
  } else {
    for (const auto& r : in.sessions) {
      good.push_back(r.summary.reps ? 100.0 * r.summary.good / r.summary.reps : std::nan(""));
      double sum = 0;
      for (const auto& rep : r.reps) sum += rep.lumbar_rel_rest;
      lumbar.push_back(r.reps.empty() ? std::nan("") : sum / static_cast<double>(r.reps.size()));
      stage.push_back(r.stage);
      labels.push_back(r.started_utc.substr(0, 10));
    }
  }
  if (good.size() < 2) return "";
  return "<section class=\"trends\"><h2>Across sessions</h2>" +
         line_chart("trend-good", "good reps per session", good, "% good", labels, 100.0) +
         line_chart("trend-lumbar",
                    "mean lumbar activation per session (until the back "
                    "activates less)",
                    lumbar, "x rest noise", labels) +
         line_chart("trend-stage", "stage", stage, "stage", labels, 3.0) + "</section>";
}

constexpr const char* kStyle = R"css(
body{font:14px/1.4 system-ui,sans-serif;color:#222;margin:24px;max-width:1000px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #ccc;margin-top:28px}
h3{font-size:15px;margin:18px 0 6px}.meta,.note{color:#555;font-size:12px}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4;font-weight:600}
svg text{font-family:system-ui,sans-serif}.ct{font-size:12px;font-weight:600}
.tick{font-size:10px;fill:#555}.lbl{font-size:11px}.axis{stroke:#888}.grid{stroke:#eee}
.zero{stroke:#1b7f5f;stroke-dasharray:3 2}.band{fill:#1b7f5f;opacity:.12}
.band-key{display:inline-block;width:18px;height:10px;background:#1b7f5f;opacity:.2}
.restart-row{fill:#d7301f;opacity:.09}.moved{stroke:#999;stroke-dasharray:2 2}
.series{fill:none;stroke:#333;stroke-width:1.5}.pt{fill:#333}.bar{fill:#6a51a3}
.cue{fill:#d7301f}.env{fill:none;stroke-width:1.2}.onset{stroke-width:1}.decision{stroke-width:1;stroke-dasharray:3 2}
.panels{display:flex;flex-wrap:wrap;gap:8px}.panel{margin:0;border:1px solid #ddd;padding:4px;
width:232px;break-inside:avoid}.panel.restart{border-color:#d7301f}
figcaption{font-size:11px}.legend{font-size:12px;margin:2px 0}
@media print{body{margin:0;max-width:none}section{break-before:page}
.trends,section:first-of-type{break-before:auto}.panel{break-inside:avoid}}
)css";

}  // namespace

double reference_s(const RepReview& r, bool movement) {
  if (movement && r.lift_t) return *r.lift_t;
  if (r.onsets[0]) return *r.onsets[0];
  double first = r.start_t;
  for (const auto& t : r.onsets)
    if (t) first = std::min(first, *t);
  return first;
}

void write_html_report(const ReportInput& in, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width\">"
      << "<title>" << escape(in.title) << "</title><style>" << kStyle << "</style></head><body>"
      << "<header><h1>" << escape(in.title) << "</h1><p class=\"meta\">Generated "
      << escape(in.generated_utc)
      << " by fpt. Target firing order: glute &rarr; hamstring &rarr; lower back. "
      << in.sessions.size() << " session" << (in.sessions.size() == 1 ? "" : "s")
      << ".</p></header>\n";
  out << trends(in) << "\n";
  for (const auto& r : in.sessions) out << session_section(in, r) << "\n";
  out << "</body></html>\n";
}

}  // namespace fpt::review
