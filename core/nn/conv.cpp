#include "nn/conv.h"

#include <algorithm>

#include "nn/init.h"

namespace nnviz {

ConvGeom conv_geometry(Shape in, int filters, int kh, int kw, int stride, int pad, int dilation) {
  auto num = [](int v) { return std::to_string(v); };
  if (filters <= 0) throw Error("[conv2d] the number of filters must be positive, not " + num(filters));
  if (kh <= 0 || kw <= 0) throw Error("[conv2d] the kernel size must be positive, not " + num(kh) + "x" + num(kw));
  if (stride <= 0) throw Error("[conv2d] the stride must be positive, not " + num(stride));
  if (dilation <= 0) throw Error("[conv2d] the dilation must be positive, not " + num(dilation));
  if (pad < 0) throw Error("[conv2d] the padding must be 0 or more, not " + num(pad));
  ConvGeom g;
  g.c = in.c, g.h = in.h, g.w = in.w;
  g.o = filters, g.kh = kh, g.kw = kw, g.stride = stride, g.pad = pad, g.dil = dilation;
  // Sizes in 64 bits: a hostile spec (a model file) may hold any int, and must be an Error, not an
  // overflow. The kernel spans d(k-1)+1 pixels; it must fit the padded input at least once.
  const int64_t span_h = int64_t(dilation) * (kh - 1) + 1, span_w = int64_t(dilation) * (kw - 1) + 1;
  const int64_t padded_h = in.h + 2 * int64_t(pad), padded_w = in.w + 2 * int64_t(pad);
  // Bounded, these keep every index of im2col and col2im well inside an int.
  if (padded_h > kMaxValuesPerSample || padded_w > kMaxValuesPerSample)
    throw Error("[conv2d] the padding " + num(pad) + " is too large: the padded input would be " +
                std::to_string(padded_h) + "x" + std::to_string(padded_w));
  if (stride > kMaxValuesPerSample) throw Error("[conv2d] the stride " + num(stride) + " is too large");
  if (padded_h < span_h || padded_w < span_w) {
    std::string e = "[conv2d] a " + num(kh) + "x" + num(kw) + " kernel";
    if (dilation > 1) e += " with dilation " + num(dilation);
    e += " does not fit a " + num(in.h) + "x" + num(in.w) + " input (padding " + num(pad) + ")";
    if (dilation > 1) e += ": it spans " + std::to_string(span_h) + "x" + std::to_string(span_w) + " pixels";
    if (in.h == 1 && in.w == 1)
      e += "; the input is a flat vector of " + num(in.size()) + " values, and a convolution needs an image "
           "(put convolutions before the dense layers)";
    throw Error(e);
  }
  const int64_t oh = (padded_h - span_h) / stride + 1, ow = (padded_w - span_w) / stride + 1;  // < 2^34 each
  // a * b <= limit, for non-negative a and b, without computing a * b.
  auto at_most = [](int64_t a, int64_t b, int64_t limit) { return a == 0 || b <= limit / a; };
  auto too_large = [&](const std::string& what, int64_t limit) {
    throw Error("[conv2d] " + num(filters) + " filters of " + num(kh) + "x" + num(kw) + " on a " + in.str() +
                " input (padding " + num(pad) + ", stride " + num(stride) + ") need more than " +
                std::to_string(limit) + " " + what);
  };
  if (!at_most(int64_t(kh) * kw, in.c, kMaxParams) || !at_most(int64_t(in.c) * kh * kw, filters, kMaxParams))
    too_large("weights", kMaxParams);
  const int64_t taps = int64_t(in.c) * kh * kw;
  if (!at_most(oh, ow, kMaxValuesPerSample) || !at_most(oh * ow, filters, kMaxValuesPerSample))
    too_large("output values per sample", kMaxValuesPerSample);
  if (!at_most(oh * ow, taps, kMaxConvPatches)) too_large("values in the patch matrix of a sample", kMaxConvPatches);
  g.oh = static_cast<int>(oh);
  g.ow = static_cast<int>(ow);
  return g;
}

namespace {

// Output positions x whose input position x*s + dx lies inside [0, n): x0 <= x < x1 (of nout).
void inside_range(int dx, int s, int n, int nout, int& x0, int& x1) {
  x0 = dx >= 0 ? 0 : (-dx + s - 1) / s;
  x1 = n - dx <= 0 ? 0 : std::min(nout, (n - dx - 1) / s + 1);
  x1 = std::max(x0, x1);
}

// dst[0, n) = src[0, n) in blocks of 8, the last one overlapping the one before. Rows are short
// (OW values), and written this way they compile to vector moves rather than a memcpy call each.
inline void copy_row(const Scalar* src, Scalar* dst, int n) {
  using Block8 = Eigen::Matrix<Scalar, 8, 1>;
  if (n < 8) {
    for (int k = 0; k < n; ++k) dst[k] = src[k];
    return;
  }
  for (int k = 0; k + 8 <= n; k += 8) Eigen::Map<Block8>(dst + k) = Eigen::Map<const Block8>(src + k);
  if (n % 8) Eigen::Map<Block8>(dst + n - 8) = Eigen::Map<const Block8>(src + n - 8);
}

// Patch matrix of one sample x (C*H*W values) into dst, (P x K) column-major: entry
// (y*OW + x, (c*kh + i)*kw + j) is in[c, y*s - p + i*d, x*s - p + j*d]. Column by column: each
// is an OH x OW image of what one tap sees, zero where it reads padding.
void im2col(const ConvGeom& g, const Scalar* x, Scalar* dst) {
  const int s = g.stride;
  for (int c = 0; c < g.c; ++c)
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        Scalar* col = dst + ((c * g.kh + i) * g.kw + j) * g.pixels();
        const int dy = i * g.dil - g.pad, dx = j * g.dil - g.pad;
        int y0, y1, x0, x1;
        inside_range(dy, s, g.h, g.oh, y0, y1);
        inside_range(dx, s, g.w, g.ow, x0, x1);
        if (y0 > 0) std::fill(col, col + y0 * g.ow, Scalar(0));
        if (y1 < g.oh) std::fill(col + y1 * g.ow, col + g.oh * g.ow, Scalar(0));
        if (s == 1 && x0 == 0 && x1 == g.ow) {  // the common case, kept tight: whole rows, no padding
          const Scalar* src = x + (c * g.h + y0 + dy) * g.w + dx;
          Scalar* row = col + y0 * g.ow;
          for (int y = y0; y < y1; ++y, src += g.w, row += g.ow) copy_row(src, row, g.ow);
          continue;
        }
        for (int y = y0; y < y1; ++y) {
          Scalar* row = col + y * g.ow;
          const Scalar* src = x + (c * g.h + y * s + dy) * g.w + dx;
          for (int ox = 0; ox < x0; ++ox) row[ox] = 0;
          if (s == 1)
            copy_row(src + x0, row + x0, x1 - x0);
          else
            for (int ox = x0; ox < x1; ++ox) row[ox] = src[ox * s];
          for (int ox = x1; ox < g.ow; ++ox) row[ox] = 0;
        }
      }
}

// The adjoint of im2col: every entry of src (P x K) is added to the input pixel it was read
// from. din must hold zeros (or values to add to) on entry.
void col2im(const ConvGeom& g, const Scalar* src, Scalar* din) {
  const int s = g.stride;
  for (int c = 0; c < g.c; ++c)
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        const Scalar* col = src + ((c * g.kh + i) * g.kw + j) * g.pixels();
        const int dy = i * g.dil - g.pad, dx = j * g.dil - g.pad;
        int y0, y1, x0, x1;
        inside_range(dy, s, g.h, g.oh, y0, y1);
        inside_range(dx, s, g.w, g.ow, x0, x1);
        if (s == 1 && x0 == 0 && x1 == g.ow) {
          const Scalar* row = col + y0 * g.ow;
          Scalar* dst = din + (c * g.h + y0 + dy) * g.w + dx;
          for (int y = y0; y < y1; ++y, dst += g.w, row += g.ow)
            for (int ox = 0; ox < g.ow; ++ox) dst[ox] += row[ox];
          continue;
        }
        for (int y = y0; y < y1; ++y) {
          const Scalar* row = col + y * g.ow;
          Scalar* dst = din + (c * g.h + y * s + dy) * g.w + dx;
          if (s == 1)
            for (int ox = x0; ox < x1; ++ox) dst[ox] += row[ox];
          else
            for (int ox = x0; ox < x1; ++ox) dst[ox * s] += row[ox];
        }
      }
}

}  // namespace

