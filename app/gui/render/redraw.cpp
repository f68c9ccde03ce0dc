#include "render/redraw.h"

#include <glad/gl.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nnviz::gui {

namespace {

uint64_t g_textures = 0;

bool Empty(const ImVec4& r) { return r.z <= r.x || r.w <= r.y; }

ImVec4 Intersect(const ImVec4& a, const ImVec4& b) {
  const ImVec4 r{std::max(a.x, b.x), std::max(a.y, b.y), std::min(a.z, b.z), std::min(a.w, b.w)};
  return Empty(r) ? ImVec4{0, 0, 0, 0} : r;
}

ImVec4 Union(const ImVec4& a, const ImVec4& b) {
  if (Empty(a)) return b;
  if (Empty(b)) return a;
  return {std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.z, b.z), std::max(a.w, b.w)};
}

double Area(const ImVec4& r) { return Empty(r) ? 0.0 : double(r.z - r.x) * double(r.w - r.y); }

// Worth drawing as one: overlapping, or their bounding box hardly bigger than the two (a status
// bar under a view is not: their box would take in the sidebar).
bool Merge(const ImVec4& a, const ImVec4& b) {
  const bool overlap = a.x < b.z && b.x < a.z && a.y < b.w && b.y < a.w;
  return overlap || Area(Union(a, b)) <= 1.1 * (Area(a) + Area(b));
}

template <class T>
void Append(std::vector<unsigned char>& out, const T& v) {
  const auto* p = reinterpret_cast<const unsigned char*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

// Where each command of a draw list can put pixels (its clip rectangle around its vertices, in
// whole pixels) and where the list can (all of them), and everything that decides the pixels:
// vertices, indices, commands, and for textures other than the font atlas the textures'
// generation. A list with a user callback draws something new each time: it never compares equal.
void Describe(const ImDrawList& l, const ImVec4& screen, ImTextureID font, unsigned frame, ImVec4& bounds,
              std::vector<ImVec4>& reach, std::vector<unsigned char>& bytes) {
  bounds = {0, 0, 0, 0};
  reach.assign(size_t(l.CmdBuffer.Size), ImVec4{0, 0, 0, 0});
  bytes.clear();
  for (int k = 0; k < l.CmdBuffer.Size; ++k) {
    const ImDrawCmd& c = l.CmdBuffer[k];
    if (c.ElemCount == 0 && !c.UserCallback) continue;
    ImVec4 r = Intersect(c.ClipRect, screen);
    if (!c.UserCallback) {
      ImVec4 box{FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX};
      for (unsigned i = c.IdxOffset; i < c.IdxOffset + c.ElemCount; ++i) {
        const ImVec2 p = l.VtxBuffer[int(c.VtxOffset + l.IdxBuffer[int(i)])].pos;
        box = {std::min(box.x, p.x), std::min(box.y, p.y), std::max(box.z, p.x), std::max(box.w, p.y)};
      }
      r = Intersect(r, {std::floor(box.x), std::floor(box.y), std::ceil(box.z), std::ceil(box.w)});
    }
    if (!Empty(r)) r = {std::floor(r.x), std::floor(r.y), std::ceil(r.z), std::ceil(r.w)};
    reach[size_t(k)] = r;
    bounds = Union(bounds, r);
    Append(bytes, c.ClipRect);
    Append(bytes, c.TextureId);
    Append(bytes, c.VtxOffset);
    Append(bytes, c.IdxOffset);
    Append(bytes, c.ElemCount);
    if (c.TextureId != font) Append(bytes, g_textures);
    if (c.UserCallback) {
      Append(bytes, c.UserCallbackData);
      if (c.UserCallback != ImDrawCallback_ResetRenderState) Append(bytes, frame);
    }
  }
  if (Empty(bounds)) return;
  const auto* v = reinterpret_cast<const unsigned char*>(l.VtxBuffer.Data);
  const auto* i = reinterpret_cast<const unsigned char*>(l.IdxBuffer.Data);
  bytes.insert(bytes.end(), v, v + size_t(l.VtxBuffer.Size) * sizeof(ImDrawVert));
  bytes.insert(bytes.end(), i, i + size_t(l.IdxBuffer.Size) * sizeof(ImDrawIdx));
}

// The sentinel: the window's bottom-left pixel, in the window background's colour with a frame
// count in the two low bits of blue (a change of at most 3/255 in one pixel).
void SentinelColour(unsigned frame, unsigned char out[3]) {
  const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  out[0] = static_cast<unsigned char>(std::lround(std::clamp(bg.x, 0.f, 1.f) * 255));
  out[1] = static_cast<unsigned char>(std::lround(std::clamp(bg.y, 0.f, 1.f) * 255));
  out[2] = static_cast<unsigned char>((std::lround(std::clamp(bg.z, 0.f, 1.f) * 255) & ~3L) | long(frame & 3));
}

}  // namespace

