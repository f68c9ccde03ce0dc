// Fine-tuning on a few images of the user's: the mechanics on a small synthetic data set (what the
// report holds, progress, cancelling, refusals). Learning a new hand is tested on real MNIST in
// test_fine_tune_mnist.cpp.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <string>

#include "base/error.h"
#include "synthetic.h"
#include "train/fine_tune.h"

#include "test_util.h"

using namespace nnviz;
using nnviz::test::error_of;

namespace {

// The images of a split as bytes and labels, from sample `from` on.
void take(const Split& s, int from, int n, std::vector<uint8_t>& px, std::vector<uint8_t>& y, long values) {
  px.assign(s.pixels.begin() + from * values, s.pixels.begin() + (from + n) * values);
  y.assign(s.y.begin() + from, s.y.begin() + from + n);
}

}  // namespace

TEST_CASE("fine-tuning reports before and after on the held-out images and the test split, counts and can be cancelled") {
  const Dataset data = test::quadrants(400, 200);
  const TrainConfig cfg = test::quadrant_config();
  Network net(cfg.net);
  net.initialise(cfg.init, 3);
  std::vector<uint8_t> px, y;
  take(data.test, 0, 20, px, y, data.input_size());
  const Split own_train = own_split(data, px, y);
  take(data.test, 20, 30, px, y, data.input_size());
  const Split own_test = own_split(data, px, y);
  CHECK(own_test.count == 30);
  CHECK(own_test.x(0, 0) == doctest::Approx(data.test.x(0, 20)));  // normalised as the data

  FineTuneOptions o;
  o.steps = 150;
  o.batch = 16;
  o.opt = cfg.opt;
  o.test_samples = 100;
  std::atomic<int> progress{0};
  const FineTuneReport r = fine_tune(net, data, own_train, own_test, o, &progress);
  CHECK(r.steps == 150);
  CHECK(progress.load() == 150);
  CHECK(!r.cancelled);
  CHECK(r.held_out == 30);
  CHECK(r.trained_on == 20);
  CHECK(r.labels == std::vector<int>(own_test.y.begin(), own_test.y.end()));
  CHECK(r.pred_before.size() == 30);
  CHECK(r.pred_after.size() == 30);
  // From random weights, 150 mini-batches learn the quadrants: the held-out images and the test
  // split both go from chance (a quarter) to most.
  MESSAGE("held out " << r.held_before << " -> " << r.held_after << ", test " << r.test_before << " -> " << r.test_after);
  CHECK(r.held_after >= 0.8);
  CHECK(r.test_after >= 0.8);
  CHECK(r.held_after > r.held_before);

  // No held-out images: no figure for them; a cancel stops before the next mini-batch.
  std::atomic<bool> cancel{true};
  const FineTuneReport c = fine_tune(net, data, own_train, Split{}, o, nullptr, &cancel);
  CHECK(c.cancelled);
  CHECK(c.steps == 0);
  CHECK(c.held_before == -1);
  CHECK(c.held_after == -1);
}

TEST_CASE("fine-tuning refuses options out of range, no images, and images of another size") {
  const Dataset data = test::quadrants(100, 50);
  Network net(test::quadrant_config().net);
  net.initialise(InitKind::XavierUniform, 3);
  std::vector<uint8_t> px, y;
  take(data.test, 0, 5, px, y, data.input_size());
  const Split own = own_split(data, px, y);
  auto with = [&](const std::function<void(FineTuneOptions&)>& f) {
    FineTuneOptions o;
    f(o);
    return error_of([&] { fine_tune(net, data, own, Split{}, o); });
  };
  CHECK(with([](FineTuneOptions& o) { o.steps = 0; }).find("mini-batches 0") != std::string::npos);
  CHECK(with([](FineTuneOptions& o) { o.batch = 1; }).find("batch size 1") != std::string::npos);
  CHECK(with([](FineTuneOptions& o) { o.own_share = 0; }).find("share of your images") != std::string::npos);
  CHECK(with([](FineTuneOptions& o) { o.opt.lr = -1; }).find("learning rate") != std::string::npos);
  CHECK(error_of([&] { fine_tune(net, data, Split{}, Split{}, FineTuneOptions{}); }).find("no images of yours") !=
        std::string::npos);
  const Dataset big = test::quadrants(100, 50, 6);
  take(big.test, 0, 5, px, y, big.input_size());
  CHECK(error_of([&] { fine_tune(net, data, own_split(big, px, y), Split{}, FineTuneOptions{}); })
            .find("images of 36 values; the network takes 16") != std::string::npos);
  CHECK(error_of([&] { own_split(data, std::vector<uint8_t>(7), std::vector<uint8_t>(1)); }).find("7 bytes") !=
        std::string::npos);
}
