// The IDX reader on good, truncated, wrong-magic, wrong-count and bad-label files.
#include <doctest/doctest.h>

#include <functional>

#include "data/dataset.h"
#include "data/idx.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {
std::vector<uint8_t> ramp(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7);
  return v;
}

}  // namespace

TEST_CASE("idx: good image and label files, raw and gzip") {
  TempDir tmp;
  const auto pixels = ramp(3 * 4 * 5);
  write_bytes(tmp.file("img"), idx_bytes({3, 4, 5}, pixels));
  write_gz(tmp.file("img.gz"), idx_bytes({3, 4, 5}, pixels));
  for (const char* name : {"img", "img.gz"}) {
    const IdxImages im = read_idx_images(tmp.file(name));
    CHECK(im.count == 3);
    CHECK(im.rows == 4);
    CHECK(im.cols == 5);
    CHECK(im.pixels == pixels);
  }
  write_bytes(tmp.file("lab"), idx_bytes({4}, {0, 9, 3, 1}));
  CHECK(read_idx_labels(tmp.file("lab")) == std::vector<uint8_t>{0, 9, 3, 1});
}

TEST_CASE("idx: every damage is an error naming the file and the problem") {
  TempDir tmp;
  const auto good = idx_bytes({2, 3, 3}, ramp(18));

  auto truncated = good;
  truncated.resize(truncated.size() - 5);
  write_bytes(tmp.file("truncated"), truncated);
  const std::string e1 = error_of([&] { read_idx_images(tmp.file("truncated")); });
  CHECK(e1.find(tmp.file("truncated")) != std::string::npos);
  CHECK(e1.find("truncated") != std::string::npos);

  auto magic = good;
  magic[0] = 0x42;
  write_bytes(tmp.file("magic"), magic);
  CHECK(error_of([&] { read_idx_images(tmp.file("magic")); }).find("bad magic") != std::string::npos);

  auto type = good;
  type[2] = 0x0D;  // float
  write_bytes(tmp.file("type"), type);
  CHECK(error_of([&] { read_idx_images(tmp.file("type")); }).find("element type") != std::string::npos);

  write_bytes(tmp.file("short"), {0, 0});
  CHECK(error_of([&] { read_idx_images(tmp.file("short")); }).find("too short") != std::string::npos);

  write_bytes(tmp.file("header"), {0, 0, 8, 3, 0, 0});
  CHECK(error_of([&] { read_idx_images(tmp.file("header")); }).find("truncated IDX header") != std::string::npos);

  auto extra = good;
  extra.push_back(1);
  write_bytes(tmp.file("extra"), extra);
  CHECK(error_of([&] { read_idx_images(tmp.file("extra")); }).find("unexpected bytes") != std::string::npos);

  // Wrong count: the header promises 1000 images of 3x3.
  write_bytes(tmp.file("count"), idx_bytes({1000, 3, 3}, ramp(18)));
  CHECK(error_of([&] { read_idx_images(tmp.file("count")); }).find("header promises 9000") != std::string::npos);

  // A huge count must be refused before any allocation.
  write_bytes(tmp.file("huge"), idx_bytes({0xFFFFFFFFu, 3, 3}, ramp(18)));
  CHECK(error_of([&] { read_idx_images(tmp.file("huge")); }).find("implausible") != std::string::npos);

  // Labels passed as images and the other way round.
  write_bytes(tmp.file("labels"), idx_bytes({4}, {1, 2, 3, 4}));
  CHECK(error_of([&] { read_idx_images(tmp.file("labels")); }).find("labels file") != std::string::npos);
  CHECK(error_of([&] { read_idx_labels(tmp.file("truncated")); }).find("images file") != std::string::npos);

  write_bytes(tmp.file("badlabel"), idx_bytes({3}, {1, 12, 3}));
  CHECK(error_of([&] { read_idx_labels(tmp.file("badlabel")); }).find("label 12 at index 1") != std::string::npos);

  CHECK(error_of([&] { read_idx_images(tmp.file("missing")); }).find("No such file") != std::string::npos);

  // A damaged gzip stream.
  write_gz(tmp.file("gz"), good);
  auto gz = read_bytes(tmp.file("gz"));
  gz.resize(gz.size() / 2);
  write_bytes(tmp.file("gz"), gz);
  CHECK(error_of([&] { read_idx_images(tmp.file("gz")); }).find("gzip") != std::string::npos);
}

TEST_CASE("dataset: image/label count disagreement and missing files") {
  TempDir tmp;
  write_bytes(tmp.file("train-images-idx3-ubyte"), idx_bytes({12, 2, 2}, ramp(48)));
  write_bytes(tmp.file("train-labels-idx1-ubyte"), idx_bytes({11}, std::vector<uint8_t>(11, 1)));
  write_bytes(tmp.file("t10k-images-idx3-ubyte"), idx_bytes({2, 2, 2}, ramp(8)));
  CHECK(error_of([&] { Dataset::load(DatasetKind::Mnist, tmp.path(), NormMode::Unit); })
            .find("t10k-labels-idx1-ubyte not found") != std::string::npos);
  write_gz(tmp.file("t10k-labels-idx1-ubyte.gz"), idx_bytes({2}, {0, 1}));
  const std::string e = error_of([&] { Dataset::load(DatasetKind::Mnist, tmp.path(), NormMode::Unit); });
  CHECK(e.find("holds 12 images but") != std::string::npos);
  CHECK(e.find("11 labels") != std::string::npos);
  write_bytes(tmp.file("train-labels-idx1-ubyte"), idx_bytes({12}, std::vector<uint8_t>(12, 1)));
  const Dataset d = Dataset::load(DatasetKind::Mnist, tmp.path(), NormMode::Unit);
  CHECK(d.train.count + d.val.count == 12);
  CHECK(d.test.count == 2);
}
