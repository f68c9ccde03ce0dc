#include "presets.h"

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
    Preset x{"mlp30-momentum", "MLP 784-30-10, sigmoid, SGD with momentum",
             "book network with momentum: ~96%", 0.96,
             recipe("mlp30-momentum", mlp({30}, "sigmoid"), InitKind::Lecun, OptKind::Momentum, 0.02f, 10, 30)};
    x.config.opt.momentum = 0.9f;
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
