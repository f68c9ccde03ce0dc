// Anti-aliased polylines as one strip of triangles, and discs as one quad, their soft edges from
// a texture.
//
// ImGui anti-aliases a thick line with geometry: a solid core and a fading strip on either side,
// three strips in all. Its own textured variant samples the font atlas, which nnviz samples
// nearest (linear filtering there costs every glyph and fill). A software rasteriser pays for
// every 4x4 block each triangle touches, so three strips along a curve cost about three times
// one. Here the strip is the line's width plus a pixel on each side, and a small texture of its
// own (linear filtering, one row a width) fades the edges.
//
//   AddSmoothPolyline(dl, points, n, colour, thickness);   // thickness in pixels, 1 to 4
//   AddDisc(dl, centre, radius, colour);                   // a marker
//   AddCoverage(dl, id, min, w, row0, row1, rows, colour); // a filled shape, rasterised here
//   ShutdownLines();                                       // before the GL context goes
#pragma once

#include <imgui.h>

namespace nnviz::gui {

void AddSmoothPolyline(ImDrawList* dl, const ImVec2* points, int count, ImU32 colour, float thickness);

// A filled, anti-aliased disc: two triangles (ImGui's filled circle with soft edges is about 36).
void AddDisc(ImDrawList* dl, ImVec2 centre, float radius, ImU32 colour);

// A coverage image (one byte a pixel, `w` wide, rows `row0` to `row1` of it given, top first)
// drawn in `colour` with its top-left pixel at `min`, as one textured quad. `id` names it from
// frame to frame, so that its texture is kept and refilled.
void AddCoverage(ImDrawList* dl, ImGuiID id, ImVec2 min, int w, int row0, int row1, const unsigned char* rows,
                 ImU32 colour);

// The textures' GL names are freed (main thread, context current).
void ShutdownLines();

}  // namespace nnviz::gui
