// The training engine: a Run owns a Trainer and trains it on its own thread, driven by commands,
// while viewers (the GUI, tests, the CLI) take snapshots of what happened.
//
//   commands   play, pause, step one mini-batch, step one epoch, run until epoch N, reset,
//              live hyperparameter changes, speed, probe input. They are queued and take effect
//              between mini-batches, so pause and stop land within one mini-batch.
//   snapshots  every metric point since the viewer's last snapshot (none is lost: they are read
//              from the run's full history), the latest weights, the probe input's activations
//              and gradients, and the trace of the last single step. Taking one holds a mutex
//              for as long as it takes to copy the new points; it never waits for a mini-batch.
//   evaluation validation and test loss/accuracy run on a copy of the network on a helper
//              thread, so they never stall the controls.
//   failures   a loss or weight that is NaN or Inf pauses the run with a message naming the step
//              and the likely cause; an exception on the training thread becomes an error state
//              with its message. Reset recovers from both.
//
// Several Runs can train at once; created with the same seed and architecture they start from
// identical weights and see identical mini-batch orders.
//
// Its code, one job a file: run.cpp (construction and the commands), run_training.cpp (the
// training thread: a mini-batch with its timing, traces, recordings and checks, and publishing
// the status), run_viewer.cpp (snapshots, news, saving and reopening), run_eval.cpp (the
// evaluation thread); the probe pass is probe.h.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/layer_stats.h"
#include "engine/probe.h"
#include "train/metrics.h"
#include "train/trainer.h"

