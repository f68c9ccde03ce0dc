// The matrices of Winograd's minimal filtering algorithm F(m, r): m outputs of an r-tap correlation
// from alpha = m + r - 1 inputs with alpha multiplications instead of m*r,
//
//   y = AT [ (G g) .* (BT d) ]        y_i = sum over k < r of d[i + k] g[k],  i < m
//
// and, nested, its 2-D form for an m x m output tile of an r x r filter on an alpha x alpha input
// tile:  Y = AT [ (G g G^T) .* (BT d BT^T) ] AT^T.
//
// Built here by Toom-Cook from alpha - 1 finite points p_j and the point at infinity. The linear
// convolution s = g * h of a degree r-1 and a degree m-1 polynomial is known from its values
// s(p_j) = g(p_j) h(p_j) and its leading coefficient g[r-1] h[m-1]: with the evaluation matrix
// Vd[j][l] = p_j^l (and a last row picking s[alpha-1]), s = Vd^-1 [(Eg g) .* (Eh h)], where Eg and
// Eh evaluate g and h the same way. The correlation d -> y is the transpose of h -> s, so
// AT = Eh^T, G = Eg and BT = (Vd^-1)^T. Row j of G is then divided by N_j = prod over l != j of
// (p_j - p_l) and row j of BT multiplied by it, which keeps BT's entries small whole numbers.
//
// Everything is constexpr in double precision; the float kernels round the entries once.
#pragma once

namespace nnviz::winograd {

template <int M, int R>
struct Matrices {
  static constexpr int A = M + R - 1;  // alpha
  double AT[M][A] = {};
  double G[A][R] = {};
  double BT[A][A] = {};
};

namespace detail {

constexpr double abs_(double v) { return v < 0 ? -v : v; }

// The finite points, in the usual order: small magnitudes first keeps the transforms accurate.
constexpr double kPoints[] = {0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0};

// out = in^-1 for an N x N matrix, by Gauss-Jordan with partial pivoting.
template <int N>
constexpr void invert(const double (&in)[N][N], double (&out)[N][N]) {
  double a[N][2 * N] = {};
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      a[i][j] = in[i][j];
      a[i][N + j] = i == j ? 1.0 : 0.0;
    }
  for (int col = 0; col < N; ++col) {
    int piv = col;
    for (int r = col + 1; r < N; ++r)
      if (abs_(a[r][col]) > abs_(a[piv][col])) piv = r;
    for (int j = 0; j < 2 * N; ++j) {
      const double t = a[col][j];
      a[col][j] = a[piv][j];
      a[piv][j] = t;
    }
    const double d = a[col][col];
    for (int j = 0; j < 2 * N; ++j) a[col][j] /= d;
    for (int r = 0; r < N; ++r) {
      if (r == col) continue;
      const double f = a[r][col];
      for (int j = 0; j < 2 * N; ++j) a[r][j] -= f * a[col][j];
    }
  }
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) out[i][j] = a[i][N + j];
}

// Entries that are zero up to rounding become exactly zero (the kernels skip them), and ones
// within rounding of a multiple of 1/4096 become that multiple.
constexpr double clean(double v) {
  const double s = v * 4096.0;
  const double r = double(static_cast<long long>(s < 0 ? s - 0.5 : s + 0.5));
  return abs_(s - r) < 1e-9 ? r / 4096.0 : v;
}

}  // namespace detail

template <int M, int R>
constexpr Matrices<M, R> make() {
  constexpr int A = M + R - 1;
  static_assert(A - 1 <= int(sizeof(detail::kPoints) / sizeof(double)), "not enough points");
  Matrices<M, R> w;
  const double* p = detail::kPoints;
  double vd[A][A] = {};
  for (int j = 0; j < A - 1; ++j) {
    double x = 1;
    for (int l = 0; l < A; ++l, x *= p[j]) vd[j][l] = x;
  }
  vd[A - 1][A - 1] = 1;  // the point at infinity: the leading coefficient
  double inv[A][A] = {};
  detail::invert<A>(vd, inv);
  for (int j = 0; j < A; ++j) {
    double n = 1;
    if (j < A - 1)
      for (int l = 0; l < A - 1; ++l)
        if (l != j) n *= p[j] - p[l];
    for (int i = 0; i < M; ++i) {
      double x = 1;
      for (int e = 0; e < i; ++e) x *= j < A - 1 ? p[j] : 0.0;
      w.AT[i][j] = j < A - 1 ? x : (i == M - 1 ? 1.0 : 0.0);
    }
    for (int k = 0; k < R; ++k) {
      double x = 1;
      for (int e = 0; e < k; ++e) x *= j < A - 1 ? p[j] : 0.0;
      w.G[j][k] = detail::clean(j < A - 1 ? x / n : (k == R - 1 ? 1.0 : 0.0));
    }
    for (int l = 0; l < A; ++l) w.BT[j][l] = detail::clean(inv[l][j] * n);
  }
  return w;
}

}  // namespace nnviz::winograd
