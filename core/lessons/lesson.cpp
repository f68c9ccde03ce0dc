#include "lessons/lesson.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>

#include "base/error.h"
#include "base/fileio.h"
#include "labs/expr.h"
#include "labs/landscape.h"
#include "nn/network.h"
#include "train/presets.h"

namespace nnviz {

namespace {

// The format's limits: a lesson is a few pages a student reads in minutes, not a book, and a
// hostile file must cost neither memory nor time.
constexpr size_t kMaxId = 64, kMaxTitle = 200, kMaxShort = 2000, kMaxPageText = 20000;
constexpr size_t kMaxPages = 50, kMaxGoals = 20, kMaxHints = 5, kMaxMarks = 10, kMaxChoices = 8;
constexpr size_t kMaxConditions = 4, kMaxViews = 32;

const std::vector<std::pair<GoalMetric, const char*>>& MetricNames() {
  static const std::vector<std::pair<GoalMetric, const char*>> names = {
      {GoalMetric::ValAccuracy, "val_accuracy"},   {GoalMetric::TestAccuracy, "test_accuracy"},
      {GoalMetric::TrainAccuracy, "train_accuracy"}, {GoalMetric::ValLoss, "val_loss"},
      {GoalMetric::TestLoss, "test_loss"},         {GoalMetric::TrainLoss, "train_loss"},
      {GoalMetric::DeadRelu, "dead_relu"},         {GoalMetric::GradNorm, "grad_norm"},
      {GoalMetric::PlaygroundMse, "playground_mse"}, {GoalMetric::PlaygroundAccuracy, "playground_accuracy"},
      {GoalMetric::PathDistance, "path_distance"}, {GoalMetric::ComparisonWinner, "comparison_winner"},
      {GoalMetric::Diverged, "diverged"},
  };
  return names;
}

}  // namespace

bool goal_is_share(GoalMetric m) {
  return m == GoalMetric::ValAccuracy || m == GoalMetric::TestAccuracy || m == GoalMetric::TrainAccuracy ||
         m == GoalMetric::DeadRelu || m == GoalMetric::PlaygroundAccuracy;
}

namespace {

const char* const kNumberSettings[] = {"lr", "batch", "momentum", "weight_decay"};
const char* const kNameSettings[] = {"optimizer", "init"};

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// Whether `s` is one of `names`, and the names as a list for a message.
template <size_t N>
bool one_of(const char* const (&names)[N], const std::string& s) {
  return std::find(std::begin(names), std::end(names), s) != std::end(names);
}
template <size_t N>
std::string joined(const char* const (&names)[N]) {
  std::string all;
  for (const char* n : names) all += (all.empty() ? "" : ", ") + std::string(n);
  return all;
}

// Reads one lesson, keeping where it is in the file for its errors.
class Reader {
 public:
  Reader(std::string file, const LessonNames& names) : file_(std::move(file)), names_(names) {}

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw Error("[lesson] " + file_ + ": " + (where.empty() ? "" : where + ": ") + problem);
  }

  // The object's members must all be among `known` (a misspelt key would be silently ignored).
  void members(const json::Value& v, const std::string& where, std::initializer_list<const char*> known) const {
    if (!v.is_object()) fail(where, "must be an object");
    for (const auto& [key, value] : v.members()) {
      bool ok = false;
      for (const char* k : known) ok |= key == k;
      if (!ok) fail(where, "unknown member " + in_quotes(key));
    }
  }

  std::string text(const json::Value& v, const char* key, const std::string& where, size_t max_chars,
                   bool required, std::string def = "") const {
    const json::Value* m = v.find(key);
    if (!m) {
      if (required) fail(where, std::string("the member \"") + key + "\" is missing");
      return def;
    }
    if (!m->is_string()) fail(at(where, key), "must be a string");
    const std::string& s = m->as_string();
    if (s.size() > max_chars)
      fail(at(where, key), std::to_string(s.size()) + " bytes, more than " + std::to_string(max_chars));
    return s;
  }

