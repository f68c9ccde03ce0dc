// The direct convolution for stride 1 (see conv.h for the formulas and the virtual-pixel layout).
// Its arithmetic is the two vector kernels of conv_kernels.h: correlate does the forward pass and
// the input gradient (on the mirrored taps), weight_grad the weight gradient.
#include <algorithm>
#include <cstring>

#include "base/parallel.h"
#include "kernels/conv_kernels.h"
#include "kernels/conv_paths.h"

namespace nnviz {

using namespace kernels;

namespace {

// Copies sample x (C planes of H x W) into the interior of the zero-padded planes of in_p.
void pad_input(const ConvGeom& g, const ConvDirectPlan& plan, const Scalar* x, Scalar* in_p) {
  for (int c = 0; c < g.c; ++c)
    for (int y = 0; y < g.h; ++y)
      copy_row(in_p + c * plan.plane + int64_t(y + g.pad) * plan.wp + g.pad, x + (int64_t(c) * g.h + y) * g.w, g.w);
}

}  // namespace

bool conv_direct_plan(const ConvGeom& g, ConvDirectPlan& p) {
  if (g.stride != 1) return false;
  p.wp = g.w + 2 * g.pad;
  p.hp = g.h + 2 * g.pad;
  // Both are bounded by kMaxValuesPerSample (conv_geometry), their product is not.
  if (int64_t(p.wp) * p.hp > kMaxValuesPerSample) return false;
  p.plane = int64_t(p.wp) * p.hp;
  if (p.plane * std::max(g.c, g.o) > kMaxValuesPerSample) return false;
  // The weight gradient's partial sums hold a vector per weight: bounded like a patch matrix.
  if (int64_t(g.taps()) * g.o * kLanes > kMaxConvPatches) return false;
  p.off.resize(size_t(g.kh) * g.kw);
  for (int i = 0; i < g.kh; ++i)
    for (int j = 0; j < g.kw; ++j) p.off[size_t(i) * g.kw + j] = (i * p.wp + j) * g.dil;
  p.nq = round_up(int64_t(g.oh) * p.wp, kBlock);
  p.front = round_up(p.off.back(), kBlock);  // so that the dout_v planes start on a vector boundary
  p.nr = round_up(p.plane, kBlock);
  p.dout_plane = p.front + p.nr;
  // The last block of the last channel reads up to (c-1)*plane + off.back() + nq - 1, and
  // off.back() + oh*wp = plane + (kw-1)*d (conv.h).
  p.in_len = g.c * p.plane + int64_t(g.kw - 1) * g.dil + (p.nq - int64_t(g.oh) * p.wp);
  return true;
}

void conv2d_direct_forward(const ConvGeom& g, const ConvDirectPlan& plan, const Mat& W, const Mat* b, const Mat& in,
                           Mat& out, std::vector<ConvDirectWorkspace>& ws) {
  const int n = static_cast<int>(in.cols()), O = g.o, K = g.taps(), ntaps = g.kh * g.kw;
  const int64_t out_size = int64_t(O) * g.oh * g.ow;
  out.resize(out_size, n);
  // wt[k*O + o] = W(k, o): the weights of one tap for all output channels side by side.
  std::vector<Scalar> wt(size_t(K) * O);
  for (int k = 0; k < K; ++k)
    for (int o = 0; o < O; ++o) wt[size_t(k) * O + o] = W(k, o);
  const int nt = batch_threads(n, double(K) * O * g.pixels());
  if (int(ws.size()) < nt) ws.resize(size_t(nt));
  for_each_thread(nt, [&](int t) {
    ConvDirectWorkspace& w = ws[size_t(t)];
    ensure(w.in_p, plan.in_len);
    if (int64_t(w.out_v.size()) < O * plan.nq) w.out_v.resize(size_t(O * plan.nq));
    for (int j = int(split_begin(n, t, nt)); j < int(split_begin(n, t + 1, nt)); ++j) {
      pad_input(g, plan, in.col(j).data(), w.in_p.data());
      correlate_all(w.in_p.data(), plan.plane, g.c, plan.off.data(), ntaps, wt.data(), O, b ? b->data() : nullptr,
                    w.out_v.data(), plan.nq, plan.nq);
      Scalar* y = out.col(j).data();
      for (int o = 0; o < O; ++o)
        for (int r = 0; r < g.oh; ++r)
          copy_row(y + (int64_t(o) * g.oh + r) * g.ow, w.out_v.data() + o * plan.nq + int64_t(r) * plan.wp, g.ow);
    }
  });
}

void conv2d_direct_backward(const ConvGeom& g, const ConvDirectPlan& plan, const Mat& W, const Mat& in,
                            const Mat& dout, Mat& dW, Mat* db, Mat* din, std::vector<ConvDirectWorkspace>& ws) {
  const int n = static_cast<int>(in.cols()), O = g.o, C = g.c, K = g.taps(), ntaps = g.kh * g.kw;
  // wd[(o*ntaps + t)*C + c] = W(c*ntaps + t, o), and the mirrored offsets front - off[t]: the input
  // gradient as a correlation of dout_v (conv.h).
  std::vector<Scalar> wd;
  std::vector<int> mirrored(plan.off.size());
  if (din) {
    wd.resize(size_t(K) * O);
    for (int o = 0; o < O; ++o)
      for (int t = 0; t < ntaps; ++t)
        for (int c = 0; c < C; ++c) wd[(size_t(o) * ntaps + t) * C + c] = W(c * ntaps + t, o);
    for (size_t t = 0; t < plan.off.size(); ++t) mirrored[t] = int(plan.front) - plan.off[t];
    din->resize(in.rows(), n);
  }
  const int nt = batch_threads(n, double(K) * O * g.pixels());
  if (int(ws.size()) < nt) ws.resize(size_t(nt));
  for_each_thread(nt, [&](int t) {
    ConvDirectWorkspace& w = ws[size_t(t)];
    ensure(w.in_p, plan.in_len);
    ensure(w.dout_p, O * plan.dout_plane);
    w.dw_part.assign(size_t(K) * O * kLanes, Scalar(0));
    if (din && int64_t(w.out_v.size()) < C * plan.nr) w.out_v.resize(size_t(C * plan.nr));
    const Scalar* dv = w.dout_p.data() + plan.front;  // dout_v plane o at dv + o*dout_plane
    for (int j = int(split_begin(n, t, nt)); j < int(split_begin(n, t + 1, nt)); ++j) {
      pad_input(g, plan, in.col(j).data(), w.in_p.data());
      const Scalar* d = dout.col(j).data();
      for (int o = 0; o < O; ++o)
        for (int r = 0; r < g.oh; ++r)
          copy_row(w.dout_p.data() + plan.front + o * plan.dout_plane + int64_t(r) * plan.wp,
                   d + (int64_t(o) * g.oh + r) * g.ow, g.ow);
      weight_grad_all(w.in_p.data(), plan.plane, plan.off.data(), ntaps, K, dv, plan.dout_plane, O, plan.nq,
                      w.dw_part.data());
      if (!din) continue;
      correlate_all(w.dout_p.data(), plan.dout_plane, O, mirrored.data(), ntaps, wd.data(), C, nullptr,
                    w.out_v.data(), plan.nr, plan.nr);
      Scalar* dx = din->col(j).data();
      for (int c = 0; c < C; ++c)
        for (int r = 0; r < g.h; ++r)
          copy_row(dx + (int64_t(c) * g.h + r) * g.w, w.out_v.data() + c * plan.nr + int64_t(r + g.pad) * plan.wp + g.pad,
                   g.w);
    }
  });
  // dW: the lanes of every thread's partial sums, threads in order.
  dW.resize(K, O);
  for (int k = 0; k < K; ++k)
    for (int o = 0; o < O; ++o) {
      Scalar s = 0;
      for (int t = 0; t < nt; ++t) {
        const Scalar* p = ws[size_t(t)].dw_part.data() + (int64_t(k) * O + o) * kLanes;
        for (int l = 0; l < kLanes; ++l) s += p[l];
      }
      dW(k, o) = s;
    }
  if (db) conv2d_bias_gradient(g, dout, *db);
}

}  // namespace nnviz
