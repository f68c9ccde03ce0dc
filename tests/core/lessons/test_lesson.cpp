// Lesson files: the documented example reads, a lesson survives writing and reading back, every
// kind of damaged or hostile file is refused with the file and the member named, and goals and
// answers are judged as the format says.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "base/error.h"
#include "lesson_names.h"
#include "lessons/goal_tracker.h"
#include "lessons/lesson.h"

using namespace nnviz;

namespace {

const LessonNames& kNames = test::LessonNamesOfTheApp();

// The JSON block of docs/lessons.md: the complete example the guide shows.
std::string DocumentedExample() {
  std::ifstream f(NNVIZ_DOCS_DIR "/lessons.md");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string md = ss.str();
  const size_t a = md.find("```json\n");
  REQUIRE(a != std::string::npos);
  const size_t b = md.find("```", a + 8);
  REQUIRE(b != std::string::npos);
  return md.substr(a + 8, b - a - 8);
}

// The example with `from` replaced by `to` (each must occur in it exactly once).
std::string Changed(const std::string& from, const std::string& to) {
  std::string s = DocumentedExample();
  const size_t at = s.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  REQUIRE_MESSAGE(s.find(from, at + 1) == std::string::npos, from);
  return s.replace(at, from.size(), to);
}

// The error reading `text` gives; "" when it reads.
std::string Refusal(const std::string& text) {
  try {
    parse_lesson(text, "bad.nnviz-lesson.json", kNames);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("lessons: the guide's complete example reads, as the guide describes it") {
  const Lesson l = parse_lesson(DocumentedExample(), "docs/lessons.md", kNames);
  CHECK(l.id == "learning-rate");
  CHECK(l.pages.size() == 3);
  CHECK(l.pages[0].look_here == std::vector<std::string>{"curves", "controls.play"});
  CHECK(l.start.config.opt.lr == doctest::Approx(0.01));
  CHECK(l.start.config.epochs == 3);
  CHECK(l.start.config.net.layers.size() == 3);  // mlp100's: dense, sigmoid, dense
  CHECK(l.start.train_samples == 10000);
  CHECK(l.start.views == std::vector<std::string>{"curves", "weights"});
  CHECK(l.hide == std::vector<std::string>{"setup", "data", "files"});
  REQUIRE(l.goals.size() == 3);
  CHECK(l.goals[0].metric == GoalMetric::ValAccuracy);
  CHECK(l.goals[0].threshold == doctest::Approx(0.9));
  CHECK(l.goals[0].by_epoch == 1);
  CHECK(l.goals[0].hints.size() == 1);
  CHECK(l.goals[1].metric == GoalMetric::Diverged);
  CHECK(l.goals[1].when.size() == 1);
  CHECK(l.goals[2].kind == Goal::ChoiceQuestion);
  CHECK(l.goals[2].choices.size() == 3);
}

TEST_CASE("lessons: what is written reads back to the same lesson") {
  Lesson l = parse_lesson(DocumentedExample(), "example", kNames);
  LessonPlayground& p = l.start.playground;
  p.used = true;
  p.hidden = "8";
  p.bias = false;
  p.lr = 0.05;
  p.noise = 0.1;
  Goal mse;
  mse.id = "fit";
  mse.text = "Fit the curve";
  mse.metric = GoalMetric::PlaygroundMse;
  mse.at_least = false;
  mse.threshold = 0.01;
  mse.by_step = 3000;
  l.goals.push_back(mse);
  Goal q;
  q.id = "new-weight";
  q.text = "The weight after the update?";
  q.kind = Goal::NumberQuestion;
  q.answer = -0.125;
  q.tolerance = 0.001;
  l.goals.push_back(q);
  const std::string once = lesson_to_json(l).dump(2);
  const Lesson back = parse_lesson(once, "written", kNames);
  CHECK(lesson_to_json(back).dump(2) == once);
  CHECK(back.start.playground.used);
  CHECK_FALSE(back.start.playground.bias);
  CHECK(back.goals[3].metric == GoalMetric::PlaygroundMse);
  CHECK_FALSE(back.goals[3].at_least);
  CHECK(back.goals[4].kind == Goal::NumberQuestion);
  CHECK(back.goals[4].answer == doctest::Approx(-0.125));
}

TEST_CASE("lessons: damaged and hostile files are refused, naming the file and the member") {
  struct Case {
    std::string text, expect;
  };
  const std::string huge(25000, 'x');
  std::string deep = "{\"format\": \"nnviz-lesson\", \"x\": ";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  const Case cases[] = {
      {"", "bad.nnviz-lesson.json: [json]"},
      {"[1, 2]", "must be an object"},
      {deep, "nest"},
      {std::string(kMaxLessonBytes + 1, ' '), "more than a lesson's"},
      {Changed("\"version\": 1", "\"version\": 2"), "version: is 2; this nnviz reads version 1"},
      {Changed("\"version\": 1", "\"version\": \"1\""), "version: must be a number"},
      {Changed("\"format\": \"nnviz-lesson\"", "\"format\": \"lesson\""), "format: must be"},
      {Changed("\"id\": \"learning-rate\"", "\"id\": \"Learning Rate\""), "id: \"Learning Rate\" may hold only"},
      {Changed("\"title\": \"The learning rate: crawl, converge, diverge\"", "\"title\": 7"), "title: must be a string"},
      {Changed("\"summary\"", "\"sumary\""), "unknown member \"sumary\""},
      {Changed("\"preset\": \"mlp100\"", "\"preset\": \"mlp9\""), "start.preset: "},
      {Changed("\"lr\": 0.01", "\"lr\": -1"), "start.changes.lr: -1 is not in"},
      {Changed("\"lr\": 0.01", "\"lr\": 1e400"), "out of the range of a double"},
      {Changed("\"seed\": 1", "\"seed\": 1.5"), "start.changes.seed: must be a whole number"},
      {Changed("\"train_samples\": 10000", "\"train_samples\": 1e12"), "start.train_samples"},
      {Changed("\"views\": [\"curves\", \"weights\"]", "\"views\": [\"curves\", \"wieghts\"]"),
       "start.views[1]: no view named \"wieghts\""},
      {Changed("\"hide\": [\"setup\", \"data\", \"files\"]", "\"hide\": [\"everything\"]"),
       "hide[0]: no view or control group named \"everything\""},
      {Changed("\"views\": [\"curves\", \"weights\"]",
               "\"views\": [\"curves\"], \"race\": {\"vary\": \"optimizer\", \"values\": [\"adam\", \"sdg:0.1\"]}"),
       "start.race.values: "},
      {Changed("\"views\": [\"curves\", \"weights\"]", "\"views\": [\"curves\"], \"race\": {\"vary\": \"colour\", \"values\": []}"),
       "start.race.vary: "},
      {Changed("\"views\": [\"curves\", \"weights\"]", "\"views\": [\"curves\"], \"race\": {\"vary\": \"lr\", \"values\": [\"0.1\"]}"),
       "2 to 8 runs"},
      {Changed("\"hide\": [\"setup\", \"data\", \"files\"]", "\"hide\": [\"setup\", \"lesson\"]"),
       "hide: the lesson panel cannot be hidden"},
      {Changed("\"look_here\": [\"training.lr\"]", "\"look_here\": [\"learning rate\"]"),
       "pages[1].look_here[0]: no view or control named \"learning rate\""},
      {Changed("\"title\": \"Too small\"", "\"title\": \"Too small\", \"picture\": \"../../etc/passwd\""),
       "pages[1].picture: "},
      {Changed("\"At lr = 0.01", "\"" + huge), "pages[1].text: 25"},
      {Changed("\"metric\": \"val_accuracy\"", "\"metric\": \"val_acc\""), "goals[0].metric: unknown metric \"val_acc\""},
      {Changed("\"at_least\": 0.9", "\"at_least\": 90"), "goals[0].at_least: 90 is not in [0, 1]"},
      {Changed("\"at_least\": 0.9", "\"at_least\": 0.9, \"at_most\": 1"), "goals[0]: give one of"},
      {Changed("\"metric\": \"val_accuracy\"", "\"metric\": \"dead_relu\", \"layer\": 1"),
       "goals[0].layer: layer 1 is sigmoid, not relu"},
      {Changed("\"metric\": \"val_accuracy\"", "\"metric\": \"grad_norm\", \"layer\": 30"),
       "goals[0].layer: 30: the start network has 3 layers"},
      {Changed("\"metric\": \"val_accuracy\"", "\"metric\": \"playground_mse\""),
       "goals[0].metric: playground_mse needs a start.playground"},
      {Changed("\"setting\": \"lr\"", "\"setting\": \"temperature\""), "goals[1].when[0].setting: no setting named"},
      {Changed("\"above\": 50", "\"is\": \"big\""), "is a number"},
      {Changed("\"answer\": 1", "\"answer\": 3"), "goals[2].question.answer: 3 is not in [0, 2]"},
      {Changed("\"id\": \"why\"", "\"id\": \"converge\""), "goals[2].id: \"converge\" is used twice"},
      {Changed("\"text\": \"Make the training diverge.\",", ""), "goals[1]: the member \"text\" is missing"},
      {Changed("\"id\": \"diverge\",", "\"id\": \"diverge\", \"question\": {\"number\": 1},"),
       "goals[1]: a goal has either"},
  };
  for (const Case& c : cases) {
    const std::string why = Refusal(c.text);
    INFO("expected: " << c.expect << "\n     got: " << why);
    CHECK(why.rfind("[lesson] bad.nnviz-lesson.json: ", 0) == 0);
    CHECK(why.find(c.expect) != std::string::npos);
    CHECK(why.size() < 600);  // a refusal names the problem; it does not echo a huge input
  }
}

TEST_CASE("lessons: a lesson file is read within its size limit, naming the file") {
  CHECK_THROWS_WITH_AS(load_lesson("/nonexistent/x.nnviz-lesson.json", kNames),
                       doctest::Contains("x.nnviz-lesson.json"), Error);
}

TEST_CASE("lessons: a metric goal is met on the right side of its threshold, in time, under its conditions") {
  const Lesson l = parse_lesson(DocumentedExample(), "example", kNames);
  const Goal& converge = l.goals[0];  // val_accuracy >= 0.9 by epoch 1
  TrainConfig s = l.start.config;
  GoalCheck now{0.91, 400, 0.5, &s};
  CHECK(goal_met(converge, now));
  now.value = 0.89;
  CHECK_FALSE(goal_met(converge, now));
  now.value = 0.95;
  now.epoch = 1.2;  // too late
  CHECK_FALSE(goal_met(converge, now));
  now.epoch = 0.5;
  now.value = std::numeric_limits<double>::quiet_NaN();  // no evaluation yet
  CHECK_FALSE(goal_met(converge, now));

  const Goal& diverge = l.goals[1];  // diverged, with lr above 50
  GoalCheck blown{std::numeric_limits<double>::infinity(), 100, 0.1, &s};
  s.opt.lr = 10;
  CHECK_FALSE(goal_met(diverge, blown));  // the condition on the settings is false
  s.opt.lr = 60;
  CHECK(goal_met(diverge, blown));
  blown.value = 2.3;
  CHECK_FALSE(goal_met(diverge, blown));  // a finite loss has not diverged

  Goal low = converge;  // at_most
  low.metric = GoalMetric::TrainLoss;
  low.at_least = false;
  low.threshold = 0.1;
  low.by_epoch = 0;
  low.when = {{"optimizer", SettingCondition::Is, 0, "nesterov"}};
  GoalCheck loss{0.05, 10, 0.1, &s};
  CHECK_FALSE(goal_met(low, loss));  // sgd, not nesterov
  s.opt.kind = OptKind::Nesterov;
  CHECK(goal_met(low, loss));
  loss.value = 0.2;
  CHECK_FALSE(goal_met(low, loss));
}

TEST_CASE("lessons: answers are right within the tolerance or by the right choice, anything else is wrong") {
  Goal number;
  number.kind = Goal::NumberQuestion;
  number.answer = -0.125;
  number.tolerance = 0.001;
  CHECK(answer_right(number, "-0.125"));
  CHECK(answer_right(number, "-0.1255"));
  CHECK_FALSE(answer_right(number, "-0.13"));
  for (const char* bad : {"", "abc", "-0.125x", "nan", "inf"}) CHECK_FALSE(answer_right(number, bad));
  Goal choice;
  choice.kind = Goal::ChoiceQuestion;
  choice.choices = {"a", "b", "c"};
  choice.answer = 1;
  CHECK(answer_right(choice, "1"));
  CHECK_FALSE(answer_right(choice, "0"));
  CHECK_FALSE(answer_right(choice, "1.5"));
  CHECK_FALSE(answer_right(choice, "7"));
}

TEST_CASE("lessons: a file is taken for a lesson by its name, or a .json by its format member") {
  const std::string dir = std::filesystem::temp_directory_path() / ("nnviz-lesson-kind-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  CHECK(is_lesson_file_name("rates.nnviz-lesson.json"));
  CHECK_FALSE(is_lesson_file_name(".nnviz-lesson.json"));
  CHECK_FALSE(is_lesson_file_name("run.safetensors"));
  CHECK(is_lesson_file(write("renamed.json", "{\n  \"format\" :\t\"nnviz-lesson\",\n  \"version\": 1}")));
  CHECK(is_lesson_file(dir + "/missing.nnviz-lesson.json"));  // by its name: the reader then says what is wrong
  CHECK_FALSE(is_lesson_file(write("other.json", "{\"format\": \"nnviz-comparison\"}")));
  CHECK_FALSE(is_lesson_file(write("text.json", "nnviz-lesson")));
  CHECK_FALSE(is_lesson_file(write("run.safetensors", "{\"format\": \"nnviz-lesson\"}")));
  CHECK_FALSE(is_lesson_file(dir + "/missing.json"));
  std::filesystem::create_directories(dir + "/folder.json");
  CHECK_FALSE(is_lesson_file(dir + "/folder.json"));
  REQUIRE(::mkfifo((dir + "/pipe.json").c_str(), 0600) == 0);
  CHECK_FALSE(is_lesson_file(dir + "/pipe.json"));  // returns at once: a pipe is not read
  std::filesystem::remove_all(dir);
}

TEST_CASE("lessons: a race's winner meets its goal by its value, or by its optimizer at any learning rate") {
  Lesson l;
  Goal g;
  g.id = "win";
  g.metric = GoalMetric::ComparisonWinner;
  g.subject = "momentum";
  l.goals = {g};
  const TrainConfig settings;
  GoalTracker t(l);
  t.observe_race("sgd:0.2", 100, settings);
  CHECK_FALSE(t.status()[0].met);
  t.observe_race("momentumx:0.1", 100, settings);  // another name that starts the same
  CHECK_FALSE(t.status()[0].met);
  t.observe_race("momentum:0.02", 200, settings);
  CHECK(t.status()[0].met);
  CHECK(t.status()[0].met_at_step == 200);
  l.goals[0].subject = "adam:0.001";
  GoalTracker exact(l);
  exact.observe_race("adam:0.01", 10, settings);
  CHECK_FALSE(exact.status()[0].met);
  exact.observe_race("adam:0.001", 10, settings);
  CHECK(exact.status()[0].met);
}
