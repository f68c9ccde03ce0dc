// nnviz-cli's commands that read rather than train: eval (a model on the test set), predict
// (a model on image files), show (a dataset image as ASCII art) and presets (the list).
#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "base/parallel.h"
#include "cli_options.h"
#include "commands.h"
#include "data/dataset.h"
#include "data/image_file.h"
#include "data/image_folder.h"
#include "data/preprocess.h"
#include "io/model_io.h"
#include "nn/loss.h"
#include "train/presets.h"
#include "train/trainer.h"

namespace nnviz::cli {

namespace {

struct EvalArgs {
  std::string model, data;
  int threads = 1;
};

CLI::App* DefineEval(CLI::App& app, EvalArgs& a) {
  CLI::App* c = app.add_subcommand("eval", "test accuracy and per-class accuracy of a saved model");
  cli::AddModel(*c, a.model);
  cli::AddDataDir(*c, a.data);
  cli::AddThreads(*c, a.threads);
  c->footer(kDataNote);
  return c;
}

namespace {
// The folder of images a model was trained on (or --data's), read again as it saw it: the same
// size, colours and split seed; its classes must be the model's, in the same order.
Dataset folder_of(const LoadedModel& m, const std::string& data_dir, const std::string& model) {
  const TrainConfig& c = m.meta.config;
  const std::string dir = data_dir.empty() ? c.folder : data_dir;
  if (dir.empty())
    throw Error("[eval] " + model + ": it was trained on a folder of images and does not say which: give it with --data DIR");
  Dataset d = load_image_folder(dir, folder_options_for(m.net.spec().input, c.folder_seed, m.meta.norm.mode));
  if (const std::string problem = c.classes_problem(d); !problem.empty()) throw Error("[eval] " + model + ": " + problem);
  // Normalised as the model was trained (the folder may have gained pictures since).
  d.norm = m.meta.norm;
  for (Split* s : {&d.train, &d.val, &d.test}) s->normalise(d.norm);
  return d;
}
}  // namespace

int run_eval(const EvalArgs& a) {
  Eigen::setNbThreads(a.threads);
  set_threads(a.threads);
  LoadedModel m = load_model(a.model);
  const DatasetKind kind = m.meta.config.dataset;
  Dataset data = kind == DatasetKind::Folder ? folder_of(m, a.data, a.model)
                                             : Dataset::load(kind, resolve_data_dir(kind, a.data), m.meta.norm.mode, 10000, &m.meta.norm);
  check_fits(m.net, data.input_shape(), data.num_classes, "eval", a.model);
  if (data.test.count == 0) throw Error("[eval] " + data.source + ": the test set is empty: nothing to evaluate");
  std::vector<int> pred;
  const EvalStats e = evaluate(m.net, data.test, -1, &pred);
  std::printf("model: %s\nnet:   %s\n", a.model.c_str(), m.net.spec().describe().c_str());
  std::printf("test accuracy %.2f%%  (%d images, loss %.4f)\n", e.accuracy * 100, e.count, e.loss);
  std::vector<int> right(data.num_classes, 0), total(data.num_classes, 0);
  for (int i = 0; i < data.test.count; ++i) {
    total[data.test.y[i]]++;
    right[data.test.y[i]] += pred[i] == data.test.y[i];
  }
  std::printf("per class:\n");
  for (int c = 0; c < data.num_classes; ++c)
    std::printf("  %-12s %6.2f%%  (%d/%d)\n", data.class_names()[c].c_str(), total[c] ? 100.0 * right[c] / total[c] : 0.0,
                right[c], total[c]);
  return 0;
}

struct PredictArgs {
  std::string model;
  std::vector<std::string> images;
  bool json = false;
};

CLI::App* DefinePredict(CLI::App& app, PredictArgs& a) {
  CLI::App* c = app.add_subcommand("predict", "classify image files with a saved model");
  c->footer(
      "Each image (PNG, JPEG, PGM or BMP; any size; gray or colour; with or without alpha; dark ink on light\n"
      "paper or light on dark, detected) is prepared the way MNIST's digits were: cropped to the ink, scaled to\n"
      "20 px, its centre of mass centred in 28x28. A model trained on a folder of images reads each picture\n"
      "whole, at its size and in its colours, as its folder's were read, and names its classes.");
  cli::AddModel(*c, a.model);
  c->add_flag("--json", a.json, "one JSON object per image");
  c->add_option("images", a.images, "the image files")->type_name("IMAGE");
  return c;
}

int run_predict(const PredictArgs& a) {
  if (a.images.empty()) throw Error("predict needs at least one image file");
  LoadedModel m = load_model(a.model);
  // A model of a folder of images reads each picture whole, as its folder's were read (the size and
  // colours of its input), and answers with its classes' names; an MNIST model reads a digit.
  const bool folder = m.meta.config.dataset == DatasetKind::Folder;
  const Shape in = m.net.spec().input;
  const FolderOptions fo = folder ? folder_options_for(in, 0, m.meta.norm.mode) : FolderOptions{};
  std::vector<std::string> names = folder ? m.meta.config.classes : class_names(m.meta.config.dataset);
  if (folder && names.empty())
    for (int k = 0; k < m.net.output_shape().size(); ++k) names.push_back(std::to_string(k));  // an older file: numbers
  check_fits(m.net, folder ? in : Shape{1, 28, 28}, int(names.size()), "predict", a.model);
  const bool json_out = a.json;
  int failures = 0;
  for (const std::string& path : a.images) {
    json::Value out = json::Value::object();
    out.set("file", path);
    // Each file is read once, whole, and decoded from memory: FIFOs and /dev/stdin work, and a
    // file that changes while it is read cannot pass one check and fail the next.
    DecodedImage img;
    try {
      img = read_image(path);
    } catch (const std::exception& e) {
      // "[image] PATH: problem" -> "problem": the line names the file itself.
      std::string why = e.what();
      const std::string prefix = "[image] " + path + ": ";
      if (why.compare(0, prefix.size(), prefix) == 0) why = why.substr(prefix.size());
      ++failures;
      if (json_out) {
        out.set("error", "cannot read the image: " + why);
        std::printf("%s\n", out.dump().c_str());
      } else {
        std::fprintf(stderr, "nnviz-cli predict: error: %s: cannot read the image (%s)\n", path.c_str(), why.c_str());
      }
      continue;
    }
    const std::optional<Mat> x = picture_input(img, !folder, fo.size, fo.colour, m.meta.norm);
    if (!x) {
      if (json_out) {
        out.set("empty", true);
        std::printf("%s\n", out.dump().c_str());
      } else {
        std::printf("%s: no ink found, no prediction\n", path.c_str());
      }
      continue;
    }
    Mat probs;
    softmax(m.net.forward(*x, false), probs);
    int top = 0;
    for (int k = 1; k < probs.rows(); ++k)
      if (probs(k, 0) > probs(top, 0)) top = k;
    if (json_out) {
      out.set("prediction", top);
      out.set("label", top < int(names.size()) ? names[top] : std::to_string(top));
      json::Value p = json::Value::array();
      for (int k = 0; k < probs.rows(); ++k) p.push(std::round(double(probs(k, 0)) * 1e6) / 1e6);
      out.set("probabilities", p);
      std::printf("%s\n", out.dump().c_str());
    } else {
      std::printf("%s: %s (%.1f%%)  ", path.c_str(), top < int(names.size()) ? names[top].c_str() : "?",
                  probs(top, 0) * 100.0);
      for (int k = 0; k < probs.rows(); ++k)
        if (folder && k < int(names.size())) std::printf(" %s:%.1f%%", names[size_t(k)].c_str(), probs(k, 0) * 100.0);
        else std::printf(" %d:%.1f%%", k, probs(k, 0) * 100.0);
      std::printf("\n");
    }
  }
  return failures ? 1 : 0;
}

struct ShowArgs {
  std::string set = "train", dataset = "mnist", data;
  int index = 0;
};

CLI::App* DefineShow(CLI::App& app, ShowArgs& a) {
  CLI::App* c = app.add_subcommand("show", "print a dataset image as ASCII art, with its label");
  c->add_option("--index", a.index, "which image of the set (from 0)")->type_name("I")->check(cli::Whole(0, 1000000));
  c->add_option("--set", a.set, "train, val or test (default train)")
      ->type_name("SET")
      ->check(CLI::IsMember({"train", "val", "test"}));
  cli::AddDataset(*c, a.dataset);
  cli::AddDataDir(*c, a.data);
  c->footer(kDataNote);
  return c;
}

int run_show(const ShowArgs& a) {
  const DatasetKind kind = dataset_kind_from_string(a.dataset);
  Dataset data = Dataset::load(kind, resolve_data_dir(kind, a.data), NormMode::Unit);
  const std::string& set = a.set;
  const Split& s = data.split(set);
  if (a.index >= s.count)
    throw Error("--index must be between 0 and " + std::to_string(s.count - 1) + " for the " + set + " set, got " +
                std::to_string(a.index));
  const int i = a.index;
  const int npix = data.input_size();
  std::fputs(ascii_art(s.pixels.data() + size_t(i) * npix, data.rows, data.cols).c_str(), stdout);
  std::printf("%s #%d: label %d (%s)\n", set.c_str(), i, s.y[i], data.class_names()[s.y[i]].c_str());
  return 0;
}

struct PresetsArgs {
  bool tsv = false;
};

CLI::App* DefinePresets(CLI::App& app, PresetsArgs& a) {
  CLI::App* c = app.add_subcommand("presets", "list the preset networks");
  c->add_flag("--tsv", a.tsv, "one line each: name, epochs, reference accuracy (0 if none), title");
  return c;
}

int run_presets(const PresetsArgs& a) {
  if (a.tsv) {
    for (const auto& p : presets())
      std::printf("%s\t%d\t%.4f\t%s\n", p.name.c_str(), p.config.epochs, p.reference_accuracy, p.title.c_str());
    return 0;
  }
  for (const auto& p : presets()) {
    std::printf("%-16s %s\n", p.name.c_str(), p.title.c_str());
    std::printf("%-16s   %s\n", "", p.config.net.describe().c_str());
    if (p.reference_accuracy > 0)
      std::printf("%-16s   reference: %s (%.1f%%)\n", "", p.reference.c_str(), p.reference_accuracy * 100);
  }
  return 0;
}

}  // namespace

Command AddEval(CLI::App& program) {
  auto a = std::make_shared<EvalArgs>();
  CLI::App* c = DefineEval(program, *a);
  return {c, [a] { return run_eval(*a); }};
}

Command AddPredict(CLI::App& program) {
  auto a = std::make_shared<PredictArgs>();
  CLI::App* c = DefinePredict(program, *a);
  return {c, [a] { return run_predict(*a); }};
}

Command AddShow(CLI::App& program) {
  auto a = std::make_shared<ShowArgs>();
  CLI::App* c = DefineShow(program, *a);
  return {c, [a] { return run_show(*a); }};
}

Command AddPresets(CLI::App& program) {
  auto a = std::make_shared<PresetsArgs>();
  CLI::App* c = DefinePresets(program, *a);
  return {c, [a] { return run_presets(*a); }};
}

}  // namespace nnviz::cli
