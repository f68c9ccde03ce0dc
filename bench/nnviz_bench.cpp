// nnviz-bench: throughput of nnviz's own training loop, one JSON line per measurement, for the
// benchmark scripts in bench/ to compare against their peers.
//
//   nnviz-bench mlp --batch B --threads T [--seconds S] [--data DIR]
//     trains MLP 784-100-10 (sigmoid, softmax cross-entropy, SGD lr 0.1) on the 50k training
//     split through Trainer::step, exactly as nnviz-cli does, and prints
//     {"impl":"nnviz","batch":B,"threads":T,"samples_per_s":X,"simd":"...","kernels":"..."}
//     kernels: each dense layer's forward kernel (nn/dense.h) and whether the batch ran in shards.
//
//   nnviz-bench cnn --preset NAME --batch B --threads T [--seconds S] [--data DIR]
//     the same for a preset's network (e.g. cnn8, cnn8-16) with plain SGD lr 0.01, printing
//     {"impl":"nnviz","preset":"NAME","batch":B,"threads":T,"samples_per_s":X,"simd":"...",
//      "cpu_samples_per_s":Y}   (Y: samples per second of the process's CPU time)
//
//   nnviz-bench engine --batch B [--seconds S] [--repeats R] [--data DIR]
//     the same training through the engine (a Run on its own thread, with a viewer taking
//     snapshots at 60 Hz as the GUI does) against the bare loop, interleaved R times; prints the
//     median samples/s of each and their ratio.
//
//   nnviz-bench tsne [--preset NAME] [--samples N] [--steps S] [--data DIR]
//     PCA and t-SNE (labs/embedding.h) on one thread of the last hidden layer of a preset (mlp100)
//     for the first N (2000) validation images after S (3000) mini-batches of training; prints
//     the seconds of each, and how well each map keeps neighbours and classes.
//
//   nnviz-bench landscape [--preset NAME] [--samples N] [--steps S] [--data DIR]
//     the loss landscape of a run (labs/loss_landscape.h) on one thread: a 41-point line from the
//     initial weights through the trained ones and a 25 x 25 plane along two filter-normalised
//     directions, each point's loss over N (2000) validation images after S (3000) mini-batches.
//
//   nnviz-bench inside [--preset NAME] --batch B [--seconds S] [--repeats R] [--data DIR]
//     the engine with its layer statistics and timeline snapshots on (the default) against off,
//     interleaved R times, for MLP 784-100-10 or a preset's own recipe at batch B; prints the
//     median samples/s of each and what recording costs.
#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <thread>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "base/parallel.h"
#include "data/dataset.h"
#include "engine/engine.h"
#include "labs/embedding.h"
#include "labs/loss_landscape.h"
#include "nn/dense.h"
#include "train/presets.h"
#include "train/trainer.h"

using namespace nnviz;

namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

const char* simd() {
#if defined(EIGEN_VECTORIZE_AVX512)
  return "avx512";
#elif defined(EIGEN_VECTORIZE_AVX2)
  return "avx2";
#elif defined(EIGEN_VECTORIZE_AVX)
  return "avx";
#else
  return "sse";
#endif
}

int usage() {
  std::fputs("usage: nnviz-bench mlp --batch B --threads T [--seconds S] [--data DIR]\n"
             "       nnviz-bench cnn --preset NAME --batch B --threads T [--seconds S] [--data DIR]\n"
             "       nnviz-bench engine --batch B [--seconds S] [--repeats R] [--data DIR]\n"
             "       nnviz-bench inside [--preset NAME] --batch B [--seconds S] [--repeats R] [--data DIR]\n"
             "       nnviz-bench tsne [--preset NAME] [--samples N] [--steps S] [--data DIR]\n"
             "       nnviz-bench landscape [--preset NAME] [--samples N] [--steps S] [--data DIR]\n",
             stderr);
  return 2;
}

TrainConfig mlp_config(int batch) {
  TrainConfig cfg = find_preset("mlp100").config;
  cfg.opt = OptConfig{};
  cfg.opt.kind = OptKind::Sgd;
  cfg.opt.lr = 0.1f;
  cfg.schedule = Schedule{};
  cfg.batch = batch;
  cfg.epochs = 100000;
  return cfg;
}

// A preset's network with the mlp mode's recipe (plain SGD, constant rate; lr 0.01 suits the
// ReLU presets).
TrainConfig preset_config(const std::string& name, int batch) {
  TrainConfig cfg = find_preset(name).config;
  cfg.opt = OptConfig{};
  cfg.opt.kind = OptKind::Sgd;
  cfg.opt.lr = 0.01f;
  cfg.schedule = Schedule{};
  cfg.batch = batch;
  cfg.epochs = 100000;
  return cfg;
}

