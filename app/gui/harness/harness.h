// The app driven by tests and measurements instead of a person: everything main.cpp's frame loop
// does only for them, behind a few calls at fixed points of the loop.
//
//   --screenshot FILE   train K mini-batches (or a comparison, a loaded model, a step-through
//                       step), wait for the views' work, draw N frames, save the last as PNG;
//                       --layout FILE writes where the plots and controls were, as JSON
//   --bench-frames N    frame times while training, drawing and not drawing (frame_bench.h)
//   --bench-heatmaps S  training speed with the inside views open and closed (bench_inside.cpp)
//   --idle-check S      the app's own CPU use while idle
//   --soak S            every view open while training: memory and frame times, early and late
//   --close-after S     train, then close the window as the close button does
//   NNVIZ_STATE_FILE    the state dump of the real-input tests (state_dump.cpp)
//   NNVIZ_CLIP_REPORT   every text ImGui cuts or draws over other text (clip_check.h)
#pragma once

#include <chrono>
#include <string>

#include "app.h"
#include "harness/frame_bench.h"
#include "options.h"

struct GLFWwindow;

namespace nnviz::gui {

using Clock = std::chrono::steady_clock;

// One frame as the loop drew it, for the measurements.
struct FrameDone {
  Clock::time_point begin, built, submitted;  // start, ImGui::Render done, draw lists handed to GL
  double t_run = 0;                           // seconds since start-up
  int fb_w = 0, fb_h = 0;                     // framebuffer pixels
  float sx = 1, sy = 1;                       // pixels per ImGui unit
  double drawn_share = 1;                     // share of the window drawn again (redraw.h)
};

class Harness {
 public:
  Harness(const Options& opt, App& app, GLFWwindow* win);

  // Before the first frame, after the app is set up: the views to open, the demo digit.
  void start();
  // At the top of every turn of the loop; false ends the loop (the idle check has its figure).
  bool loop_start(double t_run, int& status);
  // After the run's snapshots are taken. Skip: no frame this turn (the frame benchmark's phases
  // without drawing); Stop: the loop ends.
  enum class Go { Draw, Skip, Stop };
  Go before_frame(double t_run, Clock::time_point frame_begin);
  // After ImGui::Render: the state dump and, outside screenshots, the clipped-text check.
  void after_render(long frames_drawn, int& status);
  // After rendering, before the swap: screenshots, layouts, soak, close, the benchmarks' records.
  // false ends the loop.
  bool after_frame(const FrameDone& f, int& status);
  // At shut-down, before the app goes: the clipped-text report.
  void finish(int& status);

  // When --close-after closed the window (zero if it did not): main prints the time to exit.
  Clock::time_point close_requested_at() const { return close_requested_at_; }

 private:
  bool screenshot_frame(const FrameDone& f, int& status);  // false: the screenshot is written
  void write_layout(const FrameDone& f, int& status);
  bool soak_frame(const FrameDone& f);                      // false: the soak has its figures
  void write_clip_report(int& status);

  const Options& opt_;
  App& app_;
  GLFWwindow* win_;
  std::string clip_report_;  // NNVIZ_CLIP_REPORT
  Clock::time_point t_start_ = Clock::now();
  Clock::time_point close_requested_at_{};
  FrameBench bench_;
  // --screenshot
  bool steps_requested_ = false, trace_requested_ = false;
  int frames_after_ = 0;
  bool saved_ = false;  // --save-run and --save-comparison were carried out (a run's save ends a few frames later)
  bool editor_opened_ = false;  // --edit-lesson done
  bool fine_tune_ = false, fine_tune_started_ = false;  // --open my-digits: fine-tune once trained
  // --close-after
  bool close_started_ = false;
  // --idle-check
  double settled_at_ = -1, cpu0_ = 0;
  // --soak
  double t_play_ = -1, rss_early_ = 0;
  std::vector<double> early_, late_, early_big_, late_big_;
};

}  // namespace nnviz::gui
