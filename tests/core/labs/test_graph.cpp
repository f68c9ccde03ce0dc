// The network graph: its columns follow the layers with units, each link's value is its weight or
// its group's signed norm, the strongest units and links are the ones kept; frozen units stay as
// they were through every kind of update while the others train, and weights set by hand stay set.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "base/parallel.h"
#include "labs/graph.h"
#include "labs/playground.h"
#include "synthetic.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {

std::vector<Mat> values_of(Network& net) {
  std::vector<Mat> v;
  for (const NamedParam& p : net.params()) v.push_back(*p.p.value);
  return v;
}

NetSpec cnn_spec() {
  NetSpec s;
  s.input = Shape{1, 12, 12};
  s.layers = {conv(4, 3), act("relu"), maxpool(2), flatten(), dense(6), act("sigmoid"), dense(3)};
  return s;
}

}  // namespace

TEST_CASE("the graph's columns follow the layers with units, each with the layers after it up to the next") {
  NetSpec mlp;
  mlp.input = Shape{1, 28, 28};
  mlp.layers = {dense(100), act("sigmoid"), dense(10)};
  Network a(mlp);
  std::string problem = "x";
  std::vector<GraphColumn> c = graph_columns(a, &problem);
  CHECK(problem.empty());
  REQUIRE(c.size() == 3);
  CHECK(c[0].count == 1);
  CHECK(c[0].node == Shape{1, 28, 28});
  CHECK(c[1].count == 100);
  CHECK(c[1].group == 784);
  CHECK(c[1].shows == 1);  // the sigmoid's output
  CHECK(c[1].title == "dense 100");
  CHECK(c[1].after == "sigmoid");
  CHECK(c[2].count == 10);
  CHECK(c[2].group == 1);
  CHECK(c[2].shows == 2);
  CHECK(c[2].weight == 2);
  CHECK(c[2].bias == 3);

  Network b(cnn_spec());
  c = graph_columns(b, &problem);
  REQUIRE(c.size() == 4);
  CHECK(c[1].conv);
  CHECK(c[1].count == 4);
  CHECK(c[1].group == 9);            // a 3x3 kernel on the one input channel
  CHECK(c[1].shows == 2);            // after relu and the pooling, before flatten
  CHECK(c[1].node == Shape{1, 5, 5});
  CHECK(c[1].title == "conv 4 of 3x3");
  CHECK(c[1].after == "relu  maxpool2d");
  CHECK(c[2].group == 25);           // a dense unit's weights over one filter's 5x5 map
  CHECK(c[3].group == 1);
}

TEST_CASE("a link's value is its weight, or its group's norm with the sign of its sum") {
  Network net(cnn_spec());
  net.initialise(InitKind::XavierUniform, 3);
  const std::vector<Mat> v = values_of(net);
  const NetGraph g = make_graph(graph_columns(net), v, 0, 0);
  // Every pair of nodes between neighbouring columns is linked when nothing is left out.
  CHECK(g.links.size() == size_t(1 * 4 + 4 * 6 + 6 * 3));
  for (const GraphLink& l : g.links) {
    const GraphColumn& c = g.columns[size_t(l.column)];
    const Mat& W = v[size_t(c.weight)];
    CHECK(l.row == long(l.from) * c.group);
    if (c.group == 1) {
      CHECK(l.value == W(l.from, l.to));
    } else {
      double sum = 0, sq = 0;
      for (int r = 0; r < c.group; ++r) {
        const double w = W(l.from * c.group + r, l.to);
        sum += w, sq += w * w;
      }
      CHECK(std::fabs(l.value) == doctest::Approx(std::sqrt(sq)).epsilon(1e-5));
      CHECK((l.value < 0) == (sum < 0));
    }
  }
  for (size_t k = 1; k < g.columns.size(); ++k) {
    float m = 0;
    for (const GraphLink& l : g.links)
      if (size_t(l.column) == k) m = std::max(m, std::fabs(l.value));
    CHECK(g.max_abs[k] == m);
  }
}

