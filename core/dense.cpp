#include "dense.h"

#include <cstring>

#include "conv_kernels.h"
#include "init.h"
#include "parallel.h"

namespace nnviz {

namespace {

using kernels::kVecBytes;
using kernels::kLanes;
using kernels::Vec_;

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
    for (int x = 0; x < VX; ++x) a[x] = kernels::load(A + k * lda + x * kLanes);
    for (int y = 0; y < JB; ++y) {
      const Vec_ s = kernels::splat(B[k * bk + y * bj]);
      for (int x = 0; x < VX; ++x) acc[x][y] += a[x] * s;
    }
  }
  for (int y = 0; y < JB; ++y)
    for (int x = 0; x < VX; ++x) {
      const Vec_ v = acc[x][y];
      kernels::store(C + y * ldc + x * kLanes, v);
    }
}

template <int VX>
void broadcast_rows(const Scalar* A, long lda, const Scalar* B, long bk, long bj, Scalar* C, long ldc, long K, long J) {
  long j = 0;
  for (; j + kJB <= J; j += kJB) broadcast_block<VX, kJB>(A, lda, B + j * bj, bk, bj, C + j * ldc, ldc, K);
  for (; j < J; ++j) broadcast_block<VX, 1>(A, lda, B + j * bj, bk, bj, C + j * ldc, ldc, K);
}

void mul_broadcast(const Scalar* A, long lda, const Scalar* B, long bk, long bj, Scalar* C, long ldc, long I, long K,
                   long J) {
  long i = 0;
  for (; i + kVX * kLanes <= I; i += kVX * kLanes) broadcast_rows<kVX>(A + i, lda, B, bk, bj, C + i, ldc, K, J);
  for (; i + kLanes <= I; i += kLanes) broadcast_rows<1>(A + i, lda, B, bk, bj, C + i, ldc, K, J);
  for (; i < I; ++i)  // the last rows, fewer than a vector
    for (long j = 0; j < J; ++j) {
      Scalar s = 0;
      for (long k = 0; k < K; ++k) s += A[i + k * lda] * B[k * bk + j * bj];
      C[i + j * ldc] = s;
    }
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
    for (int x = 0; x < JX; ++x) a[x] = kernels::load(A + x * lda + k);
    for (int y = 0; y < NY; ++y) b[y] = kernels::load(B + y * ldb + k);
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
void mul_dot(const Scalar* A, long lda, const Scalar* B, long ldb, Scalar* C, long ldc, long J, long K, long N) {
  long j = 0;
  for (; j + kDJ <= J; j += kDJ) dot_columns<kDJ>(A + j * lda, lda, B, ldb, C + j, ldc, K, N);
  for (; j < J; ++j) dot_columns<1>(A + j * lda, lda, B, ldb, C + j, ldc, K, N);
}

// Up to this many columns a thread's forward product is mul_dot; from a few hundred on (the
// evaluation's chunks of 1000), Eigen's packing pays for itself (1600 x 100: 4.5 against 4.9-5.9
// us a sample at 1000).
constexpr long kDotMaxColumns = 128;

// Rows r0..r1 of dW = in dout^T, and columns j0..j1 of din = W dout.
void weight_gradient(const Mat& in, const Mat& dout, long r0, long r1, Mat& dW) {
  // dW(i, o) = sum over n of in(i, n) dout(o, n)
  mul_broadcast(in.data() + r0, in.rows(), dout.data(), dout.rows(), 1, dW.data() + r0, dW.rows(), r1 - r0, dout.cols(),
                dout.rows());
}
void input_gradient(const Mat& W, const Mat& dout, long j0, long j1, Mat& din) {
  // din(i, n) = sum over o of W(i, o) dout(o, n)
  mul_broadcast(W.data(), W.rows(), dout.data() + j0 * dout.rows(), 1, dout.rows(), din.data() + j0 * din.rows(),
                din.rows(), W.rows(), W.cols(), j1 - j0);
}

}  // namespace

