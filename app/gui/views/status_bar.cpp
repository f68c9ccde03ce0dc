// The status bar along the bottom: where the run is, how fast it goes, what went wrong.
// Also the keyboard shortcuts, which act on the same run.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // the popup stack (Escape closes menus), keyboard navigation

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <vector>

#include "app.h"
#include "views/compare_view.h"

namespace nnviz::gui {

namespace {
std::string clock_text(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  char buf[32];
  const long t = long(s + 0.5);
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%02ld:%02ld", t / 60, t % 60);
  return buf;
}
}  // namespace

void Pace::update(const void* current_run, const RunSnapshot& s, double now) {
  if (current_run != run || s.restarted) {  // a new or reset run: its own elapsed time to start from
    *this = Pace{};
    run = current_run;
    elapsed = s.elapsed_s;
  }
  if (s.state != RunState::Running) {
    seen_running_at = -1;
    window.clear();
    elapsed = std::max(elapsed, s.elapsed_s);  // never behind the run's own count
    return;
  }
  if (seen_running_at >= 0) elapsed += now - seen_running_at;
  seen_running_at = now;
  // Enough points to see single slow steps, few enough to follow a change of speed within seconds.
  if (window.empty() || now - window.back().first >= 0.05) window.emplace_back(now, s.epoch);
  while (window.size() > 2 && now - window[1].first >= 5) window.pop_front();
}

double Pace::samples_per_s(long train_samples) const {
  if (window.size() < 2) return -1;
  const double dt = window.back().first - window.front().first;
  if (dt < 0.5) return -1;
  return (window.back().second - window.front().second) * double(train_samples) / dt;
}

void DrawStatusBar(App& app, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {ImGui::GetFontSize() * 0.6f, ImGui::GetFontSize() * 0.25f});
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoFocusOnAppearing);
  const RunSnapshot& s = app.snap;
  // Each piece of the bar is formatted once, drawn, and kept in `line` (the state dump for tests
  // reports the bar as shown).
  std::string line;
  std::string text;
  auto piece = [&](const char* fmt, auto... args) -> const char* {
    text.resize(size_t(std::max(0, std::snprintf(nullptr, 0, fmt, args...))));
    std::snprintf(text.data(), text.size() + 1, fmt, args...);
    line += (line.empty() ? "" : " ") + text;
    return text.c_str();
  };
  if (app.run) {
    const ImVec4 state_col = s.state == RunState::Running    ? ImVec4(0.45f, 0.85f, 0.5f, 1)
                             : s.state == RunState::Diverged || s.state == RunState::Failed ? ImVec4(1, 0.45f, 0.4f, 1)
                                                                                             : ImVec4(0.8f, 0.8f, 0.8f, 1);
    ImGui::TextColored(state_col, "%s", piece("%s", to_string(s.state)));
    ImGui::SameLine();
    // The total is the setting; a nearer stop (E: to the end of this epoch) is said beside it.
    const int total = s.config.epochs;
    const int target = s.target_epochs < 1000000 ? s.target_epochs : total;
    // The pace on the GUI's clock (Pace): the speed setting's waits count, as they do for the user.
    const double per_s = s.state == RunState::Running && app.data ? app.pace.samples_per_s(app.data->train.count) : -1;
    char rate[32] = "-";  // a rate only while the run trains
    if (per_s > 0) std::snprintf(rate, sizeof rate, "%.0f", per_s);
    ImGui::TextUnformatted(piece("epoch %.2f / %d   step %ld   %s samples/s   elapsed %s", s.epoch, total, s.step,
                                 rate, clock_text(app.pace.elapsed).c_str()));
    if (s.state == RunState::Running && target < total) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", piece("  (stops at epoch %d)", target));
    }
    if (per_s > 0 && s.epoch < target) {
      const double left = (target - s.epoch) * app.data->train.count / per_s;
      ImGui::SameLine();
      ImGui::TextUnformatted(piece("  ETA %s", clock_text(left).c_str()));
    }
    if (!app.curves.test_acc.empty()) {
      ImGui::SameLine();
      ImGui::TextUnformatted(piece("  test %.2f%%", app.curves.test_acc.back() * 100));
    }
    // The learning rate the last mini-batch used: after the schedule, which the setting is not.
    if (!app.curves.lr.empty()) {
      const float lr = app.curves.lr.back(), set = s.config.opt.lr;
      const bool scheduled = LrScheduled(lr, set);
      ImGui::SameLine();
      ImGui::TextUnformatted(scheduled ? piece("  lr %.4g (%s)", lr, to_string(s.config.schedule.kind))
                                       : piece("  lr %.3g", lr));
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("The learning rate of the last mini-batch%s (the setting: %.3g)",
                          scheduled ? ", after the schedule" : "", set);
    }
  } else {
    ImGui::TextDisabled("%s", piece("%s", app.loading.valid() ? "loading data..." : "no run"));
  }
  // A race trains while the main run waits: the bar says how far the race is.
  if (const CompareState& cs = app.views.state<CompareState>(); cs.cmp) {
    bool racing = false;
    long lo = -1, hi = 0;
    for (size_t i = 0; i < cs.cmp->size(); ++i) {
      const RunSnapshot& r = cs.cmp->latest(i);
      racing |= r.state == RunState::Running;
      lo = lo < 0 ? r.step : std::min(lo, r.step);
      hi = std::max(hi, r.step);
    }
    if (racing) {
      ImGui::SameLine();
      ImGui::TextColored({0.45f, 0.85f, 0.5f, 1}, "%s",
                         lo == hi ? piece("   race of %zu runs: step %ld", cs.cmp->size(), hi)
                                  : piece("   race of %zu runs: steps %ld-%ld", cs.cmp->size(), lo, hi));
    }
  }
  // The newest message wins, the engine's (divergence, finished, reopened) or the app's (a file
  // that could not be opened): an error said after an engine message is never hidden behind it.
  // The app's errors stay until dismissed; its notes for six seconds.
  const bool own_live = ImGui::GetTime() < app.message_until && !app.message.empty();
  const bool engine_live = !s.message.empty();
  const bool own = own_live && (!engine_live || app.message_at >= app.engine_message_at);
  const std::string msg = own ? app.message : engine_live ? s.message : std::string();
  const bool err = own ? app.message_is_error : (s.state == RunState::Diverged || s.state == RunState::Failed);
  // The log button comes first, so a long message cannot push it out of the bar.
  ImGui::SameLine();
  size_t errors = 0;
  for (const auto& e : app.log) errors += e.error;
  char label[48];
  std::snprintf(label, sizeof label, errors ? "log (%zu errors)##log" : "log##log", errors);
  if (ImGui::SmallButton(label)) app.show_log = !app.show_log;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every message of this session, newest last");
  if (own && err) {
    ImGui::SameLine();
    if (ImGui::SmallButton("dismiss")) app.message_until = 0;
  }
  if (!msg.empty()) {
    ImGui::SameLine();
    // Shortened with an ellipsis to the room left in the bar; the whole message is in its tooltip
    // and in the message log.
    TextElided(err ? ImVec4(1, 0.45f, 0.4f, 1) : ImVec4(0.9f, 0.85f, 0.5f, 1), piece("%s", msg.c_str()));
  }
  app.report.text("status", line);
  ImGui::End();
  ImGui::PopStyleVar();
  DrawMessageLog(app);
}

