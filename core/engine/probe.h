// The probe pass: one input through a network, forward and back, as the activations view, the
// timeline and the drawing view show it. The engine runs it on its own copy of the training
// network; a view runs it on a network it built from a snapshot's weights.
#pragma once

#include <vector>

#include "base/scalar.h"
#include "nn/network.h"

namespace nnviz {

// One input run through the network: every layer's output and dL/d(output) for its label.
struct ProbeView {
  long step = 0;
  int label = -1;
  std::vector<Mat> acts;   // acts[0] = input, acts[i+1] = layer i's output
  std::vector<Mat> grads;  // same indexing, dL/d(acts[i]); empty without a label
  Vec probs;               // softmax of the output (classifiers)
};

// The label a probe pass takes the loss against when the input has none of its own: the class
// the network finds most likely. dL/d(input) is then the saliency map, -d log p(top) / d pixel.
constexpr int kProbeTopClass = -2;

// x (one column) forward through net (inference mode), its class probabilities for a classifier,
// and, when label is a class (or kProbeTopClass on a classifier), the loss against it backward.
// `step` is only recorded. Uses the network's own caches: run it on a copy that nothing else is
// using.
ProbeView probe_pass(Network& net, const Mat& x, int label, long step);

}  // namespace nnviz
