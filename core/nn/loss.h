// Losses over a batch of N samples (one per column). Both return the mean loss over the batch
// and write dL/d(prediction), already divided by N.
//
// Softmax fused with cross-entropy, for logits z and labels y:
//   p = softmax(z) = exp(z - max z) / sum exp(z - max z)     (shifted: no overflow)
//   L = -(1/N) sum_j log p_{y_j, j} = (1/N) sum_j (logsumexp(z_j) - z_{y_j, j})
//   dL/dz = (p - onehot(y)) / N
//
// Mean squared error (the quadratic cost), for predictions a and targets t:
//   L = (1/(2N)) sum_j ||a_j - t_j||^2            dL/da = (a - t) / N
#pragma once

#include <cstdint>

#include "base/scalar.h"

namespace nnviz {

// probs (optional) receives softmax(logits). dlogits may be null.
double softmax_cross_entropy(const Mat& logits, const uint8_t* labels, Mat* dlogits, Mat* probs = nullptr);

double mean_squared_error(const Mat& pred, const Mat& target, Mat* dpred);

// One-hot targets (classes x N) for MSE on classification labels.
Mat one_hot(const uint8_t* labels, int n, int classes);

// Softmax of each column.
void softmax(const Mat& logits, Mat& probs);

}  // namespace nnviz
