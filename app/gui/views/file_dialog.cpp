// Save and open dialogs for model files: a path to edit, and a browser of folders and model files
// under it, with the files used lately. (ImGui has no native file dialog: where the desktop has
// one, zenity or kdialog, Choose... opens it beside the app, desktop_chooser.h.)
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // ClearActiveID
#include <imgui_stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "app.h"
#include "base/fileio.h"
#include "lessons/lesson.h"

namespace nnviz::gui {

namespace {

// One folder's entries for the browser: sub-folders, then model files (.safetensors) and, for
// opening, lessons (.nnviz-lesson.json), each sorted;
// hidden names left out; and the recent files that can still be read. Read again when the folder
// changes and once a second, not every frame.
struct Listing {
  std::string dir, error;
  std::vector<std::string> folders, files, recent;
  double read_at = -1;
  size_t more = 0;  // entries left out past the cap
  std::string save_suffix;  // the files a save lists (".safetensors", ".onnx"); "" when opening
};

bool is_folder(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string join(const std::string& dir, const std::string& name) { return dir == "/" ? "/" + name : dir + "/" + name; }

const Listing& list_folder(const std::string& dir, const std::vector<std::string>& recent,
                           const std::string& save_suffix) {
  static Listing l;
  const double now = ImGui::GetTime();
  if (l.dir == dir && l.save_suffix == save_suffix && now - l.read_at < 1.0) return l;
  l = Listing{};
  l.dir = dir;
  l.save_suffix = save_suffix;
  l.read_at = now;
  for (const auto& r : recent)
    if (::access(r.c_str(), R_OK) == 0) l.recent.push_back(r);
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    l.error = std::strerror(errno);
    return l;
  }
  constexpr size_t kCap = 2000;  // a folder of a million files stays quick
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.empty() || n[0] == '.') continue;
    if (l.folders.size() + l.files.size() >= kCap) {
      ++l.more;
      continue;
    }
    // The entry's type from the folder itself where the file system gives it (no stat a name).
    const bool folder = e->d_type == DT_DIR || ((e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) && is_folder(join(dir, n)));
    if (folder) l.folders.push_back(n);
    else if (save_suffix.empty() ? ends_with(n, ".safetensors") || is_lesson_file_name(n) : ends_with(n, save_suffix))
      l.files.push_back(n);
  }
  ::closedir(d);
  std::sort(l.folders.begin(), l.folders.end());
  std::sort(l.files.begin(), l.files.end());
  return l;
}

// What a save writes: the run (.safetensors) or the ONNX model of its network (.onnx).
const char* Suffix(bool onnx) { return onnx ? ".onnx" : ".safetensors"; }
const char* SaveSuffix(const App& app) { return Suffix(app.save_onnx); }
std::string DefaultName(const App& app) { return (app.save_onnx ? "model" : "run") + std::string(SaveSuffix(app)); }

// `path` with the suffix of the chosen format in place of the other's (added when it has neither).
std::string WithSuffix(const std::string& path, bool onnx) {
  if (path.empty()) return path;
  const char* want = Suffix(onnx);
  const char* other = Suffix(!onnx);
  if (ends_with(path, want)) return path;
  if (ends_with(path, other)) return path.substr(0, path.size() - std::strlen(other)) + want;
  return path + want;
}

// The Save dialog's format: the run, or its network as ONNX. Switching changes the file name's
// suffix along.
void FormatChoice(App& app, std::string& path) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("Save as");
  ImGui::SameLine();
  bool changed = false;
  if (ImGui::RadioButton("nnviz run", !app.save_onnx)) changed = app.save_onnx, app.save_onnx = false;
  app.mark("dialog.run");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Weights, architecture, settings, curves and the place in training (.safetensors); reopens here");
  ImGui::SameLine();
  if (ImGui::RadioButton("ONNX model", app.save_onnx)) changed = !app.save_onnx, app.save_onnx = true;
  app.mark("dialog.onnx");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The network as it is now (.onnx), for Netron, ONNX Runtime and other frameworks.\n"
                      "Input: pixels in [0, 1]; the model normalises them itself. The run itself is not saved.");
  if (changed) path = WithSuffix(path, app.save_onnx);
}

