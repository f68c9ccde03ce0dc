// Each optimizer's first two steps against values computed by hand.
// Parameter w = [1, -2]; gradients g1 = [0.5, 0.1] then g2 = [-0.3, 0.2]; lr 0.1, momentum 0.9,
// rmsprop rho 0.9, adam betas (0.9, 0.999), eps 1e-8.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "nn/optimizer.h"
#include "train/presets.h"
#include "train/trainer.h"

using namespace nnviz;

namespace {

// Runs two steps and returns w after each: {w1[0], w1[1], w2[0], w2[1]}.
std::vector<double> two_steps(OptKind kind, float weight_decay = 0) {
  Mat w(2, 1), g(2, 1);
  w << 1, -2;
  OptConfig cfg;
  cfg.kind = kind;
  cfg.lr = 0.1f;
  cfg.momentum = 0.9f;
  cfg.rho = 0.9f;
  cfg.weight_decay = weight_decay;
  Optimizer opt(cfg);
  std::vector<Param> ps{{"weight", &w, &g, true, {2}}};
  std::vector<double> out;
  g << 0.5, 0.1;
  opt.step(ps, cfg.lr);
  out.push_back(w(0));
  out.push_back(w(1));
  g << -0.3, 0.2;
  opt.step(ps, cfg.lr);
  out.push_back(w(0));
  out.push_back(w(1));
  return out;
}

void check(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("value " << i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
  }
}

}  // namespace

TEST_CASE("sgd: w -= lr g") {
  // w1 = 1 - 0.1*0.5 = 0.95; w2 = 0.95 - 0.1*(-0.3) = 0.98
  check(two_steps(OptKind::Sgd), {0.95, -2.01, 0.98, -2.03});
}

TEST_CASE("sgd with L2: g += wd w") {
  // w1 = 1 - 0.1*(0.5 + 0.1*1) = 0.94; w1' = -2 - 0.1*(0.1 - 0.2) = -1.99
  check(two_steps(OptKind::Sgd, 0.1f), {0.94, -1.99, 0.9606, -1.9901});
}

TEST_CASE("momentum: v = mu v + g, w -= lr v") {
  // v1 = 0.5, w1 = 0.95; v2 = 0.9*0.5 - 0.3 = 0.15, w2 = 0.95 - 0.015 = 0.935
  check(two_steps(OptKind::Momentum), {0.95, -2.01, 0.935, -2.039});
}

TEST_CASE("nesterov: v = mu v + g, w -= lr (g + mu v)") {
  // v1 = 0.5, w1 = 1 - 0.1*(0.5 + 0.45) = 0.905; v2 = 0.15, w2 = 0.905 - 0.1*(-0.3 + 0.135) = 0.9215
  check(two_steps(OptKind::Nesterov), {0.905, -2.019, 0.9215, -2.0651});
}

TEST_CASE("adagrad: s += g^2, w -= lr g / sqrt(s)") {
  // s1 = 0.25, w1 = 1 - 0.1*0.5/0.5 = 0.9; s2 = 0.34, w2 = 0.9 + 0.03/sqrt(0.34) = 0.9514496
  check(two_steps(OptKind::AdaGrad), {0.9, -2.1, 0.9514496, -2.1894427});
}

TEST_CASE("rmsprop: s = rho s + (1-rho) g^2, w -= lr g / sqrt(s)") {
  // s1 = 0.025, w1 = 1 - 0.05/sqrt(0.025) = 0.6837723
  check(two_steps(OptKind::RmsProp), {0.6837723, -2.3162277, 0.8528031, -2.6019419});
}

TEST_CASE("adam with bias correction") {
  // m1 = 0.05, v1 = 0.00025; corrected: 0.05/0.1 = 0.5 and 0.00025/0.001 = 0.25, so
  // w1 = 1 - 0.1 * 0.5/sqrt(0.25) = 0.9 (without the correction it would be 1 - 0.316).
  check(two_steps(OptKind::Adam), {0.9, -2.1, 0.8808502, -2.1965182});
}

TEST_CASE("adam with coupled L2 and adamw with decoupled decay differ as they should") {
  // adam + L2: g1' = 0.1 + 0.1*(-2) = -0.1, so the first step moves w[1] up: -1.9
  check(two_steps(OptKind::Adam, 0.1f), {0.9, -1.9, 0.8613530, -1.8407352});
  // adamw: w -= lr*wd*w first (-2 -> -1.98), then the plain adam step (-1.98 - 0.1 = -2.08)
  check(two_steps(OptKind::AdamW, 0.1f), {0.89, -2.08, 0.8619502, -2.1557182});
}

TEST_CASE("biases are not decayed") {
  Mat b(1, 1), g(1, 1);
  b << 1;
  g << 0;
  OptConfig cfg;
  cfg.weight_decay = 0.5f;
  Optimizer opt(cfg);
  opt.step({{"bias", &b, &g, false, {1}}}, 0.1);
  CHECK(b(0) == 1);
}

