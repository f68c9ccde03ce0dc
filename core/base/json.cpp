#include "base/json.h"

#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <limits>
#include <unordered_set>

#include <nlohmann/json.hpp>

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

namespace {
// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 if there is none.
size_t utf8_length(const std::string& s, size_t i) {
  auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  auto cont = [&](size_t k) { return (byte(k) & 0xC0u) == 0x80u; };
  const unsigned c = byte(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return byte(i + 1) >= lo && byte(i + 1) <= hi && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return byte(i + 1) >= lo && byte(i + 1) <= hi && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}
}  // namespace

std::string escape(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
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
        } else if (const size_t n = utf8_length(s, i)) {
          out.append(s, i, n);
          i += n;
          continue;
        } else {
          out += "\\ufffd";  // JSON text is UTF-8: a byte that is not becomes the replacement character
        }
    }
    ++i;
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
      if (num_ == std::floor(num_) && std::fabs(num_) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.0f", num_);
      } else {
        // The fewest digits (up to 9) that read back to the same number; a number that came
        // from a float (a learning rate of 0.1f) to the same float: "0.1", not "0.100000001".
        const bool from_float = double(float(num_)) == num_;
        for (int digits = 1; digits <= 9; ++digits) {
          std::snprintf(buf, sizeof buf, "%.*g", digits, num_);
          if (std::strtod(buf, nullptr) == num_ || (from_float && std::strtof(buf, nullptr) == float(num_))) break;
        }
      }
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
// Parser: nlohmann's (strict RFC 8259, UTF-8 checked, iterative, so deep nesting costs no stack),
// driven through its event interface so that the tree is built here, under nnviz's own limits.

namespace {

// Builds a Value from nlohmann's parse events. Refuses what nnviz does not accept in its files and
// nlohmann's own tree would: nesting deeper than max_depth, a key twice in one object, a number
// beyond a double. Every refusal becomes one message in `error`.
class TreeBuilder {
 public:
  using Json = nlohmann::json;
  explicit TreeBuilder(int max_depth) : max_depth_(max_depth) {}

  bool null() { return put(Value()); }
  bool boolean(bool b) { return put(Value(b)); }
  bool number_integer(Json::number_integer_t x) { return put(Value(static_cast<double>(x))); }
  bool number_unsigned(Json::number_unsigned_t x) { return put(Value(static_cast<double>(x))); }
  bool number_float(Json::number_float_t x, const std::string&) { return put(Value(x)); }
  bool string(std::string& s) { return put(Value(std::move(s))); }
  bool binary(Json::binary_t&) { return refuse("binary values are not JSON"); }

  bool start_object(std::size_t) { return open(Value::object()); }
  bool start_array(std::size_t) { return open(Value::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    Frame& f = stack_.back();
    if (!f.keys.insert(k).second) return refuse("duplicate key \"" + k + "\"");
    f.key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
    if (e.id == 406) {  // a number beyond a double: name the member it was for
      error = "number " + shorten(token) + " is out of the range of a double" + where();
      return false;
    }
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line L, column C: what";
    // nnviz keeps "what" and gives the byte offset instead of line and column.
    std::string what = e.what();
    const size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    error = shorten(what, 160) + " at offset " + std::to_string(position > 0 ? position - 1 : 0);
    return false;
  }

  Value root;
  std::string error;

 private:
  struct Frame {
    Value value;
    std::string key;                       // the member being read, for an object
    std::unordered_set<std::string> keys;  // duplicates in constant time: a big object is not quadratic
  };

  static std::string shorten(const std::string& s, size_t most = 40) {
    return s.size() <= most ? s : s.substr(0, most) + "...";
  }
  std::string where() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    if (f.value.is_object()) return " for \"" + f.key + "\"";
    return " in an array" + (stack_.size() >= 2 && stack_[stack_.size() - 2].value.is_object()
                                 ? " for \"" + stack_[stack_.size() - 2].key + "\""
                                 : std::string());
  }
  bool refuse(std::string what) {
    error = std::move(what);
    return false;
  }
  // A value at depth d (the number of containers around it) is refused when d > max_depth.
  bool deep() { return static_cast<int>(stack_.size()) > max_depth_; }

  bool put(Value v) {
    if (deep()) return refuse("nesting deeper than " + std::to_string(max_depth_));
    if (stack_.empty()) { root = std::move(v); return true; }
    Frame& f = stack_.back();
    if (f.value.is_object()) f.value.append(std::move(f.key), std::move(v));
    else f.value.push(std::move(v));
    return true;
  }
  bool open(Value container) {
    if (deep()) return refuse("nesting deeper than " + std::to_string(max_depth_));
    stack_.push_back(Frame{std::move(container), {}, {}});
    return true;
  }
  bool close() {
    Value done = std::move(stack_.back().value);
    stack_.pop_back();
    return put(std::move(done));
  }

  int max_depth_;
  std::vector<Frame> stack_;
};

}  // namespace

Value parse(const std::string& text, int max_depth) {
  TreeBuilder tree(max_depth);
  if (!nlohmann::json::sax_parse(text, &tree)) throw Error("[json] " + tree.error);
  return std::move(tree.root);
}

}  // namespace nnviz::json
