// Clipped-text check, a debug pass for tests: after a frame is built it finds text that ImGui
// cuts (a label wider than its button, a value wider than its table column, a line running past
// the edge of a pane), and text drawn over other text, and names the strings and the window. Off unless switched on; the
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

// Two strings of one window drawn over each other (a legend over axis numbers, a title over a
// button's label).
struct OverlapFinding {
  std::string window, text, over;  // the window, the string drawn first and the one drawn over it
  float shared = 0;                // the side of the largest square of pixels two of their glyphs share
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
const std::vector<OverlapFinding>& ClipCheckOverlaps();
// The findings as JSON: {"frames_checked": N, "clipped": [{"window", "text", "edge", "lost_px"}...],
// "overlapping": [{"window", "text", "over", "shared_px"}...]}.
std::string ClipCheckReport();

}  // namespace nnviz::gui
