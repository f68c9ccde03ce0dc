// The fast paths of the 2-D convolution behind one seam: the geometry, and for each path its plan,
// its buffers and its forward and backward functions over a batch. nn/conv.h has the layer, its
// formula and its layouts (in, W, b, out), which every function here shares.
//
// The direct path (conv_direct.cpp; stride 1, every preset). Each channel is copied into a
// zero-padded plane of width Wp = W + 2p, and the output is computed at every "virtual" pixel
// q = y*Wp + x of that width (the x >= OW columns are computed and dropped). Then a tap
// (c, i, j) reads plane c at the one offset i*d*Wp + j*d from q for every pixel, so a run of
// consecutive outputs reads a run of consecutive inputs: the sums vectorise over q, blocked over
// output channels, with no patch matrix at all.
//   forward   out_v[o, q]  = b[o] + sum over c, t of W[o, c, t] * in_p[c, q + off_t]
//   backward  dW[o, c, t]  = sum over n, q of dout_v[o, q] * in_p[c, q + off_t]
//             din_p[c, r]  = sum over o, t of W[o, c, t] * dout_v[o, r - off_t]
// where dout_v is dout at the virtual pixels with zeros in the dropped columns and outside the
// image; the input gradient is the same kernel run on dout_v with the taps mirrored.
// The mini-batch is split over the threads of parallel.h (OpenMP builds): samples are
// independent, and the per-thread dW partial sums are added in thread order, so a run is
// reproducible for a given thread count.
//
// The Winograd path (conv_winograd.cpp; stride 1, dilation 1, 3x3 and 5x5 kernels on inputs of
// several channels: the second convolution of cnn8-16) computes 4x4 blocks of outputs with
// Winograd's minimal filtering algorithm F(4x4, r x r) (winograd.h): (r+3)^2 multiplications per
// block and channel pair instead of 16 r^2, and the same for both gradients. Its rounding differs
// from the sums term by term by a few units in the fifth significant digit.
//
// The plain-loop reference (conv_reference.cpp) computes the same sums term by term; the tests
// hold every fast path against it.
#pragma once

#include <cstdint>
#include <vector>

#include "base/limits.h"
#include "base/scalar.h"

