#include "base/parallel.h"

#include <atomic>
#include <cstdlib>
#include <string>

namespace nnviz {

namespace {
std::atomic<int> g_threads{1};
}

bool threads_sleep_between_regions() {
  static const bool passive = [] {
    const char* p = std::getenv("OMP_WAIT_POLICY");
    return p && (std::string(p) == "passive" || std::string(p) == "PASSIVE");
  }();
  return passive;
}

void set_threads(int n) { g_threads = std::max(1, n); }
int threads() {
#ifdef _OPENMP
  if (omp_in_parallel()) return 1;
#endif
  return g_threads;
}

}  // namespace nnviz
