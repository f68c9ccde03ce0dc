// The loss landscape of the run: the loss along the line from the first snapshot's weights through
// the shown ones, or over a plane around them with the run's path drawn on it
// (views/loss_landscape_view.cpp).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "labs/loss_landscape.h"
#include "views/view.h"
#include "widgets/heatmap.h"
#include "widgets/plot.h"

namespace nnviz::gui {

struct App;

enum class SurfaceMode { Line, RandomPlane, PathPlane };

// One computation, on its own thread.
struct SurfaceJob {
  ~SurfaceJob();  // stops and joins the thread
  std::thread thread;
  std::atomic<bool> cancel{false}, finished{false};
  std::atomic<int> done{0};
  int total = 0;
  SurfaceMode mode = SurfaceMode::Line;
  long step = -1, first_step = -1;  // the shown weights' step, and the first snapshot's
  int samples = 0;
  // Results (read once finished).
  std::vector<double> ts;                           // line: the positions
  std::vector<SurfacePoint> train, val;             // line: losses on each split; plane: val only
  std::vector<double> xs, ys;                       // plane: the coordinates
  std::vector<std::pair<double, double>> path;      // plane of the path: each snapshot's place
  std::vector<long> path_steps;
  double explained[2] = {0, 0};
  std::string error;
};

struct LossLandscapeState : ViewState {
  int mode = 0;  // SurfaceMode
  std::shared_ptr<SurfaceJob> job;
  std::vector<std::shared_ptr<SurfaceJob>> stopping;
  // The line's curves (float copies for the plot) and the plane's picture, made when a job ends.
  const SurfaceJob* shown_job = nullptr;
  std::vector<float> t_f, train_f, val_f;
  PlotState plot;
  Heatmap field;
  double loss_lo = 0, loss_hi = 1;  // the plane's range of loss
  std::vector<std::pair<ImVec2, ImVec2>> contour;  // segments, in shares of the square (0..1)
  int hovered_cell = -1;
  std::string why;  // why the last Compute could not start

  // Frames while it computes, and until a frame has drawn its end (the thread's finishing alone
  // asks for no frame: the result would wait for the next input).
  FrameNeed needs_frames(bool open) const override {
    return open && job && (!job->finished || shown_job != job.get()) ? FrameNeed{FrameNeed::Waiting, "loss landscape"}
                                                                   : FrameNeed{};
  }
  void new_run() override;
  void poll(App& app) override;
};

void DrawLossLandscape(App& app, bool* open);
// Starts computing the chosen landscape of the shown weights (a job in progress is dropped).
bool StartLossLandscape(App& app, std::string* why = nullptr);

}  // namespace nnviz::gui