// samples/s of the bare loop: Trainer::step as fast as it goes, with (as nnviz-cli does) or
// without a validation and test evaluation at every epoch end, on the same thread.
// cpu_rate (if not null): samples per second of this process's CPU time, which other processes
// on a busy machine disturb less than the wall-clock rate (for one thread; with T threads it is
// the rate per busy core).
// kernels (if not null): how the steps ran, e.g. "dense 784x100 packed, dense 100x10 eigen, 2 shards".
double bare_rate(const TrainConfig& cfg, const Dataset& data, double seconds, bool eval = false,
                 double* cpu_rate = nullptr, std::string* kernels = nullptr) {
  Trainer tr(cfg, data);
  int shards = 1;
  const double warm_end = now() + std::min(0.3, seconds / 4);
  while (now() < warm_end) tr.step();
  long samples = 0;
  const double t0 = now(), c0 = cpu_now();
  double t = t0;
  while (t - t0 < seconds) {
    for (int k = 0; k < 16; ++k) {
      const StepStats st = tr.step();
      samples += st.batch;
      shards = st.shards;
      if (eval && st.epoch_end) {
        tr.evaluate(data.val);
        tr.evaluate(data.test);
      }
    }
    t = now();
  }
  if (cpu_rate) *cpu_rate = samples / std::max(1e-9, cpu_now() - c0);
  if (kernels) {
    kernels->clear();
    for (size_t i = 0; i < tr.net().num_layers(); ++i)
      if (auto* d = dynamic_cast<const Dense*>(&tr.net().layer(i)))
        *kernels += "dense " + std::to_string(d->W.rows()) + "x" + std::to_string(d->W.cols()) + " " +
                    to_string(d->last_kernel()) + ", ";
    *kernels += shards > 1 ? std::to_string(shards) + " shards" : "no shards";
  }
  return samples / (t - t0);
}

// samples/s through the engine: steps counted between two snapshots, while a viewer thread
// takes snapshots at 60 Hz as the GUI does.
double engine_rate(const TrainConfig& cfg, std::shared_ptr<const Dataset> data, double seconds, bool eval,
                   bool inside = true) {
  RunOptions opts;
  opts.eval_at_epoch_end = eval;
  opts.layer_stats = opts.timeline = inside;
  Run run(cfg, data, opts);
  std::atomic<bool> stop{false};
  std::thread viewer([&] {
    SnapshotCursor cur;
    while (!stop) {
      run.snapshot(cur);
      std::this_thread::sleep_for(std::chrono::microseconds(16667));
    }
  });
  auto step_now = [&] {
    SnapshotCursor c;
    return run.snapshot(c).step;
  };
  run.play();
  std::this_thread::sleep_for(std::chrono::duration<double>(std::min(0.3, seconds / 4)));
  const long s0 = step_now();
  const double t0 = now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const long s1 = step_now();
  const double t1 = now();
  run.pause();
  stop = true;
  viewer.join();
  return double(s1 - s0) * cfg.batch / (t1 - t0);
}

int bench_engine(int batch, double seconds, int repeats, const std::string& data_dir) {
  Eigen::setNbThreads(1);
  auto data = std::make_shared<const Dataset>(
      Dataset::load(DatasetKind::Mnist, resolve_data_dir(DatasetKind::Mnist, data_dir), NormMode::Standard));
  const TrainConfig cfg = mlp_config(batch);
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  // Two comparisons, each interleaved: with the epoch-end evaluation both do (nnviz-cli's loop
  // vs the engine, which evaluates on a helper thread), and training alone.
  for (bool eval : {true, false}) {
    std::vector<double> bare, engine;
    for (int r = 0; r < repeats; ++r) {
      bare.push_back(bare_rate(cfg, *data, seconds, eval));
      engine.push_back(engine_rate(cfg, data, seconds, eval));
      std::fprintf(stderr, "evaluation %s, repeat %d: bare %.0f, engine %.0f samples/s\n", eval ? "on" : "off", r + 1,
                   bare.back(), engine.back());
    }
    const double b = median(bare), e = median(engine);
    std::printf("{\"bench\":\"engine\",\"batch\":%d,\"epoch_end_eval\":%s,\"bare_samples_per_s\":%.1f,"
                "\"engine_samples_per_s\":%.1f,\"ratio\":%.3f}\n",
                batch, eval ? "true" : "false", b, e, e / b);
  }
  return 0;
}

