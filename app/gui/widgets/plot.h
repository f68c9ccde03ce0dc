// A line-plot widget drawn with ImDrawList (ImPlot is not packaged for Debian 12).
//
//   PlotState st;                                   // kept by the caller between frames
//   DrawPlot("loss", st, size, series, markers, axes);
//
// The caller owns the data (pointers and counts, x ascending). Features: axes with "nice" ticks
// and labels, a legend whose entries toggle series, a hover readout of the nearest point of every
// series, zoom (mouse wheel on x; with Shift on y), pan (drag), reset (double-click or the
// context menu), follow-latest mode, an optional log-scale y axis, vertical markers with labels.
// Large series are decimated to a min/max envelope per pixel column for drawing; the data is
// never touched. Give long series a SeriesIndex and a frame costs about the same at 10 thousand
// points as at 10 million.
#pragma once

#include <imgui.h>

#include <cmath>
#include <string>
#include <vector>

namespace nnviz::gui {

// Per-block summaries (min, max, smallest positive) of a growing series, so that a plot of millions
// of points costs about one pass over the pixel columns instead of one over the points. Only whole
// blocks are summarised; update() extends the summary for points appended since the last call.
struct SeriesIndex {
  static constexpr int kBlock = 64;
  std::vector<float> lo, hi, lo_pos;
  void update(const float* y, int count);
  void clear() { lo.clear(), hi.clear(), lo_pos.clear(); }
  int blocks() const { return int(lo.size()); }
};

struct PlotSeries {
  std::string label;
  const float* x = nullptr;
  const float* y = nullptr;
  int count = 0;
  ImU32 color = IM_COL32_WHITE;
  float thickness = 1.5f;
  bool markers = false;  // draw a dot at each point (sparse series such as evaluations)
  bool* visible = nullptr;  // legend toggles it; null: always visible
  const SeriesIndex* index = nullptr;  // optional, for long series: must describe y[0..count)
};

struct PlotMarker {
  float x;
  std::string label;
};

struct PlotAxes {
  const char* x_label = "";
  const char* y_label = "";
  bool y_from_zero = false;  // auto-fit includes y = 0
  float y_fixed_max = 0;     // > 0: a share in [0, this]: auto-fit y stays in it (accuracy: 1)
  bool legend_bottom = false;  // legend in the lower right corner (curves that rise)
  // Tick labels and the hover readout show y * y_scale followed by y_unit (accuracy: 100, "%").
  float y_scale = 1;
  const char* y_unit = "";
  // > 0: auto-fit y looks only at the points past this share of the x range (0.1: all but the
  // first tenth), so a curve that climbs fast and then creeps is shown where it creeps; the start
  // runs off the bottom. The view follows as the run goes on.
  float y_fit_skip = 0;
  // A solid vertical line at this x with its label (the moment the timeline shows); NaN: none.
  double cursor_x = std::nan("");
  std::string cursor_label;
};

struct PlotRect {
  ImVec2 min, max;
};

struct PlotState {
  bool follow = true;    // auto-fit x to all data while new data arrives
  bool log_y = false;
  bool user_view = false;  // zoomed or panned: keep the view until reset
  bool legend_open = false;  // a folded legend (small plot) unfolded by the pointer
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

// Draws the plot in a region of `size` (negative components: fill the available space).
// Returns the rectangle of the plotting area (for tests and screenshots).
PlotRect DrawPlot(const char* id, PlotState& st, ImVec2 size, const std::vector<PlotSeries>& series,
                const std::vector<PlotMarker>& markers, const PlotAxes& axes);

}  // namespace nnviz::gui
