// Writes the hostile and unlucky files the CLI refusal tests feed to nnviz-cli (tests/app/cli/cli_tests.cmake,
// "cli refuses: ..."): models that do not fit MNIST, models whose activations would take gigabytes,
// gzip files whose content is far larger than the file, and images that Debian's stb_image would
// read past or misread. Each is small; what it would cost if it were trusted is in its comment.
//
//   make_hostile DIR
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <stb_image_write.h>

#include "base/fileio.h"
#include "engine/compare.h"
#include "hostile_images.h"
#include "io/model_io.h"
#include "nn/network.h"

using namespace nnviz;

namespace {

std::string dir;

void model(const std::string& name, const NetSpec& spec) {
  Network net(spec);
  net.initialise(InitKind::Lecun, 1);
  ModelFile meta;
  meta.config.net = spec;
  save_model(dir + "/" + name, net, meta);
}

// A safetensors model file whose spec is only described (its network is never built here: building
// it is what the reader must refuse). The tensors are left out, so the reader must refuse it for
// its architecture before it looks for them.
void described_model(const std::string& name, const NetSpec& spec) {
  ModelFile meta;
  meta.config.net = spec;
  const std::string arch = spec.to_json().dump();
  const std::string cfg = meta.config.to_json().dump();
  json::Value header = json::Value::object();
  json::Value md = json::Value::object();
  md.set("format", "nnviz");
  md.set("format_version", "1");
  md.set("architecture", arch);
  md.set("normalisation", "{\"mode\":\"standard\",\"mean\":0.13,\"std\":0.31}");
  md.set("config", cfg);
  md.set("info", "{}");
  header.set("__metadata__", md);
  std::string h = header.dump();
  while (h.size() % 8) h += ' ';
  std::string bytes(8, '\0');
  const uint64_t n = h.size();
  for (int i = 0; i < 8; ++i) bytes[i] = char((n >> (8 * i)) & 0xff);
  write_file_atomic(dir + "/" + name, bytes + h, "hostile");
}

void gz(const std::string& name, const std::vector<uint8_t>& header, size_t zero_bytes) {
  gzFile f = gzopen((dir + "/" + name).c_str(), "wb1");
  gzwrite(f, header.data(), unsigned(header.size()));
  std::vector<uint8_t> zeros(1 << 20, 0);
  for (size_t left = zero_bytes; left > 0;) {
    const size_t n = std::min(left, zeros.size());
    gzwrite(f, zeros.data(), unsigned(n));
    left -= n;
  }
  gzclose(f);
}

std::vector<uint8_t> idx_images_header(uint32_t count, uint32_t rows, uint32_t cols) {
  std::vector<uint8_t> h = {0, 0, 8, 3};
  for (uint32_t v : {count, rows, cols})
    for (int s = 24; s >= 0; s -= 8) h.push_back(uint8_t(v >> s));
  return h;
}

void raw(const std::string& name, const std::string& bytes) { write_file_atomic(dir + "/" + name, bytes, "hostile"); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_hostile DIR\n");
    return 2;
  }
  dir = argv[1];
  std::filesystem::create_directories(dir);

  // Models that do not fit MNIST's 1x28x28 images and 10 classes.
  NetSpec one_out;
  one_out.layers = {dense(1)};
  one_out.loss = "mse";
  model("one-output-mse.safetensors", one_out);  // wrote past one_hot's buffer in eval
  NetSpec five;
  five.layers = {dense(5)};
  model("five-outputs.safetensors", five);  // read past z[y] in eval
  NetSpec colour_dense;
  colour_dense.input = {3, 28, 28};
  colour_dense.layers = {dense(10)};
  model("colour-dense.safetensors", colour_dense);  // read past its input
  NetSpec colour_conv;
  colour_conv.input = {3, 28, 28};
  colour_conv.layers = {conv(4, 5), flatten(), dense(10)};
  model("colour-conv.safetensors", colour_conv);
  NetSpec small;
  small.input = {1, 10, 10};
  small.layers = {dense(10)};
  model("small-input.safetensors", small);  // evaluated silently on the first 100 pixels
  NetSpec fits;
  fits.layers = {dense(10)};
  model("fits.safetensors", fits);  // a model that fits, for the image checks

