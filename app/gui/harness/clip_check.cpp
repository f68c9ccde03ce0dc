// Clipped-text check (clip_check.h).
//
// How text is found. ImGui draws every glyph as one quad of 4 vertices and 6 indices (a, a+1,
// a+2, a, a+2, a+3), textured from the font atlas; everything else it draws (rectangles, lines,
// circles, check marks) samples the atlas' single white pixel. So after ImGui::Render the pass
// walks every draw list of the frame's draw data, command by command (each command has the clip
// rectangle the GPU applies), and picks out the quads whose texture coordinates are those of a
// glyph of one of the atlas' fonts. A glyph is cut when
//   - its quad crosses, or lies outside, its command's clip rectangle (the scissor cuts it), or
//   - its texture rectangle is a strict part of the glyph's (ImGui trimmed it on the CPU to a
//     "fine" clip rectangle: button labels, slider values, combo previews, titles...).
// Glyphs wholly outside a clip rectangle leave no trace in the draw data (ImGui does not emit
// them), so the text is also seen where it is drawn: every call of ImDrawList::AddText (from the
// app and from ImGui alike; the linker routes them here, see --wrap in CMakeLists.txt) is
// recorded with its string, the vertices it added and the clip rectangle in force (the draw
// list's, narrowed by the fine one). The same text is laid out again into a scratch draw list
// with nothing clipped, and any glyph of it outside that rectangle is a cut too. The record also
// names the string a cut glyph of the draw data belongs to.
//
// What does not count (the rule):
//   - a cut at an edge of a window, or of a child window, that shows a scroll bar in that
//     direction: the text was scrolled out of view and the scroll bar reaches it (a vertical scroll
//     bar excuses the top and bottom edges only, a horizontal one the left and right edges);
//   - less than one pixel lost (a glyph quad has a transparent margin);
//   - text in windows not drawn this frame (ImGui measures auto-sized windows hidden first);
//   - the text of a field being typed into or ready to be (InputText, a slider or drag typed
//     into): a field scrolls its text with the cursor, so all of it is reachable there. ImGui draws
//     that text with an explicit font and a fine clip rectangle while the field is the last item,
//     which no other widget of ImGui's does.
// Everything else counts: a window edge with no scroll bar, a table column, a button, a plot's
// area, a tile, a frame. An ellipsis the app draws on purpose is drawn inside the rectangle (its
// glyphs are whole), so it does not count.
#include "harness/clip_check.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

#include "base/json.h"

