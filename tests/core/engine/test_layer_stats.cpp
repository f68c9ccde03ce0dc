// Layer statistics: norms, histograms and dead ReLU shares against values worked out by hand, the
// update ratio of one SGD step, and the bounded history.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/layer_stats.h"
#include "nn/network.h"

using namespace nnviz;

TEST_CASE("layer stats: L2 norm and distance") {
  Mat m(2, 2);
  m << 3, 0, 0, -4;  // sqrt(9 + 16) = 5
  CHECK(l2_norm(m) == doctest::Approx(5.0));
  Mat z = Mat::Zero(2, 2);
  CHECK(l2_norm(z) == 0.0);
  Mat a(1, 3), b(1, 3);
  a << 1, 2, 3;
  b << 1, 0, 4;  // differences 0, 2, -1: sqrt(5)
  CHECK(l2_distance(a, b) == doctest::Approx(std::sqrt(5.0)));
}

TEST_CASE("layer stats: histogram bins over [min, max]") {
  // Range [-1, 3] in 4 bins of width 1: [-1,0) [0,1) [1,2) [2,3]; the maximum goes in the last.
  const Scalar v[] = {-1, -0.5f, 0, 0.25f, 0.99f, 1.5f, 2, 3};
  const Histogram h = Histogram::of(v, 8, 4);
  CHECK(h.lo == -1.f);
  CHECK(h.hi == 3.f);
  CHECK(h.width() == doctest::Approx(1.0));
  REQUIRE(h.bins() == 4);
  CHECK(h.counts[0] == 2);
  CHECK(h.counts[1] == 3);
  CHECK(h.counts[2] == 1);
  CHECK(h.counts[3] == 2);
  CHECK(h.total() == 8);
  CHECK(h.nonfinite == 0);
}

TEST_CASE("layer stats: histogram of equal values, and of NaN and Inf") {
  const Scalar same[] = {0, 0, 0};
  const Histogram h = Histogram::of(same, 3, 5);  // [-0.5, 0.5], all in the middle bin
  CHECK(h.lo == -0.5f);
  CHECK(h.hi == 0.5f);
  CHECK(h.counts[2] == 3);
  CHECK(h.total() == 3);
  const Scalar bad[] = {NAN, 1, INFINITY, 2};
  const Histogram g = Histogram::of(bad, 4, 2);
  CHECK(g.nonfinite == 2);
  CHECK(g.lo == 1.f);
  CHECK(g.hi == 2.f);
  CHECK(g.counts[0] == 1);
  CHECK(g.counts[1] == 1);
  const Histogram none = Histogram::of(bad, 1, 3);
  CHECK(none.total() == 0);
  CHECK(none.nonfinite == 1);
}

TEST_CASE("layer stats: dead share of a dense layer's units") {
  // 4 units x 3 samples: unit 1 and unit 3 are 0 for every sample; unit 2 only for some.
  Mat a(4, 3);
  a << 0.5f, 0, 1,
       0, 0, 0,
       0, 0.1f, 0,
       0, 0, 0;
  CHECK(dead_share(a, Shape{4, 1, 1}) == doctest::Approx(0.5));
  CHECK(dead_share(Mat::Zero(5, 2), Shape{5, 1, 1}) == doctest::Approx(1.0));
  CHECK(dead_share(Mat::Ones(5, 2), Shape{5, 1, 1}) == 0.0);
  CHECK(dead_share(Mat(), Shape{}) == 0.0);
}

TEST_CASE("layer stats: dead share of a conv layer counts channels") {
  // 3 channels of 2x2, 2 samples. Channel 0 fires at one position of sample 1 only; channel 1 is
  // 0 everywhere; channel 2 fires everywhere. One dead channel of three.
  Mat a = Mat::Zero(12, 2);
  a(3, 1) = 0.2f;                         // channel 0, position 3, sample 1
  a.block(8, 0, 4, 2).setConstant(1.f);   // channel 2
  CHECK(dead_share(a, Shape{3, 2, 2}) == doctest::Approx(1.0 / 3));
}

