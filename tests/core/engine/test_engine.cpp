// The training engine: commands, snapshots, failures and several runs at once.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "engine/engine.h"
#include "io/model_io.h"
#include "io/run_file.h"
#include "labs/explain.h"
#include "synthetic.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Polls pred every millisecond; false if it did not hold within `timeout` seconds.
template <class Pred>
bool wait_for(Pred pred, double timeout = 20) {
  const auto t0 = Clock::now();
  while (!pred()) {
    if (seconds_since(t0) > timeout) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::shared_ptr<const Dataset> small_data() {
  static auto d = std::make_shared<const Dataset>(quadrants(2000, 400));
  return d;
}

// A net whose steps take several milliseconds, for timing tests.
std::shared_ptr<const Dataset> slow_data() {
  static auto d = std::make_shared<const Dataset>(quadrants(6000, 200, 16));
  return d;
}
TrainConfig slow_config() {
  TrainConfig c = quadrant_config(16, 512);
  c.batch = 1000;
  c.epochs = 1000;
  return c;
}

// A snapshot with the whole history, leaving the test's own cursor alone.
RunSnapshot fresh(Run& run) {
  SnapshotCursor c;
  return run.snapshot(c);
}

RunSnapshot settle(Run& run, SnapshotCursor& cur) {
  REQUIRE(wait_for([&] { return run.idle(); }));
  return run.snapshot(cur);
}

}  // namespace

TEST_CASE("engine: step trains exactly one mini-batch, the same one a bare trainer trains") {
  Eigen::setNbThreads(1);
  TrainConfig cfg = quadrant_config();
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.step_batch();
  RunSnapshot s = settle(run, cur);
  CHECK(s.step == 1);
  CHECK(s.steps.size() == 1);
  CHECK(s.state == RunState::Paused);

  Trainer bare(cfg, *small_data());
  const StepStats st = bare.step();
  CHECK(s.steps[0].loss == doctest::Approx(st.loss).epsilon(1e-6));
  REQUIRE(s.weights);
  CHECK(s.weights->step == 1);
  auto bare_params = bare.net().params();
  REQUIRE(bare_params.size() == s.weights->values.size());
  for (size_t i = 0; i < bare_params.size(); ++i) CHECK(*bare_params[i].p.value == s.weights->values[i]);

  run.step_batch(3);
  s = settle(run, cur);
  CHECK(s.step == 4);
  CHECK(s.steps.size() == 3);
}

TEST_CASE("engine: has_news says when a snapshot would bring something, without taking it") {
  Eigen::setNbThreads(1);
  Run run(quadrant_config(), small_data());
  SnapshotCursor cur;
  REQUIRE(wait_for([&] { return run.idle(); }));
  RunSnapshot seen = run.snapshot(cur);
  CHECK_FALSE(run.has_news(cur, seen));
  run.step_batch();
  REQUIRE(wait_for([&] { return run.idle(); }));
  CHECK(run.has_news(cur, seen));
  CHECK(run.has_news(cur, seen));  // looking again: the news is still there, the cursor did not move
  const RunSnapshot s = run.snapshot(cur);
  CHECK(s.steps.size() == 1);      // and the snapshot still brings it
  CHECK_FALSE(run.has_news(cur, s));
  CHECK(run.has_news(cur, seen));  // against an older status (other weights): news
  run.reset();
  REQUIRE(wait_for([&] { return run.idle(); }));
  CHECK(run.has_news(cur, s));     // a restart is news
}

TEST_CASE("engine: the step-through trace is the update that actually happened") {
  TrainConfig cfg = quadrant_config();
  cfg.opt.kind = OptKind::Momentum;
  cfg.opt.lr = 0.1f;
  cfg.opt.momentum = 0.9f;
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.step_batch(2);  // the second step has non-zero velocity before the update
  RunSnapshot s = settle(run, cur);
  auto before = s.weights;
  run.step_batch();
  s = settle(run, cur);
  REQUIRE(s.trace);
  const StepTrace& t = *s.trace;
  CHECK(t.step == 3);
  CHECK(t.indices.size() == 16);
  CHECK(t.acts.size() == 4);   // input + 3 layers
  CHECK(t.grads.size() == 4);
  REQUIRE(t.param_before.size() == s.weights->values.size());
  for (size_t i = 0; i < t.param_before.size(); ++i) {
    INFO(t.param_names[i]);
    CHECK(t.param_before[i] == before->values[i]);   // old value: the weights before the step
    CHECK(t.param_after[i] == s.weights->values[i]); // new value: the weights after it
    // momentum: v' = mu v + g, w' = w - lr v'
    REQUIRE(t.state_before[i].size() == 1);
    CHECK(t.state_before[i][0].first == "velocity");
    const Mat v_new = 0.9f * t.state_before[i][0].second + t.param_grad[i];
    CHECK((t.state_after[i][0].second - v_new).cwiseAbs().maxCoeff() < 1e-6);
    CHECK((t.param_after[i] - (t.param_before[i] - 0.1f * v_new)).cwiseAbs().maxCoeff() < 1e-6);
  }
}

TEST_CASE("engine: pause lands within one mini-batch, and the run stays put") {
  Eigen::setNbThreads(1);
  // 24 mini-batches an epoch: a pause that waited for the epoch's end would show as many.
  TrainConfig cfg = slow_config();
  cfg.batch = 250;
  Run run(cfg, slow_data());
  SnapshotCursor cur;
  auto t0 = Clock::now();
  run.step_batch();
  settle(run, cur);
  const double step_time = seconds_since(t0);
  run.play();
  REQUIRE(wait_for([&] { return run.snapshot(cur).step >= 4; }));
  const long before = run.snapshot(cur).step;
  t0 = Clock::now();
  run.pause();
  REQUIRE(wait_for([&] { return run.idle(); }));
  const double latency = seconds_since(t0);
  const long after = run.snapshot(cur).step;
  // The bound is in mini-batches, not milliseconds: a busy machine stretches both alike.
  MESSAGE("step " << step_time * 1e3 << " ms, pause latency " << latency * 1e3 << " ms, "
                  << after - before << " mini-batches after the call");
  CHECK(after - before <= 2);  // the step in progress (and one that may have ended before the call)
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(run.snapshot(cur).step == after);
  CHECK(run.snapshot(cur).state == RunState::Paused);
}

TEST_CASE("engine: no metric point is lost across snapshots taken at random moments") {
  TrainConfig cfg = quadrant_config();
  cfg.batch = 4;
  cfg.epochs = 1000;
  Run run(cfg, small_data());
  std::vector<StepPoint> seen;
  SnapshotCursor cur;
  std::atomic<bool> done{false};
  std::thread viewer([&] {
    Rng rng(1);
    while (!done) {
      auto s = run.snapshot(cur);
      seen.insert(seen.end(), s.steps.begin(), s.steps.end());
      std::this_thread::sleep_for(std::chrono::microseconds(rng.below(3000)));
    }
  });
  run.play();
  REQUIRE(wait_for([&] { return fresh(run).step >= 3000; }));
  run.pause();
  REQUIRE(wait_for([&] { return run.idle(); }));
  done = true;
  viewer.join();
  auto s = run.snapshot(cur);
  seen.insert(seen.end(), s.steps.begin(), s.steps.end());
  REQUIRE(seen.size() == static_cast<size_t>(s.step));
  for (size_t i = 0; i < seen.size(); ++i) {
    if (seen[i].step != long(i + 1)) FAIL("point " << i << " has step " << seen[i].step);
  }
}

TEST_CASE("history: compacting merges neighbours, weighted by the mini-batches each stands for") {
  std::vector<StepPoint> h;
  for (long k = 1; k <= 7; ++k) h.push_back({k, k * 0.1f, float(k), k % 2 ? 1.f : 0.f, 0.5f, k * 2.f});
  compact_steps(h);
  REQUIRE(h.size() == 4);
  CHECK(h[0].step == 2);
  CHECK(h[0].loss == doctest::Approx(1.5));
  CHECK(h[0].accuracy == doctest::Approx(0.5));
  CHECK(h[0].time == doctest::Approx(4));
  CHECK(h[2].step == 6);
  CHECK(h[3].step == 7);  // the odd last point stays
  CHECK(h[3].loss == 7);
  compact_steps(h);  // now unequal spans: steps 1-4 (mean 2.5) and 5-7 (mean 6)
  REQUIRE(h.size() == 2);
  CHECK(h[0].step == 4);
  CHECK(h[0].loss == doctest::Approx(2.5));
  CHECK(h[1].step == 7);
  CHECK(h[1].loss == doctest::Approx(6));
  CHECK(h[1].epoch == doctest::Approx(0.7));
}

TEST_CASE("engine: a long run's history stays under its cap, and viewers follow the compactions") {
  TrainConfig cfg = quadrant_config();
  cfg.batch = 4;
  cfg.epochs = 1000;
  RunOptions capped;
  capped.history_cap = 64;
  Run run(cfg, small_data(), capped), full(cfg, small_data());
  std::vector<StepPoint> seen;  // what a viewer holds, rebuilt on "rebased" as the app does
  bool rebased = false;
  SnapshotCursor cur;
  std::atomic<bool> done{false};
  std::thread viewer([&] {
    Rng rng(2);
    while (!done) {
      auto s = run.snapshot(cur);
      if (s.rebased) seen.clear(), rebased = true;
      seen.insert(seen.end(), s.steps.begin(), s.steps.end());
      std::this_thread::sleep_for(std::chrono::microseconds(rng.below(2000)));
    }
  });
  run.run_steps(2000);
  full.run_steps(2000);
  REQUIRE(wait_for([&] { return run.idle() && full.idle(); }));
  done = true;
  viewer.join();
  auto s = run.snapshot(cur);
  if (s.rebased) seen.clear(), rebased = true;
  seen.insert(seen.end(), s.steps.begin(), s.steps.end());
  CHECK(rebased);
  const auto whole = fresh(run).steps;
  REQUIRE(whole.size() < 64);
  REQUIRE(seen.size() == whole.size());
  for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i].step == whole[i].step);
  CHECK(whole.back().step == 2000);
  // Nothing is lost in the merging: every mini-batch's loss is in the weighted means.
  const auto raw = fresh(full).steps;
  REQUIRE(raw.size() == 2000);
  double sum_raw = 0, sum_merged = 0;
  for (const auto& p : raw) sum_raw += p.loss;
  long prev = 0;
  for (const auto& p : whole) {
    CHECK(p.step > prev);
    sum_merged += double(p.step - prev) * p.loss;
    prev = p.step;
  }
  CHECK(sum_merged == doctest::Approx(sum_raw).epsilon(1e-4));
}

