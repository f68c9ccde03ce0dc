#include "base/json.h"

#include <cmath>
#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <unordered_set>

#include "base/error.h"

namespace nnviz::json {

namespace {
const char* type_name(Value::Type t) {
  switch (t) {
    case Value::Type::Null: return "null";
    case Value::Type::Bool: return "bool";
    case Value::Type::Number: return "number";
    case Value::Type::String: return "string";
    case Value::Type::Array: return "array";
    case Value::Type::Object: return "object";
  }
  return "?";
}
[[noreturn]] void type_error(Value::Type want, Value::Type got) {
  throw Error(std::string("[json] expected ") + type_name(want) + ", found " + type_name(got));
}
}  // namespace

bool Value::as_bool() const { if (type_ != Type::Bool) type_error(Type::Bool, type_); return bool_; }
double Value::as_number() const { if (type_ != Type::Number) type_error(Type::Number, type_); return num_; }
const std::string& Value::as_string() const { if (type_ != Type::String) type_error(Type::String, type_); return str_; }
const std::vector<Value>& Value::items() const { if (type_ != Type::Array) type_error(Type::Array, type_); return arr_; }
const std::vector<std::pair<std::string, Value>>& Value::members() const {
  if (type_ != Type::Object) type_error(Type::Object, type_);
  return obj_;
}

Value& Value::push(Value v) {
  if (type_ != Type::Array) type_error(Type::Array, type_);
  arr_.push_back(std::move(v));
  return arr_.back();
}

size_t Value::size() const {
  if (type_ == Type::Array) return arr_.size();
  if (type_ == Type::Object) return obj_.size();
  return 0;
}

const Value& Value::operator[](size_t i) const {
  const auto& a = items();
  if (i >= a.size()) throw Error("[json] array index " + std::to_string(i) + " out of range");
  return a[i];
}

Value& Value::set(const std::string& key, Value v) {
  if (type_ != Type::Object) type_error(Type::Object, type_);
  for (auto& kv : obj_)
    if (kv.first == key) return kv.second = std::move(v);
  obj_.emplace_back(key, std::move(v));
  return obj_.back().second;
}

Value& Value::append(std::string key, Value v) {
  if (type_ != Type::Object) type_error(Type::Object, type_);
  obj_.emplace_back(std::move(key), std::move(v));
  return obj_.back().second;
}

const Value* Value::find(const std::string& key) const {
  if (type_ != Type::Object) return nullptr;
  for (const auto& kv : obj_)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

const Value& Value::at(const std::string& key) const {
  if (type_ != Type::Object) type_error(Type::Object, type_);
  const Value* v = find(key);
  if (!v) throw Error("[json] missing key \"" + key + "\"");
  return *v;
}

namespace {
// The member `key` of v read by `get`, or def when absent; an error names the key.
template <class T, class Get>
T get_member(const Value& v, const std::string& key, T def, Get get) {
  const Value* m = v.find(key);
  if (!m) return def;
  try {
    return get(*m);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " for \"" + key + "\"");
  }
}
}  // namespace

double Value::get_number(const std::string& key, double def) const {
  return get_member(*this, key, def, [](const Value& m) { return m.as_number(); });
}
std::string Value::get_string(const std::string& key, const std::string& def) const {
  return get_member(*this, key, def, [](const Value& m) { return m.as_string(); });
}
bool Value::get_bool(const std::string& key, bool def) const {
  return get_member(*this, key, def, [](const Value& m) { return m.as_bool(); });
}

int Value::as_int() const {
  const double x = as_number();
  if (!(x >= -2147483648.0 && x <= 2147483647.0) || x != std::floor(x)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    throw Error(std::string("[json] expected a whole number in the range of an int, found ") + buf);
  }
  return static_cast<int>(x);
}

int Value::get_int(const std::string& key, int def) const {
  return get_member(*this, key, def, [](const Value& m) { return m.as_int(); });
}

float Value::as_float() const {
  const double x = as_number();
  if (!(std::fabs(x) <= double(std::numeric_limits<float>::max()))) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    throw Error(std::string("[json] expected a number in the range of a float, found ") + buf);
  }
  return static_cast<float>(x);
}