Conv2D::Conv2D(Shape in, int filters, int kh, int kw, int stride, int pad, int dilation, bool bias)
    : Layer(in), g_(conv_geometry(in, filters, kh, kw, stride, pad, dilation)), has_bias_(bias) {
  out_ = Shape{g_.o, g_.oh, g_.ow};
  W = Mat::Zero(g_.taps(), g_.o);
  dW = Mat::Zero(g_.taps(), g_.o);
  if (has_bias_) {
    b = Mat::Zero(g_.o, 1);
    db = Mat::Zero(g_.o, 1);
  }
  set_path(ConvPath::Auto);
}

void Conv2D::set_path(ConvPath p) {
  const bool direct = conv_direct_plan(g_, plan_), winograd = conv_winograd_plan(g_, wplan_);
  if (p == ConvPath::Direct && !direct)
    throw Error("[conv2d] the direct path needs stride 1 and planes of a sensible size");
  if (p == ConvPath::Winograd && !winograd)
    throw Error("[conv2d] the Winograd path needs stride 1, no dilation and a 3x3 or 5x5 kernel");
  if (p != ConvPath::Auto) {
    path_ = backward_path_ = p;
    return;
  }
  const ConvPath fallback = direct ? ConvPath::Direct : ConvPath::Im2col;
  path_ = winograd && g_.c >= kWinogradMinForwardChannels ? ConvPath::Winograd : fallback;
  backward_path_ = winograd ? ConvPath::Winograd : fallback;
}

