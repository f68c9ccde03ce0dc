#include "widgets/controls.h"

#include <imgui.h>
#include <imgui_internal.h>  // TempInputIsActive: a slider typed into (Ctrl+click) shows its own text

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

namespace nnviz::gui {

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

}  // namespace nnviz::gui
