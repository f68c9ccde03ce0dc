#include "views/view_table.h"

#include "app.h"

namespace nnviz::gui {

const std::vector<ViewEntry>& ViewTable() {
  static const std::vector<ViewEntry> table = {
      {"curves", "Curves", &Views::curves, DrawCurves, false},
      {"weights", "Weights", &Views::weights, DrawWeights, true},
      {"activations", "Activations", &Views::activations, DrawActivations, true},
      {"stepthrough", "Step-through", &Views::stepthrough, DrawStepThrough, false},
      {"canvas", "Draw", &Views::canvas, DrawCanvas, true},
      {"compare", "Compare", &Views::compare, DrawCompare, false},
      {"analysis", "Analysis", &Views::analysis, DrawAnalysis, true},
      {"playground", "Playground", &Views::playground, DrawPlayground, false},
      {"landscape", "Landscape", &Views::landscape, DrawLandscape, true},
      {"stats", "Layer stats", &Views::stats, DrawLayerStats, false},
  };
  return table;
}

}  // namespace nnviz::gui
