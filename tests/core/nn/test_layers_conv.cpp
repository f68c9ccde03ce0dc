// Convolution, pooling, dropout and batch norm in the float build: the fast convolution against
// its plain-loop reference, hand-computed forwards, the modes of dropout and batch norm, shape
// errors, and model files with running statistics. (Gradient checks: test_gradcheck_conv.cpp.)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "base/parallel.h"
#include "io/model_io.h"
#include "io/safetensors.h"
#include "nn/batchnorm.h"
#include "nn/conv.h"
#include "nn/dropout.h"
#include "nn/network.h"
#include "nn/optimizer.h"
#include "nn/pool.h"
#include "test_util.h"
#include "train/presets.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {

Mat random_mat(Eigen::Index rows, Eigen::Index cols, Rng& rng) {
  Mat m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = Scalar(rng.normal());
  return m;
}

// Largest |a - b| relative to the largest |b| (float sums of different order differ by rounding).
double max_rel_diff(const Mat& a, const Mat& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  return double((a - b).cwiseAbs().maxCoeff()) / std::max(1e-6, double(b.cwiseAbs().maxCoeff()));
}

// The largest difference from the reference each path may show, relative to the largest value:
// the direct and im2col paths add the same terms in another order; the Winograd path computes
// them through its transforms, whose rounding stays within a few times 1e-5 (winograd.h).
double tolerance(ConvPath p) { return p == ConvPath::Winograd ? 1e-4 : 1e-5; }

const char* path_name(ConvPath p) {
  return p == ConvPath::Winograd ? " winograd" : p == ConvPath::Direct ? " direct" : p == ConvPath::Im2col ? " im2col" : " auto";
}

// Forward and backward of c on a random batch of n against the plain-loop reference.
void check_against_reference(Conv2D& c, int n, Rng& rng, bool bias = true) {
  double tol = tolerance(c.path());
  const Shape in = c.in_shape();
  c.W = random_mat(c.W.rows(), c.W.cols(), rng);
  if (bias) c.b = random_mat(c.b.rows(), 1, rng);
  const Mat x = random_mat(in.size(), n, rng);
  Mat out, ref;
  c.forward(x, out, true);
  conv2d_reference_forward(c.geometry(), c.W, bias ? &c.b : nullptr, x, ref);
  CHECK(max_rel_diff(out, ref) < tol);

  tol = tolerance(c.backward_path());
  const Mat dout = random_mat(out.rows(), out.cols(), rng);
  Mat din, dW_ref, db_ref, din_ref;
  c.backward(x, out, dout, &din);
  conv2d_reference_backward(c.geometry(), c.W, x, dout, dW_ref, &db_ref, &din_ref);
  CHECK(max_rel_diff(c.dW, dW_ref) < tol);
  if (bias) CHECK(max_rel_diff(c.db, db_ref) < tol);
  CHECK(max_rel_diff(din, din_ref) < tol);
  // Without the input gradient (the first layer of a network) the parameter gradients are the same.
  const Mat dW = c.dW;
  c.backward(x, out, dout, nullptr);
  CHECK(c.dW == dW);
}

// Runs f with the batch split over t threads (parallel.h), restoring the count afterwards.
template <class F>
void with_threads(int t, const F& f) {
  const int old = threads();
  set_threads(t);
  f();
  set_threads(old);
}

}  // namespace

TEST_CASE("conv2d: both fast paths equal the plain-loop reference for every stride, padding and dilation") {
  Rng rng(1);
  int configs = 0, direct = 0;
  // Rows of 8 or fewer values, and of more (the im2col copies rows in blocks of 8); planes
  // shorter than one vector block of the direct path, and longer.
  for (const Shape in : {Shape{2, 9, 8}, Shape{1, 12, 21}})
    for (int k : {1, 3, 5})
      for (int stride : {1, 2, 3})
        for (int pad : {0, 1, 2})
          for (int dil : {1, 2})
            for (ConvPath path : {ConvPath::Auto, ConvPath::Im2col}) {
              if (dil * (k - 1) + 1 > std::min(in.h, in.w) + 2 * pad) continue;
              Conv2D c(in, 3, k, k, stride, pad, dil, true);
              c.set_path(path);
              INFO("input " << in.str() << " kernel " << k << " stride " << stride << " pad " << pad << " dilation "
                            << dil << (c.path() == ConvPath::Direct ? " direct" : " im2col"));
              CHECK((c.path() == ConvPath::Direct) == (path == ConvPath::Auto && stride == 1));
              check_against_reference(c, 3, rng);
              ++configs;
              direct += c.path() == ConvPath::Direct;
            }
  CHECK(configs > 180);
  CHECK(direct > 30);
}

