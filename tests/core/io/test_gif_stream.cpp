// Animated GIFs as the app's recorder writes them, read back by giflib's own decoder: the frame
// count, the size, the delay and the loop, and the colours of a frame within what 256 colours keep.
#include <doctest/doctest.h>
#include <gif_lib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "io/gif_stream.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {

struct Reader {
  const std::string& bytes;
  size_t at = 0;
};

int read_from(GifFileType* gif, GifByteType* out, int n) {
  Reader& r = *static_cast<Reader*>(gif->UserData);
  const int k = int(std::min(size_t(n), r.bytes.size() - r.at));
  std::memcpy(out, r.bytes.data() + r.at, size_t(k));
  r.at += size_t(k);
  return k;
}

// A frame whose left half is one colour and right half a smooth ramp.
std::vector<uint8_t> Frame(int w, int h, uint8_t red) {
  std::vector<uint8_t> px(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &px[(size_t(y) * w + x) * 4];
      if (x < w / 2) p[0] = red, p[1] = 40, p[2] = 200;
      else p[0] = p[1] = p[2] = uint8_t(255 * y / (h - 1));
      p[3] = 255;
    }
  return px;
}

}  // namespace

TEST_CASE("gif stream: frames, size, delay and loop read back by giflib") {
  const int w = 64, h = 48;
  GifStream g(w, h, 12);
  for (int f = 0; f < 5; ++f) g.add(Frame(w, h, uint8_t(50 * f)).data());
  CHECK(g.frames() == 5);
  const std::string bytes = g.finish();
  REQUIRE(bytes.size() > 100);
  CHECK(bytes.compare(0, 6, "GIF89a") == 0);

  Reader r{bytes};
  int err = 0;
  GifFileType* gif = DGifOpen(&r, read_from, &err);
  REQUIRE(gif != nullptr);
  REQUIRE(DGifSlurp(gif) == GIF_OK);
  CHECK(gif->SWidth == w);
  CHECK(gif->SHeight == h);
  REQUIRE(gif->ImageCount == 5);
  // giflib keeps the extensions before an image with that image.
  bool loops = false;
  const SavedImage& first = gif->SavedImages[0];
  for (int e = 0; e < first.ExtensionBlockCount; ++e)
    loops |= first.ExtensionBlocks[e].Function == APPLICATION_EXT_FUNC_CODE &&
             std::memcmp(first.ExtensionBlocks[e].Bytes, "NETSCAPE2.0", 11) == 0;
  CHECK(loops);
  for (int f = 0; f < 5; ++f) {
    GraphicsControlBlock gcb;
    REQUIRE(DGifSavedExtensionToGCB(gif, f, &gcb) == GIF_OK);
    CHECK(gcb.DelayTime == 12);
    const SavedImage& im = gif->SavedImages[f];
    CHECK(im.ImageDesc.Width == w);
    CHECK(im.ImageDesc.Height == h);
    const ColorMapObject* map = im.ImageDesc.ColorMap;
    REQUIRE(map != nullptr);
    // Fewer than 256 colours: each kept exactly.
    const GifColorType left = map->Colors[im.RasterBits[size_t(10) * w + 3]];
    CHECK(int(left.Red) == 50 * f);
    CHECK(int(left.Green) == 40);
    CHECK(int(left.Blue) == 200);
    int worst = 0;
    for (int y = 0; y < h; ++y) {
      const GifColorType c = map->Colors[im.RasterBits[size_t(y) * w + w - 1]];
      worst = std::max(worst, std::abs(int(c.Red) - 255 * y / (h - 1)));
    }
    CHECK(worst == 0);
  }
  DGifCloseFile(gif, &err);
}

TEST_CASE("gif stream: a frame of more than 256 colours is reduced by median cut, close to the original") {
  const int w = 96, h = 96;  // 9,216 colours: red across, green down, blue constant
  std::vector<uint8_t> px(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &px[(size_t(y) * w + x) * 4];
      p[0] = uint8_t(x * 255 / (w - 1)), p[1] = uint8_t(y * 255 / (h - 1)), p[2] = 90, p[3] = 255;
    }
  GifStream g(w, h, 10);
  g.add(px.data());
  const std::string bytes = g.finish();
  Reader r{bytes};
  int err = 0;
  GifFileType* gif = DGifOpen(&r, read_from, &err);
  REQUIRE(gif != nullptr);
  REQUIRE(DGifSlurp(gif) == GIF_OK);
  REQUIRE(gif->ImageCount == 1);
  const SavedImage& im = gif->SavedImages[0];
  double err_sum = 0;
  int worst = 0;
  for (size_t p = 0; p < size_t(w) * h; ++p) {
    const GifColorType c = im.ImageDesc.ColorMap->Colors[im.RasterBits[p]];
    const int d = std::max({std::abs(c.Red - px[p * 4]), std::abs(c.Green - px[p * 4 + 1]), std::abs(c.Blue - px[p * 4 + 2])});
    worst = std::max(worst, d);
    err_sum += d;
  }
  MESSAGE("median cut: mean error " << err_sum / (w * h) << " levels, worst " << worst);
  CHECK(err_sum / (w * h) < 16);  // giflib keeps 5 bits a channel: about 13 levels on this ramp
  CHECK(worst < 48);
  DGifCloseFile(gif, &err);
}

TEST_CASE("gif stream: sizes and delays out of range are refused, a finished stream takes no frame") {
  CHECK(error_of([] { GifStream(0, 10, 10); }).find("between 1 and 4096") != std::string::npos);
  CHECK(error_of([] { GifStream(10, 5000, 10); }).find("between 1 and 4096") != std::string::npos);
  CHECK(error_of([] { GifStream(10, 10, 0); }).find("delay") != std::string::npos);
  GifStream g(4, 4, 10);
  const std::vector<uint8_t> px(64, 128);
  g.add(px.data());
  const std::string bytes = g.finish();
  CHECK(!bytes.empty());
  CHECK(error_of([&] { g.add(px.data()); }).find("finished") != std::string::npos);
}
