// The one scalar type of the library and the matrix types built on it.
//
// Training uses float. The gradient-check tests build the same sources a second time with
// NNVIZ_SCALAR_DOUBLE defined, so every layer is checked in double precision.
//
// Batch layout, used everywhere: a batch of N samples is a matrix with one *column* per sample
// (Eigen's column-major default), so sample j is the contiguous block col(j). A per-sample shape
// (C,H,W) is stored channel-major inside that column: index = (c*H + h)*W + w.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "base/error.h"

namespace nnviz {

#ifdef NNVIZ_SCALAR_DOUBLE
using Scalar = double;
#else
using Scalar = float;
#endif

using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
using Vec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
using RowVec = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;
using MatMap = Eigen::Map<Mat>;
using ConstMatMap = Eigen::Map<const Mat>;

// Per-sample shape: channels x height x width. A flat vector of n values is (n,1,1).
struct Shape {
  int c = 1, h = 1, w = 1;
  int size() const { return c * h * w; }
  bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const {  // "784" or "8x24x24"
    if (h == 1 && w == 1) return std::to_string(c);
    return std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w);
  }
};

// Errors from bad configuration or bad input. The message starts with the component in brackets,
// e.g. "[idx] data/mnist/train-images-idx3-ubyte: truncated ...".
}  // namespace nnviz
