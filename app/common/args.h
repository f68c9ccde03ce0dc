// The command-line parser of both programs, nnviz and nnviz-cli: "--name value" (or
// "--name=value") and "--flag" options, after a subcommand for nnviz-cli, plus positional
// arguments. Unknown options and bad values are errors that name the option; numbers are checked
// whole (no "12abc") and against their range.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace nnviz::cli {

class Args {
 public:
  // `valued`: options that take a value; `flags`: options that do not.
  Args(int argc, char** argv, int first, const std::set<std::string>& valued, const std::set<std::string>& flags);

  bool has(const std::string& name) const { return values_.count(name) || flags_set_.count(name); }
  std::string str(const std::string& name, const std::string& def = "") const;
  // Every value given to an option that may be repeated (--open a --open b), in order.
  const std::vector<std::string>& all(const std::string& name) const;
  int integer(const std::string& name, int def, int lo, int hi) const;
  double number(const std::string& name, double def, double lo, double hi) const;
  uint64_t u64(const std::string& name, uint64_t def) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;  // the last value of each option
  std::map<std::string, std::vector<std::string>> repeated_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positional_;
};

}  // namespace nnviz::cli
