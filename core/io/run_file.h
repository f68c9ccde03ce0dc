// A whole run in one file, to reopen it with its curves and continue training exactly where it
// stopped: the model (weights, architecture, normalisation, settings), the optimizer's state, the
// place in the data, and every metric point. It is a model file with more in it, so everything that
// reads models (eval, predict, the canvas, other tools) reads run files too.
//
// Extra tensors: "optimizer.<parameter>.<state>" (e.g. optimizer.layers.0.weight.velocity),
// "history.steps" [N, 6] (step, epoch, loss, accuracy, lr, time) and "history.evals" [M, 7]
// (step, epoch, time, val loss, val accuracy, test loss, test accuracy). Extra metadata: "run",
// JSON {"step", "epoch", "cursor", "optimizer_steps", "changes": [{"step", "epoch", "text"}]}.
//
// Reading checks every number before it is converted or used, and refuses the file (an Error
// naming it and the value) when one is out of range:
//   - step and optimizer_steps: whole numbers in [0, kMaxRunSteps]; epoch: whole, [0, kMaxRunEpochs];
//     cursor: whole, [0, kMaxRunCursor] (the reader does not know the data: Trainer::restore_position
//     checks it against the training split); a change's step as the step, its epoch finite in
//     [0, kMaxRunEpochs].
//   - the history (point_problem): every step number a whole number in [0, kMaxRunSteps]; every
//     epoch, time and learning rate finite and not negative; every accuracy in [0, 1]. A loss may be
//     NaN or +infinity: a run that diverges records the loss that stopped it, and its curves are
//     worth keeping; it must not be negative. Points are refused rather than dropped: a NaN step or
//     time means the file was damaged, and the rest of it is not to be trusted either.
//   - the optimizer's state: finite; the second moments (Adam's v, AdaGrad's and RMSprop's s) not
//     negative.
//   - the model part and the settings as load_model does (model_io.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/model_io.h"
#include "train/metrics.h"

namespace nnviz {

struct RunRecord {
  ModelFile meta;                       // settings, normalisation, info
  std::shared_ptr<Network> net;         // weights and buffers
  std::vector<std::vector<Mat>> opt_state;  // per parameter, in Optimizer::state_names order
  long opt_t = 0;
  long step = 0;
  int epoch = 0;
  size_t cursor = 0;
  std::vector<StepPoint> steps;
  std::vector<EvalPoint> evals;
  std::vector<ChangePoint> changes;
};

constexpr long kMaxRunSteps = 1000000000000L;  // 1e12 mini-batches: 100000 epochs of 60000 is 6e9
constexpr int kMaxRunEpochs = 10000000;
constexpr size_t kMaxRunCursor = 2147483647;  // a training split holds at most an int's worth

void save_run(const std::string& path, const RunRecord& r);  // atomic; Error on failure
RunRecord load_run(const std::string& path);                 // Error naming the file and problem
// The same from the file's bytes; `name` stands for the file in errors.
RunRecord load_run_bytes(const std::vector<uint8_t>& bytes, const std::string& name);
bool is_run_file(const std::string& path);                   // has a "run" entry (else a plain model)

// The first value of one metric point outside the ranges above, as "the epoch nan is not finite
// and >= 0", or "". load_run and load_comparison (compare.h) prefix it with where the point is.
std::string point_problem(const StepPoint& p);
std::string point_problem(const EvalPoint& p);

}  // namespace nnviz
