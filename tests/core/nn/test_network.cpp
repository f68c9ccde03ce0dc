// Hand-computed forward passes, shape validation, and the trainer's determinism.
#include <doctest/doctest.h>

#include <set>

#include "base/parallel.h"
#include "kernels/dense_kernels.h"
#include "nn/activations.h"
#include "nn/dense.h"
#include "nn/layer_types.h"
#include "nn/loss.h"
#include "nn/network.h"
#include "synthetic.h"
#include "train/presets.h"
#include "train/trainer.h"

using namespace nnviz::test;

using namespace nnviz;

TEST_CASE("dense forward by hand") {
  Dense d(Shape{3, 1, 1}, 2, true);
  d.W << 1, 0,   // unit 0: weights (1, 2, 3); unit 1: weights (0, -1, 0.5)
      2, -1,     //
      3, 0.5;
  d.b << 0.5, -1;
  Mat x(3, 1), y;
  x << 1, 1, 2;
  d.forward(x, y, false);
  CHECK(y(0) == doctest::Approx(9.5));  // 1 + 2 + 6 + 0.5
  CHECK(y(1) == doctest::Approx(-1));   // 0 - 1 + 1 - 1
}

TEST_CASE("dense outputs and gradients equal the matrix products in double precision, for every block shape and split") {
  // Both passes run through kernels of register blocks (dense.cpp, kernels/dense_kernels.h). The
  // gradients and the packed forward product: 4 vectors of rows at a time, then a block of the 1-3
  // whole vectors left, then the vector ending at the last row (or single rows when there are
  // fewer than a vector's lanes); 6 columns at a time with AVX-512, then one block of the rest.
  // The dot forward product: 2 units x 8 samples, then single ones, with the inputs past the last
  // whole vector one by one. Sizes here leave every kind of remainder, take each forward kernel,
  // and the large ones split over two threads.
  struct Size { int in, units, batch, threads; };
  std::set<DenseKernel> kernels_seen;
  for (Size s : {Size{100, 13, 7, 1}, Size{3, 2, 1, 1}, Size{64, 6, 6, 1}, Size{1000, 301, 11, 2}, Size{1000, 20, 9, 1},
                 Size{100, 37, 130, 1}, Size{50, 48, 64, 1}, Size{784, 100, 128, 2}, Size{30, 10, 200, 1},
                 Size{17, 33, 70, 1}}) {
    INFO("in " << s.in << " units " << s.units << " batch " << s.batch << " threads " << s.threads);
    kernels_seen.insert(Dense::forward_kernel(s.in, s.units, (s.batch + s.threads - 1) / s.threads));
    const int old = threads();
    set_threads(s.threads);
    Dense d(Shape{s.in, 1, 1}, s.units, true);
    Rng rng(3);
    auto fill = [&](Mat& m) {
      for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = Scalar(rng.normal());
    };
    fill(d.W);
    fill(d.b);
    Mat x(s.in, s.batch), dout(s.units, s.batch), y, dx;
    fill(x);
    fill(dout);
    d.forward(x, y, true);
    d.backward(x, y, dout, &dx);
    set_threads(old);
    const Eigen::MatrixXd ref = (d.W.cast<double>().transpose() * x.cast<double>()).colwise() + d.b.cast<double>().col(0);
    CHECK((y.cast<double>() - ref).cwiseAbs().maxCoeff() < 1e-4 * std::max(1.0, ref.cwiseAbs().maxCoeff()));
    const Eigen::MatrixXd dW = x.cast<double>() * dout.cast<double>().transpose();
    const Eigen::MatrixXd din = d.W.cast<double>() * dout.cast<double>();
    CHECK((d.dW.cast<double>() - dW).cwiseAbs().maxCoeff() < 1e-4 * std::max(1.0, dW.cwiseAbs().maxCoeff()));
    CHECK((dx.cast<double>() - din).cwiseAbs().maxCoeff() < 1e-4 * std::max(1.0, din.cwiseAbs().maxCoeff()));
    CHECK((d.db.cast<double>() - dout.cast<double>().rowwise().sum()).cwiseAbs().maxCoeff() < 1e-4);
  }
  CHECK(kernels_seen == std::set<DenseKernel>{DenseKernel::dot, DenseKernel::packed, DenseKernel::eigen});
}

TEST_CASE("the packed forward product's transposed copy of W is exact at every block edge") {
  // Whole blocks of kLanes x kLanes go through shuffles in registers, the edges one by one.
  Rng rng(5);
  for (auto [rows, cols] : {std::pair{1, 1}, {16, 16}, {32, 48}, {784, 100}, {17, 33}, {3, 40}, {40, 3}, {8, 8}}) {
    INFO(rows << " x " << cols);
    Mat W(rows, cols), Wt(cols, rows);
    for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = Scalar(rng.normal());
    Wt.setConstant(Scalar(7));
    kernels::transpose(W.data(), rows, cols, Wt.data());
    CHECK(Wt == W.transpose());
  }
}

