#include "lessons/goal_tracker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>


namespace nnviz {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The smoothed training figures: an exponential average over about the last hundred mini-batches.
constexpr double kSmoothing = 0.99;

bool from_evaluation(GoalMetric m) {
  return m == GoalMetric::ValAccuracy || m == GoalMetric::TestAccuracy || m == GoalMetric::ValLoss ||
         m == GoalMetric::TestLoss;
}
}  // namespace

GoalStatus::GoalStatus() : value(kNaN) {}

GoalTracker::GoalTracker(const Lesson& lesson) : lesson_(lesson), status_(lesson.goals.size()) {}

void GoalTracker::restart() {
  status_.assign(lesson_.goals.size(), GoalStatus{});
  ema_loss_ = ema_acc_ = ema_weight_ = 0;
}

bool GoalTracker::all_met() const {
  for (const GoalStatus& s : status_)
    if (!s.met) return false;
  return true;
}

void GoalTracker::check(size_t i, double value, long step, double epoch, const TrainConfig& settings) {
  GoalStatus& st = status_[i];
  st.value = value;
  if (st.met) return;
  if (goal_met(lesson_.goals[i], {value, step, epoch, &settings})) {
    st.met = true;
    st.met_at_step = step;
  }
}

void GoalTracker::observe(const RunSnapshot& s, const LayerStatsLayout& layout) {
  if (s.restarted) ema_loss_ = ema_acc_ = ema_weight_ = 0;
  const auto& goals = lesson_.goals;
  for (const StepPoint& p : s.steps) {
    ema_weight_ = kSmoothing * ema_weight_ + (1 - kSmoothing);
    ema_loss_ = kSmoothing * ema_loss_ + (1 - kSmoothing) * p.loss;
    ema_acc_ = kSmoothing * ema_acc_ + (1 - kSmoothing) * p.accuracy;
    for (size_t i = 0; i < goals.size(); ++i) {
      if (goals[i].kind != Goal::Metric) continue;
      if (goals[i].metric == GoalMetric::TrainLoss) check(i, ema_loss_ / ema_weight_, p.step, p.epoch, s.config);
      if (goals[i].metric == GoalMetric::TrainAccuracy) check(i, ema_acc_ / ema_weight_, p.step, p.epoch, s.config);
      if (goals[i].metric == GoalMetric::Diverged)
        check(i, std::isfinite(p.loss) ? double(p.loss) : HUGE_VAL, p.step, p.epoch, s.config);
    }
  }
  for (const EvalPoint& e : s.evals)
    for (size_t i = 0; i < goals.size(); ++i) {
      if (goals[i].kind != Goal::Metric || !from_evaluation(goals[i].metric)) continue;
      const GoalMetric m = goals[i].metric;
      const double v = m == GoalMetric::ValAccuracy ? e.val_accuracy
                       : m == GoalMetric::TestAccuracy ? e.test_accuracy
                       : m == GoalMetric::ValLoss ? e.val_loss
                                                  : e.test_loss;
      check(i, v, e.step, e.epoch, s.config);
    }
  if (s.state == RunState::Diverged)
    for (size_t i = 0; i < goals.size(); ++i)
      if (goals[i].kind == Goal::Metric && goals[i].metric == GoalMetric::Diverged) check(i, HUGE_VAL, s.step, s.epoch, s.config);
  if (s.stats.empty()) return;
  // Which entry of a statistics point is a goal's layer: its ReLU's place among the ReLUs, its
  // weight's place among the parameters.
  for (const auto& point : s.stats)
    for (size_t i = 0; i < goals.size(); ++i) {
      const Goal& g = goals[i];
      if (g.kind != Goal::Metric) continue;
      if (g.metric == GoalMetric::DeadRelu) {
        for (size_t k = 0; k < layout.relu_layers.size() && k < point->dead.size(); ++k)
          if (layout.relu_layers[k] == g.layer) check(i, point->dead[k], point->step, point->epoch, s.config);
      } else if (g.metric == GoalMetric::GradNorm) {
        const std::string name = "layers." + std::to_string(g.layer) + ".weight";
        for (size_t k = 0; k < layout.params.size() && k < point->params.size(); ++k)
          if (layout.params[k] == name) check(i, point->params[k].grad_norm, point->step, point->epoch, s.config);
      }
    }
}

