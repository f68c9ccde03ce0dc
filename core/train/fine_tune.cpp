#include "train/fine_tune.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/error.h"
#include "base/rng.h"
#include "train/trainer.h"

namespace nnviz {

Split own_split(const Dataset& data, const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& labels) {
  const long v = data.input_size(), n = long(labels.size());
  if (long(pixels.size()) != n * v)
    throw Error("[fine-tune] " + std::to_string(pixels.size()) + " bytes for " + std::to_string(n) + " images of " +
                std::to_string(v) + " values");
  Split s;
  s.count = int(n);
  s.y = labels;
  s.pixels = pixels;
  s.normalise(data.norm);
  return s;
}

namespace {

void check_options(const FineTuneOptions& o) {
  auto bad = [](const std::string& what) { throw Error("[fine-tune] " + what); };
  if (o.steps < 1 || o.steps > 100000) bad("the number of mini-batches " + std::to_string(o.steps) + " is not in 1..100000");
  if (o.batch < 2 || o.batch > 1024) bad("the batch size " + std::to_string(o.batch) + " is not in 2..1024");
  if (!(o.own_share > 0 && o.own_share <= 1)) bad("the share of your images " + std::to_string(o.own_share) + " is not in (0, 1]");
  if (!(o.opt.lr > 0 && o.opt.lr <= 1000)) bad("the learning rate " + std::to_string(o.opt.lr) + " is not in (0, 1000]");
  if (o.test_samples < 0) bad("a negative number of test images");
}

// Accuracy on a split, with each image's predicted class; -1 for an empty split.
double accuracy(Network& net, const Split& s, int max, std::vector<int>* pred) {
  if (s.count == 0 || max == 0) return -1;
  return evaluate(net, s, max, pred).accuracy;
}

}  // namespace

FineTuneReport fine_tune(Network& net, const Dataset& data, const Split& own_train, const Split& own_test,
                         const FineTuneOptions& o, std::atomic<int>* progress, const std::atomic<bool>* cancel) {
  check_options(o);
  const long values = net.input_shape().size();
  if (own_train.count < 1) throw Error("[fine-tune] no images of yours to train on");
  for (const Split* s : {&own_train, &own_test, &data.train})
    if (s->count > 0 && s->x.rows() != values)
      throw Error("[fine-tune] images of " + std::to_string(s->x.rows()) + " values; the network takes " +
                  std::to_string(values));

  FineTuneReport r;
  r.trained_on = own_train.count;
  r.held_out = own_test.count;
  r.labels.assign(own_test.y.begin(), own_test.y.end());
  r.held_before = accuracy(net, own_test, -1, &r.pred_before);
  r.test_before = accuracy(net, data.test, o.test_samples, nullptr);

  // Each mini-batch: k of the user's images (drawn with replacement, augmented afresh), the rest
  // from the training split; with no training split, the user's images only.
  const int k = data.train.count > 0 ? std::clamp(int(std::lround(o.batch * o.own_share)), 1, o.batch) : o.batch;
  const bool aug = o.augment.enabled && data.channels == 1 && data.rows > 1;
  const Scalar blank = data.norm.apply(uint8_t(0));
  Optimizer opt(o.opt);
  Rng rng(o.seed);
  std::vector<uint8_t> labels(size_t(o.batch));
  for (int step = 0; step < o.steps; ++step) {
    if (cancel && cancel->load()) {
      r.cancelled = true;
      break;
    }
    Mat& x = net.input(o.batch);
    for (int j = 0; j < o.batch; ++j) {
      const bool own = j < k;
      const Split& from = own ? own_train : data.train;
      const int idx = int(rng.below(uint64_t(from.count)));
      if (own && aug)
        augment_image(from.x.col(idx).data(), x.col(j).data(), data.rows, data.cols, blank, o.augment, rng);
      else
        x.col(j) = from.x.col(idx);
      labels[size_t(j)] = from.y[size_t(idx)];
    }
    net.forward(true);
    r.last_loss = net.loss(labels.data());
    net.backward(false);
    opt.step(net.param_list(), o.opt.lr);
    r.steps = step + 1;
    if (progress) progress->store(r.steps);
  }

  r.held_after = accuracy(net, own_test, -1, &r.pred_after);
  r.test_after = accuracy(net, data.test, o.test_samples, nullptr);
  return r;
}

}  // namespace nnviz
