// nnviz-cli export: a saved model (or run) file written in another format, for the tools outside
// nnviz: ONNX for Netron, ONNX Runtime and the frameworks that import it.
#include <cstdio>
#include <string>

#include "base/error.h"
#include "base/fileio.h"
#include "commands.h"
#include "cli_options.h"
#include "io/model_io.h"
#include "io/onnx_export.h"

namespace nnviz::cli {

namespace {

struct ExportArgs {
  std::string model, onnx;
};

CLI::App* DefineExport(CLI::App& app, ExportArgs& a) {
  CLI::App* c = app.add_subcommand("export", "write a saved model in another format (ONNX)");
  cli::AddModel(*c, a.model);
  c->add_option("--onnx", a.onnx, "write the model as ONNX (opset 13) to FILE")->type_name("FILE")->required();
  c->footer(
      "The ONNX model takes \"pixels\", float [batch, channels, height, width] with values in [0, 1] (byte / 255),\n"
      "normalises them as nnviz did in training, and gives \"logits\" and \"probabilities\" (a classifier) or\n"
      "\"output\" (a net trained with mean squared error). It opens in Netron and runs in ONNX Runtime.");
  return c;
}

int run_export(const ExportArgs& a) {
  LoadedModel m = load_model(a.model);
  if (const std::string why = save_destination_problem(a.onnx); !why.empty())
    throw Error("cannot write " + a.onnx + ": " + why);
  export_onnx(a.onnx, m.net, m.meta);
  const Shape in = m.net.input_shape();
  const int k = m.net.output_shape().size();
  std::printf("wrote %s (ONNX opset 13): %s\n", a.onnx.c_str(), m.net.spec().describe().c_str());
  std::printf("  input  \"pixels\" [batch, %d, %d, %d], values in [0, 1]\n", in.c, in.h, in.w);
  if (m.net.is_classifier())
    std::printf("  output \"logits\" [batch, %d] and \"probabilities\" [batch, %d]\n", k, k);
  else
    std::printf("  output \"output\" [batch, %d]\n", k);
  return 0;
}

}  // namespace

Command AddExport(CLI::App& program) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* c = DefineExport(program, *a);
  return {c, [a] { return run_export(*a); }};
}

}  // namespace nnviz::cli
