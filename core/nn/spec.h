// Plain descriptions of networks: what a preset, the layer editor and a model file hold.
// A NetSpec is validated and turned into layers by Network; it round-trips through JSON.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/scalar.h"

namespace nnviz {

struct LayerSpec {
  // dense | sigmoid | tanh | relu | leaky_relu | conv2d | maxpool2d | flatten | dropout | batchnorm
  std::string type;
  int units = 0;        // dense: output size
  bool bias = true;     // dense, conv2d: with a bias vector
  float alpha = 0.01f;  // leaky_relu: slope for x < 0
  int filters = 0;      // conv2d: output channels
  int kernel = 0;       // conv2d: kernel side (square kernels)
  int stride = 1;       // conv2d, maxpool2d: step between windows
  int pad = 0;          // conv2d: zeros added on each side
  int dilation = 1;     // conv2d: spacing of the kernel taps (1 = contiguous)
  int pool = 2;         // maxpool2d: window side
  float rate = 0.5f;    // dropout: probability of dropping a value

  json::Value to_json() const;
  static LayerSpec from_json(const json::Value& v);
  std::string describe() const;  // "dense 100", "sigmoid", "conv2d 8 5x5 stride 2", "dropout 0.5"
};

struct NetSpec {
  Shape input{1, 28, 28};
  std::vector<LayerSpec> layers;
  std::string loss = "softmax_cross_entropy";  // | "mse"

  json::Value to_json() const;
  static NetSpec from_json(const json::Value& v);
  std::string describe() const;  // "784 -> dense 100 -> sigmoid -> dense 10"
};

// A network made for other data: its input the data's shape, its last layer (when dense) one unit a
// class. What a preset becomes on an image folder's pictures.
void fit_to_data(NetSpec& net, Shape input, int classes);

// Short builders for presets and tests.
LayerSpec dense(int units, bool bias = true);
LayerSpec act(const std::string& type, float alpha = 0.01f);
LayerSpec conv(int filters, int kernel, int stride = 1, int pad = 0, int dilation = 1, bool bias = true);
LayerSpec maxpool(int k, int stride = 0);  // stride 0: the window side (non-overlapping windows)
LayerSpec flatten();
LayerSpec dropout(float rate);
LayerSpec batchnorm();

}  // namespace nnviz
