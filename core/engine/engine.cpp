#include "engine/engine.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <future>
#include <utility>

#include "io/model_io.h"
#include "io/run_file.h"
#include "nn/loss.h"

namespace nnviz {

namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

const char* to_string(RunState s) {
  switch (s) {
    case RunState::Paused: return "paused";
    case RunState::Running: return "running";
    case RunState::Finished: return "finished";
    case RunState::Diverged: return "diverged";
    case RunState::Failed: return "failed";
  }
  return "?";
}

namespace {

// Gives the calling thread (not the process) a niceness; failing is harmless: it keeps its own.
void lower_priority(int nice) {
#ifdef __linux__
  if (nice > 0) (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), nice);
#else
  (void)nice;
#endif
}

}  // namespace

Run::Run(const TrainConfig& cfg, std::shared_ptr<const Dataset> data, RunOptions opts)
    : data_(std::move(data)),
      opts_(opts),
      trainer_(cfg, *data_),
      probe_values_(std::as_const(trainer_).net().input_shape().size()),
      probe_outputs_(std::as_const(trainer_).net().output_shape().size()) {
  const Split& probe_split = data_->val.count > 0 ? data_->val : data_->train;
  probe_x_ = probe_split.x.col(0);
  probe_label_ = probe_split.y[0];
  target_epoch_ = cfg.epochs;
  pub_.config = trainer_.config();
  pub_.target_epochs = target_epoch_;
  stats_ = ThinnedHistory<LayerStatsPoint>(opts_.layer_stats_cap, opts_.layer_stats_every);
  timeline_ = ThinnedHistory<WeightsView>(128, opts_.timeline_every);
  publish(true);
  record_timeline();
  thread_ = std::thread([this] {
    lower_priority(opts_.nice);
    loop();
  });
  eval_thread_ = std::thread([this] {
    lower_priority(opts_.nice);
    eval_loop();
  });
}

Run::~Run() {
  {
    std::lock_guard<std::mutex> lk(cmd_mu_);
    quit_ = true;
  }
  cmd_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lk(eval_mu_);
    eval_quit_ = true;
  }
  eval_cancel_ = true;  // closing must not wait for a whole evaluation of 20k samples
  eval_cv_.notify_all();
  if (eval_thread_.joinable()) eval_thread_.join();
}

// ---------------------------------------------------------------------------------------------
// Commands

void Run::enqueue(std::function<void()> f) {
  {
    std::lock_guard<std::mutex> lk(cmd_mu_);
    cmds_.push_back(std::move(f));
  }
  cmd_cv_.notify_all();
}

void Run::post(std::function<void(Trainer&)> f) {
  enqueue([this, f = std::move(f)] { f(trainer_); });
}

void Run::load_weights(const Network& net) {
  auto copy = std::make_shared<Network>(net);
  enqueue([this, copy] {
    trainer_.net().copy_values_from(*copy);
    {
      std::lock_guard<std::mutex> lk(hist_mu_);
      clear_inside();
    }
    publish(true);
    record_timeline();
  });
}

void Run::play() {
  enqueue([this] {
    if (state_ == RunState::Diverged || state_ == RunState::Failed) return;  // needs a reset
    const int e = trainer_.epoch();
    target_epoch_ = e < trainer_.config().epochs ? trainer_.config().epochs : INT_MAX;
    target_step_ = -1;
    pending_steps_ = 0;
    state_ = RunState::Running;
    publish_status();
  });
}

void Run::pause() {
  enqueue([this] {
    pending_steps_ = 0;
    if (state_ == RunState::Running) state_ = RunState::Paused;
    publish(true);
  });
}

void Run::step_batch(int n) {
  if (n <= 0) return;
  enqueue([this, n] {
    if (state_ == RunState::Diverged || state_ == RunState::Failed) return;
    state_ = RunState::Paused;
    pending_steps_ += n;
    publish_status();
  });
}

