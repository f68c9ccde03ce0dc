// Looking inside a training run: the timeline (weight snapshots every few steps; a slider shows
// any of them in the weights, activations and canvas views while training goes on) and the layer
// statistics view (norms, update ratios, dead ReLUs over time; histograms of values and
// gradients). State and functions; App holds one of each state.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/layer_stats.h"
#include "views/view.h"
#include "widgets/plot.h"

namespace nnviz::gui {

struct App;

struct TimelineState {
  std::vector<std::shared_ptr<const WeightsView>> snaps;  // the run's snapshots, oldest first
  long interval = 0;  // steps between snapshots now
  long scrub = -1;    // the step scrubbed to (the latest snapshot at or before it is shown); -1: live
  std::shared_ptr<const WeightsView> weights;  // shown while scrubbed
  std::shared_ptr<const ProbeView> probe;      // the probe input through those weights
  std::unique_ptr<Network> net;
  std::string net_spec;
  Mat probe_x;
  int probe_label = -2;
  bool scrubbed() const { return scrub >= 0; }
};

struct StatsState : ViewState {
  LayerStatsLayout layout;
  std::vector<std::string> labels;       // per parameter tensor, for legends: "L0 weight"
  std::vector<std::string> long_labels;  // "L0 dense 100 weight"
  std::vector<std::string> relu_labels;  // per ReLU layer
  std::vector<std::shared_ptr<const LayerStatsPoint>> points;
  long interval = 0;
  std::vector<float> step;
  std::vector<std::vector<float>> norm, grad, ratio, dead;
  std::deque<bool> visible;  // per tensor (legend toggles); a deque keeps the addresses
  int param = 0;            // whose histograms are shown
  bool biases = false;      // bias tensors in the plots too
  bool log_counts = false;
  PlotState norm_plot, grad_plot, ratio_plot, dead_plot;
};

// Once per frame after the snapshot (App::poll): takes the new points, and when scrubbed makes
// the snapshot's weights and the probe's pass through them what the views show.
void UpdateInside(App& app);
// Empties both (a new run).
void ClearInside(App& app);
// Copies a snapshot's parameters (and buffers, when it has them) into a network of its architecture.
bool SetNetworkValues(Network& net, const WeightsView& w);

float TimelineHeight(const App& app);
void DrawTimeline(App& app, ImVec2 pos, ImVec2 size);
void DrawLayerStats(App& app, bool* open);

}  // namespace nnviz::gui

namespace nnviz::gui {
// nnviz --bench-heatmaps: called once per frame while it runs; true when done (the result printed
// as JSON; status set non-zero on failure).
bool BenchInsideFrame(App& app, double seconds, double t_run, int& status);
}  // namespace nnviz::gui
