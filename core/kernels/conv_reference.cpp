// The convolution as plain loops: the formula of conv.h written out term by term. Slow, and kept
// as the definition the fast im2col path is tested against.
#include "kernels/conv_paths.h"

namespace nnviz {

namespace {

// Index of input pixel (c, iy, ix) in a sample's column, or -1 for the zero padding around it.
int input_index(const ConvGeom& g, int c, int iy, int ix) {
  if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) return -1;
  return (c * g.h + iy) * g.w + ix;
}

int tap_index(const ConvGeom& g, int c, int i, int j) { return (c * g.kh + i) * g.kw + j; }
int output_index(const ConvGeom& g, int o, int y, int x) { return (o * g.oh + y) * g.ow + x; }

}  // namespace

void conv2d_reference_forward(const ConvGeom& g, const Mat& W, const Mat* b, const Mat& in, Mat& out) {
  // out[o, y, x] = b[o] + sum over c, i, j of W[o, c, i, j] * in[c, y*s - p + i*d, x*s - p + j*d]
  out.resize(Eigen::Index(g.o) * g.oh * g.ow, in.cols());
  for (Eigen::Index n = 0; n < in.cols(); ++n)
    for (int o = 0; o < g.o; ++o)
      for (int y = 0; y < g.oh; ++y)
        for (int x = 0; x < g.ow; ++x) {
          Scalar sum = b ? (*b)(o, 0) : Scalar(0);
          for (int c = 0; c < g.c; ++c)
            for (int i = 0; i < g.kh; ++i)
              for (int j = 0; j < g.kw; ++j) {
                const int k = input_index(g, c, y * g.stride - g.pad + i * g.dil, x * g.stride - g.pad + j * g.dil);
                if (k >= 0) sum += W(tap_index(g, c, i, j), o) * in(k, n);
              }
          out(output_index(g, o, y, x), n) = sum;
        }
}

void conv2d_reference_backward(const ConvGeom& g, const Mat& W, const Mat& in, const Mat& dout, Mat& dW, Mat* db,
                               Mat* din) {
  // Every product W[o,c,i,j] * in[c, iy, ix] in the forward sum passes the output's gradient
  // g = dL/dout[o,y,x] back to both factors:
  //   dL/dW[o,c,i,j] += g * in[c, iy, ix],   dL/din[c, iy, ix] += g * W[o,c,i,j],   dL/db[o] += g
  dW.setZero(W.rows(), W.cols());
  if (db) db->setZero(g.o, 1);
  if (din) din->setZero(in.rows(), in.cols());
  for (Eigen::Index n = 0; n < in.cols(); ++n)
    for (int o = 0; o < g.o; ++o)
      for (int y = 0; y < g.oh; ++y)
        for (int x = 0; x < g.ow; ++x) {
          const Scalar d = dout(output_index(g, o, y, x), n);
          if (db) (*db)(o, 0) += d;
          for (int c = 0; c < g.c; ++c)
            for (int i = 0; i < g.kh; ++i)
              for (int j = 0; j < g.kw; ++j) {
                const int k = input_index(g, c, y * g.stride - g.pad + i * g.dil, x * g.stride - g.pad + j * g.dil);
                if (k < 0) continue;
                dW(tap_index(g, c, i, j), o) += d * in(k, n);
                if (din) (*din)(k, n) += d * W(tap_index(g, c, i, j), o);
              }
        }
}

void conv2d_bias_gradient(const ConvGeom& g, const Mat& dout, Mat& db) {
  // dout read as (P x O*n): column o + O*j holds channel o of sample j.
  const Eigen::Index n = dout.cols(), O = g.o;
  const RowVec per_map = ConstMatMap(dout.data(), g.pixels(), O * n).colwise().sum();
  db.resize(O, 1);
  db.col(0) = ConstMatMap(per_map.data(), O, n).rowwise().sum();
}

}  // namespace nnviz
