// Hostile and unlucky input at the library's level: a model that does not fit the data, a network
// whose activations would take gigabytes, saves onto links, devices and FIFOs, temporary files
// planted in advance, gzip streams far larger than their files, FIFOs as inputs, and images that
// stb_image misreads. The CLI tests ("cli refuses: ...") drive the same paths end to end under a
// memory limit.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/fileio.h"
#include "data/dataset.h"
#include "data/idx.h"
#include "data/image_file.h"
#include "hostile_images.h"
#include "nn/network.h"
#include "test_util.h"
#include "train/trainer.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {
NetSpec net_of(Shape in, std::vector<LayerSpec> layers, const std::string& loss = "softmax_cross_entropy") {
  NetSpec s;
  s.input = in;
  s.layers = std::move(layers);
  s.loss = loss;
  return s;
}
const Shape kMnist{1, 28, 28};
}  // namespace

TEST_CASE("hostile: a model fits the data only with the data's input shape and one output per class") {
  CHECK(fit_problem(Network(net_of(kMnist, {dense(10)})), kMnist, 10) == "");
  CHECK(fit_problem(Network(net_of(Shape{784, 1, 1}, {dense(10)})), kMnist, 10) == "");  // dense reads it flat
  CHECK(fit_problem(Network(net_of(kMnist, {conv(2, 5), flatten(), dense(10)})), kMnist, 10) == "");
  const std::string one = fit_problem(Network(net_of(kMnist, {dense(1)}, "mse")), kMnist, 10);
  CHECK(one.find("gives 1 output, but the data has 1x28x28 images (784 values) in 10 classes") != std::string::npos);
  CHECK(one.find("one output per class") != std::string::npos);
  CHECK(fit_problem(Network(net_of(kMnist, {dense(5)})), kMnist, 10).find("one output per class") != std::string::npos);
  for (const auto& layers : {std::vector<LayerSpec>{dense(10)}, std::vector<LayerSpec>{conv(2, 5), flatten(), dense(10)}}) {
    const std::string c = fit_problem(Network(net_of(Shape{3, 28, 28}, layers)), kMnist, 10);
    CHECK(c.find("takes 3x28x28 inputs (2352 values)") != std::string::npos);
    CHECK(c.find("input shapes differ") != std::string::npos);
  }
  CHECK(fit_problem(Network(net_of(Shape{1, 10, 10}, {dense(10)})), kMnist, 10).find("input shapes differ") !=
        std::string::npos);
  // A convolution reads planes: 784 values as 28x28 fit, as 4x14x14 do not.
  CHECK(fit_problem(Network(net_of(Shape{4, 14, 14}, {conv(2, 3), flatten(), dense(10)})), kMnist, 10) != "");
  CHECK(error_of([] { check_fits(Network(net_of(kMnist, {dense(5)})), kMnist, 10, "eval", "m.safetensors"); })
            .rfind("[eval] m.safetensors: the model takes", 0) == 0);
}

TEST_CASE("hostile: evaluation and the loss refuse data that does not fit instead of reading past it") {
  Network five(net_of(kMnist, {dense(5)}));
  five.initialise(InitKind::Lecun, 1);
  Split s;
  s.count = 3;
  s.x = Mat::Zero(784, 3);
  s.y = {0, 9, 2};  // label 9 has no output
  CHECK(error_of([&] { evaluate(five, s); }).find("label 9 has no output: the network has 5 outputs") != std::string::npos);
  Network wide(net_of(Shape{3, 28, 28}, {dense(10)}));
  CHECK(error_of([&] { evaluate(wide, s); }).find("the data has 784 values a sample, the network takes 2352") !=
        std::string::npos);
  Network one(net_of(kMnist, {dense(1)}, "mse"));
  one.forward(s.x, false);
  CHECK(error_of([&] { one.loss(s.y.data()); }).find("has no output") != std::string::npos);
}

