#include "render/backdrop.h"

#include <glad/gl.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
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

void RenderBackdrops(int fb_h, float sx, float sy, const ImVec4& clip, const ImVec4& background) {
  // In framebuffer pixels, rows counted from the top.
  struct Box { int x0, y0, x1, y1; };
  auto box = [&](ImVec2 a, ImVec2 b) {
    return Box{int(std::lround(a.x * sx)), int(std::lround(a.y * sy)), int(std::lround(b.x * sx)),
               int(std::lround(b.y * sy))};
  };
  const Box c = box({clip.x, clip.y}, {clip.z, clip.w});
  std::vector<Box> fills;
  for (const auto& f : g_fills) {
    Box b = box(f.min, f.max);
    b = {std::max(b.x0, c.x0), std::max(b.y0, c.y0), std::min(b.x1, c.x1), std::min(b.y1, c.y1)};
    fills.push_back(b);
  }
  glEnable(GL_SCISSOR_TEST);
  auto clear = [&](const Box& b, const ImVec4& colour) {
    if (b.x1 <= b.x0 || b.y1 <= b.y0) return;
    glScissor(b.x0, fb_h - b.y1, b.x1 - b.x0, b.y1 - b.y0);  // GL counts rows from the bottom
    glClearColor(colour.x, colour.y, colour.z, 1.f);
    glClear(GL_COLOR_BUFFER_BIT);
  };
  // The background only where no fill will cover it (a scissored clear costs a software
  // rasteriser every pixel): bands between the fills' top and bottom edges, the gaps in each.
  // (All of the window at once is the exception: a clear without a scissor is close to free.)
  GLint vp[4];
  glGetIntegerv(GL_VIEWPORT, vp);
  if (c.x0 <= 0 && c.y0 <= 0 && c.x1 >= vp[2] && c.y1 >= fb_h) {
    glDisable(GL_SCISSOR_TEST);
    glClearColor(background.x, background.y, background.z, 1.f);
    glClear(GL_COLOR_BUFFER_BIT);
    glEnable(GL_SCISSOR_TEST);
  } else {
    std::vector<int> ys{c.y0, c.y1};
    for (const Box& b : fills)
      if (b.x1 > b.x0 && b.y1 > b.y0) ys.insert(ys.end(), {b.y0, b.y1});
    std::sort(ys.begin(), ys.end());
    ys.erase(std::unique(ys.begin(), ys.end()), ys.end());
    std::vector<std::pair<int, int>> spans;
    for (size_t k = 0; k + 1 < ys.size(); ++k) {
      const int y0 = ys[k], y1 = ys[k + 1];
      if (y0 < c.y0 || y1 > c.y1) continue;
      spans.clear();
      for (const Box& b : fills)
        if (b.x1 > b.x0 && b.y0 <= y0 && b.y1 >= y1) spans.push_back({b.x0, b.x1});
      std::sort(spans.begin(), spans.end());
      int x = c.x0;
      for (const auto& [s0, s1] : spans) {
        clear({x, y0, s0, y1}, background);
        x = std::max(x, s1);
      }
      clear({x, y0, c.x1, y1}, background);
    }
  }
  for (size_t k = 0; k < fills.size(); ++k) clear(fills[k], g_fills[k].colour);
  glDisable(GL_SCISSOR_TEST);
}

std::string BackdropSignature() {
  std::string s;
  for (const auto* v : {&g_windows, &g_fills})
    s.append(reinterpret_cast<const char*>(v->data()), v->size() * sizeof(Fill)).push_back('|');
  return s;
}

void EndBackdrops() {
  g_fills.clear();
  g_windows.clear();
}

}  // namespace nnviz::gui
