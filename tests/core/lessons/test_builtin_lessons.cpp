// The built-in lessons (assets/lessons/), each solved the way a student would: the settings a
// student chooses, driven through the engine (a Run, its snapshots into a GoalTracker), the
// playground and the landscape as the app builds them, and the answers typed. Every lesson must
// load, have no goal met before anything is done, leave a goal open when it is only trained as it
// starts, and have every goal met by its solution within the lesson's own limits (its epochs, its
// training images, its steps).
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <thread>

#include "base/fileio.h"
#include "data/dataset.h"
#include "engine/compare.h"
#include "engine/engine.h"
#include "engine/layer_stats.h"
#include "labs/landscape.h"
#include "labs/playground.h"
#include "lessons/goal_tracker.h"
#include "lesson_names.h"
#include "lessons/lesson.h"
#include "train/presets.h"

using namespace nnviz;

namespace {

std::vector<std::string> LessonFiles() { return lesson_files(NNVIZ_ASSETS_DIR "/lessons"); }

std::shared_ptr<const Dataset> Mnist() {
  static const auto data = std::make_shared<const Dataset>(
      Dataset::load(DatasetKind::Mnist, resolve_data_dir(DatasetKind::Mnist, ""), NormMode::Standard));
  return data;
}

// A student working through one lesson: each action starts from the lesson's start (as "try
// again" or Reset does), changed as the student changes it, and everything seen goes to the
// tracker.
struct Student {
  Lesson lesson;
  GoalTracker tracker;
  explicit Student(const Lesson& l) : lesson(l), tracker(l) {}

  // Trains the lesson's run, changed by `change`, for the lesson's epochs, through the engine.
  void train(const std::function<void(TrainConfig&)>& change = {}) {
    TrainConfig c = lesson.start.config;
    if (change) change(c);
    RunOptions opts;
    opts.eval_early = true;  // as the app runs it
    opts.record_budget = 0;  // statistics every few steps, whatever the machine's speed
    Run run(c, with_training_samples(Mnist(), lesson.start.train_samples), opts);
    SnapshotCursor cursor;
    const LayerStatsLayout layout = LayerStatsLayout::of(Network(c.net));
    tracker.observe(run.snapshot(cursor), layout);
    run.run_until_epoch(c.epochs);
    // Until the run has stopped and its last evaluation (at the final step) arrived. The deadline
    // only keeps a broken engine from hanging the suite.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    long evaluated = -1;
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      const RunSnapshot s = run.snapshot(cursor);
      tracker.observe(s, layout);
      if (!s.evals.empty()) evaluated = s.evals.back().step;
      if (s.state == RunState::Diverged || s.state == RunState::Failed) break;
      if (run.idle() && s.step > 0 && evaluated == s.step) break;
      REQUIRE(std::chrono::steady_clock::now() < deadline);
    }
  }

  // The playground as the lesson starts it, changed, trained `steps` mini-batches as the app
  // does, its test figures seen every 100.
  void playground(long steps, const std::function<void(PlaygroundSetup&)>& change = {}) {
    REQUIRE(lesson.start.playground.used);
    PlaygroundSetup s = lesson.start.playground;
    if (change) change(s);
    Playground pg = make_playground(s);
    auto see = [&] {
      const double mse = s.mode == 0 ? pg.mean_squared_error(pg.test()) : NAN;
      const double acc = s.mode == 1 ? pg.accuracy(pg.test()) : NAN;
      tracker.observe_playground(mse, acc, pg.steps(), lesson.start.config);
    };
    see();
    while (pg.steps() < steps) {
      pg.step(kPlaygroundBatch);
      if (pg.steps() % 100 == 0) see();
    }
  }

  // One optimizer's path on the lesson's surface at learning rate `lr`.
  void path(OptKind kind, double lr) {
    REQUIRE(lesson.start.landscape.used);
    const Surface& surface = find_surface(lesson.start.landscape.surface);
    TrainConfig settings = lesson.start.config;
    settings.opt = landscape_optimizer(kind, lr);
    const int steps = lesson.start.landscape.steps;
    tracker.observe_path(to_string(kind), path_distance(surface, trajectory(surface, settings.opt, steps), steps),
                         settings);
  }