  double number(const json::Value& v, const char* key, const std::string& where, double lo, double hi,
                double def) const {
    const json::Value* m = v.find(key);
    if (!m) return def;
    if (!m->is_number()) fail(at(where, key), "must be a number");
    const double x = m->as_number();
    if (!(x >= lo && x <= hi)) fail(at(where, key), num(x) + " is not in [" + num(lo) + ", " + num(hi) + "]");
    return x;
  }

  // A whole number in [lo, hi] ("3" or "3.0"; not "3.5").
  long whole(const json::Value& v, const char* key, const std::string& where, double lo, double hi, long def) const {
    const double x = number(v, key, where, lo, hi, double(def));
    if (x != std::floor(x)) fail(at(where, key), "must be a whole number");
    return long(x);
  }

  bool flag(const json::Value& v, const char* key, const std::string& where, bool def) const {
    const json::Value* m = v.find(key);
    if (!m) return def;
    if (!m->is_bool()) fail(at(where, key), "must be true or false");
    return m->as_bool();
  }

  // An array of at most `max` items, each read by `item(value, where)`.
  void list(const json::Value& v, const char* key, const std::string& where, size_t max,
            const std::function<void(const json::Value&, const std::string&)>& item) const {
    const json::Value* m = v.find(key);
    if (!m) return;
    if (!m->is_array()) fail(at(where, key), "must be an array");
    if (m->size() > max) fail(at(where, key), std::to_string(m->size()) + " items, more than " + std::to_string(max));
    for (size_t i = 0; i < m->size(); ++i) item((*m)[i], at(where, key) + "[" + std::to_string(i) + "]");
  }

  std::vector<std::string> names(const json::Value& v, const char* key, const std::string& where, size_t max,
                                 const std::function<bool(const std::string&)>& known, const char* what) const {
    std::vector<std::string> out;
    list(v, key, where, max, [&](const json::Value& n, const std::string& w) {
      if (!n.is_string()) fail(w, "must be a string");
      if (!known(n.as_string())) fail(w, std::string("no ") + what + " named " + in_quotes(clip(n.as_string())));
      out.push_back(n.as_string());
    });
    return out;
  }

  std::string id(const json::Value& v, const std::string& where) const {
    const std::string s = text(v, "id", where, kMaxId, true);
    if (s.empty()) fail(at(where, "id"), "is empty");
    for (char c : s)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        fail(at(where, "id"), in_quotes(s) + " may hold only a-z, 0-9, - and _");
    return s;
  }

  Lesson read(const json::Value& root) const {
    members(root, "", {"format", "version", "id", "title", "summary", "start", "hide", "lock", "pages", "goals"});
    if (text(root, "format", "", kMaxId, true) != "nnviz-lesson") fail("format", "must be \"nnviz-lesson\"");
    Lesson l;
    const json::Value* ver = root.find("version");
    if (!ver || !ver->is_number()) fail("version", "must be a number");
    if (ver->as_number() != kLessonVersion)
      fail("version", "is " + num(ver->as_number()) + "; this nnviz reads version " + std::to_string(kLessonVersion));
    l.id = id(root, "");
    l.title = text(root, "title", "", kMaxTitle, true);
    if (l.title.empty()) fail("title", "is empty");
    l.summary = text(root, "summary", "", kMaxShort, false);
    if (!root.find("start")) fail("", "the member \"start\" is missing");
    l.start = start(root.at("start"), "start");
    auto hideable = [&](const std::string& n) { return listed(names_.views, n) || listed(LessonControlGroups(), n); };
    l.hide = names(root, "hide", "", kMaxViews, hideable, "view or control group");
    l.lock = names(root, "lock", "", kMaxViews, hideable, "view or control group");
    if (listed(l.hide, "lesson")) fail("hide", "the lesson panel cannot be hidden: the student would lose the lesson");
    list(root, "pages", "", kMaxPages, [&](const json::Value& p, const std::string& w) { l.pages.push_back(page(p, w)); });
    if (l.pages.empty()) fail("pages", "a lesson needs at least one page");
    list(root, "goals", "", kMaxGoals, [&](const json::Value& g, const std::string& w) {
      l.goals.push_back(goal(g, w, l.start));
      for (size_t i = 0; i + 1 < l.goals.size(); ++i)
        if (l.goals[i].id == l.goals.back().id) fail(w + ".id", in_quotes(l.goals.back().id) + " is used twice");
    });
    return l;
  }