void Run::step_epoch() { run_until_epoch(-1); }

void Run::run_until_epoch(int e) {
  enqueue([this, e] {
    if (state_ == RunState::Diverged || state_ == RunState::Failed) return;
    target_epoch_ = e < 0 ? trainer_.epoch() + 1 : e;
    target_step_ = -1;
    if (trainer_.epoch() >= target_epoch_) return;
    pending_steps_ = 0;
    state_ = RunState::Running;
    publish_status();
  });
}

void Run::run_steps(long n) {
  if (n <= 0) return;
  enqueue([this, n] {
    if (state_ == RunState::Diverged || state_ == RunState::Failed) return;
    target_step_ = trainer_.steps_done() + n;
    target_epoch_ = INT_MAX;
    pending_steps_ = 0;
    state_ = RunState::Running;
    publish_status();
  });
}

void Run::reset() {
  enqueue([this] { do_reset(trainer_.config().seed); });
}

void Run::reset(uint64_t seed) {
  enqueue([this, seed] { do_reset(seed); });
}

void Run::do_reset(uint64_t seed) {
  trainer_.reset(seed);
  state_ = RunState::Paused;
  pending_steps_ = 0;
  train_time_ = 0;
  win_samples_ = win_time_ = 0;
  {
    std::lock_guard<std::mutex> lk(eval_mu_);
    eval_jobs_.clear();
  }
  {
    std::lock_guard<std::mutex> lk(hist_mu_);
    steps_.clear();
    evals_.clear();
    changes_.clear();
    edit_start_.reset();
    pub_.message.clear();
    pub_.trace.reset();
    clear_inside();
    ++generation_;
  }
  target_epoch_ = trainer_.config().epochs;
  target_step_ = -1;
  publish(true);
  record_timeline();
}

void Run::set_optimizer(const OptConfig& o, bool mark) {
  enqueue([this, o, mark] {
    if (!edit_start_) {
      edit_start_ = ChangePoint{trainer_.steps_done(), float(trainer_.epoch_progress()), {}};
      edit_from_ = trainer_.config().opt;
    }
    if (!mark) {
      trainer_.set_optimizer(o);
      std::lock_guard<std::mutex> lk(hist_mu_);
      pub_.config = trainer_.config();
      return;
    }
    const OptConfig old = edit_from_;
    const ChangePoint at = *edit_start_;
    edit_start_.reset();
    std::string text;
    auto add = [&](const std::string& t) { text += (text.empty() ? "" : ", ") + t; };
    if (o.kind != old.kind) add(std::string("optimizer ") + to_string(old.kind) + " -> " + to_string(o.kind));
    if (o.lr != old.lr) add("lr " + fmt(old.lr) + " -> " + fmt(o.lr));
    if (o.momentum != old.momentum) add("momentum " + fmt(old.momentum) + " -> " + fmt(o.momentum));
    if (o.weight_decay != old.weight_decay) add("weight decay " + fmt(old.weight_decay) + " -> " + fmt(o.weight_decay));
    if (o.beta1 != old.beta1) add("beta1 " + fmt(old.beta1) + " -> " + fmt(o.beta1));
    if (o.beta2 != old.beta2) add("beta2 " + fmt(old.beta2) + " -> " + fmt(o.beta2));
    if (o.rho != old.rho) add("rho " + fmt(old.rho) + " -> " + fmt(o.rho));
    if (o.eps != old.eps) add("eps " + fmt(old.eps) + " -> " + fmt(o.eps));
    trainer_.set_optimizer(o);
    if (!text.empty()) record_change(text, at.step, at.epoch);
    else {
      std::lock_guard<std::mutex> lk(hist_mu_);
      pub_.config = trainer_.config();
    }
  });
}