void DrawMessageLog(App& app) {
  if (!app.show_log) return;
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextWindowSize({fs * 36, fs * 16}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_FirstUseEver, {0.5f, 0.5f});
  if (ImGui::Begin("Messages", &app.show_log, ImGuiWindowFlags_NoSavedSettings)) {
    if (app.log.empty()) ImGui::TextDisabled("No messages yet.");
    if (ImGui::SmallButton("Copy all")) {
      std::string all;
      for (const auto& e : app.log) all += e.when + (e.error ? "  error  " : "  ") + e.text + "\n";
      ImGui::SetClipboardText(all.c_str());
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Clear")) app.log.clear();
    ImGui::Separator();
    ImGui::BeginChild("entries");
    for (const auto& e : app.log) {
      ImGui::TextDisabled("%s", e.when.c_str());
      ImGui::SameLine();
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(e.error ? ImVec4(1, 0.45f, 0.4f, 1) : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s",
                         e.text.c_str());
      ImGui::PopTextWrapPos();
    }
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1) ImGui::SetScrollHereY(1.0f);  // follow the newest
    ImGui::EndChild();
  }
  ImGui::End();
}

// Every shortcut, as the help overlay lists it: kept beside the code that handles them below.
struct Shortcut {
  const char* keys;
  const char* what;
};
const Shortcut kShortcuts[] = {
    {"Space", "play / pause the run"},
    {"S", "train one mini-batch (held: repeats)"},
    {"E", "train to the end of this epoch"},
    {"R", "reset: start again from new weights (asks first if training is unsaved)"},
    {"C", "show the Curves view again"},
    {"Ctrl+S", "save the run (its curves and training position too)"},
    {"Ctrl+O", "open a run or model file"},
    {"Ctrl+= / Ctrl+-", "make the whole interface larger / smaller"},
    {"Ctrl+0", "the interface at the monitor's own size"},
    {"Ctrl+B", "hide / show the sidebar"},
    {"Ctrl+Shift+K", "classroom mode on / off"},
    {"Tab / Shift+Tab", "the next / previous control (the arrows move between controls too)"},
    {"Space (a control lit)", "press the lit button, tick the lit box"},
    {"Enter (a field lit)", "type into the lit field; Enter again keeps, Escape undoes"},
    {"F1 or ?", "this list"},
    {"Escape", "close a dialog or this list"},
};

