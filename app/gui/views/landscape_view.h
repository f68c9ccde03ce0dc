// The landscape: the optimizers walking test surfaces (views/landscape_view.cpp).
#pragma once

#include <imgui.h>

#include <vector>

#include "labs/landscape.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

struct LandscapeState : ViewState {
  int surface = 0, steps = 500, shown = 0;
  bool enabled[7] = {true, true, true, true, true, true, true};
  float lr[7] = {0.001f, 0.0005f, 0.0005f, 0.5f, 0.01f, 0.05f, 0.05f};  // sgd ... adamw
  std::vector<std::vector<Point2>> paths;
  Heatmap contours;
  int contours_for = -1;
  double min_x = 0, min_y = 0, min_f = 0;  // the lowest point of the drawn grid
  double colour_top = 1;                   // log(1 + f - min) at the colour map's top
  int highlight = -1;  // the path picked by the pointer (on it or on its name): the others dim

  // The paths grow a few steps a frame.
  FrameNeed needs_frames(bool open) const override {
    return open && shown < steps ? FrameNeed{FrameNeed::Live, "landscape"} : FrameNeed{};
  }
};

void DrawLandscape(App& app, bool* open);

}  // namespace nnviz::gui
