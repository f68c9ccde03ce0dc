// The small playgrounds: a 1-D fit with MSE, 2-D classes, expressions and point files.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "labs/playground.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {
NetSpec mlp(int inputs, std::vector<int> hidden, const std::string& act_type, int outputs, const std::string& loss,
            bool bias = true) {
  NetSpec s;
  s.input = Shape{inputs, 1, 1};
  for (int h : hidden) {
    s.layers.push_back(dense(h, bias));
    s.layers.push_back(act(act_type));
  }
  s.layers.push_back(dense(outputs, bias));
  s.loss = loss;
  return s;
}

// Mean squared error over 1000 evenly spaced points of [-5, 5].
double grid_mse(Playground& p, const Expr& f) {
  Mat x(1, 1000), y(1, 1000);
  for (int i = 0; i < 1000; ++i) {
    x(0, i) = Scalar(-5 + 10.0 * i / 999);
    y(0, i) = Scalar(f(x(0, i)));
  }
  return double((p.predict(x) - y).squaredNorm()) / 1000;
}
}  // namespace

TEST_CASE("expressions: parse, evaluate, and explain their errors") {
  CHECK(Expr::parse("sin(x)+x")(1.0) == doctest::Approx(std::sin(1.0) + 1));
  CHECK(Expr::parse("2^3^2")(0) == doctest::Approx(512));  // right-associative
  CHECK(Expr::parse("-x^2")(3) == doctest::Approx(-9));
  CHECK(Expr::parse("abs(x) * step(x - 1) + pi")(2) == doctest::Approx(2 + M_PI));
  CHECK_THROWS_WITH_AS(Expr::parse("sin(x"), doctest::Contains("')' expected"), Error);
  CHECK_THROWS_WITH_AS(Expr::parse("foo(x)"), doctest::Contains("unknown name 'foo'"), Error);
  CHECK_THROWS_WITH_AS(Expr::parse("x +"), doctest::Contains("unexpected end"), Error);
  CHECK_THROWS_WITH_AS(Expr::parse("x $ 2"), doctest::Contains("position 3"), Error);
  CHECK_THROWS_AS(Expr::parse(std::string(500, '(') + "x" + std::string(500, ')')), Error);
}

// sin(x) + x sampled at 400 points of [-5, 5] (a fifth held out), fitted with Adam lr 0.01,
// batch 32, by a 1 -> 32 -> 32 -> 1 net of the given activation.
static Playground fit_sin(const std::string& activation, bool bias, InitKind init, int steps) {
  const Expr f = Expr::parse("sin(x) + x");
  Toy all = make_regression(f, 400, -5, 5, 0.0, 3), train, test;
  split_toy(all, 0.2, 4, train, test);
  OptConfig o;
  o.kind = OptKind::Adam;
  o.lr = 0.01f;
  Playground p(mlp(1, {32, 32}, activation, 1, "mse", bias), o, init, 5, train, test);
  for (int i = 0; i < steps; ++i) p.step(32);
  return p;
}

TEST_CASE("regression playground: the documented small net fits sin(x) + x to an MSE below 1e-3 on [-5, 5]") {
  // The documented net: 1 -> 32 tanh -> 32 tanh -> 1, Adam lr 0.01, batch 32, 8000 steps.
  const Expr f = Expr::parse("sin(x) + x");
  Playground p = fit_sin("tanh", true, InitKind::XavierUniform, 8000);
  const Toy& test = p.test();
  const double mse = grid_mse(p, f);
  std::printf("sin(x)+x: grid MSE %.2e after %ld steps (test %.2e)\n", mse, p.steps(), p.mean_squared_error(test));
  CHECK(mse < 1e-3);
}

