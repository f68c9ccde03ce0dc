// The one exception type of nnviz. Its message names the component in brackets and, for a file,
// the file and the problem: "[model] run.safetensors: the tensor layers.0.weight is missing".
#pragma once

#include <stdexcept>

namespace nnviz {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace nnviz
