// The Winograd convolution F(4x4, r x r) for stride 1, dilation 1 and square 3x3 or 5x5 kernels
// (conv.h): each 4x4 block of outputs of a channel pair comes from a (r+3) x (r+3) block of inputs
// with (r+3)^2 multiplications instead of 16 r^2 (5x5: 64 instead of 400). With the matrices of
// winograd.h, per output tile t, input channel c and output channel o:
//
//   forward   U_oc = G g_oc G^T,  V_ct = BT d_ct BT^T,  Mx_ot = sum over c of U_oc .* V_ct,
//             Y_ot = AT Mx_ot AT^T (+ b_o)
//   backward  Z_ot = AT^T dY_ot AT                       (dL/dMx)
//             dd_ct = BT^T (sum over o of U_oc .* Z_ot) BT  added into the input tile's place
//             dg_oc = G^T (sum over t and samples of V_ct .* Z_ot) G
//
// Each of the (r+3)^2 element positions xi of a tile is a matrix product over the channels, run
// by the kernels of conv_kernels.h with one tap: correlate for Mx and for the input gradient,
// weight_grad for dU. Their vectors run over samples: a "lane group" of kLanes samples is
// transposed into planes of vectors (one vector = one pixel of every sample of the group), so the
// tile transforms are plain vector arithmetic with constant coefficients, and a product's vectors
// are (tile, sample) pairs. Tiles past the output's edge read zeros and their outputs are dropped.
#include <algorithm>
#include <cstring>
#include <utility>

#include "base/parallel.h"
#include "kernels/conv_kernels.h"
#include "kernels/conv_paths.h"
#include "kernels/winograd.h"

