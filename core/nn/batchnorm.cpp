#include "nn/batchnorm.h"

namespace nnviz {

namespace {

// x (C*S x N), S = H*W values per channel and sample. Read as an (S x C*N) matrix, column
// c + C*j holds channel c of sample j, so channel-wise work is column-wise work on that view.

// Sum of each channel's values over the batch: (C).
Vec channel_sum(const Mat& x, int C) {
  const Eigen::Index S = x.rows() / C, n = x.cols();
  if (S == 1) return x.rowwise().sum();
  const RowVec per_map = ConstMatMap(x.data(), S, C * n).colwise().sum();
  return ConstMatMap(per_map.data(), C, n).rowwise().sum();
}

// y = a[c] x + b[c] on channel c's values.
void channel_affine(const Mat& x, const Vec& a, const Vec& b, int C, Mat& y) {
  const Eigen::Index S = x.rows() / C, n = x.cols();
  y.resize(x.rows(), n);
  if (S == 1) {
    y = ((x.array().colwise() * a.array()).colwise() + b.array()).matrix();
    return;
  }
  const RowVec A = a.replicate(n, 1).transpose(), B = b.replicate(n, 1).transpose();
  MatMap(y.data(), S, C * n) = ((ConstMatMap(x.data(), S, C * n).array().rowwise() * A.array()).rowwise() +
                                B.array()).matrix();
}

}  // namespace

BatchNorm::BatchNorm(Shape in) : Layer(in) {
  gamma = Mat::Ones(in.c, 1);
  beta = Mat::Zero(in.c, 1);
  dgamma = Mat::Zero(in.c, 1);
  dbeta = Mat::Zero(in.c, 1);
  running_mean = Mat::Zero(in.c, 1);
  running_var = Mat::Ones(in.c, 1);
}

void BatchNorm::forward(const Mat& in, Mat& out, bool training) {
  // in, out (C*H*W x N)
  const int C = in_.c;
  const Eigen::Index M = in.cols() * in_.h * in_.w;  // values per channel
  last_training_ = training;
  Vec mean, var;
  if (training) {
    mean = channel_sum(in, C) / Scalar(M);
    channel_affine(in, Vec::Ones(C), -mean, C, xhat_);  // x - mu, normalised below
    var = channel_sum(xhat_.array().square().matrix(), C) / Scalar(M);
    // The running variance is unbiased (M / (M - 1)); a channel with a single value keeps it.
    const Scalar m = Scalar(kMomentum);
    running_mean = (Scalar(1) - m) * running_mean + m * mean;
    if (M > 1) running_var = (Scalar(1) - m) * running_var + m * var * (Scalar(M) / Scalar(M - 1));
    inv_std_ = (var.array() + Scalar(kEps)).rsqrt();
    channel_affine(xhat_, inv_std_, Vec::Zero(C), C, xhat_);
  } else {
    inv_std_ = (running_var.col(0).array() + Scalar(kEps)).rsqrt();
    channel_affine(in, inv_std_, -(running_mean.col(0).array() * inv_std_.array()).matrix(), C, xhat_);
  }
  channel_affine(xhat_, gamma.col(0), beta.col(0), C, out);
}

void BatchNorm::backward(const Mat&, const Mat&, const Mat& dout, Mat* din) {
  const int C = in_.c;
  const Eigen::Index M = dout.cols() * in_.h * in_.w;
  const Vec sum_dy = channel_sum(dout, C);
  const Vec sum_dy_xhat = channel_sum((dout.array() * xhat_.array()).matrix(), C);
  dgamma.col(0) = sum_dy_xhat;
  dbeta.col(0) = sum_dy;
  if (!din) return;
  const Vec k = (gamma.col(0).array() * inv_std_.array()).matrix();  // gamma / sqrt(var + eps)
  if (!last_training_) {
    channel_affine(dout, k, Vec::Zero(C), C, *din);
    return;
  }
  // k (dy - sum(dy) / M) + (-k sum(dy xhat) / M) xhat
  Mat part;
  channel_affine(dout, k, -(k.array() * sum_dy.array()).matrix() / Scalar(M), C, *din);
  channel_affine(xhat_, -(k.array() * sum_dy_xhat.array()).matrix() / Scalar(M), Vec::Zero(C), C, part);
  *din += part;
}

std::vector<Param> BatchNorm::params() {
  return {{"weight", &gamma, &dgamma, false, {in_.c}}, {"bias", &beta, &dbeta, false, {in_.c}}};
}

std::vector<std::pair<std::string, Mat*>> BatchNorm::buffers() {
  return {{"running_mean", &running_mean}, {"running_var", &running_var}};
}

void BatchNorm::initialise(InitKind, Rng&) {
  gamma.setOnes();
  beta.setZero();
  running_mean.setZero();
  running_var.setOnes();
}

}  // namespace nnviz
