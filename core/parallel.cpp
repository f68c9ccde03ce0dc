#include "parallel.h"

#include <atomic>

namespace nnviz {

namespace {
std::atomic<int> g_threads{1};
}

void set_threads(int n) { g_threads = std::max(1, n); }
int threads() { return g_threads; }

}  // namespace nnviz
