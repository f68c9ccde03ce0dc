// nnviz --bench-frames N: frame times while a run trains, and the training speed with the window
// drawing against not drawing. Printed as one JSON line.
#pragma once

#include <algorithm>
#include <cstdio>
#include <vector>

namespace nnviz::gui {

// --bench-frames N: the app as a user runs it (at most 60 frames a second) while its run trains,
// in alternating phases of drawing and of not drawing (as if the window were minimised), so that
// training speed with and without the window is compared within one process. Frame time counts
// from the start of a frame to the end of its rendering (glFinish), not the pacing sleep.
struct FrameBench {
  static constexpr double kWarmup = 1.5, kPhase = 2.5;
  bool started = false, drawing = true;
  double phase_start = -1;
  long phase_step = 0;
  int phases = 0;
  int computations = 0;  // loss landscapes started (the view open: frames measured while they compute)
  std::vector<double> frame_ms, rate_drawing, rate_quiet;
  // Where a frame's time goes: building the UI (ImGui, up to Render), handing the draw lists to
  // GL, and waiting for the rasteriser (glFinish); and how many vertices it drew.
  std::vector<double> build_ms, submit_ms, raster_ms, vertices, drawn;  // drawn: share of the pixels

  // Ends a phase when due; true when the benchmark has all it needs.
  bool tick(double now, long step, int batch, int frames_wanted) {
    if (phase_start < 0) {
      phase_start = now + kWarmup;  // the first phase starts after a warm-up
      phase_step = -1;
      return false;
    }
    if (now < phase_start) {
      frame_ms.clear();
      build_ms.clear();
      submit_ms.clear();
      raster_ms.clear();
      vertices.clear();
      drawn.clear();
      return false;
    }
    if (phase_step < 0) phase_step = step;
    if (now - phase_start < kPhase) return false;
    const double rate = double(step - phase_step) * batch / (now - phase_start);
    (drawing ? rate_drawing : rate_quiet).push_back(rate);
    ++phases;
    drawing = !drawing;
    phase_start = now;
    phase_step = step;
    return int(frame_ms.size()) >= frames_wanted && rate_quiet.size() >= 3 && rate_drawing.size() >= 3 &&
           rate_drawing.size() == rate_quiet.size();
  }
  static double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(double(v.size()) * q))];
  }
  void print(long steps) const {
    // The frames that drew at least a third of the window again (under a software rasteriser the
    // others draw only what changed: the status bar, the timeline).
    std::vector<double> big, big_raster;
    for (size_t i = 0; i < frame_ms.size() && i < drawn.size(); ++i)
      if (drawn[i] >= 1 / 3.0) big.push_back(frame_ms[i]), big_raster.push_back(raster_ms[i]);
    const double with = quantile(rate_drawing, 0.5), without = quantile(rate_quiet, 0.5);
    std::printf("{\"bench\":\"frames\",\"frames\":%zu,\"median_ms\":%.2f,\"p95_ms\":%.2f,\"max_ms\":%.2f,"
                "\"samples_per_s_drawing\":%.0f,\"samples_per_s_not_drawing\":%.0f,\"ratio\":%.3f,"
                "\"build_ms\":[%.2f,%.2f],\"submit_ms\":[%.2f,%.2f],\"raster_ms\":[%.2f,%.2f],\"vertices\":%.0f,\"drawn_share\":%.2f,"
                "\"big_frames\":%zu,\"big_median_ms\":%.2f,\"big_p95_ms\":%.2f,\"big_raster_ms\":%.2f,"
                "\"phases\":%d,\"steps\":%ld,\"landscapes\":%d}\n",
                frame_ms.size(), quantile(frame_ms, 0.5), quantile(frame_ms, 0.95), quantile(frame_ms, 1.0), with,
                without, without > 0 ? with / without : 0.0, quantile(build_ms, 0.5), quantile(build_ms, 0.95),
                quantile(submit_ms, 0.5), quantile(submit_ms, 0.95), quantile(raster_ms, 0.5),
                quantile(raster_ms, 0.95), quantile(vertices, 0.5), quantile(drawn, 0.5), big.size(),
                quantile(big, 0.5), quantile(big, 0.95), quantile(big_raster, 0.5), phases, steps, computations);
  }
};

}  // namespace nnviz::gui
