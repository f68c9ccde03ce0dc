// A network as a graph of units, as the network graph view draws it: a column of nodes for the
// input and one for each layer with units (a dense layer's units, a convolution's filters), and
// links between neighbouring columns.
//
// A link from node c of one column to node o of the next stands for the weights of o that read
// c's output: one weight between two dense layers (its value), or a group of them — a filter's
// kernel on one input channel, or a dense unit's weights over one channel's map (after a
// convolution) or over a whole image — whose value is then the group's L2 norm with the sign of
// its sum. A wide layer shows its strongest units (by the norm of their incoming weights) and each
// node its strongest incoming links, so that a graph of any size stays readable.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nn/network.h"

namespace nnviz {

struct GraphColumn {
  int layer = -1;   // the layer whose weights lead into it; -1 for the input
  int weight = -1;  // that layer's weight and bias in Network::params() order (-1: none)
  int bias = -1;
  bool conv = false;  // its nodes are filters, each with a map
  int count = 0;      // its nodes: units, filters, or the input's channels (a vector input's values)
  // The layer whose output the nodes show (the probe's acts[shows + 1]): the column's own layer and
  // the activation, batch norm, pooling or dropout after it, up to the next layer with units
  // (a flatten ends it); -1 for the input (acts[0]).
  int shows = -1;
  Shape node;      // one node's output: 1 x 1 for a unit, the map of a channel or filter
  int group = 1;   // weights a link into this column stands for (1: a single weight)
  std::string title;        // "dense 100", "conv 8 of 5x5", "input 28x28"
  std::string after;        // the layers after it that its nodes show: "relu  maxpool2d"
  std::vector<float> norm;  // each node's incoming weights' L2 norm (the input's: 0)
  std::vector<int> shown;   // the nodes drawn, ascending
};

struct GraphLink {
  int column = 0;     // the column it leads into (from the one before)
  int from = 0, to = 0;  // node numbers in their columns
  float value = 0;    // the weight, or a group's norm with the sign of its sum
  long row = 0;       // the group's first row in the weight matrix (its column is `to`)
};

struct NetGraph {
  std::vector<GraphColumn> columns;
  std::vector<GraphLink> links;  // by column, then by `to`, strongest first
  std::vector<float> max_abs;    // per column, the largest |value| of its links (0 for the input)
};

// The columns of a network, without values: "" or, for a network the graph cannot draw (a layer
// with units whose inputs do not split evenly over the previous column's nodes), the reason.
std::vector<GraphColumn> graph_columns(Network& net, std::string* problem = nullptr);

// The graph for parameter values in Network::params() order (a WeightsView's): each column shows
// all its nodes, or with max_shown > 0 and more nodes than that, the max_shown with the largest
// norms; each shown node gets its `per_node` strongest links from the previous column's shown
// nodes (all with per_node <= 0). Units in `pinned` ((layer, unit): frozen ones, say) are always
// among those shown.
NetGraph make_graph(std::vector<GraphColumn> columns, const std::vector<Mat>& values, int max_shown, int per_node,
                    const std::vector<std::pair<int, int>>& pinned = {});

}  // namespace nnviz
