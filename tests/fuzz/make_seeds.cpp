// Writes the seed corpus of the fuzz targets: a few small, valid inputs of each kind, from which
// the fuzzers mutate. Generated rather than committed, so the seeds always match the current
// formats (model files are written by save_model itself).
//
//   fuzz_seeds DIR     writes DIR/idx, DIR/model, DIR/image, DIR/config, DIR/run, DIR/comparison, DIR/playground and DIR/lesson
//
// Run files and comparisons come from real, short training runs on a small synthetic dataset
// (tests/support/synthetic.h), saved by the engine as the app saves them.
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <stb_image_write.h>

#include "../support/synthetic.h"
#include "engine/compare.h"
#include "engine/engine.h"
#include "io/model_io.h"
#include "lessons/lesson.h"
#include "train/presets.h"

using namespace nnviz;

namespace {

std::string g_dir;

void put(const std::string& target, const std::string& name, const std::string& bytes) {
  const std::filesystem::path dir = std::filesystem::path(g_dir) / target;
  std::filesystem::create_directories(dir);
  std::ofstream f(dir / name, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string gzip(const std::string& raw) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // 15 + 16: a gzip wrapper
  std::string out(deflateBound(&zs, static_cast<uLong>(raw.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string idx(const std::vector<uint32_t>& dims, const std::string& data) {
  std::string b = {0, 0, 8, static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((d >> shift) & 0xFF);
  return b + data;
}

// A digit-like stroke: a slanted bar with soft edges, ink value in [0, 1].
float stroke(int x, int y, int w, int h) {
  const double u = (x + 0.5) / w - 0.5, v = (y + 0.5) / h - 0.5;
  const double d = std::fabs(u - 0.3 * v);
  return std::abs(v) > 0.35 ? 0.f : static_cast<float>(std::clamp(1.0 - (d - 0.06) / 0.05, 0.0, 1.0));
}

void write_fn(void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); }

// channels 1: light ink on black; 3: dark ink on white; 4: dark ink on a transparent page.
std::string pixels(int w, int h, int channels) {
  std::string p;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float s = stroke(x, y, w, h);
      const auto ink = static_cast<char>(std::lround(255 * s)), dark = static_cast<char>(std::lround(255 * (1 - s)));
      if (channels == 1) p += ink;
      if (channels == 2) p += {ink, static_cast<char>(255)};
      if (channels == 3) p += {dark, dark, dark};
      if (channels == 4) p += {0, 0, 0, ink};
    }
  return p;
}

void images() {
  const int w = 12, h = 16;
  std::string out;
  stbi_write_png_to_func(write_fn, &out, w, h, 1, pixels(w, h, 1).data(), w);
  put("image", "gray.png", out);
  out.clear();
  stbi_write_png_to_func(write_fn, &out, w, h, 4, pixels(w, h, 4).data(), w * 4);
  put("image", "transparent.png", out);
  out.clear();
  stbi_write_png_to_func(write_fn, &out, w, h, 2, pixels(w, h, 2).data(), w * 2);
  put("image", "gray-alpha.png", out);
  out.clear();
  stbi_write_jpg_to_func(write_fn, &out, w, h, 3, pixels(w, h, 3).data(), 80);
  put("image", "paper.jpg", out);
  out.clear();
  stbi_write_bmp_to_func(write_fn, &out, w, h, 3, pixels(w, h, 3).data());
  put("image", "paper.bmp", out);
  out.clear();
  stbi_write_tga_to_func(write_fn, &out, w, h, 4, pixels(w, h, 4).data());
  put("image", "transparent.tga", out);
  put("image", "digit.pgm", "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n" + pixels(w, h, 1));
  put("image", "digit.ppm", "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n" + pixels(w, h, 3));
}

void idx_files() {
  std::string img, labels;
  for (int n = 0; n < 3; ++n) {
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 5; ++x) img += static_cast<char>(std::lround(255 * stroke(x + n, y, 5 + n, 6)));
    labels += static_cast<char>(n * 4);
  }
  const std::string images = idx({3, 6, 5}, img), label_file = idx({3}, labels);
  put("idx", "images", images);
  put("idx", "labels", label_file);
  put("idx", "images.gz", gzip(images));
  put("idx", "labels.gz", gzip(label_file));
  put("idx", "mnist-size", idx({1, 28, 28}, pixels(28, 28, 1)));
}

void save(const std::string& name, const NetSpec& spec, NormMode mode) {
  Network net(spec);
  net.initialise(InitKind::He, 7);
  ModelFile meta;
  meta.config = find_preset("cnn-simple").config;
  meta.config.net = spec;
  meta.norm.mode = mode;
  meta.norm.mean = mode == NormMode::Standard ? 0.13f : 0.f;
  meta.norm.std = mode == NormMode::Standard ? 0.31f : 1.f;
  meta.info.set("epochs_trained", 1);
  const std::string path = (std::filesystem::path(g_dir) / "model" / name).string();
  std::filesystem::create_directories(std::filesystem::path(g_dir) / "model");
  save_model(path, net, meta);
  // The eval target's seeds: the model behind each of the four data shapes' selector bytes
  // (fuzz_paths.cpp, kEvalShapes), so both fitting and refused pairs are in the corpus.
  std::filesystem::create_directories(std::filesystem::path(g_dir) / "eval");
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char selector = 0; selector < 4; ++selector)
    put("eval", std::to_string(int(selector)) + "-" + name, std::string(1, selector) + bytes);
}

void models() {
  NetSpec mlp;
  mlp.input = Shape{1, 2, 3};
  mlp.layers = {dense(4), act("sigmoid"), dense(3, false)};
  save("mlp.safetensors", mlp, NormMode::Standard);

  NetSpec cnn;
  cnn.input = Shape{1, 6, 6};
  cnn.layers = {conv(2, 3, 1, 1), batchnorm(), act("leaky_relu", 0.1f), maxpool(2), flatten(), dropout(0.25f),
                dense(3), act("tanh")};
  cnn.loss = "mse";
  save("cnn.safetensors", cnn, NormMode::Unit);

  NetSpec strided;
  strided.input = Shape{2, 5, 5};
  strided.layers = {conv(1, 2, 2, 0, 2, false), act("relu"), dense(2)};
  save("strided.safetensors", strided, NormMode::Standard);
}

void configs() {
  NetSpec cnn;
  cnn.input = Shape{1, 8, 8};
  cnn.layers = {conv(2, 3, 2, 1, 1), batchnorm(), act("relu"), maxpool(2, 1), flatten(), dropout(0.5f), dense(10)};
  put("config", "netspec.json", cnn.to_json().dump());
  put("config", "train-mlp100.json", find_preset("mlp100").config.to_json().dump(2));
  put("config", "train-cnn8-16.json", find_preset("cnn8-16").config.to_json().dump());
  for (const std::string& name : {"optimizers", "batch-sizes"}) {
    json::Value v = ready_made(name).to_json();
    v.set("labels", json::Value::array());
    put("config", "compare-" + name + ".json", v.dump());
  }
}

// Until every run is idle (and a moment more, for the evaluations that follow an epoch's end).
template <class Idle>
void settle(Idle idle) {
  const auto t0 = std::chrono::steady_clock::now();
  while (!idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  while (!idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

std::string read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::shared_ptr<const Dataset> small_data() {
  static auto d = std::make_shared<const Dataset>(test::quadrants(400, 100));
  return d;
}

void runs() {
  const std::filesystem::path dir = std::filesystem::path(g_dir) / "run";
  std::filesystem::create_directories(dir);
  // Adam (two state tensors a parameter), one and a half epochs: an evaluation, a place mid-epoch.
  TrainConfig adam = test::quadrant_config();
  adam.opt.kind = OptKind::Adam;
  adam.opt.lr = 0.01f;
  {
    Run r(adam, small_data());
    r.run_steps(30);
    settle([&] { return r.idle(); });
    r.save_run((dir / "adam-mlp.run.safetensors").string());
  }
  // Momentum on a small CNN with batch norm (buffers), a change of learning rate in the middle.
  TrainConfig cnn = test::quadrant_config();
  cnn.net.layers = {conv(2, 3, 1, 1), batchnorm(), act("leaky_relu", 0.1f), maxpool(2), flatten(), dense(4)};
  cnn.opt.kind = OptKind::Momentum;
  cnn.opt.lr = 0.05f;
  cnn.schedule.kind = Schedule::Kind::Cosine;
  {
    Run r(cnn, small_data());
    r.run_steps(12);
    settle([&] { return r.idle(); });
    OptConfig o = cnn.opt;
    o.lr = 0.02f;
    r.set_optimizer(o);
    r.run_steps(12);
    settle([&] { return r.idle(); });
    r.save_run((dir / "momentum-cnn.run.safetensors").string());
  }
  // Saved before the first step: no optimizer state, no history.
  Run fresh(test::quadrant_config(), small_data());
  settle([&] { return fresh.idle(); });
  fresh.save_run((dir / "fresh.run.safetensors").string());
}

void comparisons() {
  const std::filesystem::path dir = std::filesystem::path(g_dir) / "comparison";
  std::filesystem::create_directories(dir);
  ComparisonSpec s;
  s.base = test::quadrant_config();
  s.what = Varied::Optimizer;
  s.values = {"sgd:0.3", "momentum:0.05", "adam:0.01"};
  s.target_accuracy = 0.8;
  {
    Comparison c(s, small_data());
    for (size_t i = 0; i < c.size(); ++i) c.run(i).run_steps(30);
    settle([&] { return c.idle(); });
    c.poll();
    const std::string json = (dir / "optimizers.json").string(), csv = (dir / "optimizers.csv").string();
    c.save(json, csv);
    put("comparison", "optimizers", read(json) + std::string(1, '\0') + read(csv));
    std::filesystem::remove(json);
    std::filesystem::remove(csv);
  }
  // The JSON alone (an empty CSV): a comparison saved before it ran.
  s.what = Varied::BatchSize;
  s.values = {"8", "32"};
  Comparison c(s, small_data());
  const std::string json = (dir / "batches.json").string(), csv = (dir / "batches.csv").string();
  c.save(json, csv);
  put("comparison", "batches-json-only", read(json));
  std::filesystem::remove(json);
  std::filesystem::remove(csv);
}

// The playground target: byte 0 even, an expression; odd, a points file.
void playgrounds() {
  const char* exprs[] = {"sin(x) + x", "x^2 - 3*x + 1", "step(x) * exp(-abs(x))", "tanh(2*x) / (1 + x^2)",
                         "sqrt(abs(x)) * cos(pi * x)", "log(1 + x^2) - e"};
  int i = 0;
  for (const char* e : exprs) put("playground", "expr-" + std::to_string(i++), std::string(1, '\0') + e);
  put("playground", "points-header", std::string(1, '\1') + "x,y,label\n0,0,0\n1,1,1\n-1,0.5,0\n2,-1,1\n0.5,0.5,1\n");
  put("playground", "points-crlf", std::string(1, '\1') + "# comment\r\n1e3,-2e3,1\r\n-4,5,0\r\n3,3,0\r\n-2,-7,1\r\n");
  std::string many(1, '\1');
  for (int k = 0; k < 300; ++k)
    many += std::to_string(std::sin(0.1 * k)) + "," + std::to_string(std::cos(0.13 * k)) + "," + std::to_string(k % 2) + "\n";
  put("playground", "points-300", many);
}

// The lesson target: the guide's complete example (docs/lessons.md), and a lesson of every kind of
// goal as nnviz writes it.
void lessons() {
  std::ifstream f(NNVIZ_DOCS_DIR "/lessons.md", std::ios::binary);
  const std::string md((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t a = md.find("```json\n"), b = md.find("```", a + 8);
  if (a == std::string::npos || b == std::string::npos) throw std::runtime_error("no example in docs/lessons.md");
  put("lesson", "guide-example", md.substr(a + 8, b - a - 8));
  Lesson l;
  l.id = "every-goal";
  l.title = "Every kind of goal";
  l.start.config = find_preset("mlp256").config;
  l.start.playground.used = true;
  l.start.views = {"curves", "playground"};
  l.hide = {"setup", "weights"};
  l.pages.push_back({"One", "# Heading\n\nText with *emphasis*.\n\n- a list item", "", {"curves", "training.lr"}});
  int i = 0;
  for (GoalMetric m : AllGoalMetrics()) {
    Goal g;
    g.id = "g" + std::to_string(i++);
    g.text = to_string(m);
    g.metric = m;
    g.threshold = 0.5;
    if (m == GoalMetric::DeadRelu) g.layer = 1;
    if (m == GoalMetric::GradNorm) g.layer = 0;
    if (m == GoalMetric::PathDistance) g.subject = "adam";
    if (m == GoalMetric::ComparisonWinner) g.subject = "0.1";
    if (m == GoalMetric::PlaygroundAccuracy) continue;  // the playground here is 1-D
    g.when = {{"lr", SettingCondition::Above, 0.01, ""}, {"optimizer", SettingCondition::Is, 0, "sgd"}};
    g.hints = {{30, "a hint"}};
    l.goals.push_back(g);
  }
  Goal q;
  q.id = "q";
  q.text = "Which?";
  q.kind = Goal::ChoiceQuestion;
  q.choices = {"a", "b"};
  l.goals.push_back(q);
  put("lesson", "every-goal", lesson_to_json(l).dump(2));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
    return 2;
  }
  g_dir = argv[1];
  try {
    images();
    idx_files();
    models();
    configs();
    runs();
    comparisons();
    playgrounds();
    lessons();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
