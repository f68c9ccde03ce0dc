// nnviz model files: safetensors with the network's parameters and, in __metadata__, everything
// needed to rebuild and use it.
//
// Tensors: "layers.<i>.weight" and "layers.<i>.bias" for every layer i that has parameters, in
// PyTorch's layout (dense weight [out, in], conv2d weight [out, in, kh, kw], bias [out]; batch
// norm's gamma and beta are its weight and bias), and "layers.<i>.running_mean" and
// "layers.<i>.running_var" [C] for every batch norm layer.
// __metadata__ (all values are strings, JSON where structured):
//   format         "nnviz"
//   format_version "1"
//   architecture   the NetSpec as JSON: input shape, layers, loss
//   normalisation  {"mode": "standard"|"unit", "mean": m, "std": s}: x = (byte/255 - mean) / std
//   config         the TrainConfig as JSON (optimizer, schedule, batch, seed, ...)
//   info           free-form JSON: epochs trained, accuracies, ...
#pragma once

#include <string>

#include "data/dataset.h"
#include "nn/network.h"
#include "train/trainer.h"

namespace nnviz {

struct ModelFile {
  TrainConfig config;
  Normalisation norm;
  json::Value info = json::Value::object();
};

// Written atomically (temp file + rename); throws Error naming the file on failure.
void save_model(const std::string& path, Network& net, const ModelFile& meta);

struct LoadedModel {
  Network net;
  ModelFile meta;
};

// Throws Error("[model] <path>: <problem>") for a damaged file, a file that is not an nnviz model,
// tensors that do not match the architecture it declares, a NaN or infinite parameter or buffer
// (or a negative batch norm variance), a normalisation mean beyond +-kMaxNormMean or a std outside
// [kMinNormStd, kMaxNormStd], a layer hyperparameter out of range (LayerSpec::from_json), or
// training settings out of range (config_problem in optimizer.h).
LoadedModel load_model(const std::string& path);
constexpr float kMaxNormMean = 1e3f;
constexpr float kMinNormStd = 1e-6f, kMaxNormStd = 1e6f;

// The same, split at the safetensors layer, for files that carry more (run files).
struct StFile;  // safetensors.h
StFile model_to_st(Network& net, const ModelFile& meta);
LoadedModel model_from_st(const StFile& f, const std::string& name);
LoadedModel load_model_bytes(const std::vector<uint8_t>& bytes, const std::string& name);

}  // namespace nnviz
