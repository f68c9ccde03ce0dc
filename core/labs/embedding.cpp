#include "labs/embedding.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "base/error.h"
#include "base/rng.h"

namespace nnviz {

namespace {

// Exact up to this many dimensions (an eigen-decomposition of a matrix of this size is fast);
// beyond, randomised subspace iteration.
constexpr long kExactPcaDims = 512;
constexpr int kPcaOversampling = 10;
constexpr int kPcaPowerIterations = 4;

// Turns the columns of A into an orthonormal basis of their span (thin Q of a QR decomposition).
MatD orthonormal(const MatD& A) {
  Eigen::HouseholderQR<MatD> qr(A);
  return qr.householderQ() * MatD::Identity(A.rows(), A.cols());
}

// The k largest eigenpairs of a symmetric matrix, by decreasing eigenvalue.
void top_eigen(const MatD& S, int k, Eigen::VectorXd& values, MatD& vectors) {
  Eigen::SelfAdjointEigenSolver<MatD> es(S);
  const long m = S.rows();
  values.resize(k);
  vectors.resize(m, k);
  for (int j = 0; j < k; ++j) {  // Eigen's are ascending
    values(j) = std::max(0.0, es.eigenvalues()(m - 1 - j));
    vectors.col(j) = es.eigenvectors().col(m - 1 - j);
  }
}

// Indices of each column's k nearest other columns of X (squared Euclidean distance, nearest
// first), row-major n x k, and their squared distances. Brute force in blocks of columns: the
// distances are |a|^2 + |b|^2 - 2 a.b, one matrix product a block.
void nearest(const MatD& X, int k, std::vector<int>& idx, std::vector<double>& dist) {
  const long n = X.cols();
  const Eigen::VectorXd norms = X.colwise().squaredNorm().transpose();
  idx.assign(size_t(n) * k, 0);
  dist.assign(size_t(n) * k, 0);
  constexpr long kBlock = 256;
  std::vector<int> order(static_cast<size_t>(n));
  for (long b0 = 0; b0 < n; b0 += kBlock) {
    const long b1 = std::min(n, b0 + kBlock);
    MatD D = -2.0 * (X.middleCols(b0, b1 - b0).transpose() * X);  // (b1-b0) x n
    for (long i = b0; i < b1; ++i) {
      auto row = D.row(i - b0);
      row.array() += norms.transpose().array() + norms(i);
      row(i) = std::numeric_limits<double>::infinity();
      std::iota(order.begin(), order.end(), 0);
      auto closer = [&](int a, int b) { return row(a) < row(b) || (row(a) == row(b) && a < b); };
      std::partial_sort(order.begin(), order.begin() + k, order.end(), closer);
      for (int j = 0; j < k; ++j) {
        idx[size_t(i) * k + j] = order[size_t(j)];
        dist[size_t(i) * k + j] = std::max(0.0, row(order[size_t(j)]));
      }
    }
  }
}

// Barnes-Hut quadtree over the columns of Y (2 x n). Leaves hold one point, or several that lie
// closer together than the tree can split (a linked list through next).
class QuadTree {
 public:
  explicit QuadTree(const MatD& Y) : Y_(Y), next_(size_t(Y.cols()), -1) {
    const Eigen::Vector2d lo = Y.rowwise().minCoeff(), hi = Y.rowwise().maxCoeff();
    const Eigen::Vector2d c = (lo + hi) / 2;
    const double hw = std::max((hi - lo).maxCoeff() / 2, 1e-9) * (1 + 1e-6);
    nodes_.reserve(size_t(Y.cols()) * 2 + 1);
    nodes_.push_back(Node{c.x(), c.y(), hw});
    for (int i = 0; i < int(Y.cols()); ++i) insert(i);
  }

  // Sum over every point j != i of w_ij^2 (y_i - y_j) into f, and of w_ij into z, w = 1/(1 + d^2);
  // a cell whose width / distance is under theta counts as all its points at its centre of mass.
  void repulsion(int i, double theta, double& fx, double& fy, double& z) const {
    const double yx = Y_(0, i), yy = Y_(1, i), t2 = theta * theta;
    int stack[512];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const Node& nd = nodes_[size_t(stack[--top])];
      if (nd.count == 0) continue;
      if (nd.child < 0) {
        for (int p = nd.point; p >= 0; p = next_[size_t(p)]) {
          if (p == i) continue;
          const double dx = yx - Y_(0, p), dy = yy - Y_(1, p);
          const double w = 1 / (1 + dx * dx + dy * dy);
          z += w;
          fx += w * w * dx;
          fy += w * w * dy;
        }
        continue;
      }
      const double cx = nd.mx / nd.count, cy = nd.my / nd.count;
      const double dx = yx - cx, dy = yy - cy, d2 = dx * dx + dy * dy;
      const double width = 2 * nd.hw;
      if (width * width < t2 * d2) {
        const double w = 1 / (1 + d2);
        z += nd.count * w;
        fx += nd.count * w * w * dx;
        fy += nd.count * w * w * dy;
      } else {
        for (int q = 0; q < 4; ++q) stack[top++] = nd.child + q;
      }
    }
  }

