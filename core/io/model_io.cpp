#include "io/model_io.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "base/fileio.h"
#include "io/safetensors.h"

namespace nnviz {

namespace {

// Every tensor of a model file: the parameters "layers.<i>.<name>" in PyTorch's layout, then the
// buffers (batch norm's running statistics) as 1-D tensors "layers.<i>.running_mean" etc.
struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  Mat* value;
};

std::vector<NamedTensor> tensors_of(Network& net) {
  std::vector<NamedTensor> out;
  for (auto& np : net.params())
    out.push_back({np.name, std::vector<int64_t>(np.p.shape.begin(), np.p.shape.end()), np.p.value});
  for (size_t i = 0; i < net.num_layers(); ++i)
    for (auto& [name, m] : net.layer(i).buffers())
      out.push_back({"layers." + std::to_string(i) + "." + name, {int64_t(m->size())}, m});
  return out;
}

}  // namespace

StFile model_to_st(Network& net, const ModelFile& meta) {
  StFile f;
  f.metadata.emplace_back("format", "nnviz");
  f.metadata.emplace_back("format_version", "1");
  f.metadata.emplace_back("architecture", net.spec().to_json().dump());
  json::Value norm = json::Value::object();
  norm.set("mode", to_string(meta.norm.mode));
  norm.set("mean", double(meta.norm.mean));
  norm.set("std", double(meta.norm.std));
  f.metadata.emplace_back("normalisation", norm.dump());
  f.metadata.emplace_back("config", meta.config.to_json().dump());
  f.metadata.emplace_back("info", meta.info.dump());
  for (const auto& nt : tensors_of(net)) {
    StTensor t;
    t.name = nt.name;
    t.shape = nt.shape;
    t.data.assign(nt.value->data(), nt.value->data() + nt.value->size());
    f.tensors.push_back(std::move(t));
  }
  return f;
}

void save_model(const std::string& path, Network& net, const ModelFile& meta) {
  write_file_atomic(path, st_serialize(model_to_st(net, meta)), "model");
}

LoadedModel load_model_bytes(const std::vector<uint8_t>& bytes, const std::string& name) {
  return model_from_st(st_parse(bytes, name), name);
}

LoadedModel model_from_st(const StFile& f, const std::string& name) {
  auto fail = [&](const std::string& what) { return Error("[model] " + name + ": " + what); };
  const std::string* format = f.meta("format");
  if (!format || *format != "nnviz") throw fail("not an nnviz model (no \"format\": \"nnviz\" in __metadata__)");
  const std::string* version = f.meta("format_version");
  if (!version || *version != "1")
    throw fail("model format version " + (version ? *version : std::string("(missing)")) + " is not supported");
  const std::string* arch = f.meta("architecture");
  if (!arch) throw fail("no architecture in __metadata__");

  ModelFile meta;
  NetSpec spec;
  double mean = 0, sd = 1;
  // Each metadata entry is a JSON text of its own: an error names the entry it is in.
  auto parse = [](const char* entry, const std::string& text) {
    try {
      return json::parse(text);
    } catch (const Error& e) {
      throw Error(std::string("the \"") + entry + "\" entry: " + e.what());
    }
  };
  try {
    spec = NetSpec::from_json(parse("architecture", *arch));
    if (const std::string* c = f.meta("config")) meta.config = TrainConfig::from_json(parse("config", *c));
    meta.config.net = spec;
    if (const std::string* n = f.meta("normalisation")) {
      const json::Value nv = parse("normalisation", *n);
      meta.norm.mode = norm_mode_from_string(nv.get_string("mode", "standard"));
      mean = nv.get_number("mean", mean);
      sd = nv.get_number("std", sd);
    }
  } catch (const Error& e) {
    throw fail(std::string("bad metadata: ") + e.what());
  }
  // x = (byte/255 - mean) / std: inputs in [0, 1], so anything beyond these is a damaged file.
  auto num = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return std::string(buf);
  };
  if (!(std::fabs(mean) <= kMaxNormMean)) throw fail("the normalisation mean " + num(mean) + " is not in [-1000, 1000]");
  if (!(sd >= kMinNormStd && sd <= kMaxNormStd))
    throw fail("the normalisation std " + num(sd) + " is not in [1e-06, 1e+06] (it divides every input)");
  meta.norm.mean = float(mean);
  meta.norm.std = float(sd);
  const std::string settings = config_problem(meta.config);
  if (!settings.empty()) throw fail("bad training settings: " + settings);
  try {
    if (const std::string* i = f.meta("info")) meta.info = json::parse(*i);
  } catch (const Error& e) {
    throw fail(std::string("bad metadata: ") + e.what());
  }

  Network net = [&] {
    try {
      return Network(spec);
    } catch (const Error& e) {
      throw fail(std::string("bad architecture: ") + e.what());
    }
  }();
  const auto tensors = tensors_of(net);
  // By name, so that a file with very many tensors is not a quadratic search.
  std::unordered_map<std::string, const StTensor*> in_file;
  for (const auto& t : f.tensors) in_file.emplace(t.name, &t);
  for (const auto& nt : tensors) {
    const auto it = in_file.find(nt.name);
    const StTensor* t = it == in_file.end() ? nullptr : it->second;
    if (!t) throw fail("missing tensor \"" + nt.name + "\" required by its architecture");
    const std::vector<int64_t>& want = nt.shape;
    if (t->shape != want) {
      auto str = [](const std::vector<int64_t>& s) {
        std::string r = "[";
        for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
        return r + "]";
      };
      throw fail("tensor \"" + nt.name + "\" has shape " + str(t->shape) + ", the architecture needs " + str(want));
    }
    // A NaN or infinite weight makes every prediction NaN; a negative variance, its square root.
    const bool variance = ends_with(nt.name, ".running_var");
    for (size_t k = 0; k < t->data.size(); ++k) {
      const float x = t->data[k];
      if (!std::isfinite(x))
        throw fail("tensor \"" + nt.name + "\" holds NaN or infinite values (element " + std::to_string(k) +
                   "): the file is damaged, or the training diverged before it was saved");
      if (variance && x < 0)
        throw fail("tensor \"" + nt.name + "\" holds a negative variance (element " + std::to_string(k) + ")");
    }
    std::copy(t->data.begin(), t->data.end(), nt.value->data());
  }
  if (f.tensors.size() != tensors.size()) {
    std::unordered_map<std::string, int> wanted;
    for (const auto& nt : tensors) wanted.emplace(nt.name, 0);
    for (const auto& t : f.tensors) {
      // A run file (run_file.h) also carries the optimizer's state and the metrics.
      const bool extra = t.name.rfind("optimizer.", 0) == 0 || t.name.rfind("history.", 0) == 0;
      if (!extra && !wanted.count(t.name))
        throw fail("unexpected tensor \"" + t.name + "\" that its architecture does not have");
    }
  }
  return LoadedModel{std::move(net), std::move(meta)};
}

LoadedModel load_model(const std::string& path) {
  return load_model_bytes(read_file(path, "model", size_t(1) << 31), path);
}

}  // namespace nnviz