namespace nnviz {

using namespace kernels;

namespace {

constexpr int kM = 4;         // output tile: 4 x 4
// Tiles per block of the channel products (a multiple of kNV). Longer blocks spend less on the
// weight gradient's partial sums, shorter ones keep a block's transformed values (V, Z and the
// products: 64 x channels x kTiles vectors each) in the L1 and L2 caches; 3 measured fastest
// (docs/performance.md, "Tuning constants").
constexpr int kTiles = 3;
const int kZeroOffset[1] = {0};
constexpr int64_t kMaxWinogradWorkspace = int64_t(1) << 24;  // values (64 MB of floats)
// The transformed inputs a training forward pass keeps for its backward pass, at most: about a
// megabyte, which the cache still holds when the backward pass comes (one lane group of cnn8-16's
// second layer, 230k values). More is slower than transforming the inputs again
// (docs/performance.md, "Tuning constants").
constexpr int64_t kMaxSavedInputs = int64_t(1) << 18;

template <int R>
struct Wino {
  static constexpr int A = kM + R - 1, AA = A * A;
  static constexpr winograd::Matrices<kM, R> mat = winograd::make<kM, R>();
};

// sum over k < K of c(k) x(k), with the zero coefficients skipped and +-1 not multiplied (a
// +-1 term goes first when there is one): c(k) folds to a constant once the loops are unrolled.
template <int K, class Coef, class X>
inline Vec_ lin(Coef c, X x) {
  int first = -1;
#pragma GCC unroll 16
  for (int k = 0; k < K; ++k)
    if (c(k) != 0 && (first < 0 || ((c(k) == 1 || c(k) == -1) && c(first) != 1 && c(first) != -1))) first = k;
  if (first < 0) return Vec_{};
  const double c0 = c(first);
  Vec_ s = c0 == 1 ? x(first) : c0 == -1 ? -x(first) : x(first) * Scalar(c0);
#pragma GCC unroll 16
  for (int k = 0; k < K; ++k) {
    const double ck = c(k);
    if (ck == 0 || k == first) continue;
    if (ck == 1) s += x(k);
    else if (ck == -1) s -= x(k);
    else s += x(k) * Scalar(ck);
  }
  return s;
}

// The four matrices the tile transforms apply, as P x Q matrices at(i, k): BT, its transpose, AT
// and its transpose.
template <int R, bool Transposed>
struct BTm {
  static constexpr int P = Wino<R>::A, Q = Wino<R>::A;
  static constexpr double at(int i, int k) { return Transposed ? Wino<R>::mat.BT[k][i] : Wino<R>::mat.BT[i][k]; }
};
template <int R, bool Transposed>
struct ATm {
  static constexpr int P = Transposed ? Wino<R>::A : kM, Q = Transposed ? kM : Wino<R>::A;
  static constexpr double at(int i, int k) { return Transposed ? Wino<R>::mat.AT[k][i] : Wino<R>::mat.AT[i][k]; }
};

// The points come in pairs +p, -p (winograd.h), which gives BT and AT^T pairs of rows and AT and
// BT^T pairs of columns that differ only in the sign of every other entry:
//   rows 2j-1, 2j:     at(2j, k) = (-1)^k at(2j-1, k)
//   columns 2j-1, 2j:  at(i, 2j) = (-1)^i at(i, 2j-1)
// A pair of rows is then the sum and the difference of its even and odd halves, and a pair of
// columns enters every row as the sum or the difference of its two inputs: about a third fewer
// operations than the plain products.
template <class M>
constexpr bool rows_paired() {
  if (M::P % 2) return false;
  for (int j = 1; j + 1 < M::P; j += 2)
    for (int k = 0; k < M::Q; ++k)
      if (M::at(j + 1, k) != (k % 2 ? -1 : 1) * M::at(j, k)) return false;
  return true;
}
template <class M>
constexpr bool cols_paired() {
  if (M::Q % 2) return false;
  for (int j = 1; j + 1 < M::Q; j += 2)
    for (int i = 0; i < M::P; ++i)
      if (M::at(i, j + 1) != (i % 2 ? -1 : 1) * M::at(i, j)) return false;
  return true;
}

// y(i, sum over k of at(i, k) x(k)) for i < P.
template <class M, class X, class Y>
inline void apply(X x, Y y) {
  constexpr int P = M::P, Q = M::Q;
  if constexpr (rows_paired<M>()) {
    y(0, lin<Q>([&](int k) { return M::at(0, k); }, x));
    y(P - 1, lin<Q>([&](int k) { return M::at(P - 1, k); }, x));
#pragma GCC unroll 16
    for (int j = 1; j + 1 < P; j += 2) {
      const Vec_ e = lin<Q>([&](int k) { return k % 2 ? 0.0 : M::at(j, k); }, x);
      const Vec_ o = lin<Q>([&](int k) { return k % 2 ? M::at(j, k) : 0.0; }, x);
      y(j, e + o);
      y(j + 1, e - o);
    }
  } else if constexpr (cols_paired<M>()) {
    Vec_ sum[Q], dif[Q];
#pragma GCC unroll 16
    for (int j = 1; j + 1 < Q; j += 2) {
      const Vec_ a = x(j), b = x(j + 1);
      sum[j] = a + b;
      dif[j] = a - b;
    }
#pragma GCC unroll 16
    for (int i = 0; i < P; ++i)
      y(i, lin<Q>([&](int k) { return k == 0 || k == Q - 1 || k % 2 ? M::at(i, k) : 0.0; },
                  [&](int k) { return k == 0 || k == Q - 1 ? x(k) : i % 2 ? dif[k] : sum[k]; }));
  } else {
#pragma GCC unroll 16
    for (int i = 0; i < P; ++i) y(i, lin<Q>([&](int k) { return M::at(i, k); }, x));
  }
}

// out(i, j) = sum over k, l of L(i, k) x(k, l) L(j, l) for the P x Q matrix M: columns first,
// then rows. Every tile transform is one of these.
template <class M, class In, class Out>
inline void sandwich(In x, Out out) {
  constexpr int P = M::P, Q = M::Q;
  Vec_ t[P][Q];
#pragma GCC unroll 16
  for (int l = 0; l < Q; ++l)
    apply<M>([&](int k) { return x(k, l); }, [&](int i, const Vec_& v) { t[i][l] = v; });
#pragma GCC unroll 16
  for (int i = 0; i < P; ++i) apply<M>([&](int l) { return t[i][l]; }, [&](int j, const Vec_& v) { out(i, j, v); });
}

// V = BT d BT^T: d is the A x A block at src (rows `row` scalars apart), V[xi] goes to
// dst + xi * xs.
template <int R>
inline void input_tile(const Scalar* src, int64_t row, Scalar* dst, int64_t xs) {
  constexpr int A = Wino<R>::A;
  sandwich<BTm<R, false>>([&](int k, int l) { return load(src + k * row + l * kLanes); },
                          [&](int i, int j, const Vec_& v) { store(dst + (i * A + j) * xs, v); });
}

// Y = AT Mx AT^T + bias into the 4 x 4 block at y; Mx[xi] at src + xi * xs.
template <int R>
inline void output_tile(const Scalar* src, int64_t xs, Scalar bias, Scalar* y, int64_t row) {
  constexpr int A = Wino<R>::A;
  const Vec_ b = splat(bias);
  sandwich<ATm<R, false>>([&](int i, int j) { return load(src + (i * A + j) * xs); },
                          [&](int a, int c, const Vec_& v) { store(y + a * row + c * kLanes, v + b); });
}

// Z = AT^T dY AT from the 4 x 4 block at dy; Z[xi] to dst + xi * xs.
template <int R>
inline void dout_tile(const Scalar* dy, int64_t row, Scalar* dst, int64_t xs) {
  constexpr int A = Wino<R>::A;
  sandwich<ATm<R, true>>([&](int a, int b) { return load(dy + a * row + b * kLanes); },
                         [&](int i, int j, const Vec_& v) { store(dst + (i * A + j) * xs, v); });
}

// dx (the A x A block at dx) += BT^T dV BT; dV[xi] at src + xi * xs.
template <int R>
inline void din_tile(const Scalar* src, int64_t xs, Scalar* dx, int64_t row) {
  constexpr int A = Wino<R>::A;
  sandwich<BTm<R, true>>([&](int i, int j) { return load(src + (i * A + j) * xs); },
                         [&](int k, int l, const Vec_& v) {
                           Scalar* p = dx + k * row + l * kLanes;
                           store(p, load(p) + v);
                         });
}

static_assert(rows_paired<BTm<5, false>>() && rows_paired<ATm<5, true>>() && cols_paired<ATm<5, false>>() &&
                  cols_paired<BTm<5, true>>() && rows_paired<BTm<3, false>>() && cols_paired<ATm<3, false>>(),
              "the transforms' pairs of points");

// --- lane groups: kLanes samples side by side ---------------------------------------------------

// Lane k of (a, b) for the two halves of a transpose step: lanes with bit D set come from b.
template <int D, int... K>
inline Vec_ lower_half(const Vec_& a, const Vec_& b, std::integer_sequence<int, K...>) {
  return __builtin_shufflevector(a, b, ((K & D) ? kLanes + K - D : K)...);
}
template <int D, int... K>
inline Vec_ upper_half(const Vec_& a, const Vec_& b, std::integer_sequence<int, K...>) {
  return __builtin_shufflevector(a, b, ((K & D) ? kLanes + K : K + D)...);
}

// One step of an in-register transpose: swaps the off-diagonal D x D blocks of every 2D x 2D block.
template <int D>
inline void transpose_step(Vec_* r) {
  const auto lanes = std::make_integer_sequence<int, kLanes>{};
  for (int i = 0; i < kLanes; ++i) {
    if (i & D) continue;
    const Vec_ a = r[i], b = r[i + D];
    r[i] = lower_half<D>(a, b, lanes);
    r[i + D] = upper_half<D>(a, b, lanes);
  }
}

// r[k][l] = r[l][k] for a kLanes x kLanes block.
template <int D = kLanes / 2>
inline void transpose(Vec_* r) {
  if constexpr (D >= 1) {
    transpose_step<D>(r);
    transpose<D / 2>(r);
  }
}

// Where value (ch, y, x) of an h x w image goes in planes of hb x wb vectors at offset (oy, ox).
struct LanePlanes {
  int h, w, hb, wb, oy, ox;
  int64_t at(int ch, int y, int x) const { return ((int64_t(ch) * hb + y + oy) * wb + x + ox) * kLanes; }
};

// Visits the n values of ch planes of h x w in storage order, kLanes at a time: f(p0, count, where)
// with where[k] the lane-plane offset of value p0 + k.
template <class F>
void for_each_chunk(const LanePlanes& lp, int ch, const F& f) {
  const int64_t n = int64_t(ch) * lp.h * lp.w;
  int64_t where[kLanes];
  int c = 0, y = 0, x = 0;
  int64_t row = lp.at(0, 0, 0);  // where (c, y, 0) goes
  for (int64_t p0 = 0; p0 < n; p0 += kLanes) {
    const int cnt = int(std::min<int64_t>(kLanes, n - p0));
    // Runs of one row each, which land side by side.
    for (int k = 0; k < cnt;) {
      const int run = std::min(cnt - k, lp.w - x);
      for (int j = 0; j < run; ++j) where[k + j] = row + int64_t(x + j) * kLanes;
      k += run;
      x += run;
      if (x == lp.w) {
        x = 0;
        if (++y == lp.h) y = 0, ++c;
        row = lp.at(c, y, 0);
      }
    }
    f(p0, cnt, where);
  }
}

// Lane l of the planes <- column n0 + l of src (ch x h x w values), zeros for l >= nl.
void to_lanes(const Mat& src, int n0, int nl, int ch, const LanePlanes& lp, Scalar* dst) {
  const Scalar* col[kLanes];
  for (int l = 0; l < kLanes; ++l) col[l] = src.col(n0 + std::min(l, nl - 1)).data();
  for_each_chunk(lp, ch, [&](int64_t p0, int cnt, const int64_t* where) {
    Vec_ r[kLanes];
    if (cnt == kLanes && nl == kLanes) {
      // The common case, unrolled so that the block stays in registers.
#pragma GCC unroll 16
      for (int l = 0; l < kLanes; ++l) {
        __builtin_prefetch(col[l] + p0 + 4 * kLanes);  // kLanes streams far apart: a few % faster with it
        r[l] = load(col[l] + p0);
      }
      transpose(r);
#pragma GCC unroll 16
      for (int k = 0; k < kLanes; ++k) store(dst + where[k], r[k]);
      return;
    }
    for (int l = 0; l < kLanes; ++l) {
      r[l] = Vec_{};
      if (l < nl && cnt == kLanes) r[l] = load(col[l] + p0);  // a last, partial lane group
      else if (l < nl)
        for (int k = 0; k < cnt; ++k) r[l][k] = col[l][p0 + k];
    }
    transpose(r);
    for (int k = 0; k < cnt; ++k) store(dst + where[k], r[k]);
  });
}

// Column n0 + l of dst (ch x h x w values) <- lane l of the planes, for l < nl.
void from_lanes(const Scalar* src, int ch, const LanePlanes& lp, Mat& dst, int n0, int nl) {
  Scalar* col[kLanes];
  for (int l = 0; l < kLanes; ++l) col[l] = dst.col(n0 + std::min(l, nl - 1)).data();
  for_each_chunk(lp, ch, [&](int64_t p0, int cnt, const int64_t* where) {
    Vec_ r[kLanes];
    if (cnt == kLanes && nl == kLanes) {
#pragma GCC unroll 16
      for (int k = 0; k < kLanes; ++k) r[k] = load(src + where[k]);
      transpose(r);
#pragma GCC unroll 16
      for (int l = 0; l < kLanes; ++l) store(col[l] + p0, r[l]);
      return;
    }
    for (int k = 0; k < kLanes; ++k) r[k] = k < cnt ? load(src + where[k]) : Vec_{};
    transpose(r);
    for (int l = 0; l < nl; ++l) {
      if (cnt == kLanes) store(col[l] + p0, r[l]);  // a last, partial lane group
      else
        for (int k = 0; k < cnt; ++k) col[l][p0 + k] = r[l][k];
    }
  });
}

// The lane groups of a batch of n, split over the threads like samples.
int lane_groups(int n) { return (n + kLanes - 1) / kLanes; }

template <int R>
struct Run {
  static constexpr int A = Wino<R>::A, AA = Wino<R>::AA;
  static constexpr int64_t kQ = int64_t(kTiles) * kLanes;  // values per (xi, channel) row of a block
  // Values from one element xi of a block to the next, for ch channels: one vector more than
  // ch rows, so that the (r+3)^2 loads and stores of a tile transform do not all fall into the
  // same few cache sets (a stride of a multiple of 2 kB did, and cost a third of the transforms).
  static int64_t slice(int ch) { return ch * kQ + kLanes; }

