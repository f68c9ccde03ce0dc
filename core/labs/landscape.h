// Optimizers on 2-D test surfaces: the same Optimizer class that trains the networks, here moving
// one point (x, y) downhill on a function whose shape is known, so its path can be drawn over the
// contours. Rosenbrock's curved valley, Beale's flat plateaus, a saddle, and a surface of many
// minima.
#pragma once

#include <string>
#include <vector>

#include "nn/optimizer.h"

namespace nnviz {

struct Surface {
  std::string name;
  double x0, x1, y0, y1;        // the region to draw
  double start_x, start_y;      // where the optimizers start
  double (*f)(double x, double y);
  void (*grad)(double x, double y, double& gx, double& gy);
  double min_x, min_y;          // the global minimum (NaN for the saddle, which has none)
};

const std::vector<Surface>& surfaces();  // rosenbrock, beale, saddle, many-minima

struct Point2 {
  double x, y, f;
};
// The path of `steps` optimizer steps from the surface's start (start included). Stops early
// if the point leaves the finite world (divergence), with the last finite point last.
std::vector<Point2> trajectory(const Surface& s, const OptConfig& opt, int steps);
// The settings the landscape walks an optimizer with: its learning rate, momentum 0.9, no weight
// decay (AdamW's decoupled 0.01).
OptConfig landscape_optimizer(OptKind kind, double lr);
// The optimizers the landscape walks, in its order (its per-optimizer settings are indexed so).
inline constexpr OptKind kLandscapeOptimizers[7] = {OptKind::Sgd,     OptKind::Momentum, OptKind::Nesterov,
                                                    OptKind::AdaGrad, OptKind::RmsProp,  OptKind::Adam,
                                                    OptKind::AdamW};
// How far a path ended from the surface's minimum (infinite for a path that left the finite
// world before its last step; NaN on the saddle).
double path_distance(const Surface& s, const std::vector<Point2>& path, int steps);
const Surface& find_surface(const std::string& name);  // throws Error listing the names

}  // namespace nnviz
