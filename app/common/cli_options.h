// The command lines of both programs, nnviz and nnviz-cli, through CLI11 (libcli11-dev): each
// option is defined once, with its check, and the help is made from those definitions, so the
// usage text cannot drift from what is parsed. The checks speak nnviz's words ("--batch: must be
// between 1 and 60000, got 0"); numbers are read whole ("12abc" is refused) and checked against
// their range before CLI11 converts them.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace nnviz::cli {

// A whole number in [lo, hi].
CLI::Validator Whole(long long lo, long long hi);
// A finite number in [lo, hi].
CLI::Validator Number(double lo, double hi);
// A name that `check` accepts: check throws nnviz::Error with the message for anything else
// (the same functions that read the name from a file, so the two cannot disagree).
CLI::Validator Named(void (*check)(const std::string&));

// nnviz's conventions on a program or command: "usage:" in lower case, the last of a repeated
// option wins (as in most Unix tools), "--name=value" and "--name value" both work.
void Style(CLI::App& app);

// Parses argv into `app`. Returns -1 to go on; otherwise the exit code after printing the help
// (0, for --help) or the error, naming `program` and pointing to --help (2).
int Parse(CLI::App& app, int argc, char** argv, const std::string& program);

// The options more than one command or program takes, each defined here once.
CLI::Option* AddPreset(CLI::App& app, std::string& name);
CLI::Option* AddDataset(CLI::App& app, std::string& name);  // mnist or fashion
CLI::Option* AddDataDir(CLI::App& app, std::string& dir);
CLI::Option* AddThreads(CLI::App& app, int& threads);
CLI::Option* AddSeed(CLI::App& app, std::uint64_t& seed);
CLI::Option* AddEpochs(CLI::App& app, int& epochs);
CLI::Option* AddBatch(CLI::App& app, int& batch);
CLI::Option* AddLearningRate(CLI::App& app, double& lr);
CLI::Option* AddModel(CLI::App& app, std::string& path);

}  // namespace nnviz::cli
