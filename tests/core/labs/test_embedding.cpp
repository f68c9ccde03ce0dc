// The representation view's 2-D maps: PCA against Eigen's SVD, t-SNE's Barnes-Hut gradient
// against the definition, and the neighbourhoods a t-SNE map keeps.
#include <doctest/doctest.h>

#include <Eigen/SVD>
#include <cmath>

#include "base/error.h"
#include "base/rng.h"
#include "labs/embedding.h"

using namespace nnviz;

namespace {

MatD gaussian(long rows, long cols, Rng& rng, double scale = 1) {
  MatD m(rows, cols);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = scale * rng.normal();
  return m;
}

// d x n samples whose covariance has singular values falling off geometrically (the randomised
// path needs a gap after the k-th), plus a little noise.
MatD decaying(long d, long n, Rng& rng) {
  const int r = 20;
  MatD U = gaussian(d, r, rng), V = gaussian(n, r, rng);
  Eigen::HouseholderQR<MatD> qu(U), qv(V);
  U = qu.householderQ() * MatD::Identity(d, r);
  V = qv.householderQ() * MatD::Identity(n, r);
  Eigen::VectorXd s(r);
  for (int j = 0; j < r; ++j) s(j) = 100 * std::pow(0.6, j);
  return U * s.asDiagonal() * V.transpose() + gaussian(d, n, rng, 1e-3) + MatD::Constant(d, n, 3.0);
}

// Fraction of points whose nearest other point (in the columns of Y) has their label.
double nearest_label_accuracy(const MatD& Y, const std::vector<int>& label) {
  long right = 0;
  for (long i = 0; i < Y.cols(); ++i) {
    double best = INFINITY;
    long at = -1;
    for (long j = 0; j < Y.cols(); ++j)
      if (j != i && (Y.col(i) - Y.col(j)).squaredNorm() < best) best = (Y.col(i) - Y.col(j)).squaredNorm(), at = j;
    right += label[size_t(at)] == label[size_t(i)];
  }
  return double(right) / double(Y.cols());
}

}  // namespace

TEST_CASE("PCA equals the SVD of the centred data on each of its three paths") {
  Rng rng(7);
  struct Case { long d, n; double tol; const char* path; };
  for (Case c : {Case{20, 300, 1e-9, "covariance"}, Case{600, 300, 1e-9, "Gram matrix"},
                 Case{700, 900, 1e-6, "randomised"}}) {
    INFO(c.path << ": " << c.d << " x " << c.n);
    const MatD X = c.d == 20 ? gaussian(c.d, c.n, rng) * 2 + MatD::Constant(c.d, c.n, 1.0) : decaying(c.d, c.n, rng);
    const int k = 3;
    const Pca p = pca(X, k);
    const MatD Xc = X.colwise() - X.rowwise().mean();
    Eigen::BDCSVD<MatD> svd(Xc, Eigen::ComputeThinU);
    const double total = Xc.squaredNorm();
    for (int j = 0; j < k; ++j) {
      const Eigen::VectorXd u = svd.matrixU().col(j);
      CHECK(std::abs(std::abs(p.axes.col(j).dot(u)) - 1) < c.tol);
      CHECK(p.explained[size_t(j)] == doctest::Approx(svd.singularValues()(j) * svd.singularValues()(j) / total).epsilon(c.tol));
      // The sign rule: the largest component of each axis is positive.
      Eigen::Index at = 0;
      p.axes.col(j).cwiseAbs().maxCoeff(&at);
      CHECK(p.axes(at, j) > 0);
    }
    CHECK((p.points - p.axes.transpose() * Xc).cwiseAbs().maxCoeff() < 1e-9 * (1 + Xc.cwiseAbs().maxCoeff()));
    CHECK(p.explained[0] >= p.explained[1]);
  }
  CHECK_THROWS_AS(pca(MatD::Zero(3, 2), 3), Error);
}

