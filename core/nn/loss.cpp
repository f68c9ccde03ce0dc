#include "nn/loss.h"

#include <cmath>

namespace nnviz {

void softmax(const Mat& logits, Mat& probs) {
  probs.resize(logits.rows(), logits.cols());
  for (Eigen::Index j = 0; j < logits.cols(); ++j) {
    const Scalar m = logits.col(j).maxCoeff();
    probs.col(j) = (logits.col(j).array() - m).exp();
    probs.col(j) /= probs.col(j).sum();
  }
}

double softmax_cross_entropy(const Mat& logits, const uint8_t* labels, Mat* dlogits, Mat* probs) {
  const Eigen::Index k = logits.rows(), n = logits.cols();
  if (dlogits) dlogits->resize(k, n);
  if (probs) probs->resize(k, n);
  double total = 0;
  const Scalar inv_n = Scalar(1) / Scalar(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const Scalar* z = logits.col(j).data();
    Scalar m = z[0];
    for (Eigen::Index i = 1; i < k; ++i) m = std::max(m, z[i]);
    Scalar sum = 0;
    for (Eigen::Index i = 0; i < k; ++i) sum += std::exp(z[i] - m);
    const Scalar log_sum = std::log(sum);
    const int y = labels[j];
    total += static_cast<double>(log_sum + m - z[y]);
    if (dlogits || probs) {
      for (Eigen::Index i = 0; i < k; ++i) {
        const Scalar p = std::exp(z[i] - m - log_sum);
        if (probs) (*probs)(i, j) = p;
        if (dlogits) (*dlogits)(i, j) = (p - (i == y ? Scalar(1) : Scalar(0))) * inv_n;
      }
    }
  }
  return total / double(n);
}

double mean_squared_error(const Mat& pred, const Mat& target, Mat* dpred) {
  const Eigen::Index n = pred.cols();
  if (dpred) {
    dpred->resize(pred.rows(), n);
    dpred->noalias() = (pred - target) / Scalar(n);
  }
  return 0.5 * static_cast<double>((pred - target).squaredNorm()) / double(n);
}

Mat one_hot(const uint8_t* labels, int n, int classes) {
  Mat t = Mat::Zero(classes, n);
  for (int j = 0; j < n; ++j) t(labels[j], j) = 1;
  return t;
}

}  // namespace nnviz
