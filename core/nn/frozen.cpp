#include "nn/frozen.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/error.h"
#include "nn/layer_types.h"

namespace nnviz {

void FrozenUnits::set(Network& net, int layer, int unit, bool frozen) {
  auto same = [&](const Unit& u) { return u.layer == layer && u.unit == unit; };
  if (!frozen) {
    units_.erase(std::remove_if(units_.begin(), units_.end(), same), units_.end());
    return;
  }
  if (layer < 0 || layer >= int(net.num_layers()))
    throw Error("[freeze] the network has no layer " + std::to_string(layer));
  const char* type = net.layer(size_t(layer)).type();
  const LayerType* t = find_layer_type(type);
  if (!t || t->kind != LayerKind::Weights)
    throw Error(std::string("[freeze] layer ") + std::to_string(layer) + " (" + type + ") has no units to freeze");
  std::vector<NamedParam> ps = net.params();
  Unit u{layer, unit, find_param(ps, layer, "weight"), find_param(ps, layer, "bias"), Mat(), 0};
  const Mat& W = *ps[size_t(u.weight)].p.value;
  if (unit < 0 || unit >= W.cols())
    throw Error("[freeze] layer " + std::to_string(layer) + " has " + std::to_string(W.cols()) + " units, not a unit " +
                std::to_string(unit));
  u.w = W.col(unit);
  if (u.bias >= 0) u.b = (*ps[size_t(u.bias)].p.value)(unit, 0);
  auto it = std::find_if(units_.begin(), units_.end(), same);
  if (it != units_.end()) *it = std::move(u);
  else units_.push_back(std::move(u));
}

bool FrozenUnits::contains(int layer, int unit) const {
  return std::any_of(units_.begin(), units_.end(), [&](const Unit& u) { return u.layer == layer && u.unit == unit; });
}

std::vector<std::pair<int, int>> FrozenUnits::list() const {
  std::vector<std::pair<int, int>> out;
  for (const Unit& u : units_) out.push_back({u.layer, u.unit});
  return out;
}

void FrozenUnits::restore(Network& net) const {
  if (units_.empty()) return;
  std::vector<Param> ps = net.param_list();
  for (const Unit& u : units_) {
    ps[size_t(u.weight)].value->col(u.unit) = u.w;
    if (u.bias >= 0) (*ps[size_t(u.bias)].value)(u.unit, 0) = u.b;
  }
}

void FrozenUnits::set_weight(Network& net, int param, long row, long col, Scalar value) {
  std::vector<Param> ps = net.param_list();
  if (param < 0 || param >= int(ps.size()))
    throw Error("[weights] the network has " + std::to_string(ps.size()) + " parameter tensors, not a tensor " +
                std::to_string(param));
  Mat& m = *ps[size_t(param)].value;
  if (row < 0 || row >= m.rows() || col < 0 || col >= m.cols())
    throw Error("[weights] " + ps[size_t(param)].name + " is " + std::to_string(m.rows()) + " x " +
                std::to_string(m.cols()) + ": it has no value (" + std::to_string(row) + ", " + std::to_string(col) + ")");
  if (!std::isfinite(double(value))) throw Error("[weights] a weight must be a finite number");
  m(row, col) = value;
  for (Unit& u : units_) {
    if (param == u.weight && col == u.unit) u.w(row) = value;
    if (param == u.bias && row == u.unit) u.b = value;
  }
}

}  // namespace nnviz