void Run::set_batch(int b) {
  if (b <= 0) throw Error("[engine] the batch size must be positive, not " + std::to_string(b));
  enqueue([this, b] {
    const int old = trainer_.config().batch;
    trainer_.set_batch(b);
    if (trainer_.config().batch != old)
      record_change("batch " + std::to_string(old) + " -> " + std::to_string(trainer_.config().batch));
  });
}

void Run::set_schedule(const Schedule& s) {
  enqueue([this, s] {
    const Schedule old = trainer_.config().schedule;
    trainer_.set_schedule(s);
    if (s.kind != old.kind) record_change(std::string("schedule ") + to_string(old.kind) + " -> " + to_string(s.kind));
    else if (s.gamma != old.gamma || s.step_epochs != old.step_epochs || s.min_lr != old.min_lr)
      record_change(std::string("schedule ") + to_string(s.kind) + " settings");
  });
}

void Run::set_epochs(int e) {
  if (e <= 0) throw Error("[engine] the number of epochs must be positive, not " + std::to_string(e));
  enqueue([this, e] {
    trainer_.set_epochs(e);
    if (state_ == RunState::Running && target_epoch_ != INT_MAX) target_epoch_ = e;
    if (state_ == RunState::Finished && trainer_.epoch() < e) state_ = RunState::Paused;
    publish_status();
  });
}

void Run::set_speed(double bps) {
  enqueue([this, bps] { speed_ = std::max(0.0, bps); });
}

void Run::set_probe(const Mat& x, int label) {
  // Checked against the sizes noted at construction: the trainer belongs to the training thread.
  if (x.cols() != 1 || x.rows() != probe_values_)
    throw Error("[engine] the probe input must be one sample of " + std::to_string(probe_values_) +
                " values, not " + std::to_string(x.rows()) + "x" + std::to_string(x.cols()));
  if (label < -1 || label >= probe_outputs_)
    throw Error("[engine] the probe label " + std::to_string(label) + " is not a class of this network");
  enqueue([this, x, label] {
    probe_x_ = x;
    probe_label_ = label;
    publish(true);
  });
}

void Run::record_change(const std::string& text) {
  record_change(text, trainer_.steps_done(), float(trainer_.epoch_progress()));
}

void Run::record_change(const std::string& text, long step, float epoch) {
  std::lock_guard<std::mutex> lk(hist_mu_);
  changes_.push_back({step, epoch, text});
  pub_.config = trainer_.config();
}

void compact_steps(std::vector<StepPoint>& steps) {
  const size_t n = steps.size();
  size_t out = 0;
  long prev = 0;  // histories start at the run's beginning: the first point stands for steps 1..step
  for (size_t i = 0; i + 1 < n; i += 2) {
    const StepPoint& a = steps[i];
    const StepPoint& b = steps[i + 1];
    const double wa = double(std::max(1L, a.step - prev)), wb = double(std::max(1L, b.step - a.step));
    const double w = wa + wb;
    StepPoint m = b;
    m.loss = float((wa * a.loss + wb * b.loss) / w);
    m.accuracy = float((wa * a.accuracy + wb * b.accuracy) / w);
    m.lr = float((wa * a.lr + wb * b.lr) / w);
    prev = b.step;
    steps[out++] = m;
  }
  if (n % 2) steps[out++] = steps[n - 1];
  steps.resize(out);
}

// ---------------------------------------------------------------------------------------------
// Viewer side

