// Flat backgrounds painted with glClear before ImGui's draw data is rendered.
//
// Under a software rasteriser (Mesa's llvmpipe, what Xvfb and many VMs give) every pixel ImGui
// fills runs its fragment shader and blending; the full-window backgrounds of the sidebar and the
// tiled views were about a third of a frame's cost. A scissored clear of the same rectangle is
// close to free. Only windows that nothing lies beneath (the sidebar, the status bar, the tiled
// views) use it; their ImGui background is then made transparent.
//
//   BackdropWindow(pos, size);        // instead of an opaque window background, before Begin()
//   BackdropFill(min, max, colour);   // a flat rectangle inside such a window (clipped to it)
//   RenderBackdrops(fb_h, sx, sy, clip, bg);  // after ImGui::Render(), before the draw data
//   EndBackdrops();                   // when the frame is drawn
#pragma once

#include <imgui.h>

#include <string>

namespace nnviz::gui {

// Paints the rectangle with the window background colour and makes the next window's own
// background transparent. Call right before the Begin() that the rectangle belongs to.
void BackdropWindow(ImVec2 pos, ImVec2 size);

// True when the current window is a backdrop window, so that flat fills inside it can be
// backdrops too (they are painted before everything ImGui draws).
bool InBackdropWindow();

// A flat rectangle inside the current backdrop window, clipped to the draw list's clip rectangle;
// falls back to an ordinary filled rectangle elsewhere.
void BackdropFill(ImVec2 min, ImVec2 max, ImU32 colour);

// Paints `clip` (display coordinates): this frame's rectangles, and the background colour where
// none lies (framebuffer height and the display-to-framebuffer scale).
void RenderBackdrops(int fb_h, float sx, float sy, const ImVec4& clip, const ImVec4& background);

// This frame's rectangles and colours as bytes, to tell whether they changed since the last.
std::string BackdropSignature();

// Forgets this frame's rectangles.
void EndBackdrops();

}  // namespace nnviz::gui
