#include "dense.h"

#include "init.h"

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

void Dense::forward(const Mat& in, Mat& out, bool) {
  // out = W^T in (+ b broadcast over the batch)
  out.resize(W.cols(), in.cols());
  out.noalias() = W.transpose() * in;
  if (has_bias_) out.colwise() += b.col(0);
}

void Dense::backward(const Mat& in, const Mat&, const Mat& dout, Mat* din) {
  // dL/dW = in dout^T      (I x N)(N x O)
  // dL/db = sum over the batch of dout
  // dL/din = W dout        (I x O)(O x N)
  dW.noalias() = in * dout.transpose();
  if (has_bias_) db.col(0) = dout.rowwise().sum();
  if (din) {
    din->resize(W.rows(), dout.cols());
    din->noalias() = W * dout;
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
