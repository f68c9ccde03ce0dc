#include "widgets/heatmap.h"
#include "render/redraw.h"
#include "widgets/gl_texture.h"

#include <glad/gl.h>

#include <imgui_internal.h>  // SetItemUsingMouseWheel

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "shaders.h"  // generated from shaders/ at build time

namespace nnviz::gui {

namespace {

bool g_gl_alive = true;  // false after ShutdownHeatmaps: destructors must not call GL any more

struct Program {
  unsigned id = 0, vao = 0;
  int loc_values = -1, loc_map = -1, loc_background = -1;
  bool tried = false;
  std::string error;
};

Program& program() {
  static Program p;
  if (p.tried) return p;
  p.tried = true;
  auto compile = [&](GLenum kind, const char* src) -> unsigned {
    const unsigned s = glCreateShader(kind);
    glShaderSource(s, 1, &src, nullptr);
    glCompileShader(s);
    int ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
      char log[2048];
      glGetShaderInfoLog(s, sizeof log, nullptr, log);
      p.error += std::string("heatmap shader: ") + log;
    }
    return s;
  };
  const unsigned vs = compile(GL_VERTEX_SHADER, shaders::fullscreen_vert);
  const unsigned fs = compile(GL_FRAGMENT_SHADER, shaders::colormap_frag);
  p.id = glCreateProgram();
  glAttachShader(p.id, vs);
  glAttachShader(p.id, fs);
  glLinkProgram(p.id);
  glDeleteShader(vs);
  glDeleteShader(fs);
  int ok = 0;
  glGetProgramiv(p.id, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048];
    glGetProgramInfoLog(p.id, sizeof log, nullptr, log);
    p.error += std::string("heatmap program: ") + log;
  }
  if (!p.error.empty()) std::fprintf(stderr, "nnviz: %s\n", p.error.c_str());
  p.loc_values = glGetUniformLocation(p.id, "values");
  p.loc_map = glGetUniformLocation(p.id, "map");
  p.loc_background = glGetUniformLocation(p.id, "background");
  glGenVertexArrays(1, &p.vao);  // the core profile draws only with a vertex array bound
  return p;
}


}  // namespace

const std::string& Heatmap::error() { return program().error; }

Heatmap::~Heatmap() {
  if (!g_gl_alive) return;
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (data_tex_) glDeleteTextures(1, &data_tex_);
  if (out_tex_) glDeleteTextures(1, &out_tex_);
}

ImTextureID Heatmap::texture() const { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(out_tex_)); }

void Heatmap::update(const float* values, int w, int h, Colormap map) {
  Program& p = program();
  if (w <= 0 || h <= 0 || !p.error.empty()) return;
  GLint prev_fbo = 0, prev_viewport[4], prev_tex = 0;
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prev_fbo);
  glGetIntegerv(GL_VIEWPORT, prev_viewport);
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &prev_tex);
  if (w != w_ || h != h_ || rgba_) {
    rgba_ = false;
    MakeTexture(data_tex_, GL_NEAREST, GL_R32F, GL_RED, GL_FLOAT, w, h, values);
    MakeTexture(out_tex_, GL_NEAREST, GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE, w, h, nullptr);
    if (!fbo_) glGenFramebuffers(1, &fbo_);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, out_tex_, 0);
    w_ = w;
    h_ = h;
  } else {
    glBindTexture(GL_TEXTURE_2D, data_tex_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RED, GL_FLOAT, values);
  }
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, w, h);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glUseProgram(p.id);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, data_tex_);
  glUniform1i(p.loc_values, 0);
  glUniform1i(p.loc_map, map == Colormap::Diverging ? 0 : map == Colormap::Sequential ? 1 : 2);
  const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  glUniform4f(p.loc_background, bg.x, bg.y, bg.z, 1.f);
  glBindVertexArray(p.vao);
  glDrawArrays(GL_TRIANGLES, 0, 3);
  glBindVertexArray(0);
  glUseProgram(0);
  // Shown smaller than its size (a grid of 256 tiles in a narrow view), the image is averaged
  // through mipmaps; picking the nearest texel would drop whole rows and tile gaps at random.
  glBindTexture(GL_TEXTURE_2D, out_tex_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
  glGenerateMipmap(GL_TEXTURE_2D);
  glBindFramebuffer(GL_FRAMEBUFFER, prev_fbo);
  glViewport(prev_viewport[0], prev_viewport[1], prev_viewport[2], prev_viewport[3]);
  glBindTexture(GL_TEXTURE_2D, prev_tex);
  TexturesChanged();  // the draw lists that show it are drawn again
}

