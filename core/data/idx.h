// Reader for the IDX files MNIST and Fashion-MNIST ship in (raw or gzip-compressed).
//
// Layout: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions, then one
// big-endian uint32 per dimension, then the data. Images are rank 3 (count, rows, cols), labels
// rank 1 (count). Every field is checked before it is used; a bad file is an Error naming the file
// and the problem, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnviz {

struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // count * rows * cols, row-major per image
};

IdxImages read_idx_images(const std::string& path);
std::vector<uint8_t> read_idx_labels(const std::string& path, int num_classes = 10);

// The most image bytes one IDX file may hold here: 2 GB, less on a machine with under 32 GB.
size_t max_idx_image_bytes();

// Parse from memory; `name` is used in error messages.
IdxImages parse_idx_images(const std::vector<uint8_t>& bytes, const std::string& name);
std::vector<uint8_t> parse_idx_labels(const std::vector<uint8_t>& bytes, const std::string& name, int num_classes = 10);

}  // namespace nnviz
