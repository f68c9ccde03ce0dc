#include "widgets/plot.h"

#include "render/backdrop.h"
#include "widgets/lines.h"
#include "widgets/plot_ticks.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

namespace nnviz::gui {

namespace {

struct Bounds {
  double x0 = DBL_MAX, x1 = -DBL_MAX, y0 = DBL_MAX, y1 = -DBL_MAX;
  bool empty() const { return x0 > x1; }
};

bool visible(const PlotSeries& s) { return s.count > 0 && (!s.visible || *s.visible); }

struct Range {
  float lo = FLT_MAX, hi = -FLT_MAX, lo_pos = FLT_MAX;
  void add(float y) {
    if (!std::isfinite(y)) return;
    lo = std::min(lo, y);
    hi = std::max(hi, y);
    if (y > 0) lo_pos = std::min(lo_pos, y);
  }
  void add(const Range& r) {
    lo = std::min(lo, r.lo);
    hi = std::max(hi, r.hi);
    lo_pos = std::min(lo_pos, r.lo_pos);
  }
  bool empty() const { return lo > hi; }
};

// One pixel column of a decimated series, in screen coordinates.
struct Column {
  float x, top, bottom, last;
};

// A filled band through the columns' ranges, at least `thickness` tall around each: rasterised
// here into a coverage image (a byte a pixel, the ends of each column partly covered) and drawn
// as one quad. As triangles, two a column, each a pixel wide and as tall as the noise, it cost a
// software rasteriser more than the rest of the plot together.
void AddBand(ImDrawList* dl, ImGuiID id, const PlotRect& area, const std::vector<Column>& cols, float thickness,
             ImU32 colour) {
  if (cols.size() < 2) return;
  const float x0 = std::floor(area.min.x), y0 = std::floor(area.min.y);
  const int w = int(std::ceil(area.max.x) - x0), h = int(std::ceil(area.max.y) - y0);
  if (w <= 0 || h <= 0) return;
  auto span = [&](const Column& c) {
    const float grow = std::max(0.f, thickness - (c.bottom - c.top)) * 0.5f;
    return std::pair<float, float>{std::clamp(c.top - grow - y0, 0.f, float(h)),
                                   std::clamp(c.bottom + grow - y0, 0.f, float(h))};
  };
  float top = float(h), bottom = 0;
  for (const Column& c : cols) {
    const auto [t, b] = span(c);
    top = std::min(top, t);
    bottom = std::max(bottom, b);
  }
  const int r0 = int(std::floor(top)), r1 = int(std::ceil(bottom));
  if (r1 <= r0) return;
  static std::vector<unsigned char> img;
  img.assign(size_t(w) * size_t(r1 - r0), 0);
  for (size_t k = 0; k < cols.size(); ++k) {
    // Column k fills its pixel column and any left empty before the next column's.
    const int p0 = std::clamp(int(std::floor(cols[k].x - x0)), 0, w - 1);
    const int p1 = k + 1 < cols.size() ? std::clamp(int(std::floor(cols[k + 1].x - x0)), p0 + 1, w) : p0 + 1;
    const auto [t, b] = span(cols[k]);
    for (int r = int(std::floor(t)); r < int(std::ceil(b)); ++r) {
      const float cover = std::min(b, float(r + 1)) - std::max(t, float(r));
      const auto v = static_cast<unsigned char>(std::lround(std::clamp(cover, 0.f, 1.f) * 255));
      for (int x = p0; x < p1; ++x) {
        unsigned char& px = img[size_t(r - r0) * size_t(w) + size_t(x)];
        px = std::max(px, v);
      }
    }
  }
  AddCoverage(dl, id, {x0, y0}, w, r0, r1, img.data(), colour);
}

// Drops the points of a polyline that lie within `tol` pixels of the segment joining the points
// kept around them, so that straight stretches cost one segment. Runs are at most 64 points long,
// which bounds the work (each dropped point is checked against every later candidate segment).
void SimplifyLine(std::vector<ImVec2>& p, float tol) {
  if (p.size() < 3) return;
  static std::vector<ImVec2> out;
  out.clear();
  out.push_back(p[0]);
  size_t anchor = 0;
  for (size_t i = 1; i + 1 < p.size(); ++i) {
    // Can the segment p[anchor] -> p[i + 1] stand in for every point between them?
    const ImVec2 a = p[anchor], b = p[i + 1];
    const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
    bool fits = i - anchor < 64 && len > 0;
    for (size_t j = anchor + 1; fits && j <= i; ++j)
      fits = std::fabs((p[j].x - a.x) * dy - (p[j].y - a.y) * dx) <= tol * len;
    if (!fits) {
      out.push_back(p[i]);
      anchor = i;
    }
  }
  out.push_back(p.back());
  p.swap(out);
}

// min/max of y[i0, i1), from the index's whole blocks where it has them.
Range RangeOf(const PlotSeries& s, int i0, int i1) {
  Range r;
  constexpr int B = SeriesIndex::kBlock;
  const int covered = s.index ? std::min(s.index->blocks() * B, s.count) : 0;
  int i = i0;
  if (s.index && i1 - i0 >= 2 * B) {
    for (; i < i1 && i % B != 0; ++i) r.add(s.y[i]);
    for (; i + B <= std::min(i1, covered); i += B) {
      const int b = i / B;
      r.add(Range{s.index->lo[size_t(b)], s.index->hi[size_t(b)], s.index->lo_pos[size_t(b)]});
    }
  }
  for (; i < i1; ++i) r.add(s.y[i]);
  return r;
}

}  // namespace

void SeriesIndex::update(const float* y, int count) {
  if (blocks() * kBlock > count) clear();  // the series was replaced by a shorter one
  for (int b = blocks(); (b + 1) * kBlock <= count; ++b) {
    Range r;
    for (int i = b * kBlock; i < (b + 1) * kBlock; ++i) r.add(y[i]);
    lo.push_back(r.lo);
    hi.push_back(r.hi);
    lo_pos.push_back(r.lo_pos);
  }
}

PlotRect DrawPlot(const char* id, PlotState& st, ImVec2 size, const std::vector<PlotSeries>& series,
                  const std::vector<PlotMarker>& markers, const PlotAxes& axes) {
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = avail.x + size.x;
  if (size.y <= 0) size.y = avail.y + size.y;
  // Never shorter than its margins and a few ticks need: in a small tile the view scrolls instead
  // of drawing the plot over the controls above it.
  size = {std::max(size.x, 50.f), std::max(size.y, ImGui::GetFontSize() * 7)};
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plot", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();

  PlotRect area{{p0.x + fs * 3.6f, p0.y + fs * 0.5f}, {p0.x + size.x - fs * 0.6f, p0.y + size.y - fs * 2.4f}};
  float w = std::max(1.f, area.max.x - area.min.x);
  const float h = std::max(1.f, area.max.y - area.min.y);
  auto ty = [&](double y) { return st.log_y ? std::log10(std::max(y, 1e-30)) : y; };

  // Data extent (transformed y), over the visible series.
  Bounds b;
  for (const auto& s : series) {
    if (!visible(s)) continue;
    b.x0 = std::min(b.x0, double(s.x[0]));
    b.x1 = std::max(b.x1, double(s.x[s.count - 1]));
  }
  const float fit_from = b.empty() ? -FLT_MAX : float(b.x0 + axes.y_fit_skip * (b.x1 - b.x0));
  for (const auto& s : series) {
    if (!visible(s)) continue;
    const int first = axes.y_fit_skip > 0 ? int(std::lower_bound(s.x, s.x + s.count, fit_from) - s.x) : 0;
    const Range r = RangeOf(s, std::min(first, s.count - 1), s.count);
    if (r.empty() || (st.log_y && r.lo_pos == FLT_MAX)) continue;
    b.y0 = std::min(b.y0, ty(st.log_y ? r.lo_pos : r.lo));
    b.y1 = std::max(b.y1, ty(r.hi));
  }
  if (b.empty()) b = Bounds{0, 1, 0, 1};
  if (b.y0 > b.y1) b.y0 = 0, b.y1 = 1;
  if (axes.y_from_zero && !st.log_y) b.y0 = std::min(b.y0, 0.0);
  if (b.x1 - b.x0 < 1e-9) b.x1 = b.x0 + 1;
  if (b.y1 - b.y0 < 1e-9) b.y0 -= 0.5, b.y1 += 0.5;
  const double pad = (b.y1 - b.y0) * 0.05;
  double fit_y0 = b.y0 - (axes.y_from_zero && b.y0 == 0 ? 0 : pad), fit_y1 = b.y1 + pad;
  if (axes.y_fixed_max > 0 && !st.log_y) {
    // A share (accuracy, dead units) lies in [0, max]: one point alone fitted -50% to +50%.
    fit_y1 = std::min(fit_y1, double(axes.y_fixed_max) + pad * 0.2);
    fit_y0 = std::max(fit_y0, -pad * 0.2);
    if (fit_y1 - fit_y0 < 1e-9) fit_y0 = 0, fit_y1 = axes.y_fixed_max;
  }

  if (!st.user_view) {
    st.x0 = b.x0;
    st.x1 = b.x1;
    st.y0 = fit_y0;
    st.y1 = fit_y1;
  } else if (st.follow && st.x1 < b.x1) {  // keep the zoomed width, slide to the latest data
    const double width = st.x1 - st.x0;
    st.x1 = b.x1;
    st.x0 = b.x1 - width;
  }

  // The y labels' margin: wide enough for the widest tick label of this view.
  {
    float widest = 0;
    for (const auto& t : YTicks(st, axes, h, fs)) widest = std::max(widest, ImGui::CalcTextSize(t.second.c_str()).x);
    area.min.x = std::min(area.max.x - fs, std::max(area.min.x, p0.x + widest + fs * 0.6f));
    w = std::max(1.f, area.max.x - area.min.x);
  }

  // --- interaction
  const ImGuiIO& io = ImGui::GetIO();
  // Whether the pointer is in the rectangle from lo to hi (edges included).
  auto pointer_in = [&io](ImVec2 lo, ImVec2 hi) {
    return io.MousePos.x >= lo.x && io.MousePos.x <= hi.x && io.MousePos.y >= lo.y && io.MousePos.y <= hi.y;
  };
  const bool in_area = hovered && pointer_in(area.min, area.max);
  // Legend layout first: clicks on it toggle series instead of panning.
  struct LegendItem { ImVec2 a, b; bool* vis; };
  std::vector<LegendItem> legend;
  {
    float lw = 0;
    for (const auto& s : series) lw = std::max(lw, ImGui::CalcTextSize(s.label.c_str()).x);
    const float lh = fs * 1.25f * series.size();
    ImVec2 pos{area.max.x - lw - fs * 1.8f, axes.legend_bottom ? area.max.y - lh - fs * 0.3f : area.min.y + fs * 0.3f};
    // In a narrow plot a legend at the top would cover the y label: it moves below the label.
    const float label_end = area.min.x + fs * 0.9f + (axes.y_label && *axes.y_label ? ImGui::CalcTextSize(axes.y_label).x : 0.f);
    if (!axes.legend_bottom && axes.y_label && pos.x < label_end) pos.y += fs * 1.3f;
    // A short plot: the legend stays within the plot's region (over the x axis' labels at worst).
    pos.y = std::max(p0.y, std::min(pos.y, p0.y + size.y - lh));
    for (const auto& s : series) {
      legend.push_back({pos, {pos.x + lw + fs * 1.5f, pos.y + fs * 1.2f}, s.visible});
      pos.y += fs * 1.25f;
    }
  }
  // A legend that would cover much of a small plot folds into a chip of colour squares; the
  // pointer on the chip unfolds it (it stays open while the pointer is on it).
  ImVec2 chip_a, chip_b;
  bool folded = false;
  if (!legend.empty()) {
    const ImVec2 la = legend.front().a, lb = legend.back().b;
    const float share = (lb.x - la.x) * (lb.y - la.y) / std::max(1.f, w * h);
    if (share > 0.2f) {
      const float cw = float(series.size()) * fs * 0.8f + fs * 0.4f;
      chip_a = {area.max.x - cw - fs * 0.3f, axes.legend_bottom ? area.max.y - fs * 1.3f : area.min.y + fs * 0.3f};
      chip_b = {chip_a.x + cw, chip_a.y + fs * 1.0f};
      const ImVec2 ua{std::min(la.x, chip_a.x), std::min(la.y, chip_a.y)}, ub{std::max(lb.x, chip_b.x), std::max(lb.y, chip_b.y)};
      st.legend_open = pointer_in(chip_a, chip_b) || (st.legend_open && pointer_in(ua, ub));
      folded = !st.legend_open;
      if (folded) legend.clear();
    }
  }
  bool on_legend = folded && pointer_in(chip_a, chip_b);
  for (auto& it : legend)
    if (pointer_in(it.a, it.b)) {
      on_legend = true;
      if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && it.vis) *it.vis = !*it.vis;
    }

