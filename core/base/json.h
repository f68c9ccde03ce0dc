// A small JSON value and writer, and a parser over nlohmann's: enough for safetensors headers, model
// metadata and configuration files. Objects keep their key order, and the typed getters name the
// key in their errors. The parser is nlohmann's strict RFC 8259 one; on top of it nnviz limits
// nesting depth and refuses duplicate keys and numbers beyond a double, so a hostile file is an
// error, never a crash.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nnviz::json {

class Value {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : type_(Type::Bool), bool_(b) {}
  Value(double d) : type_(Type::Number), num_(d) {}
  Value(int i) : type_(Type::Number), num_(i) {}
  Value(long i) : type_(Type::Number), num_(static_cast<double>(i)) {}
  Value(long long i) : type_(Type::Number), num_(static_cast<double>(i)) {}
  Value(unsigned long i) : type_(Type::Number), num_(static_cast<double>(i)) {}
  Value(const char* s) : type_(Type::String), str_(s) {}
  Value(std::string s) : type_(Type::String), str_(std::move(s)) {}

  static Value array() { Value v; v.type_ = Type::Array; return v; }
  static Value object() { Value v; v.type_ = Type::Object; return v; }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_bool() const { return type_ == Type::Bool; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }

  // Typed access; throw nnviz::Error("[json] ...") on a type mismatch.
  bool as_bool() const;
  double as_number() const;
  const std::string& as_string() const;
  const std::vector<Value>& items() const;                           // array
  const std::vector<std::pair<std::string, Value>>& members() const;  // object

  // Array building and access.
  Value& push(Value v);
  size_t size() const;  // array or object size
  const Value& operator[](size_t i) const;

  // Object building and access. set() replaces an existing key; append() adds a member without
  // looking for one (constant time: for callers that know the key is new, such as the parser).
  Value& set(const std::string& key, Value v);
  Value& append(std::string key, Value v);
  const Value* find(const std::string& key) const;  // nullptr if absent (or not an object)
  bool has(const std::string& key) const { return find(key) != nullptr; }
  const Value& at(const std::string& key) const;    // throws if absent

  // Convenience getters with defaults for optional fields.
  double get_number(const std::string& key, double def) const;
  std::string get_string(const std::string& key, const std::string& def) const;
  bool get_bool(const std::string& key, bool def) const;
  // Whole numbers in the range of an int (3 or 3.0, not 3.5 or 1e30); anything else throws
  // Error("[json] ...") rather than being converted (out of range, that is undefined behaviour).
  int as_int() const;
  int get_int(const std::string& key, int def) const;
  // Numbers within the range of a float (1e300 or 1e400, which parses as infinity, are not: as a
  // float they would be infinite); anything else throws Error("[json] ...").
  float as_float() const;
  float get_float(const std::string& key, float def) const;
  // The get_* getters name the key in their errors: "... for \"lr\"".

  std::string dump(int indent = -1) const;  // indent < 0: compact

 private:
  void dump_to(std::string& out, int indent, int depth) const;
  Type type_ = Type::Null;
  bool bool_ = false;
  double num_ = 0;
  std::string str_;
  std::vector<Value> arr_;
  std::vector<std::pair<std::string, Value>> obj_;
};

// Parses a whole document; throws nnviz::Error("[json] <what>") on any error: a syntax error gives
// its byte offset ("... at offset N"), a number beyond a double names its key ("... for \"lr\"").
Value parse(const std::string& text, int max_depth = 64);

std::string escape(const std::string& s);  // the quoted JSON string literal

}  // namespace nnviz::json
