// Fine-tuning a trained network on a few images of the user's own (the Draw view's "My digits"):
// mini-batches that mix the user's training images, each freshly augmented (small shifts,
// rotations, scalings, thicker and thinner strokes), with images of the network's own training
// split, so that it learns the new hand without forgetting the old data. Accuracy on the user's
// held-out images and on the data's test split is measured before and after.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "data/augment.h"
#include "data/dataset.h"
#include "nn/network.h"
#include "nn/optimizer.h"

namespace nnviz {

// The share of the run's learning rate that fine-tuning uses by default. At the full rate a
// network forgets much of what it knew (mlp256 after an epoch, 200 mirrored digits: MNIST test
// 94.5% -> 86.6%); at a quarter it keeps it (94.5% -> 94.5%) and learns the new hand better too
// (held-out 44% -> 81%; cnn8 44% -> 84%, its MNIST 96.2% -> 96.0%).
constexpr double kFineTuneRate = 0.25;

struct FineTuneOptions {
  int steps = 300;          // mini-batches, 1..100000
  int batch = 32;           // images a mini-batch, 2..1024
  double own_share = 0.25;  // of each mini-batch, the user's images (at least one), (0, 1]
  OptConfig opt;            // the optimizer (kind, learning rate, momentum...), from zero state
  Augment augment;          // applied to the user's images when enabled (grey images only)
  uint64_t seed = 1;
  int test_samples = 2000;  // of the data's test split, for its before and after (0: none)
};

struct FineTuneReport {
  int trained_on = 0;                  // the user's training images
  int held_out = 0;                    // the user's held-out images
  std::vector<int> labels;             // each held-out image's class
  double held_before = -1, held_after = -1;  // their accuracy (-1 with none)
  std::vector<int> pred_before, pred_after;  // each held-out image's predicted class
  double test_before = -1, test_after = -1;  // on the first test_samples of the data's test split
  int steps = 0;                       // mini-batches done
  double last_loss = 0;                // of the last mini-batch
  bool cancelled = false;
};

// The user's images as a split normalised as `data` is: count images of data.input_size() bytes.
Split own_split(const Dataset& data, const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& labels);

// Trains `net` in place. `own_train` must hold at least one image; `own_test` may be empty. Throws
// Error("[fine-tune] ...") for options out of range or images of another size than the network's.
// `progress`, when given, counts the mini-batches done; `cancel` set by another thread stops after
// the mini-batch in progress (the report says so, and `net` keeps what it learnt until then).
FineTuneReport fine_tune(Network& net, const Dataset& data, const Split& own_train, const Split& own_test,
                         const FineTuneOptions& o, std::atomic<int>* progress = nullptr,
                         const std::atomic<bool>* cancel = nullptr);

}  // namespace nnviz