 private:
  struct Node {
    double cx, cy, hw;          // the cell's centre and half width
    double mx = 0, my = 0;      // the sum of its points' positions
    int count = 0;
    int child = -1;             // the first of its 4 children, or -1 for a leaf
    int point = -1;             // a leaf's first point
    int depth = 0;
  };
  static constexpr int kMaxDepth = 60;  // and 4 x 60 + 1 < the traversal's stack of 512

  int quadrant(const Node& nd, int i) const {
    return (Y_(0, i) >= nd.cx ? 1 : 0) + (Y_(1, i) >= nd.cy ? 2 : 0);
  }
  void split(int at) {
    const int first = int(nodes_.size());
    const Node parent = nodes_[size_t(at)];
    const double h = parent.hw / 2;
    for (int q = 0; q < 4; ++q) {
      Node c{parent.cx + ((q & 1) ? h : -h), parent.cy + ((q & 2) ? h : -h), h};
      c.depth = parent.depth + 1;
      nodes_.push_back(c);
    }
    nodes_[size_t(at)].child = first;
    // The leaf held one point (a leaf of several is at the depth limit and never splits).
    const int p = parent.point;
    nodes_[size_t(at)].point = -1;
    Node& c = nodes_[size_t(first + quadrant(parent, p))];
    c.point = p;
    c.count = 1;
    c.mx = Y_(0, p);
    c.my = Y_(1, p);
  }
  void insert(int i) {
    int at = 0;
    for (;;) {
      {
        Node& nd = nodes_[size_t(at)];
        nd.count += 1;
        nd.mx += Y_(0, i);
        nd.my += Y_(1, i);
        if (nd.child < 0) {
          if (nd.point < 0) {
            nd.point = i;
            return;
          }
          if (nd.depth >= kMaxDepth) {
            next_[size_t(i)] = nd.point;
            nd.point = i;
            return;
          }
          // A leaf of one point: split() hands that point down, and i goes on below.
        }
      }
      if (nodes_[size_t(at)].child < 0) split(at);
      const Node& nd = nodes_[size_t(at)];
      at = nd.child + quadrant(nd, i);
    }
  }

  const MatD& Y_;
  std::vector<Node> nodes_;
  std::vector<int> next_;
};

}  // namespace

Pca pca(const MatD& X, int k) {
  const long d = X.rows(), n = X.cols();
  if (n < 1 || d < 1 || k < 1 || k > std::min(d, n))
    throw Error("[pca] " + std::to_string(k) + " components of " + std::to_string(n) + " samples of " +
                std::to_string(d) + " values");
  Pca r;
  r.mean = X.rowwise().mean();
  const MatD Xc = X.colwise() - r.mean;
  const double total = Xc.squaredNorm() / double(n);
  Eigen::VectorXd values;
  if (d <= kExactPcaDims) {
    MatD C = MatD::Zero(d, d);
    C.selfadjointView<Eigen::Lower>().rankUpdate(Xc, 1.0 / double(n));
    C.triangularView<Eigen::StrictlyUpper>() = C.transpose();
    top_eigen(C, k, values, r.axes);
  } else if (n <= kExactPcaDims) {
    // The Gram matrix's eigenvectors u give the axes Xc u / |Xc u|.
    MatD G = Xc.transpose() * Xc / double(n);
    MatD U;
    top_eigen(G, k, values, U);
    r.axes = Xc * U;
    for (int j = 0; j < k; ++j) {
      const double norm = r.axes.col(j).norm();
      if (norm > 0) r.axes.col(j) /= norm;
    }
  } else {
    // Randomised subspace iteration: a basis Q of the range of Xc's leading directions, then the
    // exact decomposition of the small matrix Q^T Xc.
    const int l = int(std::min<long>({long(k) + kPcaOversampling, d, n}));
    Rng rng(12345);
    MatD omega(n, l);
    for (long i = 0; i < omega.size(); ++i) omega.data()[i] = rng.normal();
    MatD Q = orthonormal(Xc * omega);
    for (int it = 0; it < kPcaPowerIterations; ++it) Q = orthonormal(Xc * orthonormal(Xc.transpose() * Q));
    const MatD B = Q.transpose() * Xc;  // l x n
    MatD V;
    top_eigen(B * B.transpose() / double(n), k, values, V);
    r.axes = Q * V;
  }
  for (int j = 0; j < k; ++j) {  // each axis' largest component positive
    Eigen::Index at = 0;
    r.axes.col(j).cwiseAbs().maxCoeff(&at);
    if (r.axes(at, j) < 0) r.axes.col(j) = -r.axes.col(j);
  }
  r.points = r.axes.transpose() * Xc;
  r.explained.resize(size_t(k));
  for (int j = 0; j < k; ++j) r.explained[size_t(j)] = total > 0 ? values(j) / total : 0;
  return r;
}

