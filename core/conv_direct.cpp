// The direct convolution for stride 1 (see conv.h for the formulas and the virtual-pixel layout).
//
// Two kernels do all the arithmetic, both written with GCC vector extensions so that they compile
// to whole-register FMAs on any x86-64 level (AVX-512: 16 floats per vector):
//   correlate  out[oc, q] = bias[oc] + sum over ic, t of w[ic, t, oc] * in[ic, q + off[t]]
//              an OB x NV block of accumulators (OB output channels, NV vectors of consecutive q)
//              stays in registers for the whole sum: per tap, NV loads, OB broadcasts, OB*NV FMAs.
//              The forward pass and the input gradient are both this kernel.
//   weight_grad  part[k, o] += in[c, q + off[t]] * dout_v[o, q], lane by lane, for a KB x OB
//              block of (tap, output channel) pairs; the lanes are added up once per batch.
#include <algorithm>
#include <cstring>

#include "conv.h"
#include "parallel.h"

namespace nnviz {

namespace {

#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif
constexpr int kLanes = kVecBytes / int(sizeof(Scalar));
// With 32 vector registers (AVX-512) the correlate block is 8 channels x 3 vectors (24
// accumulators; 3 measured about 5% faster than 2 on the presets); with 16 registers, x 1.
constexpr int kNV = kVecBytes == 64 ? 3 : 1;
constexpr int kBlock = kNV * kLanes;  // virtual pixels per block of the correlate kernel

typedef Scalar Vec_ __attribute__((vector_size(kVecBytes)));

inline Vec_ load(const Scalar* p) {
  Vec_ v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(Scalar* p, const Vec_& v) { std::memcpy(p, &v, sizeof v); }
inline Vec_ splat(Scalar s) {
  Vec_ v;
  for (int l = 0; l < kLanes; ++l) v[l] = s;
  return v;
}

// dst[0, n) = src[0, n) for the short rows of an image: whole vectors, the last one overlapping
// the one before, instead of a memcpy call per row.
inline void copy_row(Scalar* dst, const Scalar* src, int n) {
  if (n < kLanes) {
    for (int k = 0; k < n; ++k) dst[k] = src[k];
    return;
  }
  int k = 0;
  for (; k + kLanes <= n; k += kLanes) store(dst + k, load(src + k));
  if (k < n) store(dst + n - kLanes, load(src + n - kLanes));
}

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// out[oc0 + o, q] for o < OB and q < nq (a multiple of kBlock). in: in_ch planes of in_plane
// values; w[(ic*ntaps + t)*oc_stride + oc]; bias (or null) indexed by oc.
template <int OB>
void correlate(const Scalar* in, int64_t in_plane, int in_ch, const int* off, int ntaps, const Scalar* w,
               int oc_stride, int oc0, const Scalar* bias, Scalar* out, int64_t out_plane, int64_t nq) {
  for (int64_t q = 0; q < nq; q += kBlock) {
    Vec_ acc[OB][kNV];
    for (int o = 0; o < OB; ++o)
      for (int v = 0; v < kNV; ++v) acc[o][v] = splat(bias ? bias[oc0 + o] : Scalar(0));
    for (int ic = 0; ic < in_ch; ++ic) {
      const Scalar* src = in + ic * in_plane + q;
      const Scalar* wt = w + int64_t(ic) * ntaps * oc_stride + oc0;
      for (int t = 0; t < ntaps; ++t, wt += oc_stride) {
        const Scalar* s = src + off[t];
        Vec_ x[kNV];
        for (int v = 0; v < kNV; ++v) x[v] = load(s + v * kLanes);
        for (int o = 0; o < OB; ++o) {
          const Scalar wo = wt[o];  // broadcast by the vector-scalar product
          for (int v = 0; v < kNV; ++v) acc[o][v] += x[v] * wo;
        }
      }
    }
    for (int o = 0; o < OB; ++o)
      for (int v = 0; v < kNV; ++v) store(out + (oc0 + o) * out_plane + q + v * kLanes, acc[o][v]);
  }
}

// All output channels, in blocks of 8, then 4, then 1.
void correlate_all(const Scalar* in, int64_t in_plane, int in_ch, const int* off, int ntaps, const Scalar* w,
                   int oc, const Scalar* bias, Scalar* out, int64_t out_plane, int64_t nq) {
  int o = 0;
  for (; o + 8 <= oc; o += 8) correlate<8>(in, in_plane, in_ch, off, ntaps, w, oc, o, bias, out, out_plane, nq);
  for (; o + 4 <= oc; o += 4) correlate<4>(in, in_plane, in_ch, off, ntaps, w, oc, o, bias, out, out_plane, nq);
  for (; o < oc; ++o) correlate<1>(in, in_plane, in_ch, off, ntaps, w, oc, o, bias, out, out_plane, nq);
}

// part[(k*O + o)*kLanes + lane] += sum over q = lane (mod kLanes) of in_p[c, q + off[t]] * dv[o, q]
// for taps k0.. k0+KB-1 (k = c*ntaps + t) and channels o0.. o0+OB-1; q < nq (a multiple of kLanes).
template <int KB, int OB>
void weight_grad(const Scalar* in_p, int64_t plane, const int* off, int ntaps, int k0, const Scalar* dv,
                 int64_t dv_plane, int o0, int O, int64_t nq, Scalar* part) {
  const Scalar* xs[KB];
  const Scalar* gs[OB];
  for (int a = 0; a < KB; ++a) xs[a] = in_p + (k0 + a) / ntaps * plane + off[(k0 + a) % ntaps];
  for (int o = 0; o < OB; ++o) gs[o] = dv + (o0 + o) * dv_plane;
  Vec_ acc[KB][OB];
  for (int a = 0; a < KB; ++a)
    for (int o = 0; o < OB; ++o) acc[a][o] = Vec_{};
  for (int64_t q = 0; q < nq; q += kLanes) {
    Vec_ x[KB], g[OB];
    for (int a = 0; a < KB; ++a) x[a] = load(xs[a] + q);
    for (int o = 0; o < OB; ++o) g[o] = load(gs[o] + q);
    for (int a = 0; a < KB; ++a)
      for (int o = 0; o < OB; ++o) acc[a][o] += x[a] * g[o];
  }
  for (int a = 0; a < KB; ++a)
    for (int o = 0; o < OB; ++o) {
      Scalar* p = part + ((int64_t(k0) + a) * O + o0 + o) * kLanes;
      store(p, load(p) + acc[a][o]);
    }
}

template <int KB>
void weight_grad_row(const Scalar* in_p, int64_t plane, const int* off, int ntaps, int k0, const Scalar* dv,
                     int64_t dv_plane, int O, int64_t nq, Scalar* part) {
  int o = 0;
  for (; o + 4 <= O; o += 4) weight_grad<KB, 4>(in_p, plane, off, ntaps, k0, dv, dv_plane, o, O, nq, part);
  for (; o < O; ++o) weight_grad<KB, 1>(in_p, plane, off, ntaps, k0, dv, dv_plane, o, O, nq, part);
}

// Copies sample x (C planes of H x W) into the interior of the zero-padded planes of in_p.
void pad_input(const ConvGeom& g, const ConvDirectPlan& plan, const Scalar* x, Scalar* in_p) {
  for (int c = 0; c < g.c; ++c)
    for (int y = 0; y < g.h; ++y)
      copy_row(in_p + c * plan.plane + int64_t(y + g.pad) * plan.wp + g.pad, x + (int64_t(c) * g.h + y) * g.w, g.w);
}

void ensure(ConvDirectWorkspace::Buffer& v, int64_t n) {
  if (int64_t(v.size()) != n) v.assign(size_t(n), Scalar(0));
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
      int k = 0;
      // Blocks of 4 taps; one of 5 first when 4s would leave a single tap (K = 25 for 5x5 on one channel).
      if (K % 4 == 1 && K >= 5) {
        weight_grad_row<5>(w.in_p.data(), plan.plane, plan.off.data(), ntaps, k, dv, plan.dout_plane, O, plan.nq,
                           w.dw_part.data());
        k = 5;
      }
      for (; k + 4 <= K; k += 4)
        weight_grad_row<4>(w.in_p.data(), plan.plane, plan.off.data(), ntaps, k, dv, plan.dout_plane, O, plan.nq,
                           w.dw_part.data());
      for (; k < K; ++k)
        weight_grad_row<1>(w.in_p.data(), plan.plane, plan.off.data(), ntaps, k, dv, plan.dout_plane, O, plan.nq,
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
  if (db) {
    // dout read as (P x O*n): column o + O*j holds channel o of sample j.
    const int P = g.pixels();
    const RowVec per_map = ConstMatMap(dout.data(), P, Eigen::Index(O) * n).colwise().sum();
    db->resize(O, 1);
    db->col(0) = ConstMatMap(per_map.data(), O, n).rowwise().sum();
  }
}

}  // namespace nnviz