float Value::get_float(const std::string& key, float def) const {
  return get_member(*this, key, def, [](const Value& m) { return m.as_float(); });
}

std::string escape(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Value::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

void Value::dump_to(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  switch (type_) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += bool_ ? "true" : "false"; break;
    case Type::Number: {
      if (!std::isfinite(num_)) { out += "null"; break; }  // JSON has no NaN/Inf
      char buf[32];
      if (num_ == std::floor(num_) && std::fabs(num_) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", num_);
      else
        std::snprintf(buf, sizeof buf, "%.9g", num_);
      out += buf;
      break;
    }
    case Type::String: out += escape(str_); break;
    case Type::Array:
      out += '[';
      for (size_t i = 0; i < arr_.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        arr_[i].dump_to(out, indent, depth + 1);
      }
      if (!arr_.empty()) newline(depth);
      out += ']';
      break;
    case Type::Object:
      out += '{';
      for (size_t i = 0; i < obj_.size(); ++i) {
        if (i) out += ",";
        newline(depth + 1);
        out += escape(obj_[i].first);
        out += indent < 0 ? ":" : ": ";
        obj_[i].second.dump_to(out, indent, depth + 1);
      }
      if (!obj_.empty()) newline(depth);
      out += '}';
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

namespace {

class Parser {
 public:
  Parser(const std::string& s, int max_depth) : s_(s), max_depth_(max_depth) {}

  Value document() {
    Value v = value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("[json] " + what + " at offset " + std::to_string(pos_));
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  void skip_ws() {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c || at_end()) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void literal(const char* word) {
    for (const char* p = word; *p; ++p) {
      if (at_end() || s_[pos_] != *p) fail("invalid literal");
      ++pos_;
    }
  }

  Value value(int depth) {
    if (depth > max_depth_) fail("nesting deeper than " + std::to_string(max_depth_));
    skip_ws();
    if (at_end()) fail("unexpected end of input");
    switch (s_[pos_]) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return Value(string());
      case 't': literal("true"); return Value(true);
      case 'f': literal("false"); return Value(false);
      case 'n': literal("null"); return Value();
      default: return Value(number());
    }
  }

  Value object(int depth) {
    expect('{');
    Value obj = Value::object();
    skip_ws();
    if (peek() == '}') { ++pos_; return obj; }
    std::unordered_set<std::string> keys;  // duplicates in constant time: a big object is not quadratic
    for (;;) {
      skip_ws();
      if (peek() != '"') fail("expected a string key");
      std::string key = string();
      if (!keys.insert(key).second) fail("duplicate key \"" + key + "\"");
      skip_ws();
      expect(':');
      obj.append(std::move(key), value(depth + 1));
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      expect('}');
      return obj;
    }
  }

  Value array(int depth) {
    expect('[');
    Value arr = Value::array();
    skip_ws();
    if (peek() == ']') { ++pos_; return arr; }
    for (;;) {
      arr.push(value(depth + 1));
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      expect(']');
      return arr;
    }
  }

  unsigned hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else fail("bad \\u escape");
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (at_end()) fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return out;
      if (c < 0x20) fail("control character in string");
      if (c != '\\') { out += static_cast<char>(c); continue; }
      if (at_end()) fail("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // surrogate pair
            if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') fail("lone surrogate");
            pos_ += 2;
            unsigned lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("lone surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  double number() {
    const size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') ++pos_;
    else if (peek() >= '1' && peek() <= '9') while (!at_end() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    else fail("invalid value");
    if (peek() == '.') {
      ++pos_;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("invalid number");
      while (!at_end() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("invalid number");
      while (!at_end() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    return std::strtod(s_.substr(start, pos_ - start).c_str(), nullptr);
  }

  const std::string& s_;
  size_t pos_ = 0;
  int max_depth_;
};

}  // namespace

Value parse(const std::string& text, int max_depth) { return Parser(text, max_depth).document(); }

}  // namespace nnviz::json