TEST_CASE("conv2d: the presets' convolutions, both paths, one and two threads, against the reference") {
  // cnn8 and cnn8-16 (5x5 on 1x28x28, then 16 filters on 8x24x24), cnn-simple (3x3 padding 1) and
  // cnn-dilated (3x3 dilation 2); filter counts that fill the direct path's channel blocks and
  // ones that leave a remainder; batches that split evenly over two threads and ones that do not.
  struct Config { Shape in; int filters, k, pad, dil; };
  const Config configs[] = {{{1, 28, 28}, 8, 5, 0, 1}, {{8, 24, 24}, 16, 5, 0, 1}, {{1, 28, 28}, 8, 3, 1, 1},
                            {{1, 28, 28}, 8, 3, 0, 2}, {{3, 13, 11}, 13, 5, 2, 1}, {{5, 10, 9}, 6, 3, 0, 1}};
  Rng rng(3);
  for (const auto& cfg : configs)
    for (ConvPath path : {ConvPath::Direct, ConvPath::Im2col, ConvPath::Winograd})
      for (int threads : {1, 2})
        for (int n : {1, 5}) {
          INFO("input " << cfg.in.str() << " filters " << cfg.filters << " kernel " << cfg.k << " pad " << cfg.pad
                        << " dilation " << cfg.dil << path_name(path) << ", " << threads << " threads, batch " << n);
          Conv2D c(cfg.in, cfg.filters, cfg.k, cfg.k, 1, cfg.pad, cfg.dil, n == 5);
          if (path == ConvPath::Winograd && cfg.dil > 1) continue;  // the Winograd path has no dilation
          c.set_path(path);
          with_threads(threads, [&] { check_against_reference(c, n, rng, n == 5); });
        }
}

TEST_CASE("conv2d: the direct and Winograd paths give the same numbers on every call and for any split of the batch") {
  // Samples are independent: one thread or two, a sample's output is bit-identical; the weight
  // gradient adds the same per-sample sums in another grouping, so it agrees to rounding.
  for (ConvPath path : {ConvPath::Direct, ConvPath::Winograd}) {
  INFO(path_name(path));
  Rng rng(4);
  Conv2D c(Shape{8, 24, 24}, 16, 5, 5, 1, 0, 1, true);
  c.set_path(path);
  c.W = random_mat(c.W.rows(), c.W.cols(), rng);
  c.b = random_mat(16, 1, rng);
  const Mat x = random_mat(c.in_shape().size(), 7, rng);
  Mat out1, out2, din1, din2;
  with_threads(1, [&] { c.forward(x, out1, true); });
  with_threads(2, [&] { c.forward(x, out2, true); });
  CHECK(out1 == out2);
  const Mat dout = random_mat(out1.rows(), out1.cols(), rng);
  with_threads(1, [&] { c.backward(x, out1, dout, &din1); });
  const Mat dW1 = c.dW;
  with_threads(2, [&] { c.backward(x, out1, dout, &din2); });
  CHECK(din1 == din2);
  CHECK(max_rel_diff(c.dW, dW1) < 1e-5);
  Mat din3;
  with_threads(2, [&] { c.backward(x, out1, dout, &din3); });
  CHECK(din3 == din2);
  // A smaller batch after a larger one (the workspaces are reused).
  Mat out_one;
  c.forward(x.leftCols(1), out_one, true);
  CHECK(out_one == out1.leftCols(1));
  }
}

TEST_CASE("conv2d: the Winograd path equals the reference for 3x3 and 5x5 kernels, any size, padding and batch") {
  // Outputs that fill whole 4x4 tiles and ones that leave part of the last tile; channel counts
  // that fill the channel blocks of the products and ones that do not; batches below, at and past
  // one lane group (16 floats with AVX-512) and spread unevenly over two threads.
  struct Config { Shape in; int filters, k, pad; };
  const Config configs[] = {{{8, 24, 24}, 16, 5, 0}, {{4, 9, 13}, 3, 3, 1}, {{5, 11, 7}, 9, 5, 2},
                            {{6, 6, 6}, 4, 3, 0},    {{7, 5, 5}, 1, 5, 0},  {{16, 12, 12}, 8, 3, 1}};
  Rng rng(5);
  int checked = 0;
  for (const auto& cfg : configs)
    for (int threads : {1, 2})
      for (int n : {1, 7, 16, 37}) {
        INFO("input " << cfg.in.str() << " filters " << cfg.filters << " kernel " << cfg.k << " pad " << cfg.pad
                      << ", " << threads << " threads, batch " << n);
        Conv2D c(cfg.in, cfg.filters, cfg.k, cfg.k, 1, cfg.pad, 1, n != 7);
        REQUIRE(c.path() == ConvPath::Winograd);
        with_threads(threads, [&] { check_against_reference(c, n, rng, n != 7); });
        ++checked;
      }
  CHECK(checked == 48);
}

