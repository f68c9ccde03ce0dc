// The app's look: colours, rounding and spacing, and the fonts, at a scale (the monitor's content
// scale times the user's zoom). Both are rebuilt from scratch whenever the scale changes.
#pragma once

namespace nnviz::gui {

void SetupStyle(float scale);
void LoadFonts(float scale);  // DejaVu Sans (regular and bold) where installed, else ImGui's own

}  // namespace nnviz::gui
