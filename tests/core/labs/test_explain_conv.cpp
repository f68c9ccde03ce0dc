// The convolution on click: one output value computed again term by term from the layer's input
// and weights equals the layer's own output at every position, on every path the layer can take
// (im2col, direct, Winograd); the max pool's winner is its output; the softmax written out is the
// network's.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "labs/explain.h"
#include "nn/conv.h"
#include "nn/loss.h"
#include "nn/pool.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {

Mat RandomInput(int rows, int n, uint64_t seed) {
  Rng rng(seed);
  Mat x(rows, n);
  for (int64_t i = 0; i < x.size(); ++i) x.data()[i] = Scalar(rng.uniform() * 2 - 1);
  return x;
}

// Every output value of `layer` (forced onto `path`) against its explanation; the worst relative
// difference.
double WorstDifference(Conv2D& layer, ConvPath path, const Mat& in) {
  layer.set_path(path);
  Mat out;
  layer.forward(in, out, false);
  const ConvGeom& g = layer.geometry();
  double worst = 0;
  for (int n = 0; n < in.cols(); ++n)
    for (int o = 0; o < g.o; ++o)
      for (int y = 0; y < g.oh; ++y)
        for (int x = 0; x < g.ow; ++x) {
          const ConvExplanation e = explain_conv(g, layer.W, &layer.b, in, n, o, y, x);
          double sum = 0;
          for (double p : e.products) sum += p;
          REQUIRE(sum == doctest::Approx(e.sum));
          REQUIRE(e.value == doctest::Approx(e.sum + e.bias));
          const double v = double(out((int64_t(o) * g.oh + y) * g.ow + x, n));
          worst = std::max(worst, std::fabs(e.value - v) / (1 + std::fabs(v)));
        }
  return worst;
}

}  // namespace

TEST_CASE("conv explained: each value equals the layer's output on the im2col, direct and Winograd paths") {
  struct Case {
    const char* name;
    Shape in;
    int filters, k, stride, pad, dil;
    ConvPath path;
    double tolerance;
  };
  const Case cases[] = {
      {"im2col, stride 2, padded, dilated", {3, 11, 11}, 4, 3, 2, 2, 2, ConvPath::Im2col, 1e-5},
      {"direct, 5x5, padded", {2, 12, 12}, 5, 5, 1, 2, 1, ConvPath::Direct, 1e-5},
      {"direct, dilated", {2, 12, 12}, 3, 3, 1, 1, 2, ConvPath::Direct, 1e-5},
      {"Winograd, 3x3", {8, 12, 12}, 6, 3, 1, 1, 1, ConvPath::Winograd, 1e-4},
      {"Winograd, 5x5", {8, 14, 14}, 4, 5, 1, 0, 1, ConvPath::Winograd, 1e-4},
  };
  for (const Case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    Conv2D layer(c.in, c.filters, c.k, c.k, c.stride, c.pad, c.dil, true);
    Rng rng(7);
    layer.initialise(InitKind::He, rng);
    for (int o = 0; o < c.filters; ++o) layer.b(o, 0) = Scalar(0.1 * (o + 1));
    const Mat in = RandomInput(c.in.size(), 2, 11);
    const double worst = WorstDifference(layer, c.path, in);
    MESSAGE(name << ": worst relative difference " << worst);
    CHECK(worst <= c.tolerance);
  }
}

TEST_CASE("conv explained: the padding reads zeros, and a position outside the output is refused") {
  Conv2D layer({1, 4, 4}, 1, 3, 3, 1, 1, 1, false);
  Rng rng(3);
  layer.initialise(InitKind::He, rng);
  const Mat in = RandomInput(16, 1, 5);
  const ConvExplanation e = explain_conv(layer.geometry(), layer.W, nullptr, in, 0, 0, 0, 0);
  CHECK(e.top == -1);
  CHECK(e.left == -1);
  CHECK(e.padded[0] == 1);  // (i, j) = (0, 0) reads row -1
  CHECK(e.patch[0] == 0.0);
  CHECK(e.padded[4] == 0);  // the centre tap reads pixel (0, 0)
  CHECK(e.patch[4] == doctest::Approx(double(in(0, 0))));
  CHECK(e.bias == 0.0);
  CHECK(error_of([&] { explain_conv(layer.geometry(), layer.W, nullptr, in, 0, 0, 4, 0); }).find("no output value") !=
        std::string::npos);
  CHECK(error_of([&] { explain_conv(layer.geometry(), layer.W, nullptr, in, 0, 1, 0, 0); }).find("no output value") !=
        std::string::npos);
}

TEST_CASE("max pool explained: the winner is the pooled value, at every position") {
  const Shape in{3, 9, 9};
  MaxPool2D pool(in, 3, 2);
  const Mat x = RandomInput(in.size(), 2, 9);
  Mat out;
  pool.forward(x, out, false);
  const int oh = (9 - 3) / 2 + 1;
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < oh; ++y)
        for (int xx = 0; xx < oh; ++xx) {
          const PoolExplanation e = explain_maxpool(in, 3, 2, x, n, c, y, xx);
          REQUIRE(e.window.size() == 9);
          CHECK(e.value == double(out((int64_t(c) * oh + y) * oh + xx, n)));
          CHECK(e.window[size_t(e.winner)] == e.value);
        }
}

TEST_CASE("softmax explained: the exponentials over their sum are the network's probabilities") {
  const Mat logits = RandomInput(10, 3, 4) * Scalar(5);
  Mat probs;
  softmax(logits, probs);
  for (int n = 0; n < 3; ++n) {
    const SoftmaxExplanation e = explain_softmax(logits, n);
    double total = 0;
    for (size_t k = 0; k < 10; ++k) {
      CHECK(e.probs[k] == doctest::Approx(double(probs(int(k), n))).epsilon(1e-5));
      CHECK(e.exps[k] / e.sum == doctest::Approx(e.probs[k]));
      total += e.probs[k];
    }
    CHECK(total == doctest::Approx(1.0));
  }
}