TEST_CASE("activations by hand") {
  Mat x(4, 1), y;
  x << -2, 0, 1, 3;
  Activation(Shape{4, 1, 1}, Activation::Kind::Relu).forward(x, y, false);
  CHECK(y(0) == 0);
  CHECK(y(3) == 3);
  Activation(Shape{4, 1, 1}, Activation::Kind::LeakyRelu, 0.1f).forward(x, y, false);
  CHECK(y(0) == doctest::Approx(-0.2));
  Activation(Shape{4, 1, 1}, Activation::Kind::Sigmoid).forward(x, y, false);
  CHECK(y(1) == doctest::Approx(0.5));
  CHECK(y(2) == doctest::Approx(0.7310586));
  Activation(Shape{4, 1, 1}, Activation::Kind::Tanh).forward(x, y, false);
  CHECK(y(2) == doctest::Approx(0.7615942));
}

TEST_CASE("softmax cross-entropy by hand") {
  Mat z(2, 1);
  z << 0, 0;
  const uint8_t y[1] = {0};
  Mat dz;
  CHECK(softmax_cross_entropy(z, y, &dz) == doctest::Approx(std::log(2.0)));
  CHECK(dz(0) == doctest::Approx(-0.5));
  CHECK(dz(1) == doctest::Approx(0.5));
}

TEST_CASE("every layer type of the table builds from its fresh spec, keeps its settings in a file and says what it does") {
  std::set<std::string> names;
  for (const LayerType& t : layer_types()) {
    CAPTURE(t.name);
    CHECK(names.insert(t.name).second);
    CHECK(find_layer_type(t.name) == &t);
    const LayerSpec fresh = t.fresh();
    CHECK(fresh.type == t.name);
    // On what the editor puts it on: feature maps for a layer on maps, a flat vector otherwise.
    const Shape in = t.on_maps ? Shape{1, 28, 28} : Shape{64, 1, 1};
    const auto layer = t.make(fresh, in);
    CHECK(std::string(layer->type()) == t.name);
    CHECK(layer->spec().to_json().dump() == fresh.to_json().dump());  // the layer reports the spec it was built from
    CHECK(LayerSpec::from_json(fresh.to_json()).to_json().dump() == fresh.to_json().dump());
    CHECK(!fresh.describe().empty());
    CHECK(std::string(t.forward).size() > 5);
    CHECK(t.trains == !layer->params().empty());
    if (t.kind == LayerKind::Activation) CHECK(std::string(t.backward).size() > 5);
    if (t.main.whole) CHECK(fresh.*t.main.whole > 0);
  }
  CHECK(find_layer_type("no-such-layer") == nullptr);
  CHECK_THROWS_WITH(Network(NetSpec{{1, 28, 28}, {act("no-such-layer")}}),
                    doctest::Contains("unknown layer type 'no-such-layer'"));
}

TEST_CASE("invalid network specs are explained") {
  NetSpec s;
  s.input = Shape{1, 28, 28};
  s.layers = {dense(0)};
  CHECK_THROWS_WITH_AS(Network{s}, doctest::Contains("layer 1 (dense 0)"), Error);
  s.layers = {act("wobble")};
  CHECK_THROWS_WITH_AS(Network{s}, doctest::Contains("unknown layer type 'wobble'"), Error);
  s.layers = {};
  CHECK_THROWS_AS(Network{s}, Error);
  s.layers = {dense(10)};
  s.loss = "hinge";
  CHECK_THROWS_WITH_AS(Network{s}, doctest::Contains("unknown loss"), Error);
}


TEST_CASE("check_layers gives every layer's shape and parameters, and stops at the first bad one") {
  NetSpec s;
  s.input = Shape{1, 28, 28};
  s.layers = {conv(8, 5), act("relu"), maxpool(2), flatten(), dense(100), act("relu"), dense(10)};
  auto c = check_layers(s);
  REQUIRE(c.size() == 7);
  CHECK(c[0].out == Shape{8, 24, 24});
  CHECK(c[0].params == 8 * 25 + 8);
  CHECK(c[2].out == Shape{8, 12, 12});
  CHECK(c[3].out.size() == 8 * 12 * 12);
  CHECK(c[4].params == 8 * 12 * 12 * 100 + 100);
  CHECK(c[6].out.size() == 10);
  for (const auto& l : c) CHECK(l.error.empty());
  // A 9x9 kernel does not fit the 8x12x12 map after two pools: explained at that layer.
  s.layers = {conv(8, 5), maxpool(2), conv(16, 5), maxpool(2), conv(16, 9), dense(10)};
  c = check_layers(s);
  REQUIRE(c.size() == 5);
  CHECK(c[3].error.empty());
  CHECK_FALSE(c[4].error.empty());
}

