// The playground: a 1-D function or 2-D points fitted by a small network (views/playground_view.cpp).
#pragma once

#include <imgui.h>

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "labs/expr.h"
#include "labs/playground.h"
#include "views/view.h"
#include "widgets/heatmap.h"
#include "widgets/plot.h"

namespace nnviz::gui {

struct App;

struct PlaygroundState : ViewState {
  int mode = 0;  // 0: 1-D regression, 1: 2-D classification
  std::string expr = "sin(x) + x";
  int dataset = 3;  // spiral
  std::string csv;
  std::string hidden = "32,32";
  std::string activation = "tanh";
  bool bias = true, running = true, show_units = false;
  float noise = 0.f, lr = 0.01f, test_share = 0.25f;
  int points = 400, steps_to_do = 0;
  unsigned features = kPlainFeatures;  // 2-D: the network's inputs (labs/playground.h)
  // The 2-D board: true once its points were drawn on (or cleared): a restart for another network
  // keeps them, new data replaces them. `dragging` is the point the mouse moves (-1 none).
  bool drawn = false, dragging_test = false;
  int dragging = -1;
  float last_point[2] = {0, 0};  // the point last added or moved (the state dump)
  double board_r = 1.2;           // the board shows [-r, r] in both coordinates
  uint64_t seed = 1;
  std::unique_ptr<Playground> pg;
  std::unique_ptr<Expr> target;
  std::string error;
  // A CSV file is read off the frame thread (a long one takes seconds): the points and how many
  // rows the file had. notice says when the points were sampled down.
  std::future<std::pair<Toy, long>> csv_loading;
  long csv_reads = 0;  // reads of a CSV file started (the state dump: one a request)
  std::string notice;
  std::vector<float> xs, losses, test_losses;
  PlotState plot, loss_plot;
  Heatmap surface;
  std::vector<Mat> units;
  std::vector<std::unique_ptr<Heatmap>> unit_maps;

  // It trains in its view's frames; a CSV file being read is waited for.
  FrameNeed needs_frames(bool open) const override {
    if (open && pg && (running || steps_to_do > 0)) return {FrameNeed::Live, "playground"};
    if (csv_loading.valid()) return {FrameNeed::Waiting, "playground-csv"};
    return {};
  }
};

void DrawPlayground(App& app, bool* open);

}  // namespace nnviz::gui
