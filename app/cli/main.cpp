// nnviz-cli: train, evaluate and inspect nnviz models from a terminal.
//
//   nnviz-cli train --preset mlp100 [options]     train a preset, optionally save the model
//   nnviz-cli eval --model FILE [--data DIR]      test accuracy and per-class accuracy
//   nnviz-cli show --index I [--set train|val|test]  a digit as ASCII art with its label
//   nnviz-cli predict --model FILE IMAGE...        classify images (PNG, JPEG, PGM, BMP)
//   nnviz-cli presets                             the available presets
#include <sys/resource.h>
#include <unistd.h>

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>


#include <thread>

#include "args.h"
#include "base/fileio.h"
#include "base/json.h"
#include "base/parallel.h"
#include "data/dataset.h"
#include "data/image_file.h"
#include "data/preprocess.h"
#include "engine/compare.h"
#include "io/model_io.h"
#include "nn/loss.h"
#include "train/presets.h"
#include "train/trainer.h"

using namespace nnviz;
using nnviz::cli::Args;

namespace {

const char* kUsage =
    "nnviz-cli: train and inspect neural networks on MNIST\n"
    "\n"
    "usage: nnviz-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  train     train a preset network (nnviz-cli train --help)\n"
    "  eval      evaluate a saved model on the test set\n"
    "  show      print a dataset image as ASCII art\n"
    "  predict   classify image files with a saved model\n"
    "  compare   train 2 to 8 runs that differ in one setting, side by side, and print the table\n"
    "  presets   list the preset networks\n"
    "\n"
    "Data: MNIST from data/mnist (scripts/setup.sh fetches it), or --data DIR / NNVIZ_DATA with the four\n"
    "standard IDX files (raw or .gz). Fashion-MNIST from /usr/share/datasets/fashion-mnist.\n";

const char* kTrainUsage =
    "usage: nnviz-cli train --preset NAME [options]\n"
    "\n"
    "  --preset NAME        network and recipe (default mlp100; see 'nnviz-cli presets')\n"
    "  --epochs N           epochs to train (preset's default)\n"
    "  --batch B            mini-batch size\n"
    "  --lr X               learning rate\n"
    "  --optimizer NAME     sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw\n"
    "  --momentum M         momentum for momentum/nesterov\n"
    "  --weight-decay L     L2 weight decay (decoupled for adamw)\n"
    "  --schedule NAME      constant, step, exponential, cosine\n"
    "  --init NAME          xavier_uniform, xavier_normal, he, lecun\n"
    "  --seed S             random seed (weights and batch order)\n"
    "  --dataset NAME       mnist (default) or fashion\n"
    "  --norm MODE          standard (train mean/std, default) or unit ([0,1])\n"
    "  --data DIR           folder with the IDX files\n"
    "  --augment            random shifts, rotations, scalings and stroke widths while training\n"
    "  --threads T          threads for the matrix products and the convolutions (default 1)\n"
    "  --save FILE          save the trained model (safetensors) to FILE\n"
    "  --eval-every N       evaluate on validation and test every N epochs (default 1)\n"
    "  --target-accuracy P  print when the test accuracy first reaches P percent (e.g. 99.0), with the\n"
    "                       wall time since training started (evaluations included)\n"
    "  --quiet              only the final line\n";

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string fmt_rate(double v) {
  char buf[32];
  if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

void progress_bar(int epoch, int epochs, double frac, double loss, double rate) {
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  std::string bar(filled, '#');
  bar += std::string(width - filled, '.');
  std::printf("\repoch %d/%d [%s] %3.0f%%  loss %.4f  %s samples/s ", epoch, epochs, bar.c_str(), frac * 100, loss,
              fmt_rate(rate).c_str());
  std::fflush(stdout);
}

// A save destination that cannot work (a missing or read-only folder, a link, a device) is
// refused before hours of training, not after.
void check_destination(const std::string& path) {
  if (const std::string why = save_destination_problem(path); !why.empty())
    throw Error("cannot save to " + path + ": " + why + " (checked before training; nothing was trained)");
}

// Saves through `save`; if that still fails at the end (the disk filled, the folder went away),
// the result is kept in the user's nnviz data folder instead and the message says where.
template <class Save>
void save_or_rescue(const std::string& path, const Save& save) {
  try {
    save(path);
    std::printf("saved: %s\n", path.c_str());
    return;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz-cli: error: %s\n", e.what());
    const size_t slash = path.find_last_of('/');
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string rescue;
    try {
      rescue = user_data_dir() + "/rescued-" + std::to_string(::getpid()) + "-" + (base.empty() ? "model" : base);
      save(rescue);
    } catch (const std::exception& e2) {
      throw Error(std::string("the result could not be kept anywhere: ") + e2.what());
    }
    std::fprintf(stderr, "nnviz-cli: the result was kept in %s instead\n", rescue.c_str());
    throw Error("saved to " + rescue + " instead of " + path);
  }
}

int cmd_presets(int argc, char** argv) {
  Args a(argc, argv, 2, {}, {"tsv", "help"});
  if (a.has("help")) {
    std::puts("usage: nnviz-cli presets [--tsv]\n\n--tsv: name, epochs, reference accuracy (0 if none), title");
    return 0;
  }
  if (a.has("tsv")) {
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

int cmd_train(int argc, char** argv) {
  Args a(argc, argv, 2,
         {"preset", "epochs", "batch", "lr", "optimizer", "momentum", "weight-decay", "schedule", "init", "seed",
          "dataset", "norm", "data", "threads", "save", "eval-every", "target-accuracy"},
         {"quiet", "help", "augment"});
  if (a.has("help")) {
    std::fputs(kTrainUsage, stdout);
    return 0;
  }
  if (!a.positional().empty()) throw Error("unexpected argument '" + a.positional()[0] + "' (see --help)");
  const Preset& preset = find_preset(a.str("preset", "mlp100"));
  TrainConfig cfg = preset.config;
  cfg.epochs = a.integer("epochs", cfg.epochs, 1, 100000);
  cfg.batch = a.integer("batch", cfg.batch, 1, 60000);
  if (a.has("optimizer")) cfg.opt.kind = opt_kind_from_string(a.str("optimizer"));
  cfg.opt.lr = float(a.number("lr", cfg.opt.lr, 1e-9, 1e3));
  cfg.opt.momentum = float(a.number("momentum", cfg.opt.momentum, 0, 0.9999));
  cfg.opt.weight_decay = float(a.number("weight-decay", cfg.opt.weight_decay, 0, 10));
  if (a.has("schedule")) cfg.schedule.kind = schedule_kind_from_string(a.str("schedule"));
  cfg.schedule.total_epochs = float(cfg.epochs);
  if (a.has("init")) cfg.init = init_kind_from_string(a.str("init"));
  cfg.seed = a.u64("seed", cfg.seed);
  if (a.has("dataset")) cfg.dataset = dataset_kind_from_string(a.str("dataset"));
  if (a.has("norm")) cfg.norm = norm_mode_from_string(a.str("norm"));
  if (a.has("augment")) cfg.augment.enabled = true;
  if (const std::string why = config_problem(cfg); !why.empty()) throw Error(why);  // the check every path shares
  const int threads = a.integer("threads", 1, 1, 256);
  const int eval_every = a.integer("eval-every", 1, 1, 100000);
  const double target = a.has("target-accuracy") ? a.number("target-accuracy", 0, 0, 100) : -1;
  const bool quiet = a.has("quiet");
  const bool tty = stdout_is_tty() && !quiet;
  Eigen::setNbThreads(threads);
  set_threads(threads);

  if (a.has("save")) check_destination(a.str("save"));  // before the training, not after it
  const std::string dir = resolve_data_dir(cfg.dataset, a.str("data"));
  double t0 = now();
  Dataset data = Dataset::load(cfg.dataset, dir, cfg.norm);
  if (!quiet)
    std::printf("data: %s from %s  (train %d, val %d, test %d; mean %.4f std %.4f; %.2fs)\n", to_string(cfg.dataset),
                dir.c_str(), data.train.count, data.val.count, data.test.count, data.norm.mean, data.norm.std,
                now() - t0);

  Trainer tr(cfg, data);
  if (!quiet) {
    std::printf("net:  %s  (%lld parameters)\n", cfg.net.describe().c_str(),
                static_cast<long long>(tr.net().param_count()));
    std::printf("opt:  %s lr %g, batch %d, %d epochs, init %s, schedule %s, seed %llu, %d thread%s%s\n",
                to_string(cfg.opt.kind), cfg.opt.lr, cfg.batch, cfg.epochs, to_string(cfg.init),
                to_string(cfg.schedule.kind), static_cast<unsigned long long>(cfg.seed), threads,
                threads == 1 ? "" : "s", cfg.augment.enabled ? ", augmented" : "");
  }

  EvalStats val, test;
  double train_time = 0;
  const double train_start = now();
  bool target_reached = false;
  for (int e = 0; e < cfg.epochs; ++e) {
    double loss_sum = 0;
    long correct = 0, seen = 0;
    const double te = now();
    double last_draw = 0;
    for (;;) {
      const StepStats st = tr.step();
      loss_sum += st.loss * st.batch;
      correct += st.correct;
      seen += st.batch;
      if (!std::isfinite(st.loss))
        throw Error("[train] the loss became " + std::to_string(st.loss) + " at step " + std::to_string(st.step) +
                    ": the learning rate is probably too high (try --lr " + std::to_string(cfg.opt.lr / 10) + ")");
      if (tty) {
        const double t = now();
        if (t - last_draw > 0.1 || st.epoch_end) {
          progress_bar(e + 1, cfg.epochs, st.epoch_end ? 1.0 : st.epoch - e, loss_sum / seen, seen / (t - te));
          last_draw = t;
        }
      }
      if (st.epoch_end) break;
    }
    const double epoch_time = now() - te;
    train_time += epoch_time;
    const bool do_eval = (e + 1) % eval_every == 0 || e + 1 == cfg.epochs;
    if (do_eval) {
      val = tr.evaluate(data.val);
      test = tr.evaluate(data.test);
    }
    const bool reached_now = do_eval && target >= 0 && !target_reached && test.accuracy * 100 >= target;
    const double reached_wall = now() - train_start;
    if (!quiet) {
      if (tty) std::printf("\r\033[K");
      std::printf("epoch %2d/%d  loss %.4f  train %.2f%%", e + 1, cfg.epochs, loss_sum / seen, 100.0 * correct / seen);
      if (do_eval) std::printf("  val %.2f%%  test %.2f%%", val.accuracy * 100, test.accuracy * 100);
      std::printf("  %s samples/s  %.1fs\n", fmt_rate(seen / epoch_time).c_str(), epoch_time);
    }
    if (reached_now) {
      target_reached = true;
      std::printf("reached: test accuracy %.2f%% >= %g%% after epoch %d, %.1fs wall since training started "
                  "(%.1fs of it training)\n",
                  test.accuracy * 100, target, e + 1, reached_wall, train_time);
    }
    std::fflush(stdout);
  }
  if (target >= 0 && !target_reached)
    std::printf("reached: never: test accuracy %.2f%% < %g%% after %d epochs\n", test.accuracy * 100, target, cfg.epochs);
  std::printf("final: test accuracy %.2f%%  validation %.2f%%  test loss %.4f  (%d epochs, %.1fs training, %s samples/s)\n",
              test.accuracy * 100, val.accuracy * 100, test.loss, cfg.epochs, train_time,
              fmt_rate(double(data.train.count) * cfg.epochs / train_time).c_str());
  {
    // Peak resident memory against the dataset's float32 images (all three splits).
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double floats_mb = double(data.train.x.size() + data.val.x.size() + data.test.x.size()) * sizeof(float) / 1048576.0;
    std::printf("memory: peak resident %.1f MB, float32 dataset %.1f MB (%.2fx)\n", double(u.ru_maxrss) / 1024.0,
                floats_mb, double(u.ru_maxrss) / 1024.0 / floats_mb);
  }

  if (a.has("save")) {
    ModelFile meta;
    meta.config = cfg;
    meta.norm = data.norm;
    meta.info.set("epochs_trained", cfg.epochs);
    meta.info.set("steps", static_cast<long long>(tr.steps_done()));
    meta.info.set("test_accuracy", test.accuracy);
    meta.info.set("val_accuracy", val.accuracy);
    save_or_rescue(a.str("save"), [&](const std::string& path) { save_model(path, tr.net(), meta); });
  }
  return 0;
}

int cmd_eval(int argc, char** argv) {
  Args a(argc, argv, 2, {"model", "data", "threads"}, {"help"});
  if (a.has("help")) {
    std::puts("usage: nnviz-cli eval --model FILE [--data DIR]\n\nTest accuracy and per-class accuracy of a saved model.");
    return 0;
  }
  if (!a.has("model")) throw Error("eval needs --model FILE");
  Eigen::setNbThreads(a.integer("threads", 1, 1, 256));
  set_threads(a.integer("threads", 1, 1, 256));
  LoadedModel m = load_model(a.str("model"));
  const DatasetKind kind = m.meta.config.dataset;
  Dataset data = Dataset::load(kind, resolve_data_dir(kind, a.str("data")), m.meta.norm.mode, 10000, &m.meta.norm);
  check_fits(m.net, data.input_shape(), data.num_classes, "eval", a.str("model"));
  if (data.test.count == 0) throw Error("[eval] " + data.source + ": the test set is empty: nothing to evaluate");
  std::vector<int> pred;
  const EvalStats e = evaluate(m.net, data.test, -1, &pred);
  std::printf("model: %s\nnet:   %s\n", a.str("model").c_str(), m.net.spec().describe().c_str());
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

int cmd_predict(int argc, char** argv) {
  Args a(argc, argv, 2, {"model"}, {"json", "help"});
  if (a.has("help")) {
    std::puts(
        "usage: nnviz-cli predict --model FILE [--json] IMAGE...\n\n"
        "Classifies each image (PNG, JPEG, PGM or BMP; any size; gray or colour; with or without alpha;\n"
        "dark ink on light paper or light on dark, detected) after MNIST-style preprocessing: crop to the\n"
        "ink, scale to 20 px, centre the centre of mass in 28x28. --json prints one JSON object per image.");
    return 0;
  }
  if (!a.has("model")) throw Error("predict needs --model FILE");
  if (a.positional().empty()) throw Error("predict needs at least one image file");
  LoadedModel m = load_model(a.str("model"));
  check_fits(m.net, Shape{1, 28, 28}, int(class_names(m.meta.config.dataset).size()), "predict", a.str("model"));
  const bool json_out = a.has("json");
  int failures = 0;
  for (const std::string& path : a.positional()) {
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
    const GrayImage ink = to_gray_ink(img.px.data(), img.w, img.h, img.channels);
    const auto digit = to_mnist(ink);
    if (!digit) {
      if (json_out) {
        out.set("empty", true);
        std::printf("%s\n", out.dump().c_str());
      } else {
        std::printf("%s: no ink found, no prediction\n", path.c_str());
      }
      continue;
    }
    Mat probs;
    softmax(m.net.forward(to_input(*digit, m.meta.norm), false), probs);
    int top = 0;
    for (int k = 1; k < probs.rows(); ++k)
      if (probs(k, 0) > probs(top, 0)) top = k;
    const auto& names = class_names(m.meta.config.dataset);
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
      for (int k = 0; k < probs.rows(); ++k) std::printf(" %d:%.1f%%", k, probs(k, 0) * 100.0);
      std::printf("\n");
    }
  }
  return failures ? 1 : 0;
}

int cmd_compare(int argc, char** argv) {
  Args a(argc, argv, 2,
         {"ready", "preset", "vary", "values", "epochs", "batch", "lr", "seed", "target", "data", "save"}, {"help"});
  if (a.has("help")) {
    std::puts(
        "usage: nnviz-cli compare --ready optimizers|learning-rates|batch-sizes|l2 [options]\n"
        "       nnviz-cli compare --preset NAME --vary WHAT --values A,B,... [options]\n\n"
        "  --vary WHAT      optimizer (values like adam:0.001), lr, batch, weight_decay, init, activation, preset\n"
        "  --epochs N --batch B --lr X --seed S   the settings every run shares\n"
        "  --target ACC     validation accuracy for the steps/time-to-target columns (default 0.97)\n"
        "  --save PREFIX    write PREFIX.json (settings) and PREFIX.csv (every run's metrics)\n\n"
        "All runs start from the same weights and see the same mini-batches; they train at once.");
    return 0;
  }
  ComparisonSpec spec;
  if (a.has("ready")) {
    spec = ready_made(a.str("ready"));
  } else {
    if (!a.has("vary") || !a.has("values")) throw Error("compare needs --ready NAME, or --vary and --values");
    spec.base = find_preset(a.str("preset", "mlp100")).config;
    spec.what = varied_from_string(a.str("vary"));
    std::string v = a.str("values");
    for (size_t start = 0; start <= v.size();) {
      const size_t comma = v.find(',', start);
      spec.values.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  spec.base.epochs = a.integer("epochs", spec.base.epochs, 1, 100000);
  spec.base.schedule.total_epochs = float(spec.base.epochs);
  spec.base.batch = a.integer("batch", spec.base.batch, 1, 60000);
  spec.base.opt.lr = float(a.number("lr", spec.base.opt.lr, 1e-9, 1e3));
  spec.base.seed = a.u64("seed", spec.base.seed);
  spec.target_accuracy = a.number("target", spec.target_accuracy, 0, 1);
  if (a.has("save")) {
    check_destination(a.str("save") + ".json");
    check_destination(a.str("save") + ".csv");
  }
  Eigen::setNbThreads(1);
  auto data = std::make_shared<const Dataset>(
      Dataset::load(spec.base.dataset, resolve_data_dir(spec.base.dataset, a.str("data")), spec.base.norm));
  Comparison cmp(spec, data);
  std::printf("comparing %zu runs of %s, %d epochs, batch %d, seed %llu; varied: %s\n", cmp.size(),
              spec.base.net.describe().c_str(), spec.base.epochs, spec.base.batch,
              static_cast<unsigned long long>(spec.base.seed), to_string(spec.what));
  cmp.play();
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cmp.poll();
    bool done = true;
    for (size_t i = 0; i < cmp.size(); ++i) {
      const RunState st = cmp.latest(i).state;
      done = done && (st == RunState::Finished || st == RunState::Diverged || st == RunState::Failed);
    }
    // The last epoch's evaluation arrives a moment after the run finishes.
    bool evaluated = true;
    for (size_t i = 0; i < cmp.size(); ++i)
      evaluated = evaluated && (cmp.latest(i).state != RunState::Finished ||
                                (!cmp.evals(i).empty() && cmp.evals(i).back().step == cmp.latest(i).step));
    if (done && evaluated) break;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("\n%-26s %7s %9s %9s %9s %9s %12s %10s %10s\n", "run", "steps", "loss", "val", "best val", "test",
              "to target", "time to", "samples/s");
  const auto table = cmp.table();
  for (size_t i = 0; i < table.size(); ++i) {
    const RunSummary& r = table[i];
    char to[32] = "-", tt[32] = "-";
    if (r.steps_to_target >= 0) {
      std::snprintf(to, sizeof to, "%ld", r.steps_to_target);
      std::snprintf(tt, sizeof tt, "%.1fs", r.time_to_target);
    }
    std::printf("%-26s %7ld %9.4f %8.2f%% %8.2f%% %8.2f%% %12s %10s %10.0f%s\n", r.label.c_str(), r.steps,
                r.final_loss, r.final_val * 100, r.best_val * 100, r.final_test * 100, to, tt, r.samples_per_s,
                cmp.latest(i).state == RunState::Diverged ? "  (diverged)" : "");
  }
  std::printf("target: %.1f%% validation accuracy; wall time %.1fs for all runs at once\n", spec.target_accuracy * 100,
              wall);
  if (a.has("save")) {
    save_or_rescue(a.str("save"), [&](const std::string& prefix) { cmp.save(prefix + ".json", prefix + ".csv"); });
  }
  return 0;
}

int cmd_show(int argc, char** argv) {
  Args a(argc, argv, 2, {"index", "set", "dataset", "data"}, {"help"});
  if (a.has("help")) {
    std::puts("usage: nnviz-cli show --index I [--set train|val|test] [--dataset mnist|fashion] [--data DIR]");
    return 0;
  }
  const DatasetKind kind = dataset_kind_from_string(a.str("dataset", "mnist"));
  Dataset data = Dataset::load(kind, resolve_data_dir(kind, a.str("data")), NormMode::Unit);
  const std::string set = a.str("set", "train");
  const Split& s = data.split(set);
  const int i = a.integer("index", 0, 0, s.count - 1);
  const int npix = data.input_size();
  std::fputs(ascii_art(s.pixels.data() + size_t(i) * npix, data.rows, data.cols).c_str(), stdout);
  std::printf("%s #%d: label %d (%s)\n", set.c_str(), i, s.y[i], data.class_names()[s.y[i]].c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  try {
    if (cmd == "train") return cmd_train(argc, argv);
    if (cmd == "eval") return cmd_eval(argc, argv);
    if (cmd == "show") return cmd_show(argc, argv);
    if (cmd == "predict") return cmd_predict(argc, argv);
    if (cmd == "compare") return cmd_compare(argc, argv);
    if (cmd == "presets") return cmd_presets(argc, argv);
    std::fprintf(stderr, "nnviz-cli: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz-cli %s: error: %s\n", cmd.c_str(), e.what());
    return 1;
  }
}
