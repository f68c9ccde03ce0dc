// Fully connected layer.
//
//   out = W^T in + b        in (I x N), W (I x O), b (O x 1), out (O x N)
//
// W is stored I x O column-major, so unit o's I incoming weights are the contiguous column
// W.col(o) (a 28x28 tile for the first layer on MNIST), and the bytes equal PyTorch's
// nn.Linear weight of shape [O, I] in row-major order.
#pragma once

#include "nn/layer.h"

namespace nnviz {

class Dense : public Layer {
 public:
  Dense(Shape in, int units, bool bias);

  const char* type() const override { return "dense"; }
  double work_per_sample() const override { return double(in_.size()) * out_.c; }
  LayerSpec spec() const override { return dense(out_.c, has_bias_); }

  void forward(const Mat& in, Mat& out, bool training) override;
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;
  std::vector<Param> params() override;
  void initialise(InitKind kind, Rng& rng) override;

  Mat W, b;    // (I x O), (O x 1)
  Mat dW, db;  // same shapes

 private:
  bool has_bias_;
};

}  // namespace nnviz
