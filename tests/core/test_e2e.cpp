// End to end on the real MNIST data: the mlp100 preset, trained exactly as nnviz-cli trains it,
// must reach the classic figure of 97.8% test accuracy.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cstdio>

#include "data/dataset.h"
#include "train/presets.h"
#include "train/trainer.h"

using namespace nnviz;

TEST_CASE("mlp100 reaches 97.8% test accuracy on MNIST") {
  Eigen::setNbThreads(1);
  const Preset& p = find_preset("mlp100");
  const Dataset data = Dataset::load(DatasetKind::Mnist, resolve_data_dir(DatasetKind::Mnist, ""), p.config.norm);
  REQUIRE(data.train.count == 50000);
  REQUIRE(data.val.count == 10000);
  REQUIRE(data.test.count == 10000);
  Trainer tr(p.config, data);
  for (int e = 0; e < p.config.epochs; ++e)
    while (!tr.step().epoch_end) {
    }
  const EvalStats test = tr.evaluate(data.test);
  const EvalStats val = tr.evaluate(data.val);
  std::printf("mlp100: %d epochs, test accuracy %.2f%%, validation %.2f%%\n", p.config.epochs, test.accuracy * 100,
              val.accuracy * 100);
  CHECK(test.accuracy >= p.reference_accuracy);
}
