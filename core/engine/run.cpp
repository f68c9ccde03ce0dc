// The run: construction, the threads' start and end, and the commands viewers send (queued,
// applied between mini-batches on the training thread).
#include "engine/engine.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "engine/run_internal.h"

namespace nnviz {

using engine_detail::fmt;
using engine_detail::now;

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

void Run::freeze_unit(int layer, int unit, bool frozen) {
  enqueue([this, layer, unit, frozen] {
    try {
      if (trainer_.frozen().contains(layer, unit) == frozen) return;
      trainer_.freeze_unit(layer, unit, frozen);
      record_change("unit " + std::to_string(unit) + " of layer " + std::to_string(layer) + (frozen ? " frozen" : " thawed"));
      publish(true);
    } catch (const Error& e) {
      std::lock_guard<std::mutex> lk(hist_mu_);
      pub_.message = e.what();
    }
  });
}

void Run::set_weight(int param, long row, long col, double value) {
  enqueue([this, param, row, col, value] {
    try {
      trainer_.set_weight(param, row, col, Scalar(value));
      char text[160];
      std::snprintf(text, sizeof text, "%s (%ld, %ld) set to %.4g", trainer_.net().params()[size_t(param)].name.c_str(), row,
                    col, value);
      record_change(text);
      publish(true);
    } catch (const Error& e) {
      std::lock_guard<std::mutex> lk(hist_mu_);
      pub_.message = e.what();
    }
  });
}

void Run::load_weights(const Network& net, const std::string& marker) {
  auto copy = std::make_shared<Network>(net);
  enqueue([this, copy, marker] {
    trainer_.thaw_all();
    trainer_.net().copy_values_from(*copy);
    if (!marker.empty()) record_change(marker);
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

}  // namespace nnviz
