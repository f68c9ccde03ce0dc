#include "data/image_file.h"

#include <zlib.h>

#include <cstdlib>
#include <cstring>

#include <stb_image.h>

#include "base/fileio.h"
#include "base/scalar.h"
#include "data/preprocess.h"

namespace nnviz {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) { throw Error("[image] " + name + ": " + what); }

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
void put_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24), p[1] = uint8_t(v >> 16), p[2] = uint8_t(v >> 8), p[3] = uint8_t(v);
}

// A binary PGM or PPM (P5, P6) must hold all the pixels its header declares: stb_image reads past
// a short file's end into bytes it never wrote. Returns "" or the problem.
std::string pnm_problem(const std::vector<uint8_t>& b) {
  if (b.size() < 2 || b[0] != 'P' || (b[1] != '5' && b[1] != '6')) return "";
  size_t i = 2;
  long long field[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    for (;;) {  // white space and comments
      while (i < b.size() && std::strchr(" \t\r\n\v\f", b[i]) && b[i]) ++i;
      if (i < b.size() && b[i] == '#') {
        while (i < b.size() && b[i] != '\n' && b[i] != '\r') ++i;
        continue;
      }
      break;
    }
    if (i >= b.size() || b[i] < '0' || b[i] > '9') return "a damaged PGM/PPM header";
    while (i < b.size() && b[i] >= '0' && b[i] <= '9') {
      field[k] = field[k] * 10 + (b[i] - '0');
      if (field[k] > (1LL << 31)) return "a damaged PGM/PPM header (a number too large)";
      ++i;
    }
  }
  ++i;  // the single white-space byte before the pixels
  const long long channels = b[1] == '5' ? 1 : 3, bytes_per = field[2] > 255 ? 2 : 1;
  const long long want = field[0] * field[1] * channels * bytes_per;
  const long long have = i <= b.size() ? (long long)(b.size() - i) : 0;
  if (field[0] > 0 && field[1] > 0 && have < want)
    return "truncated: its header declares " + std::to_string(field[0]) + "x" + std::to_string(field[1]) +
           " pixels (" + std::to_string(want) + " bytes) but the file holds " + std::to_string(have);
  return "";
}

// A palette PNG whose PLTE chunk has fewer entries than its bit depth can index: stb_image leaves
// the missing entries uninitialised. The copy returned has the palette padded with black entries
// (and the chunk's CRC made again), so an index past the palette reads black, every time.
std::vector<uint8_t> png_full_palette(const std::vector<uint8_t>& b) {
  static const uint8_t sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (b.size() < 33 || std::memcmp(b.data(), sig, 8) != 0) return {};
  if (std::memcmp(&b[12], "IHDR", 4) != 0) return {};
  const int depth = b[24], colour = b[25];
  if (colour != 3 || depth < 1 || depth > 8) return {};
  const size_t entries = size_t(1) << depth;
  size_t p = 8;
  while (p + 12 <= b.size()) {
    const uint32_t len = be32(&b[p]);
    if (len > b.size() - p - 12) return {};
    if (std::memcmp(&b[p + 4], "PLTE", 4) == 0) {
      if (len % 3 != 0 || len / 3 >= entries) return {};
      std::vector<uint8_t> out(b.begin(), b.begin() + std::ptrdiff_t(p));
      const uint32_t new_len = uint32_t(entries * 3);
      out.resize(out.size() + 8 + new_len + 4, 0);
      uint8_t* c = &out[p];
      put_be32(c, new_len);
      std::memcpy(c + 4, "PLTE", 4);
      std::memcpy(c + 8, &b[p + 8], len);  // the rest stays black
      put_be32(c + 8 + new_len, uint32_t(crc32(crc32(0, nullptr, 0), c + 4, 4 + new_len)));
      out.insert(out.end(), b.begin() + std::ptrdiff_t(p + 12 + len), b.end());
      return out;
    }
    if (std::memcmp(&b[p + 4], "IDAT", 4) == 0) return {};
    p += 12 + len;
  }
  return {};
}

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }
void put_le32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v), p[1] = uint8_t(v >> 8), p[2] = uint8_t(v >> 16), p[3] = uint8_t(v >> 24);
}