TEST_CASE("hostile: a network whose activations would take gigabytes is refused when it is built") {
  // One 1x1 convolution padded by 2034: every sample 4096x4096 values.
  const std::string padded = error_of([] { Network n(net_of(kMnist, {conv(1, 1, 1, 2034, 1, false), flatten(), dense(10)})); });
  CHECK(padded.find("activation values per sample (at layer 1") != std::string::npos);
  // A long chain of layers, each within the per-layer limit, together far beyond it.
  std::vector<LayerSpec> deep = {conv(16, 1, 1, 100, 1, false)};
  for (int i = 0; i < 900; ++i) deep.push_back(act("relu"));
  const std::string chain = error_of([&] { Network n(net_of(kMnist, deep)); });
  CHECK(chain.find("activation values per sample (at layer") != std::string::npos);
  // Within the limit, the batch is bounded by the batch budget, and evaluation keeps to it.
  Network big(net_of(kMnist, {conv(16, 1, 1, 100, 1, false), flatten(), dense(10)}));
  CHECK(big.activations_per_sample() > 800000);
  CHECK(big.max_batch() == int(kMaxActivationsPerBatch / big.activations_per_sample()));
  CHECK(big.max_batch() < 100);
  Network small(net_of(kMnist, {dense(10)}));
  CHECK(small.max_batch() > 60000);
}

TEST_CASE("hostile: training refuses a batch whose activations pass the budget, naming the largest that fits") {
  std::vector<uint8_t> px(40 * 784, 3), y(40, 1);
  for (int i = 0; i < 40; ++i) y[i] = uint8_t(i % 10);
  const Dataset d = Dataset::from_arrays(28, 28, px, y, px, y, NormMode::Unit, 5);  // 35 training images
  TrainConfig cfg;
  cfg.net = net_of(kMnist, {conv(16, 1, 1, 100, 1, false), flatten(), dense(10)});  // 1.7M values a sample
  cfg.batch = 30;
  CHECK(Network(cfg.net).max_batch() >= 30);
  CHECK_NOTHROW(Trainer(cfg, d));
  cfg.net.layers[0] = conv(32, 1, 1, 100, 1, false);  // 3.3M values a sample: 20 a batch
  const int most = Network(cfg.net).max_batch();
  REQUIRE(most < 30);
  const std::string e = error_of([&] { Trainer t(cfg, d); });
  CHECK(e.find("a batch of 30 needs more than 256 MB of activations") != std::string::npos);
  CHECK(e.find("use a batch of at most " + std::to_string(most)) != std::string::npos);
}

