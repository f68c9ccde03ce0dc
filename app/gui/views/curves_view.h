// The curves view: training loss per mini-batch (raw and smoothed), validation and test loss and
// accuracy (views/curves_view.cpp). The points are the run's (App::curves); the view keeps how
// it shows them.
#pragma once

#include "views/view.h"
#include "widgets/plot.h"

namespace nnviz::gui {

struct App;

struct CurvesState : ViewState {
  PlotState loss_plot, acc_plot;
  // How much of the curves the view shows, and when that last caught up.
  int steps = 0, evals = 0;
  double shown_at = -1;
  bool acc_full_range = false;  // the accuracy axis from 0 to 100% (else zoomed to where the run is)
  bool show_raw_loss = true, show_smooth_loss = true, show_val_loss = true, show_test_loss = false;
  bool show_train_acc = true, show_val_acc = true, show_test_acc = true;

  void save_settings(json::Value& settings) const override;
  void load_settings(const json::Value& settings) override;
};

void DrawCurves(App& app, bool* open);

}  // namespace nnviz::gui
