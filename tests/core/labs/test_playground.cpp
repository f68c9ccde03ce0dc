// The small playgrounds: a 1-D fit with MSE, 2-D classes, expressions and point files.
#include <doctest/doctest.h>

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