TEST_CASE("engine: the same seed gives the same run, compared runs start from identical weights") {
  TrainConfig a = quadrant_config(), b = quadrant_config();
  b.opt.kind = OptKind::Adam;
  b.opt.lr = 0.01f;
  Run r1(a, small_data()), r2(a, small_data()), r3(b, small_data());
  SnapshotCursor c1, c2, c3;
  auto s1 = r1.snapshot(c1), s3 = r3.snapshot(c3);
  CHECK(s1.weights->values == s3.weights->values);  // identical initial weights, other optimizer
  r1.step_batch(100);
  r2.step_batch(100);
  r3.step_batch(100);
  s1 = settle(r1, c1);
  auto s2 = settle(r2, c2);
  s3 = settle(r3, c3);
  REQUIRE(s1.steps.size() == 100);
  REQUIRE(s2.steps.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(s1.steps[i].loss == s2.steps[i].loss);
  CHECK(s1.weights->values == s2.weights->values);
  CHECK(s1.weights->values != s3.weights->values);
  // Same mini-batch order in the compared run.
  CHECK(s1.trace->indices == s3.trace->indices);
}

TEST_CASE("engine: a NaN loss pauses the run with a message, reset recovers") {
  TrainConfig cfg = quadrant_config();
  cfg.net.layers = {dense(32), act("relu"), dense(32), act("relu"), dense(4)};
  cfg.opt.lr = 1e6f;
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.play();
  REQUIRE(wait_for([&] { return run.snapshot(cur).state == RunState::Diverged; }));
  auto s = run.snapshot(cur);
  MESSAGE(s.message);
  CHECK(s.message.find("diverged at step") != std::string::npos);
  CHECK(s.message.find("learning rate") != std::string::npos);
  // Stays paused: play is refused until a reset.
  run.play();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(run.snapshot(cur).state == RunState::Diverged);
  OptConfig o = cfg.opt;
  o.lr = 0.1f;
  run.set_optimizer(o);
  run.reset();
  s = settle(run, cur);
  CHECK(s.restarted);
  CHECK(s.state == RunState::Paused);
  CHECK(s.step == 0);
  CHECK(s.message.empty());
  run.step_batch(20);
  s = settle(run, cur);
  CHECK(s.step == 20);
  CHECK(s.weights->values[0].allFinite());
}

TEST_CASE("engine: an exception on the training thread reaches the viewer as an error") {
  Run run(quadrant_config(), small_data());
  SnapshotCursor cur;
  run.post([](Trainer&) { throw Error("[test] injected failure"); });
  REQUIRE(wait_for([&] { return run.snapshot(cur).state == RunState::Failed; }));
  CHECK(run.snapshot(cur).message.find("injected failure") != std::string::npos);
  run.reset();
  run.step_batch();
  CHECK(settle(run, cur).step == 1);
}

TEST_CASE("engine: record_async returns at once while the training thread is busy, and is ready after") {
  // The training thread is held inside a job until the test lets it go: a mini-batch that takes
  // as long as the test likes. Asking for a record then must not wait for it (the app's Save runs
  // on the frame), and the record must come once the thread is free, taken between two jobs.
  Run run(quadrant_config(), small_data());
  SnapshotCursor cur;
  run.step_batch(3);
  settle(run, cur);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> holding{false};
  run.post([&](Trainer&) {
    holding = true;
    released.wait();
  });
  REQUIRE(wait_for([&] { return holding.load(); }));
  json::Value info = json::Value::object();
  info.set("note", "busy");
  std::future<RunRecord> rec = run.record_async(info);  // returns although the thread is held
  CHECK(rec.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  release.set_value();
  const RunRecord r = rec.get();
  CHECK(r.step == 3);
  CHECK(r.steps.size() == 3);
  CHECK(r.meta.info.at("note").as_string() == "busy");
  CHECK(r.meta.info.at("steps").as_number() == 3);
}

TEST_CASE("engine: destroying a run mid-epoch joins promptly") {
  Eigen::setNbThreads(1);
  // 24 mini-batches of 1000 an epoch. The join may wait for the mini-batch in progress, not for
  // the epoch's end; the bound is a few mini-batches timed on this machine a moment before, so a
  // busy machine stretches the bound as it stretches the join.
  static auto data = std::make_shared<const Dataset>(quadrants(24000, 200, 16));
  auto run = std::make_unique<Run>(slow_config(), data);
  SnapshotCursor cur;
  const auto t0 = Clock::now();
  run->step_batch(2);
  settle(*run, cur);
  const double step_time = seconds_since(t0) / 2;
  run->play();
  REQUIRE(wait_for([&] { return run->snapshot(cur).step >= 4; }));
  const auto t1 = Clock::now();
  run.reset();
  const double join_time = seconds_since(t1);
  MESSAGE("step " << step_time * 1e3 << " ms, join " << join_time * 1e3 << " ms");
  CHECK(join_time < 4 * step_time + 0.03);
}

TEST_CASE("engine: hyperparameter changes are recorded with their step and take effect") {
  Run run(quadrant_config(), small_data());
  SnapshotCursor cur;
  run.step_batch(5);
  settle(run, cur);
  OptConfig o = quadrant_config().opt;
  o.lr = 0.05f;
  run.set_optimizer(o);
  run.set_batch(32);
  run.step_batch();
  auto s = settle(run, cur);
  REQUIRE(s.changes.size() == 2);
  CHECK(s.changes[0].step == 5);
  CHECK(s.changes[0].text == "lr 0.3 -> 0.05");
  CHECK(s.changes[1].text == "batch 16 -> 32");
  CHECK(s.steps.back().lr == doctest::Approx(0.05));
  CHECK(s.trace->indices.size() == 32);
  CHECK(s.config.batch == 32);
  CHECK_THROWS_AS(run.set_batch(0), Error);
}

TEST_CASE("engine: a slider dragged while training applies every value but leaves one marker") {
  Run run(quadrant_config(), small_data());
  SnapshotCursor cur;
  run.step_batch(3);
  settle(run, cur);
  OptConfig o = quadrant_config().opt;
  o.lr = 0.2f;
  run.set_optimizer(o, false);  // the slider is held: applied, unmarked
  run.step_batch(2);
  auto s = settle(run, cur);
  CHECK(s.changes.empty());
  CHECK(s.steps.back().lr == doctest::Approx(0.2));
  CHECK(s.config.opt.lr == doctest::Approx(0.2f));
  o.lr = 0.1f;
  run.set_optimizer(o, false);
  run.step_batch(2);
  o.lr = 0.05f;
  run.set_optimizer(o, true);  // released: one marker from before the drag, where it began
  run.step_batch();
  s = settle(run, cur);
  REQUIRE(s.changes.size() == 1);
  CHECK(s.changes[0].step == 3);
  CHECK(s.changes[0].text == "lr 0.3 -> 0.05");
  CHECK(s.steps.back().lr == doctest::Approx(0.05));
  // Dragged back to where it started: no marker at all.
  o.lr = 0.2f;
  run.set_optimizer(o, false);
  o.lr = 0.05f;
  run.set_optimizer(o, true);
  run.step_batch();
  s = settle(run, cur);
  CHECK(s.changes.empty());
}

TEST_CASE("engine: epochs end in an evaluation, step_epoch stops at the epoch's end") {
  Run run(quadrant_config(), small_data());
  SnapshotCursor cur;
  run.step_epoch();
  REQUIRE(wait_for([&] { return run.idle() && fresh(run).evals.size() == 1; }));
  auto s = run.snapshot(cur);
  CHECK(s.epoch == doctest::Approx(1.0));
  CHECK(s.step == 100);  // 1600 training samples / batch 16
  REQUIRE(s.evals.size() == 1);
  CHECK(s.evals[0].step == 100);
  CHECK(s.evals[0].val_accuracy > 0.8f);
  CHECK(s.state == RunState::Paused);
}

TEST_CASE("engine: eval_early evaluates in full at steps 50, 100, 200, 500, ... of the first epoch only") {
  std::vector<long> early;
  for (long k = 0; k <= 100000; ++k)
    if (early_eval_step(k)) early.push_back(k);
  CHECK(early == std::vector<long>{50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000});
  RunOptions o;
  o.eval_early = true;
  TrainConfig cfg = quadrant_config();
  cfg.batch = 8;  // 200 steps an epoch: 500 falls in the third
  Run run(cfg, small_data(), o);
  SnapshotCursor cur;
  for (size_t evals : {3, 4, 5}) {  // 50, 100 and 200 in the first epoch; then one at each end
    run.step_epoch();
    REQUIRE(wait_for([&] { return run.idle() && fresh(run).evals.size() == evals; }));
  }
  const auto s = run.snapshot(cur);
  std::vector<long> at;
  for (const auto& e : s.evals) at.push_back(e.step);
  CHECK(at == std::vector<long>{50, 100, 200, 400, 600});
  CHECK(s.evals[0].val_accuracy > 0.f);
}

TEST_CASE("engine: play stops at the configured epochs") {
  TrainConfig cfg = quadrant_config();
  cfg.epochs = 2;
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.play();
  REQUIRE(wait_for([&] { return run.snapshot(cur).state == RunState::Finished; }));
  CHECK(run.snapshot(cur).step == 200);
}

TEST_CASE("engine: the model of a running run saves without stopping it") {
  TempDir tmp;
  TrainConfig cfg = quadrant_config();
  // More epochs than can end during the test: 1000 of this tiny net (125k steps) once finished
  // while a synced save kept this thread waiting on a busy machine, and the run then rightly
  // stopped stepping.
  cfg.epochs = 1000000;
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.play();
  REQUIRE(wait_for([&] { return run.snapshot(cur).step > 50; }));
  run.save_model(tmp.file("m.safetensors"));
  const long at_save = run.snapshot(cur).step;
  REQUIRE(wait_for([&] { return run.snapshot(cur).step > at_save + 50; }));  // still training
  LoadedModel m = load_model(tmp.file("m.safetensors"));
  CHECK(m.meta.info.at("steps").as_number() > 50);
  CHECK(m.net.spec().describe() == cfg.net.describe());
  run.pause();
}

TEST_CASE("engine: the probe view holds every layer's output and gradient") {
  Run run(quadrant_config(), small_data());
  SnapshotCursor cur;
  Mat x = small_data()->test.x.col(3);
  run.set_probe(x, small_data()->test.y[3]);
  run.step_batch();
  auto s = settle(run, cur);
  REQUIRE(s.probe);
  CHECK(s.probe->acts.size() == 4);
  CHECK(s.probe->acts[0] == x);
  CHECK(s.probe->acts[1].rows() == 8);
  CHECK(s.probe->grads[1].rows() == 8);
  CHECK(s.probe->probs.size() == 4);
  CHECK(s.probe->probs.sum() == doctest::Approx(1.0));
  CHECK_THROWS_AS(run.set_probe(Mat::Zero(3, 1), 0), Error);
}

// The GUI sets the probe from its own thread while the run trains (the activations view's image,
// a digit drawn on the canvas): the command must not touch the trainer, which the training thread
// owns. (It once asked the trainer's network for its shape, through an accessor that also marks the
// weights changed: a write racing with every step. scripts/sanitize.sh thread runs this.)
TEST_CASE("engine: the probe changes while the run trains") {
  TrainConfig cfg = quadrant_config();
  cfg.epochs = 1000;
  Run run(cfg, small_data());
  run.play();
  const Split& t = small_data()->test;
  REQUIRE(wait_for([&] { return fresh(run).step > 5; }));
  for (int i = 0; i < 200; ++i) {
    run.set_probe(t.x.col(i % t.count), i % 3 == 0 ? -1 : t.y[size_t(i % t.count)]);
    if (i % 20 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const Mat last = t.x.col(199 % t.count);
  CHECK(wait_for([&] {
    const RunSnapshot s = fresh(run);
    return s.probe && s.probe->acts[0] == last;
  }));
  run.pause();
  CHECK(wait_for([&] { return run.idle(); }));
  const RunSnapshot s = fresh(run);
  CHECK(s.state == RunState::Paused);
  CHECK(s.step > 5);
}

TEST_CASE("engine: several runs share the cores and none starves") {
  Eigen::setNbThreads(1);
  TrainConfig cfg = quadrant_config(16, 64);
  cfg.epochs = 1000;
  std::vector<std::unique_ptr<Run>> runs;
  for (int i = 0; i < 4; ++i) runs.push_back(std::make_unique<Run>(cfg, slow_data()));
  for (auto& r : runs) r->play();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (auto& r : runs) r->pause();
  std::vector<long> steps;
  for (auto& r : runs) {
    SnapshotCursor c;
    REQUIRE(wait_for([&] { return r->idle(); }));
    steps.push_back(r->snapshot(c).step);
  }
  const long lo = *std::min_element(steps.begin(), steps.end());
  const long hi = *std::max_element(steps.begin(), steps.end());
  MESSAGE("steps per run: " << steps[0] << " " << steps[1] << " " << steps[2] << " " << steps[3]);
  CHECK(lo > 0);
  CHECK(hi <= 3 * lo);
}

TEST_CASE("engine: the speed setting slows training down to a watchable pace") {
  TrainConfig cfg = quadrant_config();
  cfg.epochs = 1000;
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.set_speed(20);
  run.play();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  run.pause();
  REQUIRE(wait_for([&] { return run.idle(); }));
  const long steps = run.snapshot(cur).step;
  CHECK(steps >= 5);
  CHECK(steps <= 13);
}

TEST_CASE("engine: run_steps trains exactly that many mini-batches at full pace") {
  TrainConfig cfg = quadrant_config();
  cfg.epochs = 1000;
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.run_steps(250);
  REQUIRE(wait_for([&] { return run.idle(); }));
  auto s = run.snapshot(cur);
  CHECK(s.step == 250);
  CHECK(s.state == RunState::Paused);
  CHECK(!s.trace);  // no per-step traces at full pace
}

TEST_CASE("step-through: the written-out update equals the actual weight change, for every optimizer") {
  for (OptKind kind : {OptKind::Sgd, OptKind::Momentum, OptKind::Nesterov, OptKind::AdaGrad, OptKind::RmsProp,
                       OptKind::Adam, OptKind::AdamW}) {
    TrainConfig cfg = quadrant_config();
    cfg.opt.kind = kind;
    cfg.opt.lr = kind == OptKind::Sgd || kind == OptKind::Momentum || kind == OptKind::Nesterov ? 0.1f : 0.01f;
    cfg.opt.weight_decay = 0.01f;
    Run run(cfg, small_data());
    SnapshotCursor cur;
    run.step_batch(3);  // optimizer state is non-zero from the second step on
    auto s = settle(run, cur);
    REQUIRE(s.trace);
    const StepTrace& t = *s.trace;
    int checked = 0;
    for (size_t p = 0; p < t.param_names.size(); ++p)
      for (size_t k = 0; k < size_t(t.param_before[p].size()); k += 3) {
        const UpdateExplanation e = explain_update(t, p, k);
        INFO(to_string(kind) << " " << t.param_names[p] << "[" << k << "]: computed " << e.computed << ", actual "
                             << e.actual);
        CHECK(e.matches());
        CHECK(e.actual != e.before);  // the step did move it
        ++checked;
      }
    CHECK(checked > 20);
  }
}

TEST_CASE("run files: a saved run reopens with its curves and continues exactly where it stopped") {
  TempDir tmp;
  TrainConfig cfg = quadrant_config();
  cfg.opt.kind = OptKind::Adam;  // state that matters: m, v and the step count
  cfg.opt.lr = 0.01f;
  cfg.epochs = 1000;
  Run a(cfg, small_data());
  SnapshotCursor ca;
  a.run_steps(150);  // one and a half epochs: an evaluation, and a place in the middle of epoch 2
  REQUIRE(wait_for([&] { return a.idle() && fresh(a).evals.size() == 1; }));
  a.save_run(tmp.file("run.safetensors"));
  CHECK(is_run_file(tmp.file("run.safetensors")));
  CHECK_NOTHROW(load_model(tmp.file("run.safetensors")));  // a run file is a model file too

  auto rec = std::make_shared<RunRecord>(load_run(tmp.file("run.safetensors")));
  CHECK(rec->step == 150);
  CHECK(rec->steps.size() == 150);
  CHECK(rec->evals.size() == 1);
  Run b(rec->meta.config, small_data());
  b.restore(rec);
  SnapshotCursor cb;
  auto sb = settle(b, cb);
  auto sa = settle(a, ca);
  CHECK(sb.restarted == false);  // a fresh cursor: just the restored history
  REQUIRE(sb.steps.size() == 150);
  for (size_t i = 0; i < 150; ++i) CHECK(sb.steps[i].loss == sa.steps[i].loss);
  CHECK(sb.weights->values == sa.weights->values);
  CHECK(sb.step == 150);

  // Both continue: the same batches and the same optimizer state give the same numbers.
  a.run_steps(60);
  b.run_steps(60);
  sa = settle(a, ca);
  sb = settle(b, cb);
  REQUIRE(sa.steps.size() == 60);
  REQUIRE(sb.steps.size() == 60);
  for (size_t i = 0; i < 60; ++i) CHECK(sb.steps[i].loss == sa.steps[i].loss);
  CHECK(sb.weights->values == sa.weights->values);

  write_bytes(tmp.file("model.safetensors"), read_bytes(tmp.file("run.safetensors")));
  Network plain(cfg.net);
  ModelFile mf;
  mf.config = cfg;
  save_model(tmp.file("model.safetensors"), plain, mf);
  CHECK_FALSE(is_run_file(tmp.file("model.safetensors")));
  CHECK_THROWS_WITH_AS(load_run(tmp.file("model.safetensors")), doctest::Contains("not a run file"), Error);
}

TEST_CASE("engine: a frozen unit and a weight set by hand show at once, also paused, and with a marker each") {
  TrainConfig cfg = quadrant_config();
  Run run(cfg, small_data());
  SnapshotCursor cur;
  run.step_batch(2);
  RunSnapshot s = settle(run, cur);
  REQUIRE(s.weights);
  const long before = s.weights->step;
  run.freeze_unit(0, 3, true);
  run.set_weight(0, 2, 3, 0.625);
  s = settle(run, cur);
  REQUIRE(s.frozen.size() == 1);
  CHECK(s.frozen[0] == std::make_pair(0, 3));
  CHECK(s.weights->values[0](2, 3) == Scalar(0.625));  // published while paused
  CHECK(s.weights->step == before);
  REQUIRE(s.changes.size() == 2);
  CHECK(s.changes[0].text == "unit 3 of layer 0 frozen");
  CHECK(s.changes[1].text == "layers.0.weight (2, 3) set to 0.625");
  const Mat unit = s.weights->values[0].col(3);
  run.step_batch(20);
  s = settle(run, cur);
  CHECK(s.weights->values[0].col(3) == unit);
  // Out of range: the run says why and trains on.
  run.freeze_unit(1, 0, true);
  s = settle(run, cur);
  CHECK(s.message.find("has no units") != std::string::npos);
  CHECK(s.state == RunState::Paused);
  run.reset();
  s = settle(run, cur);
  CHECK(s.frozen.empty());
}
