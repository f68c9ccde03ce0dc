#include "data/augment.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nnviz {

json::Value Augment::to_json() const {
  json::Value v = json::Value::object();
  v.set("enabled", enabled);
  v.set("shift", double(shift));
  v.set("rotate", double(rotate));
  v.set("scale", double(scale));
  v.set("thickness", double(thickness));
  return v;
}

Augment Augment::from_json(const json::Value& v) {
  Augment a;
  a.enabled = v.get_bool("enabled", false);
  a.shift = v.get_float("shift", a.shift);
  a.rotate = v.get_float("rotate", a.rotate);
  a.scale = v.get_float("scale", a.scale);
  a.thickness = v.get_float("thickness", a.thickness);
  return a;
}

void augment_image(const Scalar* in, Scalar* out, int h, int w, Scalar background, const Augment& a, Rng& rng) {
  // out(p) = in(A^-1 (p - c - t) + c): rotate by theta and scale by s about the centre c, then
  // shift by t. Sampled bilinearly at pixel centres.
  const double theta = rng.uniform(-a.rotate, a.rotate) * M_PI / 180.0;
  const double s = rng.uniform(1.0 - a.scale, 1.0 + a.scale);
  const double tx = rng.uniform(-a.shift, a.shift), ty = rng.uniform(-a.shift, a.shift);
  const double u = rng.uniform();
  const int stroke = u < a.thickness ? 1 : u < 2 * a.thickness ? -1 : 0;  // thicker, thinner, as is

  const double cx = w / 2.0, cy = h / 2.0;
  const double ct = std::cos(theta) / s, st = std::sin(theta) / s;  // the inverse: R(-theta) / s
  auto sample = [&](double x, double y) -> Scalar {
    const double fx = x - 0.5, fy = y - 0.5;  // to pixel-index coordinates
    const int x0 = int(std::floor(fx)), y0 = int(std::floor(fy));
    const double ax = fx - x0, ay = fy - y0;
    auto px = [&](int xi, int yi) -> double {
      return (xi < 0 || yi < 0 || xi >= w || yi >= h) ? double(background) : double(in[yi * w + xi]);
    };
    return Scalar((1 - ay) * ((1 - ax) * px(x0, y0) + ax * px(x0 + 1, y0)) +
                  ay * ((1 - ax) * px(x0, y0 + 1) + ax * px(x0 + 1, y0 + 1)));
  };
  std::vector<Scalar> tmp(size_t(h) * w);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double dx = x + 0.5 - cx - tx, dy = y + 0.5 - cy - ty;
      tmp[size_t(y) * w + x] = sample(ct * dx + st * dy + cx, -st * dx + ct * dy + cy);
    }
  if (stroke == 0) {
    std::copy(tmp.begin(), tmp.end(), out);
    return;
  }
  // Thicker: the brightest of each pixel and its four neighbours, blended half way so strokes
  // grow by about a pixel; thinner: the darkest, likewise. Ink is bright in any normalisation.
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      Scalar v = tmp[size_t(y) * w + x], m = v;
      const int nx[4] = {x - 1, x + 1, x, x}, ny[4] = {y, y, y - 1, y + 1};
      for (int k = 0; k < 4; ++k) {
        const Scalar n = (nx[k] < 0 || ny[k] < 0 || nx[k] >= w || ny[k] >= h) ? background : tmp[size_t(ny[k]) * w + nx[k]];
        m = stroke > 0 ? std::max(m, n) : std::min(m, n);
      }
      out[size_t(y) * w + x] = Scalar(0.5) * (v + m);
    }
}

}  // namespace nnviz
