// Hand-drawn digits for tests: each digit as pen strokes (polylines in a unit box, y down), in
// several variants, rendered onto a canvas in several writers' styles: size, position, slant,
// aspect, stroke width and a shaky hand.
#pragma once

#include <cmath>
#include <vector>

#include "base/rng.h"
#include "data/preprocess.h"

namespace nnviz::test {

struct Pt {
  double x, y;
};
using Stroke = std::vector<Pt>;
using Glyph = std::vector<Stroke>;

inline Stroke arc(double cx, double cy, double rx, double ry, double a0_deg, double a1_deg, int n = 24) {
  Stroke s;
  for (int i = 0; i <= n; ++i) {
    const double a = (a0_deg + (a1_deg - a0_deg) * i / n) * M_PI / 180;
    s.push_back({cx + rx * std::cos(a), cy + ry * std::sin(a)});
  }
  return s;
}

inline Stroke join(Stroke a, const Stroke& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Variants of each digit 0..9 (angles in degrees, 0 = right, 90 = down).
inline std::vector<std::vector<Glyph>> digit_glyphs() {
  std::vector<std::vector<Glyph>> g(10);
  g[0] = {{arc(0.5, 0.5, 0.33, 0.47, -90, 270)}, {arc(0.5, 0.5, 0.27, 0.45, -80, 285)}};
  g[1] = {{{{0.52, 0.02}, {0.48, 0.98}}}, {{{0.28, 0.22}, {0.55, 0.02}, {0.55, 0.98}}}};
  g[2] = {{join(arc(0.5, 0.3, 0.33, 0.27, 190, 360), {{0.8, 0.45}, {0.12, 0.97}, {0.9, 0.97}})},
          {join(arc(0.48, 0.28, 0.3, 0.25, 200, 380), {{0.14, 0.95}, {0.88, 0.93}})}};
  g[3] = {{join(arc(0.47, 0.26, 0.3, 0.24, 200, 450), arc(0.47, 0.73, 0.34, 0.25, -90, 160))},
          {{{0.15, 0.04}, {0.82, 0.04}, {0.42, 0.42}}, join(arc(0.47, 0.7, 0.35, 0.28, -100, 165), {})}};
  g[4] = {{{{0.62, 0.98}, {0.62, 0.02}, {0.08, 0.66}, {0.92, 0.66}}},
          {{{0.22, 0.02}, {0.12, 0.6}, {0.88, 0.6}}, {{0.66, 0.25}, {0.66, 0.98}}}};
  g[5] = {{{{0.82, 0.03}, {0.26, 0.03}, {0.2, 0.44}}, arc(0.48, 0.66, 0.34, 0.3, 215, 500)},
          {{{0.24, 0.03}, {0.2, 0.45}}, {{0.24, 0.03}, {0.8, 0.03}}, arc(0.47, 0.68, 0.35, 0.29, 210, 495)}};
  g[6] = {{join(arc(0.95, 0.55, 0.7, 0.55, 230, 180), arc(0.5, 0.72, 0.26, 0.25, 180, 540))},
          {join({{0.72, 0.02}, {0.3, 0.45}}, arc(0.5, 0.7, 0.28, 0.27, 200, 560))}};
  g[7] = {{{{0.1, 0.03}, {0.9, 0.03}, {0.38, 0.98}}},
          {{{0.1, 0.05}, {0.9, 0.03}, {0.42, 0.98}}, {{0.38, 0.5}, {0.78, 0.5}}}};
  g[8] = {{arc(0.5, 0.27, 0.24, 0.23, 90, 450), arc(0.5, 0.73, 0.3, 0.25, -90, 270)},
          {join(arc(0.5, 0.25, 0.25, 0.22, 120, 420), arc(0.5, 0.74, 0.31, 0.25, -60, 300))}};
  g[9] = {{arc(0.5, 0.3, 0.27, 0.26, 0, 360), {{0.77, 0.3}, {0.72, 0.98}}},
          {join(arc(0.48, 0.28, 0.28, 0.25, -10, 350), {{0.76, 0.3}, {0.5, 0.98}})}};
  return g;
}

struct Style {
  double size, cx, cy;  // glyph height and centre on the canvas, in pixels
  double aspect;        // width / height of the glyph box
  double slant;         // x shift per unit of height (italic > 0)
  double width;         // pen width in pixels
  double jitter;        // a shaky hand: pixels of random offset per point
};

inline std::vector<Style> writer_styles() {
  return {
      {200, 140, 140, 0.7, 0.0, 18, 0},    // neat, centred
      {90, 80, 70, 0.7, 0.1, 9, 0},        // small, in the upper left corner
      {250, 150, 145, 0.75, 0.0, 32, 0},   // big, with a thick marker
      {180, 160, 150, 0.65, 0.3, 14, 0},   // slanted to the right
      {210, 130, 140, 0.45, -0.1, 15, 0},  // narrow, leaning back
      {170, 140, 130, 0.8, 0.15, 20, 3},   // shaky
  };
}

// Draws strokes as round, anti-aliased lines onto a size x size canvas (ink 1 on 0).
inline GrayImage render_glyph(const Glyph& g, const Style& st, int size, Rng& rng) {
  GrayImage img;
  img.w = img.h = size;
  img.v.assign(size_t(size) * size, 0.f);
  auto to_canvas = [&](Pt p) {
    const double w = st.size * st.aspect;
    return Pt{st.cx + (p.x - 0.5) * w + (0.5 - p.y) * st.slant * st.size + rng.uniform(-st.jitter, st.jitter),
              st.cy + (p.y - 0.5) * st.size + rng.uniform(-st.jitter, st.jitter)};
  };
  const double r = st.width / 2;
  for (const Stroke& s : g) {
    std::vector<Pt> pts;
    for (const Pt& p : s) pts.push_back(to_canvas(p));
    for (size_t k = 0; k + 1 < pts.size() || (pts.size() == 1 && k == 0); ++k) {
      const Pt a = pts[k], b = pts.size() == 1 ? pts[0] : pts[k + 1];
      const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
      for (int y = std::max(0, int(std::min(a.y, b.y) - r - 2)); y < std::min(size, int(std::max(a.y, b.y) + r + 2)); ++y)
        for (int x = std::max(0, int(std::min(a.x, b.x) - r - 2)); x < std::min(size, int(std::max(a.x, b.x) + r + 2));
             ++x) {
          const double px = x + 0.5 - a.x, py = y + 0.5 - a.y;
          const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
          const double ex = px - t * dx, ey = py - t * dy;
          const float cover = float(std::clamp(r + 0.5 - std::sqrt(ex * ex + ey * ey), 0.0, 1.0));
          float& v = img.v[size_t(y) * size + x];
          v = std::max(v, cover);
        }
    }
  }
  return img;
}

}  // namespace nnviz::test
