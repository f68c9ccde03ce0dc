// A folder of rendered shapes for the image-folder tests (tests/core/data/test_image_folder.cpp,
// the make_shapes tool): a class folder per shape (disc, square, triangle), the shapes in three
// colours and three sizes on a noisy dark ground, in PNG (RGB, grey, RGBA), BMP and PPM files of
// 24 to 64 pixels a side.
#pragma once

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <stb_image_write.h>

#include "base/rng.h"

namespace nnviz::test {

// A w x h RGB picture of `shape` (0 disc, 1 square, 2 triangle) in `rgb` on a dark ground.
inline std::vector<uint8_t> shape_image(int shape, const uint8_t rgb[3], int w, int h, double scale, Rng& rng) {
  std::vector<uint8_t> px(size_t(w) * h * 3);
  const double cx = w * rng.uniform(0.4, 0.6), cy = h * rng.uniform(0.4, 0.6), r = std::min(w, h) * scale;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      bool in = false;
      if (shape == 0) in = dx * dx + dy * dy <= r * r;
      if (shape == 1) in = std::fabs(dx) <= r * 0.85 && std::fabs(dy) <= r * 0.85;
      if (shape == 2) in = dy <= r * 0.8 && dy >= -r && std::fabs(dx) <= (dy + r) * 0.55;
      for (int c = 0; c < 3; ++c) px[(size_t(y) * w + x) * 3 + c] = in ? rgb[c] : uint8_t(20 + rng.below(25));
    }
  return px;
}

// `per_class` pictures of each shape in three colours and three sizes, as PNG (RGB, grey or
// RGBA), BMP and PPM/PGM files of 24 to 64 pixels a side.
inline void make_shapes(const std::string& dir, int per_class) {
  const char* names[3] = {"disc", "square", "triangle"};
  const uint8_t colours[3][3] = {{230, 60, 50}, {60, 200, 80}, {70, 110, 240}};
  Rng rng(11);
  for (int s = 0; s < 3; ++s) {
    const std::string cdir = dir + "/" + names[s];
    ::mkdir(cdir.c_str(), 0755);
    for (int i = 0; i < per_class; ++i) {
      const int w = 24 + int(rng.below(41)), h = 24 + int(rng.below(41));
      const std::vector<uint8_t> px = shape_image(s, colours[i % 3], w, h, 0.18 + 0.08 * (i / 3 % 3), rng);
      const std::string base = cdir + "/" + std::to_string(i);
      switch (i % 5) {
        case 0: stbi_write_png((base + ".png").c_str(), w, h, 3, px.data(), w * 3); break;
        case 1: stbi_write_bmp((base + ".bmp").c_str(), w, h, 3, px.data()); break;
        case 2: {  // grey PNG
          std::vector<uint8_t> g(size_t(w) * h);
          for (size_t k = 0; k < g.size(); ++k) g[k] = uint8_t((px[k * 3] + px[k * 3 + 1] + px[k * 3 + 2]) / 3);
          stbi_write_png((base + ".png").c_str(), w, h, 1, g.data(), w);
          break;
        }
        case 3: {  // RGBA PNG, opaque
          std::vector<uint8_t> a(size_t(w) * h * 4);
          for (size_t k = 0; k < size_t(w) * h; ++k)
            a[k * 4] = px[k * 3], a[k * 4 + 1] = px[k * 3 + 1], a[k * 4 + 2] = px[k * 3 + 2], a[k * 4 + 3] = 255;
          stbi_write_png((base + ".png").c_str(), w, h, 4, a.data(), w * 4);
          break;
        }
        default: {  // binary PPM
          std::string f = "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
          f.append(reinterpret_cast<const char*>(px.data()), px.size());
          std::ofstream(base + ".ppm", std::ios::binary) << f;
        }
      }
    }
  }
}

}  // namespace nnviz::test