Dense::Dense(Shape in, int units, bool bias) : Layer(in), has_bias_(bias) {
  if (units <= 0) throw Error("[dense] the number of units must be positive, not " + std::to_string(units));
  if (units > kMaxValuesPerSample || int64_t(in.size()) * units > kMaxParams)
    throw Error("[dense] " + std::to_string(units) + " units on " + std::to_string(in.size()) + " inputs are " +
                std::to_string(int64_t(in.size()) * units) + " weights, more than the " + std::to_string(kMaxParams) +
                " a layer may have");
  out_ = Shape{units, 1, 1};
  W = Mat::Zero(in.size(), units);
  dW = Mat::Zero(in.size(), units);
  if (has_bias_) {
    b = Mat::Zero(units, 1);
    db = Mat::Zero(units, 1);
  }
}

// Threads get column ranges of the batch (forward, input gradient) or row ranges of dW, but only
// when each has enough multiply-adds to pay for starting them: 4M when OpenMP's threads sleep
// between regions, 1M when they spin. Measured with two threads on the 2-core build machine,
// interleaved runs, medians: with sleeping threads mlp100 at batch 32 trains at 0.6x split at 1M
// (and cnn8's first dense layer at batch 128, 7.4M a thread, and mlp100 at batch 128, 5M, gain 25%
// and 15% split at 4M instead of 8M); with spinning ones splitting at 1M instead of 4M makes
// cnn8 at batch 32 1.14x and cnn8-16 at batch 32 1.19x faster (their dense layers, 3.7M and 5.1M,
// were one thread's work), mlp100 at batch 32 1.0-1.1x and at 64 1.2x.
static double dense_min_work() { return threads_sleep_between_regions() ? 4e6 : 1e6; }

void Dense::forward(const Mat& in, Mat& out, bool) {
  // out = W^T in (+ b broadcast over the batch)
  out.resize(W.cols(), in.cols());
  const long I = W.rows(), O = W.cols();
  const int nt = batch_threads(in.cols(), double(W.size()), dense_min_work());
  for_each_thread(nt, [&](int t) {
    const long j0 = split_begin(in.cols(), t, nt), j1 = split_begin(in.cols(), t + 1, nt);
    auto o = out.middleCols(j0, j1 - j0);
    if (j1 - j0 <= kDotMaxColumns) mul_dot(W.data(), I, in.data() + j0 * I, I, o.data(), O, O, I, j1 - j0);
    else o.noalias() = W.transpose() * in.middleCols(j0, j1 - j0);
    if (has_bias_) o.colwise() += b.col(0);
  });
}

void Dense::backward(const Mat& in, const Mat&, const Mat& dout, Mat* din) {
  // dL/dW = in dout^T      (I x N)(N x O)   with threads: row ranges of dW (no reduction)
  // dL/db = sum over the batch of dout
  // dL/din = W dout        (I x O)(O x N)   with threads: column ranges of the batch
  const long n = dout.cols();
  const int nt = batch_threads(n, double(W.size()), dense_min_work());
  const long I = W.rows();
  for_each_thread(nt, [&](int t) { weight_gradient(in, dout, split_begin(I, t, nt), split_begin(I, t + 1, nt), dW); });
  if (has_bias_) db.col(0) = dout.rowwise().sum();
  if (din) {
    din->resize(W.rows(), n);
    for_each_thread(nt, [&](int t) { input_gradient(W, dout, split_begin(n, t, nt), split_begin(n, t + 1, nt), *din); });
  }
}

std::vector<Param> Dense::params() {
  const int o = static_cast<int>(W.cols()), i = static_cast<int>(W.rows());
  std::vector<Param> p{{"weight", &W, &dW, true, {o, i}}};
  if (has_bias_) p.push_back({"bias", &b, &db, false, {o}});
  return p;
}

void Dense::initialise(InitKind kind, Rng& rng) {
  init_weights(W, static_cast<int>(W.rows()), static_cast<int>(W.cols()), kind, rng);
  if (has_bias_) b.setZero();
}

}  // namespace nnviz
