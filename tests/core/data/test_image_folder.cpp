// Image folders as data sets: a folder of rendered shapes (three shapes in three colours and
// sizes, in PNG, BMP, PPM and PGM files of mixed sizes and modes) loads grey or colour at the size
// asked, splits by class with its seed, normalises from the training split, and a small network
// learns it; every kind of bad folder is refused with its path and the problem, and bad files in a
// good folder are skipped and named.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.h"
#include "base/rng.h"
#include "data/image_folder.h"
#include "shapes.h"
#include "train/trainer.h"

using namespace nnviz;
using nnviz::test::make_shapes;

namespace {

std::string temp_folder(const char* name) {
  const std::string dir = "/tmp/nnviz-folder-test-" + std::to_string(::getpid()) + "-" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string error_of(const std::string& dir, const FolderOptions& o = {}) {
  try {
    load_image_folder(dir, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an image folder loads grey or colour at the size asked, split by class and normalised from training") {
  const std::string dir = temp_folder("shapes");
  make_shapes(dir, 100);
  FolderOptions o;
  o.size = 20;
  o.colour = true;
  FolderReport rep;
  FolderProgress progress;
  const Dataset d = load_image_folder(dir, o, &progress, &rep);
  CHECK(rep.images == 300);
  CHECK(rep.skipped == 0);
  CHECK(progress.done == 300);
  CHECK(progress.total == 300);
  CHECK(d.kind == DatasetKind::Folder);
  CHECK(d.num_classes == 3);
  CHECK(d.class_names() == std::vector<std::string>{"disc", "square", "triangle"});
  CHECK(d.input_shape() == Shape{3, 20, 20});
  CHECK(d.train.count + d.val.count + d.test.count == 300);
  CHECK(d.test.count == 30);  // a tenth of each class
  CHECK(d.val.count == 30);
  CHECK(d.train.x.rows() == 3 * 20 * 20);
  CHECK(d.train.pixels.size() == size_t(d.train.count) * 1200);
  // The training split's own statistics: its normalised values have mean 0 and std 1.
  const double mean = d.train.x.mean();
  const double sd = std::sqrt((d.train.x.array() - Scalar(mean)).square().mean());
  CHECK(std::fabs(mean) < 1e-4);
  CHECK(sd == doctest::Approx(1).epsilon(1e-3));
  // The same seed, the same split; grey has one channel.
  const Dataset again = load_image_folder(dir, o);
  CHECK(again.test.y == d.test.y);
  CHECK(again.test.pixels == d.test.pixels);
  o.colour = false;
  o.size = 28;
  const Dataset grey = load_image_folder(dir, o);
  CHECK(grey.input_shape() == Shape{1, 28, 28});
  std::filesystem::remove_all(dir);
}

TEST_CASE("a small network learns the shapes of an image folder, in colour") {
  const std::string dir = temp_folder("learn");
  make_shapes(dir, 200);
  FolderOptions o;
  o.size = 16;
  o.colour = true;
  const Dataset d = load_image_folder(dir, o);
  TrainConfig cfg;
  cfg.net.input = d.input_shape();
  cfg.net.layers = {conv(8, 3), act("relu"), maxpool(2), flatten(), dense(32), act("relu"), dense(d.num_classes)};
  cfg.init = InitKind::He;
  cfg.opt.kind = OptKind::Adam;
  cfg.opt.lr = 0.003f;
  cfg.batch = 16;
  cfg.epochs = 20;
  cfg.seed = 3;
  Trainer tr(cfg, d);
  for (int e = 0; e < cfg.epochs; ++e)
    while (!tr.step().epoch_end) {
    }
  const EvalStats test = tr.evaluate(d.test);
  MESSAGE("shapes in colour, 16x16: test accuracy " << test.accuracy * 100 << "% on " << test.count << " images");
  CHECK(test.accuracy >= 0.9);
  std::filesystem::remove_all(dir);
}

TEST_CASE("bad folders are refused with the path and the problem") {
  const std::string dir = temp_folder("bad");
  CHECK(error_of(dir + "/missing").find("no such folder") != std::string::npos);
  write_bytes(dir + "/file", "x");
  CHECK(error_of(dir + "/file").find("is a file, not a folder") != std::string::npos);
  const std::string empty = dir + "/empty";
  ::mkdir(empty.c_str(), 0755);
  CHECK(error_of(empty).find("holds no class folders") != std::string::npos);
  const std::string one = dir + "/one";
  ::mkdir(one.c_str(), 0755);
  ::mkdir((one + "/cats").c_str(), 0755);
  CHECK(error_of(one).find("one class folder only (cats)") != std::string::npos);
  // An empty class folder, and one of files that are no images.
  const std::string two = dir + "/two";
  ::mkdir(two.c_str(), 0755);
  make_shapes(two, 6);
  ::mkdir((two + "/nothing").c_str(), 0755);
  std::string e = error_of(two);
  CHECK(e.find(two + "/nothing: the class folder holds no readable image") != std::string::npos);
  write_bytes(two + "/nothing/notes.txt", "not a picture");
  write_bytes(two + "/nothing/broken.png", "\x89PNG\r\n\x1a\n truncated");
  e = error_of(two);
  CHECK(e.find("nothing: the class folder holds no readable image (2 files skipped") != std::string::npos);
  FolderOptions o;
  o.size = 2;
  CHECK(error_of(two, o).find("4 to 256 pixels") != std::string::npos);
  o = {};
  o.max_files = 10;
  CHECK(error_of(two, o).find("more than 10 files") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("bad files in a good folder are skipped and named, and the rest loads") {
  const std::string dir = temp_folder("skips");
  make_shapes(dir, 10);
  write_bytes(dir + "/disc/readme.txt", "about the discs");
  write_bytes(dir + "/disc/cut.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
  write_bytes(dir + "/square/zero.jpg", "");
  write_bytes(dir + "/square/huge.pgm", "P5\n100000 100000\n255\n");  // declares 10 gigapixels
  ::mkfifo((dir + "/triangle/pipe.png").c_str(), 0644);                 // would block a plain read
  FolderReport rep;
  const Dataset d = load_image_folder(dir, {}, nullptr, &rep);
  CHECK(rep.images == 30);
  CHECK(rep.skipped == 5);
  std::string all;
  for (const std::string& p : rep.problems) all += p + "\n";
  MESSAGE(all);
  CHECK(all.find("disc/readme.txt: not an image") != std::string::npos);
  CHECK(all.find("disc/cut.png: ") != std::string::npos);
  CHECK(all.find("square/zero.jpg: ") != std::string::npos);
  CHECK(all.find("square/huge.pgm: ") != std::string::npos);
  CHECK(all.find("triangle/pipe.png: not a regular file") != std::string::npos);
  CHECK(d.train.count + d.val.count + d.test.count == 30);
  std::filesystem::remove_all(dir);
}

TEST_CASE("resampling averages the pixels each new one covers") {
  // 4x4 grey, each 2x2 block one value: halved, each block becomes its value.
  const uint8_t px[16] = {10, 10, 200, 200, 10, 10, 200, 200, 50, 50, 90, 90, 50, 50, 90, 90};
  const std::vector<uint8_t> half = resample_image(px, 4, 4, 1, 2, false);
  CHECK(half == std::vector<uint8_t>{10, 200, 50, 90});
  // RGBA half transparent over black, to colour planes.
  const uint8_t rgba[4] = {200, 100, 50, 128};
  const std::vector<uint8_t> c = resample_image(rgba, 1, 1, 4, 1, true);
  REQUIRE(c.size() == 3);
  CHECK(int(c[0]) == 100);
  CHECK(int(c[1]) == 50);
  CHECK(int(c[2]) == 25);
}
