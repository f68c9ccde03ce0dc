#include "render/png.h"

#include <glad/gl.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace nnviz::gui {

bool SavePng(const std::string& path, int fb_w, int fb_h, float sx, float sy, ImVec2 min, ImVec2 max) {
  std::vector<unsigned char> px(size_t(fb_w) * fb_h * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, fb_w, fb_h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  const int x0 = std::clamp(int(min.x * sx), 0, fb_w), x1 = std::clamp(int(max.x * sx), 0, fb_w);
  const int y0 = std::clamp(int(min.y * sy), 0, fb_h), y1 = std::clamp(int(max.y * sy), 0, fb_h);
  const int w = x1 - x0, h = y1 - y0;
  if (w <= 0 || h <= 0) return false;
  std::vector<unsigned char> out(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y) {  // GL rows start at the bottom
    const unsigned char* src = &px[(size_t(fb_h - 1 - (y0 + y)) * fb_w + x0) * 4];
    unsigned char* dst = &out[size_t(y) * w * 4];
    std::memcpy(dst, src, size_t(w) * 4);
    for (int x = 0; x < w; ++x) dst[x * 4 + 3] = 255;
  }
  const std::string tmp = path + ".part.png";
  if (!stbi_write_png(tmp.c_str(), w, h, 4, out.data(), w * 4)) return false;
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace nnviz::gui