void TexturesChanged() { ++g_textures; }

void PartialRedraw::init() {
  const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const std::string r = renderer ? renderer : "";
  const bool software = r.find("llvmpipe") != std::string::npos || r.find("softpipe") != std::string::npos ||
                        r.find("swrast") != std::string::npos;
  const char* off = std::getenv("NNVIZ_FULL_REDRAW");
  enabled_ = software && !(off && *off && std::strcmp(off, "0") != 0);
  have_last_ = false;
}

const std::vector<ImVec4>& PartialRedraw::plan(const ImDrawData& dd, const std::string& extra) {
  rects_.clear();
  const ImVec4 screen{dd.DisplayPos.x, dd.DisplayPos.y, dd.DisplayPos.x + dd.DisplaySize.x,
                      dd.DisplayPos.y + dd.DisplaySize.y};
  if (!enabled_) {  // a GPU: every frame whole, nothing to compare
    rects_.assign(1, screen);
    last_.clear();
    drawn_share_ = 1;
    return rects_;
  }
  const ImTextureID font = ImGui::GetIO().Fonts->TexID;
  now_.resize(size_t(std::max(0, dd.CmdListsCount)));
  size_t n = 0;
  for (int k = 0; k < dd.CmdListsCount; ++k) {
    Item& it = now_[n];
    it.key = dd.CmdLists[k];
    Describe(*dd.CmdLists[k], screen, font, frame_, it.bounds, it.reach, it.bytes);
    if (!Empty(it.bounds)) ++n;  // lists that draw nothing are left out
  }
  now_.resize(n);

  bool whole = !have_last_ || extra != last_extra_ || dd.DisplaySize.x != last_size_.x ||
               dd.DisplaySize.y != last_size_.y || dd.FramebufferScale.x != 1 || dd.FramebufferScale.y != 1;
  if (!whole) {
    // Did the buffer keep the last frame? (A swap that flips buffers would show an older one.)
    unsigned char want[3], got[4] = {0, 0, 0, 0};
    SentinelColour(frame_ - 1, want);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, got);
    if (std::memcmp(want, got, 3) != 0) {
      enabled_ = false;
      whole = true;
      stopped_ = "the back buffer did not keep the last frame";
      std::fprintf(stderr, "nnviz: drawing whole frames from now on (%s)\n", stopped_.c_str());
    }
  }
  if (!whole) {
    // Windows that stay must keep their order (one brought to the front may cover others).
    std::vector<const void*> a, b;
    for (const Item& it : last_) a.push_back(it.key);
    for (const Item& it : now_) b.push_back(it.key);
    auto common = [](const std::vector<const void*>& x, const std::vector<const void*>& y) {
      std::vector<const void*> c;
      for (const void* k : x)
        if (std::find(y.begin(), y.end(), k) != y.end()) c.push_back(k);
      return c;
    };
    whole = common(a, b) != common(b, a);
  }
  if (!whole) {
    for (const Item& it : now_) {
      const auto was = std::find_if(last_.begin(), last_.end(), [&](const Item& l) { return l.key == it.key; });
      if (was == last_.end()) {
        rects_.push_back(it.bounds);
      } else if (was->bytes != it.bytes || std::memcmp(&was->bounds, &it.bounds, sizeof it.bounds) != 0) {
        rects_.push_back(it.bounds);
        rects_.push_back(was->bounds);
      }
    }
    for (const Item& l : last_)
      if (std::none_of(now_.begin(), now_.end(), [&](const Item& it) { return it.key == l.key; }))
        rects_.push_back(l.bounds);
    // Overlapping rectangles become one, until none overlap.
    for (bool merged = true; merged;) {
      merged = false;
      for (size_t i = 0; i < rects_.size() && !merged; ++i)
        for (size_t j = i + 1; j < rects_.size() && !merged; ++j)
          if (Merge(rects_[i], rects_[j])) {
            rects_[i] = Union(rects_[i], rects_[j]);
            rects_.erase(rects_.begin() + long(j));
            merged = true;
          }
    }
    double area = 0;
    for (const ImVec4& r : rects_) area += Area(r);
    whole = rects_.size() > 8 || area > 0.85 * Area(screen);
  }
  if (whole) rects_.assign(1, screen);
  double area = 0;
  for (const ImVec4& r : rects_) area += Area(r);
  drawn_share_ = Area(screen) > 0 ? area / Area(screen) : 1.0;

  last_.swap(now_);
  last_extra_ = extra;
  last_size_ = dd.DisplaySize;
  have_last_ = true;
  return rects_;
}

