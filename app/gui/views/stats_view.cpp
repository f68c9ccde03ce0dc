// The layer statistics view: per parameter tensor, the norm of the weights, of their gradients
// and the size of each update relative to the weights, over the run; the share of dead ReLU units
// (0 for every sample of a mini-batch) per ReLU layer; and histograms of one tensor's values and
// gradients at the latest point, or at the moment the timeline is scrubbed to.
#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "nn/layer_types.h"
#include "views/inside.h"

namespace nnviz::gui {

namespace {

// Bars of a histogram in a box of `size`; the range under it.
void DrawHistogram(const char* title, const Histogram& h, ImU32 colour, ImVec2 size, bool log_counts) {
  ImGui::BeginGroup();
  // The title on two lines (at its wide gap) when the narrower histogram could not hold the
  // longest one; both histograms decide alike, so they stay level.
  const char* split = std::strstr(title, "   ");
  if (split && ImGui::CalcTextSize("gradients   ||dL/dW|| = 0.0000").x > size.x) {
    // Still too narrow: each line shortened, the whole title in the tooltip.
    const ImVec4 col = ImGui::GetStyleColorVec4(ImGuiCol_Text);
    TextElided(col, std::string(title, split), size.x);
    TextElided(col, split + 3, size.x);
  } else {
    ImGui::TextUnformatted(title);
  }
  const float fs = ImGui::GetFontSize();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float bh = std::max(fs * 2, size.y - fs * 2.6f);
  ImGui::Dummy({size.x, bh});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, {p0.x + size.x, p0.y + bh}, IM_COL32(22, 24, 28, 255));
  uint32_t top = 0;
  for (uint32_t c : h.counts) top = std::max(top, c);
  const int nb = h.bins();
  if (top > 0 && nb > 0) {
    const float w = size.x / nb;
    auto height = [&](uint32_t c) {
      const double f = log_counts ? std::log1p(double(c)) / std::log1p(double(top)) : double(c) / top;
      return float(f) * (bh - 2);
    };
    for (int i = 0; i < nb; ++i) {
      if (h.counts[i] == 0) continue;
      const float x0 = p0.x + i * w, x1 = p0.x + (i + 1) * w - (w > 3 ? 1 : 0);
      dl->AddRectFilled({x0, p0.y + bh - height(h.counts[i])}, {x1, p0.y + bh}, colour);
    }
    // Where 0 lies, when inside the range.
    if (h.lo < 0 && h.hi > 0) {
      const float x = p0.x + float(-h.lo / (double(h.hi) - h.lo)) * size.x;
      dl->AddLine({x, p0.y}, {x, p0.y + bh}, IM_COL32(200, 200, 200, 90));
    }
    if (ImGui::IsItemHovered()) {
      const int i = std::clamp(int((ImGui::GetIO().MousePos.x - p0.x) / w), 0, nb - 1);
      ImGui::SetTooltip("[%.4g, %.4g): %u values", h.lo + i * h.width(), h.lo + (i + 1) * h.width(), h.counts[i]);
    }
  }
  char lo[32], hi[32];
  std::snprintf(lo, sizeof lo, "%.3g", double(h.lo));
  std::snprintf(hi, sizeof hi, "%.3g", double(h.hi));
  const float x0 = ImGui::GetCursorPosX();
  ImGui::TextDisabled("%s", lo);
  ImGui::SameLine(x0 + size.x - ImGui::CalcTextSize(hi).x);
  ImGui::TextDisabled("%s", hi);
  if (h.nonfinite) ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%u NaN/Inf", h.nonfinite);
  ImGui::EndGroup();
}

}  // namespace

