#include "labs/playground.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "base/fileio.h"
#include "nn/loss.h"

namespace nnviz {

Toy make_regression(const Expr& f, int n, double lo, double hi, double noise, uint64_t seed) {
  if (n < 1 || !(hi > lo)) throw Error("[playground] need at least one point and lo < hi");
  Rng rng(seed);
  Toy t;
  t.x.resize(1, n);
  t.y.resize(1, n);
  t.x_scale = std::max(std::fabs(lo), std::fabs(hi));
  for (int i = 0; i < n; ++i) {
    const double x = rng.uniform(lo, hi);
    const double y = f(x);
    if (!std::isfinite(y)) throw Error("[playground] the function is not finite at x = " + std::to_string(x));
    // The network computes in single precision: a target beyond 1e9 (exp(20x) reaches 1e43 here)
    // would overflow its squared error.
    if (std::fabs(y) > kMaxPlaygroundValue) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "the function reaches %.3g at x = %.3g, beyond the +-1e9 the playground fits; scale it down", y, x);
      throw Error(std::string("[playground] ") + buf);
    }
    t.x(0, i) = Scalar(x);
    t.y(0, i) = Scalar(y + noise * rng.normal());
  }
  return t;
}

Toy make_classification(const std::string& kind, int n, double noise, uint64_t seed) {
  if (n < 2) throw Error("[playground] need at least two points");
  Rng rng(seed);
  Toy t;
  t.x.resize(2, n);
  t.labels.resize(n);
  for (int i = 0; i < n; ++i) {
    const int c = i % 2;
    double a = 0, b = 0;
    if (kind == "circles") {  // an inner disc and a ring around it
      const double r = c == 0 ? rng.uniform(0, 0.5) : rng.uniform(0.7, 1.0);
      const double th = rng.uniform(0, 2 * M_PI);
      a = r * std::cos(th), b = r * std::sin(th);
    } else if (kind == "xor") {  // the class is the sign of x * y
      a = rng.uniform(-1, 1), b = rng.uniform(-1, 1);
      if ((a * b > 0) != (c == 1)) b = -b;
    } else if (kind == "gaussians") {
      a = rng.normal(c == 0 ? -0.5 : 0.5, 0.3), b = rng.normal(c == 0 ? -0.5 : 0.5, 0.3);
    } else if (kind == "spiral") {  // two interleaved arms, one and a half turns each
      const double s = rng.uniform(0.05, 1.0);
      const double th = s * 3 * M_PI + c * M_PI;
      a = s * std::cos(th), b = s * std::sin(th);
    } else {
      throw Error("[playground] unknown data set '" + kind + "' (circles, xor, gaussians, spiral)");
    }
    t.x(0, i) = Scalar(a + noise * 0.3 * rng.normal());
    t.x(1, i) = Scalar(b + noise * 0.3 * rng.normal());
    t.labels[i] = uint8_t(c);
  }
  // Inputs times 3: a tanh unit needs a steep enough slope over the data to carve a spiral's
  // arms (at scale 1, 2-32-32-2 nets stall near 65% on most seeds; at 3, all five tried pass 99%).
  t.x_scale = 1.0 / 3;
  return t;
}