void DrawHelpOverlay(App& app) {
  if (!app.show_help) return;
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
  if (ImGui::Begin("Keyboard shortcuts", &app.show_help,
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
      auto row = [](const char* keys, const std::string& what) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored({0.98f, 0.75f, 0.4f, 1}, "%s", keys);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(what.c_str());
      };
      for (const Shortcut& k : kShortcuts) {
        row(k.keys, k.what);
        // Where the desktop has a file chooser, the dialogs' own shortcut again opens it.
        if (app.chooser_tool && std::string(k.keys) == "Ctrl+O")
          row("Ctrl+S / Ctrl+O again", "in the Save or Open dialog: the desktop's file chooser (" + app.chooser_tool.name + ")");
      }
      ImGui::EndTable();
    }
    ImGui::TextDisabled("Keys act when no text field is being typed into.");
    if (ImGui::IsWindowFocused() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) app.show_help = false;
  }
  ImGui::End();
}

namespace {

// Tab's walk through the controls, a frame a step: to the right (1); at a row's end, down to the
// next row's first control, found by a move from a line as wide as the window (2), then to the
// left while there is a control there (3); at the window's end, the next window's first control
// (4). Shift+Tab mirrors it.
struct TabWalk {
  int phase = 0;
  bool back = false;        // Shift+Tab
  std::deque<bool> presses; // Tab presses not yet walked (true: with Shift), one walk at a time
  ImGuiWindow* next = nullptr;
  ImGuiWindow* clicked = nullptr;  // the window the mouse last pressed in
} g_tab;

// The windows Tab walks through: the sidebar first, then the others in reading order.
std::vector<ImGuiWindow*> TabWindows() {
  ImGuiContext& g = *GImGui;
  std::vector<ImGuiWindow*> ws;
  for (ImGuiWindow* w : g.Windows)
    if (w->Active && !w->Hidden && !(w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip |
                                                  ImGuiWindowFlags_NoNavInputs | ImGuiWindowFlags_NoNavFocus)) &&
        !w->IsFallbackWindow)
      ws.push_back(w);
  std::stable_sort(ws.begin(), ws.end(), [](const ImGuiWindow* a, const ImGuiWindow* b) {
    const bool sa = std::strcmp(a->Name, "##sidebar") == 0, sb = std::strcmp(b->Name, "##sidebar") == 0;
    if (sa != sb) return sa;
    return a->Pos.y != b->Pos.y ? a->Pos.y < b->Pos.y : a->Pos.x < b->Pos.x;
  });
  return ws;
}

// A dialog or an open menu: Tab's walk stays inside it (lighting a control of a window behind
// it would close it).
ImGuiWindow* TabTrap() {
  const ImGuiContext& g = *GImGui;
  if (ImGuiWindow* modal = ImGui::GetTopMostPopupModal()) return modal;
  if (g.NavWindow && (g.NavWindow->RootWindow->Flags & ImGuiWindowFlags_Popup)) return g.NavWindow->RootWindow;
  return nullptr;
}

}  // namespace

