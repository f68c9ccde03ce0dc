// Heatmaps on the GPU: a float image goes into a GL_R32F texture, a colormap shader (shaders/)
// renders it into an RGBA texture through a framebuffer object, and ImGui draws that texture.
//
//   Heatmap hm;
//   hm.update(values, w, h, Colormap::Diverging);   // values already scaled to [-1,1] or [0,1]
//   ImGui::Image(hm.texture(), size);
//
// NaN values are gaps (drawn in the background colour). Only the main thread, with the GL
// context current, may call these.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnviz::gui {

enum class Colormap { Diverging, Sequential, Gray };

class Heatmap {
 public:
  Heatmap() = default;
  ~Heatmap();
  Heatmap(const Heatmap&) = delete;
  Heatmap& operator=(const Heatmap&) = delete;

  void update(const float* values, int w, int h, Colormap map);
  // A colour picture as it is (w x h RGBA bytes, rows top first), without a colormap.
  void update_rgba(const uint8_t* rgba, int w, int h);
  ImTextureID texture() const;
  int width() const { return w_; }
  int height() const { return h_; }
  bool empty() const { return w_ == 0; }

  // The shader program's compile or link log, if it failed (shown in the UI).
  static const std::string& error();

 private:
  unsigned data_tex_ = 0, out_tex_ = 0, fbo_ = 0;
  int w_ = 0, h_ = 0;
  bool rgba_ = false;  // out_tex_ holds a picture of update_rgba's: update() makes its textures anew
};

// n tiles of th x tw pixels in a grid with one-pixel gaps (filter grids, first-layer weights).
struct TileLayout {
  int n = 0, th = 1, tw = 1, cols = 1, rows = 1;
  int width() const { return cols * (tw + 1) - 1; }
  int height() const { return rows * (th + 1) - 1; }
  // Which tile and which pixel of it image pixel (x, y) is; false in a gap or outside.
  bool locate(int x, int y, int& tile, int& r, int& c) const;
  // Position of tile t's pixel (r, c) in the image.
  int index(int t, int r, int c) const { return ((t / cols) * (th + 1) + r) * width() + (t % cols) * (tw + 1) + c; }
};
TileLayout MakeTiles(int n, int th, int tw, int cols = 0);  // cols 0: about square
// The columns that show n tiles largest in a room of room_w x room_h pixels (about square
// without a room).
TileLayout MakeTilesToFill(int n, int th, int tw, float room_w, float room_h);

// Images of a data set (channels x rows x cols bytes each, channel by channel: grey, or red, green
// and blue planes) as tiles of `t` (tile k: sample ids[k]), grey or in colour; gaps in the window's
// background colour.
void ShowSamples(Heatmap& hm, const std::vector<uint8_t>& pixels, const std::vector<int>& ids, int rows, int cols,
                 int channels, const TileLayout& t);
// A w x h RGBA image in the window's background colour (a colour tile image's gaps).
std::vector<uint8_t> BackgroundRgba(int w, int h);
// One input of a network (normalised values, channel by channel) as a picture: grey, or in colour
// for three channels (stretched from the lowest value of all channels to the highest).
void ShowInputPicture(Heatmap& hm, const float* values, int rows, int cols, int channels);

// Shows `hm` scaled to fit `max_w` x `max_h` (keeping its aspect, integer zoom when it can) and
// reports the hovered image pixel (-1 when not hovered). Returns true when it was clicked.
bool HeatmapImage(const Heatmap& hm, float max_w, float max_h, int* hover_x, int* hover_y);

// The same with a magnifier for images with more detail than their room shows (a layer of 2000
// units): the wheel zooms around the pointer, a drag moves the view, a double click shows the
// whole image again. A click (a press and release without a drag) returns true.
struct HeatmapZoom {
  float zoom = 1;              // 1: the whole image in its room
  float cx = 0.5f, cy = 0.5f;  // the centre of what is shown, in shares of the image
};
bool HeatmapImageZoomable(const Heatmap& hm, float max_w, float max_h, HeatmapZoom& z, int* hover_x, int* hover_y);

// Frees the shared GL objects; call before the GL context goes. Heatmaps destroyed after it
// release nothing (the context took their objects with it).
void ShutdownHeatmaps();

// Draws a colour bar for [lo, hi] with the two end values and the middle one.
void ColourBar(Colormap map, double lo, double hi, float width);

}  // namespace nnviz::gui