namespace nnviz {

// The sizes of one convolution. K = C*kh*kw filter taps, P = OH*OW output pixels.
struct ConvGeom {
  int c = 1, h = 1, w = 1;  // input
  int o = 1;                // output channels (filters)
  int kh = 1, kw = 1, stride = 1, pad = 0, dil = 1;
  int oh = 1, ow = 1;  // output
  int taps() const { return c * kh * kw; }
  int pixels() const { return oh * ow; }
};

// Plain loops over every output pixel and every tap. in (C*H*W x N), W (K x O), b (O x 1) or
// null, out (O*OH*OW x N); backward overwrites dW (K x O), db (O x 1) when not null, and din
// (C*H*W x N) when not null.
void conv2d_reference_forward(const ConvGeom& g, const Mat& W, const Mat* b, const Mat& in, Mat& out);
void conv2d_reference_backward(const ConvGeom& g, const Mat& W, const Mat& in, const Mat& dout, Mat& dW, Mat* db,
                               Mat* din);

// Buffers of the direct path for one thread (conv_direct.cpp).
struct ConvDirectWorkspace {
  using Buffer = std::vector<Scalar, Eigen::aligned_allocator<Scalar>>;  // vector-aligned
  Buffer in_p;     // the sample's input, zero-padded planes
  Buffer out_v;    // forward: output at the virtual pixels; backward: din_p
  Buffer dout_p;   // backward: dout_v, one zero-bordered plane per output channel
  Buffer dw_part;  // backward: dW partial sums, one vector of lanes per weight
};

// The layout of the direct path for geometry g (stride 1).
struct ConvDirectPlan {
  int wp = 0, hp = 0;           // padded input width and height
  int64_t plane = 0;            // hp * wp
  std::vector<int> off;         // per tap t = i*kw + j: i*d*wp + j*d
  int64_t nq = 0;               // virtual output pixels oh * wp, rounded up to the vector block
  int64_t front = 0;            // zeros in front of each dout_v plane: the largest offset, rounded up
  int64_t nr = 0;               // din_p plane: hp * wp rounded up to the vector block
  int64_t dout_plane = 0;       // front + nr
  int64_t in_len = 0;           // in_p: c planes plus the slack the last vector block reads
};

// The plan for g, or false when the direct path does not apply (stride > 1, padded planes beyond
// kMaxValuesPerSample, or more than kMaxConvPatches partial sums for the weight gradient).
bool conv_direct_plan(const ConvGeom& g, ConvDirectPlan& plan);

// The direct path over a batch (layouts as the reference). Wt is W transposed (O x K), Wd the
// weights reordered for the input gradient (conv_direct.cpp); ws holds one workspace per thread.
void conv2d_direct_forward(const ConvGeom& g, const ConvDirectPlan& plan, const Mat& W, const Mat* b, const Mat& in,
                           Mat& out, std::vector<ConvDirectWorkspace>& ws);
void conv2d_direct_backward(const ConvGeom& g, const ConvDirectPlan& plan, const Mat& W, const Mat& in,
                            const Mat& dout, Mat& dW, Mat* db, Mat* din, std::vector<ConvDirectWorkspace>& ws);

// The layout of the Winograd path for geometry g: 4x4 output tiles.
struct ConvWinogradPlan {
  int r = 0;           // kernel size, 3 or 5
  int ty = 0, tx = 0;  // tiles down and across: the output rounded up to whole tiles
  int ht = 0, wt = 0;  // the input planes, padded and extended to whole tiles: ty*4 + r - 1, tx*4 + r - 1
};

// The plan for g, or false when the Winograd path does not apply (stride or dilation above 1, a
// kernel other than 3x3 or 5x5, or buffers of more than 64 MB for one thread).
bool conv_winograd_plan(const ConvGeom& g, ConvWinogradPlan& plan);

// Auto runs the forward pass on the Winograd path from this many input channels on: with fewer,
// the tile transforms cost more than the multiplications they save (on one channel, cnn8's first
// layer, the direct forward pass is faster). The backward pass takes the Winograd path wherever
// it applies: on one channel its weight gradient is still faster than the direct one.
constexpr int kWinogradMinForwardChannels = 4;

// Buffers of the Winograd path for one thread: planes of vectors (one lane per sample of a group)
// and one block of tiles of the transformed values.
struct ConvWinogradWorkspace {
  using Buffer = ConvDirectWorkspace::Buffer;
  Buffer x, y, dy, dx;  // input, output, output gradient, input gradient planes
  Buffer v, m, z;       // a block: transformed inputs, channel sums, transformed output gradients
  Buffer du;            // dL/dU, one vector of lanes per (element, channel pair)
};

// Everything the Winograd path of one layer keeps between calls: a workspace per thread; the
// transformed filters of the weights they were made from (w_seen), which the forward pass makes
// and the backward pass of the same weights reuses (any change to W, compared bit for bit, makes
// them again); and the transformed inputs of the last training forward pass (v_saved, valid
// while v_from is that pass's input matrix), which its backward pass reads instead of
// transforming the input again: backward differentiates the last forward pass (layer.h).
struct ConvWinogradState {
  std::vector<ConvWinogradWorkspace> threads;
  ConvDirectWorkspace::Buffer w_seen, uf, ub;
  ConvDirectWorkspace::Buffer v_saved;
  const Scalar* v_from = nullptr;  // null: nothing saved
  Eigen::Index v_cols = 0;
};

void conv2d_winograd_forward(const ConvGeom& g, const ConvWinogradPlan& plan, const Mat& W, const Mat* b,
                             const Mat& in, Mat& out, ConvWinogradState& st, bool training);
void conv2d_winograd_backward(const ConvGeom& g, const ConvWinogradPlan& plan, const Mat& W, const Mat& in,
                              const Mat& dout, Mat& dW, Mat* db, Mat* din, ConvWinogradState& st);

// db[o] = the sum of dout over the samples and pixels of channel o (every path).
void conv2d_bias_gradient(const ConvGeom& g, const Mat& dout, Mat& db);

}  // namespace nnviz