 private:
  static std::string at(const std::string& where, const char* key) { return where.empty() ? key : where + "." + key; }
  static std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
  }
  static std::string clip(const std::string& s) { return s.size() > 40 ? s.substr(0, 40) + "..." : s; }

  LessonStart start(const json::Value& v, const std::string& where) const {
    members(v, where,
            {"preset", "config", "changes", "dataset", "train_samples", "speed", "views", "playground", "landscape", "race"});
    LessonStart s;
    const std::string preset = text(v, "preset", where, kMaxId, false);
    if (const json::Value* c = v.find("config")) {
      if (!preset.empty()) fail(where, "give \"preset\" or \"config\", not both");
      try {
        s.config = TrainConfig::from_json(*c);
      } catch (const Error& e) {
        fail(where + ".config", e.what());
      }
    } else if (!preset.empty()) {
      try {
        s.config = find_preset(preset).config;
      } catch (const Error& e) {
        fail(where + ".preset", e.what());
      }
    } else {
      fail(where, "the member \"preset\" (or \"config\") is missing");
    }
    if (const json::Value* d = v.find("dataset")) {
      if (!d->is_string()) fail(where + ".dataset", "must be a string");
      try {
        s.config.dataset = dataset_kind_from_string(d->as_string());
      } catch (const Error& e) {
        fail(where + ".dataset", e.what());
      }
    }
    if (const json::Value* c = v.find("changes")) changes(*c, where + ".changes", s.config);
    if (const std::string why = config_problem(s.config); !why.empty()) fail(where, why);
    try {
      const Network net(s.config.net);
      if (const std::string why = fit_problem(net, Shape{1, 28, 28}, 10); !why.empty()) fail(where, why);
    } catch (const Error& e) {
      fail(where, e.what());
    }
    s.train_samples = whole(v, "train_samples", where, 0, 50000, 0);
    if (s.train_samples != 0 && s.train_samples < s.config.batch)
      fail(where + ".train_samples", "fewer than one mini-batch of " + std::to_string(s.config.batch));
    s.speed = number(v, "speed", where, 0, 1000, s.speed);
    s.views = names(v, "views", where, kMaxViews, [&](const std::string& n) { return listed(names_.views, n); }, "view");
    if (const json::Value* p = v.find("playground")) s.playground = playground(*p, where + ".playground");
    if (const json::Value* l = v.find("landscape")) {
      const std::string w = where + ".landscape";
      members(*l, w, {"surface", "steps"});
      s.landscape.used = true;
      s.landscape.surface = text(*l, "surface", w, kMaxId, false, s.landscape.surface);
      try {
        (void)find_surface(s.landscape.surface);
      } catch (const Error& e) {
        fail(w + ".surface", e.what());
      }
      s.landscape.steps = int(whole(*l, "steps", w, 10, 5000, s.landscape.steps));
    }
    if (const json::Value* r = v.find("race")) {
      const std::string w = where + ".race";
      members(*r, w, {"vary", "values"});
      s.race.used = true;
      const std::string vary = text(*r, "vary", w, kMaxId, true);
      try {
        s.race.what = varied_from_string(vary);
      } catch (const Error& e) {
        fail(w + ".vary", e.what());
      }
      s.race.values = names(*r, "values", w, 8, [](const std::string& n) { return !n.empty() && n.size() <= kMaxId; },
                            "run value");
      ComparisonSpec spec;
      spec.base = s.config;
      spec.what = s.race.what;
      spec.values = s.race.values;
      try {
        (void)expand(spec);  // every run's settings, checked as the race will make them
      } catch (const Error& e) {
        fail(w + ".values", e.what());
      }
    }
    return s;
  }

