// Writes what the window shows, or a part of it, as a PNG file: the plots' "Export PNG" and the
// tests' screenshots.
#pragma once

#include <imgui.h>

#include <string>

namespace nnviz::gui {

// Reads the back buffer (after rendering, before the swap) of a framebuffer of fb_w x fb_h pixels
// and writes the region [min, max) (in ImGui's coordinates, scaled by sx, sy to pixels) to path,
// through a temporary file renamed over it. False when the region is empty or the file cannot
// be written.
bool SavePng(const std::string& path, int fb_w, int fb_h, float sx, float sy, ImVec2 min, ImVec2 max);

}  // namespace nnviz::gui
