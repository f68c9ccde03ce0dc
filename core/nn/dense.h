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

// How a thread computes its columns of the forward product W^T in (Dense::forward_kernel):
//   dot     dot products of W's columns with the samples (kernels::mul_dot)
//   packed  W transposed once a pass, then each unit's row times broadcast inputs (mul_broadcast)
//   eigen   Eigen's general product
enum class DenseKernel { dot, packed, eigen };
const char* to_string(DenseKernel k);

class Dense : public Layer {
 public:
  Dense(Shape in, int units, bool bias);

  const char* type() const override { return "dense"; }
  double work_per_sample() const override { return double(in_.size()) * out_.c; }
  LayerSpec spec() const override { return dense(out_.c, has_bias_); }

  void forward(const Mat& in, Mat& out, bool training) override;
  // The forward kernel of a layer of `inputs` x `units` weights when a thread has `columns` samples.
  static DenseKernel forward_kernel(long inputs, long units, long columns);
  DenseKernel last_kernel() const { return last_kernel_; }  // of the last forward pass
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;
  std::vector<Param> params() override;
  void initialise(InitKind kind, Rng& rng) override;

  Mat W, b;    // (I x O), (O x 1)
  Mat dW, db;  // same shapes

 private:
  bool has_bias_;
  Mat Wt_;  // W transposed, for the packed forward product
  DenseKernel last_kernel_ = DenseKernel::dot;
};

}  // namespace nnviz