Affinities tsne_affinities(const MatD& X, double perplexity) {
  const long n = X.cols();
  if (n < 4) throw Error("[t-sne] needs at least 4 samples, not " + std::to_string(n));
  if (!(perplexity >= 1)) throw Error("[t-sne] the perplexity must be at least 1");
  const int k = int(std::min<long>(n - 1, std::lround(3 * perplexity)));
  std::vector<int> idx;
  std::vector<double> dist;
  nearest(X, k, idx, dist);
  // Each point's conditional p_j|i over its neighbours, its Gaussian's precision found by
  // bisection so that the entropy is log(perplexity).
  const double target = std::log(std::min<double>(perplexity, k));
  std::vector<double> cond(size_t(n) * k), reached(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i) {
    const double* d = &dist[size_t(i) * k];
    double* p = &cond[size_t(i) * k];
    double beta = 1, lo = 0, hi = std::numeric_limits<double>::infinity();
    for (int it = 0; it < 200; ++it) {
      double sum = 0, dsum = 0;
      for (int j = 0; j < k; ++j) {
        p[j] = std::exp(-beta * (d[j] - d[0]));  // shifted by the nearest: the same after normalising
        sum += p[j];
        dsum += (d[j] - d[0]) * p[j];
      }
      const double h = std::log(sum) + beta * dsum / sum;
      if (std::abs(h - target) < 1e-6) break;
      if (h > target) {  // too flat: a narrower Gaussian
        lo = beta;
        beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
    double sum = 0;
    for (int j = 0; j < k; ++j) sum += p[j];
    double h = 0;
    for (int j = 0; j < k; ++j) {
      p[j] /= sum;
      if (p[j] > 0) h -= p[j] * std::log(p[j]);
    }
    reached[size_t(i)] = std::exp(h);
  }
  // P = (P_cond + P_cond^T) / 2n, as rows of (column, value) pairs merged.
  std::vector<std::vector<std::pair<int, double>>> rows(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) {
      const int c = idx[size_t(i) * k + j];
      const double v = cond[size_t(i) * k + j] / (2.0 * double(n));
      rows[size_t(i)].push_back({c, v});
      rows[size_t(c)].push_back({int(i), v});
    }
  Affinities P;
  P.perplexity = std::move(reached);
  P.row.push_back(0);
  for (auto& r : rows) {
    std::sort(r.begin(), r.end());
    for (size_t a = 0; a < r.size();) {
      size_t b = a;
      double v = 0;
      while (b < r.size() && r[b].first == r[a].first) v += r[b++].second;
      P.col.push_back(r[a].first);
      P.val.push_back(v);
      a = b;
    }
    P.row.push_back(int(P.col.size()));
  }
  return P;
}

Tsne::Tsne(const MatD& X, const TsneOptions& opt, const MatD* init) : opt_(opt) {
  const long n = X.cols();
  if (n < 4) throw Error("[t-sne] needs at least 4 samples, not " + std::to_string(n));
  if (!X.allFinite()) throw Error("[t-sne] the values are not all finite");
  MatD reduced;
  const MatD* input = &X;
  if (X.rows() > opt.max_dims && opt.max_dims >= 2) {
    reduced = pca(X, int(std::min<long>(opt.max_dims, n))).points;
    input = &reduced;
  }
  P_ = tsne_affinities(*input, opt.perplexity);
  if (init && init->rows() == 2 && init->cols() == n && init->allFinite()) {
    Y_ = *init;
  } else {
    Y_ = input->rows() >= 2 ? pca(*input, 2).points : MatD(MatD::Zero(2, n));
    const double sd = std::sqrt(Y_.row(0).squaredNorm() / double(n));
    if (sd > 0) Y_ *= 1e-4 / sd;
    else {
      Rng rng(opt.seed);
      for (long i = 0; i < Y_.size(); ++i) Y_.data()[i] = 1e-4 * rng.normal();
    }
  }
  update_ = MatD::Zero(2, n);
  gains_ = MatD::Ones(2, n);
  lr_ = opt.learning_rate > 0 ? opt.learning_rate : std::max(double(n) / opt.exaggeration, 50.0);
}

MatD Tsne::gradient(const MatD& Y, double exaggeration, double theta) const {
  const long n = Y.cols();
  MatD G(2, n);
  const QuadTree tree(Y);
  MatD F(2, n);
  double z = 0;
  for (long i = 0; i < n; ++i) {
    double fx = 0, fy = 0;
    tree.repulsion(int(i), theta, fx, fy, z);
    F(0, i) = fx;
    F(1, i) = fy;
  }
  for (long i = 0; i < n; ++i) {
    double ax = 0, ay = 0;
    for (int e = P_.row[size_t(i)]; e < P_.row[size_t(i) + 1]; ++e) {
      const int j = P_.col[size_t(e)];
      const double dx = Y(0, i) - Y(0, j), dy = Y(1, i) - Y(1, j);
      const double pw = P_.val[size_t(e)] / (1 + dx * dx + dy * dy);
      ax += pw * dx;
      ay += pw * dy;
    }
    G(0, i) = 4 * (exaggeration * ax - F(0, i) / z);
    G(1, i) = 4 * (exaggeration * ay - F(1, i) / z);
  }
  return G;
}

void Tsne::step() {
  if (done()) return;
  const bool early = iter_ < opt_.exaggeration_iterations;
  const MatD G = gradient(Y_, early ? opt_.exaggeration : 1.0, opt_.theta);
  const double momentum = early ? 0.5 : 0.8;
  for (long i = 0; i < Y_.size(); ++i) {
    double& gain = gains_.data()[i];
    const double g = G.data()[i];
    double& u = update_.data()[i];
    gain = (g > 0) != (u > 0) ? gain + 0.2 : std::max(0.01, gain * 0.8);
    u = momentum * u - lr_ * gain * g;
    Y_.data()[i] += u;
  }
  Y_.colwise() -= Y_.rowwise().mean();
  ++iter_;
}

MatD tsne_gradient_direct(const Affinities& P, const MatD& Y, double exaggeration) {
  const long n = Y.cols();
  MatD dense = MatD::Zero(n, n);
  for (long i = 0; i < n; ++i)
    for (int e = P.row[size_t(i)]; e < P.row[size_t(i) + 1]; ++e) dense(i, P.col[size_t(e)]) = P.val[size_t(e)];
  MatD W(n, n);
  double z = 0;
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) {
      W(i, j) = i == j ? 0 : 1 / (1 + (Y.col(i) - Y.col(j)).squaredNorm());
      z += W(i, j);
    }
  MatD G = MatD::Zero(2, n);
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j)
      if (i != j) G.col(i) += 4 * (exaggeration * dense(i, j) - W(i, j) / z) * W(i, j) * (Y.col(i) - Y.col(j));
  return G;
}

