// The activations view: one input through the network, every layer's output (views/activations_view.cpp).
#pragma once

#include <imgui.h>

#include <memory>
#include <vector>

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
  // The value clicked in a convolution's or max pool's maps: its computation is written out in a
  // window of its own (layer: the spec's index; unit: the value's place in the layer's output).
  int pick_layer = -1, pick_unit = -1;
  bool pick_open = false;
  // What the window showed last (the state dump): the value recomputed, and the layer's own.
  double pick_value = 0, pick_layer_value = 0;
  // The sweep: the clicked position walks across the output, `sweep_rate` positions a second.
  bool sweep = false;
  float sweep_rate = 4;
  double sweep_at = 0;

  void new_run() override {
    step = -1;
    maps.clear();
    pick_open = false;
  }
};

void DrawActivations(App& app, bool* open);

}  // namespace nnviz::gui
