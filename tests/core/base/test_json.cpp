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

TEST_CASE("json counts nesting as the containers around a value, up to the limit and no further") {
  // Depth 3 allows a value inside three containers, not inside four.
  CHECK_NOTHROW(json::parse("[[[1]]]", 3));
  CHECK_NOTHROW(json::parse("[[[[]]]]", 3));
  CHECK_THROWS_WITH_AS(json::parse("[[[[1]]]]", 3), "[json] nesting deeper than 3", Error);
  CHECK_THROWS_WITH_AS(json::parse(R"({"a":{"b":{"c":{"d":1}}}})", 3), "[json] nesting deeper than 3", Error);
  // A million open brackets is refused, not a stack overflow.
  CHECK_THROWS_AS(json::parse(std::string(1000000, '[')), Error);
}

TEST_CASE("json refuses numbers beyond a double, naming the member, and text that is not UTF-8") {
  CHECK_THROWS_WITH_AS(json::parse(R"({"opt":{"lr":1e400}})"),
                       "[json] number 1e400 is out of the range of a double for \"lr\"", Error);
  CHECK_THROWS_WITH_AS(json::parse(R"({"values":[1,-2e999]})"),
                       "[json] number -2e999 is out of the range of a double in an array for \"values\"", Error);
  CHECK(json::parse("1e308").as_number() == 1e308);
  CHECK(json::parse("18446744073709551616").as_number() == 18446744073709551616.0);  // beyond 64 bits
  CHECK_THROWS_AS(json::parse("\"\xC3\""), Error);            // a truncated two-byte sequence
  CHECK_THROWS_AS(json::parse("\"\xFF\xFE\""), Error);        // bytes that are never UTF-8
  CHECK(json::parse("\"\xE2\x82\xAC\"").as_string() == "\xE2\x82\xAC");
}

TEST_CASE("json error messages stay short however long the offending text") {
  try {
    json::parse("\"" + std::string(100000, 'a'));
    FAIL("no throw");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).size() < 300);
    CHECK(std::string(e.what()).find("offset") != std::string::npos);
  }
}

TEST_CASE("json writes only UTF-8: a byte that is not becomes U+FFFD, so the text reads back") {
  json::Value v = json::Value::object();
  v.set("path", "caf\xE9/\xE2\x82\xAC/\xF0\x9F\x98\x80/\xED\xA0\x80");  // Latin-1 e-acute, euro, emoji, a surrogate
  const std::string text = v.dump();
  CHECK(text == "{\"path\":\"caf\\ufffd/\xE2\x82\xAC/\xF0\x9F\x98\x80/\\ufffd\\ufffd\\ufffd\"}");
  CHECK(json::parse(text).at("path").as_string() == "caf\xEF\xBF\xBD/\xE2\x82\xAC/\xF0\x9F\x98\x80/\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("json writes numbers in the fewest digits that read back, a float's as that float") {
  auto written = [](double x) { return json::Value(x).dump(); };
  CHECK(written(double(0.1f)) == "0.1");  // a learning rate set as a float, not "0.100000001"
  CHECK(written(double(3e-4f)) == "0.0003");
  CHECK(written(0.1) == "0.1");
  CHECK(written(1.0 / 3) == "0.333333333");  // a double keeps nine digits, as before
  CHECK(written(2.5) == "2.5");
  CHECK(written(-1e-7) == "-1e-07");
  for (float f : {0.1f, 3e-4f, 0.9f, 1.1f, 123.456f, 1e-30f, 7.0e20f})
    CHECK(float(json::parse(written(double(f))).as_number()) == f);
}