// The same for a palette BMP (1, 4 or 8 bits a pixel). stb_image does not read the palette's
// length from the header: it takes every entry between the header and the pixels' offset (for
// the old 12-byte header, counting from 12 bytes further on), reads that many into an
// uninitialised table and indexes it with whatever the pixels hold. The copy returned has black
// entries inserted after the ones the file has, up to the bit depth's full count, and the pixels'
// offset moved by as much, so stb_image counts a full palette. A palette that would start inside
// the header is an error (stb_image would read none of it and index the table all the same).
std::vector<uint8_t> bmp_full_palette(const std::vector<uint8_t>& b, const std::string& name) {
  if (b.size() < 30 || b[0] != 'B' || b[1] != 'M') return {};
  const uint32_t offset = le32(&b[10]), header = le32(&b[14]);
  if (header != 12 && header != 40 && header != 56 && header != 108 && header != 124) return {};  // stb refuses
  const int bpp = header == 12 ? (b[24] | (b[25] << 8)) : (b[28] | (b[29] << 8));
  if (bpp != 1 && bpp != 4 && bpp != 8) return {};
  const int entry = header == 12 ? 3 : 4;
  const int64_t before = header == 12 ? 14 + 24 : 14 + int64_t(header);  // where stb counts from
  const int64_t span = int64_t(offset) - before;
  if (offset > (1u << 31) || span < entry)
    fail(name, "a damaged BMP: its pixels start inside its header, where its palette should be");
  const int64_t have = span / entry, want = int64_t(1) << bpp;
  if (have >= want) return {};
  const size_t at = size_t(14 + header) + size_t(have) * entry;  // after the file's entries
  if (at > b.size()) return {};  // a file this short stb_image refuses or reads as zeros
  const size_t extra = size_t(want - have) * entry;
  std::vector<uint8_t> out(b.begin(), b.begin() + std::ptrdiff_t(at));
  out.resize(at + extra, 0);
  out.insert(out.end(), b.begin() + std::ptrdiff_t(at), b.end());
  put_le32(&out[10], uint32_t(offset + extra));
  return out;
}

std::string stb_reason() {
  const char* r = stbi_failure_reason();
  const std::string why = r ? r : "unknown error";
  if (why == "unknown image type") return "not an image nnviz reads (PNG, JPEG, BMP, PGM/PPM, GIF, TGA)";
  return "damaged or truncated image data (the decoder says: " + why + ")";
}

}  // namespace

DecodedImage decode_image(const std::vector<uint8_t>& bytes, const std::string& name) {
  if (bytes.empty()) fail(name, "the file is empty");
  if (bytes.size() > (size_t(1) << 31)) fail(name, "the file is larger than 2 GB");
  std::vector<uint8_t> padded = png_full_palette(bytes);
  if (padded.empty()) padded = bmp_full_palette(bytes, name);
  const std::vector<uint8_t>& b = padded.empty() ? bytes : padded;
  int w = 0, h = 0, ch = 0;
  if (!stbi_info_from_memory(b.data(), int(b.size()), &w, &h, &ch)) fail(name, stb_reason());
  h = std::abs(h);  // a top-down BMP declares a negative height
  if (w == 0 || h == 0) fail(name, "the image is " + std::to_string(w) + "x" + std::to_string(h) + " pixels: nothing to read");
  if (const std::string why = image_size_problem(w, h); !why.empty()) fail(name, why);
  if (const std::string why = pnm_problem(bytes); !why.empty()) fail(name, why);
  int dw = 0, dh = 0, dch = 0;
  unsigned char* px = stbi_load_from_memory(b.data(), int(b.size()), &dw, &dh, &dch, 0);
  if (!px) fail(name, stb_reason());
  DecodedImage img;
  img.w = dw;
  img.h = dh;
  img.channels = dch;
  if (dw != w || dh != h || dch < 1 || dch > 4) {
    stbi_image_free(px);
    fail(name, "the decoded size differs from the declared one (a damaged file)");
  }
  img.px.assign(px, px + size_t(dw) * dh * dch);
  stbi_image_free(px);
  return img;
}

DecodedImage read_image(const std::string& path) {
  // The largest image nnviz reads is 64 megapixels; no sane file of one is over 512 MB.
  return decode_image(read_file_raw(path, "image", size_t(1) << 29), path);
}

}  // namespace nnviz
