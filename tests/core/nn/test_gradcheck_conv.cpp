// Gradient checks of the convolution, pooling, dropout and batch norm layers, and of whole
// convolutional networks, in double precision (see gradcheck.h).
#include <doctest/doctest.h>

#include "gradcheck.h"
#include "nn/batchnorm.h"
#include "nn/conv.h"
#include "nn/dropout.h"
#include "nn/network.h"
#include "nn/pool.h"

using namespace nnviz;
using namespace nnviz::test;

TEST_CASE("gradient check: conv2d in the configurations the presets use, and combined") {
  struct Config { int k, stride, pad, dil; };
  // plain; dilation 2; stride 2; padding 2; and all of them together
  const Config configs[] = {{3, 1, 0, 1}, {3, 1, 0, 2}, {3, 2, 0, 1}, {5, 1, 2, 1}, {3, 2, 1, 2}, {1, 1, 0, 1}};
  Rng rng(21);
  for (const auto& c : configs)
    for (bool bias : {true, false})
      for (ConvPath path : {ConvPath::Im2col, ConvPath::Direct, ConvPath::Winograd}) {
        if (path != ConvPath::Im2col && c.stride != 1) continue;  // the fast paths are for stride 1
        if (path == ConvPath::Winograd && (c.dil != 1 || (c.k != 3 && c.k != 5))) continue;
        INFO("kernel " << c.k << " stride " << c.stride << " pad " << c.pad << " dilation " << c.dil << " bias " << bias
                       << (path == ConvPath::Direct ? " direct" : path == ConvPath::Winograd ? " winograd" : " im2col"));
        Conv2D conv(Shape{2, 7, 6}, 3, c.k, c.k, c.stride, c.pad, c.dil, bias);
        conv.set_path(path);
        conv.initialise(InitKind::He, rng);
        if (bias) conv.b = random_mat(3, 1, rng);
        check_layer(conv, random_mat(2 * 7 * 6, 2, rng), 7, 1e-6, 1e-3);  // linear in x and W: see check_layer
      }
}

TEST_CASE("gradient check: conv2d on the Winograd path, 3x3 and 5x5, several channels, a batch past one lane group") {
  Rng rng(27);
  for (int k : {3, 5}) {
    INFO("kernel " << k);
    Conv2D conv(Shape{5, 9, 7}, 3, k, k, 1, 1, 1, true);
    REQUIRE(conv.path() == ConvPath::Winograd);
    conv.initialise(InitKind::He, rng);
    conv.b = random_mat(3, 1, rng);
    check_layer(conv, random_mat(5 * 9 * 7, 11, rng), 7, 1e-6, 1e-3);
  }
}

TEST_CASE("gradient check: conv2d with several input channels and a non-square kernel") {
  Rng rng(22);
  Conv2D conv(Shape{3, 6, 7}, 2, 3, 2, 1, 1, 1, true);
  conv.initialise(InitKind::He, rng);
  conv.b = random_mat(2, 1, rng);
  check_layer(conv, random_mat(126, 3, rng), 7, 1e-6, 1e-3);
}

TEST_CASE("gradient check: max pooling, with and without overlapping windows") {
  Rng rng(23);
  // Normal samples have no ties, and a +-1e-6 change does not change any window's winner.
  for (auto [k, s] : {std::pair{2, 2}, std::pair{3, 2}, std::pair{2, 1}}) {
    INFO("window " << k << " stride " << s);
    MaxPool2D p(Shape{2, 6, 7}, k, s);
    check_layer(p, random_mat(84, 3, rng));
  }
  // Even sizes with the 2x2 window and stride 2: the path that finds the winners in backward.
  MaxPool2D even(Shape{2, 6, 8}, 2, 2);
  check_layer(even, random_mat(96, 3, rng));
  Flatten f(Shape{2, 3, 3});
  check_layer(f, random_mat(18, 2, rng));
}

TEST_CASE("gradient check: dropout with a fixed mask") {
  Rng rng(24);
  Dropout d(Shape{10, 1, 1}, 0.4f);
  d.initialise(InitKind::He, rng);
  const Mat x = random_mat(10, 6, rng);
  Mat out;
  d.forward(x, out, true);
  d.freeze_mask(true);
  REQUIRE((d.mask().array() == 0).count() > 0);  // some values are dropped
  check_layer(d, x);
}

TEST_CASE("gradient check: batch norm on a flat input and on an image, in training") {
  Rng rng(25);
  {
    BatchNorm bn(Shape{5, 1, 1});
    bn.gamma = random_mat(5, 1, rng);
    bn.beta = random_mat(5, 1, rng);
    check_layer(bn, random_mat(5, 6, rng, 2.0));
  }
  {
    BatchNorm bn(Shape{3, 4, 5});
    bn.gamma = random_mat(3, 1, rng);
    bn.beta = random_mat(3, 1, rng);
    check_layer(bn, random_mat(60, 3, rng, 2.0));
  }
}

TEST_CASE("gradient check: batch norm in evaluation (running statistics are constants)") {
  Rng rng(26);
  BatchNorm bn(Shape{3, 2, 2});
  bn.gamma = random_mat(3, 1, rng);
  bn.beta = random_mat(3, 1, rng);
  bn.running_mean = random_mat(3, 1, rng);
  bn.running_var = (random_mat(3, 1, rng).array().abs() + 0.5).matrix();
  Mat x = random_mat(12, 4, rng);
  const Mat r = random_mat(12, 4, rng);
  auto f = [&] {
    Mat o;
    bn.forward(x, o, false);
    return (o.array() * r.array()).sum();
  };
  Mat out, din;
  bn.forward(x, out, false);
  bn.backward(x, out, r, &din);
  const Mat dgamma = bn.dgamma, dbeta = bn.dbeta;
  CHECK(max_grad_error(x, din, f) < 1e-6);
  CHECK(max_grad_error(bn.gamma, dgamma, f) < 1e-6);
  CHECK(max_grad_error(bn.beta, dbeta, f) < 1e-6);
}

namespace {

// Loss of a whole network through every layer to the input, against central differences.
void check_network(const NetSpec& spec, uint64_t seed) {
  Network net(spec);
  net.initialise(InitKind::He, seed);
  Rng rng(seed + 1);
  const uint8_t labels[4] = {2, 0, 1, 3};
  nnviz::test::check_network(net, random_mat(spec.input.size(), 4, rng), labels);
}

}  // namespace

TEST_CASE("gradient check: a whole conv network, conv -> relu -> maxpool -> flatten -> dense") {
  NetSpec spec;
  spec.input = Shape{1, 8, 8};
  spec.layers = {conv(3, 3), act("relu"), maxpool(2), flatten(), dense(4)};
  check_network(spec, 31);
}

TEST_CASE("gradient check: two convolutions with stride, padding and dilation, and batch norm") {
  NetSpec spec;
  spec.input = Shape{2, 9, 9};
  spec.layers = {conv(3, 3, 1, 1, 2), batchnorm(), act("tanh"), conv(4, 3, 2, 1), act("relu"), maxpool(2),
                 flatten(), dense(5), batchnorm(), act("sigmoid"), dense(4)};
  check_network(spec, 41);
}
