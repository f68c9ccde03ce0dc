#include "labs/loss_landscape.h"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <numeric>

#include "base/error.h"
#include "train/trainer.h"

namespace nnviz {

namespace {

void check_like(const ParamSet& a, const ParamSet& b) {
  if (a.size() != b.size()) throw Error("[landscape] parameter sets of " + std::to_string(a.size()) + " and " +
                                        std::to_string(b.size()) + " tensors");
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].rows() != b[i].rows() || a[i].cols() != b[i].cols())
      throw Error("[landscape] tensor " + std::to_string(i) + " differs in shape between the two sets");
}

// Puts p into the network and evaluates it.
SurfacePoint evaluate_at(Network& net, const ParamSet& p, const Split& split, int samples) {
  set_params(net, p);
  const EvalStats e = evaluate(net, split, samples);
  return {e.loss, e.accuracy};
}

}  // namespace

ParamSet params_of(Network& net) {
  ParamSet p;
  for (const Param& q : net.param_list()) p.push_back(*q.value);
  return p;
}

void set_params(Network& net, const ParamSet& p) {
  std::vector<Param> list = net.param_list();
  if (list.size() != p.size())
    throw Error("[landscape] " + std::to_string(p.size()) + " tensors for a network of " + std::to_string(list.size()));
  for (size_t i = 0; i < p.size(); ++i) {
    if (list[i].value->rows() != p[i].rows() || list[i].value->cols() != p[i].cols())
      throw Error("[landscape] tensor " + std::to_string(i) + " (" + list[i].name + ") does not fit the network");
    *list[i].value = p[i];
  }
}

ParamSet axpy(const ParamSet& a, double s, const ParamSet& b) {
  check_like(a, b);
  ParamSet r(a.size());
  for (size_t i = 0; i < a.size(); ++i) r[i] = a[i] + Scalar(s) * b[i];
  return r;
}

ParamSet plane_point(const ParamSet& c, double x, const ParamSet& a, double y, const ParamSet& b) {
  check_like(c, a);
  check_like(c, b);
  ParamSet r(c.size());
  for (size_t i = 0; i < c.size(); ++i) r[i] = c[i] + Scalar(x) * a[i] + Scalar(y) * b[i];
  return r;
}

double dot(const ParamSet& a, const ParamSet& b) {
  check_like(a, b);
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i].cast<double>().array() * b[i].cast<double>().array()).sum();
  return s;
}

double norm(const ParamSet& a) { return std::sqrt(dot(a, a)); }

ParamSet filter_normalised_direction(Network& net, const ParamSet& w, Rng& rng) {
  const std::vector<Param> list = net.param_list();
  if (list.size() != w.size()) throw Error("[landscape] the weights do not fit the network");
  ParamSet d(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    d[i] = Mat::Zero(w[i].rows(), w[i].cols());
    const std::vector<int>& shape = list[i].shape;
    if (shape.size() < 2) continue;  // a bias, a batch norm scale or shift: no move
    const long filters = shape[0], size = long(w[i].size()) / std::max(1L, filters);
    for (long f = 0; f < filters; ++f) {
      Scalar* df = d[i].data() + f * size;
      const Scalar* wf = w[i].data() + f * size;
      double dn = 0, wn = 0;
      for (long k = 0; k < size; ++k) {
        df[k] = Scalar(rng.normal());
        dn += double(df[k]) * df[k];
        wn += double(wf[k]) * wf[k];
      }
      const double scale = dn > 0 ? std::sqrt(wn / dn) : 0;
      for (long k = 0; k < size; ++k) df[k] = Scalar(df[k] * scale);
    }
  }
  return d;
}

