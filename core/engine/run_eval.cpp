// The evaluation thread: validation and test loss and accuracy on a copy of the network, so that
// evaluating never stalls the controls.
#include "engine/engine.h"

#include <algorithm>
#include <utility>

#include "engine/run_internal.h"

namespace nnviz {

using engine_detail::fmt;
using engine_detail::now;

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
