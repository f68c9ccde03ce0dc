// Safetensors model files: round trip, the layout the format's specification requires, and
// refusal of damaged or mismatching files.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>

#include "base/json.h"
#include "io/model_io.h"
#include "io/run_file.h"
#include "io/safetensors.h"
#include "nn/dense.h"
#include "test_util.h"
#include "train/presets.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {

Network small_net() {
  NetSpec spec;
  spec.input = Shape{1, 2, 3};
  spec.layers = {dense(4), act("relu"), dense(3)};
  Network net(spec);
  net.initialise(InitKind::He, 5);
  // Give the biases values too, so the round trip covers them.
  int k = 0;
  for (auto& np : net.params())
    if (np.name.find("bias") != std::string::npos)
      for (Eigen::Index i = 0; i < np.p.value->size(); ++i) np.p.value->data()[i] = Scalar(0.25) * ++k;
  return net;
}

ModelFile meta_for(const Network& net) {
  ModelFile m;
  m.config = find_preset("mlp100").config;
  m.config.net = net.spec();
  m.norm.mode = NormMode::Standard;
  m.norm.mean = 0.13f;
  m.norm.std = 0.31f;
  m.info.set("epochs_trained", 3);
  return m;
}

uint64_t header_len(const std::vector<uint8_t>& b) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
  return n;
}

}  // namespace

TEST_CASE("model file round trip: values, architecture, normalisation, config") {
  TempDir tmp;
  Network net = small_net();
  save_model(tmp.file("m.safetensors"), net, meta_for(net));
  LoadedModel m = load_model(tmp.file("m.safetensors"));
  CHECK(m.net.spec().describe() == net.spec().describe());
  CHECK(m.net.flat_values() == net.flat_values());
  CHECK(m.meta.norm.mean == doctest::Approx(0.13f));
  CHECK(m.meta.norm.std == doctest::Approx(0.31f));
  CHECK(m.meta.config.opt.lr == doctest::Approx(0.2f));
  CHECK(m.meta.config.batch == 10);
  CHECK(m.meta.info.at("epochs_trained").as_number() == 3);
  // No temp file left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(tmp.path())) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("model file layout follows the safetensors specification") {
  TempDir tmp;
  Network net = small_net();
  save_model(tmp.file("m.safetensors"), net, meta_for(net));
  const auto b = read_bytes(tmp.file("m.safetensors"));
  const uint64_t n = header_len(b);
  REQUIRE(8 + n <= b.size());
  CHECK(n % 8 == 0);  // padded so the data starts 8-byte aligned
  const std::string header(reinterpret_cast<const char*>(&b[8]), n);
  CHECK(header.front() == '{');
  const json::Value h = json::parse(header);  // trailing padding is spaces, valid JSON whitespace
  // Every tensor: F32, PyTorch shapes, contiguous offsets covering the data exactly.
  const auto& meta = h.at("__metadata__");
  CHECK(meta.at("format").as_string() == "nnviz");
  for (const auto& [k, v] : meta.members()) CHECK(v.is_string());
  struct T { std::string name; std::vector<int> shape; uint64_t b, e; };
  std::vector<T> ts;
  for (const auto& [k, v] : h.members()) {
    if (k == "__metadata__") continue;
    CHECK(v.at("dtype").as_string() == "F32");
    T t{k, {}, uint64_t(v.at("data_offsets")[0].as_number()), uint64_t(v.at("data_offsets")[1].as_number())};
    for (const auto& d : v.at("shape").items()) t.shape.push_back(int(d.as_number()));
    ts.push_back(t);
  }
  REQUIRE(ts.size() == 4);
  std::sort(ts.begin(), ts.end(), [](const T& a, const T& c) { return a.b < c.b; });
  uint64_t pos = 0;
  for (const auto& t : ts) {
    CHECK(t.b == pos);
    uint64_t count = 1;
    for (int d : t.shape) count *= d;
    CHECK(t.e - t.b == count * 4);
    pos = t.e;
  }
  CHECK(pos == b.size() - 8 - n);
  // layers.0.weight is [out, in] = [4, 6], row-major: element [o][i] is unit o's weight from input i.
  const auto& w = h.at("layers.0.weight");
  CHECK(w.at("shape")[0].as_number() == 4);
  CHECK(w.at("shape")[1].as_number() == 6);
  const uint64_t off = uint64_t(w.at("data_offsets")[0].as_number());
  auto& dense0 = static_cast<Dense&>(net.layer(0));
  for (int o = 0; o < 4; ++o)
    for (int i = 0; i < 6; ++i) {
      float v;
      std::memcpy(&v, &b[8 + n + off + 4 * (o * 6 + i)], 4);
      CHECK(v == float(dense0.W(i, o)));
    }
}

