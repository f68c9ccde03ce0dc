// Save and open dialogs for model files: a path to edit, and the models already in the user's
// nnviz folder to pick from. (ImGui has no native file dialog.)
#include <dirent.h>
#include <unistd.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app.h"

namespace nnviz::gui {

namespace {

std::vector<std::string> list_models(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 12 && n.compare(n.size() - 12, 12, ".safetensors") == 0) out.push_back(dir + "/" + n);
    }
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void Dialog(App& app, const char* title, bool saving) {
  // A fixed width, and a height that follows the content: a warning line that appears later
  // pushes the buttons down instead of cutting them off.
  const float width = std::min(ImGui::GetFontSize() * 34, ImGui::GetMainViewport()->Size.x * 0.95f);
  ImGui::SetNextWindowSizeConstraints({width, 0}, {width, ImGui::GetMainViewport()->Size.y * 0.9f});
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize))
    return;
  std::string& path = app.dialog_path;
  if (ImGui::IsWindowAppearing()) {
    path = app.model_path;
    ImGui::SetKeyboardFocusHere();
  }
  ImGui::SetNextItemWidth(-1);
  const bool enter = ImGui::InputText("##path", &path, ImGuiInputTextFlags_EnterReturnsTrue);
  const auto models = list_models(data_home());
  if (!models.empty()) {
    ImGui::TextDisabled("In %s:", data_home().c_str());
    ImGui::BeginChild("models", {0, ImGui::GetTextLineHeightWithSpacing() * std::min<size_t>(models.size() + 1, 8)},
                      true);
    for (const auto& m : models)
      if (ImGui::Selectable(m.substr(m.rfind('/') + 1).c_str(), m == path)) path = m;
    ImGui::EndChild();
  }
  // Saving over any file but this run's own says so first, and the button says Replace.
  const bool replaces = saving && path != app.own_path && ::access(path.c_str(), F_OK) == 0;
  if (replaces) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({0.95f, 0.8f, 0.4f, 1}, "%s already exists and is not this run's file: saving replaces it.",
                       path.substr(path.rfind('/') + 1).c_str());
    ImGui::PopTextWrapPos();
  }
  // Enter confirms a plain save or an open; replacing another file takes the button itself.
  if (ImGui::Button(saving ? (replaces ? "Replace" : "Save") : "Open") || (enter && !replaces)) {
    if (saving) app.save_model(path);
    else {
      // The file is read and checked first: a bad one is an error at once, and the question about
      // unsaved training is asked only of a file that can replace the run.
      std::function<void()> commit;
      try {
        commit = app.prepare_open(path);
      } catch (const std::exception& e) {
        app.say(std::string("Could not open the model: ") + e.what(), true);
      }
      if (commit) app.guard("Opening " + path + " replaces the current run.", [&app, commit] { app.open_checked(commit); });
    }
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace

// Asks before an action throws away training that is not saved.
void ConfirmDialog(App& app) {
  const char* title = "Unsaved training";
  if (app.confirm_request) ImGui::OpenPopup(title);
  app.confirm_request = false;
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::Text("The run has trained %ld steps since it was last saved.", app.snap.step - app.saved_step);
  ImGui::TextUnformatted(app.confirm_what.c_str());
  ImGui::Spacing();
  auto done = [&] {
    app.confirm_action = nullptr;
    ImGui::CloseCurrentPopup();
  };
  if (ImGui::Button("Save first...")) {
    app.open_save_dialog = true;  // the action is dropped: after saving, the user does it again
    done();
  }
  ImGui::SameLine();
  const bool discard = ImGui::Button("Discard and go on");
  app.mark("confirm.discard");
  if (discard) {
    auto action = std::move(app.confirm_action);
    done();
    if (action) action();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) done();
  ImGui::EndPopup();
}

// The window's close could not keep the unsaved training: say why, and let the user decide.
void CloseDialog(App& app) {
  const char* title = "Training not kept";
  if (app.close_request) ImGui::OpenPopup(title);
  app.close_request = false;
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
  ImGui::SetNextWindowSizeConstraints({ImGui::GetFontSize() * 24, 0},
                                      {ImGui::GetMainViewport()->Size.x * 0.9f, ImGui::GetMainViewport()->Size.y * 0.9f});
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 34);
  ImGui::Text("The run has trained %ld steps since it was last saved, and they could not be kept:",
              app.snap.step - app.saved_step);
  ImGui::TextColored({1, 0.55f, 0.5f, 1}, "%s", app.close_problem.c_str());
  ImGui::TextUnformatted("Closing now loses them. Save run... stores them where you choose.");
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (ImGui::Button("Save run...")) {
    app.open_save_dialog = true;
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  const bool anyway = ImGui::Button("Close without keeping");
  app.mark("close.anyway");
  if (anyway) {
    app.close_confirmed = app.close_now = true;
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

void DrawFileDialogs(App& app) {
  ConfirmDialog(app);
  CloseDialog(app);
  if (app.open_save_dialog) ImGui::OpenPopup("Save run");
  if (app.open_load_dialog) ImGui::OpenPopup("Open run or model");
  app.open_save_dialog = app.open_load_dialog = false;
  Dialog(app, "Save run", true);
  Dialog(app, "Open run or model", false);
}

}  // namespace nnviz::gui
