#include "dense.h"

#include "init.h"
#include "parallel.h"

namespace nnviz {

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
// between regions, 1M when they spin. Measured with two threads on the 2-core build machine,
// interleaved runs, medians: with sleeping threads mlp100 at batch 32 trains at 0.6x split at 1M
// (and cnn8's first dense layer at batch 128, 7.4M a thread, and mlp100 at batch 128, 5M, gain 25%
// and 15% split at 4M instead of 8M); with spinning ones splitting at 1M instead of 4M makes
// cnn8 at batch 32 1.14x and cnn8-16 at batch 32 1.19x faster (their dense layers, 3.7M and 5.1M,
// were one thread's work), mlp100 at batch 32 1.0-1.1x and at 64 1.2x.
static double dense_min_work() { return threads_sleep_between_regions() ? 4e6 : 1e6; }

void Dense::forward(const Mat& in, Mat& out, bool) {
  // out = W^T in (+ b broadcast over the batch)
  out.resize(W.cols(), in.cols());
  const int nt = batch_threads(in.cols(), double(W.size()), dense_min_work());
  if (nt == 1) {
    out.noalias() = W.transpose() * in;
    if (has_bias_) out.colwise() += b.col(0);
    return;
  }
  for_each_thread(nt, [&](int t) {
    const long j0 = split_begin(in.cols(), t, nt), j1 = split_begin(in.cols(), t + 1, nt);
    auto o = out.middleCols(j0, j1 - j0);
    o.noalias() = W.transpose() * in.middleCols(j0, j1 - j0);
    if (has_bias_) o.colwise() += b.col(0);
  });
}

void Dense::backward(const Mat& in, const Mat&, const Mat& dout, Mat* din) {
  // dL/dW = in dout^T      (I x N)(N x O)   with threads: row ranges of dW (no reduction)
  // dL/db = sum over the batch of dout
  // dL/din = W dout        (I x O)(O x N)   with threads: column ranges of the batch
  const long n = dout.cols();
  const int nt = batch_threads(n, double(W.size()), dense_min_work());
  if (nt == 1) {
    dW.noalias() = in * dout.transpose();
  } else {
    const long I = W.rows();
    for_each_thread(nt, [&](int t) {
      const long r0 = split_begin(I, t, nt), r1 = split_begin(I, t + 1, nt);
      dW.middleRows(r0, r1 - r0).noalias() = in.middleRows(r0, r1 - r0) * dout.transpose();
    });
  }
  if (has_bias_) db.col(0) = dout.rowwise().sum();
  if (din) {
    din->resize(W.rows(), n);
    if (nt == 1) {
      din->noalias() = W * dout;
    } else {
      for_each_thread(nt, [&](int t) {
        const long j0 = split_begin(n, t, nt), j1 = split_begin(n, t + 1, nt);
        din->middleCols(j0, j1 - j0).noalias() = W * dout.middleCols(j0, j1 - j0);
      });
    }
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
