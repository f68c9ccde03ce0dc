// Inverted dropout.
//
//   training    m = 0 with probability p, else 1 / (1 - p), drawn for every value;  out = m * in
//               dL/din = m * dL/dout
//   evaluation  out = in,  dL/din = dL/dout
//
// Scaling the kept values while training keeps every value's expectation, so evaluation needs no
// rescaling. The mask comes from the layer's own random stream, seeded from the network's
// initialisation (Network::initialise), so a seed fixes which values each step drops.
#pragma once

#include "nn/layer.h"

namespace nnviz {

class Dropout : public Layer {
 public:
  Dropout(Shape in, float rate);  // throws Error unless 0 <= rate < 1

  const char* type() const override { return "dropout"; }
  bool samples_independent() const override { return false; }
  LayerSpec spec() const override { return dropout(rate_); }
  float rate() const { return rate_; }

  void forward(const Mat& in, Mat& out, bool training) override;
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;
  void initialise(InitKind, Rng& rng) override { rng_.reseed(rng.next_u64()); }

  // While frozen, training passes reuse the last mask instead of drawing a new one (the gradient
  // check needs the same function at every evaluation); a batch of another shape still draws one.
  void freeze_mask(bool frozen) { frozen_ = frozen; }
  // The mask of the last training pass: 0 or 1 / (1 - p) per value, (in_size x N).
  const Mat& mask() const { return mask_; }

 private:
  float rate_;
  Rng rng_;
  Mat mask_;
  bool frozen_ = false;
  bool last_training_ = false;
};

}  // namespace nnviz
