// Writes what the window shows, or a part of it, as a PNG file: the plots' "Export PNG", the
// recorder's PNG frames and the tests' screenshots.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace nnviz::gui {

// Reads the back buffer (after rendering, before the swap) of a framebuffer of fb_w x fb_h pixels
// and writes the region [min, max) (in ImGui's coordinates, scaled by sx, sy to pixels) to path,
// through a temporary file renamed over it. False when the region is empty or the file cannot
// be written.
bool SavePng(const std::string& path, int fb_w, int fb_h, float sx, float sy, ImVec2 min, ImVec2 max);

// The w x h pixels of the back buffer from (x0, y0) (framebuffer pixels, counted from the top) as
// opaque RGBA rows from the top; what lies outside the framebuffer is black.
std::vector<unsigned char> ReadBackBuffer(int fb_w, int fb_h, int x0, int y0, int w, int h);
// w x h RGBA pixels (rows from the top) to path, through a temporary file renamed over it.
bool WritePng(const std::string& path, int w, int h, const unsigned char* rgba);

}  // namespace nnviz::gui
