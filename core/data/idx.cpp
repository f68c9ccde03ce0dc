#include "data/idx.h"
#include <algorithm>
#include <cstdint>

#include "base/fileio.h"
#include "base/scalar.h"

namespace nnviz {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw Error("[idx] " + name + ": " + what);
}

// Checks the header and returns the dimensions; `offset` receives the start of the data.
std::vector<uint32_t> header(const std::vector<uint8_t>& b, const std::string& name, int want_rank, size_t& offset) {
  if (b.size() < 4) fail(name, "file too short for an IDX header (" + std::to_string(b.size()) + " bytes)");
  if (b[0] != 0 || b[1] != 0) fail(name, "not an IDX file (bad magic number)");
  if (b[2] != 0x08) {
    static const char hex[] = "0123456789abcdef";
    fail(name, std::string("unsupported IDX element type 0x") + hex[b[2] >> 4] + hex[b[2] & 15] +
                   " (expected unsigned bytes, 0x08)");
  }
  const int rank = b[3];
  if (rank != want_rank)
    fail(name, "has " + std::to_string(rank) + " dimensions, expected " + std::to_string(want_rank) +
                   (want_rank == 3 ? " (is this a labels file?)" : " (is this an images file?)"));
  offset = 4 + 4 * static_cast<size_t>(rank);
  if (b.size() < offset) fail(name, "truncated IDX header");
  std::vector<uint32_t> dims(rank);
  for (int i = 0; i < rank; ++i) {
    const uint8_t* p = &b[4 + 4 * i];
    dims[i] = (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
  }
  return dims;
}

void check_size(const std::vector<uint8_t>& b, const std::string& name, size_t offset, uint64_t expected) {
  const uint64_t have = b.size() - offset;
  if (have < expected)
    fail(name, "truncated: header promises " + std::to_string(expected) + " data bytes, file has " + std::to_string(have));
  if (have > expected)
    fail(name, "has " + std::to_string(have - expected) + " unexpected bytes after the data");
}

}  // namespace

IdxImages parse_idx_images(const std::vector<uint8_t>& b, const std::string& name) {
  size_t off = 0;
  const auto d = header(b, name, 3, off);
  if (d[1] == 0 || d[2] == 0 || d[1] > 4096 || d[2] > 4096)
    fail(name, "implausible image size " + std::to_string(d[1]) + "x" + std::to_string(d[2]));
  if (d[0] > (1u << 26)) fail(name, "implausible image count " + std::to_string(d[0]));
  if (uint64_t(d[0]) * d[1] * d[2] > max_idx_image_bytes())
    fail(name, std::to_string(d[0]) + " images of " + std::to_string(d[1]) + "x" + std::to_string(d[2]) +
                   " would take more memory than this machine can give a data set (at most " +
                   std::to_string(max_idx_image_bytes() >> 20) + " MB of images)");
  check_size(b, name, off, uint64_t(d[0]) * d[1] * d[2]);
  IdxImages img;
  img.count = static_cast<int>(d[0]);
  img.rows = static_cast<int>(d[1]);
  img.cols = static_cast<int>(d[2]);
  img.pixels.assign(b.begin() + static_cast<std::ptrdiff_t>(off), b.end());
  return img;
}

std::vector<uint8_t> parse_idx_labels(const std::vector<uint8_t>& b, const std::string& name, int num_classes) {
  size_t off = 0;
  const auto d = header(b, name, 1, off);
  check_size(b, name, off, d[0]);
  std::vector<uint8_t> labels(b.begin() + static_cast<std::ptrdiff_t>(off), b.end());
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= num_classes)
      fail(name, "label " + std::to_string(labels[i]) + " at index " + std::to_string(i) + " is outside 0.." +
                     std::to_string(num_classes - 1));
  return labels;
}

namespace {
// The size an IDX file's header declares (header and data), for read_file's check of a gzip stream
// before it is inflated; SIZE_MAX while the header is incomplete or not an IDX header.
size_t idx_declared_size(const uint8_t* h, size_t n) {
  if (n < 4 || h[0] != 0 || h[1] != 0 || h[3] == 0 || h[3] > 3) return SIZE_MAX;
  const size_t header_bytes = 4 + 4 * size_t(h[3]);
  if (n < header_bytes) return SIZE_MAX;
  uint64_t total = 1;
  for (int i = 0; i < h[3]; ++i) {
    const uint8_t* p = h + 4 + 4 * i;
    total *= (uint64_t(p[0]) << 24) | (uint64_t(p[1]) << 16) | (uint64_t(p[2]) << 8) | uint64_t(p[3]);
    if (total > (uint64_t(1) << 40)) return size_t(1) << 40;  // far past any cap; no overflow
  }
  return header_bytes + size_t(total);
}
}  // namespace

size_t max_idx_image_bytes() {
  // A data set becomes about six times its bytes in memory (the file, the pixels kept for display,
  // the float inputs): the images may take a sixteenth of the machine's memory, at most 2 GB
  // (MNIST's training images are 47 MB).
  return std::min(size_t(2) << 30, physical_memory_bytes() / 16);
}

IdxImages read_idx_images(const std::string& path) {
  return parse_idx_images(read_file(path, "idx", max_idx_image_bytes(), idx_declared_size), path);
}

std::vector<uint8_t> read_idx_labels(const std::string& path, int num_classes) {
  return parse_idx_labels(read_file(path, "idx", size_t(1) << 28, idx_declared_size), path, num_classes);
}

}  // namespace nnviz