TEST_CASE("conv2d: the Winograd backward pass after a training pass, an evaluation pass, or of another input") {
  // A training forward pass keeps its transformed inputs for the backward pass; after an
  // evaluation pass, or for an input other than the last pass's, the input is transformed again.
  Rng rng(12);
  Conv2D c(Shape{8, 12, 12}, 16, 5, 5, 1, 0, 1, true);
  REQUIRE(c.path() == ConvPath::Winograd);
  c.W = random_mat(c.W.rows(), c.W.cols(), rng);
  const Mat x1 = random_mat(c.in_shape().size(), 21, rng), x2 = random_mat(c.in_shape().size(), 21, rng);
  Mat out, din, dW_ref, db_ref, din_ref;
  const Mat dout = random_mat(int64_t(16) * 8 * 8, 21, rng);
  auto check = [&](const Mat& x) {
    c.backward(x, out, dout, &din);
    conv2d_reference_backward(c.geometry(), c.W, x, dout, dW_ref, &db_ref, &din_ref);
    CHECK(max_rel_diff(c.dW, dW_ref) < tolerance(ConvPath::Winograd));
    CHECK(max_rel_diff(din, din_ref) < tolerance(ConvPath::Winograd));
  };
  for (int threads : {1, 2})
    with_threads(threads, [&] {
      INFO(threads << " threads");
      c.forward(x1, out, true);
      check(x1);  // the kept transforms
      check(x2);  // another input
      c.forward(x1, out, true);
      c.forward(x2, out, false);
      check(x2);  // after an evaluation pass
      c.forward(x2, out, true);
      check(x2);
    });
}

TEST_CASE("conv2d: the Winograd path follows every change to its weights, with or without a forward pass between") {
  // The path keeps its transformed filters from one call to the next (ConvWinogradState); an
  // optimizer step, a loaded model or a gradient check changing one weight must not be missed.
  Rng rng(11);
  Conv2D c(Shape{8, 12, 12}, 16, 5, 5, 1, 0, 1, true);
  REQUIRE(c.path() == ConvPath::Winograd);
  c.W = random_mat(c.W.rows(), c.W.cols(), rng);
  const Mat x = random_mat(c.in_shape().size(), 16, rng);
  Mat out, ref, dW_ref, db_ref, din_ref, din;
  c.forward(x, out, true);
  const Mat dout = random_mat(out.rows(), out.cols(), rng);
  for (int change = 0; change < 3; ++change) {
    INFO("change " << change);
    c.W(7 + change, 3 * change) += Scalar(0.75);  // one weight, in place
    if (change != 1) {                            // change 1: backward straight after the change
      c.forward(x, out, true);
      conv2d_reference_forward(c.geometry(), c.W, &c.b, x, ref);
      CHECK(max_rel_diff(out, ref) < tolerance(ConvPath::Winograd));
    }
    c.backward(x, out, dout, &din);
    conv2d_reference_backward(c.geometry(), c.W, x, dout, dW_ref, &db_ref, &din_ref);
    CHECK(max_rel_diff(din, din_ref) < tolerance(ConvPath::Winograd));
    CHECK(max_rel_diff(c.dW, dW_ref) < tolerance(ConvPath::Winograd));
  }
  // A whole new weight matrix, assigned as a model load does.
  Mat w2 = random_mat(c.W.rows(), c.W.cols(), rng);
  c.W = w2;
  c.forward(x, out, true);
  conv2d_reference_forward(c.geometry(), w2, &c.b, x, ref);
  CHECK(max_rel_diff(out, ref) < tolerance(ConvPath::Winograd));
}

