// The commands of nnviz-cli, one file each (train.cpp, compare.cpp, inspect.cpp, export.cpp): a command adds
// itself and its options to the program, and runs once the command line is parsed. Its options are
// defined once, with their checks (cli_options.h); the help is made from them.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace nnviz::cli {

struct Command {
  CLI::App* app;             // the subcommand: parsed() says whether it was chosen
  std::function<int()> run;  // its work; the exit code
};

Command AddTrain(CLI::App& program);
Command AddEval(CLI::App& program);
Command AddPredict(CLI::App& program);
Command AddShow(CLI::App& program);
Command AddPresets(CLI::App& program);
Command AddCompare(CLI::App& program);
Command AddExport(CLI::App& program);

// What every command that reads data ends its help with: where the data comes from.
extern const char* const kDataNote;

double now();                    // seconds on the steady clock
std::string fmt_rate(double v);  // 1234567 -> "1.23M"
// A save destination that cannot work (a missing or read-only folder, a link, a device) is
// refused before hours of training, not after.
void check_destination(const std::string& path);
// Saves through `save`; if that still fails at the end (the disk filled, the folder went away),
// the result is kept in the user's nnviz data folder instead and the message says where.
void save_or_rescue(const std::string& path, const std::function<void(const std::string&)>& save);

}  // namespace nnviz::cli
