#include "engine/layer_stats.h"

#include <algorithm>
#include <cmath>

#include "nn/layer_types.h"

namespace nnviz {

namespace {

using ArrayMap = Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>>;
constexpr Eigen::Index kChunk = 1024;  // summed in Scalar, chunks added in double

// Sum of squares of a (or of a - b), vectorised within chunks, accumulated in double across them.
double sum_squares(const Scalar* a, const Scalar* b, Eigen::Index n) {
  double s = 0;
  for (Eigen::Index i = 0; i < n; i += kChunk) {
    const Eigen::Index m = std::min(kChunk, n - i);
    if (b) s += double((ArrayMap(a + i, m) - ArrayMap(b + i, m)).square().sum());
    else s += double(ArrayMap(a + i, m).square().sum());
  }
  return s;
}

}  // namespace

Histogram Histogram::of(const Scalar* v, size_t n, int bins) {
  Histogram h;
  h.counts.assign(size_t(std::max(1, bins)), 0);
  if (n == 0) return h;
  const ArrayMap a(v, Eigen::Index(n));
  double lo = a.minCoeff(), hi = a.maxCoeff();
  // Any NaN or Inf makes the sum NaN or infinite (so can a huge finite sum: the careful path
  // below is right for that too).
  const bool finite = std::isfinite(lo) && std::isfinite(hi) && std::isfinite(double(a.sum()));
  if (!finite) {
    lo = INFINITY, hi = -INFINITY;
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
  }
  if (lo == hi) lo -= 0.5, hi += 0.5;
  h.lo = float(lo);
  h.hi = float(hi);
  const int nb = h.bins();
  const float flo = float(lo), scale = float(nb / (hi - lo));
  // Bin indices a chunk at a time (vectorised), then four tables of counts, so that runs of equal
  // bins do not wait on one another.
  std::vector<uint32_t> t(size_t(nb) * 4, 0);
  Eigen::Array<int, Eigen::Dynamic, 1> idx(kChunk);
  for (Eigen::Index i = 0; i < Eigen::Index(n); i += kChunk) {
    const Eigen::Index m = std::min(kChunk, Eigen::Index(n) - i);
    const ArrayMap c(v + i, m);
    if (finite) {
      idx.head(m) = ((c.template cast<float>() - flo) * scale).template cast<int>().max(0).min(nb - 1);
    } else {
      for (Eigen::Index k = 0; k < m; ++k)
        idx[k] = std::isfinite(c[k]) ? std::min(nb - 1, std::max(0, int((float(c[k]) - flo) * scale))) : -1;
    }
    Eigen::Index k = 0;
    if (finite)
      for (; k + 4 <= m; k += 4) {
        ++t[idx[k]];
        ++t[nb + idx[k + 1]];
        ++t[2 * nb + idx[k + 2]];
        ++t[3 * nb + idx[k + 3]];
      }
    for (; k < m; ++k)
      if (idx[k] >= 0) ++t[idx[k]];
  }
  for (int b = 0; b < nb; ++b) h.counts[b] = t[b] + t[nb + b] + t[2 * nb + b] + t[3 * nb + b];
  return h;
}

uint64_t Histogram::total() const {
  uint64_t t = 0;
  for (uint32_t c : counts) t += c;
  return t;
}

double l2_norm(const Mat& m) { return std::sqrt(sum_squares(m.data(), nullptr, m.size())); }

double l2_distance(const Mat& a, const Mat& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return NAN;
  return std::sqrt(sum_squares(a.data(), b.data(), a.size()));
}

double dead_share(const Mat& act, Shape shape) {
  const int rows = int(act.rows()), cols = int(act.cols());
  if (rows == 0 || cols == 0) return 0;
  // A unit: one row, or for image-shaped values one channel (a block of h*w rows).
  const int per = (shape.size() == rows && shape.h * shape.w > 1) ? shape.h * shape.w : 1;
  const int units = rows / per;
  int alive = 0;
  if (per == 1) {
    alive = int((act.array() != Scalar(0)).rowwise().any().count());
  } else {
    std::vector<char> on(size_t(units), 0);
    for (int j = 0; j < cols && alive < units; ++j)
      for (int u = 0; u < units; ++u)
        if (!on[u] && (act.col(j).segment(Eigen::Index(u) * per, per).array() != Scalar(0)).any()) on[u] = 1, ++alive;
  }
  return double(units - alive) / units;
}

LayerStatsLayout LayerStatsLayout::of(const Network& net) {
  LayerStatsLayout l;
  Network& n = const_cast<Network&>(net);  // params() hands out pointers; nothing is changed
  for (const auto& p : n.params()) l.params.push_back(p.name);
  for (size_t i = 0; i < net.num_layers(); ++i)
    if (find_layer_type(net.layer(i).type())->can_die) {
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
    if (find_layer_type(net.layer(i).type())->can_die)
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
