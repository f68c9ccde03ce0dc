// The sidebar's NETWORK section: a preset, or the network edited layer by layer. Every row is a
// layer of the table of layer types (nn/layer_types.h): its type, its main setting, its window's
// settings on a line of their own, the shape it makes, and buttons to move it up or remove it;
// an invalid row is framed red with the reason. Changes ask for "Apply and reset".
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app.h"
#include "nn/layer_types.h"
#include "views/sidebar.h"

namespace nnviz::gui {

namespace {

const char* kInits[] = {"xavier_uniform", "xavier_normal", "he", "lecun"};

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

}  // namespace

void NetworkSection(App& app) {
  Section("NETWORK");
  const auto& all = presets();
  const bool custom = app.custom_network();
  const std::string shown = app.preset_shown(custom);
  ImGui::SetNextItemWidth(-1);
  const bool choosing = ImGui::BeginCombo("##preset", shown.c_str());
  app.mark("setup.preset");
  if (choosing) {
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
  app.mark("setup.layers");  // what a lesson's page points at to say "edit the layers"
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
  const bool init_picked = Combo("init", init, kInits, init);
  app.mark("setup.init");
  if (init_picked) {
    app.setup.init = init_kind_from_string(init);
    app.setup_dirty = true;
  }
  long long seed = static_cast<long long>(app.setup.seed);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  const bool seed_typed = ImGui::InputScalar("seed", ImGuiDataType_S64, &seed);
  app.mark("setup.seed");
  if (seed_typed && seed >= 0) {
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

}  // namespace nnviz::gui
