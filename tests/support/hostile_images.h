// Image files that Debian's stb_image misreads unless nnviz checks them (core/data/image_file.h), made
// in memory for the tests and for tests/support/make_hostile.cpp.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnviz::test {

inline std::string be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

inline std::string png_chunk(const std::string& type, const std::string& data) {
  const std::string td = type + data;
  return be32(uint32_t(data.size())) + td +
         be32(uint32_t(crc32(0, reinterpret_cast<const Bytef*>(td.data()), uInt(td.size()))));
}

// A valid top-down BMP (negative height): 28x28, 24 bits, a white page with a dark vertical bar in
// columns 12-15 of rows 4-23, and one black pixel at the top left corner, which tells top from
// bottom.
inline std::string top_down_bmp() {
  std::string px;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {
      const bool ink = (x >= 12 && x < 16 && y >= 4 && y < 24) || (x == 0 && y == 0);
      px += ink ? std::string(3, '\0') : std::string(3, '\xff');
    }
  auto le32 = [](int32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto le16 = [](int v) { return std::string{char(v), char(v >> 8)}; };
  const std::string info = le32(40) + le32(28) + le32(-28) + le16(1) + le16(24) + le32(0) + le32(int32_t(px.size())) +
                           le32(2835) + le32(2835) + le32(0) + le32(0);
  return "BM" + le32(int32_t(14 + info.size() + px.size())) + le32(0) + le32(14 + 40) + info + px;
}

// An 8-bit palette BMP, 28x28, whose palette has one entry (white) while its pixels use index 0 and
// index 200 in a checkerboard of 7-pixel squares: stb_image reads entry 200 from memory it never
// set. header 40 is the usual BITMAPINFOHEADER (4-byte entries), 12 the old OS/2 one (3-byte entries).
// offset_shift moves the pixels' declared offset (a negative one puts it inside the header).
inline std::string short_palette_bmp(int header = 40, int offset_shift = 0) {
  auto le32 = [](int32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto le16 = [](int v) { return std::string{char(v), char(v >> 8)}; };
  std::string px;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) px += char((x / 7 + y / 7) % 2 ? 200 : 0);
  std::string info, palette;
  if (header == 12) {
    info = le32(12) + le16(28) + le16(28) + le16(1) + le16(8);
    palette = "\xff\xff\xff";
  } else {
    info = le32(40) + le32(28) + le32(28) + le16(1) + le16(8) + le32(0) + le32(int32_t(px.size())) + le32(2835) +
           le32(2835) + le32(1) + le32(0);
    palette = std::string("\xff\xff\xff\0", 4);
  }
  // stb_image counts a 12-byte header's palette from 24 bytes after the file header; the extra
  // 12 bytes here keep its count at one entry.
  if (header == 12) palette += std::string(12, '\0');
  const int32_t offset = int32_t(14 + info.size() + palette.size()) + offset_shift;
  return "BM" + le32(int32_t(14 + info.size() + palette.size() + px.size())) + le32(0) + le32(offset) + info + palette + px;
}

// A palette PNG, 28x28 at 8 bits, whose palette has one entry (white) while its pixels use index 1
// as well, in a checkerboard of 7-pixel squares: stb_image reads entry 1 from memory it never set.
inline std::string short_palette_png() {
  const std::string ihdr = be32(28) + be32(28) + std::string{8, 3, 0, 0, 0};
  std::string scan;
  for (int y = 0; y < 28; ++y) {
    scan += '\0';
    for (int x = 0; x < 28; ++x) scan += char((x / 7 + y / 7) % 2);
  }
  std::vector<uint8_t> z(compressBound(uLong(scan.size())));
  uLongf zlen = z.size();
  compress(z.data(), &zlen, reinterpret_cast<const Bytef*>(scan.data()), uLong(scan.size()));
  return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("PLTE", "\xff\xff\xff") +
         png_chunk("IDAT", std::string(reinterpret_cast<char*>(z.data()), zlen)) + png_chunk("IEND", "");
}

}  // namespace nnviz::test
