// The optimizer update of one weight, written out with the numbers of a recorded step: what the
// step-through's last stage shows. It recomputes the new value from the recorded old value,
// gradient and optimizer state with the active optimizer's formula, and keeps the value the real
// step wrote beside it, so the two can be compared (and are, in the tests).
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"
#include "kernels/conv_paths.h"

namespace nnviz {

struct UpdateExplanation {
  double before = 0;    // w before the step
  double grad = 0;      // dL/dw of the mini-batch
  double computed = 0;  // w after, recomputed here
  double actual = 0;    // w after, as the step wrote it
  std::vector<std::string> lines;  // "v' = mu v + g = 0.9 * 0.0012 + 0.0031 = 0.0042", ...
  bool matches() const;
};

// `param` indexes t.param_names, `index` the tensor's values in storage order.
UpdateExplanation explain_update(const StepTrace& t, size_t param, size_t index);

// One output value of a convolution, computed again term by term from the layer's input: the
// window of input values it sees (zeros in the padding), the kernel's weights, their products,
// their sum, the bias and the value. For the convolution-on-click view; the tests hold `value` to
// the layer's own output on every path (im2col, direct, Winograd).
struct ConvExplanation {
  ConvGeom g;
  int o = 0, y = 0, x = 0;   // the output value: filter o at row y, column x
  int top = 0, left = 0;     // the input row and column of the window's first tap (negative: padding)
  // Per tap (c, i, j) in W's order, (c*kh + i)*kw + j:
  std::vector<double> patch, kernel, products;
  std::vector<char> padded;  // 1 where the tap reads the zero padding
  double sum = 0, bias = 0, value = 0;
};
// W (C*kh*kw x O) and b (O; null for none) as Conv2D keeps them; `in` one sample per column.
// Throws Error for an output position or filter outside the geometry.
ConvExplanation explain_conv(const ConvGeom& g, const Mat& W, const Mat* b, const Mat& in, int sample, int o, int y,
                             int x);

// One output value of a max pool: the window's values (k x k, rows first) and which one won (the
// first of equal maxima, as MaxPool2D takes it).
struct PoolExplanation {
  int c = 0, y = 0, x = 0, k = 0, top = 0, left = 0;
  std::vector<double> window;
  int winner = 0;
  double value = 0;
};
PoolExplanation explain_maxpool(Shape in, int k, int stride, const Mat& input, int sample, int c, int y, int x);

// A softmax written out: each logit's exponential (after subtracting the largest, as computed),
// their sum, and each probability.
struct SoftmaxExplanation {
  std::vector<double> logits, exps, probs;
  double max = 0, sum = 0;
};
SoftmaxExplanation explain_softmax(const Mat& logits, int sample);

}  // namespace nnviz