namespace nnviz::gui {
namespace {

constexpr float kTolerance = 1.0f;  // pixels of a glyph that may be lost unnoticed

bool g_on = false;
long g_frames = 0;

struct TextDraw {
  int vtx_begin = 0, vtx_end = 0;  // the vertices the call added to the list's VtxBuffer
  std::string text;
  ImVec4 clip;                     // what it was clipped to
  float lost = 0;                  // the most any glyph of the whole layout lies outside `clip`
  const char* edge = "";
  bool field = false;              // the text of an input field (the rule above)
};
std::unordered_map<const ImDrawList*, std::vector<TextDraw>> g_draws;

struct Key {
  std::string window, text;
  bool operator<(const Key& o) const { return window != o.window ? window < o.window : text < o.text; }
};
std::map<Key, size_t> g_index;
std::vector<ClipFinding> g_findings;
std::map<std::pair<Key, std::string>, size_t> g_overlap_index;
std::vector<OverlapFinding> g_overlaps;

// Two strings of one window drawn over each other: the pixels their glyphs share. Each glyph's
// box is taken as shown (inside its clip rectangle) and shrunk by the tolerance on every side,
// so that glyphs that merely touch (a quad's transparent margin) do not count.
float SharedPixels(const ImDrawVert* v, const TextDraw& a, const TextDraw& b) {
  auto shown = [&](int i, const ImVec4& c) {
    ImVec4 r{std::max(v[i].pos.x, c.x) + kTolerance, std::max(v[i].pos.y, c.y) + kTolerance,
             std::min(v[i + 2].pos.x, c.z) - kTolerance, std::min(v[i + 2].pos.y, c.w) - kTolerance};
    return r;
  };
  float most = 0;
  for (int i = a.vtx_begin; i + 3 < a.vtx_end; i += 4) {
    const ImVec4 ra = shown(i, a.clip);
    if (ra.z <= ra.x || ra.w <= ra.y) continue;
    for (int j = b.vtx_begin; j + 3 < b.vtx_end; j += 4) {
      const ImVec4 rb = shown(j, b.clip);
      const float w = std::min(ra.z, rb.z) - std::max(ra.x, rb.x), h = std::min(ra.w, rb.w) - std::max(ra.y, rb.y);
      if (w > 0 && h > 0) most = std::max(most, std::min(w, h));
    }
  }
  return most;
}

// The box of a recorded text's glyphs as shown, empty if none is.
ImVec4 ShownBox(const ImDrawVert* v, const TextDraw& d) {
  ImVec4 r{1e9f, 1e9f, -1e9f, -1e9f};
  for (int i = d.vtx_begin; i + 3 < d.vtx_end; i += 4) {
    r.x = std::min(r.x, std::max(v[i].pos.x, d.clip.x)), r.y = std::min(r.y, std::max(v[i].pos.y, d.clip.y));
    r.z = std::max(r.z, std::min(v[i + 2].pos.x, d.clip.z)), r.w = std::max(r.w, std::min(v[i + 2].pos.y, d.clip.w));
  }
  return r;
}

// How far the rectangle r sticks out of the clip rectangle c, and on which side.
float Overhang(const ImVec2& r0, const ImVec2& r1, const ImVec4& c, const char** edge) {
  float lost = 0;
  auto side = [&](float v, const char* name) {
    if (v > lost) lost = v, *edge = name;
  };
  side(c.x - r0.x, "left");
  side(r1.x - c.z, "right");
  side(c.y - r0.y, "top");
  side(r1.y - c.w, "bottom");
  return lost;
}

// The coordinate of the clip edge named `edge`.
float EdgeOf(const ImVec4& c, const std::string& edge) {
  return edge == "left" ? c.x : edge == "right" ? c.z : edge == "top" ? c.y : c.w;
}

// The rule above: a cut at the inner edge of a window (or an enclosing child window) that
// scrolls in that direction with a visible scroll bar is scrolling, not clipping.
bool Scrolled(const ImGuiWindow* w, const std::string& edge, float at) {
  const bool vertical = edge == "top" || edge == "bottom";
  for (; w; w = (w->Flags & ImGuiWindowFlags_ChildWindow) ? w->ParentWindow : nullptr) {
    if (!(vertical ? w->ScrollbarY : w->ScrollbarX)) continue;
    const ImRect& r = w->InnerClipRect;
    const float e = edge == "left" ? r.Min.x : edge == "right" ? r.Max.x : edge == "top" ? r.Min.y : r.Max.y;
    if (std::fabs(e - at) <= 1.0f) return true;
  }
  return false;
}

const ImGuiWindow* OwnerOf(const ImDrawList* list) {
  for (const ImGuiWindow* w : GImGui->Windows)
    if (w->DrawList == list) return w;
  return nullptr;
}

void Add(const ImGuiWindow* w, const ImDrawList* list, const std::string& text, const char* edge, float lost) {
  const std::string window = w ? w->Name : (list->_OwnerName ? list->_OwnerName : "?");
  const Key k{window, text};
  auto it = g_index.find(k);
  if (it == g_index.end()) {
    g_index.emplace(k, g_findings.size());
    g_findings.push_back({window, text, edge, lost});
  } else if (lost > g_findings[it->second].lost) {
    g_findings[it->second].lost = lost;
    g_findings[it->second].edge = edge;
  }
}

// The glyphs of the atlas' fonts by their texture corners: top-left for quads cut on the right
// or at the bottom, bottom-right for those cut on the left or at the top.
struct GlyphIndex {
  std::map<std::pair<float, float>, const ImFontGlyph*> by_min, by_max;
  const ImFontAtlas* atlas = nullptr;
  int glyphs = 0;
  void refresh(const ImFontAtlas* a) {
    int n = 0;
    for (const ImFont* f : a->Fonts) n += f->Glyphs.Size;
    if (a == atlas && n == glyphs) return;
    atlas = a, glyphs = n;
    by_min.clear(), by_max.clear();
    for (const ImFont* f : a->Fonts)
      for (const ImFontGlyph& g : f->Glyphs) {
        if (!g.Visible) continue;
        by_min.emplace(std::make_pair(g.U0, g.V0), &g);
        by_max.emplace(std::make_pair(g.U1, g.V1), &g);
      }
  }
};
GlyphIndex g_glyphs;

}  // namespace
}  // namespace nnviz::gui