// Layer statistics and timeline on vs off, interleaved.
int bench_inside(const std::string& preset, int batch, double seconds, int repeats, const std::string& data_dir) {
  Eigen::setNbThreads(1);
  auto data = std::make_shared<const Dataset>(
      Dataset::load(DatasetKind::Mnist, resolve_data_dir(DatasetKind::Mnist, data_dir), NormMode::Standard));
  TrainConfig cfg = preset.empty() ? mlp_config(batch) : find_preset(preset).config;
  cfg.batch = batch;
  cfg.epochs = 100000;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> on, off;
  for (int r = 0; r < repeats; ++r) {
    off.push_back(engine_rate(cfg, data, seconds, false, false));
    on.push_back(engine_rate(cfg, data, seconds, false, true));
    std::fprintf(stderr, "repeat %d: recording off %.0f, on %.0f samples/s\n", r + 1, off.back(), on.back());
  }
  const double a = median(off), b = median(on);
  std::printf("{\"bench\":\"inside\",\"preset\":\"%s\",\"batch\":%d,\"off_samples_per_s\":%.1f,"
              "\"on_samples_per_s\":%.1f,\"ratio\":%.3f,\"cost_percent\":%.1f}\n",
              preset.empty() ? "mlp100-sgd" : preset.c_str(), batch, a, b, b / a, (1 - b / a) * 100);
  return 0;
}

// MNIST, for a measurement on one thread (Eigen's and nnviz's own).
Dataset one_thread_mnist(const std::string& data_dir) {
  Eigen::setNbThreads(1);
  set_threads(1);
  return Dataset::load(DatasetKind::Mnist, resolve_data_dir(DatasetKind::Mnist, data_dir), NormMode::Standard);
}

// The representation view's computations on one thread: PCA and t-SNE (1000 iterations) of a
// preset's hidden layer for the first `samples` validation images, after `steps` mini-batches of
// the preset's own training.
int bench_tsne(const std::string& preset, int samples, int steps, const std::string& data_dir) {
  const Dataset data = one_thread_mnist(data_dir);
  Trainer tr(find_preset(preset).config, data);
  for (int i = 0; i < steps; ++i) tr.step();
  Network& net = tr.net();
  const size_t layer = net.num_layers() - 2;  // the last hidden layer's output (before the classifier)
  net.input(samples) = data.val.x.leftCols(samples);
  net.forward(false);
  const MatD X = net.act(layer + 1).cast<double>();
  double t0 = now();
  const Pca p = pca(X, 2);
  const double pca_s = now() - t0;
  t0 = now();
  Tsne t(X, TsneOptions{});
  const double affinity_s = now() - t0;
  while (!t.done()) t.step();
  const double tsne_s = now() - t0;
  // How often a sample's nearest other sample has its class, in the layer and in each map.
  auto nn_accuracy = [&](const MatD& Y) {
    long right = 0;
    for (long i = 0; i < Y.cols(); ++i) {
      long at = -1;
      double best = 1e300;
      for (long j = 0; j < Y.cols(); ++j) {
        const double d = j == i ? 1e300 : (Y.col(i) - Y.col(j)).squaredNorm();
        if (d < best) best = d, at = j;
      }
      right += data.val.y[size_t(at)] == data.val.y[size_t(i)];
    }
    return double(right) / double(Y.cols());
  };
  std::printf("{\"bench\":\"tsne\",\"preset\":\"%s\",\"steps\":%d,\"layer\":\"%s\",\"samples\":%d,\"dims\":%ld,"
              "\"pca_s\":%.3f,\"tsne_affinities_s\":%.3f,\"tsne_s\":%.3f,\"iterations\":%d,"
              "\"knn_recall_10_tsne\":%.3f,\"knn_recall_10_pca\":%.3f,"
              "\"nn_class_accuracy_layer\":%.4f,\"nn_class_accuracy_tsne\":%.4f,\"nn_class_accuracy_pca\":%.4f}\n",
              preset.c_str(), steps, net.layer(layer).type(), samples, long(X.rows()), pca_s, affinity_s, tsne_s,
              t.iteration(), knn_recall(X, t.points(), 10), knn_recall(X, p.points, 10), nn_accuracy(X),
              nn_accuracy(t.points()), nn_accuracy(p.points));
  return 0;
}

