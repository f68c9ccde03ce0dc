#include "io/gif_stream.h"

#include <gif_lib.h>

#include <cstring>
#include <unordered_map>
#include <vector>

#include "base/error.h"

namespace nnviz {

struct GifStream::File {
  GifFileType* gif = nullptr;
};

namespace {

int append(GifFileType* gif, const GifByteType* data, int n) {
  static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), size_t(n));
  return n;
}

[[noreturn]] void fail(const char* what, int code) {
  throw Error(std::string("[gif] ") + what + ": " + (GifErrorString(code) ? GifErrorString(code) : "giflib error"));
}

}  // namespace

GifStream::GifStream(int width, int height, int delay_cs) : f_(new File), w_(width), h_(height), delay_(delay_cs) {
  if (width < 1 || height < 1 || width > kMaxGifSide || height > kMaxGifSide)
    throw Error("[gif] a frame of " + std::to_string(width) + "x" + std::to_string(height) +
                " pixels: each side must be between 1 and " + std::to_string(kMaxGifSide));
  if (delay_cs < 1 || delay_cs > 65535) throw Error("[gif] a frame delay of " + std::to_string(delay_cs) + " cs");
  int err = 0;
  f_->gif = EGifOpen(&bytes_, append, &err);
  if (!f_->gif) fail("cannot start the file", err);
  EGifSetGifVersion(f_->gif, true);
  if (EGifPutScreenDesc(f_->gif, w_, h_, 8, 0, nullptr) == GIF_ERROR) fail("screen", f_->gif->Error);
  // The Netscape extension: loop for ever.
  const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
  const GifByteType loop[] = {1, 0, 0};
  if (EGifPutExtensionLeader(f_->gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock(f_->gif, sizeof app, app) == GIF_ERROR ||
      EGifPutExtensionBlock(f_->gif, sizeof loop, loop) == GIF_ERROR || EGifPutExtensionTrailer(f_->gif) == GIF_ERROR)
    fail("loop extension", f_->gif->Error);
}

GifStream::~GifStream() {
  if (f_->gif) {
    int err = 0;
    EGifCloseFile(f_->gif, &err);
  }
}

void GifStream::add(const uint8_t* rgba) {
  if (!f_->gif) throw Error("[gif] the file is finished");
  const size_t n = size_t(w_) * size_t(h_);
  std::vector<GifByteType> index(n);
  GifColorType colours[256];
  int count = 0;
  // A frame of at most 256 colours (a plot, a heatmap of few levels) keeps them exactly; one of
  // more goes through giflib's median cut (5 bits a channel).
  std::unordered_map<uint32_t, uint8_t> exact;
  for (size_t p = 0; p < n; ++p) {
    const uint32_t c = uint32_t(rgba[p * 4]) << 16 | uint32_t(rgba[p * 4 + 1]) << 8 | rgba[p * 4 + 2];
    auto [it, added] = exact.try_emplace(c, uint8_t(count));
    if (added) {
      if (count == 256) break;
      colours[count] = {rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]};
      ++count;
    }
    index[p] = it->second;
  }
  if (exact.size() > 256) {
    std::vector<GifByteType> r(n), g(n), b(n);
    for (size_t p = 0; p < n; ++p) r[p] = rgba[p * 4], g[p] = rgba[p * 4 + 1], b[p] = rgba[p * 4 + 2];
    count = 256;
    if (GifQuantizeBuffer(unsigned(w_), unsigned(h_), &count, r.data(), g.data(), b.data(), index.data(), colours) ==
        GIF_ERROR)
      throw Error("[gif] the frame could not be reduced to 256 colours");
  }
  // A colour map's size is a power of two; the entries past `count` are unused.
  int size = 2;
  while (size < count) size *= 2;
  ColorMapObject* map = GifMakeMapObject(size, nullptr);
  if (!map) throw Error("[gif] out of memory");
  std::memset(map->Colors, 0, sizeof(GifColorType) * size_t(size));
  std::memcpy(map->Colors, colours, sizeof(GifColorType) * size_t(count));
  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.DelayTime = delay_;
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  GifByteType ext[4];
  const size_t ext_len = EGifGCBToExtension(&gcb, ext);
  bool ok = EGifPutExtension(f_->gif, GRAPHICS_EXT_FUNC_CODE, int(ext_len), ext) != GIF_ERROR &&
            EGifPutImageDesc(f_->gif, 0, 0, w_, h_, false, map) != GIF_ERROR;
  for (int y = 0; ok && y < h_; ++y) ok = EGifPutLine(f_->gif, index.data() + size_t(y) * size_t(w_), w_) != GIF_ERROR;
  GifFreeMapObject(map);
  if (!ok) fail("frame", f_->gif->Error);
  ++frames_;
}

std::string GifStream::finish() {
  if (!f_->gif) throw Error("[gif] the file is finished");
  int err = 0;
  const int rc = EGifCloseFile(f_->gif, &err);
  f_->gif = nullptr;
  if (rc == GIF_ERROR) fail("closing", err);
  return std::move(bytes_);
}

}  // namespace nnviz
