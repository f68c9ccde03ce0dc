// nnviz-cli: train, evaluate and inspect nnviz models from a terminal.
//
//   nnviz-cli train --preset mlp100 [options]     train a preset, optionally save the model
//   nnviz-cli eval --model FILE [--data DIR]      test accuracy and per-class accuracy
//   nnviz-cli show --index I [--set train|val|test]  a digit as ASCII art with its label
//   nnviz-cli predict --model FILE IMAGE...        classify images (PNG, JPEG, PGM, BMP)
//   nnviz-cli compare --ready optimizers           a race of runs that differ in one setting
//   nnviz-cli export --model FILE --onnx OUT       the model as ONNX (Netron, ONNX Runtime)
//   nnviz-cli presets                             the available presets
//
// Each command is a file of its own (commands.h); this is the program around them.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli_options.h"
#include "commands.h"


namespace cli = nnviz::cli;

int main(int argc, char** argv) {
  CLI::App app("nnviz-cli: train and inspect neural networks on MNIST", "nnviz-cli");
  cli::Style(app);
  app.require_subcommand(1);
  app.footer(cli::kDataNote);
  const std::vector<cli::Command> commands = {cli::AddTrain(app), cli::AddEval(app),    cli::AddShow(app),
                                              cli::AddPredict(app), cli::AddCompare(app), cli::AddExport(app),
                                              cli::AddPresets(app)};

  if (argc < 2) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "help") {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  if (cmd[0] != '-' && app.get_subcommands([&](CLI::App* c) { return c->get_name() == cmd; }).empty()) {
    std::fprintf(stderr, "nnviz-cli: unknown command '%s' (see nnviz-cli --help)\n", cmd.c_str());
    return 2;
  }
  if (const int code = cli::Parse(app, argc, argv, "nnviz-cli"); code >= 0) return code;
  try {
    for (const cli::Command& c : commands)
      if (c.app->parsed()) return c.run();
    return 2;  // require_subcommand(1) leaves no other case
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz-cli %s: error: %s\n", cmd.c_str(), e.what());
    return 1;
  }
}
