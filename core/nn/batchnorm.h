// Batch normalisation: per feature of a flat input (C,1,1), per channel of an image (C,H,W).
// A channel's M values in a batch are its values in all N samples (and all H*W pixels).
//
//   training    mu, var = mean and biased variance of the channel's M values
//               xhat = (x - mu) / sqrt(var + eps),   y = gamma xhat + beta
//               running_mean = (1 - m) running_mean + m mu
//               running_var  = (1 - m) running_var + m var M / (M - 1)    (unbiased), m = 0.1
//   evaluation  xhat = (x - running_mean) / sqrt(running_var + eps),   y = gamma xhat + beta
//
// backward, sums over the channel's M values:
//   dL/dgamma = sum dy xhat,   dL/dbeta = sum dy
//   training    dL/dx = gamma / sqrt(var + eps) (dy - sum(dy) / M - xhat sum(dy xhat) / M)
//               (mu and var depend on x too: the two sums are their share of the gradient)
//   evaluation  dL/dx = gamma / sqrt(running_var + eps) dy
//
// eps = 1e-5 and m = 0.1, as PyTorch's BatchNorm1d/2d, whose state names (weight = gamma,
// bias = beta, running_mean, running_var) the model file uses. Weight decay skips gamma and beta.
#pragma once

#include "nn/layer.h"

namespace nnviz {

class BatchNorm : public Layer {
 public:
  explicit BatchNorm(Shape in);

  const char* type() const override { return "batchnorm"; }
  bool samples_independent() const override { return false; }
  LayerSpec spec() const override { return batchnorm(); }

  void forward(const Mat& in, Mat& out, bool training) override;
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;
  std::vector<Param> params() override;
  std::vector<std::pair<std::string, Mat*>> buffers() override;
  void initialise(InitKind kind, Rng& rng) override;

  static constexpr double kEps = 1e-5, kMomentum = 0.1;

  Mat gamma, beta, dgamma, dbeta;     // (C x 1)
  Mat running_mean, running_var;      // (C x 1)

 private:
  Mat xhat_;     // the normalised input of the last forward pass, (C*H*W x N)
  Vec inv_std_;  // 1 / sqrt(var + eps) it used, (C)
  bool last_training_ = false;
};

}  // namespace nnviz
