// Error analysis of a classifier on one split: every prediction with its probabilities, the
// confusion matrix, per-class accuracy, and the mistakes ordered by how sure the network was.
#pragma once

#include <vector>

#include "data/dataset.h"
#include "nn/network.h"

namespace nnviz {

struct Analysis {
  int classes = 0;
  std::vector<int> predicted;             // per sample
  std::vector<float> confidence;          // probability of the predicted class
  std::vector<std::vector<int>> confusion;  // [true][predicted] counts
  std::vector<int> mistakes;              // sample indices, most confidently wrong first
  double accuracy = 0;
  double class_accuracy(int c) const;     // share of class c classified correctly
};

Analysis analyse(Network& net, const Split& split, int classes);

}  // namespace nnviz