TEST_CASE("training lowers the loss and learns a simple problem") {
  const Dataset d = quadrants(1000, 200);
  Trainer tr(quadrant_config(), d);
  const double before = tr.evaluate(d.test).loss;
  for (int i = 0; i < 300; ++i) tr.step();
  const EvalStats after = tr.evaluate(d.test);
  CHECK(after.loss < before * 0.5);
  CHECK(after.accuracy > 0.9);
}

TEST_CASE("a step trains exactly one mini-batch and epochs roll over") {
  const Dataset d = quadrants(100, 10);  // 80 training samples
  TrainConfig c = quadrant_config();
  c.batch = 30;
  Trainer tr(c, d);
  CHECK(tr.batches_per_epoch() == 3);
  const auto w0 = tr.net().flat_values();
  StepStats s = tr.step();
  CHECK(s.batch == 30);
  CHECK(s.step == 1);
  CHECK(!s.epoch_end);
  CHECK(tr.net().flat_values() != w0);
  s = tr.step();
  s = tr.step();
  CHECK(s.batch == 20);  // the last, partial batch
  CHECK(s.epoch_end);
  CHECK(tr.epoch() == 1);
  CHECK(s.epoch == doctest::Approx(1.0));
}

TEST_CASE("the same seed gives bit-identical training, another seed does not") {
  const Dataset d = quadrants(400, 50);
  auto run = [&](uint64_t seed) {
    TrainConfig c = quadrant_config();
    c.seed = seed;
    Trainer tr(c, d);
    std::vector<double> losses;
    for (int i = 0; i < 60; ++i) losses.push_back(tr.step().loss);
    return std::make_pair(losses, tr.net().flat_values());
  };
  const auto a = run(5), b = run(5), c = run(6);
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.second != c.second);
}

namespace {

// A small conv net on 16 x 16 images with enough work per sample (about 150k multiply-adds) for
// a batch of 37 to be cut into two shards.
TrainConfig sharded_config() {
  TrainConfig c;
  c.net.input = Shape{1, 16, 16};
  c.net.layers = {conv(8, 5), act("relu"), conv(16, 3), act("relu"), maxpool(2), flatten(),
                  dense(32), act("relu"), dense(4)};
  c.init = InitKind::He;
  c.opt.kind = OptKind::AdamW;
  c.opt.lr = 2e-3f;
  c.opt.weight_decay = 0.05f;
  c.batch = 37;  // odd: the shards are 18 and 19 samples
  c.augment.enabled = true;
  return c;
}

struct Trained {
  std::vector<double> losses;
  std::vector<int> correct, shards;
  std::vector<Scalar> values;
};

Trained train_steps(const TrainConfig& c, const Dataset& d, int threads, int steps) {
  const int old = nnviz::threads();
  set_threads(threads);
  Trainer tr(c, d);
  Trained t;
  for (int i = 0; i < steps; ++i) {
    // Halfway, the weights change from outside (as a loaded checkpoint would change them): the
    // shards must train on the new ones.
    if (i == steps / 2) tr.net().params()[0].p.value->array() *= Scalar(0.5);
    const StepStats st = tr.step();
    t.losses.push_back(st.loss);
    t.correct.push_back(st.correct);
    t.shards.push_back(st.shards);
  }
  t.values = tr.net().flat_values();
  set_threads(old);
  return t;
}

}  // namespace

TEST_CASE("two threads train a batch in shards: the same steps as one thread, to rounding, and reproducible") {
  const Dataset d = quadrants(370, 20, 16);  // 296 training images: 8 whole batches an epoch
  const TrainConfig c = sharded_config();
  const Trained one = train_steps(c, d, 1, 12), two = train_steps(c, d, 2, 12), again = train_steps(c, d, 2, 12);
  CHECK(one.shards == std::vector<int>(12, 1));
#ifdef _OPENMP  // builds without OpenMP (the sanitizer builds) run every step on one thread
  CHECK(two.shards == std::vector<int>(12, 2));
#endif
  // Every batch's loss and predictions agree: the shards saw the same (augmented) samples with
  // the same weights; only the order of the gradient sums differs.
  for (int i = 0; i < 12; ++i) {
    INFO("step " << i);
    CHECK(two.losses[size_t(i)] == doctest::Approx(one.losses[size_t(i)]).epsilon(1e-4));
    CHECK(std::abs(two.correct[size_t(i)] - one.correct[size_t(i)]) <= 1);
  }
  REQUIRE(two.values.size() == one.values.size());
  double diff = 0, scale = 0;
  for (size_t i = 0; i < one.values.size(); ++i) {
    diff = std::max(diff, double(std::abs(two.values[i] - one.values[i])));
    scale = std::max(scale, double(std::abs(one.values[i])));
  }
  CHECK(diff < 1e-4 * scale);
  CHECK((diff > 0) == (two.shards[0] > 1));  // the sums were grouped differently: not bit-identical
  // Two runs on two threads are bit for bit the same.
  CHECK(again.losses == two.losses);
  CHECK(again.values == two.values);
}

