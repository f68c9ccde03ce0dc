#include "views/view_table.h"

#include <cstring>

#include "views/activations_view.h"
#include "views/analysis_view.h"
#include "views/canvas_view.h"
#include "views/compare_view.h"
#include "views/curves_view.h"
#include "views/graph_view.h"
#include "views/inside.h"
#include "views/landscape_view.h"
#include "views/lesson_view.h"
#include "views/loss_landscape_view.h"
#include "views/playground_view.h"
#include "views/stepthrough_view.h"
#include "views/representation_view.h"
#include "views/weights_view.h"

namespace nnviz::gui {

const std::vector<ViewEntry>& ViewTable() {
  static const std::vector<ViewEntry> table = {
      View<CurvesState>("curves", "Curves", DrawCurves, false, true),
      View<WeightsState>("weights", "Weights", DrawWeights, true),
      View<ActivationsState>("activations", "Activations", DrawActivations, true),
      View<StepState>("stepthrough", "Step-through", DrawStepThrough, false),
      View<CanvasState>("canvas", "Draw", DrawCanvas, true),
      View<CompareState>("compare", "Compare", DrawCompare, false),
      View<AnalysisState>("analysis", "Analysis", DrawAnalysis, true),
      View<PlaygroundState>("playground", "Playground", DrawPlayground, false),
      View<LandscapeState>("landscape", "Landscape", DrawLandscape, true),
      View<StatsState>("stats", "Layer stats", DrawLayerStats, false),
      View<LessonState>("lesson", "Lessons", DrawLesson, true),
      View<RepresentationState>("representation", "Representation", DrawRepresentation, false),
      View<LossLandscapeState>("losslandscape", "Loss landscape", DrawLossLandscape, true),
      View<GraphState>("graph", "Network graph", DrawGraph, false),
  };
  return table;
}

int ViewIndex(const char* name) {
  const auto& t = ViewTable();
  for (size_t i = 0; i < t.size(); ++i)
    if (std::strcmp(t[i].name, name) == 0) return int(i);
  return -1;
}

int ViewIndex(std::type_index state_type) {
  const auto& t = ViewTable();
  for (size_t i = 0; i < t.size(); ++i)
    if (t[i].type == state_type) return int(i);
  return -1;
}

}  // namespace nnviz::gui
