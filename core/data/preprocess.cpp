#include "data/preprocess.h"

#include <algorithm>
#include <cmath>

namespace nnviz {

std::optional<Digit28> to_mnist(const GrayImage& img, float threshold) {
  if (img.w <= 0 || img.h <= 0 || img.v.size() != size_t(img.w) * img.h) return std::nullopt;
  // 1. The ink's bounding box.
  int x0 = img.w, y0 = img.h, x1 = -1, y1 = -1;
  for (int y = 0; y < img.h; ++y)
    for (int x = 0; x < img.w; ++x)
      if (img.at(x, y) > threshold) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
      }
  if (x1 < 0) return std::nullopt;
  const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;

  // 2. Scale: the longer side becomes 20 pixels. 3. Offset: the centre of mass lands on the centre
  // of pixel (14, 14), which is (14.5, 14.5) in continuous coordinates: where MNIST's digits have
  // theirs (measured on the test set: mean 14.50, every one within half a pixel).
  // Area-weighted resampling moves mass linearly, so the centre of mass of the result is the
  // source's, scaled and shifted: it can be placed exactly before resampling.
  const double s = 20.0 / std::max(bw, bh);
  double mass = 0, mx = 0, my = 0;
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const double v = std::clamp(img.at(x, y), 0.f, 1.f);
      mass += v;
      mx += v * (x - x0 + 0.5);
      my += v * (y - y0 + 0.5);
    }
  mx /= mass;
  my /= mass;
  // Whole-pixel offsets, as MNIST itself used: no resampling blur for a digit that is already 20 px,
  // and the centre of mass within half a pixel of the centre.
  const double ox = std::round(14.5 - mx * s), oy = std::round(14.5 - my * s);

  // 4. Splat every source pixel onto the destination pixels its scaled square overlaps, weighted
  // by the overlap area: an exact box filter for shrinking and enlarging alike.
  Digit28 d;
  d.pixels.assign(28 * 28, 0.f);
  d.box_w = bw;
  d.box_h = bh;
  for (int y = y0; y <= y1; ++y) {
    const double dy0 = (y - y0) * s + oy, dy1 = dy0 + s;
    for (int x = x0; x <= x1; ++x) {
      const float v = std::clamp(img.at(x, y), 0.f, 1.f);
      if (v <= 0) continue;
      const double dx0 = (x - x0) * s + ox, dx1 = dx0 + s;
      for (int ty = std::max(0, int(std::floor(dy0))); ty < std::min(28, int(std::ceil(dy1))); ++ty) {
        const double oyl = std::min(dy1, ty + 1.0) - std::max(dy0, double(ty));
        if (oyl <= 0) continue;
        for (int tx = std::max(0, int(std::floor(dx0))); tx < std::min(28, int(std::ceil(dx1))); ++tx) {
          const double oxl = std::min(dx1, tx + 1.0) - std::max(dx0, double(tx));
          if (oxl > 0) d.pixels[ty * 28 + tx] += float(v * oxl * oyl);
        }
      }
    }
  }
  // Enlarging keeps values in [0, 1]; clamp against rounding.
  double m2 = 0, cx = 0, cy = 0;
  for (int i = 0; i < 28 * 28; ++i) {
    d.pixels[i] = std::min(d.pixels[i], 1.f);
    m2 += d.pixels[i];
    cx += d.pixels[i] * (i % 28 + 0.5);
    cy += d.pixels[i] * (i / 28 + 0.5);
  }
  d.com_x = float(cx / m2);
  d.com_y = float(cy / m2);
  return d;
}

Mat to_input(const Digit28& d, const Normalisation& norm) {
  Mat x(28 * 28, 1);
  for (int i = 0; i < 28 * 28; ++i) x(i, 0) = norm.apply(d.pixels[i]);
  return x;
}

GrayImage to_gray_ink(const unsigned char* data, int w, int h, int channels) {
  GrayImage g;
  g.w = w;
  g.h = h;
  g.v.resize(size_t(w) * h);
  const bool alpha = channels == 2 || channels == 4;
  auto lum = [&](size_t i) {
    const unsigned char* p = data + i * channels;
    if (channels <= 2) return p[0] / 255.f;
    return (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.f;
  };
  auto opacity = [&](size_t i) { return alpha ? data[i * channels + channels - 1] / 255.f : 1.f; };
  const size_t n = size_t(w) * h;

  // A real alpha channel: some pixels clearly transparent.
  size_t transparent = 0;
  if (alpha)
    for (size_t i = 0; i < n; ++i) transparent += opacity(i) < 0.5f;
  if (alpha && transparent > n / 20) {
    // Ink = opaque pixels that differ from the page behind; the strokes' own colour decides the
    // page: dark strokes are meant for a light page and the other way round.
    double opaque_lum = 0, opaque_w = 0;
    for (size_t i = 0; i < n; ++i) opaque_lum += opacity(i) * lum(i), opaque_w += opacity(i);
    const bool dark_strokes = opaque_w > 0 && opaque_lum / opaque_w < 0.5;
    for (size_t i = 0; i < n; ++i) g.v[i] = opacity(i) * (dark_strokes ? 1.f - lum(i) : lum(i));
    return g;
  }
  // No transparency: the border's mean luminance is the page's.
  double border = 0;
  size_t count = 0;
  for (int x = 0; x < w; ++x) border += lum(x) + lum(size_t(h - 1) * w + x), count += 2;
  for (int y = 0; y < h; ++y) border += lum(size_t(y) * w) + lum(size_t(y) * w + w - 1), count += 2;
  const bool light_page = border / count > 0.5;
  for (size_t i = 0; i < n; ++i) {
    const float l = lum(i) * opacity(i);
    g.v[i] = light_page ? 1.f - l : l;
  }
  // Paper is rarely pure white: measure the page level and stretch so it becomes 0.
  double page = 0;
  for (int x = 0; x < w; ++x) page += g.v[x] + g.v[size_t(h - 1) * w + x];
  for (int y = 0; y < h; ++y) page += g.v[size_t(y) * w] + g.v[size_t(y) * w + w - 1];
  page /= count;
  if (page > 0.02 && page < 0.8)
    for (auto& v : g.v) v = std::max(0.f, float((v - page) / (1 - page)));
  return g;
}

std::string image_size_problem(int w, int h) {
  const std::string size = std::to_string(w) + "x" + std::to_string(h) + " pixels";
  if (w <= 0 || h <= 0) return "an empty image (" + size + ")";
  if (static_cast<long long>(w) * h > kMaxImagePixels)
    return size + ", more than the " + std::to_string(kMaxImagePixels >> 20) +
           " megapixels nnviz reads; scale it down first";
  return "";
}

}  // namespace nnviz
