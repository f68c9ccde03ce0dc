// Image files (PNG, JPEG, BMP, PGM/PPM and the rest stb_image reads) decoded from memory, with the
// checks Debian's stb_image leaves to its caller: the size a file declares is checked before it is
// decoded, a PGM/PPM must hold every pixel its header declares, a top-down BMP is read as one, and
// a PNG palette shorter than its indices reach is padded with black, so no pixel comes from
// uninitialised memory. Every refusal is an Error("[image] <name>: <problem>") in words.
//
// Built as its own library (nnviz_image): it uses stb_image's declarations, and the program that
// links it brings the implementation (Debian's libstb, or the fuzz build's instrumented copy).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnviz {

struct DecodedImage {
  int w = 0, h = 0, channels = 0;  // channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
  std::vector<uint8_t> px;         // w * h * channels bytes, row-major, top row first
};

DecodedImage decode_image(const std::vector<uint8_t>& bytes, const std::string& name);

// read_file_raw (once: FIFOs and pipes work) and decode_image.
DecodedImage read_image(const std::string& path);

}  // namespace nnviz
