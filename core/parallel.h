// Splitting a mini-batch over threads. Samples are independent in every layer's forward pass and
// in every input gradient, so a batch of n can be cut into contiguous column ranges, one per
// thread. The thread count is Eigen's (Eigen::setNbThreads: nnviz-cli --threads, 1 in the app),
// so one setting governs the matrix products and these loops; builds without OpenMP use one.
#pragma once

#include <Eigen/Core>
#include <algorithm>

namespace nnviz {

// Threads for a batch of n samples: min(Eigen::nbThreads(), n), at least 1.
inline int batch_threads(long n) {
#ifdef _OPENMP
  return static_cast<int>(std::max(1L, std::min<long>(Eigen::nbThreads(), n)));
#else
  (void)n;
  return 1;
#endif
}

// The samples [begin, end) of thread t of nt over a batch of n.
inline long split_begin(long n, int t, int nt) { return n * t / nt; }

// Calls f(t) for t = 0 .. nt-1, on nt threads when nt > 1 (each call on its own thread).
template <class F>
void for_each_thread(int nt, const F& f) {
  if (nt <= 1) {
    f(0);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int t = 0; t < nt; ++t) f(t);
#else
  for (int t = 0; t < nt; ++t) f(t);
#endif
}

// Calls f(begin, end) for the column ranges of a batch of n, split over batch_threads(n).
template <class F>
void for_batch_ranges(long n, const F& f) {
  const int nt = batch_threads(n);
  for_each_thread(nt, [&](int t) { f(split_begin(n, t, nt), split_begin(n, t + 1, nt)); });
}

}  // namespace nnviz
