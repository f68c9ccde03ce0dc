// Looking inside a network while it trains: per-layer statistics of one mini-batch, and a bounded
// history that keeps a long run's points evenly spread.
//
//   per parameter tensor   L2 norm of the values and of the gradient, the size of the update
//                          relative to the values (||W_after - W_before|| / ||W_before||), and a
//                          histogram of the values and of the gradient (kHistogramBins bins over
//                          [min, max], the range recorded with the counts)
//   per ReLU layer         the share of its units that output 0 for every sample of the mini-batch
//                          ("dead" on that batch). A unit is one output value of a dense layer,
//                          one channel (feature map) of a convolutional one.
//
// LayerStatsRecorder measures a training step in two halves: before the optimizer's update (the
// gradients and the batch's activations are in the network) and after it (the update). The
// engine records one point every few mini-batches into a ThinnedHistory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/network.h"

namespace nnviz {

constexpr int kHistogramBins = 32;

struct Histogram {
  float lo = 0, hi = 0;           // the bins split [lo, hi] evenly; the last bin includes hi
  std::vector<uint32_t> counts;   // one per bin
  uint32_t nonfinite = 0;         // NaN and Inf values, not in any bin

  // Bins over [min, max] of the finite values (a single value v gets [v - 0.5, v + 0.5]).
  static Histogram of(const Scalar* v, size_t n, int bins = kHistogramBins);
  int bins() const { return int(counts.size()); }
  double width() const { return counts.empty() ? 0 : (double(hi) - lo) / counts.size(); }
  uint64_t total() const;
};

// Euclidean (Frobenius) norm, accumulated in double.
double l2_norm(const Mat& m);
// ||a - b||, same shapes.
double l2_distance(const Mat& a, const Mat& b);
// Share of units of `act` (one sample per column, per-sample shape `shape`) that are exactly 0 for
// every sample. Image-shaped values (h*w > 1) count a channel as the unit: it is dead when every
// position of every sample is 0. 0 for an empty matrix.
double dead_share(const Mat& act, Shape shape);

struct ParamStats {
  float norm = 0;          // ||W||
  float grad_norm = 0;     // ||dL/dW|| of the mini-batch
  float update_ratio = 0;  // ||W_after - W_before|| / ||W_before|| (0 when ||W_before|| is 0)
  Histogram values, grads;
};

struct LayerStatsPoint {
  long step = 0;        // the step after which it was measured (its mini-batch is that step's)
  float epoch = 0;
  std::vector<ParamStats> params;  // Network::params() order
  std::vector<float> dead;         // one per ReLU layer, LayerStatsLayout::relu_layers order
};

// What the entries of a point refer to (fixed for a network's architecture).
struct LayerStatsLayout {
  std::vector<std::string> params;   // "layers.<i>.weight", ...
  std::vector<int> relu_layers;      // layer indices of the ReLU layers
  std::vector<Shape> relu_shapes;    // their output shapes
  static LayerStatsLayout of(const Network& net);
};

class LayerStatsRecorder {
 public:
  // After the backward pass, before the optimizer step: norms, histograms and dead shares; keeps a
  // copy of the values for the update ratio.
  void before_update(Network& net);
  // After the optimizer step: the update ratios; returns the finished point.
  std::shared_ptr<LayerStatsPoint> after_update(Network& net, long step, float epoch);

 private:
  std::shared_ptr<LayerStatsPoint> point_;
  std::vector<Mat> before_;
};

// A history bounded in length: items are added at steps that are multiples of the interval; when
// it holds `cap` items it keeps the first one and those at multiples of twice the interval (about
// every second one), and the interval doubles. A long run's history so stays evenly spread over
// the whole run with at most `cap` items. `thinned()` counts the thinnings, so that a viewer
// holding part of the list knows to take it again.
//
// Independently, slow_down() and speed_up() double and halve how often items are taken (when
// taking one costs too much for the pace of training, or no longer does); never more often than
// the length bound allows.
template <class T>
class ThinnedHistory {
 public:
  ThinnedHistory(size_t cap, long interval) : cap_(std::max<size_t>(cap, 4)), start_(std::max(1L, interval)) {
    interval_ = start_;
  }
  void clear() {
    items_.clear();
    steps_.clear();
    interval_ = start_;
    mult_ = 1;
    ++thinned_;
  }
  void set_cap(size_t cap) { cap_ = std::max<size_t>(cap, 4); }
  bool due(long step) const { return step % interval() == 0; }
  // A coarser interval from now on, or a finer one again; the items already held stay.
  void slow_down() {
    if (interval() < (1L << 40)) mult_ *= 2;
  }
  void speed_up() {
    if (mult_ > 1) mult_ /= 2;
  }
  void add(long step, std::shared_ptr<const T> item) {
    items_.push_back(std::move(item));
    steps_.push_back(step);
    if (items_.size() < cap_) return;
    const long taken = interval();
    while (items_.size() >= cap_ && interval_ < (1L << 40)) {
      interval_ *= 2;
      size_t k = 1;
      for (size_t i = 1; i < items_.size(); ++i)
        if (steps_[i] % interval_ == 0 || i + 1 == items_.size()) {
          items_[k] = std::move(items_[i]);
          steps_[k++] = steps_[i];
        }
      items_.resize(k);
      steps_.resize(k);
    }
    ++thinned_;
    mult_ = std::max(1L, taken / interval_);  // as sparse as before, not sparser
  }
  const std::vector<std::shared_ptr<const T>>& items() const { return items_; }
  const std::vector<long>& steps() const { return steps_; }
  size_t size() const { return items_.size(); }
  size_t cap() const { return cap_; }
  long interval() const { return interval_ * mult_; }  // steps between items now
  uint64_t thinned() const { return thinned_; }

 private:
  size_t cap_;
  long start_, interval_;
  long mult_ = 1;  // slow_down's factor on top of the length bound's interval
  uint64_t thinned_ = 0;
  std::vector<std::shared_ptr<const T>> items_;
  std::vector<long> steps_;
};

}  // namespace nnviz