TEST_CASE("hostile: a save never writes through a link, a FIFO or a device, nor through a planted temp file") {
  TempDir tmp;
  const std::string victim = tmp.file("victim.txt");
  write_bytes(victim, {'o', 'l', 'd'});
  // A link at the destination: refused, the link and its target as they were.
  const std::string link = tmp.file("run.safetensors");
  REQUIRE(::symlink(victim.c_str(), link.c_str()) == 0);
  CHECK(error_of([&] { write_file_atomic(link, "new", "run"); }).find("is a symbolic link") != std::string::npos);
  CHECK(read_bytes(victim) == std::vector<uint8_t>{'o', 'l', 'd'});
  struct stat st;
  REQUIRE(::lstat(link.c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  // A FIFO and a device: refused, never turned into regular files.
  const std::string fifo = tmp.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(error_of([&] { write_file_atomic(fifo, "x", "run"); }).find("is not a regular file") != std::string::npos);
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  // A device node of the test's own (as root; elsewhere the FIFO above stands for it): were the
  // refusal ever lost, the node would be replaced, not the machine's /dev/full.
  const std::string device = tmp.file("full");
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 7)) == 0) {
    CHECK(error_of([&] { write_file_atomic(device, "x", "run"); }).find("is not a regular file") != std::string::npos);
    REQUIRE(::lstat(device.c_str(), &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    ::unlink(device.c_str());
  }
  CHECK(save_destination_problem("/dev/full").find("not a regular file") != std::string::npos);  // only looks
  CHECK(save_destination_problem(tmp.file("nope/m.safetensors")).find("does not exist") != std::string::npos);
  CHECK(save_destination_problem(tmp.path()).find("is a folder") != std::string::npos);
  CHECK(save_destination_problem(tmp.file("fine.safetensors")) == "");
  // Links planted at every name the old scheme would have used (PATH.tmp-PID) catch nothing now:
  // the temp file has an unpredictable name and is created exclusively.
  const std::string target = tmp.file("model.safetensors");
  for (const auto& name : {target + ".tmp-" + std::to_string(::getpid()), target + ".tmp"})
    REQUIRE(::symlink(victim.c_str(), name.c_str()) == 0);
  write_file_atomic(target, "fresh", "run");
  CHECK(read_bytes(target) == std::vector<uint8_t>{'f', 'r', 'e', 's', 'h'});
  CHECK(read_bytes(victim) == std::vector<uint8_t>{'o', 'l', 'd'});
  // Replacing a file keeps its permissions; no temp file is left behind.
  REQUIRE(::chmod(target.c_str(), 0600) == 0);
  write_file_atomic(target, "again", "run");
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // Nothing else in the folder: the victim, the link, the FIFO, the two planted links, the model.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) entries += bool(e.path().filename().string().size());
  CHECK(entries == 6);
}

TEST_CASE("hostile: the data folders are made with every missing parent") {
  TempDir tmp;
  const std::string home = tmp.file("fresh-account");  // no .local, no .config
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home ? old_home : "";
  const char* old_xdg = std::getenv("XDG_DATA_HOME");
  const std::string saved_xdg = old_xdg ? old_xdg : "";
  ::mkdir(home.c_str(), 0755);
  ::setenv("HOME", home.c_str(), 1);
  ::unsetenv("XDG_DATA_HOME");
  const std::string dir = user_data_dir();
  CHECK(dir == home + "/.local/share/nnviz");
  CHECK(std::filesystem::is_directory(dir));
  ::setenv("XDG_DATA_HOME", tmp.file("x/y/z").c_str(), 1);
  CHECK(user_data_dir() == tmp.file("x/y/z/nnviz"));
  CHECK(std::filesystem::is_directory(tmp.file("x/y/z/nnviz")));
  // A file where a folder must go: an error naming it.
  write_bytes(tmp.file("blocked"), {'x'});
  ::setenv("XDG_DATA_HOME", tmp.file("blocked/sub").c_str(), 1);
  CHECK(error_of([] { user_data_dir(); }).find("blocked") != std::string::npos);
  ::setenv("HOME", saved_home.c_str(), 1);
  if (old_xdg) ::setenv("XDG_DATA_HOME", saved_xdg.c_str(), 1);
  else ::unsetenv("XDG_DATA_HOME");
}

TEST_CASE("hostile: a gzip stream far larger than its file is refused before it is inflated") {
  TempDir tmp;
  // The header declares 10M images of 28x28 (7.8 GB): refused from the first bytes.
  std::vector<uint8_t> head = {0, 0, 8, 3, 0x00, 0x98, 0x96, 0x80, 0, 0, 0, 28, 0, 0, 0, 28};
  head.resize(head.size() + (1 << 20), 0);  // the first of its images
  write_gz(tmp.file("declares.gz"), head);
  CHECK(error_of([&] { read_idx_images(tmp.file("declares.gz")); }).find("the compressed file declares 7 GB") !=
        std::string::npos);
  // The header declares 10 images, the stream holds 64 MB: refused once it passes the declared size.
  std::vector<uint8_t> lies = {0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28};
  lies.resize(lies.size() + (64 << 20), 0);
  write_gz(tmp.file("lies.gz"), lies);
  CHECK(error_of([&] { read_idx_images(tmp.file("lies.gz")); }).find("holds more than its header declares") !=
        std::string::npos);
  // An honest one still reads.
  std::vector<uint8_t> ok = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28};
  ok.resize(ok.size() + 2 * 784, 7);
  write_gz(tmp.file("ok.gz"), ok);
  CHECK(read_idx_images(tmp.file("ok.gz")).count == 2);
  // The image count a machine can hold is bounded by its memory.
  CHECK(max_idx_image_bytes() <= (size_t(2) << 30));
  CHECK(max_idx_image_bytes() <= physical_memory_bytes() / 16);
}

TEST_CASE("hostile: inputs are read once, so FIFOs and pipes work") {
  TempDir tmp;
  const std::string fifo = tmp.file("in.pgm");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string pgm = "P5\n28 28\n255\n" + std::string(784, '\x20');
  std::thread writer([&] {
    FILE* f = std::fopen(fifo.c_str(), "wb");
    if (f) {
      std::fwrite(pgm.data(), 1, pgm.size(), f);
      std::fclose(f);
    }
  });
  const DecodedImage img = read_image(fifo);
  writer.join();
  CHECK(img.w == 28);
  CHECK(img.h == 28);
  CHECK(img.channels == 1);
}