  void changes(const json::Value& v, const std::string& where, TrainConfig& c) const {
    members(v, where, {"lr", "batch", "epochs", "seed", "momentum", "weight_decay", "optimizer", "init"});
    c.opt.lr = float(number(v, "lr", where, 1e-9, 1000, c.opt.lr));
    c.batch = int(whole(v, "batch", where, 1, 60000, c.batch));
    c.epochs = int(whole(v, "epochs", where, 1, 100000, c.epochs));
    c.seed = uint64_t(whole(v, "seed", where, 0, 1e15, long(c.seed)));
    c.opt.momentum = float(number(v, "momentum", where, 0, 0.999999, c.opt.momentum));
    c.opt.weight_decay = float(number(v, "weight_decay", where, 0, 10, c.opt.weight_decay));
    try {
      if (v.find("optimizer")) c.opt.kind = opt_kind_from_string(text(v, "optimizer", where, kMaxId, true));
      if (v.find("init")) c.init = init_kind_from_string(text(v, "init", where, kMaxId, true));
    } catch (const Error& e) {
      fail(where, e.what());
    }
  }

  LessonPlayground playground(const json::Value& v, const std::string& where) const {
    members(v, where, {"mode", "expression", "points", "hidden", "activation", "bias", "lr", "noise"});
    LessonPlayground p;
    p.used = true;
    const std::string mode = text(v, "mode", where, kMaxId, true);
    if (mode != "1d" && mode != "2d") fail(where + ".mode", "must be \"1d\" or \"2d\"");
    p.mode = mode == "1d" ? 0 : 1;
    p.expression = text(v, "expression", where, 256, false, p.expression);
    try {
      (void)Expr::parse(p.expression);
    } catch (const Error& e) {
      fail(where + ".expression", e.what());
    }
    p.points = text(v, "points", where, kMaxId, false, p.points);
    if (!one_of(kPlaygroundPoints, p.points))
      fail(where + ".points", in_quotes(p.points) + " is none of " + joined(kPlaygroundPoints));
    p.hidden = text(v, "hidden", where, 64, false, p.hidden);
    int layers = 0;
    for (size_t i = 0; i < p.hidden.size();) {
      size_t j = p.hidden.find(',', i);
      if (j == std::string::npos) j = p.hidden.size();
      const std::string u = p.hidden.substr(i, j - i);
      char* end = nullptr;
      const long n = std::strtol(u.c_str(), &end, 10);
      if (u.empty() || *end || n < 1 || n > 256 || ++layers > 6)
        fail(where + ".hidden", in_quotes(p.hidden) + " is not up to six layers of 1 to 256 units, such as \"32,32\"");
      i = j + 1;
    }
    p.activation = text(v, "activation", where, kMaxId, false, p.activation);
    if (!one_of(kPlaygroundActivations, p.activation))
      fail(where + ".activation", in_quotes(p.activation) + " is none of " + joined(kPlaygroundActivations));
    p.bias = flag(v, "bias", where, p.bias);
    p.lr = number(v, "lr", where, 1e-6, 10, p.lr);
    p.noise = number(v, "noise", where, 0, 1, p.noise);
    return p;
  }

