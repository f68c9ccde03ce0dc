// Writes the model files the screen checks open (tests/app/gui/screen_matrix.py): networks a student
// builds in the layer editor that the presets do not cover, one wide and one deep.
//   dense2000.safetensors  784 -> dense 2000 -> relu -> dense 10 (the weights view's 2000 tiles)
//   conv6bn.safetensors    six 3x3 convolutions (16, 16, 32, 32, 64, 64 filters), each with batch
//                          norm and ReLU, max pools after the second and fourth, dense 10
//
//   make_models DIR
#include <cstdio>
#include <filesystem>
#include <string>

#include "io/model_io.h"
#include "nn/network.h"

using namespace nnviz;

namespace {

void write(const std::string& path, const NetSpec& spec) {
  Network net(spec);
  net.initialise(InitKind::He, 1);
  ModelFile meta;
  meta.config.net = spec;
  meta.config.init = InitKind::He;
  meta.config.opt.kind = OptKind::Adam;
  meta.config.opt.lr = 1e-3f;
  meta.config.batch = 32;
  save_model(path, net, meta);
  std::printf("%s: %s, %lld parameters\n", path.c_str(), spec.describe().c_str(), static_cast<long long>(net.param_count()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_models DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::filesystem::create_directories(dir);
  try {
    NetSpec wide;
    wide.layers = {dense(2000), act("relu"), dense(10)};
    write(dir + "/dense2000.safetensors", wide);
    NetSpec deep;
    for (int block = 0; block < 3; ++block) {
      const int filters = 16 << block;
      for (int k = 0; k < 2; ++k) {
        deep.layers.push_back(conv(filters, 3, 1, 1));
        deep.layers.push_back(batchnorm());
        deep.layers.push_back(act("relu"));
      }
      if (block < 2) deep.layers.push_back(maxpool(2));
    }
    deep.layers.push_back(flatten());
    deep.layers.push_back(dense(10));
    write(dir + "/conv6bn.safetensors", deep);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_models: %s\n", e.what());
    return 1;
  }
  return 0;
}
