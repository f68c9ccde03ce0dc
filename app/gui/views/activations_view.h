// The activations view: one input through the network, every layer's output (views/activations_view.cpp).
#pragma once

#include <imgui.h>

#include <memory>
#include <vector>

#include "views/value_explanation.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

struct ActivationsState : ViewState {
  std::vector<std::unique_ptr<Heatmap>> maps;
  std::vector<double> scales;
  std::vector<float> buf;
  ImVec2 room{0, 0};  // each map's room: the grids are laid out to fill it
  long step = -1;
  double updated = -1e9;
  // The value clicked in a convolution's or max pool's maps, or in the output: its computation in
  // a window of its own.
  ValueExplanation explain{"explain"};

  void new_run() override {
    step = -1;
    maps.clear();
    explain.pick_open = false;
  }
};

void DrawActivations(App& app, bool* open);

}  // namespace nnviz::gui
