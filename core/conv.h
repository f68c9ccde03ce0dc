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
// Fast path, im2col + one matrix product (conv.cpp). The patch matrix of a sample, P_n, has one
// row per output pixel (y*OW + x) and one column per filter tap ((c*kh + i)*kw + j), holding the
// input value that tap sees there. A sample's output column, read as an (OH*OW) x O matrix, is
// then exactly P_n W:
//   forward   out_n = P_n W (+ b[o] on column o)
//   backward  dW = sum_n P_n^T dout_n,   db[o] = sum over n, y, x of dout[o, y, x],
//             dP_n = dout_n W^T,  din_n = col2im(dP_n)  (each patch entry adds back to its pixel)
// The plain-loop reference (conv_reference.cpp) computes the same sums term by term; the tests
// hold one against the other.
#pragma once

#include "layer.h"

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

// Validates a configuration and computes the output size; throws Error("[conv2d] ...") naming
// the shape problem, e.g. a kernel that does not fit the padded input.
ConvGeom conv_geometry(Shape in, int filters, int kh, int kw, int stride, int pad, int dilation);

// Plain loops over every output pixel and every tap. in (C*H*W x N), W (K x O), b (O x 1) or
// null, out (O*OH*OW x N); backward overwrites dW (K x O), db (O x 1) when not null, and din
// (C*H*W x N) when not null.
void conv2d_reference_forward(const ConvGeom& g, const Mat& W, const Mat* b, const Mat& in, Mat& out);
void conv2d_reference_backward(const ConvGeom& g, const Mat& W, const Mat& in, const Mat& dout, Mat& dW, Mat* db,
                               Mat* din);

class Conv2D : public Layer {
 public:
  // Throws Error explaining an invalid configuration (see conv_geometry). Specs describe square
  // kernels only; spec() of a kh x kw layer reports kh.
  Conv2D(Shape in, int filters, int kh, int kw, int stride, int pad, int dilation, bool bias);

  const char* type() const override { return "conv2d"; }
  LayerSpec spec() const override { return conv(g_.o, g_.kh, g_.stride, g_.pad, g_.dil, has_bias_); }
  const ConvGeom& geometry() const { return g_; }

  void forward(const Mat& in, Mat& out, bool training) override;
  void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) override;
  std::vector<Param> params() override;
  void initialise(InitKind kind, Rng& rng) override;

  Mat W, b;    // (K x O), (O x 1)
  Mat dW, db;  // same shapes

 private:
  ConvGeom g_;
  bool has_bias_;
  Mat patches_;  // workspace: one sample's patch matrix (P x K), then its gradient
};

}  // namespace nnviz
