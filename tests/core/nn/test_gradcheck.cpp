// Gradient checks of every layer and loss, in double precision, for inputs and parameters.
#include <doctest/doctest.h>

#include "gradcheck.h"
#include "nn/activations.h"
#include "nn/dense.h"
#include "nn/loss.h"
#include "nn/network.h"

using namespace nnviz;
using namespace nnviz::test;

TEST_CASE("gradient check: dense, with and without bias") {
  Rng rng(1);
  for (bool bias : {true, false}) {
    Dense d(Shape{7, 1, 1}, 5, bias);
    d.initialise(InitKind::XavierNormal, rng);
    if (bias) d.b = random_mat(5, 1, rng);  // non-zero biases, so they matter in the check
    check_layer(d, random_mat(7, 4, rng));
  }
}

TEST_CASE("gradient check: dense through each forward kernel") {
  // 9 units and 20 inputs: from 8 samples the forward product is the packed one, below it the dot
  // one, and with 1 sample Eigen's (Dense::forward_kernel); the gradients' kernel leaves a
  // remainder of rows and columns.
  Rng rng(4);
  for (int batch : {1, 3, 9}) {
    INFO("batch " << batch);
    Dense d(Shape{20, 1, 1}, 9, true);
    d.initialise(InitKind::XavierNormal, rng);
    d.b = random_mat(9, 1, rng);
    check_layer(d, random_mat(20, batch, rng));
  }
  CHECK(Dense::forward_kernel(20, 9, 1) == DenseKernel::eigen);
  CHECK(Dense::forward_kernel(20, 9, 3) == DenseKernel::dot);
  CHECK(Dense::forward_kernel(20, 9, 9) == DenseKernel::packed);
}

TEST_CASE("gradient check: dense on an image-shaped input") {
  Rng rng(2);
  Dense d(Shape{2, 3, 3}, 4, true);
  d.initialise(InitKind::He, rng);
  check_layer(d, random_mat(18, 3, rng));
}

TEST_CASE("gradient check: activations") {
  Rng rng(3);
  const Shape s{6, 1, 1};
  // Inputs kept away from 0 so that relu's kink is not straddled by the +-h perturbation.
  const Mat x = random_mat(6, 5, rng, 1.0, 1e-3);
  for (auto kind : {Activation::Kind::Sigmoid, Activation::Kind::Tanh, Activation::Kind::Relu,
                    Activation::Kind::LeakyRelu}) {
    Activation a(s, kind, 0.1f);
    check_layer(a, x);
  }
}

TEST_CASE("gradient check: softmax cross-entropy with respect to the logits") {
  Rng rng(4);
  Mat z = random_mat(10, 6, rng, 3.0);
  const uint8_t labels[6] = {0, 3, 9, 3, 7, 1};
  Mat dz;
  softmax_cross_entropy(z, labels, &dz);
  const double err = max_grad_error(z, dz, [&] { return softmax_cross_entropy(z, labels, nullptr); });
  CHECK(err < 1e-6);
}

TEST_CASE("softmax cross-entropy is stable for huge logits") {
  Mat z(3, 1);
  z << 1000, 0, -1000;
  const uint8_t y[1] = {1};
  Mat dz, p;
  const double loss = softmax_cross_entropy(z, y, &dz, &p);
  CHECK(std::isfinite(loss));
  CHECK(loss == doctest::Approx(1000.0));
  CHECK(p(0, 0) == doctest::Approx(1.0));
  CHECK(dz.allFinite());
}

TEST_CASE("gradient check: mean squared error with respect to the predictions") {
  Rng rng(5);
  Mat a = random_mat(4, 5, rng);
  const Mat t = random_mat(4, 5, rng);
  Mat da;
  mean_squared_error(a, t, &da);
  const double err = max_grad_error(a, da, [&] { return mean_squared_error(a, t, nullptr); });
  CHECK(err < 1e-6);
}

TEST_CASE("gradient check: a whole network, loss through every layer to the input") {
  NetSpec spec;
  spec.input = Shape{1, 3, 4};
  spec.layers = {dense(6), act("tanh"), dense(5), act("sigmoid"), dense(4), act("leaky_relu"), dense(3)};
  Network net(spec);
  net.initialise(InitKind::XavierUniform, 11);
  Rng rng(12);
  const uint8_t labels[4] = {2, 0, 1, 2};
  check_network(net, random_mat(12, 4, rng), labels);
}