Toy load_points_csv(const std::string& path, long* rows_read) {
  // Read row by row and keep at most kMaxPlaygroundPoints of them, a uniform sample of the whole file
  // (reservoir sampling with a fixed seed, so the same file gives the same points): memory stays
  // proportional to the points kept, whatever the file's length.
  TextLines in(path, "playground", size_t(1) << 30);
  std::vector<double> xs, ys;
  std::vector<uint8_t> labels;
  Rng rng(0x9e3779b97f4a7c15ULL);
  std::string line;
  long rows = 0;
  int seen[2] = {0, 0};
  while (in.next(line)) {
    const long lineno = in.number();
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return Error("[playground] " + path + " line " + std::to_string(lineno) + ": " + why);
    };
    double v[3];
    int fields = 0;
    bool numeric = true;
    size_t start = 0;
    for (;;) {
      const size_t comma = line.find(',', start);
      const std::string cell = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (fields < 3) {
        char* end = nullptr;
        v[fields] = std::strtod(cell.c_str(), &end);
        numeric = numeric && end != cell.c_str() && *end == '\0';
      }
      ++fields;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (fields != 3) throw bad("expected 3 values (x,y,label), found " + std::to_string(fields));
    if (!numeric) {
      if (lineno == 1 && rows == 0) continue;  // a header
      throw bad("'" + line.substr(0, 80) + "' is not three numbers");
    }
    for (int k = 0; k < 2; ++k)
      if (!(std::fabs(v[k]) <= kMaxPlaygroundValue))
        throw bad("the value " + line.substr(0, 80) + " is not a number between -1e9 and 1e9");
    if (v[2] != 0 && v[2] != 1) {
      char label[32];
      std::snprintf(label, sizeof label, "%g", v[2]);
      throw bad(std::string("label ") + label + " is not 0 or 1");
    }
    ++seen[int(v[2])];
    size_t slot = xs.size();
    if (xs.size() < size_t(kMaxPlaygroundPoints)) {
      xs.push_back(0), ys.push_back(0), labels.push_back(0);
    } else {
      slot = size_t(rng.below(uint64_t(rows) + 1));
    }
    if (slot < xs.size()) xs[slot] = v[0], ys[slot] = v[1], labels[slot] = uint8_t(v[2]);
    ++rows;
  }
  if (rows < 4) throw Error("[playground] " + path + ": fewer than 4 points");
  if (seen[0] == 0 || seen[1] == 0)
    throw Error("[playground] " + path + ": every point has label " + std::to_string(seen[0] ? 0 : 1) +
                "; the playground needs points of both classes");
  if (rows_read) *rows_read = rows;
  Toy t;
  t.x.resize(2, Eigen::Index(xs.size()));
  for (size_t i = 0; i < xs.size(); ++i) t.x(0, i) = Scalar(xs[i]), t.x(1, i) = Scalar(ys[i]);
  t.labels = labels;
  t.x_scale = std::max(1e-9, double(t.x.cwiseAbs().maxCoeff())) / 3;  // as make_classification
  return t;
}

void split_toy(const Toy& all, double test_share, uint64_t seed, Toy& train, Toy& test) {
  std::vector<int> idx(all.count());
  std::iota(idx.begin(), idx.end(), 0);
  Rng(seed).shuffle(idx);
  const int n_test = std::clamp(int(std::lround(all.count() * test_share)), 1, all.count() - 1);
  auto take = [&](Toy& t, int from, int to) {
    t.x_scale = all.x_scale;
    t.x.resize(all.x.rows(), to - from);
    if (all.y.size()) t.y.resize(all.y.rows(), to - from);
    t.labels.clear();
    for (int k = from; k < to; ++k) {
      t.x.col(k - from) = all.x.col(idx[k]);
      if (all.y.size()) t.y.col(k - from) = all.y.col(idx[k]);
      if (!all.labels.empty()) t.labels.push_back(all.labels[idx[k]]);
    }
  };
  take(test, 0, n_test);
  take(train, n_test, all.count());
}

Playground::Playground(const NetSpec& spec, const OptConfig& opt, InitKind init, uint64_t seed, Toy train, Toy test,
                       unsigned features)
    : net_(spec), opt_(opt), train_(std::move(train)), test_(std::move(test)), rng_(Rng::derive(seed, 1)),
      features_(features) {
  if (features_ && (features_ > kAllFeatures || train_.x.rows() != 2))
    throw Error("[playground] input features are for 2-D points only");
  const long inputs = features_ ? feature_count(features_) : train_.x.rows();
  if (net_.input_shape().size() != inputs)
    throw Error("[playground] the network takes " + std::to_string(net_.input_shape().size()) + " inputs, the data has " +
                std::to_string(inputs));
  if (train_.count() == 0 && !features_) throw Error("[playground] no training points");  // a 2-D board may start empty
  net_.initialise(init, Rng::derive(seed, 0));
  reorder();
}

void Playground::reorder() {
  order_.resize(train_.count());
  std::iota(order_.begin(), order_.end(), 0);
  rng_.shuffle(order_);
  cursor_ = 0;
}

Mat Playground::inputs(const Mat& raw) const {
  const Mat scaled = raw / Scalar(train_.x_scale);
  return features_ ? playground_features(scaled, features_) : scaled;
}