  const ConvGeom& g;
  const ConvWinogradPlan& p;
  LanePlanes xin() const { return {g.h, g.w, p.ht, p.wt, g.pad, g.pad}; }
  LanePlanes yout() const { return {g.oh, g.ow, p.ty * kM, p.tx * kM, 0, 0}; }

  // y[0, n) += a x[0, n): a row of the filter transforms below, o innermost.
  static void axpy(double* y, double a, const double* x, int n) {
    for (int o = 0; o < n; ++o) y[o] += a * x[o];
  }
  // f(a, i, G[a][i]) for every nonzero entry of G: the first stage of both filter transforms.
  template <class F>
  static void for_each_g(const F& f) {
    constexpr const auto& m = Wino<R>::mat;
    for (int a = 0; a < A; ++a)
      for (int i = 0; i < R; ++i)
        if (m.G[a][i] != 0) f(a, i, m.G[a][i]);
  }

  // U for every xi, in double then rounded once: uf[(xi*C + c)*O + o] (forward: channel sums over
  // c for each o) and ub[(xi*O + o)*C + c] (input gradient: over o for each c). Kept in st with a
  // copy of the weights they come from, and made again only when W has changed since. Both
  // filter transforms run with the output channels o innermost, where the values are contiguous.
  void filters(const Mat& W, ConvWinogradState& st) const {
    constexpr const auto& m = Wino<R>::mat;
    const size_t nw = size_t(W.size());
    if (st.w_seen.size() == nw && std::memcmp(st.w_seen.data(), W.data(), nw * sizeof(Scalar)) == 0) return;
    const int C = g.c, O = g.o;
    st.uf.resize(size_t(AA) * C * O);
    st.ub.resize(st.uf.size());
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic> wt = W.transpose().cast<double>();  // (o, tap)
    std::vector<double> t(size_t(A) * R * O), u(O);
    for (int c = 0; c < C; ++c) {
      // t[a][j] = sum over i of G[a][i] g[i][j], then U[a][b] = sum over j of t[a][j] G[b][j]
      std::fill(t.begin(), t.end(), 0.0);
      for_each_g([&](int a, int i, double ga) {
        for (int j = 0; j < R; ++j) axpy(t.data() + (a * R + j) * O, ga, wt.data() + int64_t((c * R + i) * R + j) * O, O);
      });
      for (int a = 0; a < A; ++a)
        for (int b = 0; b < A; ++b) {
          std::fill(u.begin(), u.end(), 0.0);
          for (int j = 0; j < R; ++j)
            if (m.G[b][j] != 0) axpy(u.data(), m.G[b][j], t.data() + (a * R + j) * O, O);
          const int xi = a * A + b;
          Scalar* uf = st.uf.data() + (size_t(xi) * C + c) * O;
          for (int o = 0; o < O; ++o) {
            uf[o] = Scalar(u[o]);
            st.ub[(size_t(xi) * O + o) * C + c] = Scalar(u[o]);
          }
        }
    }
    st.w_seen.assign(W.data(), W.data() + nw);
  }