RunSnapshot Run::snapshot(SnapshotCursor& c) {
  RunSnapshot s;
  std::lock_guard<std::mutex> lk(hist_mu_);
  if (c.generation != generation_) {
    s.restarted = c.generation != 0;
    c = SnapshotCursor{};
    c.generation = generation_;
  }
  // A reset may have shortened the history under a cursor of the same generation only if the
  // cursor was made elsewhere; clamp to be safe.
  if (c.compactions != compactions_) {  // indices into the old history mean nothing now
    s.rebased = !s.restarted;
    c.compactions = compactions_;
    c.steps = 0;
  }
  c.steps = std::min(c.steps, steps_.size());
  c.evals = std::min(c.evals, evals_.size());
  c.changes = std::min(c.changes, changes_.size());
  s.steps.assign(steps_.begin() + static_cast<std::ptrdiff_t>(c.steps), steps_.end());
  s.evals.assign(evals_.begin() + static_cast<std::ptrdiff_t>(c.evals), evals_.end());
  s.changes.assign(changes_.begin() + static_cast<std::ptrdiff_t>(c.changes), changes_.end());
  c.steps = steps_.size();
  c.evals = evals_.size();
  c.changes = changes_.size();
  if (c.stats_thinned != stats_.thinned() || c.stats > stats_.size()) {
    s.stats_replaced = true;
    c.stats = 0;
    c.stats_thinned = stats_.thinned();
  }
  s.stats.assign(stats_.items().begin() + static_cast<std::ptrdiff_t>(c.stats), stats_.items().end());
  c.stats = stats_.size();
  if (c.timeline_thinned != timeline_.thinned() || c.timeline > timeline_.size()) {
    s.timeline_replaced = true;
    c.timeline = 0;
    c.timeline_thinned = timeline_.thinned();
  }
  s.timeline.assign(timeline_.items().begin() + static_cast<std::ptrdiff_t>(c.timeline), timeline_.items().end());
  c.timeline = timeline_.size();
  s.stats_interval = stats_.interval();
  s.timeline_interval = timeline_.interval();
  static_cast<RunStatus&>(s) = pub_;
  return s;
}

bool Run::has_news(const SnapshotCursor& c, const RunStatus& seen) const {
  std::lock_guard<std::mutex> lk(hist_mu_);
  if (c.generation != generation_ || c.compactions != compactions_) return true;
  if (c.steps < steps_.size() || c.evals < evals_.size() || c.changes < changes_.size()) return true;
  if (c.stats_thinned != stats_.thinned() || c.stats != stats_.size()) return true;
  if (c.timeline_thinned != timeline_.thinned() || c.timeline != timeline_.size()) return true;
  return pub_.state != seen.state || pub_.message != seen.message || pub_.weights != seen.weights;
}

bool Run::idle() const {
  std::lock_guard<std::mutex> lk(cmd_mu_);
  return cmds_.empty() && !busy_;
}

Network Run::copy_network() {
  auto promise = std::make_shared<std::promise<Network>>();
  std::future<Network> fut = promise->get_future();
  post([promise](Trainer& t) { promise->set_value(t.net()); });
  return fut.get();  // throws std::future_error if the run is being destroyed
}

void Run::save_model(const std::string& path, const json::Value& info) {
  auto promise = std::make_shared<std::promise<std::pair<Network, ModelFile>>>();
  auto fut = promise->get_future();
  post([promise, info](Trainer& t) {
    ModelFile m;
    m.config = t.config();
    m.norm = t.data().norm;
    m.info = info;
    m.info.set("steps", static_cast<long long>(t.steps_done()));
    m.info.set("epochs_trained", t.epoch_progress());
    promise->set_value({t.net(), m});
  });
  auto [net, meta] = fut.get();
  nnviz::save_model(path, net, meta);
}

RunRecord Run::record(const json::Value& info) {
  auto promise = std::make_shared<std::promise<RunRecord>>();
  auto fut = promise->get_future();
  post([this, promise, info](Trainer& t) {
    RunRecord r;
    r.meta.config = t.config();
    r.meta.norm = t.data().norm;
    r.meta.info = info;
    r.meta.info.set("steps", static_cast<long long>(t.steps_done()));
    r.meta.info.set("epochs_trained", t.epoch_progress());
    r.net = std::make_shared<Network>(t.net());
    const Optimizer& o = t.optimizer();
    if (o.steps() > 0) {
      const size_t n = t.net().param_list().size();
      for (size_t i = 0; i < n; ++i) {
        std::vector<Mat> st;
        for (auto& [name, m] : o.state(i)) st.push_back(*m);
        r.opt_state.push_back(std::move(st));
      }
    }
    r.opt_t = o.steps();
    r.step = t.steps_done();
    r.epoch = t.epoch();
    r.cursor = t.cursor();
    std::lock_guard<std::mutex> lk(hist_mu_);
    r.steps = steps_;
    r.evals = evals_;
    r.changes = changes_;
    promise->set_value(std::move(r));
  });
  return fut.get();
}