TEST_CASE("conv2d: the direct and Winograd paths are refused where they do not apply") {
  Conv2D strided(Shape{1, 28, 28}, 8, 5, 5, 2, 0, 1, true);
  CHECK(strided.path() == ConvPath::Im2col);
  CHECK_THROWS_AS(strided.set_path(ConvPath::Direct), Error);
  // Padding and dilation that make each padded plane huge while the output stays tiny.
  Conv2D huge(Shape{1, 1, 1}, 1, 2, 2, 1, 5000, 10000, false);
  CHECK(huge.path() == ConvPath::Im2col);
  // So many weights (18M) that a vector of partial sums for each would be gigabytes (with the
  // 4-float vectors of a portable build, still 295 MB, past kMaxConvPatches).
  Conv2D wide(Shape{1024, 3, 3}, 2000, 3, 3, 1, 0, 1, false);
  CHECK(wide.path() == ConvPath::Im2col);
  CHECK(wide.backward_path() == ConvPath::Im2col);
  CHECK_THROWS_AS(strided.set_path(ConvPath::Winograd), Error);
  // The Winograd path is for 3x3 and 5x5 kernels without dilation.
  Conv2D dilated(Shape{8, 12, 12}, 4, 3, 3, 1, 0, 2, true);
  CHECK(dilated.path() == ConvPath::Direct);
  CHECK_THROWS_AS(dilated.set_path(ConvPath::Winograd), Error);
  CHECK(Conv2D(Shape{8, 12, 12}, 4, 4, 4, 1, 0, 1, true).path() == ConvPath::Direct);
  // A layer whose Winograd buffers would pass 64 MB per thread (with 4-float vectors too).
  Conv2D big(Shape{128, 96, 96}, 128, 3, 3, 1, 1, 1, true);
  CHECK(big.path() == ConvPath::Direct);
  CHECK(big.backward_path() == ConvPath::Direct);
  CHECK_THROWS_AS(big.set_path(ConvPath::Winograd), Error);
  // The presets' convolutions: the first layers (one channel) run forward on the direct path and
  // backward on the Winograd path, cnn8-16's second both on the Winograd path; a first layer can be
  // given either path for both.
  CHECK(Conv2D(Shape{8, 24, 24}, 16, 5, 5, 1, 0, 1, true).path() == ConvPath::Winograd);
  Conv2D first(Shape{1, 28, 28}, 8, 5, 5, 1, 0, 1, true);
  CHECK(first.path() == ConvPath::Direct);
  CHECK(first.backward_path() == ConvPath::Winograd);
  first.set_path(ConvPath::Direct);
  CHECK(first.backward_path() == ConvPath::Direct);
  first.set_path(ConvPath::Winograd);
  CHECK(first.path() == ConvPath::Winograd);
  CHECK(Conv2D(Shape{1, 28, 28}, 8, 3, 3, 1, 1, 1, true).path() == ConvPath::Direct);
}

TEST_CASE("conv2d: a non-square kernel on a non-square input, and no bias") {
  Rng rng(2);
  const Shape in{3, 6, 11};
  Conv2D c(in, 2, 2, 4, 2, 1, 2, false);
  c.W = random_mat(c.W.rows(), c.W.cols(), rng);
  const Mat x = random_mat(in.size(), 2, rng);
  Mat out, ref;
  c.forward(x, out, false);
  conv2d_reference_forward(c.geometry(), c.W, nullptr, x, ref);
  CHECK(max_rel_diff(out, ref) < 1e-5);
  CHECK(c.params().size() == 1);
}

TEST_CASE("conv2d forward by hand") {
  // One 3x3 channel 1..9, a 2x2 kernel of ones and bias 0.5: each output sums a 2x2 window.
  Conv2D c(Shape{1, 3, 3}, 1, 2, 2, 1, 0, 1, true);
  c.W.setOnes();
  c.b(0, 0) = 0.5f;
  Mat x(9, 1), y;
  x << 1, 2, 3, 4, 5, 6, 7, 8, 9;
  c.forward(x, y, false);
  REQUIRE(c.out_shape() == (Shape{1, 2, 2}));
  CHECK(y(0) == doctest::Approx(12.5));  // 1+2+4+5 + 0.5
  CHECK(y(3) == doctest::Approx(28.5));  // 5+6+8+9 + 0.5
  // With padding 1 and stride 2 the corners see one pixel each plus zeros.
  Conv2D p(Shape{1, 3, 3}, 1, 2, 2, 2, 1, 1, false);
  p.W.setOnes();
  p.forward(x, y, false);
  REQUIRE(p.out_shape() == (Shape{1, 2, 2}));
  CHECK(y(0) == doctest::Approx(1));
  CHECK(y(1) == doctest::Approx(2 + 3));
  CHECK(y(3) == doctest::Approx(5 + 6 + 8 + 9));
}

