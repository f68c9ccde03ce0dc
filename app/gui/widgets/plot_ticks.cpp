// The plots' axes: where their ticks go and how their labels read.
#include "widgets/plot_ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnviz::gui {

std::vector<double> NiceTicks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || target < 1) return ticks;
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

void FormatValue(char* buf, size_t n, double v, const char* unit) {
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e6)) std::snprintf(buf, n, "%.2e%s", v, unit);
  else std::snprintf(buf, n, "%.6g%s", v, unit);
}

// A tick of a log axis: two significant digits at most, and a short exponent (0.32, 3.2e-4, 2e+6).
void FormatLogTick(char* buf, size_t n, double v) {
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) {
    char m[32];
    const int e = int(std::floor(std::log10(a) + 1e-9));
    std::snprintf(m, sizeof m, "%.2g", v / std::pow(10.0, e));
    std::snprintf(buf, n, "%se%d", m, e);
  } else {
    std::snprintf(buf, n, "%.2g", v);
  }
}

// The y axis' ticks (in the axis' own units: log10 of the value on a log axis) and their labels.
// A log axis ticks whole decades; when it spans less than about two, also 2 and 5 times them.
std::vector<std::pair<double, std::string>> YTicks(const PlotState& st, const PlotAxes& axes, float h, float fs) {
  std::vector<std::pair<double, std::string>> out;
  const int target = std::max(2, int(h / (fs * 2.5f)));
  char buf[64];
  if (!st.log_y) {
    for (double t : NiceTicks(st.y0, st.y1, target)) {
      FormatValue(buf, sizeof buf, t * axes.y_scale, axes.y_unit);
      out.emplace_back(t, buf);
    }
    return out;
  }
  if (!(st.y1 > st.y0) || !std::isfinite(st.y0) || !std::isfinite(st.y1)) return out;
  const double span = st.y1 - st.y0;
  const int every = std::max(1, int(std::ceil(span / target)));  // decades between ticks
  const bool fine = span < 2.2;
  for (int d = int(std::floor(st.y0)) - 1; d <= int(std::ceil(st.y1)); ++d) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1 && !fine) continue;
      if (m == 1 && d % every) continue;
      const double t = d + std::log10(m);
      if (t < st.y0 || t > st.y1) continue;
      FormatLogTick(buf, sizeof buf, std::pow(10.0, t));
      out.emplace_back(t, buf);
    }
  }
  return out;
}

}  // namespace nnviz::gui