  // Activations far beyond the file's size: one convolution padded by 2034 makes every sample
  // 4096x4096 values (64 GB for an evaluation chunk of 1000); twenty such layers, 1.3 GB for one
  // sample in predict; a long chain of wide layers.
  NetSpec padded;
  padded.layers = {conv(1, 1, 1, 2034, 1, false), flatten(), dense(10)};
  described_model("padded-conv.safetensors", padded);
  NetSpec twenty;
  for (int i = 0; i < 20; ++i) twenty.layers.push_back(conv(1, 1, 1, i == 0 ? 2034 : 0, 1, false));
  twenty.layers.push_back(flatten());
  twenty.layers.push_back(dense(10));
  described_model("twenty-padded.safetensors", twenty);
  NetSpec deep;
  deep.layers.push_back(conv(16, 1, 1, 100, 1, false));  // 16x228x228, 830k values
  for (int i = 0; i < 996; ++i) deep.layers.push_back(act("relu"));
  deep.layers.push_back(dense(10));
  described_model("deep-wide.safetensors", deep);

  // Data folders: gzip files whose content dwarfs the file.
  std::filesystem::create_directories(dir + "/bomb");
  gz("bomb/train-images-idx3-ubyte.gz", idx_images_header(10000000, 28, 28), size_t(1) << 20);  // declares 7.8 GB
  std::filesystem::create_directories(dir + "/overfull");
  gz("overfull/train-images-idx3-ubyte.gz", idx_images_header(10, 28, 28), size_t(600) << 20);  // holds 600 MB
  for (const std::string folder : {"bomb", "overfull"}) {  // the other three files are fine
    gz(folder + "/train-labels-idx1-ubyte.gz", {0, 0, 8, 1, 0, 0, 0, 10}, 10);
    gz(folder + "/t10k-images-idx3-ubyte.gz", idx_images_header(10, 28, 28), 10 * 784);
    gz(folder + "/t10k-labels-idx1-ubyte.gz", {0, 0, 8, 1, 0, 0, 0, 10}, 10);
  }

  // Images.
  raw("truncated.pgm", "P5\n28 28\n255\n" + std::string(100, '\x80'));  // 684 of 784 pixels missing
  raw("empty.png", "");
  raw("not-an-image.png", "this is text, not a picture\n");
  raw("top-down.bmp", test::top_down_bmp());
  raw("short-palette.png", test::short_palette_png());
  // Saved comparisons the app's --open-comparison reads from $XDG_DATA_HOME/nnviz.
  std::filesystem::create_directories(dir + "/comparison-garbage/nnviz");
  raw("comparison-garbage/nnviz/comparison.json", "\x01\x02 not json at all {{{");
  raw("comparison-garbage/nnviz/comparison.csv", "run,step\n");
  std::filesystem::create_directories(dir + "/comparison-deep/nnviz");
  raw("comparison-deep/nnviz/comparison.json", std::string(100000, '[') + std::string(100000, ']'));
  raw("comparison-deep/nnviz/comparison.csv", "run,step\n");
  std::filesystem::create_directories(dir + "/comparison-missing/nnviz");
  // A valid comparison whose CSV (about 30 MB) holds more step points for one run than a comparison
  // ever records: its size must not decide how much memory it takes (kMaxSavedPoints).
  {
    std::filesystem::create_directories(dir + "/comparison-many/nnviz");
    ComparisonSpec c = ready_made("optimizers");
    json::Value v = c.to_json();
    json::Value labels = json::Value::array();
    for (size_t i = 0; i < c.values.size(); ++i) labels.push("run " + std::to_string(i));
    v.set("labels", labels);
    raw("comparison-many/nnviz/comparison.json", v.dump(2));
    std::string csv = "run,kind,step,epoch,time,loss,accuracy,lr,val_loss,val_accuracy,test_loss,test_accuracy\n";
    csv.reserve(size_t(32) << 20);
    char row[96];
    for (size_t k = 1; k <= kMaxSavedPoints + 1; ++k) {
      std::snprintf(row, sizeof row, "0,step,%zu,0.1,1,0.5,0.9,0.1,,,,\n", k);
      csv += row;
    }
    raw("comparison-many/nnviz/comparison.csv", csv);
  }
  // A FIFO as a save destination (it stands for any device: a save that followed it would block or
  // replace it).
  ::unlink((dir + "/fifo").c_str());
  ::mkfifo((dir + "/fifo").c_str(), 0600);
  std::printf("hostile files written to %s\n", dir.c_str());
  return 0;
}