TEST_CASE("conv2d output sizes and the weight layout of model files") {
  CHECK(Conv2D(Shape{1, 28, 28}, 8, 5, 5, 1, 0, 1, true).out_shape() == (Shape{8, 24, 24}));
  CHECK(Conv2D(Shape{1, 28, 28}, 8, 5, 5, 2, 2, 1, true).out_shape() == (Shape{8, 14, 14}));
  CHECK(Conv2D(Shape{1, 28, 28}, 8, 3, 3, 1, 0, 2, true).out_shape() == (Shape{8, 24, 24}));
  CHECK(Conv2D(Shape{8, 24, 24}, 16, 5, 5, 1, 0, 1, true).out_shape() == (Shape{16, 20, 20}));
  Conv2D c(Shape{2, 5, 5}, 3, 3, 3, 1, 0, 1, true);
  const auto ps = c.params();
  CHECK(ps[0].shape == std::vector<int>{3, 2, 3, 3});  // PyTorch's [out, in, kh, kw]
  CHECK(ps[1].shape == std::vector<int>{3});
  CHECK(ps[0].decay);
  CHECK(!ps[1].decay);
}

TEST_CASE("invalid convolution, pooling and dropout configurations are explained") {
  CHECK(error_of([] { Conv2D(Shape{1, 4, 4}, 8, 5, 5, 1, 0, 2, true); })
            .find("[conv2d] a 5x5 kernel with dilation 2 does not fit a 4x4 input (padding 0)") == 0);
  CHECK(error_of([] { Conv2D(Shape{1, 4, 4}, 8, 5, 5, 1, 0, 1, true); }) ==
        "[conv2d] a 5x5 kernel does not fit a 4x4 input (padding 0)");
  CHECK(error_of([] { Conv2D(Shape{1, 4, 4}, 8, 5, 5, 1, 1, 1, true); }) == "(no error)");  // 6x6 padded
  CHECK(error_of([] { Conv2D(Shape{1, 28, 28}, 0, 5, 5, 1, 0, 1, true); }) ==
        "[conv2d] the number of filters must be positive, not 0");
  CHECK(error_of([] { Conv2D(Shape{1, 28, 28}, 4, 3, 3, 0, 0, 1, true); }).find("stride must be positive") !=
        std::string::npos);
  CHECK(error_of([] { Conv2D(Shape{1, 28, 28}, 4, 3, 3, 1, -1, 1, true); }).find("padding must be 0 or more") !=
        std::string::npos);
  CHECK(error_of([] { Conv2D(Shape{100, 1, 1}, 4, 3, 3, 1, 0, 1, true); }).find("flat vector of 100 values") !=
        std::string::npos);
  CHECK(error_of([] { MaxPool2D(Shape{4, 1, 3}, 2, 2); }) == "[maxpool2d] a 2x2 window does not fit a 1x3 input");
  CHECK(error_of([] { Dropout(Shape{10, 1, 1}, 1.f); }) == "[dropout] the drop probability must be in [0, 1), not 1");
  CHECK(error_of([] { Dropout(Shape{10, 1, 1}, -0.5f); }).find("not -0.5") != std::string::npos);

  // Through a spec, the network names the layer.
  NetSpec s;
  s.input = Shape{1, 28, 28};
  s.layers = {conv(8, 5), maxpool(2), conv(16, 5), maxpool(2), conv(16, 5), flatten(), dense(10)};
  CHECK_THROWS_WITH_AS(Network{s}, doctest::Contains("layer 5 (conv2d 16 5x5): [conv2d] a 5x5 kernel does not fit a "
                                                     "4x4 input"),
                       Error);
  s.layers = {dense(10), maxpool(2)};
  CHECK_THROWS_WITH_AS(Network{s}, doctest::Contains("pooling needs an image"), Error);
}

TEST_CASE("new layer specs round-trip through JSON and describe themselves") {
  NetSpec s;
  s.input = Shape{1, 28, 28};
  s.layers = {conv(8, 5, 2, 2, 1, false), batchnorm(), act("relu"), maxpool(3, 2), conv(4, 3, 1, 0, 2), maxpool(2),
              flatten(), dropout(0.25f), dense(10)};
  const NetSpec r = NetSpec::from_json(json::parse(s.to_json().dump()));
  CHECK(r.describe() == s.describe());
  CHECK(s.describe() == "1x28x28 -> conv2d 8 5x5 stride 2 pad 2 (no bias) -> batchnorm -> relu -> maxpool2d 3 stride 2 "
                        "-> conv2d 4 3x3 dilation 2 -> maxpool2d 2 -> flatten -> dropout 0.25 -> dense 10");
  CHECK(r.layers[3].stride == 2);
  CHECK(r.layers[5].stride == 2);
  CHECK(r.layers[7].rate == doctest::Approx(0.25f));
  Network net(r);
  CHECK(net.layer(0).out_shape() == (Shape{8, 14, 14}));
  CHECK(net.layer(3).out_shape() == (Shape{8, 6, 6}));
  CHECK(net.layer(4).out_shape() == (Shape{4, 2, 2}));
  CHECK(net.layer(6).out_shape() == (Shape{4, 1, 1}));
  for (size_t i = 0; i < net.num_layers(); ++i) CHECK(net.layer(i).spec().describe() == r.layers[i].describe());
}

