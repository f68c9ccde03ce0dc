// The analysis view: the confusion matrix, accuracy per class, mistakes, a browser (views/analysis_view.cpp).
#pragma once

#include <imgui.h>

#include <future>
#include <memory>
#include <vector>

#include "labs/analysis.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

struct AnalysisState : ViewState {
  int split = 0;  // validation, test (train when browsing)
  bool browse = false;
  int browse_class = -1, page = 0;
  std::future<Analysis> pending;
  std::unique_ptr<Analysis> result;
  long step = 0;
  int filter_true = -1, filter_pred = -1;
  bool dirty = true;
  std::vector<int> shown;
  Heatmap atlas;
  // The data the result and the tiles are of, and the data an analysis under way reads: other data
  // (another folder, MNIST again) drops them, as their indices are that data's.
  std::shared_ptr<const Dataset> seen_data, pending_data;

  // Its view picks up the analysis when it is done.
  FrameNeed needs_frames(bool open) const override {
    return open && pending.valid() ? FrameNeed{FrameNeed::Waiting, "analysis"} : FrameNeed{};
  }
};

void DrawAnalysis(App& app, bool* open);
// Analyses the run's latest published weights on the chosen split, off the frame thread (the
// result arrives in app.analysis.pending). Throws Error when there are none or they do not fit.
void StartAnalysis(App& app);

}  // namespace nnviz::gui
