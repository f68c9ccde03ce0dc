#include "args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "base/scalar.h"

namespace nnviz::cli {

Args::Args(int argc, char** argv, int first, const std::set<std::string>& valued, const std::set<std::string>& flags) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flags.count(name)) {
      if (inline_value) throw Error("option --" + name + " takes no value");
      flags_set_.insert(name);
    } else if (valued.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argc) throw Error("option --" + name + " needs a value");
        value = argv[++i];
      }
      values_[name] = value;
      repeated_[name].push_back(value);
    } else {
      throw Error("unknown option --" + name + " (see --help)");
    }
  }
}

std::string Args::str(const std::string& name, const std::string& def) const {
  auto it = values_.find(name);
  return it == values_.end() ? def : it->second;
}

const std::vector<std::string>& Args::all(const std::string& name) const {
  static const std::vector<std::string> none;
  auto it = repeated_.find(name);
  return it == repeated_.end() ? none : it->second;
}

double Args::number(const std::string& name, double def, double lo, double hi) const {
  auto it = values_.find(name);
  if (it == values_.end()) return def;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || errno != 0 || !std::isfinite(v))
    throw Error("--" + name + " expects a number, got '" + it->second + "'");
  if (v < lo || v > hi)
    throw Error("--" + name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                it->second);
  return v;
}

int Args::integer(const std::string& name, int def, int lo, int hi) const {
  auto it = values_.find(name);
  if (it == values_.end()) return def;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno != 0)
    throw Error("--" + name + " expects a whole number, got '" + it->second + "'");
  if (v < lo || v > hi)
    throw Error("--" + name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                it->second);
  return static_cast<int>(v);
}

uint64_t Args::u64(const std::string& name, uint64_t def) const {
  auto it = values_.find(name);
  if (it == values_.end()) return def;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(it->second.c_str(), &end, 10);
  if (it->second.empty() || it->second[0] == '-' || *end != '\0' || errno != 0)
    throw Error("--" + name + " expects a non-negative whole number, got '" + it->second + "'");
  return v;
}

}  // namespace nnviz::cli
