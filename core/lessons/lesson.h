// Lessons: a path through one idea, with goals nnviz checks. A lesson file (*.nnviz-lesson.json,
// documented in docs/lessons.md) holds a title, pages of text, the state the lesson starts from
// (data, network, settings, open views), what it hides or locks, "look here" marks, and goals:
// a metric against a threshold, optionally by a step or an epoch and under conditions on the
// settings, or a question the student answers. This file reads and writes the format (lesson.cpp,
// lesson_write.cpp); goal_tracker.h decides whether a goal is met; the app gathers the metrics and
// shows the pages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "engine/compare.h"
#include "labs/playground.h"
#include "train/trainer.h"

namespace nnviz {

constexpr int kLessonVersion = 1;
constexpr size_t kMaxLessonBytes = size_t(1) << 20;  // a lesson file larger than this is refused unread

// The names a lesson may refer to besides its own: the app's views and the controls a page can
// point at. The reader refuses any other (a misspelt view would otherwise silently do nothing).
struct LessonNames {
  std::vector<std::string> views;     // "curves", "weights", ...
  std::vector<std::string> controls;  // "lr", "batch", "play", ...
};
// The controls a page can point at, by the names the app marks them with (its screenshot tests
// check that every one is marked). The views' names are the app's view table's: the app passes
// them in (LessonNames), so that a new view needs no edit here.
const std::vector<std::string>& LessonControls();
// What a lesson can hide or lock besides views: the classroom mode's groups of controls.
const std::vector<std::string>& LessonControlGroups();  // setup, optimizer, data, reset, files

struct LessonPage {
  std::string title;
  // Paragraphs separated by blank lines; a line starting "# " is a heading, "- " a list item;
  // *emphasis*; formulas are plain text ("w <- w - lr * dL/dw").
  std::string text;
  std::string picture;                 // a file name under assets/ ("" none)
  std::vector<std::string> look_here;  // views and controls that stand out while the page shows
};

// The playground's problem, for lessons on it: the setup the app builds it from (the 1-D fit of
// `expression` or the 2-D `points`, the hidden layers, activation, biases, learning rate, noise).
struct LessonPlayground : PlaygroundSetup {
  bool used = false;
};

// The landscape's test surface and path length, for lessons on the optimizers' paths.
struct LessonLandscape {
  bool used = false;
  std::string surface = "rosenbrock";  // rosenbrock, beale, saddle, many-minima
  int steps = 500;
};

// The race the comparison view starts from, for lessons on it: what its runs vary and the
// values it offers (the student may change them); every run starts from the lesson's network and
// settings.
struct LessonRace {
  bool used = false;
  Varied what = Varied::Optimizer;
  std::vector<std::string> values;
};

struct LessonStart {
  TrainConfig config;          // the network and the settings (from a preset, then changes)
  long train_samples = 0;      // the training split cut to this many (0: all of it)
  double speed = 300;          // mini-batches a second, 0 full speed
  std::vector<std::string> views;  // open at the start
  LessonPlayground playground;
  LessonLandscape landscape;
  LessonRace race;
};

enum class GoalMetric {
  ValAccuracy, TestAccuracy, TrainAccuracy,  // shares in [0, 1]
  ValLoss, TestLoss, TrainLoss,              // the training loss smoothed
  DeadRelu,        // the share of a ReLU layer's units dead on the probe batch ("layer")
  GradNorm,        // the gradient norm of a layer's weight ("layer")
  PlaygroundMse, PlaygroundAccuracy,  // on the playground's test points
  PathDistance,    // the landscape: how far an optimizer's path ends from the minimum ("optimizer")
  ComparisonWinner,  // a finished race's best run by validation accuracy is the one named ("is")
  Diverged,          // the run's loss became infinite or NaN
};
const char* to_string(GoalMetric m);
bool goal_has_threshold(GoalMetric m);  // all but comparison_winner and diverged
bool goal_is_share(GoalMetric m);       // its value is a share in [0, 1] (accuracies, dead ReLUs)
const std::vector<GoalMetric>& AllGoalMetrics();

// A condition on the settings under which a goal counts: "lr" above 1, "optimizer" is "nesterov".
struct SettingCondition {
  std::string setting;  // lr, batch, momentum, weight_decay (numbers); optimizer, init (names)
  enum Kind { Above, Below, Is } kind = Above;
  double number = 0;
  std::string name;
};

struct Hint {
  double after_seconds = 0;  // shown this long after the goal's page was first shown
  std::string text;
};

struct Goal {
  std::string id, text;
  enum Kind { Metric, NumberQuestion, ChoiceQuestion } kind = Metric;
  // Metric goals.
  GoalMetric metric = GoalMetric::ValAccuracy;
  bool at_least = true;   // the value must reach threshold from below (false: fall to it)
  double threshold = 0;
  int layer = -1;           // DeadRelu, GradNorm
  std::string subject;      // PathDistance: the optimizer; ComparisonWinner: the run's value
  long by_step = 0;         // met only at or before this step (0: any time)
  double by_epoch = 0;      // likewise in epochs
  std::vector<SettingCondition> when;
  // Questions.
  double answer = 0, tolerance = 0;  // NumberQuestion
  std::vector<std::string> choices;  // ChoiceQuestion; answer is the index of the right one
  std::vector<Hint> hints;
};

struct Lesson {
  int version = kLessonVersion;
  std::string id, title, summary;
  LessonStart start;
  std::vector<std::string> hide, lock;  // views and control groups
  std::vector<LessonPage> pages;
  std::vector<Goal> goals;
};

// Reads a lesson from its text. Throws Error("[lesson] FILE: where: problem"), naming the member
// ("pages[2].look_here[0]: no view or control named \"wieghts\"").
Lesson parse_lesson(const std::string& text, const std::string& file, const LessonNames& names);
Lesson load_lesson(const std::string& path, const LessonNames& names);
// Whether `name` is one of `names` (the lists of views, controls and ids lessons hold).
bool listed(const std::vector<std::string>& names, const std::string& name);

constexpr const char* kLessonSuffix = ".nnviz-lesson.json";
bool is_lesson_file_name(const std::string& name);  // ends in .nnviz-lesson.json
// A lesson by its name, or a .json file whose first 4 KiB name the lesson format (a lesson renamed
// "lesson.json" on its way to a class); reads at most that much.
bool is_lesson_file(const std::string& path);
// The lesson files (*.nnviz-lesson.json) in `folder`, sorted by name; none for a missing folder.
std::vector<std::string> lesson_files(const std::string& folder);
json::Value lesson_to_json(const Lesson& lesson);  // what parse_lesson reads back to the same lesson (lesson_write.cpp)

}  // namespace nnviz