namespace nnviz {

enum class RunState { Paused, Running, Finished, Diverged, Failed };
const char* to_string(RunState s);

// The parameters at one moment, in Network::params() order.
struct WeightsView {
  long step = 0;
  std::vector<std::string> names;
  std::vector<std::vector<int>> shapes;
  std::vector<Mat> values;
  std::vector<Mat> buffers;  // the layers' buffers in order (batch norm's running statistics)
};

// Everything one mini-batch did, for the step-through. Recorded for single steps only.
struct StepTrace {
  long step = 0;
  double loss = 0, lr = 0;
  OptConfig opt;
  std::vector<int> indices;          // training-split indices of the batch
  std::vector<uint8_t> labels;
  std::vector<Mat> acts, grads;      // as in ProbeView, for the whole batch
  long opt_t = 0;                    // the optimizer's step count after this update (Adam's t)
  std::vector<std::string> param_names;
  std::vector<bool> param_decay;     // weight decay applies
  std::vector<Mat> param_before, param_grad, param_after;
  // Optimizer state per parameter before and after the update, e.g. {"velocity", v}.
  std::vector<std::vector<std::pair<std::string, Mat>>> state_before, state_after;
};

// What a viewer keeps between snapshots so that it sees every point exactly once.
struct SnapshotCursor {
  uint64_t generation = 0;  // bumped by reset: the history starts again
  uint64_t compactions = 0; // bumped when old step points are merged (see RunOptions::history_cap)
  size_t steps = 0, evals = 0, changes = 0;
  // Layer statistics and timeline snapshots taken, and the thinnings of those histories seen.
  size_t stats = 0, timeline = 0;
  uint64_t stats_thinned = 0, timeline_thinned = 0;
};

// Halves a step history in place by merging neighbouring points pairwise: the merged point keeps
// the later step, epoch and time and the mean loss, accuracy and learning rate, weighted by the
// mini-batches each point stands for (the gap to the previous point's step). An odd last point
// stays as it is.
void compact_steps(std::vector<StepPoint>& steps);

// Whether RunOptions::eval_early evaluates after `step`: 50 and on, at 1, 2 and 5 times a power of ten.
bool early_eval_step(long step);

// Where a run stands now: what a viewer shows in its status bar and reads its weights from. The
// run publishes one of these (under its history's mutex) and every snapshot carries a copy.
struct RunStatus {
  RunState state = RunState::Paused;
  std::string message;     // why it paused, diverged or failed
  long step = 0;
  double epoch = 0;        // fractional
  int target_epochs = 0;   // where Play stops
  double samples_per_s = 0;
  double ms_forward = 0, ms_backward = 0, ms_update = 0;  // per mini-batch, recent average
  double elapsed_s = 0;    // time spent training
  TrainConfig config;      // current settings
  std::shared_ptr<const WeightsView> weights;
  std::shared_ptr<const ProbeView> probe;
  std::shared_ptr<const StepTrace> trace;
  std::vector<std::pair<int, int>> frozen;  // units held still (Run::freeze_unit): (layer, unit)
};

// What a viewer takes at once (Run::snapshot): what is new since its cursor, and the status.
struct RunSnapshot : RunStatus {
  bool restarted = false;  // a reset happened since the cursor's last snapshot: drop old points
  bool rebased = false;    // the history was compacted: `steps` holds all of it, replace the old
  // New since the cursor.
  std::vector<StepPoint> steps;
  std::vector<EvalPoint> evals;
  std::vector<ChangePoint> changes;
  // Layer statistics (layer_stats.h) and the timeline's weight snapshots, oldest first: new since
  // the cursor, or, when *_replaced, the whole (thinned) history to use instead of the old one.
  std::vector<std::shared_ptr<const LayerStatsPoint>> stats;
  std::vector<std::shared_ptr<const WeightsView>> timeline;
  bool stats_replaced = false, timeline_replaced = false;
  long stats_interval = 0, timeline_interval = 0;  // steps between their points now
};

struct RunOptions {
  bool eval_at_epoch_end = true; // validation and test at the end of every epoch
  int eval_every_steps = 0;      // also evaluate every N steps (0: never)
  // In the first epoch, also evaluate (in full) at steps 50, 100, 200, 500, 1000, 2000, 5000, ...:
  // the validation curve starts within seconds instead of at the first epoch's end.
  bool eval_early = false;
  int eval_max_samples = -1;     // limit for the periodic (not epoch-end) evaluations
  double publish_hz = 20;        // how often weights and probe are refreshed while playing
  // The step history keeps one point per mini-batch until it holds this many; then neighbouring
  // points are merged pairwise (compact_steps), so old stretches of a long run get coarser and
  // memory stays bounded (32 bytes a point: 16 MB at the default).
  size_t history_cap = size_t(1) << 19;
  // Layer statistics and the timeline (weight snapshots): every `*_every` steps at first; each
  // history thins itself (halving its density) when full, and records less often when recording
  // would cost more than 2% of the training time. The timeline holds at most 128 snapshots and
  // about timeline_bytes of weights.
  bool layer_stats = true;
  int layer_stats_every = 10;
  size_t layer_stats_cap = 512;
  bool timeline = true;
  int timeline_every = 10;
  size_t timeline_bytes = size_t(64) << 20;
  double record_budget = 0.02;  // the share of training time each may take; 0: no limit (tests)
  // Niceness of the run's threads (Linux; 0 leaves them as they are). A desktop app sets a few
  // points so that its frames are drawn first and training takes the rest of the machine.
  int nice = 0;
};

class Run {
 public:
  Run(const TrainConfig& cfg, std::shared_ptr<const Dataset> data, RunOptions opts = {});
  ~Run();  // stops and joins the threads, also mid-epoch
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // --- commands: thread-safe, return at once, applied between mini-batches in order
  void play();                  // train until the configured number of epochs, then pause
  void pause();
  void step_batch(int n = 1);   // exactly n mini-batches, then pause
  void step_epoch();            // to the end of the current epoch
  void run_until_epoch(int e);
  void run_steps(long n);       // n more mini-batches at full pace (no traces), then pause
  void reset();                 // new initial weights from the same seed, step 0
  void reset(uint64_t seed);
  // Learning rate, momentum, weight decay, kind: applied from the next step. `mark` false (a
  // slider still held) applies it without a change marker; the next marked call gets one marker
  // for the whole edit, from the settings before its first unmarked call, at that call's step.
  void set_optimizer(const OptConfig& o, bool mark = true);
  void set_batch(int b);
  void set_schedule(const Schedule& s);
  void set_epochs(int e);
  void set_speed(double batches_per_second);  // 0: full speed
  void set_probe(const Mat& x, int label);    // one column
  // Holds unit `unit` of layer `layer` (a dense unit or a conv filter) still while the rest trains,
  // or lets it train again (nn/frozen.h); sets one weight, value (row, col) of parameter `param` in
  // Network::params() order. Both leave a marker on the curves and publish the weights at once,
  // also while paused. A layer, unit or value out of range is refused with the run's message.
  void freeze_unit(int layer, int unit, bool frozen);
  void set_weight(int param, long row, long col, double value);
  // Replaces the weights with those of a network of the same architecture (an opened model, a
  // fine-tuned copy); a non-empty `marker` is left on the curves at the current step.
  void load_weights(const Network& net, const std::string& marker = "");
  // Runs `f` on the training thread between mini-batches (tests, tools).
  void post(std::function<void(Trainer&)> f);

