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
#include "nn/layer_types.h"

namespace nnviz::gui {

namespace {

// The layer types in the table's order (nn/layer_types.h).
const std::vector<const char*>& LayerTypeNames() {
  static const std::vector<const char*> names = [] {
    std::vector<const char*> v;
    for (const LayerType& t : layer_types()) v.push_back(t.name);
    return v;
  }();
  return names;
}

// A new layer of a type, with settings that fit a 28x28 input.
LayerSpec DefaultLayer(const std::string& type) { return find_layer_type(type)->fresh(); }

// Where "add layer" puts a type: layers on feature maps (convolutions, pools) after the last of
// them (and the activations and norms right behind it), everything else before the output layer.
int InsertAt(const std::vector<LayerSpec>& layers, const std::string& type) {
  const int n = int(layers.size());
  if (!find_layer_type(type)->on_maps) return std::max(0, n - 1);
  auto follows = [](const LayerSpec& l) {  // an activation or norm that belongs to the layer before it
    const LayerType* t = find_layer_type(l.type);
    return t && (t->kind == LayerKind::Activation || t->kind == LayerKind::Regulariser);
  };
  int at = 0;
  for (int i = 0; i < n; ++i) {
    const LayerType* t = find_layer_type(layers[size_t(i)].type);
    if (t && t->on_maps) at = i + 1;
  }
  while (at > 0 && at < n && follows(layers[size_t(at)])) ++at;
  return at;
}
const char* kOptimizers[] = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"};
const char* kInits[] = {"xavier_uniform", "xavier_normal", "he", "lecun"};
const char* kSchedules[] = {"constant", "step", "exponential", "cosine"};

// items: an array or a vector of names.
template <class Items>
bool Combo(const char* label, std::string current, const Items& items, std::string& out) {
  bool changed = false;
  if (ImGui::BeginCombo(label, current.c_str())) {
    for (const char* it : items) {
      const bool sel = current == it;
      if (ImGui::Selectable(it, sel)) {
        out = it;
        changed = !sel;
      }
      if (sel) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  return changed;
}

void Section(const char* title) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

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
  box("Curves", &app.views.curves, "views.curves", false);
  box("Weights", &app.views.weights, "views.weights", true);
  box("Activations", &app.views.activations, "views.activations", true);
  box("Step-through", &app.views.stepthrough, "views.stepthrough", false);
  box("Draw", &app.views.canvas, "views.canvas", true);
  box("Compare", &app.views.compare, "views.compare", false);
  box("Analysis", &app.views.analysis, "views.analysis", true);
  box("Playground", &app.views.playground, "views.playground", false);
  box("Landscape", &app.views.landscape, "views.landscape", true);
  box("Layer stats", &app.views.stats, "views.stats", false);
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
  int kind = app.data_kind == DatasetKind::Mnist ? 0 : 1;
  const char* names[] = {"MNIST digits", "Fashion-MNIST"};
  ImGui::SetNextItemWidth(-1);
  if (ImGui::Combo("##dataset", &kind, names, 2)) {
    const DatasetKind k = kind == 0 ? DatasetKind::Mnist : DatasetKind::Fashion;
    app.guard("Another dataset starts a new run.", [&app, k] {
      app.setup.dataset = k;
      app.run.reset();
      app.data.reset();
      app.load_data(k);
    });
  }
  if (app.loading.valid()) ImGui::TextDisabled("Loading...");
  else if (!app.data_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", app.data_error.c_str());
    ImGui::PopTextWrapPos();
  } else if (app.data) {
    ImGui::TextDisabled("%d train / %d val / %d test", app.data->train.count, app.data->val.count,
                        app.data->test.count);
  }
}

void NetworkSection(App& app) {
  Section("NETWORK");
  const auto& all = presets();
  const bool custom = app.custom_network();
  const std::string shown = app.preset_shown(custom);
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##preset", shown.c_str())) {
    for (int i = 0; i < int(all.size()); ++i) {
      if (ImGui::Selectable(all[i].name.c_str(), i == app.preset))
        app.guard("Another preset starts a new run.", [&app, i] { app.apply_preset(i); });
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", all[i].title.c_str(), all[i].reference.c_str());
    }
    ImGui::EndCombo();
  }
  ImGui::TextWrapped("%s", custom ? app.setup.net.describe().c_str() : all[app.preset].title.c_str());

  auto& layers = app.setup.net.layers;
  if (app.setup_layers.empty() && !layers.empty()) app.validate_setup();
  int remove = -1, up = -1;
  bool changed = false;
  const float fs = ImGui::GetFontSize();
  const ImVec4 bad{1, 0.45f, 0.4f, 1};
  for (int i = 0; i < int(layers.size()); ++i) {
    LayerSpec& l = layers[size_t(i)];
    const LayerCheck* chk = i < int(app.setup_layers.size()) ? &app.setup_layers[size_t(i)] : nullptr;
    ImGui::PushID(i);
    const float full = ImGui::GetContentRegionAvail().x;
    if (i == app.layer_added) {
      // The row just added glows for a moment: it went in above the pointer and moved the rest.
      const double age = ImGui::GetTime() - app.layer_added_at;
      if (age < 1.5) {
        const ImVec2 r0 = ImGui::GetCursorScreenPos();
        const int alpha = int(120 * (1 - age / 1.5));
        ImGui::GetWindowDrawList()->AddRectFilled({r0.x - 3, r0.y - 2}, {r0.x + full + 3, r0.y + ImGui::GetFrameHeight() + 2},
                                                  IM_COL32(250, 190, 80, alpha), 3.f);
        app.redraw_by(ImGui::GetTime() + 1.0 / 30);
      } else {
        app.layer_added = -1;
      }
    }
    const float buttons = fs * 3.2f;
    if (chk && !chk->error.empty()) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.45f, 0.16f, 0.16f, 1));
    ImGui::SetNextItemWidth(full * 0.42f);
    std::string t = l.type;
    if (Combo("##type", l.type, LayerTypeNames(), t)) {
      l = DefaultLayer(t);
      changed = true;
    }
    if (chk && !chk->error.empty()) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered() && chk) {
      if (chk->error.empty()) ImGui::SetTooltip("%s: output %s, %lld parameters", l.describe().c_str(), chk->out.str().c_str(),
                                                static_cast<long long>(chk->params));
      else ImGui::SetTooltip("%s", chk->error.c_str());
    }
    // The layer's main number, or its output shape when it has none.
    ImGui::SameLine();
    const float main_w = full - full * 0.42f - buttons - ImGui::GetStyle().ItemSpacing.x * 2;
    ImGui::SetNextItemWidth(main_w);
    const LayerType* type = find_layer_type(l.type);
    const MainSetting main = type ? type->main : MainSetting{};
    if (main.whole) {
      const int before = l.*main.whole;
      if (ImGui::InputInt("##main", &(l.*main.whole), 0, 0)) {
        if (main.stride_follows && l.stride == before) l.stride = l.*main.whole;  // windows stay side by side unless set apart
        changed = true;
      }
    } else if (main.real && main.hi > main.lo) {
      changed |= SliderFloatClear("##main", &(l.*main.real), main.lo, main.hi, "%.2f");
    } else if (main.real) {
      changed |= ImGui::InputFloat("##main", &(l.*main.real), 0, 0, "%.3g");
    } else if (chk && chk->error.empty()) {
      ImGui::TextDisabled("-> %s", chk->out.str().c_str());
    } else {
      ImGui::Dummy({main_w, ImGui::GetFrameHeight()});
    }
    app.mark(("layers." + std::to_string(i) + ".value").c_str());
    if (ImGui::IsItemHovered() && main.what) ImGui::SetTooltip("%s", main.what);
    ImGui::SameLine(full - buttons + ImGui::GetStyle().ItemSpacing.x);
    ImGui::BeginDisabled(i == 0);
    if (ImGui::SmallButton("^")) up = i;
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = i;
    // Layers with a window (convolutions, pools): its geometry and the shape it makes, on a line
    // of its own.
    if (type && !type->window.empty()) {
      ImGui::Indent(fs * 0.8f);
      auto small = [&](const char* label, int* v, int lo, int hi, const char* tip) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s", label);
        ImGui::SameLine(0, fs * 0.2f);
        ImGui::SetNextItemWidth(fs * 1.9f);
        ImGui::PushID(label);
        // Typed with one click (a drag field wanted a double click first); kept within its range.
        const int before = *v;
        ImGui::InputInt("##v", v, 0, 0);
        *v = std::clamp(*v, lo, hi);
        const bool ch = *v != before;
        ImGui::PopID();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s, %d to %d", tip, lo, hi);
        ImGui::SameLine(0, fs * 0.5f);
        return ch;
      };
      for (const WindowSetting& w : type->window) changed |= small(w.label, &(l.*w.value), w.lo, w.hi, w.what);
      if (chk && chk->error.empty()) ImGui::TextDisabled("-> %s", chk->out.str().c_str());
      else ImGui::NewLine();
      ImGui::Unindent(fs * 0.8f);
    }
    ImGui::PopID();
  }
  if (up > 0) std::swap(layers[size_t(up)], layers[size_t(up) - 1]), changed = true;
  if (remove >= 0) layers.erase(layers.begin() + remove), changed = true;
  ImGui::SetNextItemWidth(fs * 7.5f);
  const bool adding = ImGui::BeginCombo("##add", "+ add layer", ImGuiComboFlags_HeightLarge);
  app.mark("layers.add");
  if (adding) {
    for (const char* t : LayerTypeNames()) {
      const bool picked = ImGui::Selectable(t);
      app.mark((std::string("layers.add.") + t).c_str());
      if (picked) {
        const int at = InsertAt(layers, t);
        layers.insert(layers.begin() + at, DefaultLayer(t));
        app.layer_added = at, app.layer_added_at = ImGui::GetTime();
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Convolutions and pools go after the last of their kind, the rest before the output layer");
  if (changed) {
    app.setup_dirty = true;
    app.validate_setup();
  }
  if (!app.setup_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(bad, "%s", app.setup_error.c_str());
    ImGui::PopTextWrapPos();
  } else {
    char buf[32];
    const long long n = app.setup_params;
    if (n >= 1000000) std::snprintf(buf, sizeof buf, "%.2fM", double(n) / 1e6);
    else if (n >= 1000) std::snprintf(buf, sizeof buf, "%lld,%03lld", n / 1000, n % 1000);
    else std::snprintf(buf, sizeof buf, "%lld", n);
    ImGui::SameLine();
    ImGui::TextDisabled("%s parameters", buf);
  }

  std::string init = to_string(app.setup.init);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  if (Combo("init", init, kInits, init)) {
    app.setup.init = init_kind_from_string(init);
    app.setup_dirty = true;
  }
  long long seed = static_cast<long long>(app.setup.seed);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  if (ImGui::InputScalar("seed", ImGuiDataType_S64, &seed) && seed >= 0) {
    app.setup.seed = static_cast<uint64_t>(seed);
    app.setup_dirty = true;
  }
  ImGui::BeginDisabled(!app.setup_dirty || !app.setup_error.empty() || !app.data);
  if (ImGui::Button("Apply and reset", {-1, 0})) app.guard("Applying the setup starts a new run.", [&app] { app.start_run(); });
  app.mark("setup.apply");
  ImGui::EndDisabled();
  if (app.setup_dirty) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Architecture, init or seed changed: apply to restart.");  // wrapped, never cut
    ImGui::PopStyleColor();
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
  ImGui::SetNextItemWidth(w);
  changed |= live(ImGui::DragFloat("learning rate", &o.lr, std::max(1e-5f, o.lr * 0.01f), 1e-6f, 10.f, "%.4g",
                              ImGuiSliderFlags_Logarithmic));
  if (o.kind == OptKind::Momentum || o.kind == OptKind::Nesterov) {
    ImGui::SetNextItemWidth(w);
    changed |= live(SliderFloatClear("momentum", &o.momentum, 0.f, 0.999f, "%.3f"));
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
  const bool no_reset = app.classroom && app.hide_reset;
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
  if (app.classroom && app.hide_files) return;
  ImGui::BeginDisabled(!run);
  const float hw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  if (ImGui::Button("Save run...", {hw, 0})) app.open_save_dialog = true;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Ctrl+S: weights, architecture, settings, curves and the place in training; also while training");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!app.data);
  if (ImGui::Button("Open...", {hw, 0})) app.open_load_dialog = true;
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
  app.sidebar_rect = {ImGui::GetWindowPos(), {ImGui::GetWindowPos().x + size.x, ImGui::GetWindowPos().y + size.y}};
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
  const bool cls = app.classroom;
  app.sections_shown = "controls,views";
  ControlsSection(app);
  ViewsSection(app);
  if (!(cls && app.hide_data)) DataSection(app), app.sections_shown += ",data";
  if (!(cls && app.hide_setup)) NetworkSection(app), app.sections_shown += ",network";
  if (!(cls && app.hide_optimizer)) OptimizerSection(app), app.sections_shown += ",training";
  ImGui::End();
}

void HelpMarker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

float ButtonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

float CheckboxWidth(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

float ComboWidth(const char* const* items, int count) {
  float widest = 0;
  for (int i = 0; i < count; ++i) widest = std::max(widest, ImGui::CalcTextSize(items[i]).x);
  return widest + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2;
}

void SameLineIfFits(float width) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

bool Typing() { return ImGui::IsItemActive() && ImGui::GetIO().WantTextInput; }

float FieldWidth(float want, const char* label) {
  const float room = ImGui::GetContentRegionAvail().x - LabelledWidth(0, label);
  return std::max(ImGui::GetFontSize() * 3, std::min(want, room));
}

float LabelledWidth(float field, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return field + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.f);
}

void TextElided(const ImVec4& col, const std::string& text, float max_width) {
  float room = ImGui::GetContentRegionAvail().x;
  if (max_width > 0) room = std::min(room, max_width);
  if (ImGui::CalcTextSize(text.c_str()).x <= room) {
    ImGui::TextColored(col, "%s", text.c_str());
    return;
  }
  // The longest start of the text (whole UTF-8 characters) that fits with the ellipsis after it.
  const char* ellipsis = "...";  // the fonts are loaded with Latin-1 only: no U+2026
  const float ew = ImGui::CalcTextSize(ellipsis).x;
  size_t lo = 0, hi = text.size();
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    while (mid > 0 && mid < text.size() && (text[mid] & 0xC0) == 0x80) --mid;
    if (mid <= lo) {
      hi = lo;
      break;
    }
    if (ImGui::CalcTextSize(text.c_str(), text.c_str() + mid).x + ew <= room) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && lo < text.size() && (text[lo] & 0xC0) == 0x80) --lo;
  size_t end = lo;
  while (end > 0 && text[end - 1] == ' ') --end;  // no space before the ellipsis
  ImGui::TextColored(col, "%s%s", text.substr(0, end).c_str(), ellipsis);
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

namespace {
float GrabAt(double v, double lo, double hi, ImGuiSliderFlags flags) {
  if (!(hi > lo)) return 0;
  v = std::clamp(v, lo, hi);
  if ((flags & ImGuiSliderFlags_Logarithmic) && lo >= 0) {
    const double eps = std::max(1e-3, lo);  // ImGui's log sliders start near zero like this
    return float(std::log((std::max(v, eps)) / eps) / std::log(std::max(hi, eps * 1.0001) / eps));
  }
  return float((v - lo) / (hi - lo));
}

// A slider drawn by `slider` with its text (value and label) transparent; then the value in the
// half of the frame away from the grab (`t`: where the grab is, 0 left, 1 right) and the label
// where ImGui puts it. The slider stays the last item (IsItemActive and the like see it).
template <typename Slider>
bool SliderClear(const char* label, const char* value, float t, Slider slider) {
  const bool typing = ImGui::TempInputIsActive(ImGui::GetID(label));  // Ctrl+click: typed into
  const float frame_w = ImGui::CalcItemWidth();
  if (!typing) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 0, 0, 0));
  const bool changed = slider();
  if (typing) return changed;
  if (!ImGui::IsItemVisible()) {  // scrolled out of the window: nothing to draw
    ImGui::PopStyleColor();
    return changed;
  }
  ImGui::PopStyleColor();
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImVec2 a = ImGui::GetItemRectMin(), b{a.x + frame_w, a.y + ImGui::GetFrameHeight()};
  const ImU32 col = ImGui::GetColorU32(ImGuiCol_Text);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float pad = st.FramePadding.x + st.GrabMinSize * 0.5f;
  const ImVec2 ts = ImGui::CalcTextSize(value);
  const float x = t > 0.5f ? a.x + pad : b.x - pad - ts.x;
  dl->PushClipRect(a, b, true);
  dl->AddText({std::max(a.x + st.FramePadding.x * 0.5f, x), a.y + st.FramePadding.y}, col, value);
  dl->PopClipRect();
  const char* end = label;
  while (*end && !(end[0] == '#' && end[1] == '#')) ++end;
  if (end != label) dl->AddText({b.x + st.ItemInnerSpacing.x, a.y + st.FramePadding.y}, col, label, end);
  return changed;
}
}  // namespace

bool SliderFloatClear(const char* label, float* v, float lo, float hi, const char* format, ImGuiSliderFlags flags) {
  char buf[96];
  std::snprintf(buf, sizeof buf, format, double(*v));
  return SliderClear(label, buf, GrabAt(*v, lo, hi, flags),
                     [&] { return ImGui::SliderFloat(label, v, lo, hi, format, flags); });
}

bool SliderIntClear(const char* label, int* v, int lo, int hi, const char* format, ImGuiSliderFlags flags) {
  char buf[96];
  std::snprintf(buf, sizeof buf, format, *v);
  return SliderClear(label, buf, GrabAt(*v, lo, hi, flags),
                     [&] { return ImGui::SliderInt(label, v, lo, hi, format, flags); });
}

void TextAtSpaces(const char* fmt, ...) {
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  const float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 4);
  std::string line, word;
  auto flush = [&] {
    ImGui::TextUnformatted(line.c_str());
    line.clear();
  };
  const char* p = buf;
  while (*p) {
    const char* q = p;
    while (*q && *q != ' ') ++q;
    word.assign(p, q);
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(candidate.c_str()).x > width) {
      flush();
      line = "  " + word;  // continued lines are indented
    } else {
      line = candidate;
    }
    p = *q ? q + 1 : q;
  }
  if (!line.empty()) flush();
}

std::string TimeStamp() {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &local);
  return buf;
}

}  // namespace nnviz::gui