TEST_CASE("regression playground: a ReLU net without biases cannot fit sin(x) + x") {
  // Without biases every ReLU unit bends at x = 0, so the net is two straight lines through 0.
  const Expr f = Expr::parse("sin(x) + x");
  Playground p = fit_sin("relu", false, InitKind::He, 4000);
  const double mse = grid_mse(p, f);
  std::printf("sin(x)+x without biases (ReLU): grid MSE %.3f\n", mse);
  CHECK(mse > 0.1);
  // And it is exactly piecewise linear through the origin: f(2x) = 2 f(x).
  Mat x(1, 2);
  x << 1.5, 3.0;
  const Mat y = p.predict(x);
  CHECK(y(0, 1) == doctest::Approx(2 * y(0, 0)).epsilon(1e-4));
}

TEST_CASE("classification playground: the documented net learns the spiral above 95% on test points") {
  // 2 -> 32 tanh -> 32 tanh -> 2 (the playground's default), Adam lr 0.01, batch 32, 4000 steps;
  // 600 points, noise 0.1, a quarter for testing. Checked on five seeds of data and weights.
  OptConfig o;
  o.kind = OptKind::Adam;
  o.lr = 0.01f;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Toy all = make_classification("spiral", 600, 0.1, seed), train, test;
    split_toy(all, 0.25, seed + 1, train, test);
    Playground p(mlp(2, {32, 32}, "tanh", 2, "softmax_cross_entropy"), o, InitKind::XavierUniform, seed, train, test);
    for (int i = 0; i < 4000; ++i) p.step(32);
    std::printf("spiral, seed %llu: train %.1f%%, test %.1f%%\n", static_cast<unsigned long long>(seed),
                p.accuracy(train) * 100, p.accuracy(test) * 100);
    CHECK(p.accuracy(test) > 0.95);
    CHECK(p.loss(train) < 0.1);
  }
  for (const char* kind : {"circles", "xor", "gaussians"}) CHECK_NOTHROW(make_classification(kind, 100, 0.2, 1));
  CHECK_THROWS_AS(make_classification("moons", 100, 0.2, 1), Error);
}

TEST_CASE("playground features: each input computed from the point as named") {
  Mat x(2, 2);
  x << 0.5f, -2.f, 1.5f, 0.25f;  // points (0.5, 1.5) and (-2, 0.25)
  const Mat f = playground_features(x, kAllFeatures);
  REQUIRE(f.rows() == 7);
  for (int j = 0; j < 2; ++j) {
    const double a = x(0, j), b = x(1, j);
    const double want[7] = {a, b, a * a, b * b, a * b, std::sin(a), std::sin(b)};
    for (int k = 0; k < 7; ++k) CHECK(f(k, j) == doctest::Approx(want[k]).epsilon(1e-6));
  }
  const Mat some = playground_features(x, (1u << 2) | (1u << 6));  // x1^2 and sin x2, in the table's order
  REQUIRE(some.rows() == 2);
  CHECK(some(0, 1) == doctest::Approx(4.0));
  CHECK(some(1, 0) == doctest::Approx(std::sin(1.5)));
  CHECK(feature_count(kPlainFeatures) == 2);
}

TEST_CASE("playground features: without a hidden layer, circles need the squares") {
  // A linear classifier cannot draw a circle from x1 and x2, and can from x1^2 and x2^2.
  PlaygroundSetup s;
  s.mode = 1;
  s.points = "circles";
  s.hidden = "";
  s.noise = 0.05;
  s.lr = 0.05;
  double plain = 0, squares = 0;
  for (unsigned features : {kPlainFeatures, (1u << 2) | (1u << 3)}) {
    s.features = features;
    Playground p = make_playground(s);
    CHECK(p.net().input_shape().size() == feature_count(features));
    for (int i = 0; i < 3000; ++i) p.step(kPlaygroundBatch);
    (features == kPlainFeatures ? plain : squares) = p.accuracy(p.test());
  }
  MESSAGE("circles, no hidden layer: test accuracy " << plain * 100 << "% from x1, x2; " << squares * 100
                                                     << "% from x1^2, x2^2");
  CHECK(plain < 0.75);
  CHECK(squares > 0.95);
  s.features = 0;
  CHECK_THROWS_AS(make_playground(s), Error);
}