  // dW = G^T dU G per channel pair from du[(xi*C + c)*O + o], o innermost as in filters().
  void weight_gradient(const std::vector<double>& du, Mat& dW) const {
    constexpr const auto& m = Wino<R>::mat;
    const int C = g.c, O = g.o;
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic> dwt(O, g.taps());  // (o, tap)
    std::vector<double> t(size_t(A) * R * O);
    for (int c = 0; c < C; ++c) {
      // t[i][b] = sum over a of G[a][i] dU[a][b], then dg[i][j] = sum over b of t[i][b] G[b][j]
      std::fill(t.begin(), t.end(), 0.0);
      for_each_g([&](int a, int i, double ga) {
        for (int b = 0; b < A; ++b) axpy(t.data() + (i * A + b) * O, ga, du.data() + (size_t(a * A + b) * C + c) * O, O);
      });
      for (int i = 0; i < R; ++i)
        for (int j = 0; j < R; ++j) {
          double* dg = dwt.data() + int64_t((c * R + i) * R + j) * O;
          for (int o = 0; o < O; ++o) dg[o] = 0;
          for (int b = 0; b < A; ++b)
            if (m.G[b][j] != 0) axpy(dg, m.G[b][j], t.data() + (i * A + b) * O, O);
        }
    }
    dW = dwt.transpose().cast<Scalar>();
  }

