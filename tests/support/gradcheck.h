// Numerical gradient checks (central differences, double precision).
//
// A layer's output is projected onto a fixed random vector r, giving one scalar
//   f(x, params) = sum_ij r_ij * forward(x)_ij
// whose gradient the layer's backward computes when given dout = r. Every input value and every
// parameter value is perturbed by +-h and the difference quotient compared with that gradient.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "base/rng.h"
#include "nn/layer.h"
#include "nn/network.h"

namespace nnviz::test {

static_assert(sizeof(Scalar) == 8, "gradient checks must be built against the double-precision core");

inline Mat random_mat(int rows, int cols, Rng& rng, double scale = 1.0, double min_abs = 0.0) {
  Mat m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    double v;
    do v = rng.normal() * scale; while (std::fabs(v) < min_abs);
    m.data()[i] = v;
  }
  return m;
}

// Relative error |a - b| / (|a| + |b|). Below 1e-3 the denominator is held at 1e-3, so for tiny
// gradients the comparison becomes absolute: there the rounding error of the central difference
// (about 1e-16 * |f| / h) is of the order of the gradient itself.
inline double rel_error(double a, double b) { return std::fabs(a - b) / std::max(1e-3, std::fabs(a) + std::fabs(b)); }

// Largest relative error between the analytic gradient `analytic` of `f` with respect to the
// values in `x` and central differences of f.
inline double max_grad_error(Mat& x, const Mat& analytic, const std::function<double()>& f, double h = 1e-6) {
  REQUIRE(x.rows() == analytic.rows());
  REQUIRE(x.cols() == analytic.cols());
  double worst = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double old = x.data()[i];
    x.data()[i] = old + h;
    const double fp = f();
    x.data()[i] = old - h;
    const double fm = f();
    x.data()[i] = old;
    const double num = (fp - fm) / (2 * h);
    const double ana = analytic.data()[i];
    worst = std::max(worst, rel_error(num, ana));
  }
  return worst;
}

// Checks a layer's input gradient and all its parameter gradients on input x, with steps of h.
// For a layer that is linear in each value on its own (a convolution, a dense layer), the central
// difference has no truncation error at any h, and a larger h (1e-3) shrinks its rounding error
// (about 1e-16 |f| / h), which at h = 1e-6 comes near the tolerance for tiny gradients.
inline void check_layer(Layer& layer, Mat x, uint64_t seed = 7, double tol = 1e-6, double h = 1e-6) {
  Rng rng(seed);
  Mat out;
  layer.forward(x, out, true);
  const Mat r = random_mat(static_cast<int>(out.rows()), static_cast<int>(out.cols()), rng);
  auto f = [&]() {
    Mat o;
    layer.forward(x, o, true);
    return (o.array() * r.array()).sum();
  };
  Mat din;
  layer.forward(x, out, true);
  layer.backward(x, out, r, &din);
  // Copy the analytic gradients before the numerical loop overwrites layer state.
  std::vector<Mat> pgrads;
  for (auto& p : layer.params()) pgrads.push_back(*p.grad);

  const double ein = max_grad_error(x, din, f, h);
  INFO("layer " << layer.type() << ": input gradient error " << ein);
  CHECK(ein < tol);
  auto ps = layer.params();
  for (size_t i = 0; i < ps.size(); ++i) {
    const double ep = max_grad_error(*ps[i].value, pgrads[i], f, h);
    INFO("layer " << layer.type() << ": parameter '" << ps[i].name << "' gradient error " << ep);
    CHECK(ep < tol);
  }
}

// The loss of a whole network, through every layer down to the input, against central
// differences: the input gradient and every parameter gradient. labels: one per column of x.
inline void check_network(Network& net, Mat x, const uint8_t* labels, double tol = 1e-6) {
  auto f = [&] {
    net.forward(x, true);
    return net.loss(labels);
  };
  f();
  net.backward(true);
  const Mat dx = net.grad(0);
  std::vector<Mat> grads;
  for (auto& np : net.params()) grads.push_back(*np.p.grad);
  CHECK(max_grad_error(x, dx, f) < tol);
  auto ps = net.params();
  for (size_t i = 0; i < ps.size(); ++i) {
    INFO(ps[i].name);
    CHECK(max_grad_error(*ps[i].p.value, grads[i], f) < tol);
  }
}

}  // namespace nnviz::test
