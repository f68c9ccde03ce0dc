// How a weight tensor is cut into tiles for a heatmap, shared by the weights view and the
// step-through's dL/dW: the first dense layer on an image as one image-shaped tile per unit, a
// convolution as its kernels (a row of input channels per filter), any other matrix a row per unit.
// A layer that reads a colour picture directly can be shown in colour instead: one tile per unit
// or filter, its red, green and blue weights as the tile's red, green and blue.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "base/scalar.h"
#include "nn/layer_types.h"
#include "nn/spec.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

// How a weight tensor is cut into tiles: tile t, pixel (r, c) -> flat index into the tensor as our
// Mat stores it (column-major (fan_in x units) for dense and conv alike).
struct WeightLayout {
  TileLayout tiles;
  int fan_in = 0, units = 0;  // Mat rows, cols
  bool per_tile_unit = true;  // each tile is one unit (dense on images) or one filter slice
  int unit_of_tile(int t) const { return per_tile_unit ? t : t / std::max(1, in_ch); }
  int in_ch = 1;
  bool rgb = false;  // colour tiles: flat() is the red weight, + plane() the green, + 2 plane() the blue
  int plane() const { return tiles.th * tiles.tw; }
  int flat(int t, int r, int c) const {
    if (per_tile_unit) return t * fan_in + r * tiles.tw + c;  // column t, pixel (r, c)
    const int o = t / in_ch, i = t % in_ch;                  // conv: filter o, input channel i
    return o * fan_in + (i * tiles.th + r) * tiles.tw + c;
  }
};

// room_w x room_h: the pixels the tiles have; the grids of one-unit tiles (a dense layer on an
// image, the first convolution's filters) are laid out to fill it. Without: about square.
// colour_input: the layer reads a colour picture (three planes) directly: a tile per unit, in colour.
inline WeightLayout layout_for(const std::vector<int>& shape, const Mat& w, Shape in, float room_w = 0,
                               float room_h = 0, bool colour_input = false) {
  WeightLayout l;
  l.fan_in = int(w.rows());
  l.units = int(w.cols());
  if (colour_input && in.c == 3 && shape.size() == 4 && shape[1] == 3) {  // the filters of a conv on the picture
    l.rgb = true;
    l.tiles = MakeTilesToFill(shape[0], shape[2], shape[3], room_w, room_h);
  } else if (colour_input && in.c == 3 && in.h > 1 && in.size() == l.fan_in && shape.size() == 2) {  // dense on it
    l.rgb = true;
    l.tiles = MakeTilesToFill(l.units, in.h, in.w, room_w, room_h);
  } else if (shape.size() == 4) {  // conv [out, in, kh, kw]
    l.in_ch = shape[1];
    l.per_tile_unit = false;
    // One row of input channels per filter; a one-channel layer (the first) tiles its filters in a square.
    l.tiles = shape[1] == 1 ? MakeTilesToFill(shape[0], shape[2], shape[3], room_w, room_h)
                            : MakeTiles(shape[0] * shape[1], shape[2], shape[3], shape[1]);
  } else if (in.c == 1 && in.h > 1 && in.size() == l.fan_in) {  // dense on a one-channel image
    l.tiles = MakeTilesToFill(l.units, in.h, in.w, room_w, room_h);
  } else {  // a matrix: one row per unit
    l.tiles = MakeTiles(l.units, 1, l.fan_in, 1);
  }
  return l;
}


// A layer's weight tensor's shape from its spec and its matrix (rows: the fan-in, cols: the units):
// a convolution's [filters, channels, k, k], else [units, fan-in].
inline std::vector<int> weight_shape(const LayerSpec& l, int rows, int cols) {
  const int k = l.kernel;
  const LayerType* t = find_layer_type(l.type);
  const bool filters = t && t->kind == LayerKind::Weights && t->on_maps;  // a convolution's
  if (filters && k > 0 && rows % (k * k) == 0) return {cols, rows / (k * k), k, k};
  return {cols, rows};
}

// The tiles' image: every value of `m` at its tile's place divided by its unit's scale, gaps NaN.
template <class ScaleOfUnit>
std::vector<float> tile_image(const WeightLayout& l, const Mat& m, ScaleOfUnit scale_of_unit) {
  std::vector<float> img(size_t(l.tiles.width()) * l.tiles.height(), NAN);
  for (int t = 0; t < l.tiles.n; ++t) {
    const double s = scale_of_unit(l.unit_of_tile(t));
    for (int r = 0; r < l.tiles.th; ++r)
      for (int c = 0; c < l.tiles.tw; ++c) img[size_t(l.tiles.index(t, r, c))] = float(m.data()[l.flat(t, r, c)] / s);
  }
  return img;
}

// Colour tiles (layout.rgb) as RGBA bytes: each channel's weight over its unit's scale, zero a
// middle grey, +scale full and -scale none of that colour; gaps in the window's background.
template <class ScaleOfUnit>
std::vector<uint8_t> tile_image_rgb(const WeightLayout& l, const Mat& m, ScaleOfUnit scale_of_unit) {
  std::vector<uint8_t> img = BackgroundRgba(l.tiles.width(), l.tiles.height());
  for (int t = 0; t < l.tiles.n; ++t) {
    const double s = scale_of_unit(l.unit_of_tile(t));
    for (int r = 0; r < l.tiles.th; ++r)
      for (int c = 0; c < l.tiles.tw; ++c) {
        uint8_t* d = img.data() + size_t(l.tiles.index(t, r, c)) * 4;
        for (int ch = 0; ch < 3; ++ch) {
          const double v = 0.5 + 0.5 * double(m.data()[l.flat(t, r, c) + ch * l.plane()]) / s;
          d[ch] = uint8_t(std::lround(std::clamp(v, 0.0, 1.0) * 255));
        }
        d[3] = 255;
      }
  }
  return img;
}

}  // namespace nnviz::gui