// The real ImDrawList::AddText (the full overload), under the name the linker gives it.
extern "C" void __real__ZN10ImDrawList7AddTextEPK6ImFontfRK6ImVec2jPKcS7_fPK6ImVec4(
    ImDrawList*, const ImFont*, float, const ImVec2&, ImU32, const char*, const char*, float, const ImVec4*);

namespace nnviz::gui {
namespace {

// Lays the text out again with nothing clipped and measures what of it lies outside `clip`.
void Measure(TextDraw& d, const ImFont* font, float size, const ImVec2& pos, ImU32 col, const char* b,
             const char* e, float wrap) {
  static ImDrawList* scratch = nullptr;
  if (!scratch) scratch = IM_NEW(ImDrawList)(ImGui::GetDrawListSharedData());
  scratch->_ResetForNewFrame();
  scratch->PushTextureID(font->ContainerAtlas->TexID);
  scratch->PushClipRect({-1e7f, -1e7f}, {1e7f, 1e7f});
  __real__ZN10ImDrawList7AddTextEPK6ImFontfRK6ImVec2jPKcS7_fPK6ImVec4(scratch, font, size, pos, col, b, e, wrap,
                                                                      nullptr);
  const ImDrawVert* v = scratch->VtxBuffer.Data;
  for (int i = 0; i + 3 < scratch->VtxBuffer.Size; i += 4) {
    const char* edge = "";
    const float lost = Overhang(v[i].pos, v[i + 2].pos, d.clip, &edge);
    if (lost > d.lost) d.lost = lost, d.edge = edge;
  }
}

}  // namespace

void ClipCheckEnable(bool on) { g_on = on; }
bool ClipCheckEnabled() { return g_on; }

void ClipCheckNewFrame() {
  for (auto& [list, draws] : g_draws) draws.clear();
}

int ClipCheckFrame() {
  if (!g_on) return 0;
  const size_t before = g_findings.size() + g_overlaps.size();
  ++g_frames;
  const ImDrawData* dd = ImGui::GetDrawData();
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  g_glyphs.refresh(atlas);
  const ImVec2 white = atlas->TexUvWhitePixel;
  for (int l = 0; dd && l < dd->CmdListsCount; ++l) {
    const ImDrawList* list = dd->CmdLists[l];
    const ImGuiWindow* owner = OwnerOf(list);
    std::vector<TextDraw>& draws = g_draws[list];  // in the order drawn: sorted by vtx_begin
    auto text_at = [&](int vtx) -> const TextDraw* {
      auto it = std::upper_bound(draws.begin(), draws.end(), vtx,
                                 [](int v, const TextDraw& d) { return v < d.vtx_begin; });
      if (it == draws.begin()) return nullptr;
      --it;
      return vtx < it->vtx_end ? &*it : nullptr;
    };
    auto report = [&](const TextDraw* d, const std::string& fallback, const char* edge, float lost, float at) {
      if (lost <= kTolerance || (d && d->field) || Scrolled(owner, edge, at)) return;
      Add(owner, list, d ? d->text : fallback, edge, lost);
    };
    // 1. The draw data: glyph quads crossing their command's clip rectangle, or trimmed ones.
    const ImDrawIdx* idx = list->IdxBuffer.Data;
    const ImDrawVert* vtx = list->VtxBuffer.Data;
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != atlas->TexID) continue;
      const unsigned end = cmd.IdxOffset + cmd.ElemCount;
      for (unsigned i = cmd.IdxOffset; i + 6 <= end;) {
        const ImDrawIdx a = idx[i];
        const bool quad = idx[i + 1] == a + 1 && idx[i + 2] == a + 2 && idx[i + 3] == a && idx[i + 4] == a + 2 &&
                          idx[i + 5] == a + 3;
        if (!quad) {
          i += 3;  // a triangle of something else
          continue;
        }
        i += 6;
        const int va = int(cmd.VtxOffset + a);
        const ImDrawVert& p0 = vtx[va];
        const ImDrawVert& p2 = vtx[va + 2];
        if (p0.uv.x == white.x && p0.uv.y == white.y) continue;  // a filled rectangle
        const ImFontGlyph* g = nullptr;
        const char* trimmed = nullptr;  // the side ImGui trimmed the glyph on
        float full_w = p2.pos.x - p0.pos.x, full_h = p2.pos.y - p0.pos.y;
        if (auto it = g_glyphs.by_min.find({p0.uv.x, p0.uv.y}); it != g_glyphs.by_min.end()) {
          g = it->second;
          if (p2.uv.x != g->U1 && p2.uv.x != p0.uv.x) full_w *= (g->U1 - g->U0) / (p2.uv.x - p0.uv.x), trimmed = "right";
          if (p2.uv.y != g->V1 && p2.uv.y != p0.uv.y) full_h *= (g->V1 - g->V0) / (p2.uv.y - p0.uv.y), trimmed = "bottom";
        } else if (auto it2 = g_glyphs.by_max.find({p2.uv.x, p2.uv.y}); it2 != g_glyphs.by_max.end()) {
          g = it2->second;
          if (p0.uv.x != g->U0 && p2.uv.x != p0.uv.x) full_w *= (g->U1 - g->U0) / (p2.uv.x - p0.uv.x), trimmed = "left";
          if (p0.uv.y != g->V0 && p2.uv.y != p0.uv.y) full_h *= (g->V1 - g->V0) / (p2.uv.y - p0.uv.y), trimmed = "top";
        }
        if (!g) continue;  // not a glyph (an image drawn from the atlas, or cut on both sides)
        const TextDraw* d = text_at(va);
        char utf8[5] = {};
        const std::string fallback = ImTextCharToUtf8(utf8, g->Codepoint);
        const char* edge = "";
        const float over = Overhang(p0.pos, p2.pos, cmd.ClipRect, &edge);
        if (over > 0) report(d, fallback, edge, over, EdgeOf(cmd.ClipRect, edge));
        if (trimmed) {
          const bool horizontal = std::strcmp(trimmed, "left") == 0 || std::strcmp(trimmed, "right") == 0;
          const float lost = horizontal ? full_w - (p2.pos.x - p0.pos.x) : full_h - (p2.pos.y - p0.pos.y);
          const float at = std::strcmp(trimmed, "left") == 0 ? p0.pos.x
                           : std::strcmp(trimmed, "right") == 0 ? p2.pos.x
                           : std::strcmp(trimmed, "top") == 0   ? p0.pos.y
                                                                : p2.pos.y;
          report(d, fallback, trimmed, lost, at);
        }
      }
    }
    // 2. The recorded text: glyphs ImGui left out because they lay wholly outside.
    for (const TextDraw& d : draws)
      if (d.lost > 0) report(&d, d.text, d.edge, d.lost, EdgeOf(d.clip, d.edge));
    // 3. Text over text in the same window. The same string drawn twice at nearly one place (a
    // shadow under a label) is one label.
    std::vector<ImVec4> boxes;
    for (const TextDraw& d : draws) boxes.push_back(ShownBox(vtx, d));
    for (size_t i = 0; i < draws.size(); ++i) {
      const ImVec4& a = boxes[i];
      if (a.z - a.x <= 2 * kTolerance || a.w - a.y <= 2 * kTolerance) continue;
      for (size_t j = i + 1; j < draws.size(); ++j) {
        const ImVec4& b = boxes[j];
        if (b.x >= a.z || a.x >= b.z || b.y >= a.w || a.y >= b.w) continue;
        if (draws[i].text == draws[j].text && std::fabs(a.x - b.x) <= 2 && std::fabs(a.y - b.y) <= 2) continue;
        const float px = SharedPixels(vtx, draws[i], draws[j]);
        if (px <= 0) continue;
        const std::string window = owner ? owner->Name : (list->_OwnerName ? list->_OwnerName : "?");
        const auto key = std::make_pair(Key{window, draws[i].text}, draws[j].text);
        auto it = g_overlap_index.find(key);
        if (it == g_overlap_index.end()) {
          g_overlap_index.emplace(key, g_overlaps.size());
          g_overlaps.push_back({window, draws[i].text, draws[j].text, px});
        } else {
          g_overlaps[it->second].shared = std::max(g_overlaps[it->second].shared, px);
        }
      }
    }
  }
  return int(g_findings.size() + g_overlaps.size() - before);
}

