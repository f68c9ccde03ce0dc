// Following a lesson's goals while the student works: the app (or a test) hands the tracker what
// it sees, a run's snapshots, the playground's figures, the landscape's paths, the race's leader,
// the answers typed, and the tracker keeps every goal's latest value and the step it was met at.
// A goal once met stays met until the lesson starts again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/layer_stats.h"
#include "lessons/lesson.h"

namespace nnviz {

// What the app knows when it checks a metric goal: the value now (NaN when it has none yet, such
// as an accuracy before the first evaluation), where the run is, and its settings.
struct GoalCheck {
  double value = 0;
  long step = 0;
  double epoch = 0;
  const TrainConfig* settings = nullptr;
};
// Whether a metric goal is met now: its value on the right side of the threshold, within its step
// or epoch, with every condition on the settings true. (Goals stay met once met: the caller keeps
// the step it happened at.)
bool goal_met(const Goal& goal, const GoalCheck& now);
// Whether an answer to a question is right: a number within the tolerance, or the right choice's
// index. A non-number or an index out of range is simply wrong.
bool answer_right(const Goal& goal, const std::string& answer);

struct GoalStatus {
  bool met = false;
  long met_at_step = -1;  // the run's (or the playground's) step when it was met; -1 not yet
  double value;           // the goal's metric when last seen (NaN: not seen yet)
  bool answered_wrong = false;  // a question answered, not rightly (it may be answered again)
  GoalStatus();
};

class GoalTracker {
 public:
  explicit GoalTracker(const Lesson& lesson);

  // A run's snapshot (every one, in order: each holds what is new since the last). `layout` is
  // the run's statistics layout (LayerStatsLayout::of its network, made once a run): it says
  // which layer a dead-ReLU or gradient statistic belongs to.
  void observe(const RunSnapshot& s, const LayerStatsLayout& layout);
  // The playground's test figures after `step` mini-batches (NaN for the one its mode lacks).
  void observe_playground(double test_mse, double test_accuracy, long step, const TrainConfig& settings);
  // The landscape: how far an optimizer's path ended from the surface's minimum.
  void observe_path(const std::string& optimizer, double distance, const TrainConfig& settings);
  // The race: the value of the run that won it (by validation accuracy), at its runs' last step,
  // and the settings its runs share. A goal naming an optimizer alone ("momentum") is met by a
  // run of that optimizer at any learning rate ("momentum:0.02").
  void observe_race(const std::string& winner, long step, const TrainConfig& settings);
  // A race as the app runs it: once every run is over (finished, diverged or failed), its winner
  // by final validation accuracy. Nothing while a run still trains or is paused.
  void observe_race(const Comparison& race);
  // The student's answer to question `goal`; true when right (the goal is then met).
  bool answer(size_t goal, const std::string& text);

  const std::vector<GoalStatus>& status() const { return status_; }
  bool all_met() const;
  void restart();  // "try again": every goal open, nothing seen

 private:
  void check(size_t i, double value, long step, double epoch, const TrainConfig& settings);
  const Lesson lesson_;
  std::vector<GoalStatus> status_;
  double ema_loss_ = 0, ema_acc_ = 0, ema_weight_ = 0;  // the smoothed training loss and accuracy
};


}  // namespace nnviz