bool ControlLit() {
  const ImGuiContext& g = *GImGui;
  return g.NavId != 0 && !g.NavDisableHighlight && g.NavWindow != nullptr;
}

void KeyboardNavigationBegin() {
  ImGuiContext& g = *GImGui;
  for (int b = 0; b < 3; ++b)
    if (g.IO.MouseClicked[b] && g.HoveredWindow) g_tab.clicked = g.HoveredWindow->RootWindow;
  const ImGuiDir behind = g_tab.back ? ImGuiDir_Right : ImGuiDir_Left;
  switch (g_tab.phase) {
    case 2:
      if (ImGuiWindow* w = g.NavWindow) {
        // A line across the whole window just below (above) the lit control, centred far to the
        // left (Tab) or right (Shift+Tab): of the next row's controls, the first (last) is
        // nearest, and a taller control of the lit one's row lies on the line, not past it.
        const float far = 1e5f;
        ImRect r = w->NavRectRel[0];
        r.Min.y = r.Max.y = g_tab.back ? r.Min.y - 2 : r.Max.y + 2;
        r.Min.x = g_tab.back ? -far : -3 * far;
        r.Max.x = g_tab.back ? 3 * far : far;
        w->NavRectRel[0] = r;
        ImGui::NavMoveRequestSubmit(g_tab.back ? ImGuiDir_Up : ImGuiDir_Down, g_tab.back ? ImGuiDir_Up : ImGuiDir_Down,
                                    ImGuiNavMoveFlags_None, ImGuiScrollFlags_KeepVisibleEdgeY);
        g.NavScoringRect = ImGui::WindowRectRelToAbs(w, r);
      }
      return;
    case 3:
      if (g.NavWindow) ImGui::NavMoveRequestSubmit(behind, behind, ImGuiNavMoveFlags_None, ImGuiScrollFlags_KeepVisibleEdgeY);
      return;
    case 4:
      g_tab.phase = 0;
      if (g_tab.next && g_tab.next->WasActive) {  // (this frame's windows are not yet begun)
        ImGui::FocusWindow(g_tab.next);
        ImGui::NavInitWindow(g_tab.next, true);
        ImGui::SetScrollY(g_tab.next, 0);  // where its first control is
      }
      return;
    default:
      break;
  }
  // The presses come counted from the key callback: ImGui 1.86 sees a key by its state at each
  // frame and misses a press and release between two frames, which a quick Tab Tab Tab has.
  if (g_tab.presses.empty()) return;
  g_tab.back = g_tab.presses.front();
  g_tab.presses.pop_front();
  // In a field being typed into, Tab leaves it as it is (the fields take what is typed as it is
  // typed; the few that wait for Enter keep the text shown) and goes on to the next control.
  if (g.IO.WantTextInput && g.ActiveId != 0) {
    const ImGuiID field = g.ActiveId;
    ImGui::ClearActiveID();
    if (g.NavId != field) return;
  }
  // Tab lights the next control in reading order, Shift+Tab the one before; nothing is typed into
  // until Enter. (ImGui 1.86's own Tab visits text fields only and selects what they hold, so that
  // the next key replaced it: its Tab key is unmapped.)
  const bool was_lit = ControlLit();
  g.NavDisableHighlight = false;
  g.NavDisableMouseHover = g.NavMousePosDirty = true;
  // Nothing lit yet: from the control last clicked, or else the first of the open dialog or menu,
  // or of the sidebar.
  ImGuiWindow* trap = TabTrap();
  if (g.NavWindow == nullptr || g.NavId == 0 || (!was_lit && g.NavWindow->RootWindow != g_tab.clicked) ||
      (trap && g.NavWindow->RootWindow != trap)) {
    if (ImGuiWindow* w = trap ? trap : ImGui::FindWindowByName("##sidebar")) {
      ImGui::FocusWindow(w);
      ImGui::NavInitWindow(w, true);
    }
    g_tab.phase = 0;
    return;
  }
  const ImGuiDir dir = g_tab.back ? ImGuiDir_Left : ImGuiDir_Right;
  ImGui::NavMoveRequestSubmit(dir, dir, ImGuiNavMoveFlags_None, ImGuiScrollFlags_KeepVisibleEdgeY);
  g_tab.phase = 1;
}

