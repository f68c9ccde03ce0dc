#include "nn/init.h"

#include <cmath>

namespace nnviz {

const char* to_string(InitKind k) {
  switch (k) {
    case InitKind::XavierUniform: return "xavier_uniform";
    case InitKind::XavierNormal: return "xavier_normal";
    case InitKind::He: return "he";
    case InitKind::Lecun: return "lecun";
  }
  return "?";
}

InitKind init_kind_from_string(const std::string& s) {
  if (s == "xavier_uniform" || s == "xavier" || s == "glorot") return InitKind::XavierUniform;
  if (s == "xavier_normal") return InitKind::XavierNormal;
  if (s == "he" || s == "kaiming") return InitKind::He;
  if (s == "lecun") return InitKind::Lecun;
  throw Error("[init] unknown initialisation '" + s + "' (expected xavier_uniform, xavier_normal, he or lecun)");
}

void init_weights(Mat& w, int fan_in, int fan_out, InitKind kind, Rng& rng) {
  Scalar* p = w.data();
  const Eigen::Index n = w.size();
  switch (kind) {
    case InitKind::XavierUniform: {
      const double a = std::sqrt(6.0 / (fan_in + fan_out));
      for (Eigen::Index i = 0; i < n; ++i) p[i] = static_cast<Scalar>(rng.uniform(-a, a));
      break;
    }
    case InitKind::XavierNormal: {
      const double s = std::sqrt(2.0 / (fan_in + fan_out));
      for (Eigen::Index i = 0; i < n; ++i) p[i] = static_cast<Scalar>(rng.normal() * s);
      break;
    }
    case InitKind::He: {
      const double s = std::sqrt(2.0 / fan_in);
      for (Eigen::Index i = 0; i < n; ++i) p[i] = static_cast<Scalar>(rng.normal() * s);
      break;
    }
    case InitKind::Lecun: {
      const double s = 1.0 / std::sqrt(double(fan_in));
      for (Eigen::Index i = 0; i < n; ++i) p[i] = static_cast<Scalar>(rng.normal() * s);
      break;
    }
  }
}

}  // namespace nnviz