double Playground::step(int batch) {
  if (train_.count() == 0) return 0;  // the board was cleared: nothing to learn until a point comes
  const int n = batch <= 0 ? train_.count() : std::min(batch, train_.count());
  Mat raw(train_.x.rows(), n);
  Mat y(train_.y.rows(), n);
  std::vector<uint8_t> labels(n);
  for (int j = 0; j < n; ++j) {
    if (cursor_ >= order_.size()) {
      rng_.shuffle(order_);
      cursor_ = 0;
    }
    const int i = order_[cursor_++];
    raw.col(j) = train_.x.col(i);
    if (train_.y.size()) y.col(j) = train_.y.col(i);
    if (!train_.labels.empty()) labels[j] = train_.labels[i];
  }
  net_.input(n) = inputs(raw);
  net_.forward(true);
  const double loss = net_.is_classifier() ? net_.loss(labels.data()) : net_.loss(y);
  net_.backward(false);
  opt_.step(net_.param_list(), opt_.config().lr);
  frozen_.restore(net_);
  ++steps_;
  return loss;
}

Mat Playground::predict(const Mat& x) {
  const Mat& out = net_.forward(inputs(x), false);
  if (!net_.is_classifier()) return out;
  Mat p;
  softmax(out, p);
  return p;
}

std::vector<Mat> Playground::activations(const Mat& x) {
  net_.forward(inputs(x), false);
  std::vector<Mat> a;
  for (size_t i = 1; i <= net_.num_layers(); ++i) a.push_back(net_.act(i));
  return a;
}

double Playground::mean_squared_error(const Toy& t) {
  if (t.count() == 0 || t.y.size() == 0) return 0;
  const Mat p = predict(t.x);
  return double((p - t.y).squaredNorm()) / double(t.y.size());
}

double Playground::loss(const Toy& t) {
  if (t.count() == 0) return 0;
  net_.forward(inputs(t.x), false);
  return net_.is_classifier() ? net_.loss(t.labels.data()) : net_.loss(t.y);
}

double Playground::accuracy(const Toy& t) {
  if (t.count() == 0 || t.labels.empty()) return 0;
  std::vector<int> pred;
  argmax_cols(predict(t.x), pred);
  int right = 0;
  for (int i = 0; i < t.count(); ++i) right += pred[i] == t.labels[i];
  return double(right) / t.count();
}

void Playground::add_point(double x1, double x2, int label, bool test) {
  Toy& t = test ? test_ : train_;
  if (t.x.rows() != 2 || (label != 0 && label != 1)) throw Error("[playground] points are added to the 2-D board only");
  t.x.conservativeResize(2, t.count() + 1);
  t.x(0, t.count() - 1) = Scalar(x1);
  t.x(1, t.count() - 1) = Scalar(x2);
  t.labels.push_back(uint8_t(label));
  if (!test) order_.insert(order_.begin() + long(cursor_), t.count() - 1);  // met in the next batches
}

void Playground::move_point(bool test, int i, double x1, double x2) {
  Toy& t = test ? test_ : train_;
  if (i < 0 || i >= t.count()) return;
  t.x(0, i) = Scalar(x1);
  t.x(1, i) = Scalar(x2);
}

void Playground::erase_point(bool test, int i) {
  Toy& t = test ? test_ : train_;
  if (i < 0 || i >= t.count()) return;
  const int last = t.count() - 1;
  t.x.col(i) = t.x.col(last);
  t.x.conservativeResize(t.x.rows(), last);
  if (!t.labels.empty()) t.labels[size_t(i)] = t.labels.back(), t.labels.pop_back();
  if (t.y.size()) {
    t.y.col(i) = t.y.col(last);
    t.y.conservativeResize(t.y.rows(), last);
  }
  if (!test) reorder();
}

void Playground::clear_points() {
  for (Toy* t : {&train_, &test_}) {
    t->x.resize(t->x.rows(), 0);
    t->y.resize(t->y.rows(), 0);
    t->labels.clear();
  }
  reorder();
}

