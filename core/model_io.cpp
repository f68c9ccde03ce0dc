#include "model_io.h"

#include "fileio.h"
#include "safetensors.h"

namespace nnviz {

void save_model(const std::string& path, Network& net, const ModelFile& meta) {
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
  for (auto& np : net.params()) {
    StTensor t;
    t.name = np.name;
    for (int d : np.p.shape) t.shape.push_back(d);
    t.data.assign(np.p.value->data(), np.p.value->data() + np.p.value->size());
    f.tensors.push_back(std::move(t));
  }
  write_file_atomic(path, st_serialize(f), "model");
}

LoadedModel load_model_bytes(const std::vector<uint8_t>& bytes, const std::string& name) {
  auto fail = [&](const std::string& what) { return Error("[model] " + name + ": " + what); };
  StFile f = st_parse(bytes, name);
  const std::string* format = f.meta("format");
  if (!format || *format != "nnviz") throw fail("not an nnviz model (no \"format\": \"nnviz\" in __metadata__)");
  const std::string* version = f.meta("format_version");
  if (!version || *version != "1")
    throw fail("model format version " + (version ? *version : std::string("(missing)")) + " is not supported");
  const std::string* arch = f.meta("architecture");
  if (!arch) throw fail("no architecture in __metadata__");

  ModelFile meta;
  NetSpec spec;
  try {
    spec = NetSpec::from_json(json::parse(*arch));
    if (const std::string* c = f.meta("config")) meta.config = TrainConfig::from_json(json::parse(*c));
    meta.config.net = spec;
    if (const std::string* n = f.meta("normalisation")) {
      const json::Value nv = json::parse(*n);
      meta.norm.mode = norm_mode_from_string(nv.get_string("mode", "standard"));
      meta.norm.mean = float(nv.get_number("mean", 0));
      meta.norm.std = float(nv.get_number("std", 1));
      if (!(meta.norm.std > 0)) throw Error("normalisation std must be positive");
    }
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
  auto params = net.params();
  for (auto& np : params) {
    const StTensor* t = f.find(np.name);
    if (!t) throw fail("missing tensor \"" + np.name + "\" required by its architecture");
    std::vector<int64_t> want(np.p.shape.begin(), np.p.shape.end());
    if (t->shape != want) {
      auto str = [](const std::vector<int64_t>& s) {
        std::string r = "[";
        for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
        return r + "]";
      };
      throw fail("tensor \"" + np.name + "\" has shape " + str(t->shape) + ", the architecture needs " + str(want));
    }
    std::copy(t->data.begin(), t->data.end(), np.p.value->data());
  }
  if (f.tensors.size() != params.size()) {
    for (const auto& t : f.tensors) {
      bool known = false;
      for (auto& np : params) known |= np.name == t.name;
      if (!known) throw fail("unexpected tensor \"" + t.name + "\" that its architecture does not have");
    }
  }
  return LoadedModel{std::move(net), std::move(meta)};
}

LoadedModel load_model(const std::string& path) {
  return load_model_bytes(read_file(path, "model", size_t(1) << 31), path);
}

}  // namespace nnviz
