// The status bar along the bottom: where the run is, how fast it goes, what went wrong.
// Also the keyboard shortcuts, which act on the same run.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // the popup stack: Escape closes menus

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"

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
  // Each piece of the bar is formatted once, drawn, and kept in app.status_line (the state dump
  // for tests reports the bar as shown).
  app.status_line.clear();
  std::string text;
  auto piece = [&](const char* fmt, auto... args) -> const char* {
    text.resize(size_t(std::max(0, std::snprintf(nullptr, 0, fmt, args...))));
    std::snprintf(text.data(), text.size() + 1, fmt, args...);
    app.status_line += (app.status_line.empty() ? "" : " ") + text;
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
  if (const CompareState& cs = app.compare; cs.cmp) {
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
    if (app.loading.valid() && !io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) app.toggle_play_when_ready();
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
  const bool cls = app.classroom;
  if (io.KeyCtrl) {
    // The interface's size: Ctrl+= (or +) larger, Ctrl+- smaller, Ctrl+0 the monitor's own.
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL, true) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD, true))
      app.ui_zoom = std::min(3.f, app.ui_zoom * 1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS, true) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT, true))
      app.ui_zoom = std::max(0.5f, app.ui_zoom / 1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_0, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_0, false)) app.ui_zoom = 1;
    if (ImGui::IsKeyPressed(GLFW_KEY_B, false)) app.sidebar_folded = !app.sidebar_folded;
    if (cls && app.hide_files) return;
    if (ImGui::IsKeyPressed(GLFW_KEY_S, false)) app.open_save_dialog = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_O, false)) app.open_load_dialog = true;
    return;
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) app.training() ? run.pause() : run.play();
  if (ImGui::IsKeyPressed(GLFW_KEY_S, true)) run.step_batch();
  if (ImGui::IsKeyPressed(GLFW_KEY_E, false)) run.step_epoch();
  if (ImGui::IsKeyPressed(GLFW_KEY_R, false) && !(cls && app.hide_reset))
    app.guard("Reset starts again from new weights.", [&app] { if (app.run) app.run->reset(); });
}

}  // namespace nnviz::gui
