#include "io/svg_plot.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace nnviz {

namespace {

std::string Escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters have no place in XML 1.0 text.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

// A colour as "#rrggbb", or grey for anything else (the text goes into an attribute).
std::string Colour(const std::string& c) {
  if (c.size() != 7 || c[0] != '#') return "#808080";
  for (size_t i = 1; i < 7; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(c[i]))) return "#808080";
  return c;
}

std::string Num(double v, const char* fmt = "%.1f") {
  char buf[40];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// Ticks at 1, 2 or 5 times a power of ten, about `want` of them across [lo, hi].
std::vector<double> Ticks(double lo, double hi, int want) {
  std::vector<double> t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  const double raw = (hi - lo) / want, p = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / p < 1.5 ? p : raw / p < 3.5 ? 2 * p : raw / p < 7.5 ? 5 * p : 10 * p;
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9 && t.size() < 50; v += step)
    t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return t;
}

// The places of the points kept: all of a short series; of a long one, each stretch's lowest and
// highest point (spikes stay) and its first gap (a break stays a break).
std::vector<size_t> Thinned(const SvgSeries& s) {
  const size_t n = std::min(s.x.size(), s.y.size());
  std::vector<size_t> keep;
  if (n <= kMaxSvgPoints) {
    for (size_t i = 0; i < n; ++i) keep.push_back(i);
    return keep;
  }
  const size_t per = (n + kMaxSvgPoints / 2 - 1) / (kMaxSvgPoints / 2);
  for (size_t a = 0; a < n; a += per) {
    const size_t b = std::min(n, a + per);
    size_t lo = n, hi = n, gap = n;
    for (size_t i = a; i < b; ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        if (gap == n) gap = i;
        continue;
      }
      if (lo == n || s.y[i] < s.y[lo]) lo = i;
      if (hi == n || s.y[i] > s.y[hi]) hi = i;
    }
    for (size_t i : {lo, hi, gap})
      if (i != n) keep.push_back(i);
  }
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  return keep;
}

