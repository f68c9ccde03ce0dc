#include "backdrop.h"

#include <glad/gl.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace nnviz::gui {

namespace {

struct Fill {
  ImVec2 min, max;
  ImVec4 colour;
};
std::vector<Fill> g_fills;
std::vector<Fill> g_windows;  // this frame's backdrop windows (colour unused)

bool same(float a, float b) { return std::fabs(a - b) < 0.5f; }

}  // namespace

void BackdropWindow(ImVec2 pos, ImVec2 size) {
  g_windows.push_back({pos, {pos.x + size.x, pos.y + size.y}, {}});
  ImGui::SetNextWindowBgAlpha(0.f);
}

bool InBackdropWindow() {
  const ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
  for (const auto& w : g_windows)
    if (same(w.min.x, p.x) && same(w.min.y, p.y) && same(w.max.x, p.x + s.x) && same(w.max.y, p.y + s.y))
      return true;
  return false;
}

void BackdropFill(ImVec2 min, ImVec2 max, ImU32 colour) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec4 c = ImGui::ColorConvertU32ToFloat4(colour);
  if (c.w < 1.f || !InBackdropWindow()) {
    dl->AddRectFilled(min, max, colour);
    return;
  }
  const ImVec2 c0 = dl->GetClipRectMin(), c1 = dl->GetClipRectMax();
  min = {std::max(min.x, c0.x), std::max(min.y, c0.y)};
  max = {std::min(max.x, c1.x), std::min(max.y, c1.y)};
  if (min.x < max.x && min.y < max.y) g_fills.push_back({min, max, c});
}

void RenderBackdrops(int fb_h, float sx, float sy) {
  glEnable(GL_SCISSOR_TEST);
  for (const auto& f : g_fills) {
    const int x0 = int(std::lround(f.min.x * sx)), x1 = int(std::lround(f.max.x * sx));
    const int y0 = int(std::lround(f.min.y * sy)), y1 = int(std::lround(f.max.y * sy));
    if (x1 <= x0 || y1 <= y0) continue;
    glScissor(x0, fb_h - y1, x1 - x0, y1 - y0);  // GL counts rows from the bottom
    glClearColor(f.colour.x, f.colour.y, f.colour.z, 1.f);
    glClear(GL_COLOR_BUFFER_BIT);
  }
  glDisable(GL_SCISSOR_TEST);
  g_fills.clear();
  g_windows.clear();
}

}  // namespace nnviz::gui
