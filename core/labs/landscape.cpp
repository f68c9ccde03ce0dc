#include "labs/landscape.h"

#include <cmath>

#include "base/error.h"

namespace nnviz {

namespace {

// Rosenbrock: (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1).
double rosen(double x, double y) { return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x); }
void rosen_g(double x, double y, double& gx, double& gy) {
  gx = -2 * (1 - x) - 400 * x * (y - x * x);
  gy = 200 * (y - x * x);
}

// Beale: (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2, minimum 0 at (3, 0.5).
double beale(double x, double y) {
  const double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
  return a * a + b * b + c * c;
}
void beale_g(double x, double y, double& gx, double& gy) {
  const double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
  gx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1);
  gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y;
}

// A saddle: x^2 - y^2 (plus a gentle quartic wall so paths stay in view), saddle point at 0.
double saddle(double x, double y) { return x * x - y * y + 0.05 * y * y * y * y; }
void saddle_g(double x, double y, double& gx, double& gy) {
  gx = 2 * x;
  gy = -2 * y + 0.2 * y * y * y;
}

// Many minima (Rastrigin's shape): 20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y), global 0 at 0.
double rastrigin(double x, double y) {
  return 20 + x * x - 10 * std::cos(2 * M_PI * x) + y * y - 10 * std::cos(2 * M_PI * y);
}
void rastrigin_g(double x, double y, double& gx, double& gy) {
  gx = 2 * x + 20 * M_PI * std::sin(2 * M_PI * x);
  gy = 2 * y + 20 * M_PI * std::sin(2 * M_PI * y);
}

}  // namespace

const std::vector<Surface>& surfaces() {
  static const std::vector<Surface> all = {
      {"rosenbrock", -2, 2, -1, 3, -1.5, 2.5, rosen, rosen_g, 1, 1},
      {"beale", -4.5, 4.5, -4.5, 4.5, 1.0, 1.5, beale, beale_g, 3, 0.5},
      {"saddle", -2, 2, -2, 2, -1.5, 0.001, saddle, saddle_g, std::nan(""), std::nan("")},
      {"many-minima", -5.12, 5.12, -5.12, 5.12, 4.2, 3.8, rastrigin, rastrigin_g, 0, 0},
  };
  return all;
}

std::vector<Point2> trajectory(const Surface& s, const OptConfig& cfg, int steps) {
  Mat w(2, 1), g(2, 1);
  w << Scalar(s.start_x), Scalar(s.start_y);
  Optimizer opt(cfg);
  const std::vector<Param> ps{{"xy", &w, &g, false, {2}}};
  std::vector<Point2> path{{s.start_x, s.start_y, s.f(s.start_x, s.start_y)}};
  for (int i = 0; i < steps; ++i) {
    double gx, gy;
    s.grad(double(w(0)), double(w(1)), gx, gy);
    g << Scalar(gx), Scalar(gy);
    opt.step(ps, cfg.lr);
    const double x = w(0), y = w(1), f = s.f(x, y);
    if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(f) || std::fabs(x) > 1e6 || std::fabs(y) > 1e6) break;
    path.push_back({x, y, f});
  }
  return path;
}

double path_distance(const Surface& s, const std::vector<Point2>& path, int steps) {
  if (path.empty() || int(path.size()) < steps + 1) return HUGE_VAL;  // it left the finite world
  return std::hypot(path.back().x - s.min_x, path.back().y - s.min_y);
}

const Surface& find_surface(const std::string& name) {
  std::string names;
  for (const Surface& s : surfaces()) {
    if (s.name == name) return s;
    names += (names.empty() ? "" : ", ") + s.name;
  }
  throw Error("[landscape] no surface named \"" + name + "\" (" + names + ")");
}

OptConfig landscape_optimizer(OptKind kind, double lr) {
  OptConfig o;
  o.kind = kind;
  o.lr = float(lr);
  o.momentum = 0.9f;
  o.weight_decay = kind == OptKind::AdamW ? 0.01f : 0.f;
  return o;
}

}  // namespace nnviz
