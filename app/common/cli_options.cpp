#include "cli_options.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "base/error.h"
#include "data/dataset.h"
#include "train/presets.h"

namespace nnviz::cli {

namespace {
std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}
}  // namespace

CLI::Validator Whole(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        const long long v = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || errno != 0) return "expects a whole number, got '" + s + "'";
        if (v < lo || v > hi)
          return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + s;
        return "";
      },
      std::to_string(lo) + ".." + std::to_string(hi));
}

CLI::Validator Number(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || errno != 0 || !std::isfinite(v)) return "expects a number, got '" + s + "'";
        if (v < lo || v > hi) return "must be between " + num(lo) + " and " + num(hi) + ", got " + s;
        return "";
      },
      num(lo) + ".." + num(hi));
}

CLI::Validator Named(void (*check)(const std::string&)) {
  return CLI::Validator(
      [check](std::string& s) -> std::string {
        try {
          check(s);
          return "";
        } catch (const Error& e) {
          return e.what();
        }
      },
      "");  // the option's type name and description say what it takes
}

void Style(CLI::App& app) {
  app.get_formatter()->label("Usage", "usage");
  app.get_formatter()->column_width(30);
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_help_flag("-h,--help", "print this help and exit");
}

int Parse(CLI::App& app, int argc, char** argv, const std::string& program) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();  // the help of the command that was asked, not only the program's
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string where = program;
    for (const CLI::App* sub : app.get_subcommands()) where += " " + sub->get_name();
    std::string what = e.what();
    // CLI11 says "--epochs: 1 required N:1..100000 missing" of an option given without its value.
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && what.find(" required ") != std::string::npos &&
        what.size() > 8 && what.compare(what.size() - 8, 8, " missing") == 0)
      what = what.substr(0, what.find(':')) + " needs a value";
    std::cerr << where << ": error: " << what << " (see " << where << " --help)\n";
    return 2;
  }
}

CLI::Option* AddPreset(CLI::App& app, std::string& name) {
  return app.add_option("--preset", name, "network and recipe ('nnviz-cli presets' lists them)")
      ->type_name("NAME")
      ->check(Named([](const std::string& s) { find_preset(s); }));
}

CLI::Option* AddDataset(CLI::App& app, std::string& name) {
  return app.add_option("--dataset", name, "mnist (the default) or fashion")
      ->type_name("NAME")
      ->check(Named([](const std::string& s) { dataset_kind_from_string(s); }));
}

CLI::Option* AddDataDir(CLI::App& app, std::string& dir) {
  return app.add_option("--data", dir, "folder with the four IDX files (raw or .gz)")->type_name("DIR");
}

CLI::Option* AddThreads(CLI::App& app, int& threads) {
  return app.add_option("--threads", threads, "threads for the matrix products and the convolutions (default 1)")
      ->type_name("T")
      ->check(Whole(1, 256));
}

CLI::Option* AddSeed(CLI::App& app, std::uint64_t& seed) {
  const CLI::Validator any_u64(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        std::strtoull(s.c_str(), &end, 10);
        if (s.empty() || s[0] == '-' || *end != '\0' || errno != 0)
          return "expects a non-negative whole number, got '" + s + "'";
        return "";
      },
      "0..2^64-1");
  return app.add_option("--seed", seed, "random seed: the starting weights and the order of the mini-batches")
      ->type_name("S")
      ->check(any_u64);
}

CLI::Option* AddEpochs(CLI::App& app, int& epochs) {
  return app.add_option("--epochs", epochs, "epochs to train (the preset's by default)")
      ->type_name("N")
      ->check(Whole(1, 100000));
}

CLI::Option* AddBatch(CLI::App& app, int& batch) {
  return app.add_option("--batch", batch, "mini-batch size")->type_name("B")->check(Whole(1, 60000));
}

CLI::Option* AddLearningRate(CLI::App& app, double& lr) {
  return app.add_option("--lr", lr, "learning rate")->type_name("X")->check(Number(1e-9, 1e3));
}

CLI::Option* AddModel(CLI::App& app, std::string& path) {
  return app.add_option("--model", path, "a model file saved by nnviz or nnviz-cli (safetensors)")
      ->type_name("FILE")
      ->required();
}

}  // namespace nnviz::cli
