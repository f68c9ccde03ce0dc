#include "render/png.h"

#include <glad/gl.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace nnviz::gui {

std::vector<unsigned char> ReadBackBuffer(int fb_w, int fb_h, int x0, int y0, int w, int h) {
  std::vector<unsigned char> out(size_t(w) * size_t(h) * 4, 0);
  const int rx0 = std::clamp(x0, 0, fb_w), rx1 = std::clamp(x0 + w, 0, fb_w);
  const int ry0 = std::clamp(y0, 0, fb_h), ry1 = std::clamp(y0 + h, 0, fb_h);
  if (rx1 > rx0 && ry1 > ry0) {
    const int rw = rx1 - rx0, rh = ry1 - ry0;
    std::vector<unsigned char> px(size_t(rw) * size_t(rh) * 4);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(rx0, fb_h - ry1, rw, rh, GL_RGBA, GL_UNSIGNED_BYTE, px.data());  // GL rows start at the bottom
    for (int y = 0; y < rh; ++y)
      std::memcpy(&out[(size_t(ry0 - y0 + y) * size_t(w) + size_t(rx0 - x0)) * 4], &px[size_t(rh - 1 - y) * rw * 4],
                  size_t(rw) * 4);
  }
  for (size_t p = 0; p < size_t(w) * size_t(h); ++p) out[p * 4 + 3] = 255;
  return out;
}

bool WritePng(const std::string& path, int w, int h, const unsigned char* rgba) {
  const std::string tmp = path + ".part.png";
  if (!stbi_write_png(tmp.c_str(), w, h, 4, rgba, w * 4)) return false;
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool SavePng(const std::string& path, int fb_w, int fb_h, float sx, float sy, ImVec2 min, ImVec2 max) {
  const int x0 = std::clamp(int(min.x * sx), 0, fb_w), x1 = std::clamp(int(max.x * sx), 0, fb_w);
  const int y0 = std::clamp(int(min.y * sy), 0, fb_h), y1 = std::clamp(int(max.y * sy), 0, fb_h);
  const int w = x1 - x0, h = y1 - y0;
  if (w <= 0 || h <= 0) return false;
  return WritePng(path, w, h, ReadBackBuffer(fb_w, fb_h, x0, y0, w, h).data());
}

}  // namespace nnviz::gui