TEST_CASE("damaged and mismatching model files are refused with a clear message") {
  TempDir tmp;
  Network net = small_net();
  const std::string path = tmp.file("m.safetensors");
  save_model(path, net, meta_for(net));
  const auto good = read_bytes(path);
  const uint64_t n = header_len(good);

  auto check_error = [&](const std::vector<uint8_t>& bytes, const std::string& want) {
    write_bytes(tmp.file("bad"), bytes);
    const std::string e = error_of([&] { load_model(tmp.file("bad")); });
    INFO(e);
    CHECK(e.find(tmp.file("bad")) != std::string::npos);
    CHECK(e.find(want) != std::string::npos);
  };

  check_error({1, 2, 3}, "too short");
  auto truncated = good;
  truncated.resize(good.size() - 3);
  check_error(truncated, "lie outside the");  // the last tensor's offsets now run past the end
  auto cut_header = good;
  cut_header.resize(8 + n / 2);
  check_error(cut_header, "runs past the end");
  auto garbage = good;
  garbage[8 + 5] = '}';
  check_error(garbage, "damaged header");
  auto huge_len = good;
  huge_len[7] = 0x7F;
  check_error(huge_len, "runs past the end");
  check_error(std::vector<uint8_t>(64, 0), "not a safetensors file");

  // A valid safetensors file that is not an nnviz model.
  StFile other;
  other.tensors.push_back({"w", {2}, {1.f, 2.f}});
  const std::string s = st_serialize(other);
  check_error(std::vector<uint8_t>(s.begin(), s.end()), "not an nnviz model");

  // The architecture says 4 hidden units, the tensor has 5.
  Network bigger = [] {
    NetSpec spec;
    spec.input = Shape{1, 2, 3};
    spec.layers = {dense(5), act("relu"), dense(3)};
    return Network(spec);
  }();
  save_model(tmp.file("bigger"), bigger, meta_for(bigger));
  auto swapped = read_bytes(tmp.file("bigger"));
  // Replace the architecture metadata of the 5-unit file with the 4-unit one.
  StFile f = st_parse(swapped, "bigger");
  for (auto& kv : f.metadata)
    if (kv.first == "architecture") kv.second = net.spec().to_json().dump();
  const std::string mism = st_serialize(f);
  check_error(std::vector<uint8_t>(mism.begin(), mism.end()), "has shape [5, 6], the architecture needs [4, 6]");

  // Missing tensor.
  StFile g = st_parse(good, "good");
  g.tensors.pop_back();
  const std::string missing = st_serialize(g);
  check_error(std::vector<uint8_t>(missing.begin(), missing.end()), "missing tensor");
}

TEST_CASE("a failed save leaves the previous file intact") {
  TempDir tmp;
  Network net = small_net();
  const std::string path = tmp.file("m.safetensors");
  save_model(path, net, meta_for(net));
  const auto before = read_bytes(path);
  // A save into a folder that does not exist fails with a clear error.
  CHECK(error_of([&] { save_model(tmp.file("nope/m.safetensors"), net, meta_for(net)); }).find("does not exist") !=
        std::string::npos);
  // Saving over a folder is refused before anything is written; no temp file is left.
  std::filesystem::create_directory(tmp.file("dir"));
  std::filesystem::create_directory(tmp.file("dir/inner"));
  CHECK(error_of([&] { save_model(tmp.file("dir"), net, meta_for(net)); }).find("is a folder, not a file") !=
        std::string::npos);
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) entries += bool(e.path().filename().string().size());
  CHECK(entries == 2);  // m.safetensors and dir
  CHECK(read_bytes(path) == before);
}

