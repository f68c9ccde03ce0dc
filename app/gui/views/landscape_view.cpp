// Optimizers on a landscape: the paths of the seven optimizers (the same code that trains the
// networks) over a classic test surface's contours, drawn step by step.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cmath>

#include "app.h"
#include "labs/landscape.h"
#include "views/landscape_view.h"
#include "widgets/heatmap.h"
#include "widgets/plot.h"
#include "widgets/plot_ticks.h"

namespace nnviz::gui {

namespace {
const auto& kColours = kSeriesColours;
const auto& kKinds = kLandscapeOptimizers;
}  // namespace

void DrawLandscape(App& app, bool* open) {
  if (!ImGui::Begin("Landscape", open)) {
    ImGui::End();
    return;
  }
  LandscapeState& ls = app.views.state<LandscapeState>();
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
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  TextAtSpaces("optimizers, each with its learning rate:");
  ImGui::PopStyleColor();
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
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s's learning rate: drag, or Ctrl+click to type", to_string(kKinds[k]));
    ImGui::PopID();
  }
  const Surface& s = all[ls.surface];
  if (recompute) {
    ls.paths.assign(7, {});
    for (int k = 0; k < 7; ++k) {
      if (!ls.enabled[k]) continue;
      ls.paths[k] = trajectory(s, landscape_optimizer(kKinds[k], ls.lr[k]), ls.steps);
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
        if (v[yi * g + xi] < lo) lo = v[yi * g + xi], ls.min_x = x, ls.min_y = y;
      }
    ls.min_f = lo;
    for (auto& x : v) x = std::log1p(x - lo), hi = std::max(hi, x);
    ls.colour_top = hi;
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
  // Axes: y tick labels to the left of the surface, x tick labels and the colour bar below it.
  const float axis_w = ImGui::CalcTextSize("-0.0").x + fs * 0.4f, below = fs * 4.2f;
  // The values beside the surface, or below it when that leaves the surface larger.
  const float values_h = ImGui::GetTextLineHeightWithSpacing() * 8;
  const float side_beside = std::min(avail.x - values_w - axis_w, avail.y - fs * 1.5f - below);
  const float side_below = std::min(avail.x - axis_w, avail.y - fs * 1.5f - below - values_h);
  const bool values_below = side_below > side_beside;
  const float side = std::max(fs * 8, std::max(side_beside, side_below));
  ImGui::BeginGroup();
  const ImVec2 q0 = ImGui::GetCursorScreenPos();
  const ImVec2 p0{q0.x + axis_w, q0.y};
  ImGui::SetCursorScreenPos(p0);
  ImGui::Image(ls.contours.texture(), {side, side});
  const bool hovered = ImGui::IsItemHovered();
  app.report.region("landscape", {p0, {p0.x + side, p0.y + side}});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto to_screen = [&](double x, double y) {
    return ImVec2{float(p0.x + (x - s.x0) / (s.x1 - s.x0) * side), float(p0.y + (s.y1 - y) / (s.y1 - s.y0) * side)};
  };
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  char tick[32];
  for (double t : NiceTicks(s.x0, s.x1, std::max(2, int(side / (fs * 4))))) {
    const float x = to_screen(t, s.y0).x;
    std::snprintf(tick, sizeof tick, "%g", t);
    dl->AddLine({x, p0.y + side}, {x, p0.y + side + fs * 0.25f}, dim);
    dl->AddText({x - ImGui::CalcTextSize(tick).x / 2, p0.y + side + fs * 0.25f}, dim, tick);
  }
  for (double t : NiceTicks(s.y0, s.y1, std::max(2, int(side / (fs * 3))))) {
    const float y = to_screen(s.x0, t).y;
    std::snprintf(tick, sizeof tick, "%g", t);
    dl->AddLine({p0.x - fs * 0.25f, y}, {p0.x, y}, dim);
    dl->AddText({p0.x - fs * 0.3f - ImGui::CalcTextSize(tick).x, y - fs / 2}, dim, tick);
  }
  dl->PushClipRect(p0, {p0.x + side, p0.y + side}, true);
  // The lowest point of the surface: a white star.
  {
    const ImVec2 m = to_screen(ls.min_x, ls.min_y);
    const float r = fs * 0.55f;
    for (int a = 0; a < 4; ++a) {
      const float th = float(a) * 3.14159265f / 4;
      dl->AddLine({m.x - r * std::cos(th), m.y - r * std::sin(th)}, {m.x + r * std::cos(th), m.y + r * std::sin(th)},
                  IM_COL32(255, 255, 255, 235), 2.f);
    }
  }
  // The paths, each over a dark stroke so that crossing paths and the bright field stay apart; the
  // latest point a dot ringed in dark.
  // Every dark stroke first, then every colour, so no path's stroke covers another's colour.
  std::vector<std::vector<ImVec2>> pts(7);
  // One path stands out while the pointer is on it or on its name in the values (the others dim):
  // paths that run together can be told apart.
  const int picked = ls.highlight;
  int near_k = -1;
  size_t near_i = 0;
  float near_d = fs * 0.6f;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (int k = 0; k < 7; ++k) {
    const auto& path = ls.paths[k];
    const size_t n = std::min(path.size(), size_t(ls.shown) + 1);
    for (size_t i = 0; i < n; ++i) {
      pts[k].push_back(to_screen(path[i].x, path[i].y));
      const float d = std::hypot(pts[k].back().x - mouse.x, pts[k].back().y - mouse.y);
      if (hovered && d < near_d) near_d = d, near_k = k, near_i = i;
    }
  }
  for (int pass = 0; pass < 2; ++pass)
    for (int j = 0; j < 8; ++j) {
      const int k = j < 7 ? j : picked;  // the picked path last, over the others
      if (k < 0 || pts[k].empty() || (j < 7 && k == picked)) continue;
      const int n = int(pts[k].size());
      const bool dimmed = picked >= 0 && k != picked;
      const float wide = k == picked ? 1.6f : 1.f;
      if (pass == 0 && !dimmed) {
        if (n >= 2) dl->AddPolyline(pts[k].data(), n, IM_COL32(0, 0, 0, 140), 0, 4.f * wide);
        dl->AddCircleFilled(pts[k].back(), 5.f * wide, IM_COL32(0, 0, 0, 200));
      } else if (pass == 1) {
        const ImU32 col = dimmed ? (kColours[k] & 0x00FFFFFFu) | 0x50000000u : kColours[k];
        if (n >= 2) dl->AddPolyline(pts[k].data(), n, col, 0, 2.f * wide);
        dl->AddCircleFilled(pts[k].back(), 3.5f * wide, col);
      }
    }
  if (picked >= 0 && !pts[picked].empty()) {
    // Its name beside its latest point, on a dark plate.
    const char* name = to_string(kKinds[picked]);
    const ImVec2 e = pts[picked].back(), ts = ImGui::CalcTextSize(name);
    ImVec2 at{e.x + fs * 0.5f, e.y - ts.y - fs * 0.2f};
    at.x = std::min(at.x, p0.x + side - ts.x - 2);
    at.y = std::max(at.y, p0.y + 2);
    dl->AddRectFilled({at.x - 2, at.y - 1}, {at.x + ts.x + 2, at.y + ts.y + 1}, IM_COL32(0, 0, 0, 190), 3.f);
    dl->AddText(at, kColours[picked], name);
  }
  dl->AddCircle(to_screen(s.start_x, s.start_y), 6.f, IM_COL32(255, 255, 255, 220), 0, 2.f);
  dl->PopClipRect();
  if (near_k >= 0) {
    const Point2& q = ls.paths[size_t(near_k)][near_i];
    ImGui::SetTooltip("%s, step %zu: (%.4g, %.4g), f = %.4g", to_string(kKinds[near_k]), near_i, q.x, q.y, q.f);
  } else if (hovered) {
    ImGui::SetTooltip("white circle: the start; white star: the lowest point (%.4g, %.4g), f = %.4g", ls.min_x,
                      ls.min_y, ls.min_f);
  }
  ImGui::SetCursorScreenPos({q0.x, p0.y + side + fs * 1.5f});
  ImGui::Dummy({0, 0});
  ColourBar(Colormap::Sequential, 0, ls.colour_top, side + axis_w);
  ImGui::TextDisabled("colour: log(1 + f - lowest f)");
  ImGui::EndGroup();
  if (!values_below) SameLineIfFits(values_w);  // the surface's least size may leave no room beside
  ImGui::BeginGroup();
  ImGui::TextDisabled("f after %d steps", ls.shown);
  int named = -1;
  for (int k = 0; k < 7; ++k) {
    if (ls.paths[k].empty()) continue;
    const auto& path = ls.paths[k];
    const size_t i = std::min(path.size() - 1, size_t(ls.shown));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColours[k]), "%-9s %.3g%s", to_string(kKinds[k]), path[i].f,
                       path.size() < size_t(ls.steps) + 1 && i == path.size() - 1 ? "  (diverged)" : "");
    if (ImGui::IsItemHovered()) named = k;
    app.mark((std::string("landscape.value.") + to_string(kKinds[k])).c_str());
  }
  ImGui::EndGroup();
  // Picked for the next frame (the paths are drawn before the names); a change asks for that frame.
  const int want = named >= 0 ? named : near_k;
  if (want != ls.highlight) {
    ls.highlight = want;
    app.redraw_by(ImGui::GetTime());
  }
  ImGui::End();
}

}  // namespace nnviz::gui
