// nnviz-cli train: trains a preset, with any of its settings changed, and optionally saves the
// model; prints a progress bar on a terminal, a line an epoch, and the final figures.
#include <sys/resource.h>
#include <unistd.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "base/error.h"
#include "base/parallel.h"
#include "cli_options.h"
#include "commands.h"
#include "data/dataset.h"
#include "data/image_folder.h"
#include "io/model_io.h"
#include "io/onnx_export.h"
#include "train/presets.h"
#include "train/trainer.h"

namespace nnviz::cli {

namespace {

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

void progress_bar(int epoch, int epochs, double frac, double loss, double rate) {
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  std::string bar(filled, '#');
  bar += std::string(width - filled, '.');
  std::printf("\repoch %d/%d [%s] %3.0f%%  loss %.4f  %s samples/s ", epoch, epochs, bar.c_str(), frac * 100, loss,
              fmt_rate(rate).c_str());
  std::fflush(stdout);
}

struct TrainArgs {
  std::string preset = "mlp100", optimizer, schedule, init, dataset, norm, data, save, onnx, folder;
  int epochs = 0, batch = 0, threads = 1, eval_every = 1, image_size = 0;
  bool colour = false;
  long train_size = 0;
  double lr = 0, momentum = 0, weight_decay = 0, target = -1;
  uint64_t seed = 0;
  bool augment = false, quiet = false;
};

CLI::App* DefineTrain(CLI::App& app, TrainArgs& a) {
  CLI::App* c = app.add_subcommand("train", "train a preset network, optionally save the model");
  cli::AddPreset(*c, a.preset);
  cli::AddEpochs(*c, a.epochs);
  cli::AddBatch(*c, a.batch);
  cli::AddLearningRate(*c, a.lr);
  c->add_option("--optimizer", a.optimizer, "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw")
      ->type_name("NAME")
      ->check(cli::Named([](const std::string& s) { opt_kind_from_string(s); }));
  c->add_option("--momentum", a.momentum, "momentum for momentum and nesterov")
      ->type_name("M")
      ->check(cli::Number(0, 0.9999));
  c->add_option("--weight-decay", a.weight_decay, "L2 weight decay (decoupled for adamw)")
      ->type_name("L")
      ->check(cli::Number(0, 10));
  c->add_option("--schedule", a.schedule, "constant, step, exponential, cosine")
      ->type_name("NAME")
      ->check(cli::Named([](const std::string& s) { schedule_kind_from_string(s); }));
  c->add_option("--init", a.init, "xavier_uniform, xavier_normal, he, lecun")
      ->type_name("NAME")
      ->check(cli::Named([](const std::string& s) { init_kind_from_string(s); }));
  cli::AddSeed(*c, a.seed);
  cli::AddDataset(*c, a.dataset);
  c->add_option("--norm", a.norm, "standard (the training split's mean and std, the default) or unit ([0,1])")
      ->type_name("MODE")
      ->check(cli::Named([](const std::string& s) { norm_mode_from_string(s); }));
  cli::AddDataDir(*c, a.data);
  c->add_option("--folder", a.folder,
                "train on the images of DIR instead: one folder per class (PNG, JPEG, BMP, GIF, TGA, PGM/PPM), "
                "a tenth of each class for validation and a tenth for test; the preset's input and output take "
                "the folder's image size and classes")
      ->type_name("DIR");
  c->add_option("--image-size", a.image_size, "with --folder: images resized to N x N pixels (default 28, 32 with --colour)")
      ->type_name("N")
      ->check(cli::Whole(4, 256));
  c->add_flag("--colour", a.colour, "with --folder: three colour channels instead of grey");
  c->add_option("--train-size", a.train_size,
                "train on the first N training images only (validation and test stay whole; the normalisation stays "
                "the whole training split's)")
      ->type_name("N")
      ->check(cli::Whole(1, 10000000));
  c->add_flag("--augment", a.augment, "random shifts, rotations, scalings and stroke widths while training");
  cli::AddThreads(*c, a.threads);
  c->add_option("--save", a.save, "save the trained model (safetensors) to FILE")->type_name("FILE");
  c->add_option("--onnx", a.onnx, "also write the trained model as ONNX to FILE (see nnviz-cli export --help)")
      ->type_name("FILE");
  c->add_option("--eval-every", a.eval_every, "evaluate on validation and test every N epochs (default 1)")
      ->type_name("N")
      ->check(cli::Whole(1, 100000));
  c->add_option("--target-accuracy", a.target,
                "print when the test accuracy first reaches P percent (e.g. 99.0), with the wall time since "
                "training started (evaluations included)")
      ->type_name("P")
      ->check(cli::Number(0, 100));
  c->add_flag("--quiet", a.quiet, "only the final line");
  c->footer(kDataNote);
  return c;
}

int run_train(const CLI::App& c, const TrainArgs& a) {
  auto given = [&](const char* name) { return c.count(name) > 0; };
  const Preset& preset = find_preset(a.preset);
  TrainConfig cfg = preset.config;
  if (given("--epochs")) cfg.epochs = a.epochs;
  if (given("--batch")) cfg.batch = a.batch;
  if (given("--optimizer")) cfg.opt.kind = opt_kind_from_string(a.optimizer);
  if (given("--lr")) cfg.opt.lr = float(a.lr);
  if (given("--momentum")) cfg.opt.momentum = float(a.momentum);
  if (given("--weight-decay")) cfg.opt.weight_decay = float(a.weight_decay);
  if (given("--schedule")) cfg.schedule.kind = schedule_kind_from_string(a.schedule);
  cfg.schedule.total_epochs = float(cfg.epochs);
  if (given("--init")) cfg.init = init_kind_from_string(a.init);
  if (given("--seed")) cfg.seed = a.seed;
  if (given("--dataset")) cfg.dataset = dataset_kind_from_string(a.dataset);
  if (given("--norm")) cfg.norm = norm_mode_from_string(a.norm);
  if (a.augment) cfg.augment.enabled = true;
  if (const std::string why = config_problem(cfg); !why.empty()) throw Error(why);  // the check every path shares
  const int threads = a.threads;
  const int eval_every = a.eval_every;
  const double target = given("--target-accuracy") ? a.target : -1;
  const bool quiet = a.quiet;
  const bool tty = stdout_is_tty() && !quiet;
  Eigen::setNbThreads(threads);
  set_threads(threads);

  if (given("--save")) check_destination(a.save);  // before the training, not after it
  if (given("--onnx")) check_destination(a.onnx);
  if ((given("--image-size") || a.colour) && !given("--folder"))
    throw Error("[train] --image-size and --colour go with --folder");
  if (given("--folder") && (given("--dataset") || given("--data")))
    throw Error("[train] --folder is the data: it does not go with --dataset or --data");
  const std::string dir = given("--folder") ? a.folder : resolve_data_dir(cfg.dataset, a.data);
  double t0 = now();
  Dataset data;
  if (given("--folder")) {
    FolderOptions fo;
    fo.colour = a.colour;
    fo.size = given("--image-size") ? a.image_size : a.colour ? 32 : 28;
    fo.seed = cfg.seed;
    fo.norm = cfg.norm;
    FolderReport rep;
    data = load_image_folder(a.folder, fo, nullptr, &rep);
    if (!quiet && rep.skipped > 0) {
      std::printf("skipped %ld file%s of %s:\n", rep.skipped, rep.skipped == 1 ? "" : "s", a.folder.c_str());
      for (const std::string& p : rep.problems) std::printf("  %s\n", p.c_str());
      if (rep.skipped > long(rep.problems.size())) std::printf("  ... and %ld more\n", rep.skipped - long(rep.problems.size()));
    }
    // The preset's network on the folder's images: its input their shape, its last layer one unit a class.
    cfg.set_data(data);
    fit_to_data(cfg.net, data.input_shape(), data.num_classes);
  } else {
    data = Dataset::load(cfg.dataset, dir, cfg.norm);
  }
  if (given("--train-size")) {
    if (a.train_size < cfg.batch)
      throw Error("[train] --train-size " + std::to_string(a.train_size) + " is less than one mini-batch of " +
                  std::to_string(cfg.batch));
    data.keep_training_samples(a.train_size);
  }
  if (!quiet)
    std::printf("data: %s from %s  (%s, %d classes; train %d, val %d, test %d; mean %.4f std %.4f; %.2fs)\n",
                to_string(cfg.dataset), dir.c_str(), data.input_shape().str().c_str(), data.num_classes, data.train.count,
                data.val.count, data.test.count, data.norm.mean, data.norm.std, now() - t0);

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

  if (given("--save") || given("--onnx")) {
    ModelFile meta;
    meta.config = cfg;
    meta.norm = data.norm;
    meta.info.set("epochs_trained", cfg.epochs);
    meta.info.set("steps", static_cast<long long>(tr.steps_done()));
    meta.info.set("test_accuracy", test.accuracy);
    meta.info.set("val_accuracy", val.accuracy);
    if (given("--save")) save_or_rescue(a.save, [&](const std::string& path) { save_model(path, tr.net(), meta); });
    if (given("--onnx")) save_or_rescue(a.onnx, [&](const std::string& path) { export_onnx(path, tr.net(), meta); });
  }
  return 0;
}

}  // namespace

Command AddTrain(CLI::App& program) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* c = DefineTrain(program, *a);
  return {c, [c, a] { return run_train(*c, *a); }};
}

}  // namespace nnviz::cli
