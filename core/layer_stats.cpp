#include "layer_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace nnviz {

Histogram Histogram::of(const Scalar* v, size_t n, int bins) {
  Histogram h;
  h.counts.assign(size_t(std::max(1, bins)), 0);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    const double x = v[i];
    if (!std::isfinite(x)) {
      ++h.nonfinite;
      continue;
    }
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  if (lo > hi) return h;  // no finite value
  if (lo == hi) lo -= 0.5, hi += 0.5;
  h.lo = float(lo);
  h.hi = float(hi);
  const int nb = h.bins();
  const double scale = nb / (hi - lo);
  for (size_t i = 0; i < n; ++i) {
    const double x = v[i];
    if (!std::isfinite(x)) continue;
    const int b = std::min(nb - 1, std::max(0, int((x - lo) * scale)));
    ++h.counts[b];
  }
  return h;
}

uint64_t Histogram::total() const {
  uint64_t t = 0;
  for (uint32_t c : counts) t += c;
  return t;
}

double l2_norm(const Mat& m) {
  double s = 0;
  const Scalar* p = m.data();
  for (Eigen::Index i = 0; i < m.size(); ++i) s += double(p[i]) * double(p[i]);
  return std::sqrt(s);
}

double l2_distance(const Mat& a, const Mat& b) {
  double s = 0;
  const Scalar *p = a.data(), *q = b.data();
  for (Eigen::Index i = 0; i < std::min(a.size(), b.size()); ++i) {
    const double d = double(p[i]) - double(q[i]);
    s += d * d;
  }
  return std::sqrt(s);
}

double dead_share(const Mat& act, Shape shape) {
  const int rows = int(act.rows()), cols = int(act.cols());
  if (rows == 0 || cols == 0) return 0;
  // A unit: one row, or for image-shaped values one channel (a block of h*w rows).
  const int per = (shape.size() == rows && shape.h * shape.w > 1) ? shape.h * shape.w : 1;
  const int units = rows / per;
  std::vector<char> alive(size_t(units), 0);
  for (int j = 0; j < cols; ++j) {
    const Scalar* c = act.col(j).data();
    for (int r = 0; r < rows; ++r)
      if (c[r] != 0) alive[r / per] = 1;
  }
  int dead = 0;
  for (char a : alive) dead += !a;
  return double(dead) / units;
}

LayerStatsLayout LayerStatsLayout::of(const Network& net) {
  LayerStatsLayout l;
  Network& n = const_cast<Network&>(net);  // params() hands out pointers; nothing is changed
  for (const auto& p : n.params()) l.params.push_back(p.name);
  for (size_t i = 0; i < net.num_layers(); ++i)
    if (std::strcmp(net.layer(i).type(), "relu") == 0) {
      l.relu_layers.push_back(int(i));
      l.relu_shapes.push_back(net.layer(i).out_shape());
    }
  return l;
}

void LayerStatsRecorder::before_update(Network& net) {
  point_ = std::make_shared<LayerStatsPoint>();
  auto ps = net.params();
  before_.resize(ps.size());
  point_->params.resize(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    const Mat& w = *ps[i].p.value;
    const Mat& g = *ps[i].p.grad;
    ParamStats& s = point_->params[i];
    s.norm = float(l2_norm(w));
    s.grad_norm = float(l2_norm(g));
    s.values = Histogram::of(w.data(), size_t(w.size()));
    s.grads = Histogram::of(g.data(), size_t(g.size()));
    before_[i] = w;
  }
  for (size_t i = 0; i < net.num_layers(); ++i)
    if (std::strcmp(net.layer(i).type(), "relu") == 0)
      point_->dead.push_back(float(dead_share(net.act(i + 1), net.layer(i).out_shape())));
}

std::shared_ptr<LayerStatsPoint> LayerStatsRecorder::after_update(Network& net, long step, float epoch) {
  auto p = std::move(point_);
  if (!p) return p;
  p->step = step;
  p->epoch = epoch;
  auto ps = net.params();
  for (size_t i = 0; i < ps.size() && i < before_.size(); ++i) {
    const double n0 = p->params[i].norm;
    p->params[i].update_ratio = n0 > 0 ? float(l2_distance(*ps[i].p.value, before_[i]) / n0) : 0.f;
  }
  return p;
}

}  // namespace nnviz