// ---------------------------------------------------------------------------------------------
// Hostile and unlucky model and run files: every number is checked before it is used.

namespace {

// Saves `bytes`-level edits of a good file: the StFile is parsed, changed by `edit`, written back.
std::string write_edited(const TempDir& tmp, const std::string& good, const std::function<void(StFile&)>& edit) {
  StFile f = st_parse(read_bytes(good), good);
  edit(f);
  const std::string s = st_serialize(f);
  const std::string path = tmp.file("edited.safetensors");
  write_bytes(path, std::vector<uint8_t>(s.begin(), s.end()));
  return path;
}

void set_meta(StFile& f, const std::string& key, const std::string& value) {
  for (auto& kv : f.metadata)
    if (kv.first == key) kv.second = value;
}

std::string meta_of(const StFile& f, const std::string& key) { return *f.meta(key); }

// A JSON metadata entry with one member replaced by raw JSON text (which may be 1e400 or -1).
std::string with_member(const std::string& json_text, const std::string& key, const std::string& raw) {
  json::Value v = json::parse(json_text);
  v.set(key, "@@");
  std::string s = v.dump();
  const size_t at = s.find("\"@@\"");
  return s.replace(at, 4, raw);
}

StTensor* tensor(StFile& f, const std::string& name) {
  for (auto& t : f.tensors)
    if (t.name == name) return &t;
  FAIL("no tensor " << name);
  return nullptr;
}

Network batchnorm_net() {
  NetSpec spec;
  spec.input = Shape{1, 2, 3};
  spec.layers = {dense(4), batchnorm(), act("leaky_relu", 0.1f), dense(3)};
  Network net(spec);
  net.initialise(InitKind::He, 5);
  return net;
}

// The message of loading `path` as a model; checks that it names the file.
std::string model_error(const std::string& path) {
  const std::string e = error_of([&] { load_model(path); });
  INFO(e);
  CHECK(e.find(path) != std::string::npos);
  return e;
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("model files with non-finite parameters, absurd hyperparameters or normalisation are refused") {
  TempDir tmp;
  Network net = batchnorm_net();
  const std::string good = tmp.file("good.safetensors");
  save_model(good, net, meta_for(net));
  REQUIRE_NOTHROW(load_model(good));

  auto with_value = [&](const std::string& name, size_t i, float v) {
    return write_edited(tmp, good, [&](StFile& f) { tensor(f, name)->data.at(i) = v; });
  };
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  CHECK(has(model_error(with_value("layers.0.weight", 3, nan)), "\"layers.0.weight\" holds NaN or infinite values"));
  CHECK(has(model_error(with_value("layers.0.bias", 0, inf)), "\"layers.0.bias\" holds NaN or infinite values"));
  CHECK(has(model_error(with_value("layers.3.weight", 1, -inf)), "\"layers.3.weight\" holds NaN or infinite"));
  CHECK(has(model_error(with_value("layers.1.running_mean", 2, nan)), "\"layers.1.running_mean\" holds NaN"));
  CHECK(has(model_error(with_value("layers.1.running_var", 0, inf)), "\"layers.1.running_var\" holds NaN"));
  CHECK(has(model_error(with_value("layers.1.running_var", 0, -0.5f)), "\"layers.1.running_var\" holds a negative"));

  // Normalisation: x = (byte/255 - mean) / std, so std must be well above 0 and both finite.
  auto with_norm = [&](const std::string& key, const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) { set_meta(f, "normalisation", with_member(meta_of(f, "normalisation"), key, raw)); });
  };
  CHECK(has(model_error(with_norm("std", "1e-45")), "normalisation std"));
  CHECK(has(model_error(with_norm("std", "0")), "normalisation std"));
  // A number beyond a double is refused as the JSON is read, naming the entry and the member.
  CHECK(has(model_error(with_norm("std", "1e400")), "\"normalisation\" entry: [json] number 1e400 is out of the range of a double for \"std\""));
  CHECK(has(model_error(with_norm("std", "-1")), "normalisation std"));
  CHECK(has(model_error(with_norm("mean", "-1e400")), "\"normalisation\" entry: [json] number -1e400 is out of the range of a double for \"mean\""));
  CHECK(has(model_error(with_norm("mean", "1e300")), "normalisation mean"));
  CHECK_NOTHROW(load_model(with_norm("std", "0.0001")));