void PartialRedraw::finish() {
  if (enabled_) {
    unsigned char c[3];
    SentinelColour(frame_, c);
    glEnable(GL_SCISSOR_TEST);
    glScissor(0, 0, 1, 1);
    glClearColor(c[0] / 255.f, c[1] / 255.f, c[2] / 255.f, 1.f);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
  }
  ++frame_;
}

void PartialRedraw::draw(ImDrawData& dd, const ImVec4& r) {
  static std::vector<ImDrawList*> lists, clipped;  // drawn; with their clip rectangles changed
  static std::vector<ImVec4> saved;
  lists.clear();
  clipped.clear();
  saved.clear();
  int vtx = 0, idx = 0;
  for (int k = 0; k < dd.CmdListsCount; ++k) {
    ImDrawList* l = dd.CmdLists[k];
    // This frame's items are last_ once plan() has run; without one (a GPU) every command draws.
    const auto it = std::find_if(last_.begin(), last_.end(), [&](const Item& i) { return i.key == l; });
    if (enabled_ && it == last_.end()) continue;  // the list draws nothing
    clipped.push_back(l);
    bool reaches = false;
    for (int c = 0; c < l->CmdBuffer.Size; ++c) {
      ImDrawCmd& cmd = l->CmdBuffer[c];
      saved.push_back(cmd.ClipRect);
      // A command that cannot reach into r gets an empty clip rectangle: the renderer skips it.
      const bool in = it == last_.end() || !Empty(Intersect(it->reach[size_t(c)], r));
      cmd.ClipRect = in ? Intersect(cmd.ClipRect, r) : ImVec4{0, 0, 0, 0};
      reaches = reaches || (in && (cmd.UserCallback || (cmd.ElemCount > 0 && !Empty(cmd.ClipRect))));
    }
    if (reaches) {
      lists.push_back(l);
      vtx += l->VtxBuffer.Size;
      idx += l->IdxBuffer.Size;
    }
  }
  if (!lists.empty()) {
    ImDrawData part = dd;
    part.CmdLists = lists.data();
    part.CmdListsCount = int(lists.size());
    part.TotalVtxCount = vtx;
    part.TotalIdxCount = idx;
    ImGui_ImplOpenGL3_RenderDrawData(&part);
  }
  size_t s = 0;
  for (ImDrawList* l : clipped)
    for (ImDrawCmd& c : l->CmdBuffer) c.ClipRect = saved[s++];
}

void RedrawCheck::begin(int w, int h) {
  window_.resize(size_t(w) * size_t(h) * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, window_.data());
}

void RedrawCheck::end(int w, int h, bool partial) {
  whole_.resize(window_.size());
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, whole_.data());
  long pixels = 0;
  int diff = 0;
  for (size_t p = 1; p < size_t(w) * size_t(h); ++p) {  // pixel 0 is the sentinel
    int d = 0;
    for (int ch = 0; ch < 3; ++ch) d = std::max(d, std::abs(int(window_[p * 4 + ch]) - int(whole_[p * 4 + ch])));
    if (d > 0) ++pixels;
    diff = std::max(diff, d);
  }
  ++frames_;
  partial_ += partial;
  if (pixels > 0) {
    ++differed_;
    if (pixels > worst_pixels_) worst_pixels_ = pixels;
    worst_diff_ = std::max(worst_diff_, diff);
  }
}

std::string RedrawCheck::report() const {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "{\"bench\":\"redraw\",\"frames\":%ld,\"partial\":%ld,\"differed\":%ld,\"worst_pixels\":%ld,"
                "\"worst_diff\":%d}",
                frames_, partial_, differed_, worst_pixels_, worst_diff_);
  return buf;
}

}  // namespace nnviz::gui