TEST_CASE("playground board: points added, moved and erased while it trains, saved and read back") {
  PlaygroundSetup s;
  s.mode = 1;
  s.points = "gaussians";
  s.count = 40;
  Playground p = make_playground(s);
  p.clear_points();
  CHECK(p.train().count() == 0);
  CHECK(p.step(kPlaygroundBatch) == 0);  // nothing to learn: no step taken, no crash
  // Two groups drawn: red on the left, blue on the right.
  for (int k = 0; k < 6; ++k) {
    p.add_point(-1.0 + 0.05 * k, 0.1 * k, 1);
    p.add_point(1.0 - 0.05 * k, -0.1 * k, 0);
  }
  p.add_point(0, 2, 1, true);  // a test point
  CHECK(p.train().count() == 12);
  CHECK(p.test().count() == 1);
  for (int i = 0; i < 300; ++i) p.step(4);
  CHECK(p.accuracy(p.train()) == 1.0);
  bool in_test = true;
  const int i = p.nearest_point(-0.98, 0.02, 0.1, &in_test);
  REQUIRE(i >= 0);
  CHECK(!in_test);
  CHECK(p.train().x(0, i) == doctest::Approx(-1.0));
  p.move_point(false, i, 0.5, 0.5);
  CHECK(p.train().x(1, i) == doctest::Approx(0.5));
  CHECK(p.nearest_point(-0.98, 0.02, 0.01, &in_test) == -1);
  p.erase_point(false, i);
  CHECK(p.train().count() == 11);
  for (int k = 0; k < 50; ++k) p.step(kPlaygroundBatch);  // the visiting order follows the erase
  // Saved and read back: the same points, labels and count.
  TempDir dir;
  const std::string path = dir.file("points.csv");
  write_bytes(path, [&] {
    const std::string text = points_csv(p.train(), p.test());
    return std::vector<uint8_t>(text.begin(), text.end());
  }());
  const Toy back = load_points_csv(path);
  REQUIRE(back.count() == 12);
  int red = 0;
  for (uint8_t l : back.labels) red += l;
  CHECK(red == 6);  // 5 red drawn in training (one erased) and the red test point
  CHECK(back.x(0, 11) == doctest::Approx(0.0));
  CHECK(back.x(1, 11) == doctest::Approx(2.0));
}

TEST_CASE("classification playground: points from CSV, with clear errors for bad rows") {
  TempDir tmp;
  auto write = [&](const std::string& name, const std::string& text) {
    write_bytes(tmp.file(name), std::vector<uint8_t>(text.begin(), text.end()));
    return tmp.file(name);
  };
  const Toy t = load_points_csv(write("ok.csv", "x,y,label\n0,0,0\n1,1,1\n-1,0.5,0\n2,-1,1\n"));
  CHECK(t.count() == 4);
  CHECK(t.labels[1] == 1);
  CHECK_THROWS_WITH_AS(load_points_csv(write("a.csv", "0,0,0\n1,1\n")), doctest::Contains("line 2: expected 3 values"),
                       Error);
  CHECK_THROWS_WITH_AS(load_points_csv(write("b.csv", "0,0,0\n1,1,2\n")), doctest::Contains("label 2 is not 0 or 1"),
                       Error);
  CHECK_THROWS_WITH_AS(load_points_csv(write("c.csv", "0,0,0\nx,y,z\n")), doctest::Contains("line 2"), Error);
  CHECK_THROWS_WITH_AS(load_points_csv(tmp.file("none.csv")), doctest::Contains("cannot open"), Error);
  // Values a float network cannot fit, and a file with one class only, are refused with the line.
  CHECK_THROWS_WITH_AS(load_points_csv(write("d.csv", "0,0,0\n1e39,1,1\n1,1,0\n2,2,1\n")),
                       doctest::Contains("line 2: the value 1e39,1,1 is not a number between -1e9 and 1e9"), Error);
  CHECK_THROWS_WITH_AS(load_points_csv(write("e.csv", "0,0,1\n1,1,1\n2,2,1\n3,3,1\n")),
                       doctest::Contains("every point has label 1"), Error);
  // Devices and pipes are refused (/dev/zero streamed without end), and so is a line of 5000 characters.
  CHECK_THROWS_WITH_AS(load_points_csv("/dev/zero"), doctest::Contains("not a regular file"), Error);
  CHECK_THROWS_WITH_AS(load_points_csv(write("long.csv", "0,0,0\n" + std::string(5000, '1') + "\n")),
                       doctest::Contains("line 2: a line of more than 1000 characters"), Error);
  CHECK(load_points_csv(write("crlf.csv", "x,y,label\r\n0,0,0\r\n1,1,1\r\n2,0,0\r\n3,1,1")).count() == 4);
  CHECK_THROWS_WITH_AS(make_regression(Expr::parse("exp(20*x)"), 50, -5, 5, 0, 1),
                       doctest::Contains("beyond the +-1e9 the playground fits"), Error);
}

