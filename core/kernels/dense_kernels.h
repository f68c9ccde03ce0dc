// The matrix products of a dense layer, as register-blocked vector kernels (nn/dense.cpp says
// which product of the layer each one is, and when):
//   mul_broadcast  C = A B, each column of A times one broadcast value of B
//   mul_dot        C = A^T B, dot products of columns
//   transpose      W^T, so that the forward product W^T in can be a broadcast product too
// Header-only, so that the layer's file compiles them as it did when they were its own.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "base/scalar.h"
#include "kernels/conv_kernels.h"

namespace nnviz::kernels {

// Registers of the broadcast product: kVX vectors down the rows of C, kJB columns.
constexpr int kVX = kVecBytes == 64 ? 4 : 2;
constexpr int kJB = kVecBytes == 64 ? 6 : 4;

// C[i + j*ldc] = sum over k < K of A[i + k*lda] B[k*bk + j*bj] for i < I, j < J: each column of
// A times one broadcast value of B, accumulated in a block of VX vectors x JB columns of C kept
// in registers for the whole sum. The input gradient (W dout) and the weight gradient
// (in dout^T) of a dense layer are this product. With a batch of a few dozen Eigen's product
// spends a third of its time packing W (about 30% slower than this, measured on 1600 x 100).
template <int VX, int JB>
void broadcast_block(const Scalar* A, long lda, const Scalar* B, long bk, long bj, Scalar* C, long ldc, long K) {
  // (Zeroed one by one and stored through a copy: an aggregate initialisation, or storing from the
  // array itself, makes the compiler clear and write back the array in memory around the loop.)
  Vec_ acc[VX][JB];
  for (int x = 0; x < VX; ++x)
    for (int y = 0; y < JB; ++y) acc[x][y] = Vec_{};
  for (long k = 0; k < K; ++k) {
    Vec_ a[VX];
    for (int x = 0; x < VX; ++x) a[x] = load(A + k * lda + x * kLanes);
    for (int y = 0; y < JB; ++y) {
      const Vec_ s = splat(B[k * bk + y * bj]);
      for (int x = 0; x < VX; ++x) acc[x][y] += a[x] * s;
    }
  }
  for (int y = 0; y < JB; ++y)
    for (int x = 0; x < VX; ++x) {
      const Vec_ v = acc[x][y];
      store(C + y * ldc + x * kLanes, v);
    }
}

// The last r < JB columns of a row block, with a block of exactly r columns (one column at a time
// would load VX vectors of A for VX multiply-adds).
template <int VX, int R>
void broadcast_tail(const Scalar* A, long lda, const Scalar* B, long bk, long bj, Scalar* C, long ldc, long K, long r) {
  if constexpr (R >= 1) {
    if (r == R) return broadcast_block<VX, R>(A, lda, B, bk, bj, C, ldc, K);
    broadcast_tail<VX, R - 1>(A, lda, B, bk, bj, C, ldc, K, r);
  }
}

template <int VX>
void broadcast_rows(const Scalar* A, long lda, const Scalar* B, long bk, long bj, Scalar* C, long ldc, long K, long J) {
  long j = 0;
  for (; j + kJB <= J; j += kJB) broadcast_block<VX, kJB>(A, lda, B + j * bj, bk, bj, C + j * ldc, ldc, K);
  broadcast_tail<VX, kJB - 1>(A, lda, B + j * bj, bk, bj, C + j * ldc, ldc, K, J - j);
}

// The last v < kVX whole vectors of rows, as one block of v vectors.
template <int V>
void broadcast_row_tail(const Scalar* A, long lda, const Scalar* B, long bk, long bj, Scalar* C, long ldc, long K, long J,
                        long v) {
  if constexpr (V >= 1) {
    if (v == V) return broadcast_rows<V>(A, lda, B, bk, bj, C, ldc, K, J);
    broadcast_row_tail<V - 1>(A, lda, B, bk, bj, C, ldc, K, J, v);
  }
}

inline void mul_broadcast(const Scalar* A, long lda, const Scalar* B, long bk, long bj, Scalar* C, long ldc, long I, long K,
                   long J) {
  long i = 0;
  for (; i + kVX * kLanes <= I; i += kVX * kLanes) broadcast_rows<kVX>(A + i, lda, B, bk, bj, C + i, ldc, K, J);
  const long v = (I - i) / kLanes;
  broadcast_row_tail<kVX - 1>(A + i, lda, B, bk, bj, C + i, ldc, K, J, v);
  i += v * kLanes;
  // The last rows, fewer than a vector: the vector that ends at row I again (its lanes compute
  // the rows they share with the block before bit for bit as it did, and write the same values).
  if (i < I && I >= kLanes) return broadcast_rows<1>(A + I - kLanes, lda, B, bk, bj, C + I - kLanes, ldc, K, J);
  for (; i < I; ++i)  // fewer rows than a vector in all
    for (long j = 0; j < J; ++j) {
      Scalar s = 0;
      for (long k = 0; k < K; ++k) s += A[i + k * lda] * B[k * bk + j * bj];
      C[i + j * ldc] = s;
    }
}

// Wt = W transposed, W I x O and Wt O x I (both column-major), by blocks of kLanes x kLanes: the
// block's kLanes columns of W are loaded as vectors, transposed in registers by log2(kLanes)
// rounds of two-vector shuffles (round S swaps the S x S sub-blocks off the diagonal of every
// 2S x 2S block), and stored as kLanes columns of Wt. The edges past whole blocks go one by one.
// (A copy a value at a time took about 0.5 ns a value, a third of mlp100's forward product at
// batch 64.)
#if !defined(__clang__)  // GCC's two-vector shuffle; clang (the fuzz build) takes the plain copy below
typedef std::conditional_t<sizeof(Scalar) == 4, int32_t, int64_t> LaneIndex;
typedef LaneIndex Mask_ __attribute__((vector_size(kVecBytes)));

template <int S>
struct SwapMasks {
  static Mask_ make(bool second) {
    Mask_ m{};
    for (int j = 0; j < kLanes; ++j)  // indices from kLanes on pick from the second vector
      m[j] = second ? ((j & S) ? kLanes + j : j + S) : ((j & S) ? kLanes + j - S : j);
    return m;
  }
  static inline const Mask_ first = make(false), second = make(true);
};

template <int S>
inline void swap_round(Vec_* r) {
  if constexpr (S >= 1) {
    for (int i = 0; i < kLanes; ++i)
      if (!(i & S)) {
        const Vec_ a = r[i], b = r[i + S];
        r[i] = __builtin_shuffle(a, b, SwapMasks<S>::first);
        r[i + S] = __builtin_shuffle(a, b, SwapMasks<S>::second);
      }
    swap_round<S / 2>(r);
  }
}

#endif

inline void transpose(const Scalar* W, long I, long O, Scalar* Wt) {
#if defined(__clang__)
  for (long o = 0; o < O; ++o)
    for (long i = 0; i < I; ++i) Wt[o + i * O] = W[i + o * I];
#else
  const long ib = I / kLanes * kLanes, ob = O / kLanes * kLanes;
  for (long o0 = 0; o0 < ob; o0 += kLanes) {
    for (long i0 = 0; i0 < ib; i0 += kLanes) {
      Vec_ r[kLanes];
      for (int o = 0; o < kLanes; ++o) r[o] = load(W + i0 + (o0 + o) * I);
      swap_round<kLanes / 2>(r);
      for (int i = 0; i < kLanes; ++i) store(Wt + o0 + (i0 + i) * O, r[i]);
    }
    for (long i = ib; i < I; ++i)
      for (long o = o0; o < o0 + kLanes; ++o) Wt[o + i * O] = W[i + o * I];
  }
  for (long i = 0; i < I; ++i)
    for (long o = ob; o < O; ++o) Wt[o + i * O] = W[i + o * I];
#endif
}

// The lanes of v added up (through memory: indexing a vector held in an array of accumulators
// makes the compiler keep the whole array in memory).
inline Scalar lane_sum(const Vec_& v) {
  Scalar a[kLanes];
  std::memcpy(a, &v, sizeof v);
  Scalar s = 0;
  for (int l = 0; l < kLanes; ++l) s += a[l];
  return s;
}

// Registers of the dot product: kDJ columns of A x kDN columns of B.
constexpr int kDJ = 2;
constexpr int kDN = kVecBytes == 64 ? 8 : 4;

// C[x + y*ldc] = sum over k < K of A[k + x*lda] B[k + y*ldb] for x < JX, y < NY: dot products of
// columns, whole vectors along k in JX x NY accumulators, the last k < one vector one by one.
template <int JX, int NY>
void dot_block(const Scalar* A, long lda, const Scalar* B, long ldb, Scalar* C, long ldc, long K) {
  Vec_ acc[JX][NY];  // as in broadcast_block
  for (int x = 0; x < JX; ++x)
    for (int y = 0; y < NY; ++y) acc[x][y] = Vec_{};
  const long kv = K / kLanes * kLanes;
  for (long k = 0; k < kv; k += kLanes) {
    Vec_ a[JX], b[NY];
    for (int x = 0; x < JX; ++x) a[x] = load(A + x * lda + k);
    for (int y = 0; y < NY; ++y) b[y] = load(B + y * ldb + k);
    for (int x = 0; x < JX; ++x)
      for (int y = 0; y < NY; ++y) acc[x][y] += a[x] * b[y];
  }
  for (int x = 0; x < JX; ++x)
    for (int y = 0; y < NY; ++y) {
      const Vec_ v = acc[x][y];
      Scalar s = lane_sum(v);
      for (long k = kv; k < K; ++k) s += A[x * lda + k] * B[y * ldb + k];
      C[x + y * ldc] = s;
    }
}

template <int JX>
void dot_columns(const Scalar* A, long lda, const Scalar* B, long ldb, Scalar* C, long ldc, long K, long N) {
  long n = 0;
  for (; n + kDN <= N; n += kDN) dot_block<JX, kDN>(A, lda, B + n * ldb, ldb, C + n * ldc, ldc, K);
  for (; n < N; ++n) dot_block<JX, 1>(A, lda, B + n * ldb, ldb, C + n * ldc, ldc, K);
}

// C[j + n*ldc] = sum over k < K of A[k + j*lda] B[k + n*ldb] for j < J, n < N: the forward
// product W^T in, read straight from W's columns (Eigen's product packs W first, which with a
// batch of a few dozen costs more than the product; 1600 x 100, batch 16: 5.0 -> 3.8 us a sample).
inline void mul_dot(const Scalar* A, long lda, const Scalar* B, long ldb, Scalar* C, long ldc, long J, long K, long N) {
  long j = 0;
  for (; j + kDJ <= J; j += kDJ) dot_columns<kDJ>(A + j * lda, lda, B, ldb, C + j, ldc, K, N);
  for (; j < J; ++j) dot_columns<1>(A + j * lda, lda, B, ldb, C + j, ldc, K, N);
}

}  // namespace nnviz::kernels
