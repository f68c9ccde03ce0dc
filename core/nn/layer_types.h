// Every layer type nnviz knows, in one table (layer_types.cpp). Everything that differs from type
// to type outside the layer's own class is an entry's field: how a spec builds the layer, which of
// a spec's settings a model file keeps, how the layer editor names it and what it adds, and the
// formulas the step-through writes out. Code elsewhere asks the table, never compares type names.
//
// Adding a layer type: its class in nn/<name>.h and nn/<name>.cpp (forward and backward side by
// side, with its gradient check in tests/test_gradcheck*.cpp), its settings in LayerSpec (spec.h)
// when it has new ones, and one entry in the table.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "nn/layer.h"
#include "nn/spec.h"

namespace nnviz {

enum class LayerKind {
  Weights,      // dense, conv2d: has trained weights
  Activation,   // elementwise nonlinearity; Compare's "activation" swaps these
  Pool,         // downsamples feature maps
  Reshape,      // changes the shape only
  Regulariser,  // dropout, batch norm
};

// What the step-through adds to a layer's forward stage beyond its formula and numbers.
enum class StepDetail {
  None,
  BatchStatistics,  // the batch's mean and variance, the layer's scale and shift, one value worked by hand
  Mask,             // which values the dropout mask kept, and the scaling of the kept ones
};

// The setting the layer editor shows beside the type, when the type has one.
struct MainSetting {
  const char* what = nullptr;    // its hover text: "units"; null when the type has none
  int LayerSpec::*whole = nullptr;   // a whole-number setting, or
  float LayerSpec::*real = nullptr;  // a real one
  float lo = 0, hi = 0;          // real: a slider over [lo, hi] when hi > lo, else a typed field
  bool stride_follows = false;   // the stride stays equal to it unless it was set apart (pools)
};

// A whole-number setting of a layer's window (a convolution's kernel, stride, padding, dilation; a
// pool's stride), which the layer editor shows on a line of its own.
struct WindowSetting {
  const char* label;  // "k"
  int LayerSpec::*value;
  int lo, hi;
  const char* what;   // its hover text: "kernel side"
};

struct LayerType {
  const char* name = "";       // the spec's and the model file's "type"
  LayerKind kind = LayerKind::Reshape;
  bool on_maps = false;        // works on feature maps: the editor adds it after the last such layer
  bool reads_flat = false;     // reads any input shape as one vector (first layer: any image shape fits)
  bool trains = false;         // has trained parameters (the layer statistics list it)
  bool can_die = false;        // its units can output 0 for every sample (layer statistics' dead units)
  const char* forward = "";    // the step-through's formula of the forward pass
  const char* backward = "";   // and of the backward pass; "" where the step-through shows it otherwise
  StepDetail detail = StepDetail::None;  // the step-through's extra for its forward stage
  MainSetting main;
  std::vector<WindowSetting> window;
  LayerSpec (*fresh)() = nullptr;  // a new layer in the editor, sized for a 28x28 input
  std::unique_ptr<Layer> (*make)(const LayerSpec& s, Shape in) = nullptr;  // throws Error on a bad setting
  void (*save)(const LayerSpec& s, json::Value& v) = nullptr;              // its settings into a model file
  std::string (*describe)(const LayerSpec& s) = nullptr;                   // "dense 100", "dropout 0.5"
};

// The table, in the order the layer editor lists the types.
const std::vector<LayerType>& layer_types();
// The entry of `name`, or null when there is no such type.
const LayerType* find_layer_type(const std::string& name);

}  // namespace nnviz