int Playground::nearest_point(double x1, double x2, double radius, bool* test) const {
  int best = -1;
  double best_d = radius * radius;
  for (const Toy* t : {&train_, &test_}) {
    if (t->x.rows() != 2) continue;
    for (int i = 0; i < t->count(); ++i) {
      const double dx = t->x(0, i) - x1, dy = t->x(1, i) - x2, d = dx * dx + dy * dy;
      if (d <= best_d) best_d = d, best = i, *test = t == &test_;
    }
  }
  return best;
}

int feature_count(unsigned features) {
  int n = 0;
  for (int f = 0; f < 7; ++f) n += (features >> f) & 1;
  return n;
}

Mat playground_features(const Mat& x, unsigned features) {
  Mat out(feature_count(features), x.cols());
  int row = 0;
  for (int f = 0; f < 7; ++f) {
    if (!((features >> f) & 1)) continue;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const Scalar a = x(0, j), b = x(1, j);
      out(row, j) = f == 0 ? a : f == 1 ? b : f == 2 ? a * a : f == 3 ? b * b : f == 4 ? a * b : f == 5 ? std::sin(a) : std::sin(b);
    }
    ++row;
  }
  return out;
}

Toy Playground::all_points() const {
  Toy all = train_;
  all.x.conservativeResize(all.x.rows(), train_.count() + test_.count());
  for (int i = 0; i < test_.count(); ++i) all.x.col(train_.count() + i) = test_.x.col(i);
  if (all.y.size() > 0 && test_.y.size() > 0) {
    all.y.conservativeResize(all.y.rows(), train_.count() + test_.count());
    for (int i = 0; i < test_.count(); ++i) all.y.col(train_.count() + i) = test_.y.col(i);
  }
  all.labels.insert(all.labels.end(), test_.labels.begin(), test_.labels.end());
  return all;
}

std::string points_csv(const Toy& a, const Toy& b) {
  std::string out = "x,y,label\n";
  char line[96];
  for (const Toy* t : {&a, &b})
    for (int i = 0; i < t->count(); ++i) {
      std::snprintf(line, sizeof line, "%.9g,%.9g,%d\n", double(t->x(0, i)), double(t->x(1, i)), int(t->labels[size_t(i)]));
      out += line;
    }
  return out;
}

NetSpec playground_net(int inputs, int outputs, const std::string& hidden, const std::string& activation, bool bias,
                       const std::string& loss) {
  NetSpec s;
  s.input = Shape{inputs, 1, 1};
  size_t a = 0;
  while (a < hidden.size()) {
    const size_t b = hidden.find(',', a);
    const int units = std::atoi(hidden.substr(a, b == std::string::npos ? std::string::npos : b - a).c_str());
    if (units <= 0 || units > 256) throw Error("hidden layer sizes must be 1 to 256, comma separated");
    s.layers.push_back(dense(units, bias));
    s.layers.push_back(act(activation));
    if (b == std::string::npos) break;
    a = b + 1;
  }
  s.layers.push_back(dense(outputs, bias));
  s.loss = loss;
  return s;
}

namespace {
OptConfig playground_optimizer(double lr) {
  OptConfig o;
  o.kind = OptKind::Adam;
  o.lr = float(lr);
  return o;
}
}  // namespace

Playground make_playground(const PlaygroundSetup& s) {
  if (s.mode == 0) {
    const Toy all = make_regression(Expr::parse(s.expression), s.count, -5, 5, s.noise, s.seed);
    Toy train, test;
    split_toy(all, 0.2, s.seed + 1, train, test);
    return Playground(playground_net(1, 1, s.hidden, s.activation, s.bias, "mse"), playground_optimizer(s.lr),
                      InitKind::XavierUniform, s.seed, train, test);
  }
  return make_playground(s, make_classification(s.points, s.count, s.noise, s.seed));
}

Playground make_playground(const PlaygroundSetup& s, const Toy& all) {
  Toy train, test;
  split_toy(all, s.test_share, s.seed + 1, train, test);
  if (feature_count(s.features) == 0 || s.features > kAllFeatures) throw Error("choose at least one input");
  return Playground(playground_net(feature_count(s.features), 2, s.hidden, s.activation, s.bias, "softmax_cross_entropy"),
                    playground_optimizer(s.lr), InitKind::XavierUniform, s.seed, train, test, s.features);
}

}  // namespace nnviz
