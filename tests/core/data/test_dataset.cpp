#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "base/rng.h"
#include "data/dataset.h"

using namespace nnviz;

namespace {
Dataset small(NormMode mode) {
  // 10 official training images of 2x2 (the last 4 become validation), 3 test images.
  std::vector<uint8_t> train(40), test(12), ytr(10), yte(3);
  for (int i = 0; i < 40; ++i) train[i] = static_cast<uint8_t>(i * 5);
  for (int i = 0; i < 12; ++i) test[i] = 255;
  for (int i = 0; i < 10; ++i) ytr[i] = i % 10;
  return Dataset::from_arrays(2, 2, train, ytr, test, yte, mode, 4);
}
}  // namespace

TEST_CASE("dataset: validation is the end of the official training set") {
  const Dataset d = small(NormMode::Unit);
  CHECK(d.train.count == 6);
  CHECK(d.val.count == 4);
  CHECK(d.val.y[0] == 6);
  CHECK(d.val.pixels[0] == 24 * 5);
  CHECK(d.train.x(1, 0) == doctest::Approx(5.0 / 255));
}

TEST_CASE("dataset: standard normalisation uses only the training split") {
  const Dataset d = small(NormMode::Standard);
  // Training pixels are i*5/255 for i in 0..23.
  double mean = 0, sq = 0;
  for (int i = 0; i < 24; ++i) mean += i * 5 / 255.0;
  mean /= 24;
  for (int i = 0; i < 24; ++i) sq += std::pow(i * 5 / 255.0 - mean, 2);
  const double sd = std::sqrt(sq / 24);
  CHECK(d.norm.mean == doctest::Approx(mean));
  CHECK(d.norm.std == doctest::Approx(sd));
  // Normalised training split: mean 0, std 1.
  CHECK(d.train.x.mean() == doctest::Approx(0).epsilon(1e-5));
  CHECK(std::sqrt(d.train.x.array().square().mean()) == doctest::Approx(1).epsilon(1e-5));
  // Test pixels use the same statistics.
  CHECK(d.test.x(0, 0) == doctest::Approx((1.0 - mean) / sd));
}

TEST_CASE("dataset: a wrong validation size is an error") {
  std::vector<uint8_t> px(8), y(2), tpx(4), ty(1);
  CHECK_THROWS_AS(Dataset::from_arrays(2, 2, px, y, tpx, ty, NormMode::Unit, 2), Error);
}

TEST_CASE("rng: seeded, reproducible, and well spread") {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) CHECK(a.next_u64() == b.next_u64());
  CHECK(Rng(42).next_u64() != c.next_u64());
  Rng r(1);
  double s = 0, s2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    s += x;
    s2 += x * x;
  }
  CHECK(std::fabs(s / n) < 0.02);
  CHECK(std::fabs(s2 / n - 1) < 0.02);
  std::vector<int> v(50);
  for (int i = 0; i < 50; ++i) v[i] = i;
  Rng(3).shuffle(v);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 50; ++i) CHECK(sorted[i] == i);
  CHECK(v != sorted);
}

TEST_CASE("ascii art shows ink") {
  std::vector<uint8_t> px = {0, 255, 0, 0};
  const std::string art = ascii_art(px.data(), 2, 2);
  CHECK(art == "  @@\n    \n");
}

TEST_CASE("dataset: the training split cut to its first samples, the rest and the normalisation kept") {
  const Dataset full = small(NormMode::Standard);
  const auto shared = std::make_shared<const Dataset>(full);
  const auto cut = with_training_samples(shared, 4);
  REQUIRE(cut != shared);
  CHECK(cut->train.count == 4);
  CHECK(cut->train.x.cols() == 4);
  CHECK(cut->train.x == full.train.x.leftCols(4));
  CHECK(cut->train.y == std::vector<uint8_t>(full.train.y.begin(), full.train.y.begin() + 4));
  CHECK(cut->train.pixels.size() == 16);
  CHECK(cut->val.count == full.val.count);
  CHECK(cut->test.count == full.test.count);
  CHECK(cut->norm.mean == full.norm.mean);  // a model trained on the cut reads the same inputs
  CHECK(cut->norm.std == full.norm.std);
  CHECK(shared->train.count == 6);  // the full data untouched
  // 0, or at least every sample: the data itself, not a copy.
  CHECK(with_training_samples(shared, 0) == shared);
  CHECK(with_training_samples(shared, 6) == shared);
  CHECK(with_training_samples(shared, 600) == shared);
  Dataset in_place = full;
  in_place.keep_training_samples(3);
  CHECK(in_place.train.count == 3);
  CHECK(in_place.train.x == full.train.x.leftCols(3));
  CHECK(in_place.train.pixels.size() == 12);
  in_place.keep_training_samples(0);
  CHECK(in_place.train.count == 3);
}