  if (in_area && io.MouseWheel != 0) {
    const double f = std::pow(0.85, io.MouseWheel);
    if (io.KeyShift) {
      const double my = st.y0 + (area.max.y - io.MousePos.y) / h * (st.y1 - st.y0);
      st.y0 = my + (st.y0 - my) * f;
      st.y1 = my + (st.y1 - my) * f;
    } else {
      const double mx = st.x0 + (io.MousePos.x - area.min.x) / w * (st.x1 - st.x0);
      st.x0 = mx + (st.x0 - mx) * f;
      st.x1 = mx + (st.x1 - mx) * f;
      st.follow = st.x1 >= b.x1;  // zoomed around the latest data: keep following
    }
    st.user_view = true;
  }
  if (active && !on_legend && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    const double dx = io.MouseDelta.x / w * (st.x1 - st.x0);
    const double dy = io.MouseDelta.y / h * (st.y1 - st.y0);
    st.x0 -= dx;
    st.x1 -= dx;
    st.y0 += dy;
    st.y1 += dy;
    st.user_view = true;
    st.follow = st.x1 >= b.x1;
  }
  if (in_area && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    st.user_view = false;
    st.follow = true;
  }
  if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Right)) ImGui::OpenPopup("plot menu");
  if (ImGui::BeginPopup("plot menu")) {
    if (ImGui::MenuItem("Reset view", "double-click")) {
      st.user_view = false;
      st.follow = true;
    }
    ImGui::MenuItem("Follow latest", nullptr, &st.follow);
    if (ImGui::MenuItem("Log scale (y)", nullptr, &st.log_y)) st.user_view = false;
    ImGui::EndPopup();
  }

  auto X = [&](double x) { return float(area.min.x + (x - st.x0) / (st.x1 - st.x0) * w); };
  auto Y = [&](double y) { return float(area.max.y - (ty(y) - st.y0) / (st.y1 - st.y0) * h); };

  // --- frame, grid, ticks
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border, 0.5f);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  BackdropFill(area.min, area.max, ImGui::GetColorU32(ImGuiCol_FrameBg));
  char buf[64];
  float labels_end = -FLT_MAX;  // where the last x label drawn ends
  for (double t : NiceTicks(st.x0, st.x1, std::max(2, int(w / (fs * 6))))) {
    const float x = X(t);
    const float gx = std::floor(x);  // a one-pixel rectangle: crisp, and two triangles
    dl->AddRectFilled({gx, area.min.y}, {gx + 1, area.max.y}, grid);
    FormatValue(buf, sizeof buf, t);
    const float tw = ImGui::CalcTextSize(buf).x;
    // The last label may not run past the plot frame (it would be cut at the window edge); a
    // label that would then touch the one before it is left out (its grid line stays).
    const float lx = std::min(x - tw / 2, area.max.x + fs * 0.3f - tw);
    if (lx < labels_end + fs * 0.4f) continue;
    dl->AddText({lx, area.max.y + fs * 0.2f}, dim, buf);
    labels_end = lx + tw;
  }
  for (const auto& [t, label] : YTicks(st, axes, h, fs)) {
    const float y = float(area.max.y - (t - st.y0) / (st.y1 - st.y0) * h);
    const float gy = std::floor(y);
    dl->AddRectFilled({area.min.x, gy}, {area.max.x, gy + 1}, grid);
    const float tw = ImGui::CalcTextSize(label.c_str()).x;
    // Never left of the plot's own region (while a drag changes the range, the margin follows a
    // frame later).
    dl->AddText({std::max(p0.x, area.min.x - tw - fs * 0.3f), y - fs / 2}, dim, label.c_str());
  }
  ImVec4 y_label_rect{0, 0, 0, 0};  // where the y label went: the markers' labels keep off it
  {
    const float tw = ImGui::CalcTextSize(axes.x_label).x;
    dl->AddText({(area.min.x + area.max.x - tw) / 2, area.max.y + fs * 1.2f}, text, axes.x_label);
    // The y label, shortened with an ellipsis in a plot too narrow for it (whole in a tooltip).
    std::string y_label = axes.y_label ? axes.y_label : "";
    const float room = area.max.x - area.min.x - fs * 0.6f;
    if (ImGui::CalcTextSize(y_label.c_str()).x > room) {
      const ImVec2 l0{area.min.x + fs * 0.4f, area.min.y + fs * 0.2f};
      if (hovered && pointer_in(l0, {l0.x + room, l0.y + fs})) ImGui::SetTooltip("%s", y_label.c_str());
      while (!y_label.empty() && ImGui::CalcTextSize((y_label + "...").c_str()).x > room) y_label.pop_back();
      y_label = y_label.empty() ? "" : y_label + "...";
    }
    dl->AddText({area.min.x + fs * 0.4f, area.min.y + fs * 0.2f}, text, y_label.c_str());
    y_label_rect = {area.min.x + fs * 0.4f, area.min.y + fs * 0.2f, area.min.x + fs * 0.4f + ImGui::CalcTextSize(y_label.c_str()).x,
                    area.min.y + fs * 1.2f};
  }

  // --- series, clipped to the plotting area, decimated to a min/max envelope per pixel column
  dl->PushClipRect(area.min, area.max, true);
  static std::vector<ImVec2> pts;
  static std::vector<Column> cols;
  for (const auto& s : series) {
    if (!visible(s)) continue;
    const float* xs = s.x;
    int lo = int(std::lower_bound(xs, xs + s.count, float(st.x0)) - xs) - 1;
    int hi = int(std::upper_bound(xs, xs + s.count, float(st.x1)) - xs) + 1;
    lo = std::max(lo, 0);
    hi = std::min(hi, s.count);
    if (hi <= lo) continue;
    pts.clear();
    const int columns = int(w);
    if (hi - lo > 2 * columns) {
      // Many points a pixel column: each column's min-max range and its last value. A noisy
      // series (many columns taller than the line) is drawn as one filled band through the
      // ranges, two triangles a column; a smooth one as a line through the last values (fewer
      // points where it runs straight) with a bar where a column's range stands out. Software
      // rasterisers pay per triangle, and a thick anti-aliased line costs six a segment.
      cols.clear();
      int i = lo, tall = 0;
      for (int c = 0; c <= columns && i < hi; ++c) {
        const double col_end = st.x0 + (c + 1) / double(columns) * (st.x1 - st.x0);
        const int first = i;
        // Every point up to the column's right edge (at least one), found by bisection.
        i = std::max(first + 1, int(std::upper_bound(xs + first, xs + hi, float(col_end)) - xs));
        const Range r = RangeOf(s, first, i);
        if (r.empty()) continue;
        const float mn = st.log_y && r.lo <= 0 ? r.lo_pos : r.lo, mx = r.hi;
        if (mn > mx) continue;
        float last = s.y[i - 1];
        if (!std::isfinite(last) || (st.log_y && last <= 0)) last = mx;
        const Column col{X(xs[i - 1]), Y(mx), Y(mn), Y(last)};
        tall += col.bottom - col.top > 2 * s.thickness;
        cols.push_back(col);
      }
      if (tall * 4 > int(cols.size())) {
        AddBand(dl, ImGui::GetID(s.label.c_str()), area, cols, s.thickness, s.color);
      } else {
        for (const Column& col : cols) {
          pts.push_back({col.x, col.last});
          if (col.bottom - col.top > s.thickness)
            dl->AddRectFilled({col.x - s.thickness * 0.5f, col.top}, {col.x + s.thickness * 0.5f, col.bottom}, s.color);
        }
        SimplifyLine(pts, 0.5f);
      }
    } else {
      for (int i = lo; i < hi; ++i)
        if (std::isfinite(s.y[i]) && !(st.log_y && s.y[i] <= 0)) pts.push_back({X(xs[i]), Y(s.y[i])});
    }
    AddSmoothPolyline(dl, pts.data(), int(pts.size()), s.color, s.thickness);
    if (s.markers && hi - lo < 400)
      for (int i = lo; i < hi; ++i)
        if (std::isfinite(s.y[i])) AddDisc(dl, {X(xs[i]), Y(s.y[i])}, s.thickness + 1.5f, s.color);
  }
  // Hyperparameter-change markers: a dashed line, and its label on a dark plate beside it, placed
  // where it covers neither the legend nor another marker's label (lower down when it would).
  const ImU32 mcol = IM_COL32(240, 205, 90, 230);
  std::vector<ImVec4> taken;  // placed label rectangles, and the legend's entries
  for (const auto& it : legend) taken.push_back({it.a.x, it.a.y, it.b.x, it.b.y});
  taken.push_back(y_label_rect);
  if (folded) taken.push_back({chip_a.x, chip_a.y, chip_b.x, chip_b.y});
  auto overlaps = [&](const ImVec4& r) {
    for (const ImVec4& t : taken)
      if (r.x < t.z && t.x < r.z && r.y < t.w && t.y < r.w) return true;
    return false;
  };
  auto plate = [&](float x, const char* label, ImU32 col, bool solid) {
    if (solid) dl->AddRectFilled({std::floor(x), area.min.y}, {std::floor(x) + 1.5f, area.max.y}, col);
    else
      for (float y = area.min.y; y < area.max.y; y += 8) dl->AddLine({x, y}, {x, std::min(y + 4, area.max.y)}, col);
    // A label wider than the plot is shortened with an ellipsis (a narrow plot, a large zoom).
    std::string shown = label;
    const float room = area.max.x - area.min.x - 6;
    if (ImGui::CalcTextSize(label).x > room) {
      while (!shown.empty() && ImGui::CalcTextSize((shown + "...").c_str()).x > room) shown.pop_back();
      shown = shown.empty() ? "" : shown + "...";
      label = shown.c_str();
    }
    const ImVec2 ts = ImGui::CalcTextSize(label);
    // Right of the line, or left of it near the plot's right edge.
    // (never left of the plot: a label wider than the room on either side starts at its left edge).
    const float lx = x + 4 + ts.x + 6 <= area.max.x ? x + 4 : std::max(area.min.x, x - 4 - ts.x - 6);
    ImVec4 r{lx, area.min.y + 2, lx + ts.x + 6, area.min.y + 2 + ts.y + 2};
    for (int k = 0; k < 12 && overlaps(r) && r.w + ts.y + 4 < area.max.y; ++k) r.y += ts.y + 4, r.w += ts.y + 4;
    taken.push_back(r);
    dl->AddRectFilled({r.x, r.y}, {r.z, r.w}, ImGui::GetColorU32(ImGuiCol_WindowBg, 0.85f), 3.f);
    dl->AddText({r.x + 3, r.y + 1}, col, label);
  };
  for (const auto& m : markers) {
    const float x = X(m.x);
    if (x >= area.min.x && x <= area.max.x) plate(x, m.label.c_str(), mcol, false);
  }
  if (std::isfinite(axes.cursor_x)) {
    const float x = X(axes.cursor_x);
    if (x >= area.min.x && x <= area.max.x) plate(x, axes.cursor_label.c_str(), ImGui::GetColorU32(ImGuiCol_Text), true);
  }
  dl->PopClipRect();

  // --- legend
  if (folded) {
    dl->AddRectFilled(chip_a, chip_b, ImGui::GetColorU32(ImGuiCol_WindowBg, 0.8f), 3.f);
    for (size_t i = 0; i < series.size(); ++i) {
      const bool on = !series[i].visible || *series[i].visible;
      const float x = chip_a.x + fs * 0.2f + float(i) * fs * 0.8f;
      dl->AddRectFilled({x + fs * 0.1f, chip_a.y + fs * 0.25f}, {x + fs * 0.7f, chip_b.y - fs * 0.25f}, on ? series[i].color : dim);
    }
  }
  for (size_t i = 0; i < legend.size(); ++i) {
    const auto& s = series[i];
    const LegendItem& it = legend[i];
    const bool on = !s.visible || *s.visible;
    dl->AddRectFilled(it.a, {it.b.x, it.b.y}, ImGui::GetColorU32(ImGuiCol_WindowBg, 0.75f));
    dl->AddRectFilled({it.a.x + fs * 0.2f, it.a.y + fs * 0.35f}, {it.a.x + fs * 1.0f, it.a.y + fs * 0.85f},
                      on ? s.color : dim);
    dl->AddText({it.a.x + fs * 1.3f, it.a.y}, on ? text : dim, s.label.c_str());
  }

  // --- hover readout: the nearest point of every visible series at the mouse's x
  if (in_area && !on_legend && !active) {
    const double mx = st.x0 + (io.MousePos.x - area.min.x) / w * (st.x1 - st.x0);
    dl->AddLine({io.MousePos.x, area.min.y}, {io.MousePos.x, area.max.y}, ImGui::GetColorU32(ImGuiCol_Text, 0.3f));
    ImGui::BeginTooltip();
    FormatValue(buf, sizeof buf, mx);
    ImGui::TextDisabled("%s %s", axes.x_label, buf);
    for (const auto& s : series) {
      if (!visible(s)) continue;
      int i = int(std::lower_bound(s.x, s.x + s.count, float(mx)) - s.x);
      if (i >= s.count) i = s.count - 1;
      if (i > 0 && std::fabs(s.x[i - 1] - mx) < std::fabs(s.x[i] - mx)) --i;
      char xb[32], yb[32];
      FormatValue(xb, sizeof xb, s.x[i]);
      FormatValue(yb, sizeof yb, double(s.y[i]) * axes.y_scale, axes.y_unit);
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s: %s  (at %s)", s.label.c_str(), yb, xb);
    }
    ImGui::EndTooltip();
  }
  ImGui::PopID();
  return area;
}

}  // namespace nnviz::gui