PathPlane path_directions(const std::vector<ParamSet>& path, const ParamSet& centre) {
  const size_t m = path.size();
  std::vector<ParamSet> diff;
  for (const ParamSet& p : path) diff.push_back(axpy(p, -1, centre));
  // Gram matrix of the differences; its top eigenvectors combine them into the principal directions.
  Eigen::MatrixXd G(m, m);
  for (size_t a = 0; a < m; ++a)
    for (size_t b = a; b < m; ++b) G(a, b) = G(b, a) = dot(diff[a], diff[b]);
  if (m < 2 || G.trace() <= 0) throw Error("[landscape] the path needs two snapshots away from the centre");
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(G);
  const double total = es.eigenvalues().sum();
  PathPlane r;
  for (int k = 0; k < 2; ++k) {
    const long col = long(m) - 1 - k;
    const double lambda = es.eigenvalues()(col);
    if (!(lambda > 1e-12 * total)) throw Error("[landscape] the path does not span two directions");
    ParamSet d(centre.size());
    for (size_t i = 0; i < centre.size(); ++i) d[i] = Mat::Zero(centre[i].rows(), centre[i].cols());
    for (size_t a = 0; a < m; ++a)
      for (size_t i = 0; i < d.size(); ++i) d[i] += Scalar(es.eigenvectors()(long(a), col)) * diff[a][i];
    const double n = norm(d);
    for (Mat& t : d) t /= Scalar(n);
    (k == 0 ? r.d1 : r.d2) = std::move(d);
    r.explained[k] = lambda / total;
  }
  // Exactly orthogonal (float rounding left a little of d1 in d2).
  const double c = dot(r.d2, r.d1);
  r.d2 = axpy(r.d2, -c, r.d1);
  const double n2 = norm(r.d2);
  for (Mat& t : r.d2) t /= Scalar(n2);
  return r;
}

std::vector<std::pair<double, double>> project_path(const std::vector<ParamSet>& path, const ParamSet& centre,
                                                     const ParamSet& d1, const ParamSet& d2) {
  // Solve [d1.d1 d1.d2; d1.d2 d2.d2] (x, y) = (d1.v, d2.v) for each v = p - centre.
  const double a = dot(d1, d1), b = dot(d1, d2), c = dot(d2, d2), det = a * c - b * b;
  if (!(det > 0)) throw Error("[landscape] the two directions are parallel");
  std::vector<std::pair<double, double>> r;
  for (const ParamSet& p : path) {
    const ParamSet v = axpy(p, -1, centre);
    const double u1 = dot(d1, v), u2 = dot(d2, v);
    r.push_back({(c * u1 - b * u2) / det, (a * u2 - b * u1) / det});
  }
  return r;
}

std::vector<SurfacePoint> line_losses(Network& net, const ParamSet& a, const ParamSet& b, const std::vector<double>& ts,
                                      const Split& split, int samples, const LandscapeControl& ctl) {
  check_like(a, b);
  const ParamSet own = params_of(net);
  std::vector<SurfacePoint> r;
  for (size_t k = 0; k < ts.size() && !ctl.stopped(); ++k) {
    // (1 - t) a + t b: exactly a at t = 0 and exactly b at t = 1.
    ParamSet p(a.size());
    for (size_t i = 0; i < a.size(); ++i) p[i] = Scalar(1 - ts[k]) * a[i] + Scalar(ts[k]) * b[i];
    r.push_back(evaluate_at(net, p, split, samples));
    if (ctl.progress) ctl.progress(int(k) + 1, int(ts.size()));
  }
  set_params(net, own);
  return r;
}

std::vector<SurfacePoint> plane_losses(Network& net, const ParamSet& centre, const ParamSet& d1, const ParamSet& d2,
                                       const std::vector<double>& xs, const std::vector<double>& ys,
                                       const Split& split, int samples, const LandscapeControl& ctl) {
  const ParamSet own = params_of(net);
  std::vector<SurfacePoint> r;
  const int total = int(xs.size() * ys.size());
  for (size_t j = 0; j < ys.size() && !ctl.stopped(); ++j)
    for (size_t i = 0; i < xs.size() && !ctl.stopped(); ++i) {
      r.push_back(evaluate_at(net, plane_point(centre, xs[i], d1, ys[j], d2), split, samples));
      if (ctl.progress) ctl.progress(int(r.size()), total);
    }
  set_params(net, own);
  return r;
}

std::vector<double> evenly(double lo, double hi, int n) {
  std::vector<double> v(size_t(std::max(0, n)));
  for (int k = 0; k < n; ++k) v[size_t(k)] = n == 1 ? lo : lo + (hi - lo) * k / (n - 1);
  return v;
}

}  // namespace nnviz
