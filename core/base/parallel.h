// Splitting a mini-batch over threads. Samples are independent in every layer's forward pass and
// in every input gradient, so a batch of n can be cut into contiguous column ranges, one per
// thread. The thread count is nnviz's own (set_threads: nnviz-cli --threads, nnviz-bench
// --threads), 1 unless set, so the app and the tests train on one thread; builds without OpenMP
// always use one. Eigen itself never starts threads (EIGEN_DONT_PARALLELIZE, core/CMakeLists.txt):
// its products run inside these ranges.
#pragma once

#include <algorithm>
#include <exception>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nnviz {

void set_threads(int n);  // n >= 1
// The count set, or 1 inside a parallel region (a shard of a batch already has its own thread,
// and nested regions would get no more).
int threads();

// Whether OpenMP's threads sleep between parallel regions (OMP_WAIT_POLICY=passive): each region
// then has to wake them, tens of microseconds on a virtual machine, against a few when they spin
// (the default, and active). Work too small to split under one policy pays under the other.
bool threads_sleep_between_regions();

// Threads for a batch of n samples of `work` values (or multiply-adds) each: at most threads()
// and n, and few enough that each gets `min_work` (starting a thread costs microseconds).
inline int batch_threads(long n, double work = 1e9, double min_work = 65536) {
#ifdef _OPENMP
  const long by_work = static_cast<long>(std::max(1.0, double(n) * work / min_work));
  return static_cast<int>(std::max(1L, std::min({long(threads()), n, by_work})));
#else
  (void)n, (void)work, (void)min_work;
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

// Calls a(t) for t = 0 .. nt-1 and then, once every one of those has returned, b(t) for every t:
// on nt threads when nt > 1 (thread t makes both calls for its t), with one barrier between.
// An exception from a(t) skips the second phase; the first exception (by t) is rethrown here. If the
// runtime gives fewer threads than asked, one thread makes all the calls in the same order.
template <class A, class B>
void for_each_thread_then(int nt, const A& a, const B& b) {
  std::vector<std::exception_ptr> err(size_t(std::max(1, nt)));
  auto guarded = [&](const auto& f, int t) {
    try {
      f(t);
    } catch (...) {
      err[size_t(t)] = std::current_exception();
    }
  };
  auto first = [&](int t) { guarded(a, t); };
  auto second = [&](int t) { guarded(b, t); };
  auto failed = [&] {
    for (const auto& e : err)
      if (e) return true;
    return false;
  };
  auto serial = [&] {
    for (int t = 0; t < nt; ++t) first(t);
    if (!failed())
      for (int t = 0; t < nt; ++t) second(t);
  };
#ifdef _OPENMP
  if (nt > 1) {
    bool whole_team = true;
#pragma omp parallel num_threads(nt)
    {
      if (omp_get_num_threads() != nt) {
#pragma omp single
        whole_team = false;  // the implicit barrier of single publishes it
      }
      if (whole_team) {
        const int t = omp_get_thread_num();
        first(t);
#pragma omp barrier
        if (!failed()) second(t);
      }
    }
    if (!whole_team) serial();
  } else {
    serial();
  }
#else
  serial();
#endif
  for (const auto& e : err)
    if (e) std::rethrow_exception(e);
}

// Calls f(begin, end) for the column ranges of a batch of n samples of `work` values each.
template <class F>
void for_batch_ranges(long n, double work, const F& f) {
  const int nt = batch_threads(n, work);
  for_each_thread(nt, [&](int t) { f(split_begin(n, t, nt), split_begin(n, t + 1, nt)); });
}

}  // namespace nnviz