TEST_CASE("layer stats: a recorded step of a small ReLU network") {
  NetSpec spec;
  spec.input = Shape{1, 1, 3};
  spec.layers = {dense(4), act("relu"), dense(2)};
  Network net(spec);
  net.initialise(InitKind::He, 3);
  const LayerStatsLayout layout = LayerStatsLayout::of(net);
  REQUIRE(layout.params.size() == 4);
  CHECK(layout.params[0] == "layers.0.weight");
  REQUIRE(layout.relu_layers.size() == 1);
  CHECK(layout.relu_layers[0] == 1);

  // Unit 2 of the hidden layer is made dead: its weights and bias push every input below 0.
  auto ps = net.params();
  Mat& w0 = *ps[0].p.value;  // fan_in x units
  Mat& b0 = *ps[1].p.value;
  w0.col(2).setZero();
  b0(2, 0) = -1;
  Mat x(3, 5);
  x << 1, 2, 3, 4, 5, 0.5f, -1, 2, 0, 1, -2, 1, 0.5f, 1, 3;
  const uint8_t labels[] = {0, 1, 1, 0, 1};
  net.forward(x, true);
  net.loss(labels);
  net.backward();
  int dead = 0;
  for (int u = 0; u < 4; ++u) dead += (net.act(2).row(u).array() == 0).all();

  LayerStatsRecorder rec;
  rec.before_update(net);
  // One SGD step by hand: W -= lr * g, so ||dW|| / ||W|| = lr * ||g|| / ||W||.
  const Scalar lr = 0.1f;
  std::vector<Mat> before;
  for (auto& p : net.params()) before.push_back(*p.p.value);
  for (auto& p : net.params()) *p.p.value -= lr * *p.p.grad;
  auto point = rec.after_update(net, 7, 0.25f);
  REQUIRE(point);
  CHECK(point->step == 7);
  CHECK(point->epoch == 0.25f);
  REQUIRE(point->params.size() == 4);
  ps = net.params();
  for (size_t i = 0; i < 4; ++i) {
    const ParamStats& s = point->params[i];
    CHECK(s.norm == doctest::Approx(l2_norm(before[i])));
    CHECK(s.grad_norm == doctest::Approx(l2_norm(*ps[i].p.grad)));
    CHECK(s.values.total() == uint64_t(before[i].size()));
    CHECK(s.grads.total() == uint64_t(before[i].size()));
    if (l2_norm(before[i]) == 0) {  // the output bias starts at 0: no ratio; the histogram around 0
      CHECK(s.update_ratio == 0.f);
      CHECK(s.values.lo == -0.5f);
      CHECK(s.values.hi == 0.5f);
      continue;
    }
    CHECK(s.update_ratio == doctest::Approx(lr * l2_norm(*ps[i].p.grad) / l2_norm(before[i])).epsilon(1e-4));
    CHECK(s.values.lo == doctest::Approx(before[i].minCoeff()));
    CHECK(s.values.hi == doctest::Approx(before[i].maxCoeff()));
  }
  REQUIRE(point->dead.size() == 1);
  CHECK(dead >= 1);
  CHECK(point->dead[0] == doctest::Approx(dead / 4.0));
}

TEST_CASE("layer stats: the thinned history stays bounded and evenly spread") {
  ThinnedHistory<int> h(8, 10);
  long added = 0;
  for (long step = 1; step <= 100000; ++step)
    if (h.due(step)) {
      h.add(step, std::make_shared<int>(int(step)));
      ++added;
    }
  CHECK(added > 30);
  CHECK(h.size() < 8);
  CHECK(h.size() >= 3);
  CHECK(h.thinned() > 0);
  CHECK(h.steps().front() == 10);  // the first point is always kept
  // After the first, every point sits on a multiple of the interval, except perhaps the newest.
  for (size_t i = 1; i + 1 < h.size(); ++i) CHECK(h.steps()[i] % (h.interval() / 2) == 0);
  for (size_t i = 1; i < h.size(); ++i) CHECK(h.steps()[i] > h.steps()[i - 1]);
  CHECK(h.steps().back() >= 100000 - h.interval());
  const uint64_t before = h.thinned();
  h.clear();
  CHECK(h.size() == 0);
  CHECK(h.interval() == 10);
  CHECK(h.thinned() == before + 1);
}

TEST_CASE("layer stats: slowing down and speeding up the history's pace") {
  ThinnedHistory<int> h(100, 10);
  CHECK(h.due(10));
  h.slow_down();
  h.slow_down();
  CHECK(h.interval() == 40);
  CHECK(!h.due(20));
  CHECK(h.due(40));
  h.speed_up();
  CHECK(h.interval() == 20);
  h.speed_up();
  h.speed_up();  // never finer than the length bound allows
  CHECK(h.interval() == 10);
  // Slowed down, then thinned by the length bound: as sparse as before, not sparser.
  ThinnedHistory<int> g(8, 10);
  g.slow_down();
  g.slow_down();  // every 40
  for (long step = 1; step <= 40 * 8; ++step)
    if (g.due(step)) g.add(step, std::make_shared<int>(0));
  CHECK(g.thinned() == 1);
  CHECK(g.size() < 8);
  CHECK(g.interval() == 80);
  g.speed_up();
  CHECK(g.interval() == 80);  // the length bound's own interval now
}
