#include "labs/graph.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nn/layer_types.h"

namespace nnviz {

namespace {

// Layers with units (dense units, conv filters) are the layer table's layers with weights.
bool has_units(const Layer& l) {
  const LayerType* t = find_layer_type(l.type());
  return t && t->kind == LayerKind::Weights;
}

}  // namespace

std::vector<GraphColumn> graph_columns(Network& net, std::string* problem) {
  if (problem) problem->clear();
  std::vector<GraphColumn> cols;
  const Shape in = net.input_shape();
  GraphColumn input;
  const bool image = in.h * in.w > 1;
  input.count = image ? in.c : in.size();
  input.node = image ? Shape{1, in.h, in.w} : Shape{};
  input.title = "input " + (image ? std::to_string(in.h) + "x" + std::to_string(in.w) + (in.c > 1 ? " x" + std::to_string(in.c) : "")
                                  : std::to_string(in.size()));
  input.norm.assign(size_t(input.count), 0.f);
  cols.push_back(input);
  const std::vector<NamedParam> ps = net.params();
  const int n = int(net.num_layers());
  for (int i = 0; i < n; ++i) {
    const Layer& l = net.layer(size_t(i));
    if (!has_units(l)) continue;
    GraphColumn c;
    c.layer = i;
    c.weight = find_param(ps, i, "weight");
    c.bias = find_param(ps, i, "bias");
    c.conv = find_layer_type(l.type())->on_maps;  // a convolution's filters, each with a map
    const Mat& W = *ps[size_t(c.weight)].p.value;
    c.count = int(W.cols());
    const int from = cols.back().count;
    if (from <= 0 || W.rows() % from != 0) {
      if (problem)
        *problem = "layer " + std::to_string(i) + " (" + l.type() + ") reads " + std::to_string(W.rows()) +
                   " values, which do not split over the " + std::to_string(from) + " nodes before it";
      return {};
    }
    c.group = int(W.rows() / from);
    c.shows = i;
    c.title = std::string(c.conv ? "conv " : "dense ") + std::to_string(c.count);
    if (c.conv) {
      const std::vector<int>& shape = ps[size_t(c.weight)].p.shape;  // [O, C, kh, kw]
      if (shape.size() == 4) c.title += " of " + std::to_string(shape[2]) + "x" + std::to_string(shape[3]);
    }
    for (int j = i + 1; j < n && !has_units(net.layer(size_t(j))); ++j) {
      if (find_layer_type(net.layer(size_t(j)).type())->kind == LayerKind::Reshape) break;  // a flatten ends the maps
      c.shows = j;
      c.after += std::string(c.after.empty() ? "" : "  ") + net.layer(size_t(j)).type();
    }
    const Shape out = net.layer(size_t(c.shows)).out_shape();
    c.node = c.conv ? Shape{1, out.h, out.w} : Shape{};
    cols.push_back(std::move(c));
  }
  return cols;
}

NetGraph make_graph(std::vector<GraphColumn> columns, const std::vector<Mat>& values, int max_shown, int per_node,
                    const std::vector<std::pair<int, int>>& pinned) {
  NetGraph g;
  g.columns = std::move(columns);
  g.max_abs.assign(g.columns.size(), 0.f);
  for (size_t k = 0; k < g.columns.size(); ++k) {
    GraphColumn& c = g.columns[k];
    if (c.weight >= 0 && c.weight < int(values.size()) && values[size_t(c.weight)].cols() == c.count) {
      const Mat& W = values[size_t(c.weight)];
      c.norm.resize(size_t(c.count));
      for (int o = 0; o < c.count; ++o) c.norm[size_t(o)] = float(W.col(o).norm());
    }
    c.norm.resize(size_t(c.count), 0.f);
    c.shown.resize(size_t(c.count));
    std::iota(c.shown.begin(), c.shown.end(), 0);
    if (max_shown > 0 && c.count > max_shown) {
      auto is_pinned = [&](int u) {
        return c.layer >= 0 && std::find(pinned.begin(), pinned.end(), std::make_pair(c.layer, u)) != pinned.end();
      };
      std::stable_sort(c.shown.begin(), c.shown.end(), [&](int a, int b) {
        if (is_pinned(a) != is_pinned(b)) return is_pinned(a);
        return c.norm[size_t(a)] > c.norm[size_t(b)];
      });
      c.shown.resize(size_t(max_shown));
      std::sort(c.shown.begin(), c.shown.end());
    }
  }
  std::vector<GraphLink> into;
  for (size_t k = 1; k < g.columns.size(); ++k) {
    const GraphColumn& c = g.columns[k];
    const GraphColumn& prev = g.columns[k - 1];
    if (c.weight < 0 || c.weight >= int(values.size())) continue;
    const Mat& W = values[size_t(c.weight)];
    if (W.cols() != c.count || W.rows() != long(prev.count) * c.group) continue;
    for (int o : c.shown) {
      into.clear();
      for (int from : prev.shown) {
        const long row = long(from) * c.group;
        float v;
        if (c.group == 1) {
          v = float(W(row, o));
        } else {
          const auto block = W.col(o).segment(row, c.group);
          v = float(block.norm());
          if (block.sum() < 0) v = -v;
        }
        into.push_back({int(k), from, o, v, row});
      }
      std::stable_sort(into.begin(), into.end(),
                       [](const GraphLink& a, const GraphLink& b) { return std::fabs(a.value) > std::fabs(b.value); });
      if (per_node > 0 && int(into.size()) > per_node) into.resize(size_t(per_node));
      for (const GraphLink& l : into) g.max_abs[k] = std::max(g.max_abs[k], std::fabs(l.value));
      g.links.insert(g.links.end(), into.begin(), into.end());
    }
  }
  return g;
}

}  // namespace nnviz