TEST_CASE("optimizer state is exposed for the step-through") {
  Mat w(1, 1), g(1, 1);
  w << 1;
  g << 2;
  OptConfig cfg;
  cfg.kind = OptKind::Adam;
  Optimizer opt(cfg);
  opt.step({{"weight", &w, &g, true, {1}}}, 0.1);
  auto st = opt.state(0);
  REQUIRE(st.size() == 2);
  CHECK(st[0].first == "m");
  CHECK((*st[0].second)(0) == doctest::Approx(0.2));    // 0.1 * 2
  CHECK((*st[1].second)(0) == doctest::Approx(0.004));  // 0.001 * 4
}

TEST_CASE("schedules") {
  Schedule s;
  CHECK(s.lr_at(0.1, 7.5) == doctest::Approx(0.1));
  s.kind = Schedule::Kind::Step;
  s.step_epochs = 10;
  s.gamma = 0.5f;
  CHECK(s.lr_at(0.1, 9.9) == doctest::Approx(0.1));
  CHECK(s.lr_at(0.1, 10.0) == doctest::Approx(0.05));
  CHECK(s.lr_at(0.1, 25.0) == doctest::Approx(0.025));
  s.kind = Schedule::Kind::Exponential;
  s.gamma = 0.9f;
  CHECK(s.lr_at(0.1, 2.0) == doctest::Approx(0.081));
  s.kind = Schedule::Kind::Cosine;
  s.total_epochs = 10;
  s.min_lr = 0;
  CHECK(s.lr_at(0.1, 0) == doctest::Approx(0.1));
  CHECK(s.lr_at(0.1, 5) == doctest::Approx(0.05));
  CHECK(s.lr_at(0.1, 10) == doctest::Approx(0.0));
  // Training on past the last epoch trains: the schedule starts again (it held 0 and changed nothing).
  CHECK(s.lr_at(0.1, 12.5) == doctest::Approx(s.lr_at(0.1, 2.5)));
  CHECK(s.lr_at(0.1, 10.01) > 0.099);
  CHECK(s.lr_at(0.1, 15) == doctest::Approx(0.05));
}

#include "labs/landscape.h"

TEST_CASE("landscape: the gradients are right, and the optimizers move downhill on every surface") {
  for (const Surface& s : surfaces()) {
    INFO(s.name);
    // Central differences at a few points.
    for (double x : {-1.3, 0.2, 0.9})
      for (double y : {-0.7, 0.4, 1.6}) {
        double gx, gy;
        s.grad(x, y, gx, gy);
        const double h = 1e-6;
        CHECK(gx == doctest::Approx((s.f(x + h, y) - s.f(x - h, y)) / (2 * h)).epsilon(1e-5));
        CHECK(gy == doctest::Approx((s.f(x, y + h) - s.f(x, y - h)) / (2 * h)).epsilon(1e-5));
      }
  }
  // Adam walks Rosenbrock's valley towards (1, 1).
  OptConfig adam;
  adam.kind = OptKind::Adam;
  adam.lr = 0.05f;
  const auto path = trajectory(surfaces()[0], adam, 2000);
  CHECK(path.size() == 2001);
  CHECK(path.back().f < 0.01 * path.front().f);
  // Plain SGD with too big a step diverges, and the path stops at the last finite point.
  OptConfig sgd;
  sgd.lr = 0.1f;
  const auto wild = trajectory(surfaces()[0], sgd, 500);
  CHECK(wild.size() < 501);
  for (const auto& p : wild) CHECK(std::isfinite(p.f));
}

TEST_CASE("config_problem: the defaults and every preset are valid, each range has its edges") {
  CHECK(config_problem(TrainConfig{}) == "");
  for (const auto& p : presets()) {
    INFO(p.name);
    CHECK(config_problem(p.config) == "");
  }
  auto problem = [](const std::function<void(TrainConfig&)>& change) {
    TrainConfig c;
    change(c);
    return config_problem(c);
  };
  CHECK(problem([](TrainConfig& c) { c.opt.lr = 1e3f; }) == "");
  CHECK(problem([](TrainConfig& c) { c.opt.lr = 1001; }) == "the learning rate 1001 is not in (0, 1000]");
  CHECK(problem([](TrainConfig& c) { c.opt.lr = std::nanf(""); }) == "the learning rate nan is not in (0, 1000]");
  CHECK(problem([](TrainConfig& c) { c.opt.momentum = 0.9999f; }) == "");
  CHECK(problem([](TrainConfig& c) { c.opt.momentum = 1; }) == "the momentum 1 is not in [0, 1)");
  CHECK(problem([](TrainConfig& c) { c.opt.weight_decay = 10; }) == "");
  CHECK(problem([](TrainConfig& c) { c.opt.weight_decay = -1e-9f; }).find("weight decay") != std::string::npos);
  CHECK(problem([](TrainConfig& c) { c.batch = 60000; }) == "");
  CHECK(problem([](TrainConfig& c) { c.batch = 60001; }) == "the batch size 60001 is not in [1, 60000]");
  CHECK(problem([](TrainConfig& c) { c.epochs = 1000000; }) == "");  // the GUI's "train on"
  CHECK(problem([](TrainConfig& c) { c.epochs = 1000001; }).find("epochs") != std::string::npos);
  CHECK(problem([](TrainConfig& c) { c.schedule.min_lr = std::numeric_limits<float>::infinity(); }).find("min_lr") !=
        std::string::npos);
  CHECK(problem([](TrainConfig& c) { c.augment.scale = 1; }).find("scale") != std::string::npos);
}
