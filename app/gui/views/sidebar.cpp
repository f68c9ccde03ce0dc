// The sidebar: dataset, network (preset or layer by layer), initialisation and seed, the
// optimizer and its hyperparameters (editable live), and the run controls.
#include <imgui.h>
#include <imgui_internal.h>  // TempInputIsActive: a slider typed into (Ctrl+click) shows its own text
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <ctime>
#include <cstdio>
#include <cstring>

#include "app.h"
#include "views/sidebar.h"
#include "views/view_table.h"

namespace nnviz::gui {

namespace {

const char* kOptimizers[] = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"};
const char* kSchedules[] = {"constant", "step", "exponential", "cosine"};

// The classroom settings' fold: a row that opens and closes them, drawn as a tree node (an ImGui
// tree node opens under a move to the right, which is how Tab walks the controls). True while
// open, with the settings indented.
bool ClassroomFold(App& app) {
  const ImVec2 at = ImGui::GetCursorScreenPos();
  if (ImGui::Selectable("##classroom-fold", false)) app.classroom_settings_open = !app.classroom_settings_open;
  app.mark("classroom.section");
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::RenderArrow(dl, {at.x + ImGui::GetStyle().FramePadding.x * 0.5f, at.y}, ImGui::GetColorU32(ImGuiCol_Text),
                     app.classroom_settings_open ? ImGuiDir_Down : ImGuiDir_Right, 0.7f);
  dl->AddText({at.x + fs * 1.5f, at.y}, ImGui::GetColorU32(ImGuiCol_Text), "Classroom");
  if (app.classroom_settings_open) ImGui::Indent();
  return app.classroom_settings_open;
}

void ViewsSection(App& app) {
  Section("VIEWS");
  // Rows of related views; a box that does not fit its row goes to the next line.
  auto box = [&app](const char* label, bool* on, const char* mark, bool same_line) {
    if (same_line) SameLineIfFits(CheckboxWidth(label));
    ImGui::Checkbox(label, on);
    app.mark(mark);
  };
  for (size_t i = 0; i < app.views.size(); ++i) {
    const ViewEntry& v = ViewTable()[i];
    if (app.view_hidden(v.name)) continue;  // the lesson keeps it out of sight
    const bool locked = app.view_locked(v.name);
    ImGui::BeginDisabled(locked);
    box(v.label, &app.views.open_at(i), (std::string("views.") + v.name).c_str(), v.same_line);
    ImGui::EndDisabled();
    if (locked && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("The lesson keeps this view as it is");
  }
  SameLineIfFits(CheckboxWidth("Tile"));
  ImGui::Checkbox("Tile", &app.views.tile);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Arrange the open views side by side; off: move and size them freely");
  // The projector preset: everything (text, plots, the confusion matrix) one and a half times larger.
  auto projector = [&app] {
    const bool on = app.ui_zoom >= 1.45f;
    if (ImGui::SmallButton(on ? "Projector off" : "Projector")) app.ui_zoom = on ? 1.f : 1.5f;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(on ? "Back to the normal size (Ctrl+0)" : "Everything 1.5 times larger, for a projector (Ctrl+= and Ctrl+- step)");
  };
  if (app.classroom) {
    // The teacher's way out, in sight (and Ctrl+Shift+K); none when the app was started with
    // --classroom: that session is locked, and only a start without the flag leaves it.
    ImGui::TextDisabled(app.classroom_forced ? "classroom mode (locked)" : "classroom mode");
    if (app.classroom_forced && ImGui::IsItemHovered())
      ImGui::SetTooltip("Started with --classroom: every setting the teacher hid stays hidden until nnviz is started without it");
    ImGui::SameLine();
    if (!app.classroom_forced) {
      if (ImGui::SmallButton("Leave...")) ImGui::OpenPopup("Leave classroom mode");
      app.mark("classroom.leave");
      ImGui::SameLine();
    }
    projector();
    if (app.run && (app.hide_setup || app.hide_optimizer)) {
      // What is trained, read-only: the settings are hidden, not a secret.
      const TrainConfig& c = app.snap.config;
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      TextAtSpaces("trains %s", c.net.describe().c_str());
      TextAtSpaces("with %s, learning rate %.3g, batches of %d", to_string(c.opt.kind), double(c.opt.lr), c.batch);
      ImGui::PopStyleColor();
    }
    if (ImGui::BeginPopup("Leave classroom mode")) {
      ImGui::TextUnformatted("Show every setting again? (Ctrl+Shift+K does the same)");
      if (ImGui::Button("Leave classroom mode")) {
        app.classroom = false;
        ImGui::CloseCurrentPopup();
      }
      app.mark("classroom.leave_confirm");
      ImGui::SameLine();
      if (ImGui::Button("Stay")) ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
  } else if (ClassroomFold(app)) {
    ImGui::TextDisabled("What students do not see (nor reach by shortcut):");
    ImGui::Checkbox("the network setup", &app.hide_setup);
    app.mark("classroom.hide.setup");
    ImGui::Checkbox("the optimizer settings", &app.hide_optimizer);
    app.mark("classroom.hide.optimizer");
    ImGui::Checkbox("the dataset choice", &app.hide_data);
    app.mark("classroom.hide.data");
    ImGui::Checkbox("Reset (and R)", &app.hide_reset);
    app.mark("classroom.hide.reset");
    ImGui::Checkbox("saving and opening files", &app.hide_files);
    app.mark("classroom.hide.files");
    if (ImGui::Button("Enter classroom mode")) app.classroom = true;
    app.mark("classroom.enter");
    HelpMarker("Leave... in the sidebar or Ctrl+Shift+K leaves classroom mode (and the keys enter it). The choice is remembered.");
    projector();
    ImGui::Unindent();
  }
}

void DataSection(App& app) {
  Section("DATA");
  int kind = app.data_kind == DatasetKind::Mnist ? 0 : app.data_kind == DatasetKind::Fashion ? 1 : 2;
  const char* names[] = {"MNIST digits", "Fashion-MNIST", "Your images (a folder)..."};
  ImGui::SetNextItemWidth(-1);
  bool picked = false;
  if (ImGui::BeginCombo("##dataset", names[kind])) {
    for (int k = 0; k < 3; ++k) {
      if (ImGui::Selectable(names[k], k == kind)) kind = k, picked = true;
      app.mark(k == 0 ? "data.dataset.0" : k == 1 ? "data.dataset.1" : "data.dataset.2");
    }
    ImGui::EndCombo();
  }
  app.mark("data.dataset");
  if (picked && kind < 2) {
    const DatasetKind k = kind == 0 ? DatasetKind::Mnist : DatasetKind::Fashion;
    app.guard("Another dataset starts a new run.", [&app, k] {
      app.setup.dataset = k;
      app.run.reset();
      app.data.reset();
      app.full_data.reset();
      app.load_data(k);
    });
  }
  if (picked && kind == 2) ImGui::OpenPopup("folder");
  // The folder's choices: where, how large, grey or colour.
  if (ImGui::BeginPopup("folder")) {
    const float fs = ImGui::GetFontSize();
    ImGui::TextUnformatted("A folder with one folder of pictures per class:");
    ImGui::TextDisabled("PNG, JPEG, BMP, GIF, TGA or PGM/PPM, any size; cats/..., dogs/...");
    ImGui::SetNextItemWidth(fs * 22);
    ImGui::InputText("##folderpath", &app.folder_dir);
    app.mark("data.folder.path");
    ImGui::SetNextItemWidth(fs * 8);
    SliderIntClear("pixels a side", &app.folder_size, 8, 64, "%d", ImGuiSliderFlags_AlwaysClamp);
    ImGui::SameLine();
    ImGui::Checkbox("colour", &app.folder_colour);
    app.mark("data.folder.colour");
    ImGui::BeginDisabled(app.folder_dir.empty());
    if (ImGui::Button("Load")) {
      const FolderOptions o = app.folder_options();
      const std::string dir = app.folder_dir;
      app.guard("Another dataset starts a new run.", [&app, dir, o] { app.load_folder(dir, o); });
      ImGui::CloseCurrentPopup();
    }
    app.mark("data.folder.load");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (app.folder_load.result.valid()) {  // a folder being read: how far, and a way out
    const long done = app.folder_load.progress->done, total = app.folder_load.progress->total;
    char text[64];
    std::snprintf(text, sizeof text, total > 0 ? "%ld of %ld files" : "listing the files...", done, total);
    ImGui::ProgressBar(total > 0 ? float(done) / float(total) : 0.f, {-ImGui::GetFontSize() * 5, 0}, text);
    app.mark("data.folder.progress");
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel##folder")) app.folder_load.progress->cancel = true;
  }
  if (app.loading.valid()) ImGui::TextDisabled("Loading...");
  else if (!app.data_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", app.data_error.c_str());
    ImGui::PopTextWrapPos();
  } else if (app.data) {
    if (app.data->kind == DatasetKind::Folder)
      TextElided(ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled),
                 app.data->source + ": " + std::to_string(app.data->num_classes) + " classes, " +
                     std::to_string(app.data->rows) + "x" + std::to_string(app.data->cols) +
                     (app.data->channels == 3 ? " colour" : " grey"));
    ImGui::TextDisabled("%d train / %d val / %d test", app.data->train.count, app.data->val.count,
                        app.data->test.count);
  }
  // The training images kept: the first N of the training split (overfitting shows on 1,000).
  // Typed and confirmed with Enter (or the - and + steps); 0 or more than there are: all of them.
  int typed = int(std::min<long>(app.train_size, 10000000));  // ImGui keeps the text while it is typed
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  const bool changed = ImGui::InputInt("training images", &typed, 1000, 10000, ImGuiInputTextFlags_EnterReturnsTrue);
  app.mark("data.train_size");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Train on the first N training images only (0: all of them). A new run starts; validation and test stay whole.");
  if (changed) app.set_train_size(std::max(0, typed));
  if (app.train_size == 0) {
    SameLineIfFits(ImGui::CalcTextSize("(0: all)").x);
    ImGui::TextDisabled("(0: all)");
  }
}

void OptimizerSection(App& app) {
  Section("TRAINING  (changes apply live)");
  OptConfig o = app.setup.opt;
  bool changed = false, held = false, released = false;
  // A slider being dragged applies every value at once but marks the curves once, on release.
  auto live = [&](bool ch) {
    if (ch && ImGui::IsItemActive()) held = true;
    if (ImGui::IsItemDeactivatedAfterEdit()) released = true;
    return ch;
  };
  std::string kind = to_string(o.kind);
  const float w = ImGui::GetContentRegionAvail().x * 0.55f;
  ImGui::SetNextItemWidth(w);
  if (Combo("optimizer", kind, kOptimizers, kind)) o.kind = opt_kind_from_string(kind), changed = true;
  app.mark("training.optimizer");
  ImGui::SetNextItemWidth(w);
  changed |= live(ImGui::DragFloat("learning rate", &o.lr, std::max(1e-5f, o.lr * 0.01f), 1e-6f, 10.f, "%.4g",
                              ImGuiSliderFlags_Logarithmic));
  app.mark("training.lr");
  if (o.kind == OptKind::Momentum || o.kind == OptKind::Nesterov) {
    ImGui::SetNextItemWidth(w);
    changed |= live(SliderFloatClear("momentum", &o.momentum, 0.f, 0.999f, "%.3f"));
    app.mark("training.momentum");
  }
  if (o.kind == OptKind::Adam || o.kind == OptKind::AdamW) {
    ImGui::SetNextItemWidth(w);
    changed |= live(SliderFloatClear("beta1", &o.beta1, 0.f, 0.999f, "%.3f"));
    ImGui::SetNextItemWidth(w);
    changed |= live(SliderFloatClear("beta2", &o.beta2, 0.9f, 0.9999f, "%.4f"));
  }
  if (o.kind == OptKind::RmsProp) {
    ImGui::SetNextItemWidth(w);
    changed |= live(SliderFloatClear("rho", &o.rho, 0.f, 0.999f, "%.3f"));
  }
  ImGui::SetNextItemWidth(w);
  changed |= live(ImGui::DragFloat("weight decay", &o.weight_decay, 1e-5f, 0.f, 1.f, "%.2e"));
  app.mark("training.weight_decay");
  HelpMarker("L2 penalty on the weights (not the biases). AdamW applies it decoupled from the gradient.");
  if (changed || released) {
    o.lr = std::max(o.lr, 1e-7f);
    app.setup.opt = o;
    if (app.run) app.run->set_optimizer(o, !held || released);
  }

  int batch = app.setup.batch;
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("batch size", &batch, 1, 16) && batch >= 1 && batch <= 60000) app.setup.batch = batch, app.batch_unsent = true;
  // What is typed reaches the run when the field is left (Enter, a click elsewhere, Tab), not at
  // each digit: typing 32 trained at batch size 3 first. The - and + buttons apply at once.
  if (app.batch_unsent && !Typing()) {
    if (app.run) app.run->set_batch(app.setup.batch);
    app.batch_unsent = false;
  }
  app.mark("training.batch");
  Schedule sc = app.setup.schedule;
  std::string sk = to_string(sc.kind);
  bool sched_changed = false;
  ImGui::SetNextItemWidth(w);
  if (Combo("schedule", sk, kSchedules, sk)) sc.kind = schedule_kind_from_string(sk), sched_changed = true;
  app.mark("training.schedule");
  if (sc.kind == Schedule::Kind::Step) {
    ImGui::SetNextItemWidth(w);
    sched_changed |= ImGui::DragFloat("every (epochs)", &sc.step_epochs, 0.1f, 0.1f, 1000.f, "%.1f");
  }
  if (sc.kind == Schedule::Kind::Step || sc.kind == Schedule::Kind::Exponential) {
    ImGui::SetNextItemWidth(w);
    sched_changed |= SliderFloatClear("gamma", &sc.gamma, 0.01f, 1.f, "%.3f");
  }
  int epochs = app.setup.epochs;
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("epochs", &epochs, 1, 5) && epochs >= 1 && epochs <= 100000) app.setup.epochs = epochs, app.epochs_unsent = true;
  // The same: typing 150 set 1 and then 15 epochs first, and a run past its first epoch stopped.
  if (app.epochs_unsent && !Typing()) {
    sc.total_epochs = float(app.setup.epochs);
    sched_changed = true;
    if (app.run) app.run->set_epochs(app.setup.epochs);
    app.epochs_unsent = false;
  }
  app.mark("training.epochs");
  if (sched_changed) {
    sc.total_epochs = float(app.setup.epochs);
    app.setup.schedule = sc;
    if (app.run) app.run->set_schedule(sc);
  }
}

void ControlsSection(App& app) {
  Section("CONTROLS");
  Run* run = app.run.get();
  const float bw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x * 3) / 4;
  const bool running = app.training();
  // Play works while the data still loads: the training starts as soon as it is ready.
  const bool waiting = !run && app.loading.valid();
  ImGui::BeginDisabled(!run && !waiting);
  const bool play_pressed = ImGui::Button(running ? "Pause" : waiting && app.play_when_ready ? "Starting" : "Play", {bw, 0});
  app.mark("controls.play");
  if (play_pressed && run) running ? run->pause() : run->play();
  else if (play_pressed && waiting) app.toggle_play_when_ready();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(waiting ? (app.play_when_ready ? "Starts when the data is loaded; click to cancel" : "Space: starts as soon as the data is loaded")
                              : "Space");
  ImGui::EndDisabled();
  ImGui::BeginDisabled(!run);
  ImGui::SameLine();
  const bool step_pressed = ImGui::Button("Step", {bw, 0});
  app.mark("controls.step");
  if (step_pressed && run) run->step_batch();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One mini-batch (S)");
  ImGui::SameLine();
  const bool epoch_pressed = ImGui::Button("Epoch", {bw, 0});
  app.mark("controls.epoch");
  if (epoch_pressed && run) run->step_epoch();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("To the end of this epoch (E)");
  ImGui::SameLine();
  const bool no_reset = app.out_of_reach(App::Controls::Reset);
  if (no_reset) ImGui::BeginDisabled();
  const bool reset_pressed = ImGui::Button("Reset", {bw, 0});
  app.mark("controls.reset");
  if (reset_pressed && run) app.guard("Reset starts again from new weights.", [&app] { if (app.run) app.run->reset(); });
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("New start from the same seed (R)");
  if (no_reset) ImGui::EndDisabled();
  // The pace: from 1 to 1000 mini-batches a second, and at the right end, full speed. A new
  // user starts at a pace the curves can be watched at (kWatchSpeed); "Full" is one click away and
  // goes back to the pace set before.
  const bool full = app.speed <= 0;
  float speed = full ? kMaxSpeed : float(app.speed);
  const char* full_label = full ? "Watch" : "Full";
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ButtonWidth(full_label) - ImGui::GetStyle().ItemSpacing.x);
  const char* fmt = full ? "speed: full" : "%.0f batches/s";
  const bool speed_changed = SliderFloatClear("##speed", &speed, 1.f, kMaxSpeed, fmt,
                                                ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  app.mark("controls.speed");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Mini-batches a second; all the way right is full speed. Ctrl+click to type a value.");
  ImGui::SameLine();
  const bool toggle = ImGui::Button(full_label);
  app.mark("controls.full");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(full ? "Back to %.0f mini-batches a second" : "Train as fast as this machine can", app.watch_speed);
  if (speed_changed || toggle) {
    if (toggle) app.speed = full ? app.watch_speed : 0;
    else app.speed = speed >= kMaxSpeed ? 0 : std::max(1.0, double(speed));
    if (app.speed > 0) app.watch_speed = app.speed;
    if (run) run->set_speed(app.speed);
  }
  ImGui::EndDisabled();
  if (app.hides(App::Controls::Files)) return;
  const bool files_locked = app.locks(App::Controls::Files);
  ImGui::BeginDisabled(!run || files_locked);
  const float hw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  if (ImGui::Button("Save run...", {hw, 0})) app.open_save_dialog = true;
  app.mark("files.save");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Ctrl+S: weights, architecture, settings, curves and the place in training; also while training.\n"
                      "Or the network alone as an ONNX model, for Netron and ONNX Runtime.");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!app.data || files_locked);
  if (ImGui::Button("Open...", {hw, 0})) app.open_load_dialog = true;
  app.mark("files.open");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+O: a saved run (continues it) or any nnviz model");
  ImGui::EndDisabled();
}

}  // namespace

