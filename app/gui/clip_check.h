// Clipped-text check, a debug pass for tests: after a frame is built it finds text that ImGui
// cuts (a label wider than its button, a value wider than its table column, a line running past
// the edge of a pane) and names the string and the window it is in. Off unless switched on; the
// app switches it on when NNVIZ_CLIP_REPORT names a file (main.cpp) and writes what it found
// there as JSON. How it decides what counts is in clip_check.cpp.
#pragma once

#include <string>
#include <vector>

namespace nnviz::gui {

struct ClipFinding {
  std::string window;  // the ImGui window whose draw list holds the text
  std::string text;    // the whole string as the app asked for it (as far as it could be recovered)
  std::string edge;    // which edge cut it: "right", "left", "top", "bottom"
  float lost = 0;      // how many pixels of its glyphs lie outside what is shown (the largest of any glyph)
};

// Switches the recording of text draws on or off (off: the text hooks only forward).
void ClipCheckEnable(bool on);
bool ClipCheckEnabled();
// Forgets the text recorded so far; call before ImGui::NewFrame.
void ClipCheckNewFrame();
// Looks at the frame just built (call after ImGui::Render) and adds what it finds to the
// findings kept (each window and string once). Returns how many new findings the frame added.
int ClipCheckFrame();
const std::vector<ClipFinding>& ClipCheckFindings();
// The findings as JSON: {"frames_checked": N, "clipped": [{"window", "text", "edge", "lost_px"}...]}.
std::string ClipCheckReport();

}  // namespace nnviz::gui
