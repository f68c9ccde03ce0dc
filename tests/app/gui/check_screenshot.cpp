// Checks a screenshot of nnviz against what it must show, using the layout file the app wrote
// beside it (where the plots were drawn).
//
//   check_screenshot IMAGE.png LAYOUT.json [checks...]
//     --expect-curve / --expect-no-curve   the smoothed training curve's colour inside both plot
//                                          areas, spread over most of their width (or not)
//     --expect-colour REGION R G B MIN     at least MIN pixels near colour (R,G,B) in REGION
//     --expect-key KEY VALUE              the app reported KEY = VALUE in the layout file
//     --differ IMAGE2 LAYOUT2 REGION       REGION looks clearly different in the other screenshot
//                                          (mean absolute difference of at least 8 levels)
//     --same IMAGE2 LAYOUT2 REGION         REGION has the same size and looks the same in the other
//                                          screenshot (mean absolute difference under 1 level)
// Always: the image is not blank (many distinct colours, real contrast).
// Exit status 0 when every check holds, 1 otherwise (with the reason).
#include <stb_image.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "base/fileio.h"
#include "base/json.h"

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

Image load_image(const char* path) {
  Image im;
  int n = 0;
  unsigned char* data = stbi_load(path, &im.w, &im.h, &n, 3);
  if (!data) return im;
  im.px.assign(data, data + size_t(im.w) * im.h * 3);
  stbi_image_free(data);
  return im;
}

nnviz::json::Value load_layout(const char* path) {
  const auto bytes = nnviz::read_file(path, "layout");
  return nnviz::json::parse(std::string(bytes.begin(), bytes.end()));
}

struct Box {
  int x0, y0, x1, y1;
};
Box box_of(const Image& im, const nnviz::json::Value& layout, const std::string& region) {
  const double s = layout.get_number("scale", 1);
  const auto& r = layout.at(region);
  Box b{int(r[0].as_number() * s), int(r[1].as_number() * s), int(r[2].as_number() * s), int(r[3].as_number() * s)};
  b.x0 = std::max(0, b.x0), b.y0 = std::max(0, b.y0), b.x1 = std::min(im.w, b.x1), b.y1 = std::min(im.h, b.y1);
  return b;
}

bool near_colour(const unsigned char* p, int r, int g, int b) {
  return std::abs(p[0] - r) < 30 && std::abs(p[1] - g) < 30 && std::abs(p[2] - b) < 30;
}