  int tiles() const { return p.ty * p.tx; }
  int64_t tile_at(const LanePlanes& lp, int ch, int tile) const {
    return lp.at(ch, (tile / p.tx) * kM - lp.oy, (tile % p.tx) * kM - lp.ox);
  }

  int blocks() const { return (tiles() + kTiles - 1) / kTiles; }
  int64_t block_values() const { return AA * slice(g.c); }  // V of one block of tiles
  // Where a training pass keeps V for the blocks of lane group gi, or null when it does not.
  Scalar* saved_v(ConvWinogradState& st, int gi) const {
    return st.v_from ? st.v_saved.data() + int64_t(gi) * blocks() * block_values() : nullptr;
  }

  // vs: where to keep V (block after block) for the backward pass, or null.
  void forward_group(const Scalar* uf, const Scalar* bias, const Mat& in, int n0, int nl, Mat& out,
                     ConvWinogradWorkspace& w, Scalar* vs) const {
    const int C = g.c, O = g.o;
    const LanePlanes xl = xin(), yl = yout();
    to_lanes(in, n0, nl, C, xl, w.x.data());
    for (int t0 = 0; t0 < tiles(); t0 += kTiles) {
      const int nb = std::min(kTiles, tiles() - t0);
      Scalar* v = vs ? vs + (t0 / kTiles) * block_values() : w.v.data();
      for (int b = 0; b < nb; ++b)
        for (int c = 0; c < C; ++c)
          input_tile<R>(w.x.data() + tile_at(xl, c, t0 + b), int64_t(p.wt) * kLanes,
                        v + (int64_t(c) * kTiles + b) * kLanes, slice(C));
      for (int xi = 0; xi < AA; ++xi)
        correlate_all(v + xi * slice(C), kQ, C, kZeroOffset, 1, uf + int64_t(xi) * C * O, O, nullptr,
                      w.m.data() + xi * slice(O), kQ, kQ);
      for (int b = 0; b < nb; ++b)
        for (int o = 0; o < O; ++o)
          output_tile<R>(w.m.data() + (int64_t(o) * kTiles + b) * kLanes, slice(O), bias ? bias[o] : Scalar(0),
                         w.y.data() + tile_at(yl, o, t0 + b), int64_t(yl.wb) * kLanes);
    }
    from_lanes(w.y.data(), O, yl, out, n0, nl);
  }