TEST_CASE("a wide layer shows its strongest units and each node its strongest links") {
  NetSpec s;
  s.input = Shape{5, 1, 1};
  s.layers = {dense(40), act("tanh"), dense(7)};
  Network net(s);
  net.initialise(InitKind::XavierUniform, 8);
  std::vector<Mat> v = values_of(net);
  for (int o = 0; o < 40; ++o) v[0].col(o) *= Scalar(1 + o % 13);  // norms all different in order
  const NetGraph g = make_graph(graph_columns(net), v, 12, 3);
  const GraphColumn& hidden = g.columns[1];
  REQUIRE(hidden.shown.size() == 12);
  CHECK(std::is_sorted(hidden.shown.begin(), hidden.shown.end()));
  float weakest_shown = 1e30f, strongest_hidden = 0;
  for (int o = 0; o < 40; ++o) {
    const bool shown = std::find(hidden.shown.begin(), hidden.shown.end(), o) != hidden.shown.end();
    (shown ? weakest_shown : strongest_hidden) =
        shown ? std::min(weakest_shown, hidden.norm[size_t(o)]) : std::max(strongest_hidden, hidden.norm[size_t(o)]);
  }
  CHECK(weakest_shown >= strongest_hidden);
  CHECK(g.columns[0].shown.size() == 5);  // a column within the limit shows all
  // A pinned unit (a frozen one) is shown however weak: unit 0 has the smallest norm.
  const NetGraph pinned = make_graph(graph_columns(net), v, 12, 3, {{0, 0}});
  CHECK(pinned.columns[1].shown.size() == 12);
  CHECK(pinned.columns[1].shown.front() == 0);
  CHECK(std::find(hidden.shown.begin(), hidden.shown.end(), 0) == hidden.shown.end());
  // Into the output: 3 links a unit, the strongest among the shown hidden units.
  for (int o = 0; o < 7; ++o) {
    std::vector<float> all;
    for (int h : hidden.shown) all.push_back(std::fabs(float(v[2](h, o))));
    std::sort(all.rbegin(), all.rend());
    std::vector<float> kept;
    for (const GraphLink& l : g.links)
      if (l.column == 2 && l.to == o) {
        CHECK(std::find(hidden.shown.begin(), hidden.shown.end(), l.from) != hidden.shown.end());
        kept.push_back(std::fabs(l.value));
      }
    REQUIRE(kept.size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(kept[size_t(i)] == all[size_t(i)]);
  }
}

TEST_CASE("a frozen unit keeps its weights and bias through momentum and decay while the others train") {
  // Sharded (two threads) the frozen values must reach every shard's copy too, or their forward
  // passes would use moved ones: both thread counts train to the same weights.
  std::vector<Mat> finals;
  for (int threads_now : {1, 2}) {
    CAPTURE(threads_now);
    const int before = threads();
    set_threads(threads_now);
    if (batch_threads(1000) != threads_now) {  // a build without OpenMP (the sanitizers'): one thread only
      set_threads(before);
      continue;
    }
    const Dataset d = quadrants(800, 50, 16);
    TrainConfig cfg = quadrant_config(16, 64);
    cfg.opt.kind = OptKind::Momentum;
    cfg.opt.momentum = 0.9f;
    cfg.opt.weight_decay = 0.01f;
    cfg.batch = 320;  // two of the 640 training images an epoch: enough work for two shards with two threads (the update then runs in shares)
    Trainer tr(cfg, d);
    for (int i = 0; i < 3; ++i) CHECK(tr.step().shards == threads_now);  // velocity built up
    tr.freeze_unit(0, 3, true);
    CHECK(tr.frozen().contains(0, 3));
    const Mat w0 = values_of(tr.net())[0], b0 = values_of(tr.net())[1];
    for (int i = 0; i < 10; ++i) tr.step();
    const Mat w1 = values_of(tr.net())[0], b1 = values_of(tr.net())[1];
    CHECK(w1.col(3) == w0.col(3));
    CHECK(b1(3, 0) == b0(3, 0));
    CHECK((w1.col(2) - w0.col(2)).norm() > 1e-4);
    // A weight set by hand stays, in a frozen unit too; thawed, the unit trains again.
    tr.set_weight(0, 5, 3, Scalar(0.75));
    tr.step();
    CHECK(values_of(tr.net())[0](5, 3) == Scalar(0.75));
    tr.freeze_unit(0, 3, false);
    tr.step();
    CHECK(values_of(tr.net())[0](5, 3) != Scalar(0.75));
    CHECK(tr.frozen().empty());
    finals.push_back(values_of(tr.net())[0]);
    set_threads(before);
  }
  if (finals.size() == 2) CHECK((finals[0] - finals[1]).cwiseAbs().maxCoeff() < 1e-5);
}

TEST_CASE("freezing and setting refuse what the network does not have") {
  const Dataset d = quadrants(100, 20);
  Trainer tr(quadrant_config(), d);
  CHECK_THROWS_AS(tr.freeze_unit(1, 0, true), Error);   // tanh has no units
  CHECK_THROWS_AS(tr.freeze_unit(0, 8, true), Error);   // 8 units: 0..7
  CHECK_THROWS_AS(tr.freeze_unit(9, 0, true), Error);
  CHECK_THROWS_AS(tr.set_weight(0, 16, 0, 1), Error);   // 16 inputs: rows 0..15
  CHECK_THROWS_AS(tr.set_weight(4, 0, 0, 1), Error);
  CHECK_THROWS_AS(tr.set_weight(0, 0, 0, Scalar(NAN)), Error);
  CHECK(tr.frozen().empty());
  tr.freeze_unit(2, 1, true);
  tr.reset();
  CHECK(tr.frozen().empty());  // new weights: nothing kept from the old ones
}

TEST_CASE("a playground's frozen unit stays while the rest of its network learns") {
  PlaygroundSetup s;
  s.mode = 1;
  s.points = "xor";
  s.hidden = "6";
  Playground pg = make_playground(s);
  pg.freeze_unit(0, 2, true);
  const Mat w0 = values_of(pg.net())[0];
  for (int i = 0; i < 50; ++i) pg.step(kPlaygroundBatch);
  const Mat w1 = values_of(pg.net())[0];
  CHECK(w1.col(2) == w0.col(2));
  CHECK((w1 - w0).norm() > 1e-3);
  pg.set_weight(0, 1, 2, Scalar(-0.5));
  pg.step(kPlaygroundBatch);
  CHECK(values_of(pg.net())[0](1, 2) == Scalar(-0.5));
}
