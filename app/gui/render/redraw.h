// Drawing only the parts of the window that changed since the last frame.
//
// Under a software rasteriser (Mesa's llvmpipe: Xvfb, virtual machines, computers without a GPU
// driver) a frame's cost is rasterising ImGui's triangles, about a microsecond each on the 2-core
// build machine: the sidebar's text and widgets alone took 3 ms a frame, and they do not change
// while a run trains. Such a rasteriser's swap copies the back buffer out to the window and keeps
// it, so a frame may draw over the last one: this class compares each window's draw list with the
// last frame's (vertices, indices and commands, byte for byte) and names the rectangles to draw
// again, in which every draw list that reaches into them is drawn again, in order, clipped to them.
//
// On a GPU nothing is skipped (whole frames are cheap there, and a swap may leave the back buffer
// undefined). A sentinel pixel checks the assumption every frame: if the buffer did not keep the
// last frame, partial frames stop for good and the window is drawn whole.
//
//   PartialRedraw redraw;
//   redraw.init();                                  // once, with the GL context current
//   ImGui::Render();
//   for (const ImVec4& r : redraw.plan(*ImGui::GetDrawData(), BackdropSignature())) {
//     ... clear r, RenderBackdrops(..., &r), redraw.draw(*ImGui::GetDrawData(), r) ...
//   }
//   redraw.finish();                                // marks the sentinel; then swap
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnviz::gui {

class PartialRedraw {
 public:
  // Decides whether partial frames may be drawn: on a software rasteriser, unless the environment
  // sets NNVIZ_FULL_REDRAW=1. Needs the GL context current.
  void init();
  bool enabled() const { return enabled_; }
  // The next frame is drawn whole (the font atlas was rebuilt, ...).
  void invalidate() { have_last_ = false; }

  // After ImGui::Render(): the rectangles (display coordinates, whole pixels) to draw this frame,
  // none when nothing changed. `extra` is anything else that is painted (the backdrops): when
  // it changes, the frame is drawn whole.
  const std::vector<ImVec4>& plan(const ImDrawData& dd, const std::string& extra);
  // Renders the draw data's commands that reach into `r` (one of plan()'s rectangles), each
  // clipped to it.
  void draw(ImDrawData& dd, const ImVec4& r);
  // After the frame is drawn, before the swap: writes the sentinel pixel.
  void finish();

  // The share of the window's pixels the last plan() drew again (1 for a whole frame).
  double drawn_share() const { return drawn_share_; }
  // Why partial frames were turned off, if they were after init().
  const std::string& stopped_because() const { return stopped_; }

 private:
  struct Item {
    const void* key;
    ImVec4 bounds;
    std::vector<ImVec4> reach;  // each command's
    std::vector<unsigned char> bytes;
  };
  bool enabled_ = false, have_last_ = false;
  std::vector<Item> last_, now_;
  std::string last_extra_;
  ImVec2 last_size_{0, 0};
  std::vector<ImVec4> rects_;
  unsigned frame_ = 0;
  double drawn_share_ = 1;
  std::string stopped_;
};

// The test of the above (nnviz --redraw-check): after each frame is drawn, its pixels are read
// back, the same frame is drawn again whole over it, and the two must be equal pixel for pixel.
class RedrawCheck {
 public:
  // `draw_whole` paints the whole frame (into the back buffer, over the frame just drawn).
  template <class F>
  void compare(int w, int h, bool partial, F&& draw_whole) {
    begin(w, h);
    draw_whole();
    end(w, h, partial);
  }
  // {"bench":"redraw",...}: frames compared, how many were partial, how many differed.
  std::string report() const;
  bool ok() const { return differed_ == 0 && frames_ > 0; }

 private:
  void begin(int w, int h);
  void end(int w, int h, bool partial);
  long frames_ = 0, partial_ = 0, differed_ = 0, worst_pixels_ = 0;
  int worst_diff_ = 0;
  std::vector<unsigned char> window_, whole_;
};

// Call whenever a texture that ImGui draws changes its pixels (heatmaps, coverage images): the draw
// lists showing textures are drawn again although their vertices did not change.
void TexturesChanged();

}  // namespace nnviz::gui
