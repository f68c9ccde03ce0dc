// The vector kernels of the direct convolution (conv_direct.cpp), shared with the Winograd path
// (conv_winograd.cpp), which runs its channel sums through the same two kernels. Internal to core/.
//
// Both are written with GCC vector extensions so that they compile to whole-register FMAs on any
// x86-64 level (AVX-512: 16 floats per vector):
//   correlate  out[oc, q] = bias[oc] + sum over ic, t of w[ic, t, oc] * in[ic, q + off[t]]
//              an OB x NV block of accumulators (OB output channels, NV vectors of consecutive q)
//              stays in registers for the whole sum: per tap, NV loads, OB broadcasts, OB*NV FMAs.
//   weight_grad  part[k, o] += in[c, q + off[t]] * dout_v[o, q], lane by lane, for a KB x OB
//              block of (tap, output channel) pairs; the lanes are added up once per batch.
// With a single tap at offset 0 they are the two matrix products of the Winograd path.
#pragma once

#include <cstdint>
#include <cstring>

#include "base/scalar.h"

namespace nnviz::kernels {

#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif
constexpr int kLanes = kVecBytes / int(sizeof(Scalar));
// With 32 vector registers (AVX-512) the correlate block is 8 channels x 3 vectors (24
// accumulators; 3 measured faster than 2, docs/performance.md); with 16 registers, x 1.
constexpr int kNV = kVecBytes == 64 ? 3 : 1;
constexpr int kBlock = kNV * kLanes;  // virtual pixels per block of the correlate kernel

typedef Scalar Vec_ __attribute__((vector_size(kVecBytes)));

inline Vec_ load(const Scalar* p) {
  Vec_ v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(Scalar* p, const Vec_& v) { std::memcpy(p, &v, sizeof v); }
// s in every lane: one broadcast instruction (a loop over the lanes compiled to one masked
// broadcast per lane). s - 0 is s exactly, -0 and NaN included.
inline Vec_ splat(Scalar s) { return s - Vec_{}; }

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

inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// Gives the buffer v n values, all zero when it had to change size: a workspace's padding and
// borders are zeroed once and never written after.
template <class Buffer>
inline void ensure(Buffer& v, int64_t n) {
  if (int64_t(v.size()) != n) v.assign(size_t(n), Scalar(0));
}

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
inline void correlate_all(const Scalar* in, int64_t in_plane, int in_ch, const int* off, int ntaps, const Scalar* w,
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

// All K = in_ch * ntaps taps of weight_grad: blocks of 4, one of 5 first when 4s would leave a
// single tap (K = 25 for 5x5 on one channel), then single taps.
inline void weight_grad_all(const Scalar* in_p, int64_t plane, const int* off, int ntaps, int K, const Scalar* dv,
                            int64_t dv_plane, int O, int64_t nq, Scalar* part) {
  int k = 0;
  if (K % 4 == 1 && K >= 5) {
    weight_grad_row<5>(in_p, plane, off, ntaps, k, dv, dv_plane, O, nq, part);
    k = 5;
  }
  for (; k + 4 <= K; k += 4) weight_grad_row<4>(in_p, plane, off, ntaps, k, dv, dv_plane, O, nq, part);
  for (; k < K; ++k) weight_grad_row<1>(in_p, plane, off, ntaps, k, dv, dv_plane, O, nq, part);
}

}  // namespace nnviz::kernels