  // A race as the comparison view runs it (the lesson's network and settings, one run a value),
  // every run to the end of the lesson's epochs, its winner seen as the app sees it.
  void race(const std::vector<std::string>& values) {
    REQUIRE(lesson.start.race.used);
    ComparisonSpec spec;
    spec.base = lesson.start.config;
    spec.base.schedule.total_epochs = float(spec.base.epochs);
    spec.what = lesson.start.race.what;
    spec.values = values;
    RunOptions opts;
    opts.eval_early = true;
    Comparison c(spec, with_training_samples(Mnist(), lesson.start.train_samples), opts);
    c.play();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      c.poll();
      tracker.observe_race(c);
      bool over = true;  // every run stopped, a finished one with its last evaluation in
      for (size_t i = 0; i < c.size(); ++i) {
        const RunSnapshot& last = c.latest(i);
        over = over && last.state != RunState::Running && last.state != RunState::Paused &&
               (last.state != RunState::Finished || (!c.evals(i).empty() && c.evals(i).back().step == last.step));
      }
      if (over) break;
      REQUIRE(std::chrono::steady_clock::now() < deadline);
    }
    for (const RunSummary& r : c.table()) std::printf("  race %-14s validation %.4f\n", r.label.c_str(), r.final_val);
  }

  void answer(const std::string& goal, const std::string& text) {
    for (size_t i = 0; i < lesson.goals.size(); ++i)
      if (lesson.goals[i].id == goal) {
        CHECK_MESSAGE(tracker.answer(i, text), lesson.id << ": " << goal << " = " << text);
        return;
      }
    FAIL(lesson.id << " has no goal " << goal);
  }

  std::string open_goals() const {
    std::string open;
    for (size_t i = 0; i < lesson.goals.size(); ++i)
      if (!tracker.status()[i].met) open += " " + lesson.goals[i].id;
    return open;
  }
};

// What a student does in each lesson: the lesson as it starts (`as_is`: trained without a change,
// nothing answered) and the solution.
struct Script {
  std::function<void(Student&)> as_is, solve;
};

TrainConfig Preset(const std::string& name, const TrainConfig& lesson) {
  TrainConfig c = find_preset(name).config;
  c.epochs = lesson.epochs;
  return c;
}

