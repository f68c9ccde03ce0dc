// The weights view: any weight tensor as a heatmap (views/weights_view.cpp).
#pragma once

#include <imgui.h>


#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

struct WeightsState : ViewState {
  int param = 0;  // index into WeightsView
  int norm = 0;   // 0 per unit, 1 per layer, 2 global
  Heatmap map;
  HeatmapZoom zoom;  // the magnifier over the tiles (a big layer's are small)
  ImVec2 room{0, 0};  // the tiles' room in the last frame: their grid is laid out to fill it
  int cols = 0;       // the grid's columns in the image shown
  long step = -1;
  double updated = -1e9;
  bool dirty = true;

  void new_run() override {
    dirty = true;
    param = 0;
  }
};

void DrawWeights(App& app, bool* open);

}  // namespace nnviz::gui
