// The optimizer update of one weight, written out with the numbers of a recorded step: what the
// step-through's last stage shows. It recomputes the new value from the recorded old value,
// gradient and optimizer state with the active optimizer's formula, and keeps the value the real
// step wrote beside it, so the two can be compared (and are, in the tests).
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"

namespace nnviz {

struct UpdateExplanation {
  double before = 0;    // w before the step
  double grad = 0;      // dL/dw of the mini-batch
  double computed = 0;  // w after, recomputed here
  double actual = 0;    // w after, as the step wrote it
  std::vector<std::string> lines;  // "v' = mu v + g = 0.9 * 0.0012 + 0.0031 = 0.0042", ...
  bool matches() const;
};

// `param` indexes t.param_names, `index` the tensor's values in storage order.
UpdateExplanation explain_update(const StepTrace& t, size_t param, size_t index);

}  // namespace nnviz
