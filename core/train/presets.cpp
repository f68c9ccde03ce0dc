#include "train/presets.h"

namespace nnviz {

namespace {

NetSpec mlp(const std::vector<int>& hidden, const std::string& activation) {
  NetSpec n;
  n.input = Shape{1, 28, 28};
  for (int h : hidden) {
    n.layers.push_back(dense(h));
    n.layers.push_back(act(activation));
  }
  n.layers.push_back(dense(10));
  return n;
}

// A net of the given layers on MNIST images (convolutional nets flatten before their dense layers,
// as they read in PyTorch).
NetSpec chain(std::vector<LayerSpec> layers) {
  NetSpec n;
  n.input = Shape{1, 28, 28};
  n.layers = std::move(layers);
  return n;
}

TrainConfig recipe(const std::string& name, NetSpec net, InitKind init, OptKind opt, float lr, int batch, int epochs) {
  TrainConfig c;
  c.preset = name;
  c.net = std::move(net);
  c.init = init;
  c.opt.kind = opt;
  c.opt.lr = lr;
  c.batch = batch;
  c.epochs = epochs;
  c.schedule.total_epochs = float(epochs);
  return c;
}

std::vector<Preset> build() {
  std::vector<Preset> p;
  {
    // The classic recipe, plus two small changes that make its 97.8% reliable rather than a lucky
    // seed: the learning rate decays along a cosine to 0, and a light L2 penalty (1e-4).
    // Without them the same net ends at 97.5-97.9% depending on the seed.
    Preset x{"mlp100", "MLP 784-100-10, sigmoid, SGD (the classic)",
             "sigmoid MLP 784-100-10, SGD lr 0.2, batch 10, 30 epochs: 97.8%", 0.978,
             recipe("mlp100", mlp({100}, "sigmoid"), InitKind::Lecun, OptKind::Sgd, 0.2f, 10, 30)};
    x.config.schedule.kind = Schedule::Kind::Cosine;
    x.config.opt.weight_decay = 1e-4f;
    p.push_back(x);
  }
  {
    Preset x{"mlp30", "MLP 784-30-10, sigmoid, plain SGD (the book network)",
             "book network 784-30-10 with plain SGD", 0.95,
             recipe("mlp30", mlp({30}, "sigmoid"), InitKind::Lecun, OptKind::Sgd, 0.2f, 10, 30)};
    p.push_back(x);
  }
  {
    // Momentum 0.9 at lr 0.02 (the plain SGD step of 0.2, carried) ends near 95.5%: too big a
    // step for 30 units. Half of it, decayed along a cosine, with a hint of L2, reaches 96.3%.
    Preset x{"mlp30-momentum", "MLP 784-30-10, sigmoid, SGD with momentum (cosine decay)",
             "book network with momentum: ~96%", 0.96,
             recipe("mlp30-momentum", mlp({30}, "sigmoid"), InitKind::Lecun, OptKind::Momentum, 0.01f, 10, 30)};
    x.config.opt.momentum = 0.9f;
    x.config.opt.weight_decay = 5e-5f;
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    Preset x{"mlp30-nesterov", "MLP 784-30-10, sigmoid, Nesterov with step decay",
             "book network with Nesterov momentum and step decay: ~96%", 0.96,
             recipe("mlp30-nesterov", mlp({30}, "sigmoid"), InitKind::Lecun, OptKind::Nesterov, 0.02f, 10, 30)};
    x.config.opt.momentum = 0.9f;
    x.config.schedule.kind = Schedule::Kind::Step;
    x.config.schedule.step_epochs = 10;
    x.config.schedule.gamma = 0.5f;
    p.push_back(x);
  }
  {
    Preset x{"mlp30-l2", "MLP 784-30-10, sigmoid, SGD with L2 weight decay",
             "book network with L2 regularisation", 0.95,
             recipe("mlp30-l2", mlp({30}, "sigmoid"), InitKind::Lecun, OptKind::Sgd, 0.2f, 10, 30)};
    x.config.opt.weight_decay = 1e-4f;
    p.push_back(x);
  }
  {
    Preset x{"mlp256", "MLP 784-256-128-10, ReLU, He init",
             "ReLU MLP 784-256-128-10 with He initialisation: 97%", 0.97,
             recipe("mlp256", mlp({256, 128}, "relu"), InitKind::He, OptKind::Momentum, 0.05f, 64, 15)};
    x.config.opt.momentum = 0.9f;
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    Preset x{"mlp256-bn", "MLP 784-256-128-10, ReLU, batch norm on the 128-unit layer",
             "ReLU MLP 784-256-128-10 with He initialisation and batch norm: 97.1%", 0.971,
             recipe("mlp256-bn",
                    chain({dense(256), act("relu"), dense(128), batchnorm(), act("relu"), dense(10)}),
                    InitKind::He, OptKind::Momentum, 0.05f, 64, 5)};
    x.config.opt.momentum = 0.9f;
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    // mlp-plain and mlp-dropout-bn share the recipe, to compare them side by side.
    Preset x{"mlp-plain", "MLP 784-256-256-10, ReLU, Adam (compare with mlp-dropout-bn)",
             "no reference figure: the baseline for mlp-dropout-bn", 0,
             recipe("mlp-plain", mlp({256, 256}, "relu"), InitKind::He, OptKind::Adam, 1e-3f, 64, 10)};
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    Preset x{"mlp-dropout-bn", "MLP 784-256-256-10, ReLU, batch norm and dropout 0.2, Adam",
             "no reference figure: mlp-plain with batch norm and dropout", 0,
             recipe("mlp-dropout-bn",
                    chain({dense(256), batchnorm(), act("relu"), dropout(0.2f), dense(256), batchnorm(), act("relu"),
                           dropout(0.2f), dense(10)}),
                    InitKind::He, OptKind::Adam, 1e-3f, 64, 10)};
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    Preset x{"cnn-simple", "CNN conv8 3x3 pad 1, batch norm, max pool 2, dense 10",
             "no reference figure: a small convolutional net that trains in seconds", 0,
             recipe("cnn-simple",
                    chain({conv(8, 3, 1, 1), batchnorm(), act("relu"), maxpool(2), flatten(), dense(10)}),
                    InitKind::He, OptKind::Adam, 2e-3f, 64, 3)};
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    Preset x{"cnn-dilated", "CNN conv8 3x3 dilation 2, dense 128, dense 10",
             "conv 3x3 dilation 2 -> relu -> fc128 -> relu -> 10: 97%", 0.97,
             recipe("cnn-dilated",
                    chain({conv(8, 3, 1, 0, 2), act("relu"), flatten(), dense(128), act("relu"), dense(10)}),
                    InitKind::He, OptKind::Adam, 1e-3f, 64, 3)};
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    Preset x{"cnn8", "CNN conv8 5x5, max pool 2, dense 100, dense 10",
             "conv8(5x5) -> relu -> maxpool2 -> fc100 -> relu -> 10: 98.7%", 0.987,
             recipe("cnn8",
                    chain({conv(8, 5), act("relu"), maxpool(2), flatten(), dense(100), act("relu"), dense(10)}),
                    InitKind::He, OptKind::AdamW, 2e-3f, 64, 10)};
    // Decoupled weight decay keeps it from overfitting: plain Adam ends at 98.6-98.75% over seeds,
    // this recipe at 98.8-98.9%.
    x.config.opt.weight_decay = 0.05f;
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  {
    Preset x{"cnn8-16", "CNN conv8 5x5, conv16 5x5, max pool 2, dense 100, dense 10",
             "conv8(5x5) -> relu -> conv16(5x5) -> relu -> maxpool2 -> fc100 -> relu -> 10: 99.0%", 0.99,
             recipe("cnn8-16",
                    chain({conv(8, 5), act("relu"), conv(16, 5), act("relu"), maxpool(2), flatten(), dense(100),
                           act("relu"), dense(10)}),
                    InitKind::He, OptKind::AdamW, 2e-3f, 64, 10)};
    x.config.opt.weight_decay = 0.05f;  // as cnn8: 99.1-99.3% over seeds
    x.config.schedule.kind = Schedule::Kind::Cosine;
    p.push_back(x);
  }
  return p;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = build();
  return all;
}

std::string preset_names() {
  std::string s;
  for (const auto& p : presets()) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

const Preset& find_preset(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name) return p;
  throw Error("[presets] unknown preset '" + name + "' (available: " + preset_names() + ")");
}

}  // namespace nnviz