TEST_CASE("max pooling by hand: the maximum of each window, its gradient to the winner") {
  MaxPool2D p(Shape{1, 4, 4}, 2, 2);
  Mat x(16, 1), y, din;
  x << 1, 5, 2, 0,  //
      3, 4, 8, 1,   //
      0, 0, 1, 2,   //
      9, 1, 3, 7;
  p.forward(x, y, true);
  REQUIRE(y.rows() == 4);
  CHECK(y(0) == 5);
  CHECK(y(1) == 8);
  CHECK(y(2) == 9);
  CHECK(y(3) == 7);
  Mat dout(4, 1);
  dout << 1, 2, 3, 4;
  p.backward(x, y, dout, &din);
  CHECK(din(1) == 1);   // the 5
  CHECK(din(6) == 2);   // the 8
  CHECK(din(12) == 3);  // the 9
  CHECK(din(15) == 4);  // the 7
  CHECK(din.sum() == 10);
  // Ties: the first maximum in reading order wins, with the 2x2 shortcut and the general loop
  // (stride 1), and on the 2x2 stride-2 path, which finds the winners again in backward.
  for (int k : {2, 3}) {
    MaxPool2D t(Shape{1, 3, 3}, k, 1);
    Mat flat = Mat::Ones(9, 1), yt, dt;
    t.forward(flat, yt, true);
    t.backward(flat, yt, Mat::Ones(yt.rows(), 1), &dt);
    Mat expect = Mat::Zero(9, 1);
    if (k == 2)
      expect(0) = expect(1) = expect(3) = expect(4) = 1;  // windows at 0, 1, 3 and 4: each its top-left
    else
      expect(0) = 1;
    CHECK(dt == expect);
  }
  {
    MaxPool2D t(Shape{2, 4, 4}, 2, 2);
    Mat flat = Mat::Ones(32, 1), yt, dt;
    flat(5) = flat(7) = 2;  // the larger value wins plane 0's first two windows; equal ones take their top-left
    t.forward(flat, yt, true);
    t.backward(flat, yt, Mat::Ones(8, 1), &dt);
    Mat expect = Mat::Zero(32, 1);
    for (int i : {5, 7, 8, 10, 16, 18, 24, 26}) expect(i) = 1;
    CHECK(dt == expect);
  }
  // Flatten changes only the shape.
  Flatten f(Shape{2, 3, 3});
  CHECK(f.out_shape() == (Shape{18, 1, 1}));
}

TEST_CASE("dropout: identity in evaluation, the right keep rate and scale in training, seeded") {
  Rng init(3);
  Dropout d(Shape{200, 1, 1}, 0.3f);
  d.initialise(InitKind::He, init);
  const Mat x = Mat::Ones(200, 500);
  Mat y;
  d.forward(x, y, false);
  CHECK(y == x);
  d.forward(x, y, true);
  const double kept = double((y.array() > 0).count()) / double(y.size());
  CHECK(kept == doctest::Approx(0.7).epsilon(0.02));
  CHECK(y.maxCoeff() == doctest::Approx(1 / 0.7));
  CHECK(y.mean() == doctest::Approx(1.0).epsilon(0.02));  // the expectation is kept
  Mat dout = Mat::Ones(200, 500), din;
  d.backward(x, y, dout, &din);
  CHECK(din == d.mask());
  // A new mask for every training pass, unless frozen.
  const Mat first = d.mask();
  d.forward(x, y, true);
  CHECK(d.mask() != first);
  d.freeze_mask(true);
  const Mat frozen = d.mask();
  d.forward(x, y, true);
  CHECK(d.mask() == frozen);
  // The same initialisation seed gives the same masks.
  Rng a(7), b(7);
  Dropout d1(Shape{50, 1, 1}, 0.5f), d2(Shape{50, 1, 1}, 0.5f);
  d1.initialise(InitKind::He, a);
  d2.initialise(InitKind::He, b);
  Mat y1, y2;
  d1.forward(Mat::Ones(50, 8), y1, true);
  d2.forward(Mat::Ones(50, 8), y2, true);
  CHECK(y1 == y2);
}

