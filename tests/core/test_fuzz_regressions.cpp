// Every input a fuzzer once crashed on (tests/fuzz/regressions/<target>/), replayed through the
// same code path the fuzz target drives (tests/fuzz/fuzz_paths.cpp). Passing means no crash, no
// sanitizer report (under scripts/sanitize.sh) and no exception other than nnviz::Error, which
// the path itself catches. Run the fuzzers themselves with scripts/fuzz.sh.
//
// Then hostile inputs the fuzzers' small inputs do not reach: huge architectures and huge JSON.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "fuzz/fuzz_paths.h"
#include "nn/network.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(NNVIZ_FUZZ_REGRESSIONS) / target;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

void replay(const std::string& target, void (*path)(const uint8_t*, size_t)) {
  for (const auto& file : inputs(target)) {
    INFO("replaying ", file.string());
    const std::vector<uint8_t> bytes = nnviz::test::read_bytes(file.string());
    CHECK_NOTHROW(path(bytes.data(), bytes.size()));
  }
}

}  // namespace

TEST_CASE("fuzz regressions: IDX files") { replay("idx", nnviz::fuzz::idx); }
TEST_CASE("fuzz regressions: model files") { replay("model", nnviz::fuzz::model); }
TEST_CASE("fuzz regressions: images") { replay("image", nnviz::fuzz::image); }
TEST_CASE("fuzz regressions: configurations") { replay("config", nnviz::fuzz::config); }
TEST_CASE("fuzz regressions: models run on data") { replay("eval", nnviz::fuzz::eval); }
TEST_CASE("fuzz regressions: run files") { replay("run", nnviz::fuzz::run_file); }
TEST_CASE("fuzz regressions: saved comparisons") { replay("comparison", nnviz::fuzz::comparison); }
TEST_CASE("fuzz regressions: playground expressions and points") { replay("playground", nnviz::fuzz::playground); }
TEST_CASE("fuzz regressions: lesson files") { replay("lesson", nnviz::fuzz::lesson); }

TEST_CASE("fuzz regressions: the folders hold inputs") {
  // The replay above must not pass by finding nothing (a moved folder, a wrong path).
  CHECK(inputs("model").size() + inputs("config").size() + inputs("idx").size() + inputs("image").size() > 0);
}

namespace {

std::string spec_error(const std::string& json) {
  try {
    nnviz::Network net(nnviz::NetSpec::from_json(nnviz::json::parse(json)));
  } catch (const nnviz::Error& e) {
    return e.what();
  }
  return "(no error)";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("hostile architectures are errors, not huge allocations or overflows") {
  const std::string in = R"({"input": [1, 28, 28], "layers": [)";
  CHECK(has(spec_error(in + R"({"type": "dense", "units": 2000000000}]})"), "more than the 33554432 a layer may have"));
  CHECK(has(spec_error(in + R"({"type": "dense", "units": 1e30}]})"), "whole number in the range of an int"));
  CHECK(has(spec_error(in + R"({"type": "dense", "units": 2.5}]})"), "\"units\""));
  CHECK(has(spec_error(in + R"({"type": "conv2d", "filters": 100000, "kernel": 28}]})"), "weights"));
  CHECK(has(spec_error(in + R"({"type": "conv2d", "filters": 1, "kernel": 3, "pad": 2000000000}]})"),
            "the padding 2000000000 is too large"));
  CHECK(has(spec_error(in + R"({"type": "conv2d", "filters": 4096, "kernel": 1, "pad": 100}]})"),
            "output values per sample"));
  CHECK(has(spec_error(in + R"({"type": "conv2d", "filters": 1, "kernel": 2147483647, "dilation": 2147483647}]})"),
            "does not fit"));
  CHECK(has(spec_error(in + R"({"type": "conv2d", "filters": 1, "kernel": 3, "stride": 2147483647}]})"), "stride"));
  CHECK(has(spec_error(R"({"input": [65536, 65536, 65536], "layers": [{"type": "relu"}]})"), "more than 16777216 values"));
  std::string many = in;
  for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + R"({"type": "relu"})";
  CHECK(has(spec_error(many + "]}"), "1001 layers are more than the 1000"));
  // Within each layer's limit, but not together.
  std::string deep = in + R"({"type": "dense", "units": 4096})";
  for (int i = 0; i < 3; ++i) deep += R"(, {"type": "dense", "units": 4096})";
  CHECK(has(spec_error(deep + "]}"), "more than 33554432 parameters"));
}

TEST_CASE("a JSON object with very many keys parses in linear time") {
  // Duplicate keys were looked for one by one: 40,000 keys took 16 s, a 10 MB model header hours.
  std::string s = "{";
  for (int i = 0; i < 100000; ++i) s += std::string(i ? "," : "") + "\"k" + std::to_string(i) + "\":0";
  s += "}";
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(nnviz::json::parse(s).size() == 100000);
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5.0);
  CHECK_THROWS_WITH(nnviz::json::parse(R"({"a": 1, "b": 2, "a": 3})"), doctest::Contains("duplicate key \"a\""));
}
