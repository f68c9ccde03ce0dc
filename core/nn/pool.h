// Max pooling and flattening: layers without parameters that change the shape.
//
//   maxpool2d  out[c, y, x] = max over i, j < k of in[c, y*s + i, x*s + j]
//              in (C,H,W), out (C,OH,OW), OH = (H - k) / s + 1 (rounded down; no padding)
//              dL/din[c, iy, ix] = dL/dout[c, y, x] for the one pixel that was the window's
//              maximum (the first, on ties), 0 for the others
//   flatten    out = in, shape (C,H,W) -> (C*H*W,1,1). The one-column-per-sample layout already
//              stores a sample flat, so only the shape changes; it is a layer so that a spec reads
//              "conv2d -> maxpool2d -> flatten -> dense" as it does in PyTorch.
#pragma once

#include <vector>

#include "nn/layer.h"

namespace nnviz {

class MaxPool2D : public Layer {
 public:
  MaxPool2D(Shape in, int k, int stride);  // throws Error if the window does not fit the input

  const char* type() const override { return "maxpool2d"; }
  LayerSpec spec() const override { return maxpool(k_, s_); }

  void forward(const Mat& in, Mat& out, bool training) override;
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;

 private:
  bool fast() const;  // the 2x2 window with stride 2 on an input of even height and width
  int k_, s_;
  std::vector<int> argmax_;  // the general path: for output r of sample j, the winning input row at j * out_size + r
};

class Flatten : public Layer {
 public:
  explicit Flatten(Shape in) : Layer(in) { out_ = Shape{in.size(), 1, 1}; }

  const char* type() const override { return "flatten"; }
  LayerSpec spec() const override { return flatten(); }

  void forward(const Mat& in, Mat& out, bool) override { out = in; }
  void backward(const Mat&, const Mat&, const Mat& dout, Mat* din) override {
    if (din) *din = dout;
  }
};

}  // namespace nnviz
