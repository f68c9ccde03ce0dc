// Small controls and measures the panels share: widths for laying out a row, a help marker, text
// that shortens or wraps to its room, sliders that keep their number readable.
#pragma once

#include <imgui.h>

#include <string>

namespace nnviz::gui {

void HelpMarker(const char* text);  // "(?)" on the line so far, the text in its tooltip
float ButtonWidth(const char* label);
float CheckboxWidth(const char* label);
// A combo box's width for its longest choice (and its arrow).
float ComboWidth(const char* const* items, int count);
// Continues the line when an item `width` pixels wide still fits in the window, else starts anew.
void SameLineIfFits(float width);
// The width of a widget whose field is `field` pixels wide, with its visible label beside it.
// A field's width: `want`, or less so that the field and its label fit the room left on the line.
float FieldWidth(float want, const char* label);
// The last item is a field being typed into (a number field's buttons are active only while
// pressed).
bool Typing();
float LabelledWidth(float field, const char* label);
// One line of text in `col`, shortened to the width left on the line (at most `max_width` when
// above 0) with an ellipsis drawn inside it; the whole text shows in a tooltip when it was cut.
void TextElided(const ImVec4& col, const std::string& text, float max_width = 0);
// ImGui's SliderFloat / SliderInt, with the value drawn in the half of the frame the grab is not
// in (ImGui centres it, so the grab sat on its own number). Same arguments and result.
bool SliderFloatClear(const char* label, float* v, float lo, float hi, const char* format, ImGuiSliderFlags flags = 0);
bool SliderIntClear(const char* label, int* v, int lo, int hi, const char* format, ImGuiSliderFlags flags = 0);
// printf-style text wrapped at spaces only (ImGui's own wrapping may break after a '.', which
// splits a number), continued lines indented.
void TextAtSpaces(const char* fmt, ...) IM_FMTARGS(1);

}  // namespace nnviz::gui
