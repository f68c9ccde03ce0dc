// The comparison view: runs that differ in one setting, raced from the same start (views/compare_view.cpp).
#pragma once

#include <imgui.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/compare.h"
#include "views/view.h"
#include "widgets/heatmap.h"
#include "widgets/plot.h"

namespace nnviz::gui {

struct App;

struct CompareState : ViewState {
  ComparisonSpec spec;
  std::string values_text;
  std::unique_ptr<Comparison> cmp;
  std::unique_ptr<SavedComparison> saved;  // an opened comparison (curves and table, no runs)
  struct Series {
    std::vector<float> step, epoch, loss, ev_step, ev_epoch, val_acc;
    SeriesIndex loss_ix;
    double ema = 0;
    uint64_t version = 0;  // the comparison's history version these points came from
  };
  std::vector<Series> series;
  PlotState loss_plot, acc_plot;
  std::vector<std::unique_ptr<Heatmap>> weights;
  std::vector<long> weights_step;  // the step each run's tiles show
  double weights_at = -1e9;
  std::vector<std::string> table_shown;  // the table's rows as drawn, cells joined by " | " (state dump)
  // One tensor's values in every run, as histograms over one shared range, overlaid.
  int hist_tensor = 0;
  std::vector<std::vector<float>> hist;  // per run: the share of values in each bin
  std::vector<double> hist_mean, hist_sd;
  double hist_lo = 0, hist_hi = 0, hist_at = -1e9;

  // The race trains with its view closed too; the view polls its runs each frame.
  FrameNeed needs_frames(bool) const override {
    return cmp && !cmp->idle() ? FrameNeed{FrameNeed::Live, "comparison"} : FrameNeed{};
  }
  void new_run() override { cmp.reset(); }  // a new dataset or network: the race, if any, is over
  // The race's settings to start from, and its values field as the text of their values.
  void offer(const ComparisonSpec& s);
  // No race shown: the one under way (its threads joined) or the one opened, and what was drawn of it.
  void end_race();
};

void DrawCompare(App& app, bool* open);

}  // namespace nnviz::gui
