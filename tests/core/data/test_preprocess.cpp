// MNIST-style preprocessing of drawings and photos: crop, scale the longer side to 20 px, centre
// the centre of mass, on synthetic inputs of every awkward kind.
#include <doctest/doctest.h>

#include <cmath>

#include "data/preprocess.h"

using namespace nnviz;

namespace {

// A canvas with a filled ellipse-ish "stroke" shape: a ring of the given thickness.
GrayImage ring(int w, int h, double cx, double cy, double rx, double ry, double thickness) {
  GrayImage g;
  g.w = w;
  g.h = h;
  g.v.assign(size_t(w) * h, 0.f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
      const double r = std::sqrt(dx * dx + dy * dy);
      const double dist = std::fabs(r - 1) * std::min(rx, ry);
      g.v[size_t(y) * w + x] = float(std::clamp(thickness / 2 + 0.5 - dist, 0.0, 1.0));
    }
  return g;
}

// The 28x28 result's ink bounding box.
void box(const Digit28& d, int& bw, int& bh) {
  int x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  for (int i = 0; i < 784; ++i)
    if (d.pixels[i] > 0.02f) {
      x0 = std::min(x0, i % 28), x1 = std::max(x1, i % 28);
      y0 = std::min(y0, i / 28), y1 = std::max(y1, i / 28);
    }
  bw = x1 - x0 + 1;
  bh = y1 - y0 + 1;
}

void check_mnist_like(const GrayImage& g, bool wide) {
  const auto d = to_mnist(g);
  REQUIRE(d);
  CHECK(std::fabs(d->com_x - 14.5) <= 0.5);
  CHECK(std::fabs(d->com_y - 14.5) <= 0.5);
  int bw, bh;
  box(*d, bw, bh);
  INFO("box " << bw << "x" << bh);
  CHECK(std::max(bw, bh) <= 21);  // 20 px, plus one for a box straddling pixel edges
  CHECK(std::max(bw, bh) >= 19);
  if (wide) CHECK(bw > bh);
  else CHECK(bh > bw);
  for (float p : d->pixels) CHECK((p >= 0 && p <= 1));
}

}  // namespace

TEST_CASE("preprocess: empty input gives no prediction") {
  GrayImage g;
  g.w = g.h = 50;
  g.v.assign(2500, 0.f);
  CHECK_FALSE(to_mnist(g));
  g.v[1234] = 0.01f;  // below the ink threshold
  CHECK_FALSE(to_mnist(g));
}

TEST_CASE("preprocess: shifted, tiny, huge, thick, thin and non-square inputs") {
  SUBCASE("centred") { check_mnist_like(ring(280, 280, 140, 140, 60, 100, 20), false); }
  SUBCASE("shifted to a corner") { check_mnist_like(ring(280, 280, 60, 70, 30, 50, 12), false); }
  SUBCASE("tiny") { check_mnist_like(ring(280, 280, 200, 100, 4, 7, 2), false); }
  SUBCASE("huge") { check_mnist_like(ring(2000, 2000, 1000, 1000, 500, 900, 150), false); }
  SUBCASE("thick strokes") { check_mnist_like(ring(280, 280, 140, 140, 60, 100, 60), false); }
  SUBCASE("thin strokes") { check_mnist_like(ring(280, 280, 140, 140, 60, 100, 1.5), false); }
  SUBCASE("wide canvas, wide shape") { check_mnist_like(ring(600, 150, 300, 75, 200, 50, 10), true); }
  SUBCASE("tall canvas") { check_mnist_like(ring(120, 500, 60, 250, 40, 200, 8), false); }
}

TEST_CASE("preprocess: a shifted drawing gives the same digit") {
  const auto a = to_mnist(ring(280, 280, 100, 120, 40, 70, 10));
  const auto b = to_mnist(ring(280, 280, 160, 150, 40, 70, 10));  // whole pixels: the same pixels
  REQUIRE(a);
  REQUIRE(b);
  for (int i = 0; i < 784; ++i) CHECK(a->pixels[i] == doctest::Approx(b->pixels[i]).epsilon(1e-4));
}

TEST_CASE("preprocess: photos, dark on light or light on dark, with or without alpha") {
  const GrayImage ink = ring(64, 64, 32, 32, 12, 20, 5);
  std::vector<unsigned char> dark_on_light(64 * 64), light_on_dark(64 * 64), rgba(64 * 64 * 4), rgb(64 * 64 * 3);
  for (int i = 0; i < 64 * 64; ++i) {
    const unsigned char v = static_cast<unsigned char>(std::lround(ink.v[i] * 255));
    dark_on_light[i] = static_cast<unsigned char>(235 - v * 235 / 255);  // off-white paper
    light_on_dark[i] = v;
    rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = dark_on_light[i];
    // Black strokes on a transparent background.
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = 0;
    rgba[i * 4 + 3] = v;
  }
  const auto ref = to_mnist(to_gray_ink(light_on_dark.data(), 64, 64, 1));
  REQUIRE(ref);
  for (auto* img : {&dark_on_light, &rgb, &rgba}) {
    const int ch = img == &dark_on_light ? 1 : img == &rgb ? 3 : 4;
    const auto d = to_mnist(to_gray_ink(img->data(), 64, 64, ch));
    REQUIRE(d);
    double diff = 0;
    for (int i = 0; i < 784; ++i) diff += std::fabs(d->pixels[i] - ref->pixels[i]);
    INFO("channels " << ch << ": total difference " << diff);
    CHECK(diff / 784 < 0.02);
  }
}

TEST_CASE("preprocess: the input is normalised like the training data") {
  const auto d = to_mnist(ring(100, 100, 50, 50, 20, 30, 6));
  REQUIRE(d);
  Normalisation n;
  n.mean = 0.1307f;
  n.std = 0.3081f;
  const Mat x = to_input(*d, n);
  CHECK(x.rows() == 784);
  CHECK(x(0, 0) == doctest::Approx((0 - 0.1307) / 0.3081));
}