  LessonPage page(const json::Value& v, const std::string& where) const {
    members(v, where, {"title", "text", "picture", "look_here"});
    LessonPage p;
    p.title = text(v, "title", where, kMaxTitle, true);
    p.text = text(v, "text", where, kMaxPageText, true);
    p.picture = text(v, "picture", where, 128, false);
    if (!p.picture.empty() && (p.picture.find('/') != std::string::npos || p.picture[0] == '.'))
      fail(where + ".picture", in_quotes(p.picture) + " must be a file name in assets/, with no folder");
    auto known = [&](const std::string& n) { return listed(names_.views, n) || listed(names_.controls, n); };
    p.look_here = names(v, "look_here", where, kMaxMarks, known, "view or control");
    return p;
  }

  Goal goal(const json::Value& v, const std::string& where, const LessonStart& start) const {
    members(v, where, {"id", "text", "metric", "layer", "optimizer", "is", "at_least", "at_most", "by_step",
                       "by_epoch", "when", "question", "hints"});
    Goal g;
    g.id = id(v, where);
    g.text = text(v, "text", where, kMaxShort, true);
    if (g.text.empty()) fail(where + ".text", "is empty");
    list(v, "hints", where, kMaxHints, [&](const json::Value& h, const std::string& w) {
      members(h, w, {"after_seconds", "text"});
      g.hints.push_back({number(h, "after_seconds", w, 0, 3600, 0), text(h, "text", w, kMaxShort, true)});
    });
    const bool has_metric = v.find("metric") != nullptr, has_question = v.find("question") != nullptr;
    if (has_metric == has_question) fail(where, "a goal has either a \"metric\" or a \"question\"");
    if (has_question) {
      question(v.at("question"), where + ".question", g);
      for (const char* k : {"layer", "optimizer", "is", "at_least", "at_most", "by_step", "by_epoch", "when"})
        if (v.find(k)) fail(where, std::string("a question takes no \"") + k + "\"");
      return g;
    }
    const std::string m = text(v, "metric", where, kMaxId, true);
    bool found = false;
    for (const auto& [metric, name] : MetricNames())
      if (m == name) g.metric = metric, found = true;
    if (!found) {
      std::string all;
      for (const auto& n : MetricNames()) all += (all.empty() ? "" : ", ") + std::string(n.second);
      fail(where + ".metric", "unknown metric " + in_quotes(clip(m)) + " (" + all + ")");
    }
    metric_subject(v, where, start, g);
    const bool least = v.find("at_least") != nullptr, most = v.find("at_most") != nullptr;
    if (goal_has_threshold(g.metric)) {
      if (least == most) fail(where, "give one of \"at_least\" and \"at_most\"");
      g.at_least = least;
      const double hi = goal_is_share(g.metric) ? 1 : 1e9;
      g.threshold = number(v, least ? "at_least" : "at_most", where, 0, hi, 0);
    } else if (least || most) {
      fail(where, std::string("the metric ") + to_string(g.metric) + " takes no threshold");
    }
    g.by_step = whole(v, "by_step", where, 0, 1e9, 0);
    g.by_epoch = number(v, "by_epoch", where, 0, 1e6, 0);
    list(v, "when", where, kMaxConditions, [&](const json::Value& c, const std::string& w) { g.when.push_back(condition(c, w)); });
    return g;
  }