const std::vector<OverlapFinding>& ClipCheckOverlaps() { return g_overlaps; }

const std::vector<ClipFinding>& ClipCheckFindings() { return g_findings; }

std::string ClipCheckReport() {
  // One entry: its window and string, then what it is (the edge, or the string drawn over) and the
  // pixels it costs, to a tenth.
  auto entry = [](const std::string& window, const std::string& text, const char* what_key, const std::string& what,
                  const char* px_key, float px) {
    json::Value o = json::Value::object();
    o.set("window", window);
    o.set("text", text);
    o.set(what_key, what);
    o.set(px_key, std::round(double(px) * 10) / 10);
    return o;
  };
  json::Value r = json::Value::object();
  r.set("frames_checked", g_frames);
  json::Value list = json::Value::array();
  for (const ClipFinding& f : g_findings) list.push(entry(f.window, f.text, "edge", f.edge, "lost_px", f.lost));
  r.set("clipped", std::move(list));
  json::Value over = json::Value::array();
  for (const OverlapFinding& f : g_overlaps) over.push(entry(f.window, f.text, "over", f.over, "shared_px", f.shared));
  r.set("overlapping", std::move(over));
  return r.dump(2);
}

}  // namespace nnviz::gui

// The linker sends every call of ImDrawList::AddText here (both overloads; --wrap in
// CMakeLists.txt). With the check off they only forward.
using nnviz::gui::g_draws;
extern "C" void __wrap__ZN10ImDrawList7AddTextEPK6ImFontfRK6ImVec2jPKcS7_fPK6ImVec4(
    ImDrawList* self, const ImFont* font, float size, const ImVec2& pos, ImU32 col, const char* b, const char* e,
    float wrap, const ImVec4* fine) {
  const int v0 = self->VtxBuffer.Size;
  __real__ZN10ImDrawList7AddTextEPK6ImFontfRK6ImVec2jPKcS7_fPK6ImVec4(self, font, size, pos, col, b, e, wrap, fine);
  if (!nnviz::gui::g_on || (col & IM_COL32_A_MASK) == 0 || !b) return;
  if (!e) e = b + std::strlen(b);
  if (b == e) return;
  const bool explicit_font = font != nullptr;  // ImGui's own callers pass none, except InputText
  if (!font) font = self->_Data->Font;
  if (size == 0) size = self->_Data->FontSize;
  nnviz::gui::TextDraw d;
  d.vtx_begin = v0;
  d.vtx_end = self->VtxBuffer.Size;
  d.text.assign(b, e);
  d.clip = self->_CmdHeader.ClipRect;
  d.field = explicit_font && fine && (GImGui->LastItemData.InFlags & ImGuiItemFlags_Inputable);
  if (fine) {
    d.clip.x = std::max(d.clip.x, fine->x), d.clip.y = std::max(d.clip.y, fine->y);
    d.clip.z = std::min(d.clip.z, fine->z), d.clip.w = std::min(d.clip.w, fine->w);
  }
  nnviz::gui::Measure(d, font, size, pos, col, b, e, wrap);
  g_draws[self].push_back(std::move(d));
}

extern "C" void __wrap__ZN10ImDrawList7AddTextERK6ImVec2jPKcS4_(ImDrawList* self, const ImVec2& pos, ImU32 col,
                                                                 const char* b, const char* e) {
  __wrap__ZN10ImDrawList7AddTextEPK6ImFontfRK6ImVec2jPKcS7_fPK6ImVec4(self, nullptr, 0, pos, col, b, e, 0, nullptr);
}