  // vs: V as the forward pass kept it, or null to transform the input again.
  void backward_group(const Scalar* ub, const Mat& in, const Mat& dout, Mat* din, int n0, int nl,
                      ConvWinogradWorkspace& w, const Scalar* vs) const {
    const int C = g.c, O = g.o;
    const LanePlanes xl = xin(), yl = yout();
    if (!vs) to_lanes(in, n0, nl, C, xl, w.x.data());
    to_lanes(dout, n0, nl, O, yl, w.dy.data());  // not y: the forward pass leaves values past the edge there
    if (din) std::fill(w.dx.begin(), w.dx.end(), Scalar(0));
    for (int t0 = 0; t0 < tiles(); t0 += kTiles) {
      const int nb = std::min(kTiles, tiles() - t0);
      const Scalar* v = vs ? vs + (t0 / kTiles) * block_values() : w.v.data();
      for (int b = 0; b < nb; ++b) {
        if (!vs)
          for (int c = 0; c < C; ++c)
            input_tile<R>(w.x.data() + tile_at(xl, c, t0 + b), int64_t(p.wt) * kLanes,
                          w.v.data() + (int64_t(c) * kTiles + b) * kLanes, slice(C));
        for (int o = 0; o < O; ++o)
          dout_tile<R>(w.dy.data() + tile_at(yl, o, t0 + b), int64_t(yl.wb) * kLanes,
                       w.z.data() + (int64_t(o) * kTiles + b) * kLanes, slice(O));
      }
      if (nb < kTiles)  // the last block's unused columns must add nothing to dU
        for (int xi = 0; xi < AA; ++xi)
          for (int o = 0; o < O; ++o) {
            Scalar* row = w.z.data() + xi * slice(O) + o * kQ;
            std::fill(row + nb * kLanes, row + kQ, Scalar(0));
          }
      for (int xi = 0; xi < AA; ++xi)
        weight_grad_all(v + xi * slice(C), kQ, kZeroOffset, 1, C, w.z.data() + xi * slice(O), kQ, O, kQ,
                        w.du.data() + int64_t(xi) * C * O * kLanes);
      if (!din) continue;
      for (int xi = 0; xi < AA; ++xi)
        correlate_all(w.z.data() + xi * slice(O), kQ, O, kZeroOffset, 1, ub + int64_t(xi) * O * C, C, nullptr,
                      w.m.data() + xi * slice(C), kQ, kQ);
      for (int b = 0; b < nb; ++b)
        for (int c = 0; c < C; ++c)
          din_tile<R>(w.m.data() + (int64_t(c) * kTiles + b) * kLanes, slice(C),
                      w.dx.data() + tile_at(xl, c, t0 + b), int64_t(p.wt) * kLanes);
    }
    if (din) from_lanes(w.dx.data(), C, xl, *din, n0, nl);
  }