  // The member that says which layer, optimizer or run a metric is about, checked against the
  // lesson's own start (a dead-ReLU goal on a layer that is no ReLU could never be met).
  void metric_subject(const json::Value& v, const std::string& where, const LessonStart& start, Goal& g) const {
    const auto& layers = start.config.net.layers;
    if (g.metric == GoalMetric::DeadRelu || g.metric == GoalMetric::GradNorm) {
      g.layer = int(whole(v, "layer", where, 0, 1000, -1));
      if (g.layer < 0) fail(where, "the metric needs \"layer\", the index of a layer of the start network");
      if (g.layer >= int(layers.size()))
        fail(where + ".layer", std::to_string(g.layer) + ": the start network has " + std::to_string(layers.size()) + " layers");
      const std::string& type = layers[size_t(g.layer)].type;
      if (g.metric == GoalMetric::DeadRelu && type != "relu")
        fail(where + ".layer", "layer " + std::to_string(g.layer) + " is " + type + ", not relu");
      if (g.metric == GoalMetric::GradNorm && type != "dense" && type != "conv2d")
        fail(where + ".layer", "layer " + std::to_string(g.layer) + " is " + type + ", which has no weights");
    } else if (v.find("layer")) {
      fail(where + ".layer", std::string("the metric ") + to_string(g.metric) + " is about no layer");
    }
    if (g.metric == GoalMetric::PathDistance) {
      if (!start.landscape.used || start.landscape.surface == "saddle")
        fail(where + ".metric", "path_distance needs a start.landscape with a minimum (not the saddle)");
      g.subject = text(v, "optimizer", where, kMaxId, true);
      try {
        (void)opt_kind_from_string(g.subject);
      } catch (const Error& e) {
        fail(where + ".optimizer", e.what());
      }
    } else if (v.find("optimizer")) {
      fail(where + ".optimizer", std::string("the metric ") + to_string(g.metric) + " is about no optimizer");
    }
    if (g.metric == GoalMetric::ComparisonWinner) {
      g.subject = text(v, "is", where, kMaxId, true);
      if (g.subject.empty()) fail(where + ".is", "is empty");
    } else if (v.find("is")) {
      fail(where + ".is", std::string("only comparison_winner takes \"is\""));
    }
    if ((g.metric == GoalMetric::PlaygroundMse || g.metric == GoalMetric::PlaygroundAccuracy) &&
        (!start.playground.used || start.playground.mode != (g.metric == GoalMetric::PlaygroundMse ? 0 : 1)))
      fail(where + ".metric", std::string(to_string(g.metric)) + " needs a start.playground of mode " +
                                  (g.metric == GoalMetric::PlaygroundMse ? "1d" : "2d"));
  }

  SettingCondition condition(const json::Value& v, const std::string& where) const {
    members(v, where, {"setting", "above", "below", "is"});
    SettingCondition c;
    c.setting = text(v, "setting", where, kMaxId, true);
    const bool numeric = one_of(kNumberSettings, c.setting), named = one_of(kNameSettings, c.setting);
    if (!numeric && !named)
      fail(where + ".setting", "no setting named " + in_quotes(clip(c.setting)) + " (lr, batch, momentum, weight_decay, optimizer, init)");
    const int given = int(v.find("above") != nullptr) + int(v.find("below") != nullptr) + int(v.find("is") != nullptr);
    if (given != 1) fail(where, "give one of \"above\", \"below\" and \"is\"");
    if (named) {
      if (!v.find("is")) fail(where, in_quotes(c.setting) + " is a name: compare it with \"is\"");
      c.kind = SettingCondition::Is;
      c.name = text(v, "is", where, kMaxId, true);
      try {
        if (c.setting == "optimizer") (void)opt_kind_from_string(c.name);
        else (void)init_kind_from_string(c.name);
      } catch (const Error& e) {
        fail(where + ".is", e.what());
      }
    } else {
      if (v.find("is")) fail(where, in_quotes(c.setting) + " is a number: compare it with \"above\" or \"below\"");
      c.kind = v.find("above") ? SettingCondition::Above : SettingCondition::Below;
      c.number = number(v, c.kind == SettingCondition::Above ? "above" : "below", where, -1e9, 1e9, 0);
    }
    return c;
  }