void GoalTracker::observe_playground(double test_mse, double test_accuracy, long step, const TrainConfig& settings) {
  for (size_t i = 0; i < lesson_.goals.size(); ++i) {
    const Goal& g = lesson_.goals[i];
    if (g.kind != Goal::Metric) continue;
    if (g.metric == GoalMetric::PlaygroundMse) check(i, test_mse, step, 0, settings);
    if (g.metric == GoalMetric::PlaygroundAccuracy) check(i, test_accuracy, step, 0, settings);
  }
}

void GoalTracker::observe_path(const std::string& optimizer, double distance, const TrainConfig& settings) {
  for (size_t i = 0; i < lesson_.goals.size(); ++i) {
    const Goal& g = lesson_.goals[i];
    if (g.kind == Goal::Metric && g.metric == GoalMetric::PathDistance && g.subject == optimizer)
      check(i, distance, 0, 0, settings);
  }
}

void GoalTracker::observe_race(const std::string& winner, long step, const TrainConfig& settings) {
  for (size_t i = 0; i < lesson_.goals.size(); ++i) {
    const Goal& g = lesson_.goals[i];
    if (g.kind != Goal::Metric || g.metric != GoalMetric::ComparisonWinner) continue;
    const bool named = winner == g.subject || (winner.size() > g.subject.size() && winner.compare(0, g.subject.size(), g.subject) == 0 &&
                                               winner[g.subject.size()] == ':');
    check(i, named ? 1 : 0, step, 0, settings);
  }
}

void GoalTracker::observe_race(const Comparison& race) {
  long step = 0;
  for (size_t i = 0; i < race.size(); ++i) {
    const RunSnapshot& last = race.latest(i);
    if (last.state == RunState::Running || last.state == RunState::Paused) return;  // not over
    // A finished run's last evaluation (at its last step) arrives just after it stops.
    if (last.state == RunState::Finished && (race.evals(i).empty() || race.evals(i).back().step != last.step)) return;
    step = std::max(step, last.step);
  }
  const std::vector<RunSummary> table = race.table();
  size_t best = table.size();
  for (size_t i = 0; i < table.size(); ++i)
    if (!race.evals(i).empty() && std::isfinite(table[i].final_val) && (best == table.size() || table[i].final_val > table[best].final_val))
      best = i;
  if (best < table.size()) observe_race(race.spec().values[best], step, race.spec().base);
}

bool GoalTracker::answer(size_t goal, const std::string& text) {
  if (goal >= lesson_.goals.size() || lesson_.goals[goal].kind == Goal::Metric) return false;
  GoalStatus& st = status_[goal];
  if (answer_right(lesson_.goals[goal], text)) {
    st.met = true;
    st.answered_wrong = false;
    return true;
  }
  if (!st.met) st.answered_wrong = true;
  return false;
}

// --- judging one goal

bool goal_met(const Goal& g, const GoalCheck& now) {
  if (g.kind != Goal::Metric) return false;
  if (g.by_step > 0 && now.step > g.by_step) return false;
  if (g.by_epoch > 0 && now.epoch > g.by_epoch) return false;
  for (const SettingCondition& c : g.when) {
    if (!now.settings) return false;
    const TrainConfig& s = *now.settings;
    if (c.kind == SettingCondition::Is) {
      const std::string have = c.setting == "optimizer" ? to_string(s.opt.kind) : to_string(s.init);
      if (have != c.name) return false;
      continue;
    }
    const double x = c.setting == "lr" ? s.opt.lr
                     : c.setting == "batch" ? s.batch
                     : c.setting == "momentum" ? s.opt.momentum
                                               : s.opt.weight_decay;
    if (c.kind == SettingCondition::Above ? !(x > c.number) : !(x < c.number)) return false;
  }
  switch (g.metric) {
    case GoalMetric::Diverged: return !std::isfinite(now.value);
    case GoalMetric::ComparisonWinner: return now.value == 1;  // the app says 1 when the named run leads
    default: break;
  }
  if (!std::isfinite(now.value)) return false;  // no value yet (or a diverged run's loss)
  return g.at_least ? now.value >= g.threshold : now.value <= g.threshold;
}

bool answer_right(const Goal& g, const std::string& answer) {
  char* end = nullptr;
  const double x = std::strtod(answer.c_str(), &end);
  if (answer.empty() || end == answer.c_str() || *end || !std::isfinite(x)) return false;
  if (g.kind == Goal::NumberQuestion) return std::fabs(x - g.answer) <= g.tolerance;
  if (g.kind == Goal::ChoiceQuestion) return x == g.answer;
  return false;
}

}  // namespace nnviz
