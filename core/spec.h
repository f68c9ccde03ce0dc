// Plain descriptions of networks: what a preset, the layer editor and a model file hold.
// A NetSpec is validated and turned into layers by Network; it round-trips through JSON.
#pragma once

#include <string>
#include <vector>

#include "json.h"
#include "scalar.h"

namespace nnviz {

struct LayerSpec {
  std::string type;  // dense | sigmoid | tanh | relu | leaky_relu (conv2d, maxpool2d, ... come later)
  int units = 0;     // dense: output size
  bool bias = true;  // dense: with a bias vector
  float alpha = 0.01f;  // leaky_relu: slope for x < 0

  json::Value to_json() const;
  static LayerSpec from_json(const json::Value& v);
  std::string describe() const;  // "dense 100", "sigmoid"
};

struct NetSpec {
  Shape input{1, 28, 28};
  std::vector<LayerSpec> layers;
  std::string loss = "softmax_cross_entropy";  // | "mse"

  json::Value to_json() const;
  static NetSpec from_json(const json::Value& v);
  std::string describe() const;  // "784 -> dense 100 -> sigmoid -> dense 10"
};

// Short builders for presets and tests.
LayerSpec dense(int units, bool bias = true);
LayerSpec act(const std::string& type, float alpha = 0.01f);

}  // namespace nnviz
