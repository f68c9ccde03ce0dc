// The curves view: training loss per mini-batch (raw and smoothed), validation and test loss and
// accuracy, with markers where a hyperparameter changed.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app.h"
#include "base/json.h"
#include "views/curves_view.h"

namespace nnviz::gui {

namespace {
constexpr ImU32 kRaw = IM_COL32(110, 150, 210, 125);
constexpr ImU32 kSmooth = IM_COL32(250, 160, 60, 255);
constexpr ImU32 kVal = IM_COL32(90, 210, 120, 255);
constexpr ImU32 kTest = IM_COL32(90, 200, 230, 255);
constexpr ImU32 kTrainAcc = IM_COL32(250, 160, 60, 255);

// While a run trains at full speed the curves gain points every frame. Caught up 30 times a
// second they look as live, and a software rasteriser (which pays for every triangle of a view
// drawn again, redraw.h) draws them half as often. With the mouse over the view, or the run not
// training, they show everything at once.
constexpr double kCatchUp = 1.0 / 30;
}  // namespace

void CurvesState::save_settings(json::Value& settings) const {
  settings.set("acc_full_range", acc_full_range);
  settings.set("log_loss", loss_plot.log_y);
}

void CurvesState::load_settings(const json::Value& settings) {
  acc_full_range = settings.get_bool("acc_full_range", acc_full_range);
  loss_plot.log_y = settings.get_bool("log_loss", loss_plot.log_y);
}

void DrawCurves(App& app, bool* open) {
  if (!ImGui::Begin("Curves", open, ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  const Curves& c = app.curves;
  CurvesState& cs = app.views.state<CurvesState>();
  ImGui::Checkbox("x in epochs", &app.x_in_epochs);
  SameLineIfFits(CheckboxWidth("log loss"));
  ImGui::Checkbox("log loss", &cs.loss_plot.log_y);
  SameLineIfFits(CheckboxWidth("accuracy 0-100%"));
  if (ImGui::Checkbox("accuracy 0-100%", &cs.acc_full_range)) cs.acc_plot.user_view = false;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Off: the accuracy axis zooms to where the run is now (it leaves out the first tenth of the\n"
                      "run, where accuracy climbs fast). On: the whole range from 0 to 100%%.");
  SameLineIfFits(ButtonWidth("Reset views"));
  if (ImGui::Button("Reset views")) {
    cs.loss_plot.user_view = cs.acc_plot.user_view = false;
    cs.loss_plot.follow = cs.acc_plot.follow = true;
  }
  SameLineIfFits(ButtonWidth("Export CSV"));
  if (ImGui::Button("Export CSV")) app.export_csv(fresh_path("curves", ".csv"));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every point of the curves, into %s", data_home().c_str());
  SameLineIfFits(ButtonWidth("Export SVG"));
  const bool svg = ImGui::Button("Export SVG");
  app.mark("curves.export_svg");
  if (svg) app.export_svg(fresh_path("curves", ".svg"));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Both plots as a vector picture (sharp on slides), into %s", data_home().c_str());
  SameLineIfFits(ButtonWidth("Export PNG"));
  if (ImGui::Button("Export PNG")) {
    app.png_requests.push_back({fresh_path("curves", ".png"), ImGui::GetWindowPos(),
                                {ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                 ImGui::GetWindowPos().y + ImGui::GetWindowSize().y}});
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("This view as an image, into %s", data_home().c_str());
  HelpMarker("Mouse over a plot: wheel zooms, shift+wheel zooms y, drag pans, double-click resets the view. "
             "Hover shows the exact values; click a legend entry to hide or show its curve.");

  const float* xs = app.x_in_epochs ? c.epoch.data() : c.step.data();
  const float* exs = app.x_in_epochs ? c.ev_epoch.data() : c.ev_step.data();
  int n = int(c.step.size()), ne = int(c.ev_step.size());
  {
    const double now = ImGui::GetTime();
    const bool live = app.run && !app.run->idle() &&
                      !ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    if (!live || n < cs.steps || ne < cs.evals || now - cs.shown_at >= kCatchUp) {
      cs.steps = n;
      cs.evals = ne;
      cs.shown_at = now;
    }
    n = cs.steps;
    ne = cs.evals;
  }
  std::vector<PlotMarker> markers;
  for (const auto& ch : c.changes) markers.push_back({app.x_in_epochs ? ch.epoch : float(ch.step), ch.text});
  const char* xl = app.x_in_epochs ? "epoch" : "step";
  // While the timeline is scrubbed, both plots mark the moment the other views show.
  double cursor = std::nan("");
  std::string cursor_label;
  if (app.timeline.scrubbed() && app.timeline.weights && !c.step.empty()) {
    const long at = app.timeline.weights->step;
    cursor = double(at);
    if (app.x_in_epochs) {
      const size_t i = size_t(std::lower_bound(c.step.begin(), c.step.end(), float(at)) - c.step.begin());
      cursor = c.epoch[std::min(i, c.epoch.size() - 1)];
    }
    cursor_label = "shown: step " + std::to_string(at);
  }

  if (n == 0) {
    ImGui::Spacing();
    ImGui::TextDisabled(app.run ? "No training yet: press Play (Space) or Step (S)." : "Waiting for the data...");
  }
  const float h = (ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y) * 0.55f;
  {
    std::vector<PlotSeries> s;
    s.push_back({"train loss", xs, c.loss.data(), n, kRaw, 1.0f, false, &cs.show_raw_loss, &c.loss_ix});
    s.push_back({"train loss (smoothed)", xs, c.loss_smooth.data(), n, kSmooth, 2.0f, false, &cs.show_smooth_loss, &c.loss_smooth_ix});
    s.push_back({"test loss", exs, c.test_loss.data(), ne, kTest, 1.5f, true, &cs.show_test_loss});
    s.push_back({"validation loss", exs, c.val_loss.data(), ne, kVal, 2.0f, true, &cs.show_val_loss});
    PlotAxes ax;
    ax.x_label = xl;
    ax.y_label = "loss";
    ax.y_from_zero = true;
    ax.cursor_x = cursor;
    ax.cursor_label = cursor_label;
    app.report.region("loss_plot", DrawPlot("loss", cs.loss_plot, {-1, h}, s, markers, ax));
  }
  {
    std::vector<PlotSeries> s;
    s.push_back({"train accuracy (smoothed)", xs, c.acc_smooth.data(), n, kTrainAcc, 2.0f, false, &cs.show_train_acc, &c.acc_smooth_ix});
    // Test under validation, thinner: where the two agree, the validation curve stays in sight.
    s.push_back({"test accuracy", exs, c.test_acc.data(), ne, kTest, 1.5f, true, &cs.show_test_acc});
    s.push_back({"validation accuracy", exs, c.val_acc.data(), ne, kVal, 2.0f, true, &cs.show_val_acc});
    PlotAxes ax;
    ax.x_label = xl;
    ax.y_label = "accuracy";
    ax.y_fixed_max = 1.0f;
    ax.y_scale = 100;
    ax.y_unit = "%";
    if (!cs.acc_full_range) ax.y_fit_skip = 0.1f;  // most of a run lives in the top few percent
    ax.legend_bottom = true;
    ax.cursor_x = cursor;
    ax.cursor_label = cursor_label;
    app.report.region("accuracy_plot", DrawPlot("accuracy", cs.acc_plot, {-1, -1}, s, markers, ax));
  }
  ImGui::End();
}

}  // namespace nnviz::gui
