#include "nn/dense.h"

#include <cstring>

#include "base/parallel.h"
#include "kernels/dense_kernels.h"
#include "nn/init.h"

namespace nnviz {

namespace {

using kernels::mul_broadcast;
using kernels::mul_dot;

// From how many columns a thread the forward product is a broadcast product over W transposed:
// the transposed copy, made once a pass, costs a few columns' products, and mul_dot loses more to
// adding up its lanes the shorter W's columns (the inputs) are. Measured on 100-3200 inputs x
// 100-256 units (docs/performance.md, "Tuning constants").
long packed_min_columns(long inputs) {
  if (inputs <= 256) return 8;
  if (inputs <= 600) return 16;
  if (inputs <= 1024) return 32;
  return 48;
}

// Rows r0..r1 of dW = in dout^T, and columns j0..j1 of din = W dout.
void weight_gradient(const Mat& in, const Mat& dout, long r0, long r1, Mat& dW) {
  // dW(i, o) = sum over n of in(i, n) dout(o, n)
  mul_broadcast(in.data() + r0, in.rows(), dout.data(), dout.rows(), 1, dW.data() + r0, dW.rows(), r1 - r0, dout.cols(),
                dout.rows());
}
void input_gradient(const Mat& W, const Mat& dout, long j0, long j1, Mat& din) {
  // din(i, n) = sum over o of W(i, o) dout(o, n)
  mul_broadcast(W.data(), W.rows(), dout.data() + j0 * dout.rows(), 1, dout.rows(), din.data() + j0 * din.rows(),
                din.rows(), W.rows(), W.cols(), j1 - j0);
}

}  // namespace

Dense::Dense(Shape in, int units, bool bias) : Layer(in), has_bias_(bias) {
  if (units <= 0) throw Error("[dense] the number of units must be positive, not " + std::to_string(units));
  if (units > kMaxValuesPerSample || int64_t(in.size()) * units > kMaxParams)
    throw Error("[dense] " + std::to_string(units) + " units on " + std::to_string(in.size()) + " inputs are " +
                std::to_string(int64_t(in.size()) * units) + " weights, more than the " + std::to_string(kMaxParams) +
                " a layer may have");
  out_ = Shape{units, 1, 1};
  W = Mat::Zero(in.size(), units);
  dW = Mat::Zero(in.size(), units);
  if (has_bias_) {
    b = Mat::Zero(units, 1);
    db = Mat::Zero(units, 1);
  }
}

// Threads get column ranges of the batch (forward, input gradient) or row ranges of dW, but only
// when each has enough multiply-adds to pay for starting them: 4M when OpenMP's threads sleep
// between regions, 1.5M when they spin (docs/performance.md, "Tuning constants").
static double dense_min_work() { return threads_sleep_between_regions() ? 4e6 : 1.5e6; }

DenseKernel Dense::forward_kernel(long inputs, long units, long columns) {
  // A layer of fewer units than a vector's lanes (a classifier's 10 outputs) would run one row at
  // a time in the broadcast product, and mul_dot spends more on adding up lanes than on its
  // products there: Eigen's product took half mul_dot's time (100 x 10, batch 16-1000). One
  // column is Eigen's matrix-vector product, faster than either kernel.
  if (units < kernels::kLanes || columns == 1) return DenseKernel::eigen;
  return columns >= packed_min_columns(inputs) ? DenseKernel::packed : DenseKernel::dot;
}

const char* to_string(DenseKernel k) {
  switch (k) {
    case DenseKernel::dot: return "dot";
    case DenseKernel::packed: return "packed";
    case DenseKernel::eigen: return "eigen";
  }
  return "?";
}

void Dense::forward(const Mat& in, Mat& out, bool) {
  // out = W^T in (+ b broadcast over the batch)
  out.resize(W.cols(), in.cols());
  const long I = W.rows(), O = W.cols();
  const int nt = batch_threads(in.cols(), double(W.size()), dense_min_work());
  const DenseKernel kernel = forward_kernel(I, O, (in.cols() + nt - 1) / nt);
  last_kernel_ = kernel;
  if (kernel == DenseKernel::packed) {
    Wt_.resize(O, I);
    kernels::transpose(W.data(), I, O, Wt_.data());
  }
  for_each_thread(nt, [&](int t) {
    const long j0 = split_begin(in.cols(), t, nt), j1 = split_begin(in.cols(), t + 1, nt);
    auto o = out.middleCols(j0, j1 - j0);
    switch (kernel) {
      case DenseKernel::packed: mul_broadcast(Wt_.data(), O, in.data() + j0 * I, 1, I, o.data(), O, O, I, j1 - j0); break;
      case DenseKernel::dot: mul_dot(W.data(), I, in.data() + j0 * I, I, o.data(), O, O, I, j1 - j0); break;
      case DenseKernel::eigen: o.noalias() = W.transpose() * in.middleCols(j0, j1 - j0); break;
    }
    if (has_bias_) o.colwise() += b.col(0);
  });
}

void Dense::backward(const Mat& in, const Mat&, const Mat& dout, Mat* din) {
  // dL/dW = in dout^T      (I x N)(N x O)   with threads: row ranges of dW (no reduction)
  // dL/db = sum over the batch of dout
  // dL/din = W dout        (I x O)(O x N)   with threads: column ranges of the batch
  const long n = dout.cols();
  const int nt = batch_threads(n, double(W.size()), dense_min_work());
  const long I = W.rows();
  for_each_thread(nt, [&](int t) { weight_gradient(in, dout, split_begin(I, t, nt), split_begin(I, t + 1, nt), dW); });
  if (has_bias_) db.col(0) = dout.rowwise().sum();
  if (din) {
    din->resize(W.rows(), n);
    for_each_thread(nt, [&](int t) { input_gradient(W, dout, split_begin(n, t, nt), split_begin(n, t + 1, nt), *din); });
  }
}

std::vector<Param> Dense::params() {
  const int o = static_cast<int>(W.cols()), i = static_cast<int>(W.rows());
  std::vector<Param> p{{"weight", &W, &dW, true, {o, i}}};
  if (has_bias_) p.push_back({"bias", &b, &db, false, {o}});
  return p;
}

void Dense::initialise(InitKind kind, Rng& rng) {
  init_weights(W, static_cast<int>(W.rows()), static_cast<int>(W.cols()), kind, rng);
  if (has_bias_) b.setZero();
}

}  // namespace nnviz