void Panel(std::string& out, const SvgPanel& p, int index, double top, double width, double height) {
  // The plot area inside the panel: room for the title above, tick labels left and below.
  const double left = 64, right = width - 16, y0 = top + 30, y1 = top + height - 44;
  double x_lo = HUGE_VAL, x_hi = -HUGE_VAL, y_lo = HUGE_VAL, y_hi = -HUGE_VAL;
  for (const SvgSeries& s : p.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]), y_hi = std::max(y_hi, s.y[i]);
    }
  const bool empty = !(x_lo <= x_hi);
  if (empty) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  if (x_hi == x_lo) x_hi = x_lo + 1;
  if (p.y_lo < p.y_hi) {
    y_lo = p.y_lo, y_hi = p.y_hi;
  } else {
    const double margin = y_hi > y_lo ? (y_hi - y_lo) * 0.05 : 0.5;
    y_lo -= margin, y_hi += margin;
  }
  auto px = [&](double x) { return left + (x - x_lo) / (x_hi - x_lo) * (right - left); };
  auto py = [&](double y) { return y1 - (y - y_lo) / (y_hi - y_lo) * (y1 - y0); };

  out += "<g class=\"panel\">\n";
  out += "<text x=\"" + Num(left) + "\" y=\"" + Num(top + 18) + "\" font-size=\"14\" font-weight=\"bold\">" +
         Escaped(p.title) + "</text>\n";
  out += "<rect x=\"" + Num(left) + "\" y=\"" + Num(y0) + "\" width=\"" + Num(right - left) + "\" height=\"" +
         Num(y1 - y0) + "\" fill=\"#ffffff\" stroke=\"#888888\"/>\n";
  for (double t : Ticks(y_lo, y_hi, 6)) {
    const double y = py(t);
    out += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(right) + "\" y2=\"" + Num(y) +
           "\" stroke=\"#e4e4e4\"/>\n";
    out += "<text x=\"" + Num(left - 6) + "\" y=\"" + Num(y + 4) + "\" text-anchor=\"end\">" +
           (p.y_percent ? Num(t * 100, "%.4g") + "%" : Num(t, "%.4g")) + "</text>\n";
  }
  for (double t : Ticks(x_lo, x_hi, 8)) {
    const double x = px(t);
    out += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(y0) + "\" x2=\"" + Num(x) + "\" y2=\"" + Num(y1) +
           "\" stroke=\"#e4e4e4\"/>\n";
    out += "<text x=\"" + Num(x) + "\" y=\"" + Num(y1 + 16) + "\" text-anchor=\"middle\">" + Num(t, "%.6g") + "</text>\n";
  }
  out += "<text x=\"" + Num((left + right) / 2) + "\" y=\"" + Num(y1 + 34) + "\" text-anchor=\"middle\">" +
         Escaped(p.x_label) + "</text>\n";
  if (empty)
    out += "<text x=\"" + Num((left + right) / 2) + "\" y=\"" + Num((y0 + y1) / 2) +
           "\" text-anchor=\"middle\" fill=\"#888888\">no data</text>\n";
  // The lines, clipped to the plot area (a fixed y range may cut a spike).
  const std::string clip = "plot" + std::to_string(index);
  out += "<clipPath id=\"" + clip + "\"><rect x=\"" + Num(left) + "\" y=\"" + Num(y0) + "\" width=\"" +
         Num(right - left) + "\" height=\"" + Num(y1 - y0) + "\"/></clipPath>\n";
  out += "<g clip-path=\"url(#" + clip + ")\" fill=\"none\" stroke-linejoin=\"round\">\n";
  for (const SvgSeries& s : p.series) {
    std::string points;
    auto flush = [&] {
      if (!points.empty())
        out += "<polyline stroke=\"" + Colour(s.colour) + "\" stroke-width=\"" + Num(s.width) + "\"" +
               (s.faint ? " stroke-opacity=\"0.45\"" : "") + " points=\"" + points + "\"/>\n";
      points.clear();
    };
    for (size_t i : Thinned(s)) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        flush();  // a gap breaks the line
        continue;
      }
      points += (points.empty() ? "" : " ") + Num(px(s.x[i])) + "," + Num(py(s.y[i]));
    }
    flush();
  }
  out += "</g>\n";
  // The legend, top right inside the plot area, on a box as wide as its longest name (7 px a
  // character at 12 px is generous for the usual sans fonts).
  size_t longest = 0;
  for (const SvgSeries& s : p.series) longest = std::max(longest, s.name.size());
  if (!p.series.empty()) {
    const double box_w = 34 + 7.0 * double(std::min<size_t>(longest, 60)), box_x = right - 8 - box_w;
    out += "<rect x=\"" + Num(box_x) + "\" y=\"" + Num(y0 + 6) + "\" width=\"" + Num(box_w) + "\" height=\"" +
           Num(16.0 * double(p.series.size()) + 6) + "\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#d0d0d0\"/>\n";
    double ly = y0 + 22;
    for (const SvgSeries& s : p.series) {
      out += "<line x1=\"" + Num(box_x + 6) + "\" y1=\"" + Num(ly - 4) + "\" x2=\"" + Num(box_x + 24) + "\" y2=\"" +
             Num(ly - 4) + "\" stroke=\"" + Colour(s.colour) + "\" stroke-width=\"3\"/>\n";
      out += "<text x=\"" + Num(box_x + 30) + "\" y=\"" + Num(ly) + "\">" + Escaped(s.name) + "</text>\n";
      ly += 16;
    }
  }
  out += "</g>\n";
}

}  // namespace

std::string svg_plot(const std::vector<SvgPanel>& panels, int width, int panel_height) {
  width = std::clamp(width, 200, 10000);
  panel_height = std::clamp(panel_height, 120, 10000);
  const int height = panel_height * int(std::max<size_t>(1, panels.size()));
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"#202020\">\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>\n";
  for (size_t i = 0; i < panels.size(); ++i)
    Panel(out, panels[i], int(i), double(i) * panel_height, width, panel_height);
  out += "</svg>\n";
  return out;
}

}  // namespace nnviz
