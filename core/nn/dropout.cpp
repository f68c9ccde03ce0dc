#include "nn/dropout.h"

#include <cstdio>

namespace nnviz {

Dropout::Dropout(Shape in, float rate) : Layer(in), rate_(rate) {
  if (!(rate >= 0.f && rate < 1.f)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "[dropout] the drop probability must be in [0, 1), not %g", double(rate));
    throw Error(buf);
  }
}

void Dropout::forward(const Mat& in, Mat& out, bool training) {
  // in, out (D x N)
  last_training_ = training && rate_ > 0.f;
  if (!last_training_) {
    out = in;
    return;
  }
  if (!frozen_ || mask_.rows() != in.rows() || mask_.cols() != in.cols()) {
    const Scalar keep_scale = Scalar(1) / (Scalar(1) - Scalar(rate_));
    const double p = rate_;
    mask_.resize(in.rows(), in.cols());
    Scalar* m = mask_.data();
    for (Eigen::Index i = 0; i < mask_.size(); ++i) m[i] = rng_.uniform() < p ? Scalar(0) : keep_scale;
  }
  out = (in.array() * mask_.array()).matrix();
}

void Dropout::backward(const Mat&, const Mat&, const Mat& dout, Mat* din) {
  // dL/din = m * dL/dout (the identity after an evaluation pass)
  if (!din) return;
  if (last_training_) *din = (dout.array() * mask_.array()).matrix();
  else *din = dout;
}

}  // namespace nnviz