TEST_CASE("t-SNE's input affinities are symmetric, sum to one and reach the perplexity") {
  Rng rng(3);
  const MatD X = gaussian(10, 150, rng);
  const double perplexity = 12;
  const Affinities P = tsne_affinities(X, perplexity);
  REQUIRE(P.n() == 150);
  MatD dense = MatD::Zero(150, 150);
  double sum = 0;
  for (int i = 0; i < P.n(); ++i)
    for (int e = P.row[size_t(i)]; e < P.row[size_t(i) + 1]; ++e) {
      dense(i, P.col[size_t(e)]) += P.val[size_t(e)];
      sum += P.val[size_t(e)];
      CHECK(P.col[size_t(e)] != i);
    }
  CHECK(sum == doctest::Approx(1).epsilon(1e-12));
  CHECK((dense - dense.transpose()).cwiseAbs().maxCoeff() < 1e-15);
  // Each point's Gaussian (before symmetrising) has the perplexity asked for.
  REQUIRE(P.perplexity.size() == 150);
  for (double reached : P.perplexity) CHECK(reached == doctest::Approx(perplexity).epsilon(1e-4));
  CHECK_THROWS_AS(tsne_affinities(gaussian(3, 3, rng), 5), Error);
}

TEST_CASE("t-SNE's Barnes-Hut gradient equals the definition's at theta 0, and is close at 0.5") {
  Rng rng(11);
  const MatD X = gaussian(8, 200, rng);
  TsneOptions opt;
  opt.perplexity = 10;
  const Tsne t(X, opt);
  // A map with structure at several scales: clumps and spread points.
  MatD Y = gaussian(2, 200, rng, 3);
  for (long i = 0; i < 60; ++i) Y.col(i) = Y.col(0) + gaussian(2, 1, rng, 0.01);
  for (double exaggeration : {1.0, 12.0}) {
    const MatD direct = tsne_gradient_direct(t.affinities(), Y, exaggeration);
    const MatD exact = t.gradient(Y, exaggeration, 0);
    CHECK((exact - direct).norm() < 1e-10 * direct.norm());
    const MatD approx = t.gradient(Y, exaggeration, 0.5);
    const double rel = (approx - direct).norm() / direct.norm();
    MESSAGE("theta 0.5, exaggeration " << exaggeration << ": relative error " << rel);
    CHECK(rel < 0.02);
  }
}

TEST_CASE("t-SNE keeps neighbourhoods: clusters in 50 dimensions come apart in the plane") {
  // 10 clusters of 80 points, centres spread wider than the clusters.
  Rng rng(5);
  const int clusters = 10, per = 80, n = clusters * per;
  MatD X(50, n);
  std::vector<int> label(static_cast<size_t>(n));
  const MatD centres = gaussian(50, clusters, rng, 4);
  for (int c = 0; c < clusters; ++c)
    for (int i = 0; i < per; ++i) {
      X.col(c * per + i) = centres.col(c) + gaussian(50, 1, rng);
      label[size_t(c * per + i)] = c;
    }
  TsneOptions opt;
  opt.iterations = 500;
  Tsne t(X, opt);
  const double kl0 = t.divergence();
  while (!t.done()) t.step();
  const MatD& Y = t.points();
  REQUIRE(Y.allFinite());
  const double recall = knn_recall(X, Y, 10);
  const double kl = t.divergence();
  MESSAGE("kNN recall (k = 10) " << recall << ", KL " << kl0 << " -> " << kl);
  CHECK(recall > 0.30);  // PCA to 2-D keeps about half as much here (checked below)
  CHECK(recall > 1.5 * knn_recall(X, pca(X, 2).points, 10));
  CHECK(nearest_label_accuracy(Y, label) > 0.99);
  CHECK(kl < kl0 / 2);
  // Deterministic: the same input gives the same map, bit for bit.
  opt.iterations = 40;
  Tsne a(X, opt), b(X, opt);
  while (!a.done()) a.step(), b.step();
  CHECK(a.points() == b.points());
}

TEST_CASE("t-SNE refuses too few samples and values that are not finite") {
  Rng rng(1);
  CHECK_THROWS_AS(Tsne(gaussian(5, 3, rng), TsneOptions{}), Error);
  MatD X = gaussian(5, 20, rng);
  X(2, 7) = NAN;
  CHECK_THROWS_AS(Tsne(X, TsneOptions{}), Error);
  // Many identical points (a dead layer gives all zeros) neither hang nor give NaN.
  TsneOptions opt;
  opt.iterations = 30;
  opt.perplexity = 5;
  Tsne t(MatD::Zero(4, 40), opt);
  while (!t.done()) t.step();
  CHECK(t.points().allFinite());
}
