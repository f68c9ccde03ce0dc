#include "labs/analysis.h"

#include <algorithm>

#include "nn/loss.h"

namespace nnviz {

double Analysis::class_accuracy(int c) const {
  int total = 0;
  for (int p = 0; p < classes; ++p) total += confusion[c][p];
  return total ? double(confusion[c][c]) / total : 0.0;
}

Analysis analyse(Network& net, const Split& split, int classes) {
  Analysis a;
  a.classes = classes;
  a.confusion.assign(classes, std::vector<int>(classes, 0));
  a.predicted.resize(split.count);
  a.confidence.resize(split.count);
  Mat probs;
  int right = 0;
  for (int start = 0; start < split.count; start += 1000) {
    const int n = std::min(1000, split.count - start);
    net.input(n) = split.x.middleCols(start, n);
    softmax(net.forward(false), probs);
    for (int j = 0; j < n; ++j) {
      Eigen::Index top;
      const float p = float(probs.col(j).maxCoeff(&top));
      const int i = start + j, y = split.y[i];
      a.predicted[i] = int(top);
      a.confidence[i] = p;
      if (y < classes && top < classes) a.confusion[y][top]++;
      if (top == y) ++right;
      else a.mistakes.push_back(i);
    }
  }
  std::stable_sort(a.mistakes.begin(), a.mistakes.end(),
                   [&](int p, int q) { return a.confidence[p] > a.confidence[q]; });
  a.accuracy = split.count ? double(right) / split.count : 0;
  return a;
}

}  // namespace nnviz
