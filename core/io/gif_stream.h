// Animated GIF files through Debian's giflib: frames added one at a time are quantised (each to a
// palette of its own, up to 256 colours, by giflib's median cut) and compressed as they come, so
// a long recording holds only the compressed file in memory. The animation loops.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace nnviz {

constexpr int kMaxGifSide = 4096;

class GifStream {
 public:
  // Frames of width x height pixels (each side in [1, kMaxGifSide]), each shown for delay_cs
  // hundredths of a second (in [1, 65535]); throws Error otherwise.
  GifStream(int width, int height, int delay_cs);
  ~GifStream();
  GifStream(const GifStream&) = delete;
  GifStream& operator=(const GifStream&) = delete;

  // One frame: width * height RGBA pixels, rows from the top (alpha is ignored).
  void add(const uint8_t* rgba);
  int frames() const { return frames_; }
  size_t bytes() const { return bytes_.size(); }  // the file so far
  int width() const { return w_; }
  int height() const { return h_; }
  // The whole file; no frame can be added after it.
  std::string finish();

 private:
  struct File;
  std::unique_ptr<File> f_;
  std::string bytes_;
  int w_, h_, delay_, frames_ = 0;
};

}  // namespace nnviz