  void prepare(ConvWinogradWorkspace& w, bool backward) const {
    ensure(w.x, int64_t(g.c) * p.ht * p.wt * kLanes);
    ensure(w.y, int64_t(g.o) * p.ty * kM * p.tx * kM * kLanes);
    ensure(w.v, AA * slice(g.c));
    ensure(w.m, AA * slice(std::max(g.c, g.o)));
    if (backward) {
      ensure(w.dy, int64_t(g.o) * p.ty * kM * p.tx * kM * kLanes);
      ensure(w.z, AA * slice(g.o));
      ensure(w.dx, int64_t(g.c) * p.ht * p.wt * kLanes);
      w.du.assign(size_t(AA) * g.c * g.o * kLanes, Scalar(0));
    }
  }

  void forward(const Mat& W, const Mat* b, const Mat& in, Mat& out, ConvWinogradState& st, bool training) const {
    const int n = int(in.cols());
    out.resize(int64_t(g.o) * g.oh * g.ow, n);
    filters(W, st);
    std::vector<ConvWinogradWorkspace>& ws = st.threads;
    const int ng = lane_groups(n);
    const int64_t saved = int64_t(ng) * blocks() * block_values();
    st.v_from = training && saved <= kMaxSavedInputs ? in.data() : nullptr;
    st.v_cols = in.cols();
    if (st.v_from) ensure(st.v_saved, saved);
    const int nt = batch_threads(ng, double(kLanes) * g.taps() * g.o * g.pixels());
    if (int(ws.size()) < nt) ws.resize(size_t(nt));
    for_each_thread(nt, [&](int t) {
      ConvWinogradWorkspace& w = ws[size_t(t)];
      prepare(w, false);
      for (int gi = int(split_begin(ng, t, nt)); gi < int(split_begin(ng, t + 1, nt)); ++gi)
        forward_group(st.uf.data(), b ? b->data() : nullptr, in, gi * kLanes, std::min(kLanes, n - gi * kLanes), out, w,
                      saved_v(st, gi));
    });
  }

