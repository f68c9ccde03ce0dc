// 2-D convolution (cross-correlation, as in PyTorch) with stride s, zero padding p and dilation d.
//
//   out[o, y, x] = b[o] + sum over c, i, j of  W[o, c, i, j] * in[c, y*s - p + i*d, x*s - p + j*d]
//
//   in (C,H,W) per sample, W (O,C,kh,kw), b (O), out (O,OH,OW); input pixels outside the image
//   read as 0, and OH = (H + 2p - d(kh-1) - 1) / s + 1 (rounded down; OW likewise).
//
// W is stored as a (C*kh*kw) x O matrix, column-major: filter o is the contiguous column W.col(o),
// ordered (c, i, j), and the bytes equal PyTorch's Conv2d weight [O, C, kh, kw] in row-major order.
//
// The im2col path (here, in conv.cpp; used for strides above 1): im2col + one matrix product. The patch
// matrix of a sample, P_n, has one row per output pixel (y*OW + x) and one column per filter tap
// ((c*kh + i)*kw + j), holding the input value that tap sees there. A sample's output column,
// read as an (OH*OW) x O matrix, is then exactly P_n W:
//   forward   out_n = P_n W (+ b[o] on column o)
//   backward  dW = sum_n P_n^T dout_n,   db[o] = sum over n, y, x of dout[o, y, x],
//             dP_n = dout_n W^T,  din_n = col2im(dP_n)  (each patch entry adds back to its pixel)
//
// The direct path, the Winograd path and the plain-loop reference the tests hold them against are
// in kernels/conv_paths.h; Conv2D picks one for each pass (ConvPath).
#pragma once

#include <vector>

#include "kernels/conv_paths.h"
#include "nn/layer.h"

namespace nnviz {

// Validates a configuration and computes the output size; throws Error("[conv2d] ...") naming
// the shape problem, e.g. a kernel that does not fit the padded input.
ConvGeom conv_geometry(Shape in, int filters, int kh, int kw, int stride, int pad, int dilation);

// Which implementation a Conv2D uses. Auto picks, for the forward pass and the backward pass
// apart, Winograd where it applies and pays (see conv_winograd_plan and
// kWinogradMinForwardChannels), else Direct when the geometry allows it (stride 1, padded planes
// of a sensible size), and Im2col otherwise.
enum class ConvPath { Auto, Im2col, Direct, Winograd };

class Conv2D : public Layer {
 public:
  // Throws Error explaining an invalid configuration (see conv_geometry). Specs describe square
  // kernels only; spec() of a kh x kw layer reports kh.
  Conv2D(Shape in, int filters, int kh, int kw, int stride, int pad, int dilation, bool bias);

  const char* type() const override { return "conv2d"; }
  double work_per_sample() const override { return double(g_.taps()) * g_.o * g_.pixels(); }
  LayerSpec spec() const override { return conv(g_.o, g_.kh, g_.stride, g_.pad, g_.dil, has_bias_); }
  const ConvGeom& geometry() const { return g_; }

  void forward(const Mat& in, Mat& out, bool training) override;
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;
  std::vector<Param> params() override;
  void initialise(InitKind kind, Rng& rng) override;

  Mat W, b;    // (K x O), (O x 1)
  Mat dW, db;  // same shapes

  // The implementation in use (Auto resolves at construction); tests force one or the other.
  ConvPath path() const { return path_; }                    // the forward pass's
  ConvPath backward_path() const { return backward_path_; }  // the backward pass's
  // Both passes (Auto: each its own choice); Direct or Winograd where the geometry does not allow
  // it throws Error.
  void set_path(ConvPath p);

 private:
  ConvGeom g_;
  bool has_bias_;
  ConvPath path_ = ConvPath::Im2col, backward_path_ = ConvPath::Im2col;
  ConvDirectPlan plan_;
  std::vector<ConvDirectWorkspace> ws_;
  ConvWinogradPlan wplan_;
  ConvWinogradState wstate_;
  Mat patches_;  // workspace: one sample's patch matrix (P x K), then its gradient
};

}  // namespace nnviz