  void question(const json::Value& v, const std::string& where, Goal& g) const {
    members(v, where, {"number", "tolerance", "choices", "answer"});
    if (v.find("number")) {
      if (v.find("choices") || v.find("answer")) fail(where, "a number question takes \"number\" and \"tolerance\" only");
      g.kind = Goal::NumberQuestion;
      g.answer = number(v, "number", where, -1e9, 1e9, 0);
      g.tolerance = number(v, "tolerance", where, 0, 1e9, 0);
      return;
    }
    g.kind = Goal::ChoiceQuestion;
    list(v, "choices", where, kMaxChoices, [&](const json::Value& c, const std::string& w) {
      if (!c.is_string() || c.as_string().empty() || c.as_string().size() > kMaxTitle)
        fail(w, "must be a string of 1 to " + std::to_string(kMaxTitle) + " bytes");
      g.choices.push_back(c.as_string());
    });
    if (g.choices.size() < 2) fail(where, "a question needs a \"number\", or at least two \"choices\"");
    const json::Value* a = v.find("answer");
    if (!a) fail(where, "the member \"answer\" (the index of the right choice) is missing");
    g.answer = double(whole(v, "answer", where, 0, double(g.choices.size() - 1), 0));
  }

  std::string file_;
  const LessonNames& names_;
};

}  // namespace

const std::vector<std::string>& LessonControls() {
  static const std::vector<std::string> controls = {
      "controls.play",      "controls.step",     "controls.epoch",         "controls.reset",    "controls.speed",
      "training.lr",        "training.batch",    "training.epochs",        "training.optimizer", "training.momentum",
      "training.weight_decay", "training.schedule", "setup.preset",         "setup.layers",      "setup.init",
      "setup.seed",         "setup.apply",       "data.dataset",           "files.save",        "files.open"};
  return controls;
}

const std::vector<std::string>& LessonControlGroups() {
  static const std::vector<std::string> groups = {"setup", "optimizer", "data", "reset", "files"};
  return groups;
}

bool goal_has_threshold(GoalMetric m) { return m != GoalMetric::ComparisonWinner && m != GoalMetric::Diverged; }

const char* to_string(GoalMetric m) {
  for (const auto& [metric, name] : MetricNames())
    if (metric == m) return name;
  return "?";
}

const std::vector<GoalMetric>& AllGoalMetrics() {
  static const std::vector<GoalMetric> all = [] {
    std::vector<GoalMetric> v;
    for (const auto& n : MetricNames()) v.push_back(n.first);
    return v;
  }();
  return all;
}

Lesson parse_lesson(const std::string& text, const std::string& file, const LessonNames& names) {
  const Reader r(file, names);
  if (text.size() > kMaxLessonBytes)
    r.fail("", std::to_string(text.size()) + " bytes, more than a lesson's " + std::to_string(kMaxLessonBytes));
  json::Value root;
  try {
    root = json::parse(text, 16);
  } catch (const Error& e) {
    r.fail("", e.what());
  }
  return r.read(root);
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_lesson_file_name(const std::string& name) {
  return name.size() > std::strlen(kLessonSuffix) && ends_with(name, kLessonSuffix);
}

bool is_lesson_file(const std::string& path) {
  if (is_lesson_file_name(path)) return true;
  if (!ends_with(path, ".json")) return false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;  // no waiting on a pipe
  std::ifstream in(path, std::ios::binary);
  char head[4096];
  in.read(head, sizeof head);
  const std::string text(head, size_t(in.gcount()));
  // "format": "nnviz-lesson", with any spacing around the colon.
  const size_t key = text.find("\"format\"");
  if (key == std::string::npos) return false;
  const size_t colon = text.find_first_not_of(" \t\r\n", key + 8);
  if (colon == std::string::npos || text[colon] != ':') return false;
  const size_t value = text.find_first_not_of(" \t\r\n", colon + 1);
  return value != std::string::npos && text.compare(value, 14, "\"nnviz-lesson\"") == 0;
}

std::vector<std::string> lesson_files(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    const std::string p = e.path().string();
    if (is_lesson_file_name(e.path().filename().string())) files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  return files;
}

Lesson load_lesson(const std::string& path, const LessonNames& names) {
  const std::vector<uint8_t> bytes = read_file_raw(path, "lesson", kMaxLessonBytes);
  return parse_lesson(std::string(bytes.begin(), bytes.end()), path, names);
}

}  // namespace nnviz
