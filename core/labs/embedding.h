// Maps of many high-dimensional points into the plane, for the representation view: a layer's
// activations for a few thousand samples (one column a sample) drawn as 2-D points.
//
//   pca        the projections on the two (or k) directions of largest variance; exact from the
//              covariance (or Gram) matrix up to 512 dimensions, by randomised subspace iteration
//              beyond. Each axis' sign is fixed (its largest component positive), so that maps of
//              consecutive snapshots do not flip.
//   Tsne       t-distributed stochastic neighbour embedding (van der Maaten and Hinton 2008) with
//              the Barnes-Hut approximation of the repulsive forces (van der Maaten 2014): input
//              affinities from each point's 3 x perplexity nearest neighbours, early exaggeration,
//              momentum and per-coordinate gains. One step() is one gradient iteration, so that a
//              caller on another thread can show the map as it forms and stop at any time.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace nnviz {

using MatD = Eigen::MatrixXd;

struct Pca {
  MatD points;                    // k x n: each sample's coordinates on the axes
  MatD axes;                      // d x k: unit directions, by decreasing variance
  Eigen::VectorXd mean;           // d
  std::vector<double> explained;  // k: the share of the total variance along each axis
};
// X: d x n, one column a sample; 1 <= k <= min(d, n).
Pca pca(const MatD& X, int k = 2);

// Input affinities: symmetric, sparse (each row a point's neighbours), summing to 1 over all pairs.
struct Affinities {
  std::vector<int> row;     // n + 1 offsets into col/val
  std::vector<int> col;
  std::vector<double> val;  // p_ij
  std::vector<double> perplexity;  // each point's, as reached by its Gaussian's bisection
  int n() const { return int(row.size()) - 1; }
};
// From each column of X's k = min(n - 1, 3 x perplexity) nearest neighbours (Euclidean), each
// point's Gaussian set by bisection so that its perplexity is `perplexity`, then symmetrised.
Affinities tsne_affinities(const MatD& X, double perplexity);

struct TsneOptions {
  double perplexity = 30;
  double theta = 0.5;            // Barnes-Hut: a cell counts as one point when its size / distance < theta
  int iterations = 1000;
  int exaggeration_iterations = 250;
  double exaggeration = 12;
  double learning_rate = 0;      // 0: max(n / exaggeration, 50)
  int max_dims = 50;             // inputs of more dimensions are first reduced to this many by PCA
  uint64_t seed = 1;
};

class Tsne {
 public:
  // X: d x n, one column a sample (n >= 4). init (2 x n, optional): the starting map, e.g. the
  // last snapshot's, so that consecutive maps stay alike; otherwise the first two principal
  // components scaled to a standard deviation of 1e-4.
  Tsne(const MatD& X, const TsneOptions& opt = {}, const MatD* init = nullptr);

  void step();  // one gradient iteration (nothing once done())
  bool done() const { return iter_ >= opt_.iterations; }
  int iteration() const { return iter_; }
  const MatD& points() const { return Y_; }  // 2 x n
  const Affinities& affinities() const { return P_; }
  // The gradient of the Kullback-Leibler divergence at Y with the given exaggeration of P, by
  // Barnes-Hut with the given theta (0: every pair exactly, through the tree).
  MatD gradient(const MatD& Y, double exaggeration, double theta) const;
  // KL(P || Q) of the current map (O(n^2): for tests and small maps).
  double divergence() const;

 private:
  TsneOptions opt_;
  Affinities P_;
  MatD Y_, update_, gains_;
  int iter_ = 0;
  double lr_ = 0;
};

// The same gradient by the definition, every pair (O(n^2)): the reference for the tests.
MatD tsne_gradient_direct(const Affinities& P, const MatD& Y, double exaggeration);

// The share of each point's k nearest neighbours in X (columns) that are also among its k
// nearest in Y, averaged over the points: how well a map keeps neighbourhoods.
double knn_recall(const MatD& X, const MatD& Y, int k);

}  // namespace nnviz
