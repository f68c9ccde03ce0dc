// The step-through: one mini-batch's forward pass, backward pass and update, stage by stage
// (views/stepthrough_view.cpp).
#pragma once

#include <imgui.h>

#include <vector>

#include "views/value_explanation.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

struct StepState : ViewState {
  long step = -1;
  int stage = 0;
  int sample = 0;
  long shown = -1;  // which stage/sample the heatmap holds
  bool use_probe = false;
  Heatmap map;
  std::vector<float> buf;
  Heatmap grad_map;  // the backward stage's dL/dW
  long grad_shown = -1;
  int grad_cols = 0;        // the tiles' columns in grad_map (they follow the room)
  int grad_param = -1;      // the tensor grad_map shows
  HeatmapZoom grad_zoom;    // its magnifier
  Heatmap batch_map;  // the whole input batch, a tile a sample
  long batch_shown = -1;
  std::vector<float> grad_buf;
  // A value of a forward stage clicked: its computation, for the sample shown.
  ValueExplanation explain{"stepexplain"};

  void new_run() override {
    step = -1;
    explain.pick_open = false;
  }
};

void DrawStepThrough(App& app, bool* open);

}  // namespace nnviz::gui
