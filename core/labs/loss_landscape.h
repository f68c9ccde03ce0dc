// The loss landscape of a real run (Li, Xu, Taylor, Studer and Goldstein, "Visualizing the Loss
// Landscape of Neural Nets", 2018): the loss of the network on a fixed subset of samples while its
// parameters move along a line or over a plane through weight space.
//
//   1-D   from the initial parameters (t = 0) through the current ones (t = 1) and beyond
//   2-D   around the current parameters, along two directions: random ones scaled filter by filter
//         to the norms of the weights' filters (the paper's filter normalisation: the plot of a
//         network then does not depend on how its weights happen to be scaled), or the two
//         principal directions of the run's own path (its weight snapshots), on which the path
//         itself is drawn by projecting every snapshot onto the plane.
//
// Parameters are sets of matrices in the order of Network::param_list(); a filter is a weight
// tensor's slice along its first axis in the model-file layout (a dense unit's incoming weights, a
// convolution's output channel), which is a contiguous block of the matrix. Biases and batch
// norm's scales and shifts (one-dimensional) get a zero direction, as in the paper.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "base/rng.h"
#include "base/scalar.h"
#include "data/dataset.h"
#include "nn/network.h"

namespace nnviz {

using ParamSet = std::vector<Mat>;

ParamSet params_of(Network& net);
void set_params(Network& net, const ParamSet& p);  // throws Error when the shapes differ

// a + s b, c + x a + y b, the dot product and the norm, over whole sets.
ParamSet axpy(const ParamSet& a, double s, const ParamSet& b);
ParamSet plane_point(const ParamSet& c, double x, const ParamSet& a, double y, const ParamSet& b);
double dot(const ParamSet& a, const ParamSet& b);
double norm(const ParamSet& a);

// A random direction (standard normal entries) in the shape of `w`, each filter scaled to the norm
// of the same filter of w, the one-dimensional tensors zero.
ParamSet filter_normalised_direction(Network& net, const ParamSet& w, Rng& rng);

// The two principal directions of a path of parameter sets around `centre` (PCA of the
// differences path[k] - centre, through their small Gram matrix), orthonormal, with the share of
// the path's variance each explains. Needs at least two sets that differ from the centre.
struct PathPlane {
  ParamSet d1, d2;
  double explained[2] = {0, 0};
};
PathPlane path_directions(const std::vector<ParamSet>& path, const ParamSet& centre);

// Each set's coordinates on the plane centre + x d1 + y d2 (least squares: the projection).
std::vector<std::pair<double, double>> project_path(const std::vector<ParamSet>& path, const ParamSet& centre,
                                                     const ParamSet& d1, const ParamSet& d2);

struct SurfacePoint {
  double loss = 0, accuracy = 0;
};
// Reports and cancellation for the long computations: progress(done, total) after each point;
// they stop early (returning what they have) once *cancel is set.
struct LandscapeControl {
  std::function<void(int, int)> progress;
  const std::atomic<bool>* cancel = nullptr;
  bool stopped() const { return cancel && cancel->load(); }
};

// The loss (and accuracy) over the first `samples` of the split at a + t (b - a) for each t. The
// network's own parameters are restored afterwards.
std::vector<SurfacePoint> line_losses(Network& net, const ParamSet& a, const ParamSet& b, const std::vector<double>& ts,
                                      const Split& split, int samples, const LandscapeControl& ctl = {});
// The same at centre + xs[i] d1 + ys[j] d2, row j of the result holding the xs (index j * xs + i).
std::vector<SurfacePoint> plane_losses(Network& net, const ParamSet& centre, const ParamSet& d1, const ParamSet& d2,
                                       const std::vector<double>& xs, const std::vector<double>& ys,
                                       const Split& split, int samples, const LandscapeControl& ctl = {});

// n points evenly from lo to hi, both included.
std::vector<double> evenly(double lo, double hi, int n);

}  // namespace nnviz
