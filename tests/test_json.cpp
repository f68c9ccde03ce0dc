#include <doctest/doctest.h>

#include "base/json.h"
#include "base/scalar.h"

using namespace nnviz;

TEST_CASE("json round trip keeps order, types and escapes") {
  json::Value v = json::Value::object();
  v.set("b", 1.5);
  v.set("a", "x\"y\n\x01");
  json::Value arr = json::Value::array();
  arr.push(1);
  arr.push(true);
  arr.push(nullptr);
  v.set("arr", arr);
  const std::string text = v.dump();
  CHECK(text == R"({"b":1.5,"a":"x\"y\n\u0001","arr":[1,true,null]})");
  const json::Value back = json::parse(text);
  CHECK(back.dump() == text);
  CHECK(back.at("a").as_string() == "x\"y\n\x01");
  CHECK(back.members()[0].first == "b");
}

TEST_CASE("json parses unicode escapes and numbers") {
  const json::Value v = json::parse(R"({"s":"\u00e9\ud83d\ude00","n":-1.25e2,"z":0})");
  CHECK(v.at("s").as_string() == "\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(v.at("n").as_number() == -125.0);
  CHECK(v.at("z").as_number() == 0.0);
}

TEST_CASE("json rejects malformed input with an offset") {
  for (const char* bad : {"", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "\"abc", "\"\\x\"", "tru",
                          "{\"a\":1}x", "{\"a\":1,\"a\":2}", "\"\\ud800\"", "nul", "[1 2]"}) {
    INFO(bad);
    CHECK_THROWS_AS(json::parse(bad), Error);
  }
  try {
    json::parse("[1, 2, x]");
    FAIL("no throw");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("offset 7") != std::string::npos);
  }
}

TEST_CASE("json limits nesting depth") {
  CHECK_THROWS_AS(json::parse(std::string(100, '[') + std::string(100, ']')), Error);
  CHECK_NOTHROW(json::parse(std::string(20, '[') + std::string(20, ']')));
}

TEST_CASE("json typed access errors are clear") {
  const json::Value v = json::parse(R"({"a":"text"})");
  CHECK_THROWS_WITH_AS(v.at("a").as_number(), "[json] expected number, found string", Error);
  CHECK_THROWS_WITH_AS(v.at("missing"), "[json] missing key \"missing\"", Error);
}