  // Puts back a saved run: weights, optimizer state, place in the data, and its history (viewers
  // see a restart with the saved points). The record must come from a run of this architecture.
  void restore(std::shared_ptr<const struct RunRecord> record);

  // --- viewer side
  RunSnapshot snapshot(SnapshotCursor& cursor);
  // Whether snapshot(cursor) would bring anything new: metric points, statistics or timeline
  // snapshots since the cursor, a restart, or a state, message or weights other than `seen`'s.
  // Looks without copying or moving the cursor (a viewer deciding whether to draw a frame).
  bool has_news(const SnapshotCursor& cursor, const RunStatus& seen) const;
  // A copy of the network as it is between two mini-batches; waits for at most one.
  Network copy_network();
  // Saves the model without stopping training (atomic write); throws Error on failure.
  void save_model(const std::string& path, const json::Value& info = json::Value::object());
  // Everything needed to reopen this run and continue it, taken on the training thread between two
  // mini-batches. record_async returns at once; its future is ready after at most one mini-batch,
  // or holds std::future_error (a broken promise) if the run ends first. record() waits for it.
  std::future<struct RunRecord> record_async(const json::Value& info = json::Value::object());
  struct RunRecord record(const json::Value& info = json::Value::object());
  // record() written to a run file (run_file.h), without stopping training.
  void save_run(const std::string& path, const json::Value& info = json::Value::object());
  const Dataset& data() const { return *data_; }
  // True when no command is pending and the run is not training (tests poll this).
  bool idle() const;

 private:
  void loop();
  void eval_loop();
  void enqueue(std::function<void()> f);
  void train_one();
  void publish(bool force);
  void record_change(const std::string& text);
  void record_change(const std::string& text, long step, float epoch);
  void fail(RunState s, const std::string& msg);
  void request_eval(bool full);
  void do_reset(uint64_t seed);
  bool wants_to_train() const;
  void publish_status();
  void record_timeline();  // a snapshot of the weights now (training thread)
  void clear_inside();     // empties the statistics and the timeline (under hist_mu_)

  std::shared_ptr<const Dataset> data_;
  RunOptions opts_;
  Trainer trainer_;  // touched only by the training thread after construction
  // The network's input values and outputs, for checking a probe on the caller's thread (the
  // architecture never changes after construction).
  const int probe_values_, probe_outputs_;

  // Commands.
  mutable std::mutex cmd_mu_;
  std::condition_variable cmd_cv_;
  std::deque<std::function<void()>> cmds_;
  bool quit_ = false;

  // Training-thread state.
  RunState state_ = RunState::Paused;
  long pending_steps_ = 0;
  int target_epoch_ = 0;      // stop at this many completed epochs while running
  long target_step_ = -1;     // or at this step (run_steps), when >= 0
  double speed_ = 0;
  Mat probe_x_;
  int probe_label_ = -1;
  std::unique_ptr<Network> probe_net_;
  double last_publish_ = 0;
  double ema_fwd_ = 0, ema_bwd_ = 0, ema_upd_ = 0;
  double train_time_ = 0;
  std::atomic<bool> busy_{false};

  // Shared with viewers, under hist_mu_.
  mutable std::mutex hist_mu_;
  std::vector<StepPoint> steps_;
  std::vector<EvalPoint> evals_;
  std::vector<ChangePoint> changes_;
  std::optional<ChangePoint> edit_start_;  // an unmarked optimizer edit in progress (text unused)
  OptConfig edit_from_;
  RunStatus pub_;  // the status snapshots copy
  uint64_t generation_ = 1;
  uint64_t compactions_ = 0;
  ThinnedHistory<LayerStatsPoint> stats_{512, 10};
  ThinnedHistory<WeightsView> timeline_{128, 10};
  LayerStatsRecorder stats_rec_;  // training thread
  double wall_step_ = 0, last_step_start_ = 0;  // seconds from one mini-batch to the next (training thread)
  double stats_cost_ = 0, timeline_cost_ = 0;  // seconds per recording, smoothed (training thread)
  // Throughput window (training thread).
  double win_samples_ = 0, win_time_ = 0;
  double next_step_time_ = 0;

  // Evaluation helper thread.
  struct EvalJob {
    long step;
    float epoch;
    float time;
    bool full;
    std::shared_ptr<Network> net;
  };
  std::mutex eval_mu_;
  std::condition_variable eval_cv_;
  std::deque<EvalJob> eval_jobs_;
  bool eval_quit_ = false;
  std::atomic<bool> eval_cancel_{false};  // set on destruction: an evaluation in progress stops after its chunk

  std::thread thread_, eval_thread_;
};

}  // namespace nnviz