  // A layer hyperparameter beyond any sensible value (leaky ReLU's slope is layer 2's alpha).
  auto with_alpha = [&](const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) {
      json::Value arch = json::parse(meta_of(f, "architecture"));
      std::string s = arch.dump();
      const std::string from = "\"alpha\":";
      const size_t at = s.find(from);
      REQUIRE(at != std::string::npos);
      const size_t end = s.find_first_of(",}", at);
      s.replace(at + from.size(), end - at - from.size(), raw);
      set_meta(f, "architecture", s);
    });
  };
  CHECK(has(model_error(with_alpha("1e308")), "alpha"));
  CHECK(has(model_error(with_alpha("1e400")), "alpha"));
  CHECK(has(model_error(with_alpha("-1e30")), "alpha"));
  CHECK_NOTHROW(load_model(with_alpha("0.3")));
}

TEST_CASE("model files with training settings out of range are refused, the same ranges as nnviz-cli train") {
  TempDir tmp;
  Network net = small_net();
  const std::string good = tmp.file("good.safetensors");
  save_model(good, net, meta_for(net));
  auto with_opt = [&](const std::string& key, const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) {
      json::Value c = json::parse(meta_of(f, "config"));
      const std::string opt = with_member(c.at("optimizer").dump(), key, raw);
      set_meta(f, "config", with_member(meta_of(f, "config"), "optimizer", opt));
    });
  };
  auto with_config = [&](const std::string& key, const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) { set_meta(f, "config", with_member(meta_of(f, "config"), key, raw)); });
  };
  auto with_schedule = [&](const std::string& key, const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) {
      json::Value c = json::parse(meta_of(f, "config"));
      set_meta(f, "config", with_member(meta_of(f, "config"), "schedule", with_member(c.at("schedule").dump(), key, raw)));
    });
  };
  CHECK(has(model_error(with_opt("lr", "-1")), "learning rate"));
  CHECK(has(model_error(with_opt("lr", "0")), "learning rate"));
  CHECK(has(model_error(with_opt("lr", "1e400")), "for \"lr\""));
  CHECK(has(model_error(with_opt("lr", "1e308")), "lr"));
  CHECK(has(model_error(with_opt("momentum", "5")), "momentum"));
  CHECK(has(model_error(with_opt("weight_decay", "-5")), "weight decay"));
  CHECK(has(model_error(with_opt("beta2", "1")), "beta2"));
  CHECK(has(model_error(with_opt("eps", "0")), "eps"));
  CHECK(has(model_error(with_config("batch", "0")), "batch"));
  CHECK(has(model_error(with_config("epochs", "-3")), "epochs"));
  CHECK(has(model_error(with_schedule("gamma", "1e400")), "gamma"));
  CHECK(has(model_error(with_schedule("total_epochs", "0")), "total_epochs"));
  CHECK_NOTHROW(load_model(with_opt("lr", "0.05")));
}

namespace {

// A small run as the engine saves it: momentum (a velocity per parameter), a position in the
// middle of epoch 2, a few metric points and a change.
RunRecord small_run() {
  Network net = small_net();
  RunRecord r;
  r.meta = meta_for(net);
  r.meta.config.opt.kind = OptKind::Momentum;
  r.net = std::make_shared<Network>(net);
  for (auto& np : r.net->params()) r.opt_state.push_back({Mat::Constant(np.p.value->rows(), np.p.value->cols(), 0.01f)});
  r.opt_t = 30;
  r.step = 30;
  r.epoch = 1;
  r.cursor = 40;
  for (long s = 1; s <= 30; ++s) r.steps.push_back({s, s / 20.f, 2.f / s, 0.5f, 0.2f, 0.01f * s});
  r.evals.push_back({20, 1.f, 0.2f, 0.9f, 0.6f, 0.95f, 0.55f});
  r.changes.push_back({12, 0.6f, "lr 0.2 -> 0.1"});
  return r;
}

// The message of loading `path` as a run; checks that it names the file.
std::string run_error(const std::string& path) {
  const std::string e = error_of([&] { load_run(path); });
  INFO(e);
  CHECK(e.find(path) != std::string::npos);
  return e;
}

}  // namespace

