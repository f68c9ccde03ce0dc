// One value of a layer's output written out as it was computed, in a window of its own: a
// convolution's value (each input channel's window, the filter's weights, their products, the sum,
// the bias, the activation after it), a max pool's (the window and which input won) or a
// classifier's output (the softmax). The activations view opens it for the probe, the step-through
// for a sample of the recorded mini-batch (views/value_explanation.cpp).
#pragma once

#include <string>

#include "engine/engine.h"

namespace nnviz::gui {

struct App;

struct ValueExplanation {
  explicit ValueExplanation(const char* window_id) : id(window_id) {}
  const char* id;  // the window's ImGui id, and the prefix of its marks: "explain", "stepexplain"
  // The value clicked: layer is the spec's index, unit the value's place in the layer's output.
  int pick_layer = -1, pick_unit = -1;
  bool pick_open = false;
  // What the window showed last (the state dump): the value recomputed, and the layer's own.
  double pick_value = 0, pick_layer_value = 0;
  // The sweep: the clicked position walks across the output, `sweep_rate` positions a second.
  bool sweep = false;
  float sweep_rate = 4;
  double sweep_at = 0;
  std::string context;  // whose value it is, written at the top: "sample 3 of step 40's mini-batch ..."
};

// The window for e's value, from one sample's pass `p` (p.acts[i] one column each) and the weights
// it went through (`w`, in Network::params() order). Closing it clears e.pick_open.
void DrawValueExplanation(App& app, ValueExplanation& e, const ProbeView& p, const WeightsView* w);

// The place of layer `layer`'s tensor "weight" or "bias" in a weights snapshot; -1 when it has none.
int ParamIndex(const WeightsView* w, int layer, const char* what);

}  // namespace nnviz::gui