// The browser under the path field: where it is, a way up and to the usual folders, the folders
// and model files there (a click on a folder goes in, on a file takes it, a double-click on a file
// opens or saves at once), and the files used lately. Returns true for that double-click.
bool Browser(App& app, std::string& path, bool saving) {
  const float fs = ImGui::GetFontSize();
  std::string& dir = app.browse_dir;
  if (dir.empty() || !is_folder(dir)) dir = data_home();
  bool chosen = false;
  auto go = [&](const std::string& to) {
    dir = to;
    // Saving: the file name stays, in the new folder.
    if (saving) path = join(dir, path.substr(path.rfind('/') + 1));
  };
  if (ImGui::SmallButton("Up") && dir != "/") go(parent_folder(dir));
  ImGui::SameLine();
  if (ImGui::SmallButton("nnviz folder")) go(data_home());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", data_home().c_str());
  if (const char* home = std::getenv("HOME"); home && *home) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Home")) go(home);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("in");
  ImGui::SameLine();
  // The folder, its start cut off with "..." when the line is too narrow for it.
  std::string shown = dir;
  const float room = ImGui::GetContentRegionAvail().x;
  while (shown.size() > 4 && ImGui::CalcTextSize(shown.c_str()).x > room) shown = "..." + shown.substr(4);
  ImGui::TextUnformatted(shown.c_str());
  if (ImGui::IsItemHovered() && shown != dir) ImGui::SetTooltip("%s", dir.c_str());
  const Listing& l = list_folder(dir, app.recent_files, saving ? SaveSuffix(app) : "");
  const size_t rows = l.folders.size() + l.files.size() + (l.more ? 1 : 0) + (l.error.empty() ? 0 : 1);
  ImGui::BeginChild("browser", {0, ImGui::GetTextLineHeightWithSpacing() * float(std::clamp<size_t>(rows, 3, 10)) +
                                       fs * 0.5f},
                    true);
  if (!l.error.empty()) ImGui::TextColored({1, 0.55f, 0.5f, 1}, "cannot list this folder: %s", l.error.c_str());
  std::string into;
  for (const auto& f : l.folders) {
    const bool in = ImGui::Selectable((f + "/").c_str());
    app.mark(("browser." + f + "/").c_str());
    if (in) into = join(dir, f);
  }
  for (const auto& f : l.files) {
    const std::string full = join(dir, f);
    const bool picked = ImGui::Selectable(f.c_str(), full == path, ImGuiSelectableFlags_AllowDoubleClick);
    app.mark(("browser." + f).c_str());
    if (picked) {
      path = full;
      if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) chosen = true;
    }
  }
  if (l.more) ImGui::TextDisabled("... and %zu more entries (type the name)", l.more);
  if (l.folders.empty() && l.files.empty() && l.error.empty()) ImGui::TextDisabled(!saving ? "no folders, model files or lessons here"
                                                                                     : app.save_onnx ? "no folders or ONNX models here"
                                                                                                     : "no folders or model files here");
  ImGui::EndChild();
  if (!into.empty()) go(into);
  // Recently used files (saved and opened), newest first.
  if (!l.recent.empty()) {
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##recent", "recent files...")) {
      for (const auto& r : l.recent)
        if (ImGui::Selectable(r.c_str(), r == path)) path = r, dir = parent_folder(r);
      ImGui::EndCombo();
    }
  }
  return chosen;
}