bool KeyboardNavigationEnd() {
  ImGuiContext& g = *GImGui;
  if (g_tab.phase == 0 || g_tab.phase == 4) return g_tab.phase == 4 || !g_tab.presses.empty();
  const bool found = g.NavWindow && !ImGui::NavMoveRequestButNoResultYet();
  switch (g_tab.phase) {
    case 1: g_tab.phase = found ? 0 : 2; break;
    case 2: g_tab.phase = found ? 3 : 4; break;
    default: g_tab.phase = found ? 3 : 0; break;
  }
  if (g_tab.phase == 4) {
    // The window's last (or first) control: on to the next (previous) window.
    const std::vector<ImGuiWindow*> ws = TabWindows();
    g_tab.next = TabTrap();  // a dialog's or a menu's last control: back to its first
    if (!g_tab.next && !ws.empty() && g.NavWindow) {
      const auto at = std::find(ws.begin(), ws.end(), g.NavWindow->RootWindow);
      const long i = at == ws.end() ? 0 : long(at - ws.begin());
      const long n = long(ws.size());
      g_tab.next = ws[size_t(((i + (g_tab.back ? -1 : 1)) % n + n) % n)];
    }
  }
  return g_tab.phase != 0 || !g_tab.presses.empty();
}

void QueueTab(bool back) { g_tab.presses.push_back(back); }

void HandleShortcuts(App& app) {
  const ImGuiIO& io = ImGui::GetIO();
  DrawHelpOverlay(app);
  if (io.WantTextInput) return;
  // Escape closes an open menu or list (ImGui does it only with its keyboard navigation on);
  // the dialogs handle their own.
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) && !GImGui->OpenPopupStack.empty() && !ImGui::GetTopMostPopupModal())
    ImGui::ClosePopupsExceptModals();
  // F1, or '?' (a character, whatever the keyboard's layout puts it on), opens the list.
  bool question = false;
  for (int i = 0; i < io.InputQueueCharacters.Size; ++i) question |= io.InputQueueCharacters[i] == '?';
  if (ImGui::IsKeyPressed(GLFW_KEY_F1, false) || question) app.show_help = !app.show_help;
  if (!app.run) {
    // Space while the data still loads: training starts when it is ready (press again: it does not).
    if (app.loading.valid() && !io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_SPACE, false) && !ControlLit())
      app.toggle_play_when_ready();
    return;
  }
  Run& run = *app.run;
  // ImGui 1.86: IsKeyPressed takes the backend's key index (GLFW_KEY_*).
  if (io.KeyCtrl && io.KeyShift) {
    if (ImGui::IsKeyPressed(GLFW_KEY_K, false)) {
      if (!app.classroom_forced) app.classroom = !app.classroom;
      else app.say("Classroom mode is locked for this session (started with --classroom)");
    }
    return;
  }
  if (io.KeyCtrl) {
    // The interface's size: Ctrl+= (or +) larger, Ctrl+- smaller, Ctrl+0 the monitor's own.
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL, true) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD, true))
      app.ui_zoom = std::min(3.f, app.ui_zoom * 1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS, true) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT, true))
      app.ui_zoom = std::max(0.5f, app.ui_zoom / 1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_0, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_0, false)) app.ui_zoom = 1;
    if (ImGui::IsKeyPressed(GLFW_KEY_B, false)) app.sidebar_folded = !app.sidebar_folded;
    if (app.out_of_reach(App::Controls::Files)) return;
    if (ImGui::IsKeyPressed(GLFW_KEY_S, false)) app.open_save_dialog = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_O, false)) app.open_load_dialog = true;
    return;
  }
  // Space presses a control lit by the keyboard (ImGui's navigation does it); otherwise it plays.
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false) && !ControlLit()) app.training() ? run.pause() : run.play();
  if (ImGui::IsKeyPressed(GLFW_KEY_S, true)) run.step_batch();
  if (ImGui::IsKeyPressed(GLFW_KEY_E, false)) run.step_epoch();
  if (ImGui::IsKeyPressed(GLFW_KEY_R, false) && !app.out_of_reach(App::Controls::Reset))
    app.guard("Reset starts again from new weights.", [&app] { if (app.run) app.run->reset(); });
}

}  // namespace nnviz::gui
