#include "widgets/lines.h"

#include <glad/gl.h>

#include "render/redraw.h"
#include "widgets/gl_texture.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace nnviz::gui {

namespace {

constexpr int kTexels = 32;  // across a line
constexpr int kWidths = 4;   // rows: 1, 2, 3 and 4 pixels wide
constexpr int kDisc = 16;    // a disc's square, below the lines and a row of gap
constexpr int kRows = kWidths + 1 + kDisc;

GLuint g_texture = 0;

struct CoverageTexture {
  GLuint name = 0;
  int w = 0, h = 0;
  std::vector<unsigned char> last;  // what it holds, with its size: unchanged, it is not sent again
};
std::unordered_map<ImGuiID, CoverageTexture> g_coverage;

// Half the strip's width for a line `t` pixels wide: the line and a pixel to fade in.
float HalfStrip(int t) { return 0.5f * float(t) + 1.f; }

ImTextureID Texture() {
  if (!g_texture) {
    // White, with the coverage of a line of width t (its centre at the row's middle) as alpha.
    std::vector<uint8_t> px(size_t(kTexels) * kRows * 4, 255);
    for (size_t i = 3; i < px.size(); i += 4) px[i] = 0;
    for (int r = 0; r < kWidths; ++r) {
      const int t = r + 1;
      for (int i = 0; i < kTexels; ++i) {
        const float s = ((i + 0.5f) / kTexels - 0.5f) * 2 * HalfStrip(t);  // pixels from the centre
        const float a = std::clamp(0.5f * t + 0.5f - std::fabs(s), 0.f, 1.f);
        px[(size_t(r) * kTexels + size_t(i)) * 4 + 3] = uint8_t(std::lround(a * 255));
      }
    }
    // The disc fills its square but for a texel's margin: the coverage of each texel.
    for (int y = 0; y < kDisc; ++y)
      for (int x = 0; x < kDisc; ++x) {
        const float dx = x + 0.5f - kDisc / 2.f, dy = y + 0.5f - kDisc / 2.f;
        const float a = std::clamp(kDisc / 2.f - 1.f + 0.5f - std::sqrt(dx * dx + dy * dy), 0.f, 1.f);
        px[(size_t(kWidths + 1 + y) * kTexels + size_t(x)) * 4 + 3] = uint8_t(std::lround(a * 255));
      }
    GLint prev = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &prev);
    MakeTexture(g_texture, GL_LINEAR, GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE, kTexels, kRows, px.data());
    glBindTexture(GL_TEXTURE_2D, GLuint(prev));
  }
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(g_texture));
}

void Upload(CoverageTexture& t, int w, int h, const unsigned char* rows) {
  GLint prev = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &prev);
  if (!t.name || w > t.w || h > t.h) {  // grows only: a band that shrinks reuses the texture's corner
    t.w = std::max(w, t.w);
    t.h = std::max(h, t.h);
    MakeTexture(t.name, GL_NEAREST, GL_R8, GL_RED, GL_UNSIGNED_BYTE, t.w, t.h, nullptr);  // texel for pixel
    const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};  // white, the byte as alpha
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
  }
  glBindTexture(GL_TEXTURE_2D, t.name);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RED, GL_UNSIGNED_BYTE, rows);
  glBindTexture(GL_TEXTURE_2D, GLuint(prev));
  t.last.resize(size_t(w) * size_t(h) + 2 * sizeof(int));
  std::memcpy(t.last.data(), &w, sizeof w);
  std::memcpy(t.last.data() + sizeof w, &h, sizeof h);
  std::memcpy(t.last.data() + 2 * sizeof(int), rows, size_t(w) * size_t(h));
  TexturesChanged();  // the lists that show it are drawn again
}


}  // namespace