// Starts the desktop's chooser for this dialog: opening in the browser's folder, saving to the
// path in the field.
void StartChooser(App& app, const char* title, bool saving) {
  const std::string& path = app.dialog_path;
  const std::string start = !saving ? app.browse_dir : path.empty() ? join(app.browse_dir, DefaultName(app)) : path;
  app.chooser_saving = saving;
  if (!app.chooser.start(ChooserArgs(app.chooser_tool, saving, start, title, saving && app.save_onnx)))
    app.say("Could not start the file chooser: " + app.chooser.error(), true);
  // A text field being edited shows its own copy of the text: it lets go, so the answer shows.
  ImGui::ClearActiveID();
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
    // Every Save dialog starts as a save of the run (Ctrl+S, "Save first...", the close's question
    // all mean that); the ONNX export is chosen in it each time.
    app.save_onnx = false;
    path = app.model_path;
    ImGui::SetKeyboardFocusHere();
  }
  if (ImGui::IsWindowAppearing()) app.browse_dir = path.empty() ? data_home() : parent_folder(path);
  // The desktop's chooser's answer to this dialog is taken as if typed and entered: a folder goes
  // to the browser, replacing another file still takes the Replace button.
  bool chosen = false;
  if (app.chooser_saving == saving && app.chooser.running()) {
    const ChooserProcess::State st = app.chooser.poll();
    if (st == ChooserProcess::State::Chosen) path = app.chooser.path(), chosen = true;
    if (st == ChooserProcess::State::Failed)
      app.say("The file chooser failed: " + app.chooser.error() + " (type the path or pick it below)", true);
  }
  const bool choosing = app.chooser_saving == saving && app.chooser.running();
  ImGui::BeginDisabled(choosing);  // until the chooser answers, the dialog waits for it
  const bool can_choose = bool(app.chooser_tool);
  ImGui::SetNextItemWidth(can_choose ? -(ButtonWidth("Choose...") + ImGui::GetStyle().ItemSpacing.x) : -1);
  bool enter = ImGui::InputText("##path", &path, ImGuiInputTextFlags_EnterReturnsTrue) || chosen;
  app.mark("dialog.path");
  if (can_choose) {
    // Ctrl+O (Ctrl+S) again in its own dialog is the keyboard's way to the desktop's chooser.
    const bool again = !ImGui::IsWindowAppearing() && ImGui::GetIO().KeyCtrl &&
                       ImGui::IsKeyPressed(saving ? GLFW_KEY_S : GLFW_KEY_O, false);
    ImGui::SameLine();
    const bool clicked = ImGui::Button("Choose...");
    app.mark("dialog.choose");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Pick the file in the desktop's file chooser (%s; or %s again)", app.chooser_tool.name.c_str(),
                        saving ? "Ctrl+S" : "Ctrl+O");
    if ((clicked || again) && !choosing) StartChooser(app, title, saving);
  }
  if (enter && is_folder(path)) {  // a folder typed in: the browser goes there
    app.browse_dir = path;
    path = saving ? join(path, app.model_path.empty() ? DefaultName(app)
                                                      : WithSuffix(app.model_path.substr(app.model_path.rfind('/') + 1),
                                                                   app.save_onnx))
                  : path;
    enter = false;
  }
  if (saving) FormatChoice(app, path);
  const bool double_clicked = Browser(app, path, saving);
  enter = enter || double_clicked;
  // Saving over any file but this run's own (exporting over any file) says so first, and the
  // button says Replace.
  const bool replaces =
      saving && (app.save_onnx || path != app.own_path) && ::access(path.c_str(), F_OK) == 0;
  if (replaces) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({0.95f, 0.8f, 0.4f, 1},
                       app.save_onnx ? "%s already exists: exporting replaces it."
                                     : "%s already exists and is not this run's file: saving replaces it.",
                       path.substr(path.rfind('/') + 1).c_str());
    ImGui::PopTextWrapPos();
  }
  if (choosing) ImGui::TextDisabled("Waiting for the file chosen in %s's window...", app.chooser_tool.name.c_str());
  // Enter confirms a plain save or an open; replacing another file takes the button itself.
  const bool confirmed = ImGui::Button(!saving ? "Open" : replaces ? "Replace" : app.save_onnx ? "Export" : "Save");
  app.mark("dialog.confirm");
  if (confirmed || (enter && !replaces)) {
    if (saving && app.save_onnx) app.export_onnx(path);
    else if (saving) app.save_model(path);
    else {
      // The file is read and checked first: a bad one is an error at once, and the question about
      // unsaved training is asked only of a file that can replace the run.
      std::function<void()> commit;
      try {
        commit = app.prepare_open(path);
      } catch (const std::exception& e) {
        app.say(std::string("Could not open: ") + e.what(), true);
      }
      if (commit) app.guard("Opening " + path + " replaces the current run.", [&app, commit] { app.open_checked(commit); });
    }
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  // Cancel, also while the chooser is open: it goes with the dialog (DrawFileDialogs).
  const bool cancel = ImGui::Button("Cancel");
  app.mark("dialog.cancel");
  if (cancel || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
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
  // Asked for while already open (its shortcut again): it stays as it is; its Ctrl+O (Ctrl+S)
  // opens the desktop's chooser instead.
  if (app.open_save_dialog && !ImGui::IsPopupOpen("Save run")) ImGui::OpenPopup("Save run");
  if (app.open_load_dialog && !ImGui::IsPopupOpen("Open run or model")) ImGui::OpenPopup("Open run or model");
  app.open_save_dialog = app.open_load_dialog = false;
  Dialog(app, "Save run", true);
  Dialog(app, "Open run or model", false);
  // A chooser whose dialog has closed (Cancel, Escape, another dialog in its place) is ended: its
  // answer would have nowhere to go.
  if (app.chooser.running() && !ImGui::IsPopupOpen(app.chooser_saving ? "Save run" : "Open run or model"))
    app.chooser.cancel();
}

}  // namespace nnviz::gui