TEST_CASE("run files: positions and counts out of range are refused, not converted") {
  TempDir tmp;
  const std::string good = tmp.file("good.run.safetensors");
  save_run(good, small_run());
  const RunRecord back = load_run(good);
  CHECK(back.step == 30);
  CHECK(back.cursor == 40);
  CHECK(back.steps.size() == 30);

  auto with_run = [&](const std::string& key, const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) { set_meta(f, "run", with_member(meta_of(f, "run"), key, raw)); });
  };
  // 1e300 steps in a long, a cursor of -1 in a size_t: undefined behaviour before this was checked.
  CHECK(has(run_error(with_run("step", "1e300")), "step"));
  CHECK(has(run_error(with_run("step", "-1")), "step"));
  CHECK(has(run_error(with_run("step", "2.5")), "step"));
  CHECK(has(run_error(with_run("epoch", "1e300")), "epoch"));
  CHECK(has(run_error(with_run("epoch", "-2")), "epoch"));
  CHECK(has(run_error(with_run("cursor", "-1")), "cursor"));
  CHECK(has(run_error(with_run("cursor", "1e300")), "cursor"));
  CHECK(has(run_error(with_run("cursor", "3000000000")), "cursor"));
  CHECK(has(run_error(with_run("optimizer_steps", "1e300")), "optimizer_steps"));
  CHECK(has(run_error(with_run("optimizer_steps", "-4")), "optimizer_steps"));
  CHECK(has(run_error(with_run("changes", R"([{"step": 1e300, "epoch": 0, "text": "x"}])")), "change"));
  CHECK(has(run_error(with_run("changes", R"([{"step": 3, "epoch": 1e300, "text": "x"}])")), "change"));
  CHECK(has(run_error(with_run("step", "\"many\"")), "step"));
  CHECK_NOTHROW(load_run(with_run("step", "1e9")));
}

TEST_CASE("run files: NaN or infinite history, optimizer state or settings are refused") {
  TempDir tmp;
  const std::string good = tmp.file("good.run.safetensors");
  save_run(good, small_run());
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  auto with_value = [&](const std::string& name, size_t i, float v) {
    return write_edited(tmp, good, [&](StFile& f) { tensor(f, name)->data.at(i) = v; });
  };
  // history.steps rows: step, epoch, loss, accuracy, lr, time.
  CHECK(has(run_error(with_value("history.steps", 6 * 4 + 0, nan)), "history.steps row 5: the step"));
  CHECK(has(run_error(with_value("history.steps", 0, inf)), "history.steps row 1: the step"));
  CHECK(has(run_error(with_value("history.steps", 0, 1e30f)), "history.steps row 1: the step"));
  CHECK(has(run_error(with_value("history.steps", 0, -1.f)), "history.steps row 1: the step"));
  CHECK(has(run_error(with_value("history.steps", 1, nan)), "history.steps row 1: the epoch"));
  CHECK(has(run_error(with_value("history.steps", 3, inf)), "history.steps row 1: the accuracy"));
  CHECK(has(run_error(with_value("history.steps", 6 + 4, nan)), "history.steps row 2: the learning rate"));
  CHECK(has(run_error(with_value("history.steps", 6 * 29 + 5, -inf)), "history.steps row 30: the time"));
  // history.evals rows: step, epoch, time, val loss, val accuracy, test loss, test accuracy.
  CHECK(has(run_error(with_value("history.evals", 0, nan)), "history.evals row 1: the step"));
  CHECK(has(run_error(with_value("history.evals", 2, inf)), "history.evals row 1: the time"));
  CHECK(has(run_error(with_value("history.evals", 4, nan)), "history.evals row 1: the validation accuracy"));
  CHECK(has(run_error(with_value("history.evals", 6, 7.f)), "history.evals row 1: the test accuracy"));
  // A loss may be NaN or infinite: that is what a diverging run records at the step that stops it.
  {
    const RunRecord r = load_run(with_value("history.steps", 6 * 29 + 2, nan));
    CHECK(std::isnan(r.steps.back().loss));
  }
  CHECK(has(run_error(with_value("history.steps", 6 * 29 + 2, -1.f)), "history.steps row 30: the loss"));

  // The optimizer state: a NaN velocity would turn the weights into NaN at the first step.
  CHECK(has(run_error(with_value("optimizer.layers.0.weight.velocity", 2, nan)), "optimizer.layers.0.weight.velocity"));
  // And the weights themselves (the model part).
  CHECK(has(run_error(with_value("layers.2.bias", 0, inf)), "layers.2.bias"));

  // Settings read from a run file are checked like those of nnviz-cli train.
  auto with_opt = [&](const std::string& key, const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) {
      json::Value c = json::parse(meta_of(f, "config"));
      set_meta(f, "config", with_member(meta_of(f, "config"), "optimizer", with_member(c.at("optimizer").dump(), key, raw)));
    });
  };
  CHECK(has(run_error(with_opt("lr", "-1")), "learning rate"));
  CHECK(has(run_error(with_opt("momentum", "5")), "momentum"));
}