TEST_CASE("hostile: images stb_image misreads are checked: truncated PGM, top-down BMP, short PNG and BMP palettes") {
  const std::string pgm = "P5\n28 28\n255\n" + std::string(100, '\x80');
  CHECK(error_of([&] { decode_image(std::vector<uint8_t>(pgm.begin(), pgm.end()), "t.pgm"); })
            .find("[image] t.pgm: truncated: its header declares 28x28 pixels (784 bytes) but the file holds 100") !=
        std::string::npos);
  const std::string bmp = top_down_bmp();
  const DecodedImage b = decode_image(std::vector<uint8_t>(bmp.begin(), bmp.end()), "b.bmp");
  REQUIRE(b.w == 28);
  REQUIRE(b.h == 28);
  CHECK(b.px[0] == 0);                        // the black corner is on top
  CHECK(b.px[size_t(27 * 28) * b.channels] == 255);  // the bottom left is white
  const std::string png = short_palette_png();
  const DecodedImage p = decode_image(std::vector<uint8_t>(png.begin(), png.end()), "p.png");
  REQUIRE(p.w == 28);
  REQUIRE(p.channels >= 3);
  // Index 0 is the one defined entry (white); index 1 has no entry and reads black, every time.
  CHECK(p.px[0] == 255);
  const size_t second = size_t(7) * p.channels;  // x = 7, y = 0: index 1
  CHECK(p.px[second] == 0);
  CHECK(p.px[second + 1] == 0);
  CHECK(p.px[second + 2] == 0);
  // The same for BMP palettes, in both header forms: the missing entries read black.
  for (int header : {40, 12}) {
    CAPTURE(header);
    const std::string sb = short_palette_bmp(header);
    const DecodedImage q = decode_image(std::vector<uint8_t>(sb.begin(), sb.end()), "s.bmp");
    REQUIRE(q.w == 28);
    REQUIRE(q.h == 28);
    REQUIRE(q.channels >= 3);
    // The file is stored bottom-up: the top row is its last, where x 0-6 use index 200 and x 7-13
    // index 0 (white).
    CHECK(q.px[0] == 0);
    CHECK(q.px[1] == 0);
    CHECK(q.px[2] == 0);
    CHECK(q.px[size_t(7) * q.channels] == 255);
  }
  // A palette that would start inside the header (the pixels' offset too small) is refused.
  const std::string inside = short_palette_bmp(40, -8);
  CHECK(error_of([&] { decode_image(std::vector<uint8_t>(inside.begin(), inside.end()), "o.bmp"); })
            .find("o.bmp: a damaged BMP: its pixels start inside its header") != std::string::npos);
  CHECK(error_of([] { decode_image({}, "e.png"); }).find("e.png: the file is empty") != std::string::npos);
  const std::string text = "just some text";
  CHECK(error_of([&] { decode_image(std::vector<uint8_t>(text.begin(), text.end()), "x.png"); })
            .find("not an image nnviz reads") != std::string::npos);
  // A truncated PNG: the reason in words.
  const std::string cut = png.substr(0, png.size() - 30);
  CHECK(error_of([&] { decode_image(std::vector<uint8_t>(cut.begin(), cut.end()), "c.png"); })
            .find("c.png: damaged or truncated image data") != std::string::npos);
}

TEST_CASE("hostile: a run saved at the very end of an epoch resumes with the next epoch, not an empty step") {
  std::vector<uint8_t> px(30 * 784, 5), y(30, 0);
  for (int i = 0; i < 30; ++i) y[i] = uint8_t(i % 10), px[size_t(i) * 784 + i] = 200;
  const Dataset d = Dataset::from_arrays(28, 28, px, y, px, y, NormMode::Unit, 10);  // 20 training images
  TrainConfig cfg;
  cfg.net = net_of(kMnist, {dense(10)});
  cfg.batch = 8;
  Trainer t(cfg, d);
  t.restore_position(12, 3, size_t(d.train.count));  // the cursor at the end of the data
  CHECK(t.epoch() == 4);
  const StepStats st = t.step();
  CHECK(st.batch == 8);
  CHECK(std::isfinite(st.loss));
  CHECK(st.step == 13);
  CHECK(error_of([&] { t.restore_position(1, 0, size_t(d.train.count) + 1); }).find("does not fit this data") !=
        std::string::npos);
}
