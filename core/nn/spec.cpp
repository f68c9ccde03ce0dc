#include "nn/spec.h"

#include "nn/layer_types.h"

#include <cstdio>

namespace nnviz {

LayerSpec dense(int units, bool bias) {
  LayerSpec s;
  s.type = "dense";
  s.units = units;
  s.bias = bias;
  return s;
}

LayerSpec act(const std::string& type, float alpha) {
  LayerSpec s;
  s.type = type;
  s.alpha = alpha;
  return s;
}

LayerSpec conv(int filters, int kernel, int stride, int pad, int dilation, bool bias) {
  LayerSpec s;
  s.type = "conv2d";
  s.filters = filters;
  s.kernel = kernel;
  s.stride = stride;
  s.pad = pad;
  s.dilation = dilation;
  s.bias = bias;
  return s;
}

LayerSpec maxpool(int k, int stride) {
  LayerSpec s;
  s.type = "maxpool2d";
  s.pool = k;
  s.stride = stride > 0 ? stride : k;
  return s;
}

LayerSpec flatten() {
  LayerSpec s;
  s.type = "flatten";
  return s;
}

LayerSpec dropout(float rate) {
  LayerSpec s;
  s.type = "dropout";
  s.rate = rate;
  return s;
}

LayerSpec batchnorm() {
  LayerSpec s;
  s.type = "batchnorm";
  return s;
}

json::Value LayerSpec::to_json() const {
  json::Value v = json::Value::object();
  v.set("type", type);
  if (const LayerType* t = find_layer_type(type)) t->save(*this, v);
  return v;
}

LayerSpec LayerSpec::from_json(const json::Value& v) {
  LayerSpec s;
  s.type = v.at("type").as_string();
  s.units = v.get_int("units", 0);
  s.bias = v.get_bool("bias", true);
  s.alpha = v.get_float("alpha", 0.01f);
  if (!(s.alpha >= -10.f && s.alpha <= 10.f))  // a slope below zero; 0.01 to 0.3 in practice
    throw Error("[spec] the leaky_relu slope \"alpha\" " + json::Value(double(s.alpha)).dump() + " is not in [-10, 10]");
  s.filters = v.get_int("filters", 0);
  s.kernel = v.get_int("kernel", 0);
  s.pad = v.get_int("pad", 0);
  s.dilation = v.get_int("dilation", 1);
  s.pool = v.get_int("pool", 2);
  const LayerType* type = find_layer_type(s.type);
  s.stride = v.get_int("stride", type && type->main.stride_follows ? s.pool : 1);  // a pool's windows side by side
  s.rate = v.get_float("rate", 0.5f);
  return s;
}

std::string LayerSpec::describe() const {
  const LayerType* t = find_layer_type(type);
  return t ? t->describe(*this) : type;
}

json::Value NetSpec::to_json() const {
  json::Value v = json::Value::object();
  json::Value in = json::Value::array();
  in.push(input.c);
  in.push(input.h);
  in.push(input.w);
  v.set("input", in);
  json::Value ls = json::Value::array();
  for (const auto& l : layers) ls.push(l.to_json());
  v.set("layers", ls);
  v.set("loss", loss);
  return v;
}

NetSpec NetSpec::from_json(const json::Value& v) {
  NetSpec n;
  const auto& in = v.at("input");
  if (in.size() != 3) throw Error("[spec] \"input\" must be [channels, height, width]");
  n.input = Shape{in[0].as_int(), in[1].as_int(), in[2].as_int()};
  for (const auto& l : v.at("layers").items()) n.layers.push_back(LayerSpec::from_json(l));
  n.loss = v.get_string("loss", "softmax_cross_entropy");
  return n;
}

std::string NetSpec::describe() const {
  std::string s = input.str();
  for (const auto& l : layers) s += " -> " + l.describe();
  return s;
}

void fit_to_data(NetSpec& net, Shape input, int classes) {
  net.input = input;
  if (!net.layers.empty() && net.layers.back().type == "dense") net.layers.back().units = classes;
}

}  // namespace nnviz
