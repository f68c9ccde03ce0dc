// Small synthetic datasets for tests that must not depend on MNIST.
#pragma once

#include "base/rng.h"
#include "data/dataset.h"
#include "train/trainer.h"

namespace nnviz::test {

// side x side images whose class (0..3) is the brightest quadrant.
inline Dataset quadrants(int n_train, int n_test, int side = 4, uint64_t seed = 9) {
  Rng rng(seed);
  const int npix = side * side;
  auto make = [&](int n, std::vector<uint8_t>& px, std::vector<uint8_t>& y) {
    px.resize(size_t(n) * npix);
    y.resize(n);
    for (int i = 0; i < n; ++i) {
      const int c = static_cast<int>(rng.below(4));
      y[i] = static_cast<uint8_t>(c);
      for (int r = 0; r < side; ++r)
        for (int k = 0; k < side; ++k) {
          const int q = (r * 2 / side) * 2 + k * 2 / side;
          px[size_t(i) * npix + r * side + k] = static_cast<uint8_t>(rng.below(100) + (q == c ? 120 : 0));
        }
    }
  };
  std::vector<uint8_t> tr, ytr, te, yte;
  make(n_train, tr, ytr);
  make(n_test, te, yte);
  Dataset d = Dataset::from_arrays(side, side, tr, ytr, te, yte, NormMode::Standard, n_train / 5);
  d.num_classes = 4;
  return d;
}

inline TrainConfig quadrant_config(int side = 4, int hidden = 8) {
  TrainConfig c;
  c.net.input = Shape{1, side, side};
  c.net.layers = {dense(hidden), act("tanh"), dense(4)};
  c.init = InitKind::XavierUniform;
  c.opt.kind = OptKind::Sgd;
  c.opt.lr = 0.3f;
  c.batch = 16;
  c.epochs = 5;
  c.seed = 5;
  return c;
}

}  // namespace nnviz::test
