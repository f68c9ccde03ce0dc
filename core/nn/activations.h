// Element-wise nonlinearities. Shapes pass through unchanged. Backward uses the saved output
// (sigmoid, tanh, relu) or input (leaky relu), so no extra cache is needed.
//   sigmoid     y = 1 / (1 + e^-x)          dy/dx = y (1 - y)
//   tanh        y = tanh x                  dy/dx = 1 - y^2
//   relu        y = max(0, x)               dy/dx = [x > 0]
//   leaky_relu  y = x if x > 0 else a x     dy/dx = 1 or a
#pragma once

#include "nn/layer.h"

namespace nnviz {

class Activation : public Layer {
 public:
  enum class Kind { Sigmoid, Tanh, Relu, LeakyRelu };
  Activation(Shape in, Kind kind, float alpha = 0.01f) : Layer(in), kind_(kind), alpha_(alpha) {}

  const char* type() const override;
  LayerSpec spec() const override { return act(type(), alpha_); }
  Kind kind() const { return kind_; }

  void forward(const Mat& in, Mat& out, bool training) override;
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;

 private:
  Kind kind_;
  float alpha_;
};

}  // namespace nnviz