double Tsne::divergence() const {
  const long n = Y_.cols();
  double z = 0;
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j)
      if (i != j) z += 1 / (1 + (Y_.col(i) - Y_.col(j)).squaredNorm());
  double kl = 0;
  for (long i = 0; i < n; ++i)
    for (int e = P_.row[size_t(i)]; e < P_.row[size_t(i) + 1]; ++e) {
      const double p = P_.val[size_t(e)];
      const double q = 1 / (1 + (Y_.col(i) - Y_.col(P_.col[size_t(e)])).squaredNorm()) / z;
      if (p > 0) kl += p * std::log(p / q);
    }
  return kl;
}

double knn_recall(const MatD& X, const MatD& Y, int k) {
  const long n = X.cols();
  if (n != Y.cols() || k < 1 || k >= n) throw Error("[t-sne] knn_recall: bad sizes");
  std::vector<int> ix, iy;
  std::vector<double> dx, dy;
  nearest(X, k, ix, dx);
  nearest(Y, k, iy, dy);
  long hits = 0;
  for (long i = 0; i < n; ++i) {
    std::vector<int> a(ix.begin() + i * k, ix.begin() + (i + 1) * k), b(iy.begin() + i * k, iy.begin() + (i + 1) * k);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<int> both;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
    hits += long(both.size());
  }
  return double(hits) / double(n * k);
}

}  // namespace nnviz