void Heatmap::update_rgba(const uint8_t* rgba, int w, int h) {
  if (w <= 0 || h <= 0) return;
  GLint prev_tex = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &prev_tex);
  MakeTexture(out_tex_, GL_NEAREST, GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE, w, h, rgba);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);  // as update()'s, shown small
  glGenerateMipmap(GL_TEXTURE_2D);
  glBindTexture(GL_TEXTURE_2D, prev_tex);
  w_ = w;
  h_ = h;
  rgba_ = true;
  TexturesChanged();
}

namespace {
}  // namespace

std::vector<uint8_t> BackgroundRgba(int w, int h) {
  const ImVec4 c = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  const uint8_t bg[4] = {uint8_t(c.x * 255), uint8_t(c.y * 255), uint8_t(c.z * 255), 255};
  std::vector<uint8_t> img(size_t(w) * size_t(h) * 4);
  for (size_t i = 0; i < img.size(); i += 4) std::copy(bg, bg + 4, img.begin() + std::ptrdiff_t(i));
  return img;
}

void ShowSamples(Heatmap& hm, const std::vector<uint8_t>& pixels, const std::vector<int>& ids, int rows, int cols,
                 int channels, const TileLayout& t) {
  const size_t per = size_t(rows) * size_t(cols), stride = per * size_t(channels);
  std::vector<uint8_t> img = BackgroundRgba(t.width(), t.height());
  for (size_t k = 0; k < ids.size() && int(k) < t.n; ++k) {
    if (ids[k] < 0 || (size_t(ids[k]) + 1) * stride > pixels.size()) continue;  // never past the data
    const uint8_t* src = pixels.data() + size_t(ids[k]) * stride;
    for (int r = 0; r < rows && r < t.th; ++r)
      for (int c = 0; c < cols && c < t.tw; ++c) {
        uint8_t* d = img.data() + size_t(t.index(int(k), r, c)) * 4;
        const size_t at = size_t(r) * size_t(cols) + size_t(c);
        d[0] = src[at];
        d[1] = channels == 3 ? src[per + at] : src[at];
        d[2] = channels == 3 ? src[2 * per + at] : src[at];
        d[3] = 255;
      }
  }
  hm.update_rgba(img.data(), t.width(), t.height());
}

void ShowInputPicture(Heatmap& hm, const float* values, int rows, int cols, int channels) {
  const size_t per = size_t(rows) * size_t(cols), n = per * size_t(channels == 3 ? 3 : 1);
  // One stretch for all three channels, so that the colours keep their balance.
  float lo = values[0], hi = values[0];
  for (size_t i = 0; i < n; ++i) lo = std::min(lo, values[i]), hi = std::max(hi, values[i]);
  const float span = std::max(1e-12f, hi - lo);
  std::vector<uint8_t> img(per * 4, 255);
  for (int ch = 0; ch < 3; ++ch) {
    const float* v = values + (channels == 3 ? size_t(ch) * per : 0);
    for (size_t i = 0; i < per; ++i) img[i * 4 + size_t(ch)] = uint8_t(std::lround(255 * (v[i] - lo) / span));
  }
  hm.update_rgba(img.data(), cols, rows);
}

bool TileLayout::locate(int x, int y, int& tile, int& r, int& c) const {
  if (x < 0 || y < 0 || x >= width() || y >= height()) return false;
  const int tc = x / (tw + 1), tr = y / (th + 1);
  c = x % (tw + 1);
  r = y % (th + 1);
  if (c == tw || r == th) return false;
  tile = tr * cols + tc;
  return tile < n;
}

TileLayout MakeTiles(int n, int th, int tw, int cols) {
  TileLayout t;
  t.n = std::max(n, 1);
  t.th = th;
  t.tw = tw;
  if (cols <= 0) cols = int(std::ceil(std::sqrt(double(t.n) * th / std::max(1, tw))));
  t.cols = std::max(1, std::min(cols, t.n));
  t.rows = (t.n + t.cols - 1) / t.cols;
  return t;
}

TileLayout MakeTilesToFill(int n, int th, int tw, float room_w, float room_h) {
  if (room_w < 1 || room_h < 1) return MakeTiles(n, th, tw);
  // The number of columns whose grid shows the tiles largest in the room.
  int best = 1;
  double best_scale = -1;
  for (int cols = 1; cols <= std::max(n, 1); ++cols) {
    const int rows = (n + cols - 1) / cols;
    const double scale = std::min(room_w / double(cols * (tw + 1) - 1), room_h / double(rows * (th + 1) - 1));
    if (scale > best_scale * 1.0001) best = cols, best_scale = scale;
    if (rows == 1) break;
  }
  return MakeTiles(n, th, tw, best);
}

