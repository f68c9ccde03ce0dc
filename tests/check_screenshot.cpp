// Checks a screenshot of nnviz against what it must show, using the layout file the app wrote
// beside it (where the plots were drawn).
//
//   check_screenshot IMAGE.png LAYOUT.json --expect-curve | --expect-no-curve
//
// Not blank: the image has many distinct colours and real contrast.
// A curve: pixels of the smoothed training curve's colour inside both plot areas, spread over
// most of their width. Exit status 0 when the expectation holds, 1 otherwise (with the reason).
#include <stb_image.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "fileio.h"
#include "json.h"

namespace {

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;  // RGB
  const unsigned char* at(int x, int y) const { return &px[(size_t(y) * w + x) * 3]; }
};

// Counts pixels near the curve colour (250,160,60) in a rectangle, and the share of the
// rectangle's columns that contain at least one.
void curve_pixels(const Image& im, const nnviz::json::Value& r, double scale, long& count, double& coverage) {
  const int x0 = int(r[0].as_number() * scale), y0 = int(r[1].as_number() * scale);
  const int x1 = int(r[2].as_number() * scale), y1 = int(r[3].as_number() * scale);
  count = 0;
  int cols = 0;
  for (int x = std::max(0, x0); x < std::min(im.w, x1); ++x) {
    bool any = false;
    for (int y = std::max(0, y0); y < std::min(im.h, y1); ++y) {
      const unsigned char* p = im.at(x, y);
      if (std::abs(p[0] - 250) < 40 && std::abs(p[1] - 160) < 40 && std::abs(p[2] - 60) < 50) {
        ++count;
        any = true;
      }
    }
    cols += any;
  }
  coverage = x1 > x0 ? double(cols) / (x1 - x0) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || (std::strcmp(argv[3], "--expect-curve") && std::strcmp(argv[3], "--expect-no-curve"))) {
    std::fprintf(stderr, "usage: check_screenshot IMAGE.png LAYOUT.json --expect-curve|--expect-no-curve\n");
    return 2;
  }
  const bool expect_curve = std::strcmp(argv[3], "--expect-curve") == 0;
  Image im;
  int n = 0;
  unsigned char* data = stbi_load(argv[1], &im.w, &im.h, &n, 3);
  if (!data) {
    std::printf("FAIL: cannot read %s\n", argv[1]);
    return 1;
  }
  im.px.assign(data, data + size_t(im.w) * im.h * 3);
  stbi_image_free(data);
  nnviz::json::Value layout;
  try {
    const auto bytes = nnviz::read_file(argv[2], "layout");
    layout = nnviz::json::parse(std::string(bytes.begin(), bytes.end()));
  } catch (const std::exception& e) {
    std::printf("FAIL: %s\n", e.what());
    return 1;
  }
  const double scale = layout.get_number("scale", 1);

  // Not blank.
  std::set<unsigned> colours;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < im.w * im.h; ++i) {
    const unsigned char* p = &im.px[size_t(i) * 3];
    colours.insert((unsigned(p[0]) << 16) | (unsigned(p[1]) << 8) | p[2]);
    const double l = 0.3 * p[0] + 0.59 * p[1] + 0.11 * p[2];
    sum += l;
    sum2 += l * l;
  }
  const double mean = sum / (im.w * im.h), sd = std::sqrt(std::max(0.0, sum2 / (im.w * im.h) - mean * mean));
  std::printf("image %dx%d: %zu colours, luminance mean %.1f sd %.1f\n", im.w, im.h, colours.size(), mean, sd);
  if (colours.size() < 200 || sd < 10) {
    std::printf("FAIL: the window looks blank\n");
    return 1;
  }

  bool curve = true;
  for (const char* name : {"loss_plot", "accuracy_plot"}) {
    long count;
    double coverage;
    curve_pixels(im, layout.at(name), scale, count, coverage);
    std::printf("%s: %ld curve pixels, in %.0f%% of its columns\n", name, count, coverage * 100);
    curve = curve && count >= 300 && coverage >= 0.6;
  }
  if (curve != expect_curve) {
    std::printf("FAIL: expected %s curve in both plots\n", expect_curve ? "a" : "no");
    return 1;
  }
  std::printf("OK\n");
  return 0;
}
