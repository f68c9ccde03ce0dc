// The sidebar's parts, for its files (sidebar.cpp, layer_editor.cpp): a section's title and a
// combo box of names, and the network section (the preset and the layer editor).
#pragma once

#include <imgui.h>

#include <string>

namespace nnviz::gui {

struct App;

// A section's title, greyed, over a separator.
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

inline void Section(const char* title) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

// NETWORK: the preset, and the network edited layer by layer (layer_editor.cpp).
void NetworkSection(App& app);

}  // namespace nnviz::gui