  void backward(const Mat& W, const Mat& in, const Mat& dout, Mat& dW, Mat* din, ConvWinogradState& st) const {
    const int n = int(in.cols()), C = g.c, O = g.o;
    if (din) {
      filters(W, st);
      din->resize(in.rows(), n);
    }
    std::vector<ConvWinogradWorkspace>& ws = st.threads;
    const bool kept = st.v_from == in.data() && st.v_cols == in.cols();
    const int ng = lane_groups(n);
    const int nt = batch_threads(ng, double(kLanes) * g.taps() * g.o * g.pixels());
    if (int(ws.size()) < nt) ws.resize(size_t(nt));
    for_each_thread(nt, [&](int t) {
      ConvWinogradWorkspace& w = ws[size_t(t)];
      prepare(w, true);
      for (int gi = int(split_begin(ng, t, nt)); gi < int(split_begin(ng, t + 1, nt)); ++gi)
        backward_group(din ? st.ub.data() : nullptr, in, dout, din, gi * kLanes, std::min(kLanes, n - gi * kLanes), w,
                       kept ? saved_v(st, gi) : nullptr);
    });
    // dU: the lanes of every thread's partial sums, threads in order; then dg = G^T dU G.
    std::vector<double> du(size_t(AA) * C * O, 0.0);
    for (int t = 0; t < nt; ++t) {
      const Scalar* part = ws[size_t(t)].du.data();
      for (size_t i = 0; i < du.size(); ++i) {
        Scalar s = 0;
        for (int l = 0; l < kLanes; ++l) s += part[i * kLanes + l];
        du[i] += double(s);
      }
    }
    weight_gradient(du, dW);
  }
};

}  // namespace

bool conv_winograd_plan(const ConvGeom& g, ConvWinogradPlan& p) {
  if (g.stride != 1 || g.dil != 1 || g.kh != g.kw || (g.kh != 3 && g.kh != 5)) return false;
  p.r = g.kh;
  p.ty = (g.oh + kM - 1) / kM;
  p.tx = (g.ow + kM - 1) / kM;
  p.ht = p.ty * kM + p.r - 1;  // >= h + 2 pad
  p.wt = p.tx * kM + p.r - 1;
  // A thread's buffers (ConvWinogradWorkspace, sized as in Run::prepare) stay under 64 MB: the
  // path is for small and middle-sized layers, and a hostile model file must not make it
  // allocate gigabytes; larger layers take the direct or im2col path.
  const int64_t a2 = int64_t(p.r + kM - 1) * (p.r + kM - 1), q = int64_t(kTiles) * kLanes;
  const int64_t in_planes = int64_t(g.c) * p.ht * p.wt * kLanes;
  const int64_t out_planes = int64_t(g.o) * p.ty * kM * p.tx * kM * kLanes;
  if (in_planes > kMaxWinogradWorkspace || out_planes > kMaxWinogradWorkspace ||
      a2 * g.c * g.o * kLanes > kMaxWinogradWorkspace)
    return false;
  const int64_t blocks = a2 * ((g.c + std::max(g.c, g.o) + g.o) * q + 3 * kLanes);
  const int64_t total = 2 * in_planes + 2 * out_planes + blocks + a2 * g.c * g.o * kLanes;
  return total <= kMaxWinogradWorkspace;
}

void conv2d_winograd_forward(const ConvGeom& g, const ConvWinogradPlan& plan, const Mat& W, const Mat* b,
                             const Mat& in, Mat& out, ConvWinogradState& st, bool training) {
  if (plan.r == 3)
    Run<3>{g, plan}.forward(W, b, in, out, st, training);
  else
    Run<5>{g, plan}.forward(W, b, in, out, st, training);
}

void conv2d_winograd_backward(const ConvGeom& g, const ConvWinogradPlan& plan, const Mat& W, const Mat& in,
                              const Mat& dout, Mat& dW, Mat* db, Mat* din, ConvWinogradState& st) {
  if (plan.r == 3)
    Run<3>{g, plan}.backward(W, in, dout, dW, din, st);
  else
    Run<5>{g, plan}.backward(W, in, dout, dW, din, st);
  if (db) conv2d_bias_gradient(g, dout, *db);
}

}  // namespace nnviz
