// A whole run in one file, to reopen it with its curves and continue training exactly where it
// stopped: the model (weights, architecture, normalisation, settings), the optimizer's state, the
// place in the data, and every metric point. It is a model file with more in it, so everything that
// reads models (eval, predict, the canvas, other tools) reads run files too.
//
// Extra tensors: "optimizer.<parameter>.<state>" (e.g. optimizer.layers.0.weight.velocity),
// "history.steps" [N, 6] (step, epoch, loss, accuracy, lr, time) and "history.evals" [M, 7]
// (step, epoch, time, val loss, val accuracy, test loss, test accuracy). Extra metadata: "run",
// JSON {"step", "epoch", "cursor", "optimizer_steps", "changes": [{"step", "epoch", "text"}]}.
#pragma once

#include <memory>
#include <string>

#include "engine.h"
#include "model_io.h"

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

void save_run(const std::string& path, const RunRecord& r);  // atomic; Error on failure
RunRecord load_run(const std::string& path);                 // Error naming the file and problem
bool is_run_file(const std::string& path);                   // has a "run" entry (else a plain model)

}  // namespace nnviz
