#include "nn/pool.h"

#include <algorithm>

#include "base/parallel.h"

namespace nnviz {

namespace {

// The input gradient of one row of 2x2 windows with stride 2 over the input rows p0 and p1: each
// window's output gradient g to its winner, zero to the other three, written to the rows d0 and
// d1 of the input gradient (every input pixel lies in exactly one window, so nothing needs
// clearing first or adding). Two independent pairs, then the larger pair maximum, in arithmetic
// rather than branches (random data defeats branch prediction); ties keep the first pixel, as
// the forward pass's reference does. Separate restrict pointers let it vectorise.
void pool2x2_backward_row(const Scalar* __restrict p0, const Scalar* __restrict p1, const Scalar* __restrict g,
                          Scalar* __restrict d0, Scalar* __restrict d1, int ow) {
  for (int ox = 0; ox < ow; ++ox) {
    const Scalar a0 = p0[2 * ox], a1 = p0[2 * ox + 1], b0 = p1[2 * ox], b1 = p1[2 * ox + 1];
    const Scalar v = g[ox], z = 0;
    const bool lower = std::max(b0, b1) > std::max(a0, a1);
    const Scalar top = lower ? z : v, bottom = lower ? v : z;
    d0[2 * ox] = a1 > a0 ? z : top;
    d0[2 * ox + 1] = a1 > a0 ? top : z;
    d1[2 * ox] = b1 > b0 ? z : bottom;
    d1[2 * ox + 1] = b1 > b0 ? bottom : z;
  }
}

// The maxima of 2x2 windows with stride 2 over one sample of c planes of h x w (both even): the
// maximum of each pair of rows first (rows of w values), then of each pair of neighbours in
// those. Viewed flat, the second step is one long stride-2 pass over all planes, since a row of
// pair maxima is exactly two rows of output wide.
void pool2x2_maxima(const Scalar* __restrict x, Scalar* __restrict y, Scalar* __restrict rows, int c, int h, int w) {
  const int pairs = c * h / 2;
  for (int r = 0; r < pairs; ++r) {
    const Scalar* a = x + int64_t(2 * r) * w;
    Scalar* v = rows + int64_t(r) * w;
    for (int i = 0; i < w; ++i) v[i] = std::max(a[i], a[w + i]);
  }
  const int64_t n = int64_t(pairs) * w / 2;
  for (int64_t j = 0; j < n; ++j) y[j] = std::max(rows[2 * j], rows[2 * j + 1]);
}

}  // namespace

MaxPool2D::MaxPool2D(Shape in, int k, int stride) : Layer(in), k_(k), s_(stride) {
  auto num = [](int v) { return std::to_string(v); };
  if (k <= 0) throw Error("[maxpool2d] the window size must be positive, not " + num(k));
  if (stride <= 0) throw Error("[maxpool2d] the stride must be positive, not " + num(stride));
  if (k > in.h || k > in.w) {
    std::string e = "[maxpool2d] a " + num(k) + "x" + num(k) + " window does not fit a " + num(in.h) + "x" +
                    num(in.w) + " input";
    if (in.h == 1 && in.w == 1)
      e += "; the input is a flat vector of " + num(in.size()) + " values, and pooling needs an image "
           "(put pooling before the dense layers)";
    throw Error(e);
  }
  out_ = Shape{in.c, (in.h - k) / stride + 1, (in.w - k) / stride + 1};
}

bool MaxPool2D::fast() const { return k_ == 2 && s_ == 2 && in_.h % 2 == 0 && in_.w % 2 == 0; }

void MaxPool2D::forward(const Mat& in, Mat& out, bool) {
  // in (C*H*W x N), out (C*OH*OW x N). The general path remembers each maximum's pixel in
  // argmax_ for backward; the common 2x2 window with stride 2 on even sizes only takes maxima
  // (pool2x2_maxima), and backward finds the winners again from the input.
  const int n = static_cast<int>(in.cols()), size = out_.size();
  const int H = in_.h, W = in_.w, OH = out_.h, OW = out_.w;
  out.resize(size, n);
  if (fast()) {
    for_batch_ranges(n, double(in.rows()), [&](long j0, long j1) {
      std::vector<Scalar> rows(size_t(in_.c) * OH * W);
      for (int j = int(j0); j < int(j1); ++j) pool2x2_maxima(in.col(j).data(), out.col(j).data(), rows.data(), in_.c, H, W);
    });
    return;
  }
  argmax_.resize(size_t(size) * n);
  for_batch_ranges(n, double(in.rows()), [&](long j0, long j1) {
    for (int j = int(j0); j < int(j1); ++j) {
      const Scalar* x = in.col(j).data();
      Scalar* y = out.col(j).data();
      int* arg = argmax_.data() + size_t(j) * size;
      for (int c = 0; c < in_.c; ++c)
        for (int oy = 0; oy < OH; ++oy)
          for (int ox = 0; ox < OW; ++ox) {
            const int corner = (c * H + oy * s_) * W + ox * s_;  // the window's top-left pixel
            const int r = (c * OH + oy) * OW + ox;
            if (k_ == 2) {
              // The common 2x2 window as two independent pairs, then the larger pair maximum, in
              // arithmetic rather than branches (random data defeats branch prediction).
              const Scalar* p = x + corner;
              const int right0 = p[1] > p[0], right1 = p[W + 1] > p[W];
              const Scalar m0 = std::max(p[0], p[1]), m1 = std::max(p[W], p[W + 1]);
              const int lower = m1 > m0;
              y[r] = std::max(m0, m1);
              arg[r] = corner + lower * (W + right1) + (1 - lower) * right0;
              continue;
            }
            int best = corner;
            Scalar v = x[corner];
            for (int i = 0; i < k_; ++i)
              for (int jj = 0; jj < k_; ++jj) {
                const int idx = corner + i * W + jj;
                const bool greater = x[idx] > v;
                v = greater ? x[idx] : v;
                best = greater ? idx : best;
              }
            y[r] = v;
            arg[r] = best;
          }
    }
  });
}

void MaxPool2D::backward(const Mat& in, const Mat&, const Mat& dout, Mat* din) {
  // Each output's gradient goes to the input pixel that won its window (windows may overlap
  // when s < k, so the gradients add).
  if (!din) return;
  const int n = static_cast<int>(dout.cols()), size = out_.size();
  const int H = in_.h, W = in_.w, OH = out_.h, OW = out_.w;
  din->resize(in.rows(), n);
  for_batch_ranges(n, double(in.rows()), [&](long j0, long j1) {
    for (int j = int(j0); j < int(j1); ++j) {
      Scalar* d = din->col(j).data();
      const Scalar* g = dout.col(j).data();
      if (fast()) {
        const Scalar* x = in.col(j).data();
        for (int c = 0; c < in_.c; ++c)
          for (int oy = 0; oy < OH; ++oy) {
            const int row = (c * H + oy * 2) * W;
            pool2x2_backward_row(x + row, x + row + W, g + (c * OH + oy) * OW, d + row, d + row + W, OW);
          }
        continue;
      }
      din->col(j).setZero();  // sample by sample: still in the cache for the scatter
      const int* arg = argmax_.data() + size_t(j) * size;
      for (int r = 0; r < size; ++r) d[arg[r]] += g[r];
    }
  });
}

}  // namespace nnviz
