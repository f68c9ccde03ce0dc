// Optimizers on a landscape: the paths of the seven optimizers (the same code that trains the
// networks) over a classic test surface's contours, drawn step by step.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cmath>

#include "app.h"
#include "heatmap.h"
#include "landscape.h"

namespace nnviz::gui {

namespace {
const auto& kColours = kSeriesColours;
const OptKind kKinds[7] = {OptKind::Sgd,     OptKind::Momentum, OptKind::Nesterov, OptKind::AdaGrad,
                           OptKind::RmsProp, OptKind::Adam,     OptKind::AdamW};
}  // namespace

void DrawLandscape(App& app, bool* open) {
  if (!ImGui::Begin("Landscape", open)) {
    ImGui::End();
    return;
  }
  LandscapeState& ls = app.landscape;
  const auto& all = surfaces();
  const float fs = ImGui::GetFontSize();
  bool recompute = ls.paths.empty();
  ImGui::SetNextItemWidth(fs * 8);
  if (ImGui::BeginCombo("surface", all[ls.surface].name.c_str())) {
    for (int i = 0; i < int(all.size()); ++i)
      if (ImGui::Selectable(all[i].name.c_str(), i == ls.surface)) ls.surface = i, recompute = true, ls.contours_for = -1;
    ImGui::EndCombo();
  }
  SameLineIfFits(LabelledWidth(fs * 8, "steps"));
  ImGui::SetNextItemWidth(fs * 8);
  recompute |= SliderIntClear("steps", &ls.steps, 10, 5000, "%d", ImGuiSliderFlags_Logarithmic);
  SameLineIfFits(ButtonWidth(ls.shown < ls.steps ? "Skip to the end" : "Replay"));
  if (ImGui::Button(ls.shown < ls.steps ? "Skip to the end" : "Replay")) ls.shown = ls.shown < ls.steps ? ls.steps : 0;
  // The optimizers, each with its own learning rate: three a row where they fit.
  const float lr_w = std::max(fs * 4.5f, ImGui::CalcTextSize("0.0005").x + ImGui::GetStyle().FramePadding.x * 2 + 2);
  for (int k = 0; k < 7; ++k) {
    ImGui::PushID(k);
    if (k % 3) SameLineIfFits(CheckboxWidth(to_string(kKinds[k])) + ImGui::GetStyle().ItemSpacing.x + lr_w);
    ImGui::PushStyleColor(ImGuiCol_CheckMark, ImGui::ColorConvertU32ToFloat4(kColours[k]));
    recompute |= ImGui::Checkbox(to_string(kKinds[k]), &ls.enabled[k]);
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(lr_w);
    recompute |= ImGui::DragFloat("##lr", &ls.lr[k], ls.lr[k] * 0.02f, 1e-5f, 5.f, "%.4g", ImGuiSliderFlags_Logarithmic);
    ImGui::PopID();
  }
  const Surface& s = all[ls.surface];
  if (recompute) {
    ls.paths.assign(7, {});
    for (int k = 0; k < 7; ++k) {
      if (!ls.enabled[k]) continue;
      OptConfig o;
      o.kind = kKinds[k];
      o.lr = ls.lr[k];
      o.momentum = 0.9f;
      o.weight_decay = kKinds[k] == OptKind::AdamW ? 0.01f : 0.f;
      ls.paths[k] = trajectory(s, o, ls.steps);
    }
    ls.shown = 0;
  }
  // Contours: log(1 + f - min) over the region, as a sequential colour field.
  const int g = 160;
  if (ls.contours_for != ls.surface) {
    std::vector<double> v(g * g);
    double lo = 1e300, hi = -1e300;
    for (int yi = 0; yi < g; ++yi)
      for (int xi = 0; xi < g; ++xi) {
        const double x = s.x0 + (s.x1 - s.x0) * (xi + 0.5) / g, y = s.y1 - (s.y1 - s.y0) * (yi + 0.5) / g;
        v[yi * g + xi] = s.f(x, y);
        lo = std::min(lo, v[yi * g + xi]);
      }
    for (auto& x : v) x = std::log1p(x - lo), hi = std::max(hi, x);
    std::vector<float> img(g * g);
    for (int i = 0; i < g * g; ++i) img[i] = float(v[i] / hi);
    ls.contours.update(img.data(), g, g, Colormap::Sequential);
    ls.contours_for = ls.surface;
  }
  // Animate: a few dozen steps a frame, until the end.
  if (ls.shown < ls.steps) ls.shown = std::min(ls.steps, ls.shown + std::max(1, ls.steps / 120));
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // Room beside the surface for the values: as wide as their longest line can be.
  float values_w = ImGui::CalcTextSize("f after 00000 steps").x;
  for (int k = 0; k < 7; ++k) {
    char line[64];
    std::snprintf(line, sizeof line, "%-9s %.3g  (diverged)", to_string(kKinds[k]), -1.23e-45);
    values_w = std::max(values_w, ImGui::CalcTextSize(line).x);
  }
  values_w += ImGui::GetStyle().ItemSpacing.x;
  const float side = std::max(fs * 8, std::min(avail.x - values_w, avail.y - fs * 1.5f));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Image(ls.contours.texture(), {side, side});
  app.landscape_rect = {p0, {p0.x + side, p0.y + side}};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto to_screen = [&](double x, double y) {
    return ImVec2{float(p0.x + (x - s.x0) / (s.x1 - s.x0) * side), float(p0.y + (s.y1 - y) / (s.y1 - s.y0) * side)};
  };
  dl->PushClipRect(p0, {p0.x + side, p0.y + side}, true);
  std::vector<ImVec2> pts;
  for (int k = 0; k < 7; ++k) {
    const auto& path = ls.paths[k];
    if (path.empty()) continue;
    pts.clear();
    const size_t n = std::min(path.size(), size_t(ls.shown) + 1);
    for (size_t i = 0; i < n; ++i) pts.push_back(to_screen(path[i].x, path[i].y));
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), int(pts.size()), kColours[k], 0, 2.f);
    dl->AddCircleFilled(pts.back(), 4.f, kColours[k]);
  }
  dl->AddCircle(to_screen(s.start_x, s.start_y), 6.f, IM_COL32(255, 255, 255, 220), 0, 2.f);
  dl->PopClipRect();
  SameLineIfFits(values_w);  // below the surface when the view is too narrow for both
  ImGui::BeginGroup();
  ImGui::TextDisabled("f after %d steps", ls.shown);
  for (int k = 0; k < 7; ++k) {
    if (ls.paths[k].empty()) continue;
    const auto& path = ls.paths[k];
    const size_t i = std::min(path.size() - 1, size_t(ls.shown));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColours[k]), "%-9s %.3g%s", to_string(kKinds[k]), path[i].f,
                       path.size() < size_t(ls.steps) + 1 && i == path.size() - 1 ? "  (diverged)" : "");
  }
  ImGui::EndGroup();
  ImGui::End();
}

}  // namespace nnviz::gui