TEST_CASE("playground: a long CSV file is sampled down to the points a playground keeps, the same ones every time") {
  TempDir tmp;
  std::string text = "x,y,label\n";
  const long rows = 3L * kMaxPlaygroundPoints + 17;
  for (long i = 0; i < rows; ++i) text += std::to_string(i) + "," + std::to_string(-i) + "," + std::to_string(i % 2) + "\n";
  std::ofstream(tmp.file("big.csv")) << text;
  long read = 0;
  const Toy a = load_points_csv(tmp.file("big.csv"), &read);
  CHECK(read == rows);
  CHECK(a.count() == kMaxPlaygroundPoints);
  const Toy b = load_points_csv(tmp.file("big.csv"));
  CHECK(a.x == b.x);
  // A uniform sample: points from every third of the file.
  int thirds[3] = {0, 0, 0};
  for (int i = 0; i < a.count(); ++i) ++thirds[std::min(2, int(double(a.x(0, i)) * 3 / double(rows)))];
  for (int t : thirds) CHECK(t > kMaxPlaygroundPoints / 4);
  for (int i = 0; i < a.count(); ++i) CHECK(int(a.labels[i]) == (long(a.x(0, i)) % 2 == 0 ? 0 : 1));
}

#include "labs/analysis.h"
#include "synthetic.h"
#include "train/trainer.h"

TEST_CASE("error analysis: the confusion matrix sums to the set size and agrees with a direct evaluation") {
  const Dataset d = quadrants(1000, 300);
  Trainer tr(quadrant_config(), d);
  tr.step();  // barely trained: plenty of mistakes to check
  std::vector<int> pred;
  const EvalStats e = tr.evaluate(d.test, -1, &pred);
  const Analysis a = analyse(tr.net(), d.test, 4);
  int total = 0, diag = 0;
  for (int t = 0; t < 4; ++t)
    for (int p = 0; p < 4; ++p) total += a.confusion[t][p], diag += t == p ? a.confusion[t][p] : 0;
  CHECK(total == d.test.count);
  CHECK(double(diag) / total == doctest::Approx(e.accuracy));
  CHECK(a.accuracy == doctest::Approx(e.accuracy));
  CHECK(a.predicted == pred);
  CHECK(int(a.mistakes.size()) == total - diag);
  for (size_t i = 1; i < a.mistakes.size(); ++i) CHECK(a.confidence[a.mistakes[i - 1]] >= a.confidence[a.mistakes[i]]);
  for (int i : a.mistakes) CHECK(a.predicted[i] != d.test.y[i]);
  CHECK(a.mistakes.size() > 5);
}