const std::map<std::string, Script>& Scripts() {
  auto train = [](Student& s) { s.train(); };
  static const std::map<std::string, Script> scripts = {
      {"learning-rate",
       {train,
        [](Student& s) {
          s.train([](TrainConfig& c) { c.opt.lr = 0.1f; });
          s.train([](TrainConfig& c) { c.opt.lr = 0.5f; });
          s.answer("why", "1");
        }}},
      {"batch-size",
       {train,
        [](Student& s) {
          s.train([](TrainConfig& c) { c.batch = 100, c.opt.lr = 2.f; });
          s.answer("why", "0");
        }}},
      {"vanishing-gradients",
       {train,
        [](Student& s) {
          s.train([](TrainConfig& c) {
            for (auto& l : c.net.layers)
              if (l.type == "sigmoid") l.type = "relu";
            c.init = InitKind::He;
          });
          s.answer("slope", "0.25");
        }}},
      {"batchnorm",
       {train,
        [](Student& s) {
          s.train([](TrainConfig& c) {
            std::vector<LayerSpec> with;
            for (const auto& l : c.net.layers) {
              if (l.type == "sigmoid") with.push_back(act("batchnorm"));
              with.push_back(l);
            }
            c.net.layers = with;
          });
          s.answer("where", "0");
        }}},
      {"dead-relu",
       {train,
        [](Student& s) {
          s.train([](TrainConfig& c) { c.opt.lr = 0.2f; });
          s.answer("recover", "1");
        }}},
      {"overfitting", {train, [](Student& s) {
                         s.train();
                         s.answer("gap", "1");
                       }}},
      {"convolutions",
       {train,
        [](Student& s) {
          s.train([&](TrainConfig& c) { c = Preset("cnn8", c); });
          s.answer("shared", "200");
        }}},
      {"one-neuron", {[](Student& s) { s.playground(1000); }, [](Student& s) {
                        s.playground(1000);
                        s.answer("shape", "1");
                      }}},
      {"hidden-layers", {[](Student& s) { s.playground(2000); },
                         [](Student& s) { s.playground(2000, [](PlaygroundSetup& p) { p.hidden = "8"; }); }}},
      {"biases", {[](Student& s) { s.playground(3000); }, [](Student& s) {
                    s.playground(3000, [](PlaygroundSetup& p) { p.bias = true; });
                    s.answer("value", "0");
                  }}},
      {"momentum",
       {[](Student& s) {
          // The landscape's own learning rates, as the view starts (landscape_view.h).
          s.path(OptKind::Sgd, 0.001);
          s.path(OptKind::Momentum, 0.0005);
          s.path(OptKind::Nesterov, 0.0005);
        },
        [](Student& s) {
          s.path(OptKind::Nesterov, 0.001);
          s.path(OptKind::Momentum, 0.002);
          s.path(OptKind::Sgd, 0.002);
          s.answer("overshoot", "1");
        }}},
      {"backprop-by-hand", {[](Student&) {}, [](Student& s) {
                              s.answer("update", "0.48");
                              s.answer("slope", "0.16");
                            }}},
      {"optimizer-race", {[](Student& s) { s.race(s.lesson.start.race.values); }, [](Student& s) {
                            s.race({"sgd:0.2", "momentum:0.05"});
                            s.answer("steps", "10");
                          }}},
      {"reading-mistakes", {[](Student&) {}, [](Student& s) {
                              s.train();
                              s.answer("diagonal", "0");
                            }}},
  };
  return scripts;
}

}  // namespace

TEST_CASE("lessons: at least twelve built-in lessons, each with a script in this file") {
  const auto files = LessonFiles();
  CHECK(files.size() >= 12);
  for (const auto& f : files) {
    const Lesson l = load_lesson(f, test::LessonNamesOfTheApp());
    CHECK_MESSAGE(Scripts().count(l.id) == 1, f);
    CHECK_MESSAGE(!l.goals.empty(), f);
    for (const LessonPage& p : l.pages)  // a built-in lesson's pictures come with nnviz
      if (!p.picture.empty()) CHECK_MESSAGE(file_exists(NNVIZ_ASSETS_DIR "/" + p.picture), f << ": " << p.picture);
  }
}

TEST_CASE("lessons: every built-in lesson is solved, and none is solved by doing nothing") {
  Eigen::setNbThreads(1);
  for (const auto& f : LessonFiles()) {
    const Lesson l = load_lesson(f, test::LessonNamesOfTheApp());
    auto it = Scripts().find(l.id);
    REQUIRE_MESSAGE(it != Scripts().end(), l.id);
    const auto t0 = std::chrono::steady_clock::now();
    Student idle(l);
    CHECK_MESSAGE(idle.open_goals().size() > 0, l.id);
    for (const GoalStatus& st : idle.tracker.status()) CHECK_MESSAGE(!st.met, l.id << ": a goal met before anything");
    it->second.as_is(idle);
    CHECK_MESSAGE(!idle.tracker.all_met(), l.id << ": trained as it starts, every goal is met");
    Student s(l);
    it->second.solve(s);
    CHECK_MESSAGE(s.tracker.all_met(), l.id << ": the solution leaves open:" << s.open_goals());
    auto values = [&](const Student& st) {
      std::string v;
      for (size_t i = 0; i < l.goals.size(); ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, " %s=%.4g", l.goals[i].id.c_str(), st.tracker.status()[i].value);
        v += buf;
      }
      return v;
    };
    std::printf("lesson %-20s open as-is:%-12s solved in %.1f s; last values as-is:%s, solved:%s\n", l.id.c_str(),
                idle.open_goals().c_str(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                values(idle).c_str(), values(s).c_str());
  }
}