TEST_CASE("the number of shards changing between steps (batch size, thread count) keeps every shard current") {
  const Dataset d = quadrants(370, 20, 16);
  auto run = [&](int threads, std::vector<int>* shards) {
    const int old = nnviz::threads();
    set_threads(threads);
    Trainer tr(sharded_config(), d);
    for (int batch : {60, 37, 60, 60}) {  // 60: three shards on three threads, 37: two
      tr.set_batch(batch);
      const StepStats st = tr.step();
      if (shards) shards->push_back(st.shards);
    }
    set_threads(old);
    return tr.net().flat_values();
  };
  std::vector<int> shards;
  const std::vector<Scalar> one = run(1, nullptr), three = run(3, &shards);
#ifdef _OPENMP
  CHECK(shards == std::vector<int>{3, 2, 3, 3});
#endif
  double diff = 0, scale = 0;
  for (size_t i = 0; i < one.size(); ++i) {
    diff = std::max(diff, double(std::abs(three[i] - one[i])));
    scale = std::max(scale, double(std::abs(one[i])));
  }
  CHECK(diff < 1e-4 * scale);
}

TEST_CASE("steps are not sharded with batch norm, dropout, a step-through hook or too little work") {
  const Dataset d = quadrants(300, 20, 16);
  const int old = threads();
  set_threads(2);
  TrainConfig bn = sharded_config();
  bn.net.layers.insert(bn.net.layers.begin() + 1, batchnorm());
  TrainConfig drop = sharded_config();
  drop.net.layers.insert(drop.net.layers.end() - 1, dropout(0.2f));
  CHECK(Trainer(bn, d).step().shards == 1);
  CHECK(Trainer(drop, d).step().shards == 1);
  Trainer plain(sharded_config(), d);
  bool hooked = false;
  CHECK(plain.step([&] { hooked = true; }).shards == 1);
  CHECK(hooked);
  TrainConfig small = sharded_config();
  small.batch = 4;  // 4 x 150k multiply-adds: under kShardWork per thread
  CHECK(Trainer(small, d).step().shards == 1);
#ifdef _OPENMP
  CHECK(plain.step().shards == 2);
#endif
  set_threads(old);
}

TEST_CASE("an evaluation stops at a chunk boundary once cancelled") {
  // The engine cancels its evaluation thread's work when a run is destroyed (closing the window).
  const Dataset d = quadrants(400, 2500);
  Trainer tr(quadrant_config(), d);
  std::atomic<bool> cancel{false};
  CHECK(evaluate(tr.net(), d.test, -1, nullptr, &cancel).count == 2500);
  cancel = true;
  const EvalStats e = evaluate(tr.net(), d.test, -1, nullptr, &cancel);
  CHECK(e.count == 0);
  CHECK(e.accuracy == 0);
}

TEST_CASE("two trainers with one seed start from identical weights and batches") {
  const Dataset d = quadrants(400, 50);
  TrainConfig c1 = quadrant_config(), c2 = quadrant_config();
  c2.opt.kind = OptKind::Adam;
  c2.opt.lr = 0.01f;
  Trainer a(c1, d), b(c2, d);
  CHECK(a.net().flat_values() == b.net().flat_values());
  for (int i = 0; i < 10; ++i) {
    a.step();
    b.step();
    CHECK(a.batch_indices() == b.batch_indices());
  }
  a.reset();
  b.reset();
  CHECK(a.net().flat_values() == b.net().flat_values());
}

TEST_CASE("a mismatch between network and data is an error") {
  const Dataset d = quadrants(100, 10);
  TrainConfig c = quadrant_config();
  c.net.input = Shape{1, 28, 28};
  CHECK_THROWS_WITH_AS(Trainer(c, d), doctest::Contains("takes 1x28x28 inputs (784 values)"), Error);
}

TEST_CASE("every preset builds and names a reference") {
  for (const auto& p : presets()) {
    INFO(p.name);
    Network net(p.config.net);
    CHECK(net.output_shape().size() == 10);
    CHECK(!p.reference.empty());
  }
  CHECK_THROWS_WITH_AS(find_preset("nope"), doctest::Contains("mlp100"), Error);
}
