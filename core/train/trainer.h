// The bare training loop: one Trainer owns a network, its optimizer and its place in the data.
// step() trains exactly one mini-batch; the engine (a thread per run) and nnviz-cli both drive it.
//
// Determinism: the initial weights come from Rng::derive(seed, 0), the order of epoch e from
// Rng::derive(seed, 1000 + e) and the augmentation from Rng::derive(seed, 2), so the same seed
// gives the same run, and two runs with one seed start from the same weights and see the same
// mini-batches.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "data/augment.h"
#include "data/dataset.h"
#include "nn/frozen.h"
#include "nn/network.h"
#include "nn/optimizer.h"

namespace nnviz {

struct TrainConfig {
  std::string preset;  // name it came from, informational
  NetSpec net;
  InitKind init = InitKind::Lecun;
  OptConfig opt;
  Schedule schedule;
  int batch = 10;
  int epochs = 30;
  uint64_t seed = 1;
  DatasetKind dataset = DatasetKind::Mnist;
  NormMode norm = NormMode::Standard;
  Augment augment;  // training-time augmentation of the inputs (off by default)
  // A folder of images (dataset Folder; data/image_folder.h): where the pictures came from and the
  // classes' names in label order, so that a model file names its answers and finds its data again.
  std::string folder;
  std::vector<std::string> classes;
  uint64_t folder_seed = 0;  // the seed its splits were drawn with
  // Sets dataset, folder and classes from the data trained on.
  void set_data(const Dataset& data);
  // "" when `data` holds the classes this was trained on, in the same order (or it names none);
  // else why not: "it was trained on the classes a, b of DIR; the folder has x, y".
  std::string classes_problem(const Dataset& data) const;

  json::Value to_json() const;
  static TrainConfig from_json(const json::Value& v);
};

struct StepStats {
  long step = 0;         // global step count after this step
  double epoch = 0;      // fractional epoch after this step
  double loss = 0;       // mean loss of this mini-batch
  int correct = 0;       // correct predictions in this mini-batch
  int batch = 0;         // its size
  double lr = 0;         // learning rate used
  bool epoch_end = false;
  double t_forward = 0, t_backward = 0, t_update = 0;  // seconds (the first shard's, when sharded)
  int shards = 1;  // copies of the network that ran this batch, each on its own thread (Trainer::step)
};

struct EvalStats {
  double loss = 0;
  double accuracy = 0;  // fraction in [0,1]
  int count = 0;
};

// Loss and accuracy of a network over the first max_samples of a split (all when negative), in
// chunks of 1000, optionally the predicted class of each sample. Overwrites the network's caches.
// With `cancel` set (by another thread) it stops after the chunk in progress; the partial figures
// (count says how many samples) are then the caller's to discard.
EvalStats evaluate(Network& net, const Split& split, int max_samples = -1, std::vector<int>* predictions = nullptr,
                   const std::atomic<bool>* cancel = nullptr);

// Every training setting's range, in one place for every path that takes settings: nnviz-cli's
// options, model and run files (model_from_st, load_run), comparisons (expand, load_comparison)
// and the GUI's fields. "" when all are fine, else the first problem, e.g. "the learning rate -1
// is not in (0, 1000]", for the caller to prefix with its file or option. The ranges:
//   learning rate (0, 1000]; momentum, beta1, beta2, rho [0, 1); eps (0, 1]; weight decay [0, 10];
//   schedule: step_epochs and total_epochs (0, 1e6], gamma (0, 1], min_lr [0, 1000];
//   batch 1..60000; epochs 1..1000000 (nnviz-cli train takes up to 100000; the GUI's benchmark
//   and soak modes set 1000000 to train on indefinitely, and such runs are saved too);
//   augmentation: shift [0, 100] pixels, rotate [0, 360] degrees, scale [0, 0.9], thickness [0, 0.5].
// The architecture is checked where the network is built (Network's constructor).
std::string config_problem(const TrainConfig& c);

class Trainer {
 public:
  Trainer(const TrainConfig& cfg, const Dataset& data);