TEST_CASE("run files: Adam's second moment must not be negative") {
  TempDir tmp;
  RunRecord r = small_run();
  r.meta.config.opt.kind = OptKind::Adam;
  r.opt_state.clear();
  for (auto& np : r.net->params()) {
    const auto z = Mat::Constant(np.p.value->rows(), np.p.value->cols(), 0.01f);
    r.opt_state.push_back({z, z});
  }
  const std::string good = tmp.file("adam.run.safetensors");
  save_run(good, r);
  REQUIRE_NOTHROW(load_run(good));
  const std::string bad = write_edited(tmp, good, [&](StFile& f) { tensor(f, "optimizer.layers.0.bias.v")->data.at(1) = -1.f; });
  CHECK(has(run_error(bad), "optimizer.layers.0.bias.v"));
}

TEST_CASE("a model of a folder of images keeps the folder, its classes and its split seed, within bounds") {
  TempDir tmp;
  Network net = small_net();
  ModelFile meta = meta_for(net);
  meta.config.dataset = DatasetKind::Folder;
  meta.config.folder = "/data/pictures";
  meta.config.classes = {"cats", "dogs", "owls"};
  meta.config.folder_seed = 12345678901234567ULL;  // more than a double holds exactly
  const std::string good = tmp.file("folder.safetensors");
  save_model(good, net, meta);
  const LoadedModel m = load_model(good);
  CHECK(m.meta.config.dataset == DatasetKind::Folder);
  CHECK(m.meta.config.folder == "/data/pictures");
  CHECK(m.meta.config.classes == std::vector<std::string>{"cats", "dogs", "owls"});
  CHECK(m.meta.config.folder_seed == 12345678901234567ULL);
  // MNIST's files say nothing of folders.
  save_model(tmp.file("mnist.safetensors"), net, meta_for(net));
  const std::string mnist = tmp.file("mnist.safetensors");
  CHECK(meta_of(st_parse(read_bytes(mnist), mnist), "config").find("classes") == std::string::npos);

  auto with_config = [&](const std::string& key, const std::string& raw) {
    return write_edited(tmp, good, [&](StFile& f) { set_meta(f, "config", with_member(meta_of(f, "config"), key, raw)); });
  };
  std::string many = "[";
  for (int i = 0; i < 256; ++i) many += std::string(i ? "," : "") + "\"c" + std::to_string(i) + "\"";
  many += "]";
  CHECK(has(model_error(with_config("classes", many)), "at most 255 names"));
  CHECK(has(model_error(with_config("classes", "\"cats\"")), "at most 255 names"));
  CHECK(has(model_error(with_config("classes", "[1, 2]")), "not a string"));
  CHECK(has(model_error(with_config("classes", "[\"a\\u0007b\"]")), "control character"));
  CHECK(has(model_error(with_config("classes", "[\"" + std::string(300, 'x') + "\"]")), "longer than 255"));
  CHECK(has(model_error(with_config("folder", "\"" + std::string(5000, 'x') + "\"")), "longer than 4096"));
  CHECK(has(model_error(with_config("folder_seed", "\"-1\"")), "seed"));
}
