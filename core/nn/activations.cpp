#include "nn/activations.h"

#include "base/parallel.h"

namespace nnviz {

const char* Activation::type() const {
  switch (kind_) {
    case Kind::Sigmoid: return "sigmoid";
    case Kind::Tanh: return "tanh";
    case Kind::Relu: return "relu";
    case Kind::LeakyRelu: return "leaky_relu";
  }
  return "?";
}

void Activation::forward(const Mat& in, Mat& out, bool) {
  out.resize(in.rows(), in.cols());
  const Scalar a = static_cast<Scalar>(alpha_);
  for_batch_ranges(in.cols(), double(in.rows()), [&](long b, long e) {
    const auto x = in.middleCols(b, e - b).array();
    auto y = out.middleCols(b, e - b).array();
    switch (kind_) {
      case Kind::Sigmoid: y = Scalar(1) / (Scalar(1) + (-x).exp()); break;
      case Kind::Tanh: y = x.tanh(); break;
      case Kind::Relu: y = x.max(Scalar(0)); break;
      case Kind::LeakyRelu: y = (x > Scalar(0)).select(x, a * x); break;
    }
  });
}

void Activation::backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) {
  if (!din) return;
  din->resize(dout.rows(), dout.cols());
  const Scalar a = static_cast<Scalar>(alpha_);
  for_batch_ranges(dout.cols(), double(dout.rows()), [&](long b, long e) {
    const auto y = out.middleCols(b, e - b).array();
    const auto g = dout.middleCols(b, e - b).array();
    auto d = din->middleCols(b, e - b).array();
    switch (kind_) {
      case Kind::Sigmoid: d = g * y * (Scalar(1) - y); break;
      case Kind::Tanh: d = g * (Scalar(1) - y * y); break;
      case Kind::Relu: d = (y > Scalar(0)).select(g, Scalar(0)); break;
      case Kind::LeakyRelu: d = (in.middleCols(b, e - b).array() > Scalar(0)).select(g, a * g); break;
    }
  });
}

}  // namespace nnviz
