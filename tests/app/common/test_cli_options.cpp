// The command lines of both programs (app/common/cli_options.*): what the checks accept and refuse,
// and the words of the refusals.
#include <doctest/doctest.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "cli_options.h"
#include "data/dataset.h"

using namespace nnviz;

namespace {

// A small program with one option of each kind; Run parses `args` and keeps what was printed.
struct Program {
  CLI::App app{"test program", "prog"};
  int batch = 0;
  double lr = 0;
  std::string dataset;
  std::uint64_t seed = 0;
  std::string err, out;

  Program() {
    cli::Style(app);
    cli::AddBatch(app, batch);
    cli::AddLearningRate(app, lr);
    cli::AddDataset(app, dataset);
    cli::AddSeed(app, seed);
  }
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "prog");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream e, o;
    auto* old_err = std::cerr.rdbuf(e.rdbuf());
    auto* old_out = std::cout.rdbuf(o.rdbuf());
    const int code = cli::Parse(app, int(argv.size()), argv.data(), "prog");
    std::cerr.rdbuf(old_err);
    std::cout.rdbuf(old_out);
    err = e.str();
    out = o.str();
    return code;
  }
};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("options: good values are read, in either form, and the last of a repeated option wins") {
  Program p;
  CHECK(p.Run({"--batch", "32", "--lr=0.05", "--dataset", "fashion", "--seed", "18446744073709551615"}) == -1);
  CHECK(p.batch == 32);
  CHECK(p.lr == 0.05);
  CHECK(p.dataset == "fashion");
  CHECK(p.seed == 18446744073709551615ull);
  Program q;
  CHECK(q.Run({"--batch", "8", "--batch", "16"}) == -1);
  CHECK(q.batch == 16);
}

TEST_CASE("options: a bad value is refused with the option, the problem and where help is") {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{"--batch", "12abc"}, "prog: error: --batch: expects a whole number, got '12abc' (see prog --help)"},
      {{"--batch", "0"}, "--batch: must be between 1 and 60000, got 0"},
      {{"--batch", "99999999999999999999"}, "--batch: expects a whole number"},
      {{"--lr", "fast"}, "--lr: expects a number, got 'fast'"},
      {{"--lr", "nan"}, "--lr: expects a number, got 'nan'"},
      {{"--lr", "inf"}, "--lr: expects a number, got 'inf'"},
      {{"--lr", "1e9"}, "--lr: must be between 1e-09 and 1000, got 1e9"},
      {{"--dataset", "cifar"}, "--dataset: [data] unknown dataset 'cifar'"},
      {{"--seed", "-1"}, "--seed: expects a non-negative whole number, got '-1'"},
      {{"--batch"}, "prog: error: --batch needs a value"},
      {{"--bogus"}, "not expected: --bogus"},
      {{"stray"}, "not expected: stray"},
  };
  for (const Case& c : cases) {
    Program p;
    INFO(c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : ""));
    CHECK(p.Run(c.args) == 2);
    INFO(p.err);
    CHECK(has(p.err, c.message));
  }
}

TEST_CASE("options: --help prints the help made from the definitions, and exits 0") {
  Program p;
  CHECK(p.Run({"--help"}) == 0);
  CHECK(has(p.out, "usage: prog [OPTIONS]"));
  CHECK(has(p.out, "--batch B:1..60000"));
  CHECK(has(p.out, "--lr X:1e-09..1000"));
  CHECK(p.err.empty());
}
