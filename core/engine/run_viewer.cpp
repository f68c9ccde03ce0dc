// The viewer side of a run: snapshots and news, copies of the network, saving the model and the
// whole run, reopening a saved run.
#include "engine/engine.h"

#include <algorithm>
#include <future>
#include <utility>

#include "io/model_io.h"
#include "io/run_file.h"

#include "engine/run_internal.h"

namespace nnviz {

using engine_detail::fmt;
using engine_detail::now;

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

RunRecord Run::record(const json::Value& info) { return record_async(info).get(); }

std::future<RunRecord> Run::record_async(const json::Value& info) {
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
  return fut;
}

void Run::save_run(const std::string& path, const json::Value& info) { nnviz::save_run(path, record(info)); }

void Run::restore(std::shared_ptr<const RunRecord> r) {
  enqueue([this, r] {
    trainer_.thaw_all();
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

}  // namespace nnviz