void AddSmoothPolyline(ImDrawList* dl, const ImVec2* p, int n, ImU32 colour, float thickness) {
  if (n < 2 || (colour & IM_COL32_A_MASK) == 0) return;
  const int t = std::clamp(int(std::lround(thickness)), 1, kWidths);
  const float half = HalfStrip(t), v = (t - 1 + 0.5f) / kRows;
  // Each segment's unit normal; each point's offset is the mean of its two segments' normals,
  // lengthened so that both edges keep the width (a miter), at most twice.
  static std::vector<ImVec2> normal;
  normal.resize(size_t(n - 1));
  for (int i = 0; i + 1 < n; ++i) {
    const float dx = p[i + 1].x - p[i].x, dy = p[i + 1].y - p[i].y, len = std::sqrt(dx * dx + dy * dy);
    normal[size_t(i)] = len > 0 ? ImVec2{-dy / len, dx / len} : (i > 0 ? normal[size_t(i - 1)] : ImVec2{0, 1});
  }
  dl->PushTextureID(Texture());
  dl->PrimReserve((n - 1) * 6, n * 2);
  const ImDrawIdx base = ImDrawIdx(dl->_VtxCurrentIdx);
  for (int i = 0; i < n; ++i) {
    const ImVec2 a = normal[size_t(std::max(i - 1, 0))], b = normal[size_t(std::min(i, n - 2))];
    ImVec2 m{a.x + b.x, a.y + b.y};
    const float dot = (m.x * b.x + m.y * b.y);  // |m| cos(angle to the segment's normal)
    const float scale = dot > 1e-3f ? std::min(1.f / dot, 2.f / std::sqrt(m.x * m.x + m.y * m.y)) : 0.f;
    m = dot > 1e-3f ? ImVec2{m.x * scale, m.y * scale} : b;
    dl->PrimWriteVtx({p[i].x + m.x * half, p[i].y + m.y * half}, {0.f, v}, colour);
    dl->PrimWriteVtx({p[i].x - m.x * half, p[i].y - m.y * half}, {1.f, v}, colour);
  }
  for (int i = 0; i + 1 < n; ++i) {
    const ImDrawIdx k = ImDrawIdx(base + 2 * i);
    dl->PrimWriteIdx(k);
    dl->PrimWriteIdx(ImDrawIdx(k + 1));
    dl->PrimWriteIdx(ImDrawIdx(k + 3));
    dl->PrimWriteIdx(k);
    dl->PrimWriteIdx(ImDrawIdx(k + 3));
    dl->PrimWriteIdx(ImDrawIdx(k + 2));
  }
  dl->PopTextureID();
}

void AddDisc(ImDrawList* dl, ImVec2 c, float radius, ImU32 colour) {
  // The texture's disc has a radius of kDisc/2 - 1 texels in a square of kDisc: the quad is
  // that much bigger than the disc.
  const float h = radius * (kDisc / 2.f) / (kDisc / 2.f - 1.f);
  const ImVec2 uv0{0.f, float(kWidths + 1) / kRows}, uv1{float(kDisc) / kTexels, 1.f};
  dl->PushTextureID(Texture());
  dl->PrimReserve(6, 4);
  dl->PrimRectUV({c.x - h, c.y - h}, {c.x + h, c.y + h}, uv0, uv1, colour);
  dl->PopTextureID();
}

void AddCoverage(ImDrawList* dl, ImGuiID id, ImVec2 min, int w, int row0, int row1, const unsigned char* rows,
                 ImU32 colour) {
  const int h = row1 - row0;
  if (w <= 0 || h <= 0) return;
  CoverageTexture& t = g_coverage[id];
  const size_t bytes = size_t(w) * size_t(h);
  const bool same = t.name && t.last.size() == bytes + 2 * sizeof(int) &&
                    std::memcmp(t.last.data(), &w, sizeof w) == 0 && std::memcmp(t.last.data() + sizeof w, &h, sizeof h) == 0 &&
                    std::memcmp(t.last.data() + 2 * sizeof(int), rows, bytes) == 0;
  if (!same) Upload(t, w, h, rows);
  // A quad for every 8 columns, only as tall as their covered rows: a software rasteriser pays
  // for every pixel a quad covers, and noise leaves most of the band's box empty.
  constexpr int kGroup = 8;
  dl->PushTextureID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.name)));
  for (int g0 = 0; g0 < w; g0 += kGroup) {
    const int g1 = std::min(w, g0 + kGroup);
    int top = h, bottom = -1;
    for (int r = 0; r < h; ++r) {
      const unsigned char* row = rows + size_t(r) * size_t(w);
      if (std::any_of(row + g0, row + g1, [](unsigned char v) { return v != 0; })) {
        top = std::min(top, r);
        bottom = r;
      }
    }
    if (bottom < top) continue;
    dl->PrimReserve(6, 4);
    dl->PrimRectUV({min.x + float(g0), min.y + float(row0 + top)}, {min.x + float(g1), min.y + float(row0 + bottom + 1)},
                   {float(g0) / float(t.w), float(top) / float(t.h)},
                   {float(g1) / float(t.w), float(bottom + 1) / float(t.h)}, colour);
  }
  dl->PopTextureID();
}

void ShutdownLines() {
  if (g_texture) glDeleteTextures(1, &g_texture);
  g_texture = 0;
  for (auto& [id, t] : g_coverage) glDeleteTextures(1, &t.name);
  g_coverage.clear();
}

}  // namespace nnviz::gui