void DrawSidebar(App& app, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin("##sidebar", nullptr,
               ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoFocusOnAppearing);
  app.report.region("sidebar", {ImGui::GetWindowPos(), {ImGui::GetWindowPos().x + size.x, ImGui::GetWindowPos().y + size.y}});
  if (app.sidebar_folded) {
    // A strip with the way back; the keys (Space, S, E, ...) work as ever.
    if (ImGui::ArrowButton("unfold", ImGuiDir_Right)) app.sidebar_folded = false;
    app.mark("sidebar.unfold");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the sidebar (Ctrl+B)");
    ImGui::End();
    return;
  }
  ImGui::PushFont(ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr);
  ImGui::TextUnformatted("nnviz");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextDisabled("watch a network learn");
  // Folds the sidebar to a strip: the views get its width (a small window's 40%).
  const float fold_x = ImGui::GetWindowContentRegionMax().x - ImGui::GetFrameHeight();
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x <= ImGui::GetWindowPos().x + fold_x) ImGui::SameLine(fold_x);
  else ImGui::SetCursorPosX(fold_x);  // on a line of its own where the title leaves no room
  if (ImGui::ArrowButton("fold", ImGuiDir_Left)) app.sidebar_folded = true;
  app.mark("sidebar.fold");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Hide the sidebar (Ctrl+B)");
  std::string shown = "controls,views", locked;  // the sections drawn and those fixed, for the tests
  ControlsSection(app);
  ViewsSection(app);
  // A group of settings as classroom mode and the lesson leave it: hidden, shown but fixed, or free.
  auto group = [&](App::Controls c, void (*draw)(App&), const char* name) {
    if (app.hides(c)) return;
    shown += std::string(",") + name;
    const bool fixed = app.locks(c);
    if (fixed) locked += (locked.empty() ? "" : ",") + std::string(name);
    ImGui::BeginDisabled(fixed);
    draw(app);
    ImGui::EndDisabled();
    if (fixed) ImGui::TextDisabled("(the lesson fixes these settings)");
  };
  group(App::Controls::Data, DataSection, "data");
  group(App::Controls::Setup, NetworkSection, "network");
  group(App::Controls::Optimizer, OptimizerSection, "training");
  if (!app.lesson_rules.hide.empty()) {
    // Settings the lesson put out of sight are not gone: leaving the lesson brings them back.
    std::string hidden;
    const std::pair<App::Controls, const char*> names[] = {{App::Controls::Data, "the dataset"},
                                                           {App::Controls::Setup, "the network setup"},
                                                           {App::Controls::Optimizer, "the optimizer settings"},
                                                           {App::Controls::Files, "saving and opening"}};
    for (const auto& [c, name] : names)
      if (app.lesson_hides(c)) hidden += (hidden.empty() ? "" : ", ") + std::string(name);
    if (!hidden.empty()) {
      ImGui::Spacing();
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("The lesson hides %s; leaving it shows them again.", hidden.c_str());
      ImGui::PopStyleColor();
    }
  }
  app.report.text("sections_shown", shown);
  app.report.text("sections_locked", locked);
  ImGui::End();
}

}  // namespace nnviz::gui
