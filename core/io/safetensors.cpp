#include "io/safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/json.h"
#include "base/scalar.h"

namespace nnviz {

const StTensor* StFile::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

const std::string* StFile::meta(const std::string& key) const {
  for (const auto& kv : metadata)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

std::string st_serialize(const StFile& f) {
  json::Value header = json::Value::object();
  if (!f.metadata.empty()) {
    json::Value m = json::Value::object();
    for (const auto& kv : f.metadata) m.set(kv.first, kv.second);
    header.set("__metadata__", m);
  }
  uint64_t offset = 0;
  for (const auto& t : f.tensors) {
    int64_t count = 1;
    json::Value shape = json::Value::array();
    for (int64_t d : t.shape) {
      shape.push(static_cast<long long>(d));
      count *= d;
    }
    if (count != static_cast<int64_t>(t.data.size()))
      throw Error("[model] tensor " + t.name + ": shape does not match its data");
    json::Value e = json::Value::object();
    e.set("dtype", "F32");
    e.set("shape", shape);
    json::Value off = json::Value::array();
    off.push(static_cast<long long>(offset));
    offset += uint64_t(count) * 4;
    off.push(static_cast<long long>(offset));
    e.set("data_offsets", off);
    header.set(t.name, e);
  }
  std::string h = header.dump();
  while (h.size() % 8) h += ' ';
  std::string out(8, '\0');
  const uint64_t n = h.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  out += h;
  for (const auto& t : f.tensors) {
    const size_t start = out.size();
    out.resize(start + t.data.size() * 4);
    // Little-endian host (x86-64): the bytes of the floats are the file's bytes.
    if (!t.data.empty()) std::memcpy(&out[start], t.data.data(), t.data.size() * 4);
  }
  return out;
}

StFile st_parse(const std::vector<uint8_t>& b, const std::string& name) {
  auto fail = [&](const std::string& what) -> void { throw Error("[model] " + name + ": " + what); };
  if (b.size() < 8) fail("too short to be a safetensors file (" + std::to_string(b.size()) + " bytes)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
  if (n > b.size() - 8) fail("header length " + std::to_string(n) + " runs past the end of the file (truncated?)");
  // The format allows 100 MB; an nnviz model's header is a few hundred KB at most (kMaxLayers
  // layers), and parsed JSON takes many times its text, so a larger one is refused unread.
  if (n > (4u << 20)) fail("header larger than 4 MB: not an nnviz model");
  if (n < 2 || b[8] != '{') fail("not a safetensors file (the header is not a JSON object)");
  json::Value header;
  try {
    header = json::parse(std::string(reinterpret_cast<const char*>(&b[8]), n));
  } catch (const Error& e) {
    fail(std::string("damaged header: ") + e.what());
  }
  if (!header.is_object()) fail("the header is not a JSON object");
  const uint64_t data_size = b.size() - 8 - n;
  const uint8_t* data = b.data() + 8 + n;

  StFile f;
  struct Range { uint64_t begin, end; std::string name; };
  std::vector<Range> ranges;
  try {
    for (const auto& [key, v] : header.members()) {
      if (key == "__metadata__") {
        if (!v.is_object()) fail("__metadata__ is not an object");
        for (const auto& [mk, mv] : v.members()) {
          if (!mv.is_string()) fail("__metadata__ value of \"" + mk + "\" is not a string");
          f.metadata.emplace_back(mk, mv.as_string());
        }
        continue;
      }
      if (!v.is_object()) fail("entry \"" + key + "\" is not an object");
      const std::string dtype = v.at("dtype").as_string();
      if (dtype != "F32") fail("tensor \"" + key + "\" has dtype " + dtype + "; nnviz reads F32 only");
      StTensor t;
      t.name = key;
      uint64_t count = 1;
      for (const auto& d : v.at("shape").items()) {
        const double x = d.as_number();
        if (!(x >= 0 && x <= 1e12) || x != static_cast<double>(static_cast<int64_t>(x)))
          fail("tensor \"" + key + "\" has an invalid dimension");
        t.shape.push_back(static_cast<int64_t>(x));
        if (t.shape.back() != 0 && count > (uint64_t(1) << 40) / uint64_t(t.shape.back()))
          fail("tensor \"" + key + "\" is implausibly large");
        count *= uint64_t(t.shape.back());
      }
      const auto& off = v.at("data_offsets");
      if (!off.is_array() || off.size() != 2) fail("tensor \"" + key + "\": data_offsets must be [begin, end]");
      const double ob = off[0].as_number(), oe = off[1].as_number();
      if (!(ob >= 0 && oe >= ob && oe <= double(data_size)))
        fail("tensor \"" + key + "\": data_offsets [" + json::Value(ob).dump() + ", " + json::Value(oe).dump() +
             "] lie outside the " + std::to_string(data_size) + " data bytes");
      if (ob != std::floor(ob) || oe != std::floor(oe)) fail("tensor \"" + key + "\": data_offsets must be whole numbers");
      const uint64_t begin = uint64_t(ob), end = uint64_t(oe);
      if (end - begin != count * 4)
        fail("tensor \"" + key + "\": " + std::to_string(end - begin) + " bytes for " + std::to_string(count) +
             " F32 values");
      t.data.resize(count);
      if (count) std::memcpy(t.data.data(), data + begin, count * 4);
      ranges.push_back({begin, end, key});
      f.tensors.push_back(std::move(t));
    }
  } catch (const Error& e) {
    if (std::string(e.what()).rfind("[model]", 0) == 0) throw;
    fail(std::string("damaged header: ") + e.what());
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& c) { return a.begin < c.begin; });
  uint64_t pos = 0;
  for (const auto& r : ranges) {
    if (r.begin != pos) fail("tensor \"" + r.name + "\" does not start where the previous one ends (gap or overlap)");
    pos = r.end;
  }
  if (pos != data_size) fail("the file has " + std::to_string(data_size - pos) + " bytes not covered by any tensor");
  return f;
}

}  // namespace nnviz
