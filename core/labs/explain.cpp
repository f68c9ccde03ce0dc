#include "labs/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "base/error.h"

namespace nnviz {

namespace {

std::string format(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

}  // namespace

bool UpdateExplanation::matches() const {
  // The step computes in float; this recomputation in double. Agreement to float rounding.
  return std::fabs(computed - actual) <= 1e-5 * std::max(1.0, std::fabs(actual)) + 1e-7;
}

UpdateExplanation explain_update(const StepTrace& t, size_t param, size_t index) {
  UpdateExplanation e;
  if (param >= t.param_names.size() || index >= size_t(t.param_before[param].size()))
    throw Error("[explain] no such weight in the recorded step");
  const OptConfig& o = t.opt;
  auto state = [&](size_t j) {
    const auto& v = t.state_before[param];
    return j < v.size() ? double(v[j].second.data()[index]) : 0.0;
  };
  const double w = t.param_before[param].data()[index];
  const double g0 = t.param_grad[param].data()[index];
  const double lr = t.lr, wd = t.param_decay[param] ? double(o.weight_decay) : 0.0;
  const double mu = o.momentum, eps = o.eps;
  const bool adamw = o.kind == OptKind::AdamW;
  e.before = w;
  e.grad = g0;
  e.actual = t.param_after[param].data()[index];

  double g = g0;
  if (wd != 0 && !adamw) {
    g = g0 + wd * w;
    e.lines.push_back(format("g = dL/dw + wd w = %.8g + %.3g * %.8g = %.8g", g0, wd, w, g));
  } else {
    e.lines.push_back(format("g = dL/dw = %.8g", g));
  }
  switch (o.kind) {
    case OptKind::Sgd:
      e.computed = w - lr * g;
      e.lines.push_back(format("w' = w - lr g = %.8g - %.5g * %.8g = %.8g", w, lr, g, e.computed));
      break;
    case OptKind::Momentum: {
      const double v = mu * state(0) + g;
      e.computed = w - lr * v;
      e.lines.push_back(format("v' = mu v + g = %.4g * %.8g + %.8g = %.8g", mu, state(0), g, v));
      e.lines.push_back(format("w' = w - lr v' = %.8g - %.5g * %.8g = %.8g", w, lr, v, e.computed));
      break;
    }
    case OptKind::Nesterov: {
      const double v = mu * state(0) + g;
      e.computed = w - lr * (g + mu * v);
      e.lines.push_back(format("v' = mu v + g = %.4g * %.8g + %.8g = %.8g", mu, state(0), g, v));
      e.lines.push_back(
          format("w' = w - lr (g + mu v') = %.8g - %.5g * (%.8g + %.4g * %.8g) = %.8g", w, lr, g, mu, v, e.computed));
      break;
    }
    case OptKind::AdaGrad:
    case OptKind::RmsProp: {
      const bool ada = o.kind == OptKind::AdaGrad;
      const double s = ada ? state(0) + g * g : o.rho * state(0) + (1 - o.rho) * g * g;
      e.computed = w - lr * g / (std::sqrt(s) + eps);
      if (ada) e.lines.push_back(format("s' = s + g^2 = %.8g + %.8g = %.8g", state(0), g * g, s));
      else
        e.lines.push_back(format("s' = rho s + (1 - rho) g^2 = %.3g * %.8g + %.3g * %.8g = %.8g", double(o.rho),
                                 state(0), 1 - o.rho, g * g, s));
      e.lines.push_back(format("w' = w - lr g / (sqrt(s') + eps) = %.8g - %.5g * %.8g / (%.8g + %.1g) = %.8g", w, lr, g,
                               std::sqrt(s), eps, e.computed));
      break;
    }
    case OptKind::Adam:
    case OptKind::AdamW: {
      const double w0 = adamw ? w - lr * wd * w : w;
      if (adamw && wd != 0)
        e.lines.push_back(format("decoupled decay first: w - lr wd w = %.8g - %.5g * %.3g * %.8g = %.8g", w, lr, wd, w, w0));
      const double b1 = o.beta1, b2 = o.beta2;
      const double m = b1 * state(0) + (1 - b1) * g;
      const double v = b2 * state(1) + (1 - b2) * g * g;
      const double mh = m / (1 - std::pow(b1, double(t.opt_t)));
      const double vh = v / (1 - std::pow(b2, double(t.opt_t)));
      e.computed = w0 - lr * mh / (std::sqrt(vh) + eps);
      e.lines.push_back(format("m' = b1 m + (1 - b1) g = %.3g * %.8g + %.3g * %.8g = %.8g", b1, state(0), 1 - b1, g, m));
      e.lines.push_back(
          format("v' = b2 v + (1 - b2) g^2 = %.4g * %.8g + %.4g * %.8g = %.8g", b2, state(1), 1 - b2, g * g, v));
      e.lines.push_back(format("bias correction (t = %ld): m^ = m' / (1 - b1^t) = %.8g, v^ = v' / (1 - b2^t) = %.8g",
                               t.opt_t, mh, vh));
      e.lines.push_back(format("w' = w - lr m^ / (sqrt(v^) + eps) = %.8g - %.5g * %.8g / (%.8g + %.1g) = %.8g", w0, lr,
                               mh, std::sqrt(vh), eps, e.computed));
      break;
    }
  }
  return e;
}


ConvExplanation explain_conv(const ConvGeom& g, const Mat& W, const Mat* b, const Mat& in, int sample, int o, int y,
                             int x) {
  if (o < 0 || o >= g.o || y < 0 || y >= g.oh || x < 0 || x >= g.ow)
    throw Error("[explain] no output value (" + std::to_string(o) + ", " + std::to_string(y) + ", " + std::to_string(x) +
                ") in a " + std::to_string(g.o) + "x" + std::to_string(g.oh) + "x" + std::to_string(g.ow) + " output");
  if (sample < 0 || sample >= in.cols() || in.rows() != int64_t(g.c) * g.h * g.w || W.rows() != g.taps() || W.cols() != g.o)
    throw Error("[explain] the input or weights do not fit the convolution");
  ConvExplanation e;
  e.g = g;
  e.o = o, e.y = y, e.x = x;
  e.top = y * g.stride - g.pad;
  e.left = x * g.stride - g.pad;
  const int taps = g.taps();
  e.patch.resize(size_t(taps));
  e.kernel.resize(size_t(taps));
  e.products.resize(size_t(taps));
  e.padded.resize(size_t(taps));
  for (int c = 0; c < g.c; ++c)
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        const int t = (c * g.kh + i) * g.kw + j;
        const int r = e.top + i * g.dil, q = e.left + j * g.dil;
        const bool pad = r < 0 || r >= g.h || q < 0 || q >= g.w;
        e.padded[size_t(t)] = pad;
        e.patch[size_t(t)] = pad ? 0.0 : double(in((int64_t(c) * g.h + r) * g.w + q, sample));
        e.kernel[size_t(t)] = double(W(t, o));
        e.products[size_t(t)] = e.patch[size_t(t)] * e.kernel[size_t(t)];
        e.sum += e.products[size_t(t)];
      }
  e.bias = b ? double((*b)(o, 0)) : 0.0;
  e.value = e.sum + e.bias;
  return e;
}

PoolExplanation explain_maxpool(Shape in, int k, int stride, const Mat& input, int sample, int c, int y, int x) {
  const int oh = (in.h - k) / stride + 1, ow = (in.w - k) / stride + 1;
  if (k < 1 || stride < 1 || c < 0 || c >= in.c || y < 0 || y >= oh || x < 0 || x >= ow || sample < 0 ||
      sample >= input.cols() || input.rows() != in.size())
    throw Error("[explain] no such pooled value");
  PoolExplanation e;
  e.c = c, e.y = y, e.x = x, e.k = k;
  e.top = y * stride, e.left = x * stride;
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      const double v = double(input((int64_t(c) * in.h + e.top + i) * in.w + e.left + j, sample));
      if (e.window.empty() || v > e.value) e.value = v, e.winner = i * k + j;
      e.window.push_back(v);
    }
  return e;
}

SoftmaxExplanation explain_softmax(const Mat& logits, int sample) {
  if (sample < 0 || sample >= logits.cols() || logits.rows() == 0) throw Error("[explain] no such sample");
  SoftmaxExplanation e;
  for (int k = 0; k < logits.rows(); ++k) e.logits.push_back(double(logits(k, sample)));
  e.max = *std::max_element(e.logits.begin(), e.logits.end());
  for (double l : e.logits) e.exps.push_back(std::exp(l - e.max)), e.sum += e.exps.back();
  for (double v : e.exps) e.probs.push_back(v / e.sum);
  return e;
}

}  // namespace nnviz
