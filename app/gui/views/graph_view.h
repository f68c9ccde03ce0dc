// The network graph: the run's network (or the 2-D playground's) as units and links, as
// TensorFlow Playground draws it (views/graph_view.cpp; the graph itself is labs/graph.h).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "labs/graph.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

// A link or a node the mouse is on, or a click chose.
struct GraphPick {
  int link = -1;              // in NetGraph::links
  int column = -1, node = -1; // a node: its column and number
  bool is_link() const { return link >= 0; }
  bool is_node() const { return column >= 0; }
};

struct GraphState : ViewState {
  // Choices.
  int source = 0;         // 0: the training run, 1: the playground
  int max_shown = 16;     // units a column shows (its strongest by the norm of their weights)
  bool all_units = false; // every unit, in a column that scrolls
  int per_node = 6;       // links into each unit: its strongest

  // The graph as last built, and what it was built from.
  std::unique_ptr<Network> net;  // of the shown architecture (the columns come from it)
  std::string net_key;           // that architecture, described
  std::vector<GraphColumn> columns;
  std::string problem;           // why the network cannot be drawn
  NetGraph graph;
  const void* built_weights = nullptr;  // the WeightsView, probe or playground step it shows
  const void* built_probe = nullptr;
  long built_step = -1;
  std::vector<std::pair<int, int>> built_frozen;
  double built_at = -1e9;
  bool dirty = true;
  // Per column: a picture per shown node stacked in one texture (maps, weight tiles), or a value
  // each (a dense unit's activation on the probe; NaN when the node has a picture).
  std::vector<std::unique_ptr<Heatmap>> pictures;
  std::vector<int> picture_h;  // rows of one node's picture in its column's texture (0: none)
  std::vector<std::vector<float>> values;
  std::vector<float> value_scale;

  // Interaction.
  GraphPick hover;
  GraphLink editing;            // the weight the edit popup is for
  bool edit_for_playground = false;
  float edit_value = 0;
  bool focus_edit = false;
  GraphPick menu;               // the node whose popup is open
  std::string last_action;      // "set weight 2 (3, 0) to 2.5", "froze unit 4 of layer 0"

  // For the state dump: what the last frame drew.
  int nodes_drawn = 0, links_drawn = 0;

  void save_settings(json::Value& s) const override;
  void load_settings(const json::Value& s) override;
  void new_run() override;
};

void DrawGraph(App& app, bool* open);

}  // namespace nnviz::gui