void DrawLayerStats(App& app, bool* open) {
  if (!ImGui::Begin("Layer statistics", open)) {
    ImGui::End();
    return;
  }
  StatsState& st = app.views.state<StatsState>();
  if (!app.run || st.layout.params.empty()) {
    ImGui::TextDisabled(app.run ? "This network has no parameters." : "No run yet.");
    ImGui::End();
    return;
  }
  const float fs = ImGui::GetFontSize();
  ImGui::Checkbox("biases too", &st.biases);
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Norms of the weights and of their gradients on a mini-batch; the update ratio is how much\n"
                      "one step changes a tensor relative to its size (a rule of thumb: around 1e-3; much larger,\n"
                      "the learning rate may be too high; much smaller, too low). A ReLU unit is dead on a\n"
                      "mini-batch when it outputs 0 for every sample (a conv layer: a whole channel).");
  {
    char every[96];
    std::snprintf(every, sizeof every, "a point every %ld steps%s", st.interval,
                  st.points.size() > 1 ? " (older ones thinned out)" : "");
    SameLineIfFits(ImGui::CalcTextSize(every).x);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextAtSpaces("%s", every);
    ImGui::PopStyleColor();
  }
  if (st.points.empty()) {
    ImGui::TextDisabled("No point yet: the first comes after step %ld. Press Play or Step.", st.interval);
    ImGui::End();
    return;
  }

  // Which layer L<i> is.
  {
    std::string key;
    for (size_t i = 0; i < app.setup_of_run.layers.size(); ++i) {
      const auto& l = app.setup_of_run.layers[i];
      if (const LayerType* t = find_layer_type(l.type); t && (t->trains || t->can_die))
        key += (key.empty() ? "" : ",  ") + ("L" + std::to_string(i) + " " + l.describe());
    }
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", key.c_str());
    ImGui::PopTextWrapPos();
  }
  // The moment the histograms show: the timeline's, or the latest.
  const long at = app.timeline.weights ? app.timeline.weights->step : -1;
  std::shared_ptr<const LayerStatsPoint> shown = st.points.back();
  if (at >= 0) {
    shown = st.points.front();
    for (const auto& p : st.points)
      if (p->step <= std::max(at, st.points.front()->step)) shown = p;
  }
  std::vector<PlotMarker> markers;
  if (at >= 0) markers.push_back({float(at), "timeline"});

  const int n = int(st.step.size());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float half = (avail.x - gap) / 2;
  // Two rows of plots and the histograms share the height; the histograms keep about a third.
  const float row = std::max(fs * 6.5f, (avail.y - fs * 2.5f) * 0.3f);

  auto series_of = [&](std::vector<std::vector<float>>& ys) {
    std::vector<PlotSeries> s;
    for (size_t i = 0; i < ys.size(); ++i) {
      const bool bias = st.layout.params[i].find("bias") != std::string::npos;
      if (bias && !st.biases) continue;
      PlotSeries ps;
      ps.label = st.labels[i];
      ps.x = st.step.data();
      ps.y = ys[i].data();
      ps.count = n;
      ps.color = SeriesColour(int(i));
      ps.thickness = 2.0f;
      ps.visible = &st.visible[i];
      s.push_back(ps);
    }
    return s;
  };
  {
    PlotAxes ax;
    ax.x_label = "step";
    ax.y_label = "||W||";
    ax.y_from_zero = true;
    app.report.region("stats_norms", DrawPlot("weight norm", st.norm_plot, {half, row}, series_of(st.norm), markers, ax));
  }
  ImGui::SameLine();
  {
    PlotAxes ax;
    ax.x_label = "step";
    ax.y_label = "||dL/dW||";
    DrawPlot("gradient norm", st.grad_plot, {half, row}, series_of(st.grad), markers, ax);
  }
  {
    PlotAxes ax;
    ax.x_label = "step";
    ax.y_label = "update / W";
    DrawPlot("update ratio", st.ratio_plot, {half, row}, series_of(st.ratio), markers, ax);
  }
  ImGui::SameLine();
  if (st.dead.empty()) {
    ImGui::BeginChild("no relu", {half, row});
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Dead ReLUs: this network has no ReLU layer.");
    ImGui::PopStyleColor();
    ImGui::EndChild();
    app.report.region("stats_dead", {});
  } else {
    std::vector<PlotSeries> s;
    for (size_t i = 0; i < st.dead.size(); ++i) {
      PlotSeries ps;
      ps.label = st.relu_labels[i] + " dead share";
      ps.x = st.step.data();
      ps.y = st.dead[i].data();
      ps.count = n;
      ps.color = SeriesColour(int(i) + 3);
      ps.thickness = 2.0f;
      s.push_back(ps);
    }
    PlotAxes ax;
    ax.x_label = "step";
    ax.y_label = "dead units";
    ax.y_from_zero = true;
    ax.y_fixed_max = 1.0f;
    app.report.region("stats_dead", DrawPlot("dead relu", st.dead_plot, {half, row}, s, markers, ax));
  }

  // Histograms of one tensor.
  st.param = std::clamp(st.param, 0, int(st.labels.size()) - 1);
  // As wide as the tensor's name needs (a deep layer's is long), within the view.
  const char* name = st.long_labels[st.param].c_str();
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, std::max(fs * 13, ComboWidth(&name, 1))));
  if (ImGui::BeginCombo("##tensor", st.long_labels[st.param].c_str())) {
    for (int i = 0; i < int(st.labels.size()); ++i)
      if (ImGui::Selectable(st.long_labels[i].c_str(), i == st.param)) st.param = i;
    ImGui::EndCombo();
  }
  SameLineIfFits(CheckboxWidth("log counts"));
  ImGui::Checkbox("log counts", &st.log_counts);
  SameLineIfFits(ImGui::CalcTextSize("step 0000000 (timeline)").x);
  if (at >= 0) ImGui::TextColored({0.95f, 0.8f, 0.35f, 1}, "step %ld (timeline)", shown->step);
  else ImGui::TextDisabled("step %ld (latest)", shown->step);
  if (st.param < int(shown->params.size())) {
    const ParamStats& ps = shown->params[st.param];
    const ImVec2 hsize{half, ImGui::GetContentRegionAvail().y};
    const ImVec2 h0 = ImGui::GetCursorScreenPos();
    char title[96];
    std::snprintf(title, sizeof title, "values   ||W|| = %.4g", double(ps.norm));
    DrawHistogram(title, ps.values, IM_COL32(90, 200, 230, 255), hsize, st.log_counts);
    ImGui::SameLine();
    std::snprintf(title, sizeof title, "gradients   ||dL/dW|| = %.4g", double(ps.grad_norm));
    DrawHistogram(title, ps.grads, IM_COL32(235, 90, 120, 255), hsize, st.log_counts);
    app.report.region("stats_histograms", {h0, {h0.x + avail.x, h0.y + hsize.y}});
  }
  ImGui::End();
}

}  // namespace nnviz::gui