  // Initialises the weights and rewinds to step 0 with cfg.seed (or a new seed).
  void reset();
  void reset(uint64_t seed);

  // Exactly one mini-batch. `before_update`, when given, runs after the backward pass and before
  // the optimizer changes the weights (the step-through records the gradients there).
  //
  // With threads() > 1 (parallel.h) and a network whose layers all have samples_independent(),
  // a batch with enough work (kShardWork multiply-adds per thread) is cut into shards, one per
  // thread, each run forward and backward by its own copy of the network with the current
  // weights, without any synchronisation between layers; then each thread adds up its share of
  // the gradients, shard by shard in order (so a run is reproducible for a given thread count),
  // updates that share of the weights and copies it to the shards.
  // net() is the first shard: after such a step its activations and layer gradients are of that
  // shard's samples only. Steps with `before_update` are never sharded, so the step-through sees
  // the whole batch.
  StepStats step(const std::function<void()>& before_update = {});
  static constexpr double kShardWork = 2e6;
  // evaluate() of this trainer's network; call it between steps.
  EvalStats evaluate(const Split& split, int max_samples = -1, std::vector<int>* predictions = nullptr);

  long steps_done() const { return step_; }
  int epoch() const { return epoch_; }                 // completed epochs
  size_t cursor() const { return cursor_; }            // samples of this epoch done
  // Continues a saved run: its place in the data (the epoch's order is derived from the seed).
  void restore_position(long step, int epoch, size_t cursor);
  double epoch_progress() const;                        // fractional epochs
  int batches_per_epoch() const;
  double current_lr() const { return cfg_.schedule.lr_at(cfg_.opt.lr, epoch_progress()); }

  const TrainConfig& config() const { return cfg_; }
  // Live changes (between steps): learning rate, momentum, weight decay, batch size, schedule,
  // optimizer. The architecture and seed change only through reset.
  void set_optimizer(const OptConfig& o) { cfg_.opt = o; opt_.set_config(o); }
  void set_batch(int b);
  void set_schedule(const Schedule& s) { cfg_.schedule = s; }
  void set_epochs(int e) { cfg_.epochs = e; }
  void set_augment(const Augment& a) { cfg_.augment = a; }
  // Units held still (nn/frozen.h): put back after every update, cleared by reset(). A weight set
  // by hand (set_weight, which throws Error out of range) stays, also in a frozen unit.
  void freeze_unit(int layer, int unit, bool frozen) { frozen_.set(net(), layer, unit, frozen); }
  const FrozenUnits& frozen() const { return frozen_; }
  void thaw_all() { frozen_.clear(); }
  void set_weight(int param, long row, long col, Scalar value);

  // (Anything may change the weights through this one: a sharded step copies them to its shards
  // again afterwards.)
  Network& net() {
    shards_current_ = false;
    return net_;
  }
  const Network& net() const { return net_; }
  Optimizer& optimizer() { return opt_; }
  const Dataset& data() const { return data_; }
  const std::vector<uint8_t>& batch_labels() const { return labels_; }
  const std::vector<int>& batch_indices() const { return batch_idx_; }

 private:
  void start_epoch();
  TrainConfig cfg_;
  const Dataset& data_;
  Network net_;
  Optimizer opt_;
  std::vector<int> order_;
  size_t cursor_ = 0;
  int epoch_ = 0;
  long step_ = 0;
  std::vector<uint8_t> labels_;
  std::vector<int> batch_idx_;
  std::vector<int> pred_;
  FrozenUnits frozen_;
  Rng aug_rng_;  // the augmentation's own stream, reseeded by reset()
  // Shards 1.. of a sharded step (shard 0 is net_), made on the first such step. A sharded step
  // leaves them with the weights it made (shards_current_); anything else that may change
  // net_'s weights clears the flag.
  std::vector<Network> shards_;
  bool shards_current_ = false;
  std::vector<std::vector<int>> shard_pred_;
  int shard_count(int n) const;
};

}  // namespace nnviz
