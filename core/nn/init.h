// Weight initialisation. fan_in / fan_out count the connections into / out of one unit.
//   xavier_uniform  U(-a, a), a = sqrt(6 / (fan_in + fan_out))
//   xavier_normal   N(0, 2 / (fan_in + fan_out))
//   he              N(0, 2 / fan_in)              (for ReLU)
//   lecun           N(0, 1) / sqrt(fan_in)         (the book network's "default" initialiser)
// Biases start at zero.
#pragma once

#include "nn/layer.h"

namespace nnviz {

void init_weights(Mat& w, int fan_in, int fan_out, InitKind kind, Rng& rng);

}  // namespace nnviz
