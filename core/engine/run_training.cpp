// The training thread: the loop that waits for commands and trains, one mini-batch with its
// timing, tracing, recording and divergence checks, and publishing the status for viewers.
#include "engine/engine.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <thread>
#include <utility>


#include "engine/run_internal.h"

namespace nnviz {

using engine_detail::fmt;
using engine_detail::now;

// ---------------------------------------------------------------------------------------------
// Training thread

bool Run::wants_to_train() const {
  if (state_ == RunState::Diverged || state_ == RunState::Failed) return false;
  return state_ == RunState::Running || pending_steps_ > 0;
}

void Run::loop() {
  for (;;) {
    std::deque<std::function<void()>> cmds;
    bool train = false;
    {
      std::unique_lock<std::mutex> lk(cmd_mu_);
      for (;;) {
        if (quit_) return;
        if (!cmds_.empty()) break;  // commands first, always
        if (wants_to_train()) {
          busy_ = true;
          const double wait = speed_ > 0 ? next_step_time_ - now() : 0;
          if (wait <= 0) {
            train = true;
            break;
          }
          cmd_cv_.wait_for(lk, std::chrono::duration<double>(wait));  // throttled by the speed setting
          continue;
        }
        busy_ = false;
        cmd_cv_.wait(lk);
      }
      cmds.swap(cmds_);
      busy_ = true;
    }
    for (auto& c : cmds) {
      try {
        c();
      } catch (const std::exception& e) {
        fail(RunState::Failed, std::string("Error: ") + e.what());
      }
    }
    if (!train) continue;
    try {
      train_one();
    } catch (const std::exception& e) {
      fail(RunState::Failed, std::string("Error during training: ") + e.what());
    }
  }
}

void Run::fail(RunState s, const std::string& msg) {
  state_ = s;
  pending_steps_ = 0;
  {
    std::lock_guard<std::mutex> lk(hist_mu_);
    pub_.message = msg;
  }
  publish(true);
}

void Run::train_one() {
  const double t0 = now();
  const bool single = state_ != RunState::Running;  // a step command while paused
  std::shared_ptr<StepTrace> trace;
  std::function<void()> capture;
  if (single) {
    trace = std::make_shared<StepTrace>();
    capture = [&] {
      Network& net = trainer_.net();
      for (size_t i = 0; i <= net.num_layers(); ++i) {
        trace->acts.push_back(net.act(i));
        trace->grads.push_back(net.grad(i));
      }
      auto ps = net.params();
      for (size_t i = 0; i < ps.size(); ++i) {
        trace->param_names.push_back(ps[i].name);
        trace->param_decay.push_back(ps[i].p.decay);
        trace->param_before.push_back(*ps[i].p.value);
        trace->param_grad.push_back(*ps[i].p.grad);
        std::vector<std::pair<std::string, Mat>> st;
        const auto cur = trainer_.optimizer().state(i);
        const auto names = Optimizer::state_names(trainer_.config().opt.kind);
        for (size_t k = 0; k < names.size(); ++k)
          st.emplace_back(names[k], k < cur.size() ? *cur[k].second
                                                   : Mat::Zero(ps[i].p.value->rows(), ps[i].p.value->cols()));
        trace->state_before.push_back(std::move(st));
      }
    };
  }
  // Layer statistics every few steps: measured around the update, their cost kept out of the
  // training time and under 2% of it.
  const bool want_stats = opts_.layer_stats && stats_.due(trainer_.steps_done() + 1);
  double stats_cost = 0;
  std::function<void()> before_update = capture;
  if (want_stats)
    before_update = [&] {
      if (capture) capture();
      const double a = now();
      stats_rec_.before_update(trainer_.net());
      stats_cost += now() - a;
    };
  const StepStats st = trainer_.step(before_update);
  const double t_step = now();
  train_time_ += t_step - t0 - stats_cost;  // the step itself; recording it below is bookkeeping
  // Time from one mini-batch to the next (the speed setting's waits included, pauses capped): what
  // recording is weighed against.
  const double wall = std::min(1.0, last_step_start_ > 0 ? t0 - last_step_start_ : t_step - t0 - stats_cost);
  last_step_start_ = t0;
  wall_step_ = wall_step_ == 0 ? wall : 0.95 * wall_step_ + 0.05 * wall;
  if (want_stats) {
    const double a = now();
    auto point = stats_rec_.after_update(trainer_.net(), st.step, float(st.epoch));
    stats_cost += now() - a;
    std::lock_guard<std::mutex> lk(hist_mu_);
    if (point) stats_.add(st.step, std::move(point));
    // Smoothed, so that one preempted measurement does not slow recording down for good.
    stats_cost_ = stats_cost_ == 0 ? stats_cost : 0.7 * stats_cost_ + 0.3 * stats_cost;
    if (opts_.record_budget > 0) {
      const double share = stats_cost_ / (double(stats_.interval()) * wall_step_);
      if (share > opts_.record_budget) stats_.slow_down();
      else if (share < opts_.record_budget / 4) stats_.speed_up();
    }
  }
  if (opts_.timeline && timeline_.due(st.step)) record_timeline();
  if (trace) {
    trace->step = st.step;
    trace->loss = st.loss;
    trace->lr = st.lr;
    trace->opt = trainer_.config().opt;
    trace->opt_t = trainer_.optimizer().steps();
    trace->indices = trainer_.batch_indices();
    trace->labels = trainer_.batch_labels();
    auto ps = trainer_.net().params();
    for (size_t i = 0; i < ps.size(); ++i) {
      trace->param_after.push_back(*ps[i].p.value);
      std::vector<std::pair<std::string, Mat>> sa;
      for (auto& [name, m] : trainer_.optimizer().state(i)) sa.emplace_back(name, *m);
      trace->state_after.push_back(std::move(sa));
    }
  }
  const double a = 0.05;
  ema_fwd_ = ema_fwd_ == 0 ? st.t_forward : (1 - a) * ema_fwd_ + a * st.t_forward;
  ema_bwd_ = ema_bwd_ == 0 ? st.t_backward : (1 - a) * ema_bwd_ + a * st.t_backward;
  ema_upd_ = ema_upd_ == 0 ? st.t_update : (1 - a) * ema_upd_ + a * st.t_update;

  {
    std::lock_guard<std::mutex> lk(hist_mu_);
    steps_.push_back({st.step, float(st.epoch), float(st.loss), float(st.correct) / float(st.batch), float(st.lr),
                      float(train_time_)});
    if (steps_.size() >= std::max<size_t>(opts_.history_cap, 4)) {
      compact_steps(steps_);
      ++compactions_;
    }
    if (trace) pub_.trace = trace;
  }
  if (pending_steps_ > 0) --pending_steps_;

  if (!std::isfinite(st.loss)) {
    fail(RunState::Diverged, "Training diverged at step " + std::to_string(st.step) + ": the loss became " +
                                 (std::isnan(st.loss) ? "NaN" : "infinite") + ". The learning rate (" +
                                 fmt(st.lr) + ") is probably too high: lower it and press Reset.");
    return;
  }
  if (st.epoch_end && opts_.eval_at_epoch_end) request_eval(true);
  else if (opts_.eval_early && st.epoch < 1 && early_eval_step(st.step)) request_eval(true);
  else if (opts_.eval_every_steps > 0 && st.step % opts_.eval_every_steps == 0) request_eval(false);

  if (state_ == RunState::Running && target_step_ >= 0 && trainer_.steps_done() >= target_step_) {
    state_ = RunState::Paused;
    target_step_ = -1;
  } else if (state_ == RunState::Running && trainer_.epoch() >= target_epoch_) {
    state_ = trainer_.epoch() >= trainer_.config().epochs ? RunState::Finished : RunState::Paused;
    std::lock_guard<std::mutex> lk(hist_mu_);
    const Schedule& sch = trainer_.config().schedule;
    const std::string then = sch.kind == Schedule::Kind::Cosine
                                 ? " Play continues training, with the cosine schedule started again from lr " +
                                       fmt(trainer_.config().opt.lr) + "."
                                 : " Play continues training.";
    pub_.message = state_ == RunState::Finished ? "Finished " + std::to_string(trainer_.epoch()) + " epochs." + then
                                                : "Paused after epoch " + std::to_string(trainer_.epoch()) + ".";
  }
  const double t1 = now();
  win_samples_ += st.batch;
  win_time_ += t1 - t0;
  if (speed_ > 0) next_step_time_ = t0 + 1.0 / speed_;
  publish(single || state_ != RunState::Running);
}

void Run::clear_inside() {
  stats_.clear();
  timeline_.clear();
}

void Run::record_timeline() {
  if (!opts_.timeline) return;
  const double t0 = now();
  auto w = std::make_shared<WeightsView>();
  w->step = trainer_.steps_done();
  Network& net = trainer_.net();
  size_t values = 0;
  for (auto& np : net.params()) {
    w->names.push_back(np.name);
    w->shapes.push_back(np.p.shape);
    w->values.push_back(*np.p.value);
    values += size_t(np.p.value->size());
  }
  for (size_t i = 0; i < net.num_layers(); ++i)
    for (auto& b : net.layer(i).buffers()) {
      w->buffers.push_back(*b.second);
      values += size_t(b.second->size());
    }
  const double cost = now() - t0;
  const size_t bytes = std::max<size_t>(1, values * sizeof(Scalar));
  std::lock_guard<std::mutex> lk(hist_mu_);
  timeline_.set_cap(std::clamp<size_t>(opts_.timeline_bytes / bytes, 4, 128));
  const long step = w->step;
  timeline_.add(step, std::move(w));
  timeline_cost_ = timeline_cost_ == 0 ? cost : 0.7 * timeline_cost_ + 0.3 * cost;
  if (opts_.record_budget > 0 && wall_step_ > 0) {
    const double share = timeline_cost_ / (double(timeline_.interval()) * wall_step_);
    if (share > opts_.record_budget) timeline_.slow_down();
    else if (share < opts_.record_budget / 4) timeline_.speed_up();
  }
}

void Run::publish_status() {
  std::lock_guard<std::mutex> lk(hist_mu_);
  pub_.state = state_;
  if (state_ == RunState::Running || pending_steps_ > 0) pub_.message.clear();
  pub_.step = trainer_.steps_done();
  pub_.epoch = trainer_.epoch_progress();
  pub_.target_epochs = target_epoch_;
  pub_.config = trainer_.config();
  pub_.elapsed_s = train_time_;
  pub_.frozen = trainer_.frozen().list();
}

void Run::publish(bool force) {
  const double t = now();
  const bool heavy = force || t - last_publish_ >= 1.0 / std::max(1e-3, opts_.publish_hz);
  if (!heavy) {
    publish_status();
    return;
  }
  last_publish_ = t;
  // Weights: a copy, made outside the lock; checked for NaN/Inf on the way.
  auto w = std::make_shared<WeightsView>();
  w->step = trainer_.steps_done();
  bool finite = true;
  for (auto& np : trainer_.net().params()) {
    w->names.push_back(np.name);
    w->shapes.push_back(np.p.shape);
    w->values.push_back(*np.p.value);
    finite = finite && np.p.value->allFinite();
  }
  // Batch norm's running statistics too: a network rebuilt from these weights (the drawing view,
  // the analysis, the timeline's probe) infers as the run's own does.
  for (size_t i = 0; i < trainer_.net().num_layers(); ++i)
    for (auto& b : trainer_.net().layer(i).buffers()) w->buffers.push_back(*b.second);
  // Probe: its own copy of the network, so the trainer's caches (the step-through's) stay intact.
  std::shared_ptr<const ProbeView> p = std::make_shared<ProbeView>();
  if (probe_x_.size() > 0) {
    if (!probe_net_) probe_net_ = std::make_unique<Network>(trainer_.net());
    else probe_net_->copy_values_from(trainer_.net());
    p = std::make_shared<ProbeView>(probe_pass(*probe_net_, probe_x_, probe_label_, w->step));
  }
  double rate = -1;
  if (win_time_ > 0.2 || (force && win_time_ > 0)) {
    rate = win_samples_ / win_time_;
    win_samples_ = 0;
    win_time_ = 0;
  }
  {
    std::lock_guard<std::mutex> lk(hist_mu_);
    pub_.weights = std::move(w);
    pub_.probe = std::move(p);
    if (rate >= 0) pub_.samples_per_s = rate;
    pub_.ms_forward = ema_fwd_ * 1e3;
    pub_.ms_backward = ema_bwd_ * 1e3;
    pub_.ms_update = ema_upd_ * 1e3;
  }
  publish_status();
  if (!finite && state_ != RunState::Diverged) {
    fail(RunState::Diverged, "Training diverged at step " + std::to_string(trainer_.steps_done()) +
                                 ": a weight became NaN or infinite. The learning rate (" +
                                 fmt(trainer_.current_lr()) + ") is probably too high: lower it and press Reset.");
  }
}

}  // namespace nnviz
