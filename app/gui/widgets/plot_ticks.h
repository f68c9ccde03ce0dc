// The plots' axes: tick positions and labels, for DrawPlot (plot.cpp) and the views that draw axes
// of their own (the landscape).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "widgets/plot.h"

namespace nnviz::gui {

// "Nice" tick positions (1, 2, 5 x 10^k) covering [lo, hi] with about `target` ticks.
std::vector<double> NiceTicks(double lo, double hi, int target);

// A value as an axis or a tooltip shows it: six significant digits, or two and an exponent when it
// is very small or very large; `unit` follows it ("%").
void FormatValue(char* buf, size_t n, double v, const char* unit = "");

// A tick of a log axis: two significant digits at most, and a short exponent (0.32, 3.2e-4, 2e+6).
void FormatLogTick(char* buf, size_t n, double v);

// The y axis' ticks (in the axis' own units: log10 of the value on a log axis) and their labels,
// about one every 2.5 lines of text of height `fs` in a plot `h` tall. A log axis ticks whole
// decades; when it spans less than about two, also 2 and 5 times them.
std::vector<std::pair<double, std::string>> YTicks(const PlotState& st, const PlotAxes& axes, float h, float fs);

}  // namespace nnviz::gui
