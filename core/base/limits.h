// The sizes nnviz refuses beyond, in one place for every layer of core/: the network's builder
// (nn/), the convolution's fast paths (kernels/) and the readers of model files (io/) check them.
#pragma once

#include <cstdint>

namespace nnviz {

// Limits on what a spec may ask for, so that a mistaken or hostile one (a model file, a
// configuration) is an Error instead of an absurd allocation or an integer overflow. They are far
// above anything nnviz trains (the largest preset has under a million parameters).
constexpr int64_t kMaxLayers = 1000;
constexpr int64_t kMaxValuesPerSample = int64_t(1) << 24;  // any layer's input or output: 16M values
constexpr int64_t kMaxParams = int64_t(1) << 25;           // a network's parameters: 32M (128 MB)
constexpr int64_t kMaxConvPatches = int64_t(1) << 26;      // a convolution's patch matrix per sample
// The activation cache of one sample (the input and every layer's output, each kept once for the
// forward pass and once for its gradient): 4M values, 16 MB. A padded convolution or a long chain
// of wide layers is refused here, when the network is built, before any batch is allocated.
constexpr int64_t kMaxActivationsPerSample = int64_t(1) << 22;
// The activation cache of one batch: 64M values (256 MB, as much again for the gradients). A
// training batch beyond it is refused; evaluation splits its chunks to stay within it.
constexpr int64_t kMaxActivationsPerBatch = int64_t(1) << 26;

}  // namespace nnviz
