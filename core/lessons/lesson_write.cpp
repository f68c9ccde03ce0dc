// Writing a lesson back to its JSON (docs/lessons.md): what parse_lesson reads to the same lesson,
// with the start's settings written whole (a "config", never a preset that may change).
#include "lessons/lesson.h"

namespace nnviz {

json::Value lesson_to_json(const Lesson& l) {
  json::Value v = json::Value::object();
  v.set("format", "nnviz-lesson");
  v.set("version", l.version);
  v.set("id", l.id);
  v.set("title", l.title);
  if (!l.summary.empty()) v.set("summary", l.summary);
  json::Value s = json::Value::object();
  s.set("config", l.start.config.to_json());
  if (l.start.train_samples) s.set("train_samples", l.start.train_samples);
  s.set("speed", l.start.speed);
  auto strings = [](const std::vector<std::string>& xs) {
    json::Value a = json::Value::array();
    for (const auto& x : xs) a.push(x);
    return a;
  };
  s.set("views", strings(l.start.views));
  if (const LessonPlayground& p = l.start.playground; p.used) {
    json::Value pg = json::Value::object();
    pg.set("mode", p.mode == 0 ? "1d" : "2d");
    pg.set("expression", p.expression);
    pg.set("points", p.points);
    pg.set("hidden", p.hidden);
    pg.set("activation", p.activation);
    pg.set("bias", p.bias);
    pg.set("lr", p.lr);
    pg.set("noise", p.noise);
    s.set("playground", pg);
  }
  if (l.start.landscape.used) {
    json::Value ls = json::Value::object();
    ls.set("surface", l.start.landscape.surface);
    ls.set("steps", l.start.landscape.steps);
    s.set("landscape", ls);
  }
  if (const LessonRace& r = l.start.race; r.used) {
    json::Value race = json::Value::object();
    race.set("vary", to_string(r.what));
    race.set("values", strings(r.values));
    s.set("race", race);
  }
  v.set("start", s);
  if (!l.hide.empty()) v.set("hide", strings(l.hide));
  if (!l.lock.empty()) v.set("lock", strings(l.lock));
  json::Value pages = json::Value::array();
  for (const LessonPage& p : l.pages) {
    json::Value o = json::Value::object();
    o.set("title", p.title);
    o.set("text", p.text);
    if (!p.picture.empty()) o.set("picture", p.picture);
    if (!p.look_here.empty()) o.set("look_here", strings(p.look_here));
    pages.push(o);
  }
  v.set("pages", pages);
  json::Value goals = json::Value::array();
  for (const Goal& g : l.goals) {
    json::Value o = json::Value::object();
    o.set("id", g.id);
    o.set("text", g.text);
    if (g.kind == Goal::Metric) {
      o.set("metric", to_string(g.metric));
      if (g.layer >= 0) o.set("layer", g.layer);
      if (g.metric == GoalMetric::PathDistance) o.set("optimizer", g.subject);
      if (g.metric == GoalMetric::ComparisonWinner) o.set("is", g.subject);
      if (goal_has_threshold(g.metric)) o.set(g.at_least ? "at_least" : "at_most", g.threshold);
      if (g.by_step) o.set("by_step", g.by_step);
      if (g.by_epoch) o.set("by_epoch", g.by_epoch);
      if (!g.when.empty()) {
        json::Value w = json::Value::array();
        for (const SettingCondition& c : g.when) {
          json::Value cv = json::Value::object();
          cv.set("setting", c.setting);
          if (c.kind == SettingCondition::Is) cv.set("is", c.name);
          else cv.set(c.kind == SettingCondition::Above ? "above" : "below", c.number);
          w.push(cv);
        }
        o.set("when", w);
      }
    } else {
      json::Value q = json::Value::object();
      if (g.kind == Goal::NumberQuestion) {
        q.set("number", g.answer);
        q.set("tolerance", g.tolerance);
      } else {
        q.set("choices", strings(g.choices));
        q.set("answer", g.answer);
      }
      o.set("question", q);
    }
    if (!g.hints.empty()) {
      json::Value h = json::Value::array();
      for (const Hint& x : g.hints) {
        json::Value hv = json::Value::object();
        hv.set("after_seconds", x.after_seconds);
        hv.set("text", x.text);
        h.push(hv);
      }
      o.set("hints", h);
    }
    goals.push(o);
  }
  v.set("goals", goals);
  return v;
}

}  // namespace nnviz
