#include "nn/layer_types.h"

#include <cstdio>

#include "nn/activations.h"
#include "nn/batchnorm.h"
#include "nn/conv.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/pool.h"

namespace nnviz {

namespace {

void nothing_to_save(const LayerSpec&, json::Value&) {}
std::string just_the_name(const LayerSpec& s) { return s.type; }

std::string with_number(const LayerSpec& s, float x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %.3g", s.type.c_str(), x);
  return buf;
}

LayerType entry(const char* name, LayerKind kind, const char* forward, const char* backward = "") {
  LayerType t;
  t.name = name;
  t.kind = kind;
  t.forward = forward;
  t.backward = backward;
  t.save = nothing_to_save;
  t.describe = just_the_name;
  return t;
}

template <Activation::Kind K>
LayerType activation(const char* name, const char* forward, const char* backward, LayerSpec (*fresh)()) {
  LayerType t = entry(name, LayerKind::Activation, forward, backward);
  t.fresh = fresh;
  t.make = [](const LayerSpec& s, Shape in) -> std::unique_ptr<Layer> {
    return std::make_unique<Activation>(in, K, K == Activation::Kind::LeakyRelu ? s.alpha : 0.01f);
  };
  return t;
}

const WindowSetting kStride{"s", &LayerSpec::stride, 1, 8, "stride: step between windows"};

std::vector<LayerType> make_table() {
  std::vector<LayerType> table;

  LayerType t = entry("dense", LayerKind::Weights, "out = W^T in + b",
                      "dL/dW = in dL/dout^T,  dL/db = sum over the batch of dL/dout,  dL/din = W dL/dout");
  t.reads_flat = t.trains = true;
  t.main = {"units", &LayerSpec::units};
  t.fresh = [] { return dense(64); };
  t.make = [](const LayerSpec& s, Shape in) -> std::unique_ptr<Layer> { return std::make_unique<Dense>(in, s.units, s.bias); };
  t.save = [](const LayerSpec& s, json::Value& v) {
    v.set("units", s.units);
    v.set("bias", s.bias);
  };
  t.describe = [](const LayerSpec& s) { return "dense " + std::to_string(s.units) + (s.bias ? "" : " (no bias)"); };
  table.push_back(t);

  t = entry("conv2d", LayerKind::Weights, "out[o] = sum over i of W[o,i] * in[i] + b[o]  (cross-correlation)");
  t.on_maps = t.trains = true;
  t.main = {"filters (output channels)", &LayerSpec::filters};
  t.window = {{"k", &LayerSpec::kernel, 1, 15, "kernel side"},
              kStride,
              {"p", &LayerSpec::pad, 0, 8, "zero padding on each side"},
              {"d", &LayerSpec::dilation, 1, 8, "dilation: spacing of the kernel taps"}};
  t.fresh = [] { return conv(8, 3, 1, 1); };
  t.make = [](const LayerSpec& s, Shape in) -> std::unique_ptr<Layer> {
    return std::make_unique<Conv2D>(in, s.filters, s.kernel, s.kernel, s.stride, s.pad, s.dilation, s.bias);
  };
  t.save = [](const LayerSpec& s, json::Value& v) {
    v.set("filters", s.filters);
    v.set("kernel", s.kernel);
    v.set("stride", s.stride);
    v.set("pad", s.pad);
    v.set("dilation", s.dilation);
    v.set("bias", s.bias);
  };
  t.describe = [](const LayerSpec& s) {
    std::string d = "conv2d " + std::to_string(s.filters) + " " + std::to_string(s.kernel) + "x" + std::to_string(s.kernel);
    if (s.stride != 1) d += " stride " + std::to_string(s.stride);
    if (s.pad != 0) d += " pad " + std::to_string(s.pad);
    if (s.dilation != 1) d += " dilation " + std::to_string(s.dilation);
    return d + (s.bias ? "" : " (no bias)");
  };
  table.push_back(t);

  t = entry("maxpool2d", LayerKind::Pool, "out = max over each window");
  t.on_maps = true;
  t.main = {"window side", &LayerSpec::pool, nullptr, 0, 0, true};
  t.window = {kStride};
  t.fresh = [] { return maxpool(2); };
  t.make = [](const LayerSpec& s, Shape in) -> std::unique_ptr<Layer> { return std::make_unique<MaxPool2D>(in, s.pool, s.stride); };
  t.save = [](const LayerSpec& s, json::Value& v) {
    v.set("pool", s.pool);
    v.set("stride", s.stride);
  };
  t.describe = [](const LayerSpec& s) {
    return "maxpool2d " + std::to_string(s.pool) + (s.stride != s.pool ? " stride " + std::to_string(s.stride) : "");
  };
  table.push_back(t);

  t = entry("flatten", LayerKind::Reshape, "out = in, as one vector");
  t.reads_flat = true;
  t.fresh = flatten;
  t.make = [](const LayerSpec&, Shape in) -> std::unique_ptr<Layer> { return std::make_unique<Flatten>(in); };
  table.push_back(t);

  t = entry("dropout", LayerKind::Regulariser, "out = in * mask / (1 - p)");
  t.main = {"share of values dropped while training", nullptr, &LayerSpec::rate, 0.f, 0.95f};
  t.detail = StepDetail::Mask;
  t.fresh = [] { return dropout(0.25f); };
  t.make = [](const LayerSpec& s, Shape in) -> std::unique_ptr<Layer> { return std::make_unique<Dropout>(in, s.rate); };
  t.save = [](const LayerSpec& s, json::Value& v) { v.set("rate", static_cast<double>(s.rate)); };
  t.describe = [](const LayerSpec& s) { return with_number(s, s.rate); };
  table.push_back(t);

  t = entry("batchnorm", LayerKind::Regulariser, "out = gamma (in - mean) / sqrt(var + eps) + beta");
  t.trains = true;
  t.detail = StepDetail::BatchStatistics;
  t.fresh = batchnorm;
  t.make = [](const LayerSpec&, Shape in) -> std::unique_ptr<Layer> { return std::make_unique<BatchNorm>(in); };
  table.push_back(t);

  t = activation<Activation::Kind::Relu>("relu", "out = max(0, in)", "dL/din = dL/dout where in > 0, else 0",
                                         [] { return act("relu"); });
  t.can_die = true;
  table.push_back(t);

  t = activation<Activation::Kind::LeakyRelu>("leaky_relu", "out = in if in > 0, else alpha in",
                                              "dL/din = dL/dout, times alpha where in < 0",
                                              [] { return act("leaky_relu"); });
  t.main = {"slope below zero", nullptr, &LayerSpec::alpha};
  t.save = [](const LayerSpec& s, json::Value& v) { v.set("alpha", static_cast<double>(s.alpha)); };
  t.describe = [](const LayerSpec& s) { return with_number(s, s.alpha); };
  table.push_back(t);

  table.push_back(activation<Activation::Kind::Sigmoid>("sigmoid", "out = 1 / (1 + exp(-in))",
                                                        "dL/din = dL/dout * out (1 - out)", [] { return act("sigmoid"); }));
  table.push_back(activation<Activation::Kind::Tanh>("tanh", "out = tanh(in)", "dL/din = dL/dout * (1 - out^2)",
                                                     [] { return act("tanh"); }));
  return table;
}

}  // namespace

const std::vector<LayerType>& layer_types() {
  static const std::vector<LayerType> table = make_table();
  return table;
}

const LayerType* find_layer_type(const std::string& name) {
  for (const LayerType& t : layer_types())
    if (name == t.name) return &t;
  return nullptr;
}

}  // namespace nnviz
