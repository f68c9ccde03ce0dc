// The safetensors file format (the format PyTorch and Hugging Face tools read):
//
//   8 bytes   N, the header length, unsigned 64-bit little-endian
//   N bytes   a JSON object: for each tensor  "name": {"dtype": "F32", "shape": [...],
//             "data_offsets": [begin, end]}, and optionally "__metadata__": {string: string}.
//             Padded with spaces to a multiple of 8 bytes.
//   the rest  the tensor bytes, little-endian, row-major; offsets are relative to the start of
//             this part, and the tensors cover it exactly, without gaps or overlaps.
//
// nnviz writes only F32. The reader checks every rule above before it touches any data.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nnviz {

struct StTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;  // row-major
};

struct StFile {
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<StTensor> tensors;

  const StTensor* find(const std::string& name) const;
  const std::string* meta(const std::string& key) const;
};

std::string st_serialize(const StFile& f);
// `name` is used in error messages: "[model] <name>: <problem>".
StFile st_parse(const std::vector<uint8_t>& bytes, const std::string& name);

}  // namespace nnviz
