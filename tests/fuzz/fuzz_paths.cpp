#include "fuzz_paths.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <stb_image.h>

#include "base/json.h"
#include "data/idx.h"
#include "data/image_file.h"
#include "data/preprocess.h"
#include "engine/compare.h"
#include "io/model_io.h"
#include "io/run_file.h"
#include "io/safetensors.h"
#include "labs/playground.h"
#include "lessons/goal_tracker.h"
#include "lessons/lesson.h"
#include "../support/lesson_names.h"
#include "nn/conv.h"
#include "nn/network.h"
#include "nn/optimizer.h"
#include "train/trainer.h"

namespace nnviz::fuzz {

namespace {

// An invariant of the code under test does not hold: report it the way a crash is reported.
[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

// Small networks only, so every input stays fast: the limits in the core bound the rest.
constexpr int64_t kMaxRunInputs = 4096;
constexpr int64_t kMaxRunParams = 1 << 20;
constexpr int64_t kMaxRunValues = 1 << 16;    // per sample, any layer's output
constexpr int64_t kMaxRunPatches = 1 << 22;   // a convolution's patch matrix

bool small_enough(Network& net) {
  if (net.input_shape().size() > kMaxRunInputs || net.param_count() > kMaxRunParams) return false;
  for (size_t i = 0; i < net.num_layers(); ++i) {
    if (net.layer(i).out_shape().size() > kMaxRunValues) return false;
    if (const auto* c = dynamic_cast<const Conv2D*>(&net.layer(i)))
      if (int64_t(c->geometry().pixels()) * c->geometry().taps() > kMaxRunPatches) return false;
  }
  return true;
}

// An architecture that builds must also compute: inference, a training forward pass (dropout,
// batch statistics), the loss and a backward pass down to the input, on two samples.
void run(Network& net) {
  if (!small_enough(net)) return;
  Mat x(net.input_shape().size(), 2);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = Scalar(std::sin(0.37 * double(i)));
  net.forward(x, false);
  net.forward(x, true);
  const uint8_t labels[2] = {0, 0};
  net.loss(labels);
  net.backward(true);
}

std::string temp_path(const char* tag, const char* suffix) {
  return (std::filesystem::temp_directory_path() /
          ("nnviz-fuzz-" + std::string(tag) + "-" + std::to_string(::getpid()) + suffix))
      .string();
}

}  // namespace

void idx(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  try {
    const IdxImages img = parse_idx_images(bytes, "fuzz");
    if (img.pixels.size() != size_t(img.count) * img.rows * img.cols) broken("IDX pixel count");
  } catch (const Error&) {
  }
  try {
    const auto labels = parse_idx_labels(bytes, "fuzz", 10);
    for (uint8_t l : labels)
      if (l >= 10) broken("IDX label out of range");
  } catch (const Error&) {
  }
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    // The .gz path: read_file decompresses, then the same parsers.
    const std::string path = temp_path("idx", ".gz");
    {
      std::ofstream f(path, std::ios::binary);
      f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
      read_idx_images(path);
    } catch (const Error&) {
    }
    try {
      read_idx_labels(path);
    } catch (const Error&) {
    }
    std::remove(path.c_str());
  }
}

void model(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  StFile parsed;
  bool ok = false;
  try {
    parsed = st_parse(bytes, "fuzz");
    ok = true;
  } catch (const Error&) {
  }
  if (ok) {
    // What the reader accepts, the writer writes back in a form the reader accepts again.
    const std::string again = st_serialize(parsed);
    const StFile back = st_parse(std::vector<uint8_t>(again.begin(), again.end()), "fuzz round trip");
    if (back.tensors.size() != parsed.tensors.size() || back.metadata != parsed.metadata)
      broken("safetensors round trip");
    for (size_t i = 0; i < back.tensors.size(); ++i)
      if (back.tensors[i].shape != parsed.tensors[i].shape || back.tensors[i].data.size() != parsed.tensors[i].data.size())
        broken("safetensors round trip of a tensor");
  }
  try {
    LoadedModel m = load_model_bytes(bytes, "fuzz");
    run(m.net);
  } catch (const Error&) {
  }
}

namespace {
struct EvalShape {
  Shape in;
  int classes;
};
// The seed models' own shapes (make_seeds.cpp) and MNIST's.
const EvalShape kEvalShapes[4] = {{{1, 2, 3}, 3}, {{1, 6, 6}, 3}, {{2, 5, 5}, 2}, {{1, 28, 28}, 10}};
}  // namespace

void eval(const uint8_t* data, size_t size) {
  if (size < 1) return;
  const EvalShape& shape = kEvalShapes[data[0] % 4];
  std::unique_ptr<LoadedModel> loaded;
  try {
    loaded = std::make_unique<LoadedModel>(load_model_bytes(std::vector<uint8_t>(data + 1, data + size), "fuzz"));
  } catch (const Error&) {
    return;
  }
  LoadedModel& m = *loaded;
  if (!small_enough(m.net)) return;
  Split split;
  split.count = 5;
  split.x.resize(shape.in.size(), split.count);
  for (Eigen::Index i = 0; i < split.x.size(); ++i) split.x.data()[i] = Scalar(std::cos(0.29 * double(i)));
  for (int j = 0; j < split.count; ++j) split.y.push_back(uint8_t(j % shape.classes));
  const bool fits = fit_problem(m.net, shape.in, shape.classes).empty();
  try {
    std::vector<int> pred;
    const EvalStats e = evaluate(m.net, split, -1, &pred);
    if (!fits && m.net.input_shape().size() != shape.in.size()) broken("evaluate ran a model on data of another size");
    if (fits) {
      if (e.count != split.count || pred.size() != size_t(split.count)) broken("evaluate's count");
      for (int p : pred)
        if (p < 0 || p >= shape.classes) broken("a prediction outside the classes");
    }
  } catch (const Error&) {
    if (fits) broken("evaluate refused a model that fits the data");
  }
}

void image(const uint8_t* data, size_t size) {
  if (size > size_t(1) << 30) return;
  int w = 0, h = 0, ch = 0;
  if (!stbi_info_from_memory(data, static_cast<int>(size), &w, &h, &ch)) return;
  // Stricter here than the product, to keep every input fast: the code below does not depend on
  // the size beyond this.
  if (int64_t(w) * std::abs(int64_t(h)) > (1 << 20)) return;
  DecodedImage img;
  try {
    img = decode_image(std::vector<uint8_t>(data, data + size), "fuzz");  // what nnviz-cli predict does
  } catch (const Error&) {
    return;
  }
  w = img.w, h = img.h, ch = img.channels;
  if (w <= 0 || h <= 0 || int64_t(w) * h > (1 << 20) || ch < 1 || ch > 4 || img.px.size() != size_t(w) * h * ch)
    broken("decode_image returned an unexpected size");
  const unsigned char* px = img.px.data();
  const GrayImage g = to_gray_ink(px, w, h, ch);
  if (g.v.size() != size_t(w) * h) broken("gray image size");
  for (float v : g.v)
    if (!(v >= 0.f && v <= 1.f)) broken("gray value outside [0, 1]");
  const auto d = to_mnist(g);
  if (!d) return;
  if (d->pixels.size() != 28 * 28) broken("digit size");
  for (float v : d->pixels)
    if (!(v >= 0.f && v <= 1.f)) broken("digit pixel outside [0, 1]");
  if (!(d->com_x >= 0 && d->com_x <= 28 && d->com_y >= 0 && d->com_y <= 28)) broken("centre of mass outside the digit");
  const Mat x = to_input(*d, Normalisation{});
  if (x.rows() != 28 * 28 || !x.allFinite()) broken("network input");
}

void config(const uint8_t* data, size_t size) {
  json::Value v;
  try {
    v = json::parse(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const Error&) {
    return;
  }
  // What the parser accepts, the writer writes back in a form the parser accepts again.
  try {
    json::parse(v.dump());
    json::parse(v.dump(2));
  } catch (const Error&) {
    broken("JSON dump-parse round trip");
  }
  try {
    const NetSpec spec = NetSpec::from_json(v);
    Network net(spec);
    net.initialise(InitKind::He, 1);
    run(net);
  } catch (const Error&) {
  }
  try {
    const TrainConfig c = TrainConfig::from_json(v);
    Network net(c.net);
    net.initialise(c.init, c.seed);
    run(net);
  } catch (const Error&) {
  }
  try {
    const ComparisonSpec s = ComparisonSpec::from_json(v);
    expand(s);
  } catch (const Error&) {
  }
}

void run_file(const uint8_t* data, size_t size) {
  RunRecord r;
  try {
    r = load_run_bytes(std::vector<uint8_t>(data, data + size), "fuzz");
  } catch (const Error&) {
    return;
  }
  if (r.step < 0 || r.step > kMaxRunSteps || r.epoch < 0 || r.epoch > kMaxRunEpochs || r.cursor > kMaxRunCursor ||
      r.opt_t < 0 || r.opt_t > kMaxRunSteps)
    broken("run position outside its range");
  for (const auto& p : r.steps)
    if (!point_problem(p).empty()) broken("history.steps point outside its range");
  for (const auto& e : r.evals)
    if (!point_problem(e).empty()) broken("history.evals point outside its range");
  if (!config_problem(r.meta.config).empty()) broken("run settings outside their range");
  if (!(r.meta.norm.std >= kMinNormStd && std::fabs(r.meta.norm.mean) <= kMaxNormMean)) broken("normalisation");
  Network& net = *r.net;
  if (!small_enough(net)) return;
  run(net);
  // One step from the restored optimizer state, as continuing the run would take.
  const auto params = net.param_list();
  if (r.opt_t > 0 && r.opt_state.size() != params.size()) broken("optimizer state count");
  Optimizer opt(r.meta.config.opt);
  opt.restore(r.opt_state, r.opt_t);
  opt.step(params, r.meta.config.schedule.lr_at(r.meta.config.opt.lr, r.epoch));
}

void comparison(const uint8_t* data, size_t size) {
  const char* text = reinterpret_cast<const char*>(data);
  const char* nul = static_cast<const char*>(std::memchr(text, 0, size));
  const std::string json_text(text, nul ? nul : text + size);
  const std::string csv_text = nul ? std::string(nul + 1, text + size) : std::string();
  SavedComparison s;
  try {
    s = parse_comparison(json_text, csv_text, "fuzz.json", "fuzz.csv");
  } catch (const Error&) {
    return;
  }
  const size_t n = s.spec.values.size();
  if (n < 2 || n > 8 || s.labels.size() != n || s.steps.size() != n || s.evals.size() != n)
    broken("comparison run count");
  if (!(s.spec.target_accuracy > 0 && s.spec.target_accuracy <= 1)) broken("target accuracy");
  const std::vector<TrainConfig> configs = expand(s.spec);  // accepted once, accepted again
  for (size_t i = 0; i < n; ++i) {
    for (const auto& p : s.steps[i])
      if (!point_problem(p).empty()) broken("comparison step point outside its range");
    for (const auto& e : s.evals[i])
      if (!point_problem(e).empty()) broken("comparison evaluation outside its range");
    summarize(s.labels[i], s.steps[i], s.evals[i], s.spec.target_accuracy, configs[i].batch);
  }
}

namespace {

// The playground's network: inputs -> 8 tanh units -> outputs, Adam, as the app builds it.
void train_playground(const Toy& all, int outputs, const char* loss) {
  Toy train, test;
  split_toy(all, 0.2, 7, train, test);
  NetSpec s;
  s.input = Shape{int(all.x.rows()), 1, 1};
  s.layers.push_back(dense(8, true));
  s.layers.push_back(act("tanh"));
  s.layers.push_back(dense(outputs, true));
  s.loss = loss;
  OptConfig o;
  o.kind = OptKind::Adam;
  o.lr = 0.01;
  Playground pg(s, o, InitKind::XavierUniform, 1, train, test);
  for (int i = 0; i < 3; ++i)
    if (!std::isfinite(pg.step(16))) broken("playground loss not finite");
  if (!std::isfinite(pg.loss(test))) broken("playground test loss not finite");
}

}  // namespace

void playground(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    if (rest.size() > 4096) return;  // the app's expression field holds far less
    Toy all;
    try {
      all = make_regression(Expr::parse(rest), 64, -5, 5, 0.1, 3);
    } catch (const Error&) {
      return;
    }
    for (Eigen::Index i = 0; i < all.y.size(); ++i)
      if (!(std::fabs(all.y.data()[i]) <= 1.5 * kMaxPlaygroundValue)) broken("regression target out of range");
    train_playground(all, 1, "mse");
    return;
  }
  const std::string path = temp_path("csv", ".csv");
  {
    std::ofstream f(path, std::ios::binary);
    f.write(rest.data(), std::streamsize(rest.size()));
  }
  Toy all;
  long rows = 0;
  bool ok = false;
  try {
    all = load_points_csv(path, &rows);
    ok = true;
  } catch (const Error&) {
  }
  std::remove(path.c_str());
  if (!ok) return;
  if (all.count() < 4 || all.count() > kMaxPlaygroundPoints || rows < all.count() || all.x.rows() != 2 ||
      all.labels.size() != size_t(all.count()))
    broken("points file: count");
  for (uint8_t l : all.labels)
    if (l > 1) broken("points file: label");
  if (!(all.x.cwiseAbs().maxCoeff() <= Scalar(kMaxPlaygroundValue))) broken("points file: value");
  train_playground(all, 2, "softmax_cross_entropy");
}

void lesson(const uint8_t* data, size_t size) {
  const LessonNames& names = test::LessonNamesOfTheApp();
  Lesson l;
  try {
    l = parse_lesson(std::string(reinterpret_cast<const char*>(data), size), "fuzz.nnviz-lesson.json", names);
  } catch (const Error&) {
    return;
  }
  const std::string written = lesson_to_json(l).dump(2);
  try {
    if (lesson_to_json(parse_lesson(written, "written", names)).dump(2) != written) broken("lesson write-read round trip");
  } catch (const Error&) {
    broken("a lesson nnviz wrote is refused");
  }
  TrainConfig settings = l.start.config;
  for (const Goal& g : l.goals) {
    for (double v : {0.0, 0.5, 1.0, 1e9, std::nan(""), HUGE_VAL})
      (void)goal_met(g, {v, 100, 1.5, &settings});
    for (const char* a : {"0", "1", "-0.5", "x", ""}) (void)answer_right(g, a);
  }
}

}  // namespace nnviz::fuzz
