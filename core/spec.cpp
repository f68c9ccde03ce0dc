#include "spec.h"

namespace nnviz {

std::string Shape::str() const {
  if (h == 1 && w == 1) return std::to_string(c);
  return std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w);
}

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

json::Value LayerSpec::to_json() const {
  json::Value v = json::Value::object();
  v.set("type", type);
  if (type == "dense") {
    v.set("units", units);
    v.set("bias", bias);
  }
  if (type == "leaky_relu") v.set("alpha", static_cast<double>(alpha));
  return v;
}

LayerSpec LayerSpec::from_json(const json::Value& v) {
  LayerSpec s;
  s.type = v.at("type").as_string();
  s.units = static_cast<int>(v.get_number("units", 0));
  s.bias = v.get_bool("bias", true);
  s.alpha = static_cast<float>(v.get_number("alpha", 0.01));
  return s;
}

std::string LayerSpec::describe() const {
  if (type == "dense") return "dense " + std::to_string(units) + (bias ? "" : " (no bias)");
  if (type == "leaky_relu") {
    char buf[48];
    std::snprintf(buf, sizeof buf, "leaky_relu %.3g", alpha);
    return buf;
  }
  return type;
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
  n.input = Shape{static_cast<int>(in[0].as_number()), static_cast<int>(in[1].as_number()),
                  static_cast<int>(in[2].as_number())};
  for (const auto& l : v.at("layers").items()) n.layers.push_back(LayerSpec::from_json(l));
  n.loss = v.get_string("loss", "softmax_cross_entropy");
  return n;
}

std::string NetSpec::describe() const {
  std::string s = input.str();
  for (const auto& l : layers) s += " -> " + l.describe();
  return s;
}

}  // namespace nnviz