// The loss landscape of a run on one thread: a preset trained for `steps` mini-batches, then the
// 1-D line from its initial weights through the trained ones (41 points, t from -0.5 to 1.5) and a
// 25 x 25 plane around the trained weights along two filter-normalised directions (-1 to 1), each
// point's loss over the first `samples` validation images.
int bench_landscape(const std::string& preset, int samples, int steps, const std::string& data_dir) {
  const Dataset data = one_thread_mnist(data_dir);
  Trainer tr(find_preset(preset).config, data);
  const ParamSet initial = params_of(tr.net());
  for (int i = 0; i < steps; ++i) tr.step();
  const ParamSet trained = params_of(tr.net());
  double t0 = now();
  const std::vector<SurfacePoint> line = line_losses(tr.net(), initial, trained, evenly(-0.5, 1.5, 41), data.val, samples);
  const double line_s = now() - t0;
  Rng rng(1);
  const ParamSet d1 = filter_normalised_direction(tr.net(), trained, rng);
  const ParamSet d2 = filter_normalised_direction(tr.net(), trained, rng);
  t0 = now();
  const std::vector<SurfacePoint> plane =
      plane_losses(tr.net(), trained, d1, d2, evenly(-1, 1, 25), evenly(-1, 1, 25), data.val, samples);
  const double plane_s = now() - t0;
  double lo = 1e300, hi = 0;
  for (const SurfacePoint& p : plane) lo = std::min(lo, p.loss), hi = std::max(hi, p.loss);
  std::printf("{\"bench\":\"landscape\",\"preset\":\"%s\",\"steps\":%d,\"samples\":%d,\"line_points\":41,"
              "\"line_s\":%.3f,\"loss_t0\":%.4f,\"loss_t1\":%.4f,\"plane_points\":625,\"plane_s\":%.3f,"
              "\"plane_centre_loss\":%.4f,\"plane_min_loss\":%.4f,\"plane_max_loss\":%.4f}\n",
              preset.c_str(), steps, samples, line_s, line[10].loss, line[30].loss, plane_s, plane[12 * 25 + 12].loss, lo, hi);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc >= 2 ? argv[1] : "";
  if (mode != "mlp" && mode != "cnn" && mode != "engine" && mode != "inside" && mode != "tsne" &&
      mode != "landscape")
    return usage();
  const bool engine = mode == "engine";
  int batch = 10, threads = 1, repeats = 3, samples = 2000, steps = 3000;
  double seconds = 1.5;
  std::string data_dir, preset;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--batch") batch = std::atoi(argv[i + 1]);
    else if (k == "--threads") threads = std::atoi(argv[i + 1]);
    else if (k == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (k == "--data") data_dir = argv[i + 1];
    else if (k == "--repeats") repeats = std::atoi(argv[i + 1]);
    else if (k == "--preset" && (mode == "cnn" || mode == "inside" || mode == "tsne" || mode == "landscape"))
      preset = argv[i + 1];
    else if (k == "--samples" && (mode == "tsne" || mode == "landscape")) samples = std::atoi(argv[i + 1]);
    else if (k == "--steps" && (mode == "tsne" || mode == "landscape")) steps = std::atoi(argv[i + 1]);
    else return usage();
  }
  if (batch < 1 || threads < 1 || seconds <= 0 || repeats < 1 || (mode == "cnn" && preset.empty())) return usage();
  try {
    if (engine) return bench_engine(batch, seconds, repeats, data_dir);
    if (mode == "tsne") {
      if (samples < 4 || samples > 10000 || steps < 0) return usage();
      return bench_tsne(preset.empty() ? "mlp100" : preset, samples, steps, data_dir);
    }
    if (mode == "landscape") {
      if (samples < 1 || samples > 10000 || steps < 0) return usage();
      return bench_landscape(preset.empty() ? "mlp100" : preset, samples, steps, data_dir);
    }
    if (mode == "inside") return bench_inside(preset, batch, seconds, repeats, data_dir);
    Eigen::setNbThreads(threads);
    set_threads(threads);  // the batch split (core/base/parallel.h)
    const Dataset data =
        Dataset::load(DatasetKind::Mnist, resolve_data_dir(DatasetKind::Mnist, data_dir), NormMode::Standard);
    if (mode == "cnn") {
      double cpu_rate = 0;
      const double rate = bare_rate(preset_config(preset, batch), data, seconds, false, &cpu_rate);
      std::printf("{\"impl\":\"nnviz\",\"preset\":\"%s\",\"batch\":%d,\"threads\":%d,\"samples_per_s\":%.1f,"
                  "\"simd\":\"%s\",\"cpu_samples_per_s\":%.1f}\n",
                  preset.c_str(), batch, threads, rate, simd(), cpu_rate);
      return 0;
    }
    std::string kernels;
    const double rate = bare_rate(mlp_config(batch), data, seconds, false, nullptr, &kernels);
    std::printf("{\"impl\":\"nnviz\",\"batch\":%d,\"threads\":%d,\"samples_per_s\":%.1f,\"simd\":\"%s\","
                "\"kernels\":\"%s\"}\n",
                batch, threads, rate, simd(), kernels.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz-bench: %s\n", e.what());
    return 1;
  }
}
