// Writes the networks the ONNX export test checks (tests/app/cli/check_onnx.py): between them every
// layer type and setting nnviz has, each trained for 60 mini-batches on real MNIST (so batch norm's
// running statistics are not their initial ones), saved as a model file, and nnviz's own outputs
// for the first 1,000 test images beside it:
//   NAME.safetensors   the model
//   NAME.outputs.f32   float32 [1000, K], little-endian: the logits (a classifier) or the outputs
//   NAME.pixels.f32    float32 [1000, C, H, W]: the inputs in [0, 1], for a case not on MNIST's
//                      digits as they are (the colour case: MNIST's digits painted in colours)
//
//   make_onnx_cases DIR MNIST_DIR
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "data/dataset.h"
#include "io/model_io.h"
#include "train/trainer.h"

using namespace nnviz;

namespace {

constexpr int kImages = 1000;

void write_case(const std::string& dir, const std::string& name, const NetSpec& spec, NormMode norm,
                const std::string& mnist) {
  TrainConfig cfg;
  cfg.net = spec;
  cfg.init = InitKind::He;
  cfg.opt.kind = OptKind::Adam;
  cfg.opt.lr = 1e-3f;
  cfg.batch = 32;
  cfg.epochs = 1;
  cfg.norm = norm;
  const Dataset data = Dataset::load(DatasetKind::Mnist, mnist, norm);
  Trainer tr(cfg, data);
  for (int s = 0; s < 60; ++s) tr.step();
  ModelFile meta;
  meta.config = cfg;
  meta.norm = data.norm;
  const std::string path = dir + "/" + name + ".safetensors";
  save_model(path, tr.net(), meta);

  // The outputs of the file as nnviz reads it back, on the test images as nnviz prepares them.
  LoadedModel m = load_model(path);
  const Mat& out = m.net.forward(data.test.x.leftCols(kImages), false);  // (K x 1000)
  std::ofstream f(dir + "/" + name + ".outputs.f32", std::ios::binary);
  for (int j = 0; j < kImages; ++j)
    for (int k = 0; k < out.rows(); ++k) {
      const float v = float(out(k, j));
      f.write(reinterpret_cast<const char*>(&v), sizeof v);
    }
  if (!f) throw std::runtime_error("cannot write the outputs of " + name);
  const EvalStats e = tr.evaluate(data.test, kImages);
  std::printf("%s: %s, test accuracy on %d images %.2f%%\n", name.c_str(), spec.describe().c_str(), kImages,
              e.accuracy * 100);
}

// A colour network: MNIST's digits painted in a colour of their own each (ink = the colour times
// the digit's grey), 3x28x28, as an image folder's pictures are laid out (channel by channel).
void write_colour_case(const std::string& dir, const std::string& mnist) {
  const Dataset grey = Dataset::load(DatasetKind::Mnist, mnist, NormMode::Unit);
  std::vector<uint8_t> px[3], labels[3];
  const int counts[3] = {4000, 200, kImages};
  const Split* from[3] = {&grey.train, &grey.val, &grey.test};
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < counts[s]; ++i) {
      const uint8_t* g = from[s]->pixels.data() + size_t(i) * 784;
      const float colour[3] = {float((i * 37) % 256) / 255, float((i * 91 + 80) % 256) / 255, float((i * 53 + 160) % 256) / 255};
      for (int c = 0; c < 3; ++c)
        for (int p = 0; p < 784; ++p) px[s].push_back(uint8_t(std::lround(g[p] * colour[c])));
      labels[s].push_back(from[s]->y[size_t(i)]);
    }
  const Dataset data = Dataset::from_splits(28, 28, 3, px, labels, NormMode::Standard);
  TrainConfig cfg;
  cfg.net.input = data.input_shape();
  cfg.net.layers = {conv(8, 5), act("relu"), maxpool(2), flatten(), dense(10)};
  cfg.init = InitKind::He;
  cfg.opt.kind = OptKind::Adam;
  cfg.opt.lr = 1e-3f;
  cfg.batch = 32;
  Trainer tr(cfg, data);
  for (int s = 0; s < 60; ++s) tr.step();
  ModelFile meta;
  meta.config = cfg;
  meta.norm = data.norm;
  const std::string name = "conv-colour", path = dir + "/" + name + ".safetensors";
  save_model(path, tr.net(), meta);
  LoadedModel m = load_model(path);
  const Mat& out = m.net.forward(data.test.x.leftCols(kImages), false);
  std::ofstream f(dir + "/" + name + ".outputs.f32", std::ios::binary);
  for (int j = 0; j < kImages; ++j)
    for (int k = 0; k < out.rows(); ++k) {
      const float v = float(out(k, j));
      f.write(reinterpret_cast<const char*>(&v), sizeof v);
    }
  std::ofstream p(dir + "/" + name + ".pixels.f32", std::ios::binary);
  for (size_t i = 0; i < size_t(kImages) * 3 * 784; ++i) {
    const float v = float(data.test.pixels[i]) / 255.f;
    p.write(reinterpret_cast<const char*>(&v), sizeof v);
  }
  if (!f || !p) throw std::runtime_error("cannot write the outputs of " + name);
  std::printf("%s: %s, test accuracy on %d images %.2f%%\n", name.c_str(), cfg.net.describe().c_str(), kImages,
              tr.evaluate(data.test, kImages).accuracy * 100);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_onnx_cases DIR MNIST_DIR\n");
    return 2;
  }
  const std::string dir = argv[1], mnist = argv[2];
  std::filesystem::create_directories(dir);
  try {
    // A dense net on the image itself (no flatten layer): sigmoid, the standard normalisation.
    NetSpec mlp;
    mlp.layers = {dense(100), act("sigmoid"), dense(10)};
    write_case(dir, "mlp-sigmoid", mlp, NormMode::Standard, mnist);

    // Every setting of the convolutions and pools: padding, stride, dilation, no bias, a pool
    // whose windows overlap and do not tile the map; batch norm on maps and on vectors, dropout,
    // leaky ReLU and tanh.
    NetSpec conv_all;
    conv_all.layers = {conv(8, 5, 1, 2),
                       batchnorm(),
                       act("relu"),
                       conv(6, 3, 2, 1, 2, false),
                       act("leaky_relu", 0.1f),
                       maxpool(3, 2),
                       dropout(0.3f),
                       flatten(),
                       dense(32, false),
                       batchnorm(),
                       act("tanh"),
                       dense(10)};
    write_case(dir, "conv-every-setting", conv_all, NormMode::Standard, mnist);

    // Mean squared error (the output is not a softmax's input) and pixels in [0, 1] unchanged.
    NetSpec mse;
    mse.layers = {flatten(), dense(30), act("relu"), dropout(0.5f), dense(10)};
    mse.loss = "mse";
    write_case(dir, "mse-unit", mse, NormMode::Unit, mnist);

    // A network on colour pictures (three input channels, as an image folder's).
    write_colour_case(dir, mnist);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_onnx_cases: %s\n", e.what());
    return 1;
  }
  return 0;
}
