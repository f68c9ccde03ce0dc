// The metric points a training run records: one per mini-batch, one per evaluation, one per
// change of a setting while it trains. The engine publishes them, run files keep them, the views
// draw them.
#pragma once

#include <string>

namespace nnviz {

struct StepPoint {
  long step;      // 1-based step count after this mini-batch
  float epoch;    // fractional epoch after it
  float loss;     // its mean loss
  float accuracy; // share of it classified correctly
  float lr;       // learning rate used
  float time;     // seconds spent training up to the end of this mini-batch
};

struct EvalPoint {
  long step;
  float epoch;
  float time;  // training seconds up to the evaluated step
  float val_loss, val_accuracy;
  float test_loss, test_accuracy;
};

struct ChangePoint {
  long step;  // the change applies from the step after this one
  float epoch;
  std::string text;  // "lr 0.1 -> 0.05"
};

}  // namespace nnviz
