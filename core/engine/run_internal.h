// What the run's files share (run.cpp, run_viewer.cpp, run_training.cpp, run_eval.cpp): the
// clock and the number format of the change markers and messages. Internal to core/engine.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace nnviz::engine_detail {

// Seconds on the steady clock.
inline double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// A number as the change markers and messages write it: "0.05".
inline std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace nnviz::engine_detail