void Conv2D::forward(const Mat& in, Mat& out, bool training) {
  // Per sample: its patch matrix (P x K) times W (K x O) is its output, read as (P x O).
  // (One sample per product measured faster than stacking a chunk or the whole batch of patch
  // matrices into one: a sample's patches stay in the L2 cache between im2col and the product.)
  if (path_ == ConvPath::Winograd) return conv2d_winograd_forward(g_, wplan_, W, has_bias_ ? &b : nullptr, in, out, wstate_, training);
  wstate_.v_from = nullptr;  // a Winograd backward pass after this one transforms its input itself
  if (path_ == ConvPath::Direct) return conv2d_direct_forward(g_, plan_, W, has_bias_ ? &b : nullptr, in, out, ws_);
  const int n = static_cast<int>(in.cols()), P = g_.pixels(), K = g_.taps(), O = g_.o;
  out.resize(out_.size(), n);
  patches_.resize(P, K);
  for (int j = 0; j < n; ++j) {
    im2col(g_, in.col(j).data(), patches_.data());
    MatMap out_j(out.col(j).data(), P, O);
    out_j.noalias() = patches_ * W;
    if (has_bias_) out_j.rowwise() += b.col(0).transpose();
  }
}

void Conv2D::backward(const Mat& in, const Mat&, const Mat& dout, Mat* din) {
  // Per sample, with dout_j read as (P x O):
  //   dW += P_j^T dout_j    (K x P)(P x O)
  //   dP_j = dout_j W^T     (P x O)(O x K), overwriting the patch matrix; col2im adds it to din_j
  //   db[o] = sum of dout over samples and pixels of channel o
  if (backward_path_ == ConvPath::Winograd)
    return conv2d_winograd_backward(g_, wplan_, W, in, dout, dW, has_bias_ ? &db : nullptr, din, wstate_);
  if (backward_path_ == ConvPath::Direct)
    return conv2d_direct_backward(g_, plan_, W, in, dout, dW, has_bias_ ? &db : nullptr, din, ws_);
  const int n = static_cast<int>(in.cols()), P = g_.pixels(), K = g_.taps(), O = g_.o;
  patches_.resize(P, K);
  dW.setZero();
  if (din) din->setZero(in.rows(), n);
  for (int j = 0; j < n; ++j) {
    const ConstMatMap dout_j(dout.col(j).data(), P, O);
    im2col(g_, in.col(j).data(), patches_.data());
    dW.noalias() += patches_.transpose() * dout_j;
    if (!din) continue;
    patches_.noalias() = dout_j * W.transpose();
    col2im(g_, patches_.data(), din->col(j).data());
  }
  if (has_bias_) conv2d_bias_gradient(g_, dout, db);
}

std::vector<Param> Conv2D::params() {
  std::vector<Param> p{{"weight", &W, &dW, true, {g_.o, g_.c, g_.kh, g_.kw}}};
  if (has_bias_) p.push_back({"bias", &b, &db, false, {g_.o}});
  return p;
}

void Conv2D::initialise(InitKind kind, Rng& rng) {
  // As PyTorch counts them: fan_in = C kh kw inputs per output value, fan_out = O kh kw.
  init_weights(W, g_.taps(), g_.o * g_.kh * g_.kw, kind, rng);
  if (has_bias_) b.setZero();
}

}  // namespace nnviz
