// The window's panes, every frame: the sidebar on the left, the open views tiling the main area
// (or free, when "Tile" is off), the timeline strip and the status bar at the bottom, and what
// floats over them: dialogs, the keyboard's light, the shortcuts.
#include <GLFW/glfw3.h>  // key codes, which ImGui 1.86 indexes its keys by
#include <imgui.h>
#include <imgui_internal.h>  // the windows begun this frame (the recorder's view)

#include <algorithm>
#include <vector>

#include "app.h"
#include "render/backdrop.h"
#include "views/curves_view.h"
#include "views/lesson_view.h"
#include "views/view_table.h"

namespace nnviz::gui {

namespace {
constexpr ImU32 kGlow = IM_COL32(255, 200, 60, 230);
}  // namespace

void App::Glow() {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ImGui::GetWindowDrawList()->AddRect({a.x - 3, a.y - 3}, {b.x + 3, b.y + 3}, kGlow, 4, 0, 2.5f);
}

namespace {

// The recorder's view: the window the view's draw began last, the top-level window begun latest
// this frame (its child windows, tooltips and popups left aside). A collapsed view is not recorded.
void RecordViewRect(App& app) {
  const ImGuiContext& g = *GImGui;
  const ImGuiWindow* last = nullptr;
  for (const ImGuiWindow* w : g.Windows)
    if (w->LastFrameActive == g.FrameCount && !(w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Tooltip |
                                                             ImGuiWindowFlags_Popup)) &&
        (!last || w->BeginOrderWithinContext > last->BeginOrderWithinContext))
      last = w;
  if (last && !last->Collapsed) app.recorder.view_at(last->Pos, {last->Pos.x + last->Size.x, last->Pos.y + last->Size.y});
}

}  // namespace

void DrawPanes(App& app) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = ImGui::GetFrameHeight() * 1.3f;
  const float side_w = app.sidebar_folded ? ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.x * 2
                                          : std::min(vp->WorkSize.x * 0.4f, ImGui::GetFontSize() * 22);
  BackdropWindow(vp->WorkPos, {side_w, vp->WorkSize.y - status_h});
  DrawSidebar(app, vp->WorkPos, {side_w, vp->WorkSize.y - status_h});
  {
    // The open views share the main area: one fills it, two sit side by side, three put the
    // first on the left and stack the others, four make a grid.
    // A lesson places its views in the order its start lists them (the first takes the left or
    // the top); the others follow in the table's order.
    const std::vector<size_t> shown = app.shown_views();  // places in the view table
    const float gap = 6;
    const ImVec2 a0{vp->WorkPos.x + side_w + gap, vp->WorkPos.y + gap};
    const float timeline_h = TimelineHeight(app);  // the timeline strip sits above the status bar
    DrawTimeline(app, {vp->WorkPos.x + side_w, vp->WorkPos.y + vp->WorkSize.y - status_h - timeline_h},
                 {vp->WorkSize.x - side_w, timeline_h});
    const ImVec2 a1{vp->WorkPos.x + vp->WorkSize.x - gap,
                    vp->WorkPos.y + vp->WorkSize.y - status_h - timeline_h - gap};
    const float W = a1.x - a0.x, H = a1.y - a0.y, hw = (W - gap) / 2, hh = (H - gap) / 2;
    const size_t n = shown.size();
    std::string drawn, fixed;  // for the tests: the views drawn, and those without a close button
    for (size_t i = 0; i < n; ++i) {
      ImVec2 pos = a0, size{W, H};
      if (n == 2 || (n == 3 && i == 0)) size = {hw, H};
      if (n == 2 && i == 1) pos.x += hw + gap;
      if (n == 3 && i > 0) pos = {a0.x + hw + gap, a0.y + (i - 1) * (hh + gap)}, size = {hw, hh};
      if (n >= 4) {  // a grid of two columns
        const size_t rows = (n + 1) / 2;
        const float rh = (H - gap * (rows - 1)) / rows;
        pos = {a0.x + (i % 2) * (hw + gap), a0.y + (i / 2) * (rh + gap)};
        size = {(n % 2 && i == n - 1) ? W : hw, rh};
      }
      const ImGuiCond cond = app.views.tile ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
      ImGui::SetNextWindowPos(pos, cond);
      ImGui::SetNextWindowSize(size, cond);
      if (app.views.tile) BackdropWindow(pos, size);  // tiles never overlap: nothing lies beneath
      const std::string name = ViewTable()[shown[i]].name;
      // A view the lesson locks has no close button.
      ViewTable()[shown[i]].draw(app, app.view_locked(name) ? nullptr : &app.views.open_at(shown[i]));
      if (app.recorder.active() && app.recorder.settings().view == name) RecordViewRect(app);
      drawn += (drawn.empty() ? "" : ",") + name;
      if (app.view_locked(name)) fixed += (fixed.empty() ? "" : ",") + name;
      // The ring lies in the gap around the tile, under every window: a dialog or the lesson
      // editor floating over the views covers it.
      if (app.views.tile && std::find(app.look_here.begin(), app.look_here.end(), name) != app.look_here.end())
        ImGui::GetBackgroundDrawList()->AddRect({pos.x - 2, pos.y - 2}, {pos.x + size.x + 2, pos.y + size.y + 2}, kGlow,
                                                6, 0, 3);
    }
    app.report.text("views_drawn", drawn);
    app.report.text("views_fixed", fixed);
  }
  DrawLessonEditor(app);  // floats over the views while a lesson is being written
  if (app.views.demo) ImGui::ShowDemoWindow(&app.views.demo);
  BackdropWindow({vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - status_h}, {vp->WorkSize.x, status_h});
  DrawStatusBar(app, {vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - status_h}, {vp->WorkSize.x, status_h});
  DrawFileDialogs(app);
  app.open_dropped();
  HandleShortcuts(app);
  if (!app.views.open<CurvesState>() && !app.view_hidden("curves") && !app.view_locked("curves") && ImGui::IsKeyPressed(GLFW_KEY_C, false) && !ImGui::GetIO().WantTextInput) app.views.open<CurvesState>() = true;
  if (KeyboardNavigationEnd()) app.settle_frames = std::max(app.settle_frames, 2);
}

}  // namespace nnviz::gui