void Run::save_run(const std::string& path, const json::Value& info) { nnviz::save_run(path, record(info)); }

void Run::restore(std::shared_ptr<const RunRecord> r) {
  enqueue([this, r] {
    trainer_.net().copy_values_from(*r->net);
    trainer_.optimizer().restore(r->opt_state, r->opt_t);
    trainer_.restore_position(r->step, r->epoch, r->cursor);
    state_ = RunState::Paused;
    pending_steps_ = 0;
    target_step_ = -1;
    target_epoch_ = trainer_.config().epochs;
    train_time_ = r->steps.empty() ? 0 : r->steps.back().time;
    {
      std::lock_guard<std::mutex> lk(eval_mu_);
      eval_jobs_.clear();
    }
    {
      std::lock_guard<std::mutex> lk(hist_mu_);
      steps_ = r->steps;
      evals_ = r->evals;
      changes_ = r->changes;
      pub_.message = "Reopened at step " + std::to_string(r->step) + "; Play continues the run.";
      pub_.trace.reset();
      clear_inside();
      ++generation_;
    }
    publish(true);
    record_timeline();
  });
}

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

// ---------------------------------------------------------------------------------------------
// Evaluation thread

bool early_eval_step(long step) {
  if (step < 50) return false;
  long p = 1;
  while (step / p >= 10) {
    if (step % (p * 10) != 0) break;
    p *= 10;
  }
  const long lead = step / p;
  return step % p == 0 && (lead == 1 || lead == 2 || lead == 5);
}

void Run::request_eval(bool full) {
  EvalJob job{trainer_.steps_done(), float(trainer_.epoch_progress()), float(train_time_), full,
              std::make_shared<Network>(trainer_.net())};
  {
    std::lock_guard<std::mutex> lk(eval_mu_);
    if (!full) {  // a periodic evaluation replaces one still waiting; epoch ends are all kept
      for (auto it = eval_jobs_.begin(); it != eval_jobs_.end();)
        it = it->full ? std::next(it) : eval_jobs_.erase(it);
    }
    eval_jobs_.push_back(std::move(job));
  }
  eval_cv_.notify_all();
}

void Run::eval_loop() {
  for (;;) {
    EvalJob job;
    uint64_t gen;
    {
      std::unique_lock<std::mutex> lk(eval_mu_);
      eval_cv_.wait(lk, [&] { return eval_quit_ || !eval_jobs_.empty(); });
      if (eval_quit_) return;
      job = std::move(eval_jobs_.front());
      eval_jobs_.pop_front();
      std::lock_guard<std::mutex> hl(hist_mu_);
      gen = generation_;
    }
    try {
      const int max = job.full ? -1 : opts_.eval_max_samples;
      const EvalStats v = evaluate(*job.net, data_->val, max, nullptr, &eval_cancel_);
      const EvalStats t = evaluate(*job.net, data_->test, max, nullptr, &eval_cancel_);
      if (eval_cancel_) return;  // stopped part-way: the figures are not the split's
      std::lock_guard<std::mutex> lk(hist_mu_);
      if (gen == generation_)  // not from before a reset
        evals_.push_back({job.step, job.epoch, job.time, float(v.loss), float(v.accuracy), float(t.loss),
                          float(t.accuracy)});
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lk(hist_mu_);
      pub_.message = std::string("Evaluation failed: ") + e.what();
    }
  }
}

}  // namespace nnviz