TEST_CASE("batch norm: batch statistics in training, running statistics in evaluation") {
  // Per channel of a 2x1x2 image over 3 samples: channel 0 holds 1..6, channel 1 holds 10 * (1..6).
  BatchNorm bn(Shape{2, 1, 2});
  Mat x(4, 3), y;
  x << 1, 3, 5,  //
      2, 4, 6,   //
      10, 30, 50, 20, 40, 60;
  bn.gamma << 2, 1;
  bn.beta << 0.5, -1;
  bn.forward(x, y, true);
  // Channel 0: mean 3.5, biased variance 35/12, so its outputs have mean beta and std gamma.
  Eigen::Array<Scalar, 1, 6> c0;
  c0 << y(0, 0), y(1, 0), y(0, 1), y(1, 1), y(0, 2), y(1, 2);
  CHECK(c0.mean() == doctest::Approx(0.5));
  CHECK(std::sqrt((c0 - c0.mean()).square().mean()) == doctest::Approx(2.0).epsilon(1e-4));
  CHECK(y(0, 0) == doctest::Approx(0.5 + 2 * (1 - 3.5) / std::sqrt(35.0 / 12 + 1e-5)));
  // Running statistics move 0.1 of the way, with the unbiased variance (35/12 * 6/5 = 3.5).
  CHECK(bn.running_mean(0) == doctest::Approx(0.35));
  CHECK(bn.running_mean(1) == doctest::Approx(3.5));
  CHECK(bn.running_var(0) == doctest::Approx(0.9 + 0.1 * 3.5));
  CHECK(bn.running_var(1) == doctest::Approx(0.9 + 0.1 * 350));
  // Evaluation uses the running statistics, not the batch's.
  bn.running_mean << 1, 2;
  bn.running_var << 4, 9;
  bn.forward(x, y, false);
  CHECK(y(0, 0) == doctest::Approx(0.5 + 2 * (1 - 1) / std::sqrt(4 + 1e-5)));
  CHECK(y(1, 2) == doctest::Approx(0.5 + 2 * (6 - 1) / std::sqrt(4 + 1e-5)));
  CHECK(y(2, 1) == doctest::Approx(-1 + 1 * (30 - 2) / std::sqrt(9 + 1e-5)));
  CHECK(bn.running_mean(0) == 1);  // evaluation leaves them alone
  // Per feature of a flat input: each row is one feature.
  BatchNorm flat(Shape{4, 1, 1});
  flat.forward(x, y, true);
  CHECK(y.row(2).mean() == doctest::Approx(0).epsilon(1e-6));
  CHECK(flat.running_mean(2) == doctest::Approx(0.1 * 30));
}

TEST_CASE("batch norm: gamma and beta are not weight-decayed, running statistics are buffers") {
  BatchNorm bn(Shape{3, 1, 1});
  const auto ps = bn.params();
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].name == "weight");
  CHECK(ps[1].name == "bias");
  CHECK(!ps[0].decay);
  CHECK(!ps[1].decay);
  const auto bs = bn.buffers();
  REQUIRE(bs.size() == 2);
  CHECK(bs[0].first == "running_mean");
  CHECK(bs[1].first == "running_var");
  // An update with decay and zero gradients leaves gamma at 1.
  OptConfig o;
  o.kind = OptKind::Sgd;
  o.weight_decay = 0.5f;
  Optimizer opt(o);
  bn.dgamma.setZero();
  bn.dbeta.setZero();
  opt.step(bn.params(), 0.1);
  CHECK(bn.gamma == Mat::Ones(3, 1));
}

namespace {

Network conv_bn_net() {
  NetSpec spec;
  spec.input = Shape{1, 8, 8};
  spec.layers = {conv(3, 3), batchnorm(), act("relu"), maxpool(2), flatten(), dense(6), batchnorm(), act("relu"),
                 dropout(0.5f), dense(4)};
  Network net(spec);
  net.initialise(InitKind::He, 3);
  Rng rng(4);
  for (int i = 0; i < 3; ++i) net.forward(random_mat(64, 5, rng), true);  // moves the running statistics
  return net;
}

}  // namespace

