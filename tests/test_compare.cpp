// Comparisons: runs that differ in one setting start equal and are summarised from their metrics.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "compare.h"
#include "synthetic.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {
std::shared_ptr<const Dataset> data() {
  static auto d = std::make_shared<const Dataset>(quadrants(2000, 400));
  return d;
}
ComparisonSpec three_optimizers() {
  ComparisonSpec s;
  s.base = quadrant_config();
  s.base.epochs = 1000;
  s.what = Varied::Optimizer;
  s.values = {"sgd:0.3", "momentum:0.05", "adam:0.01"};
  s.target_accuracy = 0.8;
  return s;
}
}  // namespace

TEST_CASE("compare: three runs start from identical weights, see the same batches, and the table matches") {
  Comparison c(three_optimizers(), data());
  REQUIRE(c.size() == 3);
  c.poll();
  for (size_t i = 1; i < 3; ++i) CHECK(c.latest(i).weights->values == c.latest(0).weights->values);
  // A few hundred steps each, the last one recorded in detail for the batch check.
  for (size_t i = 0; i < 3; ++i) c.run(i).run_steps(299);
  const auto t0 = std::chrono::steady_clock::now();
  while (!c.idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  for (size_t i = 0; i < 3; ++i) c.run(i).step_batch();
  while (!c.idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the epoch-end evaluations
  c.poll();
  for (size_t i = 0; i < 3; ++i) {
    REQUIRE(c.latest(i).trace);
    CHECK(c.latest(i).trace->indices == c.latest(0).trace->indices);
    CHECK(c.steps(i).size() == 300);
  }
  CHECK(c.latest(1).weights->values != c.latest(0).weights->values);  // and then they differ

  const auto table = c.table();
  REQUIRE(table.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const auto& st = c.steps(i);
    const auto& ev = c.evals(i);
    CHECK(table[i].label == c.label(i));
    CHECK(table[i].steps == 300);
    double sum = 0;
    for (size_t k = st.size() - 100; k < st.size(); ++k) sum += st[k].loss;
    CHECK(table[i].final_loss == doctest::Approx(sum / 100));
    REQUIRE(ev.size() == 3);  // 300 steps of 16 over 1600 samples: epoch ends at 100, 200, 300
    double best = 0;
    long first = -1;
    for (const auto& e : ev) {
      best = std::max(best, double(e.val_accuracy));
      if (first < 0 && e.val_accuracy >= 0.8) first = e.step;
    }
    CHECK(table[i].best_val == doctest::Approx(best));
    CHECK(table[i].final_test == doctest::Approx(ev.back().test_accuracy));
    CHECK(table[i].steps_to_target == first);
    CHECK(table[i].samples_per_s > 0);
  }
}

TEST_CASE("compare: values are checked, save and load round trip") {
  ComparisonSpec s = three_optimizers();
  s.values = {"sgd"};
  CHECK_THROWS_WITH_AS(expand(s), doctest::Contains("2 to 8 runs"), Error);
  s.values = {"sgd", "fastest"};
  CHECK_THROWS_WITH_AS(expand(s), doctest::Contains("unknown optimizer 'fastest'"), Error);
  s.what = Varied::BatchSize;
  s.values = {"32", "0.5"};
  CHECK_THROWS_WITH_AS(expand(s), doctest::Contains("not a positive whole number"), Error);
  s.what = Varied::Activation;
  s.values = {"relu", "tanh"};
  const auto cfgs = expand(s);
  CHECK(cfgs[0].net.layers[1].type == "relu");
  CHECK(cfgs[1].net.layers[1].type == "tanh");
  for (const auto& n : ready_made_names()) CHECK_NOTHROW(expand(ready_made(n)));

  TempDir tmp;
  Comparison c(three_optimizers(), data());
  for (size_t i = 0; i < 3; ++i) c.run(i).run_steps(120);
  const auto t0 = std::chrono::steady_clock::now();
  while (!c.idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  c.poll();
  c.save(tmp.file("cmp.json"), tmp.file("cmp.csv"));
  const SavedComparison back = load_comparison(tmp.file("cmp.json"), tmp.file("cmp.csv"));
  CHECK(back.labels.size() == 3);
  CHECK(back.spec.values == c.spec().values);
  for (size_t i = 0; i < 3; ++i) {
    REQUIRE(back.steps[i].size() == c.steps(i).size());
    CHECK(back.steps[i].back().loss == doctest::Approx(c.steps(i).back().loss));
    CHECK(back.evals[i].size() == c.evals(i).size());
  }
  write_bytes(tmp.file("bad.csv"), {'h', '\n', '9', ',', 's', 't', 'e', 'p', '\n'});
  CHECK_THROWS_WITH_AS(load_comparison(tmp.file("cmp.json"), tmp.file("bad.csv")), doctest::Contains("line 2"), Error);
}