bool HeatmapImage(const Heatmap& hm, float max_w, float max_h, int* hover_x, int* hover_y) {
  *hover_x = *hover_y = -1;
  if (hm.empty()) return false;
  float zoom = std::min(max_w / hm.width(), max_h / hm.height());
  if (zoom >= 4) zoom = std::floor(zoom);  // crisp pixels when magnified a lot
  const ImVec2 size{hm.width() * zoom, hm.height() * zoom};
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Image(hm.texture(), size);
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    *hover_x = std::min(hm.width() - 1, int((m.x - p.x) / zoom));
    *hover_y = std::min(hm.height() - 1, int((m.y - p.y) / zoom));
  }
  return ImGui::IsItemClicked();
}

bool HeatmapImageZoomable(const Heatmap& hm, float max_w, float max_h, HeatmapZoom& z, int* hover_x, int* hover_y) {
  *hover_x = *hover_y = -1;
  if (hm.empty()) return false;
  float fit = std::min(max_w / hm.width(), max_h / hm.height());
  if (fit >= 4) fit = std::floor(fit);
  const ImVec2 size{hm.width() * fit, hm.height() * fit};
  // Up to 32 screen pixels an image pixel, and never less than the whole image.
  const float most = std::max(1.f, 32.f / fit);
  z.zoom = std::clamp(z.zoom, 1.f, most);
  const float share = 1 / z.zoom;
  auto keep_inside = [&] {
    z.cx = std::clamp(z.cx, share / 2, 1 - share / 2);
    z.cy = std::clamp(z.cy, share / 2, 1 - share / 2);
  };
  keep_inside();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Image(hm.texture(), size, {z.cx - share / 2, z.cy - share / 2}, {z.cx + share / 2, z.cy + share / 2});
  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##zoomable", size);
  ImGui::SetItemUsingMouseWheel();  // the wheel zooms the image, not the window
  const ImGuiIO& io = ImGui::GetIO();
  bool clicked = false;
  if (ImGui::IsItemHovered()) {
    // The image point under the pointer, in shares of the image.
    const float fx = (io.MousePos.x - p.x) / size.x, fy = (io.MousePos.y - p.y) / size.y;
    const float u = z.cx + (fx - 0.5f) * share, v = z.cy + (fy - 0.5f) * share;
    *hover_x = std::clamp(int(u * hm.width()), 0, hm.width() - 1);
    *hover_y = std::clamp(int(v * hm.height()), 0, hm.height() - 1);
    if (io.MouseWheel != 0) {
      // Zoom around the pointer: the point under it stays under it.
      z.zoom = std::clamp(z.zoom * std::pow(1.25f, io.MouseWheel), 1.f, most);
      const float s2 = 1 / z.zoom;
      z.cx = u - (fx - 0.5f) * s2;
      z.cy = v - (fy - 0.5f) * s2;
      keep_inside();
    }
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) z = HeatmapZoom{};
    const float slop = io.MouseDragThreshold;
    clicked = ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < slop * slop;
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left) && z.zoom > 1) {
    z.cx -= io.MouseDelta.x / size.x * share;
    z.cy -= io.MouseDelta.y / size.y * share;
    keep_inside();
  }
  return clicked;
}

namespace {
std::unique_ptr<Heatmap> g_strips[3];  // colour bar gradients, rendered once per colormap
}  // namespace

void ShutdownHeatmaps() {
  for (auto& s : g_strips) s.reset();
  Program& p = program();
  if (p.id) glDeleteProgram(p.id);
  if (p.vao) glDeleteVertexArrays(1, &p.vao);
  p.id = p.vao = 0;
  g_gl_alive = false;
}

void ColourBar(Colormap map, double lo, double hi, float width) {
  auto& slot = g_strips[int(map)];
  if (!slot) slot = std::make_unique<Heatmap>();
  Heatmap& strip = *slot;
  if (strip.empty()) {
    std::vector<float> v(256);
    for (int i = 0; i < 256; ++i) v[i] = map == Colormap::Diverging ? -1.f + 2.f * i / 255.f : i / 255.f;
    strip.update(v.data(), 256, 1, map);
  }
  const float h = ImGui::GetFontSize() * 0.7f;
  ImGui::Image(strip.texture(), {width, h});
  char a[32], m[32], b[32];
  std::snprintf(a, sizeof a, "%.3g", lo);
  std::snprintf(m, sizeof m, "%.3g", (lo + hi) / 2);
  std::snprintf(b, sizeof b, "%.3g", hi);
  const float x0 = ImGui::GetCursorPosX();
  ImGui::TextDisabled("%s", a);
  ImGui::SameLine(x0 + width / 2 - ImGui::CalcTextSize(m).x / 2);
  ImGui::TextDisabled("%s", m);
  ImGui::SameLine(x0 + width - ImGui::CalcTextSize(b).x);
  ImGui::TextDisabled("%s", b);
}

}  // namespace nnviz::gui
