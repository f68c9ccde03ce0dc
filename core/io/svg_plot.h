// Plots as SVG: a picture of the training curves that stays sharp on a slide or in a paper. A
// figure is panels stacked top to bottom, each with its axes, ticks, grid, legend and polylines;
// the text is escaped, gaps (NaN) break a line, and a long series is thinned to at most
// kMaxSvgPoints points that keep its spikes (each stretch's lowest and highest point).
#pragma once

#include <string>
#include <vector>

namespace nnviz {

constexpr size_t kMaxSvgPoints = 4000;

struct SvgSeries {
  std::string name;    // the legend's text
  std::string colour;  // "#rrggbb" (anything else is drawn grey)
  std::vector<double> x, y;
  double width = 1.5;  // stroke width in pixels
  bool faint = false;  // drawn half transparent (the raw loss under its smoothed curve)
};

struct SvgPanel {
  std::string title, x_label;
  std::vector<SvgSeries> series;
  // The y range; when lo >= hi it is the data's own (with a small margin).
  double y_lo = 0, y_hi = 0;
  bool y_percent = false;  // ticks as percentages of [0, 1] values
};

// The figure, `width` pixels wide, each panel `panel_height` tall. Throws nothing: empty panels
// draw their axes and say "no data".
std::string svg_plot(const std::vector<SvgPanel>& panels, int width = 900, int panel_height = 320);

}  // namespace nnviz