int run(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: check_screenshot IMAGE.png LAYOUT.json [checks...]\n");
    return 2;
  }
  const Image im = load_image(argv[1]);
  if (im.px.empty()) {
    std::printf("FAIL: cannot read %s\n", argv[1]);
    return 1;
  }
  const nnviz::json::Value layout = load_layout(argv[2]);
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

  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--expect-curve" || a == "--expect-no-curve") {
      bool curve = true;
      for (const char* name : {"loss_plot", "accuracy_plot"}) {
        long count;
        double coverage;
        curve_pixels(im, layout.at(name), scale, count, coverage);
        std::printf("%s: %ld curve pixels, in %.0f%% of its columns\n", name, count, coverage * 100);
        curve = curve && count >= 300 && coverage >= 0.6;
      }
      if (curve != (a == "--expect-curve")) {
        std::printf("FAIL: expected %s curve in both plots\n", a == "--expect-curve" ? "a" : "no");
        return 1;
      }
    } else if (a == "--expect-colour" && i + 5 < argc) {
      const std::string region = argv[i + 1];
      const int r = std::atoi(argv[i + 2]), g = std::atoi(argv[i + 3]), b = std::atoi(argv[i + 4]);
      const long min = std::atol(argv[i + 5]);
      i += 5;
      const Box bx = box_of(im, layout, region);
      long count = 0;
      for (int y = bx.y0; y < bx.y1; ++y)
        for (int x = bx.x0; x < bx.x1; ++x) count += near_colour(im.at(x, y), r, g, b);
      std::printf("%s: %ld pixels near (%d,%d,%d), need %ld\n", region.c_str(), count, r, g, b, min);
      if (count < min) {
        std::printf("FAIL: too few pixels of that colour in %s\n", region.c_str());
        return 1;
      }
    } else if (a == "--expect-hues" && i + 2 < argc) {
      // Pixels of each of red, green and blue as the strongest channel by a clear margin (40 of
      // 255) inside a region: a picture in colour, not in one colour map.
      const std::string region = argv[i + 1];
      const long min = std::atol(argv[i + 2]);
      i += 2;
      const Box bx = box_of(im, layout, region);
      long count[3] = {0, 0, 0};
      for (int y = bx.y0; y < bx.y1; ++y)
        for (int x = bx.x0; x < bx.x1; ++x) {
          const auto p = im.at(x, y);
          const int v[3] = {p[0], p[1], p[2]};
          for (int c = 0; c < 3; ++c)
            count[c] += v[c] >= v[(c + 1) % 3] + 40 && v[c] >= v[(c + 2) % 3] + 40;
        }
      std::printf("%s: %ld reddish, %ld greenish, %ld bluish pixels, need %ld of each\n", region.c_str(), count[0], count[1],
                  count[2], min);
      if (std::min({count[0], count[1], count[2]}) < min) {
        std::printf("FAIL: too few pixels of some hue in %s\n", region.c_str());
        return 1;
      }
    } else if (a == "--expect-key" && i + 2 < argc) {
      const std::string key = argv[i + 1], want = argv[i + 2];
      i += 2;
      const nnviz::json::Value* v = layout.find(key);
      const std::string got = !v ? "(missing)" : v->is_string() ? v->as_string() : v->dump();
      std::printf("%s = %s, want %s\n", key.c_str(), got.c_str(), want.c_str());
      if (got != want) {
        std::printf("FAIL: %s is %s\n", key.c_str(), got.c_str());
        return 1;
      }
    } else if ((a == "--differ" || a == "--same") && i + 3 < argc) {
      const Image other = load_image(argv[i + 1]);
      const nnviz::json::Value other_layout = load_layout(argv[i + 2]);
      const std::string region = argv[i + 3];
      i += 3;
      if (other.px.empty()) {
        std::printf("FAIL: cannot read the other screenshot\n");
        return 1;
      }
      const Box b1 = box_of(im, layout, region), b2 = box_of(other, other_layout, region);
      const int w = std::min(b1.x1 - b1.x0, b2.x1 - b2.x0), h = std::min(b1.y1 - b1.y0, b2.y1 - b2.y0);
      if (a == "--same" && (b1.x1 - b1.x0 != b2.x1 - b2.x0 || b1.y1 - b1.y0 != b2.y1 - b2.y0)) {
        std::printf("FAIL: region %s is %dx%d here and %dx%d there\n", region.c_str(), b1.x1 - b1.x0, b1.y1 - b1.y0,
                    b2.x1 - b2.x0, b2.y1 - b2.y0);
        return 1;
      }
      if (w < 20 || h < 20) {
        std::printf("FAIL: region %s is missing or tiny (%dx%d)\n", region.c_str(), w, h);
        return 1;
      }
      double diff = 0;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          for (int c = 0; c < 3; ++c) diff += std::abs(im.at(b1.x0 + x, b1.y0 + y)[c] - other.at(b2.x0 + x, b2.y0 + y)[c]);
      diff /= double(w) * h * 3;
      std::printf("%s: mean absolute difference %.2f levels over %dx%d pixels\n", region.c_str(), diff, w, h);
      if (a == "--differ" && diff < 8) {
        std::printf("FAIL: %s did not change\n", region.c_str());
        return 1;
      }
      if (a == "--same" && diff >= 1) {
        std::printf("FAIL: %s is not the same\n", region.c_str());
        return 1;
      }
    } else {
      std::fprintf(stderr, "check_screenshot: bad check '%s'\n", a.c_str());
      return 2;
    }
  }
  std::printf("OK\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::printf("FAIL: %s\n", e.what());
    return 1;
  }
}
