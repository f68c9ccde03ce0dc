// Units held still while the rest of a network trains, and single weights set by hand: what the
// network graph's clicks do (a student freezes a hidden unit, or edits one weight, and watches the
// others adapt around it).
//
// A unit is a column of a weight matrix whose columns are units: a dense layer's unit o (its
// incoming weights W.col(o) and bias b(o)) or a convolution's filter o (likewise). Freezing keeps
// the values it has then; restore() puts them back after each update, so nothing the optimizer
// does (momentum, Adam's moments, weight decay) moves them. The other units see the frozen one's
// output as usual, and gradients still flow through it to the layers below.
#pragma once

#include <utility>
#include <vector>

#include "nn/network.h"

namespace nnviz {

class FrozenUnits {
 public:
  // Freezes (keeping its current values) or thaws unit `unit` of layer `layer`. Throws Error for a
  // layer without units (not dense or conv2d) or a unit out of range.
  void set(Network& net, int layer, int unit, bool frozen);
  bool contains(int layer, int unit) const;
  bool empty() const { return units_.empty(); }
  void clear() { units_.clear(); }
  // (layer, unit) of each, in the order they were frozen.
  std::vector<std::pair<int, int>> list() const;
  // Puts the kept values back into `net` (the network they were taken from, or a copy of it).
  void restore(Network& net) const;
  // Sets value (row, col) of parameter `param` (Network::params() order) by hand; a frozen unit it
  // belongs to keeps the new value. Throws Error out of range or for a value that is not finite.
  void set_weight(Network& net, int param, long row, long col, Scalar value);

 private:
  struct Unit {
    int layer, unit;
    int weight, bias;  // their indices in Network::params(); bias -1 without one
    Mat w;             // the kept incoming weights (one column)
    Scalar b = 0;
  };
  std::vector<Unit> units_;
};

}  // namespace nnviz