TEST_CASE("model file round trip of a conv + batch norm net, running statistics included") {
  TempDir tmp;
  Network net = conv_bn_net();
  ModelFile meta;
  meta.config.net = net.spec();
  save_model(tmp.file("m.safetensors"), net, meta);
  LoadedModel m = load_model(tmp.file("m.safetensors"));
  CHECK(m.net.spec().describe() == net.spec().describe());
  CHECK(m.net.flat_values() == net.flat_values());
  auto& bn = static_cast<BatchNorm&>(net.layer(1));
  auto& bn2 = static_cast<BatchNorm&>(m.net.layer(1));
  CHECK(bn.running_mean != Mat::Zero(3, 1));
  CHECK(bn2.running_mean == bn.running_mean);
  CHECK(bn2.running_var == bn.running_var);
  Rng rng(5);
  const Mat x = random_mat(64, 4, rng);
  const Mat a = net.forward(x, false);
  CHECK(m.net.forward(x, false) == a);

  // The tensors: conv weight [3, 1, 3, 3], batch norm weight/bias/running stats [C].
  const StFile f = st_parse(read_bytes(tmp.file("m.safetensors")), "m");
  CHECK(f.find("layers.0.weight")->shape == std::vector<int64_t>{3, 1, 3, 3});
  CHECK(f.find("layers.1.running_mean")->shape == std::vector<int64_t>{3});
  CHECK(f.find("layers.6.running_var")->shape == std::vector<int64_t>{6});
  CHECK(f.find("layers.1.weight")->shape == std::vector<int64_t>{3});

  // A file without the running statistics is refused.
  StFile g = f;
  g.tensors.erase(std::remove_if(g.tensors.begin(), g.tensors.end(),
                                 [](const StTensor& t) { return t.name == "layers.6.running_var"; }),
                  g.tensors.end());
  const std::string s = st_serialize(g);
  write_bytes(tmp.file("bad"), std::vector<uint8_t>(s.begin(), s.end()));
  CHECK(error_of([&] { load_model(tmp.file("bad")); }).find("missing tensor \"layers.6.running_var\"") !=
        std::string::npos);

  // A copy of the network carries the running statistics too.
  Network copy(net);
  CHECK(copy.forward(x, false) == a);
  Network other = conv_bn_net();
  other.initialise(InitKind::He, 99);
  other.copy_values_from(net);
  CHECK(other.forward(x, false) == a);
}

TEST_CASE("the new presets build and describe themselves") {
  for (std::string name :
       {"cnn-simple", "cnn-dilated", "cnn8", "cnn8-16", "mlp256-bn", "mlp-plain", "mlp-dropout-bn"}) {
    INFO(name);
    const Preset& p = find_preset(name);
    Network net(p.config.net);
    CHECK(net.output_shape() == (Shape{10, 1, 1}));
  }
}

TEST_CASE("a conv network computes the same outputs and gradients on two threads as on one") {
  // Every layer splits the batch (parallel.h): convolutions, activations, pooling, and at this
  // batch size the dense layer too (129 x 1600 x 100 multiply-adds). An odd batch splits unevenly.
  NetSpec spec = find_preset("cnn8-16").config.net;
  Network net(spec);
  net.initialise(InitKind::He, 5);
  Rng rng(6);
  const int n = 129;
#ifdef _OPENMP  // builds without OpenMP (the sanitizer builds) run everything on one thread
  with_threads(2, [] { REQUIRE(batch_threads(n, 1600.0 * 100, 8e6) == 2); });
#endif
  const Mat x = random_mat(spec.input.size(), n, rng);
  std::vector<uint8_t> labels(n);
  for (int j = 0; j < n; ++j) labels[j] = uint8_t(j % 10);
  auto run = [&](int t, Mat& out, std::vector<Mat>& grads, Mat& dx) {
    with_threads(t, [&] {
      out = net.forward(x, true);
      net.loss(labels.data());
      net.backward(true);
    });
    grads.clear();
    for (auto& p : net.params()) grads.push_back(*p.p.grad);
    dx = net.grad(0);
  };
  Mat out1, out2, dx1, dx2;
  std::vector<Mat> g1, g2;
  run(1, out1, g1, dx1);
  run(2, out2, g2, dx2);
  CHECK(max_rel_diff(out2, out1) < 1e-5);
  CHECK(max_rel_diff(dx2, dx1) < 1e-5);
  REQUIRE(g1.size() == g2.size());
  for (size_t i = 0; i < g1.size(); ++i) CHECK(max_rel_diff(g2[i], g1[i]) < 1e-5);
}
