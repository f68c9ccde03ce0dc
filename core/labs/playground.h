// Small problems a network's behaviour can be seen whole in: a function of one variable fitted
// with the mean squared error, and 2-D points of two classes. The same layers, losses and
// optimizers as the image networks, on data made here (or read from a CSV file).
#pragma once

#include <string>
#include <vector>

#include "labs/expr.h"
#include "nn/frozen.h"
#include "nn/network.h"
#include "nn/optimizer.h"

namespace nnviz {

// Samples as columns: x is (inputs x N); regression targets in y (1 x N); class labels in labels.
struct Toy {
  Mat x, y;
  std::vector<uint8_t> labels;
  double x_scale = 1;  // inputs are divided by this before the network sees them (regression:
                       // to [-1, 1]; classification: points within about [-3, 3])
  int count() const { return int(x.cols()); }
};

// n points (x, f(x) + noise) with x uniform in [lo, hi].
Toy make_regression(const Expr& f, int n, double lo, double hi, double noise, uint64_t seed);
// n points of two classes: "circles", "xor", "gaussians" or "spiral"; noise in [0, 1].
Toy make_classification(const std::string& kind, int n, double noise, uint64_t seed);
// The most points a playground takes from a file, and the largest value it takes (its network
// computes in single precision, and squares differences).
constexpr int kMaxPlaygroundPoints = 20000;
constexpr double kMaxPlaygroundValue = 1e9;
// "x,y,label" rows (a header line is allowed), labels 0 or 1, both present. Errors name the file
// and the line. A file of more than kMaxPlaygroundPoints rows is sampled down to that many (the
// same points every time); *rows_read, when given, receives how many rows the file had.
Toy load_points_csv(const std::string& path, long* rows_read = nullptr);
// Shuffles and splits off test_share of the points.
void split_toy(const Toy& all, double test_share, uint64_t seed, Toy& train, Toy& test);

// The inputs a 2-D playground's network can be given, computed from a point's coordinates (after
// x_scale), as TensorFlow Playground offers them: a set of them is a bit mask, bit i for
// kPlaygroundFeatures[i]. The plain coordinates are kPlainFeatures.
inline constexpr const char* kPlaygroundFeatures[7] = {"x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"};
constexpr unsigned kPlainFeatures = 3;
constexpr unsigned kAllFeatures = 127;
int feature_count(unsigned features);
// (2 x N) scaled points -> (feature_count x N) inputs, in the table's order.
Mat playground_features(const Mat& x, unsigned features);
// All the points as "x,y,label" rows under a header, as load_points_csv reads them.
std::string points_csv(const Toy& a, const Toy& b);

// What a playground offers: its made-up 2-D point sets (make_classification) and the activations
// of its hidden layers, in the order the app lists them.
inline constexpr const char* kPlaygroundPoints[4] = {"circles", "xor", "gaussians", "spiral"};
inline constexpr const char* kPlaygroundActivations[4] = {"tanh", "relu", "sigmoid", "leaky_relu"};

// A playground's network: inputs -> (dense, activation) per hidden layer -> outputs. `hidden` is
// units per hidden layer, comma separated, each 1 to 256 ("32,32"; "" for none).
NetSpec playground_net(int inputs, int outputs, const std::string& hidden, const std::string& activation, bool bias,
                       const std::string& loss);

class Playground;
// A playground as the app starts one, from made-up points: a 1-D fit of `expression` over
// [-5, 5] (a fifth of the points held out), or 2-D points of two classes (`points`: circles,
// xor, gaussians, spiral; test_share held out); Adam at `lr`, Xavier initialisation.
struct PlaygroundSetup {
  int mode = 0;  // 0: 1-D regression, 1: 2-D classification
  std::string expression = "sin(x) + x";
  std::string points = "spiral";
  std::string hidden = "32,32";
  std::string activation = "tanh";
  bool bias = true;
  double lr = 0.01, noise = 0, test_share = 0.25;
  int count = 400;
  uint64_t seed = 1;
  unsigned features = kPlainFeatures;  // 2-D: the network's inputs (at least one)
};
// Throws Error for an expression that does not parse or hidden sizes out of range.
Playground make_playground(const PlaygroundSetup& s);
// The 2-D network for points of any origin (a CSV file's), as make_playground builds it.
Playground make_playground(const PlaygroundSetup& s, const Toy& all);
// Mini-batches of this many points, as the app trains a playground.
constexpr int kPlaygroundBatch = 32;

class Playground {
 public:
  // spec.loss "mse" for regression (one output), "softmax_cross_entropy" for classes.
  // `features` (2-D points only): the network's inputs computed from each point; 0 gives the
  // network the points' coordinates as they are (any number of them).
  Playground(const NetSpec& spec, const OptConfig& opt, InitKind init, uint64_t seed, Toy train, Toy test,
             unsigned features = 0);

  double step(int batch);                   // one mini-batch (batch <= 0: all points); its loss
  double mean_squared_error(const Toy& t);  // mean of (prediction - target)^2
  double accuracy(const Toy& t);            // share classified correctly
  double loss(const Toy& t);                // the training loss (cross-entropy or MSE) on t
  Mat predict(const Mat& x);                // raw inputs (d x N) -> outputs, or class probabilities
  // Every layer's output for inputs x (as predict, but all of them): hidden-unit thumbnails.
  std::vector<Mat> activations(const Mat& x);
  // What the network is given for raw points x: scaled, then the features when there are some.
  Mat inputs(const Mat& raw) const;

  // The 2-D board's edits, while training goes on: a point added (to the training points, or the
  // test points), moved, erased (erasing can leave no training point: training then waits), and
  // the point nearest (x1, x2) within `radius` (-1 when none; *test says which set it is in).
  void add_point(double x1, double x2, int label, bool test = false);
  void move_point(bool test, int i, double x1, double x2);
  void erase_point(bool test, int i);
  void clear_points();
  int nearest_point(double x1, double x2, double radius, bool* test) const;
  unsigned features() const { return features_; }

  Network& net() { return net_; }
  const Toy& train() const { return train_; }
  const Toy& test() const { return test_; }
  Toy all_points() const;  // the training points, then the test points, in one set
  long steps() const { return steps_; }
  void set_optimizer(const OptConfig& o) { opt_.set_config(o); }
  // Units held still while the rest trains, and single weights set by hand (nn/frozen.h), as the
  // network graph's clicks ask; both throw Error out of range.
  void freeze_unit(int layer, int unit, bool frozen) { frozen_.set(net_, layer, unit, frozen); }
  const FrozenUnits& frozen() const { return frozen_; }
  void set_weight(int param, long row, long col, Scalar value) { frozen_.set_weight(net_, param, row, col, value); }

 private:
  Network net_;
  Optimizer opt_;
  Toy train_, test_;
  Rng rng_;
  std::vector<int> order_;
  size_t cursor_ = 0;
  long steps_ = 0;
  unsigned features_ = 0;
  FrozenUnits frozen_;

  void reorder();                    // a new visiting order after the training points changed
};

}  // namespace nnviz
