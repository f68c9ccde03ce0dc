// The loss landscape of a run: the line's ends are the two weight sets' own losses, filter
// normalisation holds filter by filter, the plane's centre is the centre's loss, a path lying in
// a plane is found and projected back exactly.
#include <doctest/doctest.h>

#include <cmath>

#include "base/error.h"
#include "labs/loss_landscape.h"
#include "synthetic.h"

using namespace nnviz;
using namespace nnviz::test;

TEST_CASE("the 1-D landscape at t = 0 and t = 1 is the loss of the initial and of the trained weights") {
  const Dataset d = quadrants(400, 50);
  Trainer tr(quadrant_config(), d);
  const ParamSet initial = params_of(tr.net());
  for (int i = 0; i < 60; ++i) tr.step();
  const ParamSet trained = params_of(tr.net());
  const EvalStats at_trained = evaluate(tr.net(), d.val, 60);
  set_params(tr.net(), initial);
  const EvalStats at_initial = evaluate(tr.net(), d.val, 60);
  set_params(tr.net(), trained);

  const std::vector<double> ts = evenly(-0.5, 1.5, 9);  // -0.5, -0.25, ..., 1.5: 0 and 1 among them
  REQUIRE(ts[2] == 0.0);
  REQUIRE(ts[6] == 1.0);
  int reported = 0;
  LandscapeControl ctl;
  ctl.progress = [&](int done, int total) {
    CHECK(done == reported + 1);
    CHECK(total == 9);
    reported = done;
  };
  const std::vector<SurfacePoint> line = line_losses(tr.net(), initial, trained, ts, d.val, 60, ctl);
  REQUIRE(line.size() == 9);
  CHECK(reported == 9);
  CHECK(line[2].loss == doctest::Approx(at_initial.loss).epsilon(1e-12));
  CHECK(line[6].loss == doctest::Approx(at_trained.loss).epsilon(1e-12));
  CHECK(line[6].accuracy == doctest::Approx(at_trained.accuracy));
  CHECK(line[6].loss < line[2].loss);  // training lowered it
  // The network keeps its own weights.
  const ParamSet after = params_of(tr.net());
  for (size_t i = 0; i < after.size(); ++i) CHECK(after[i] == trained[i]);
  // Cancelled: stops at once with what it has.
  std::atomic<bool> cancel{true};
  LandscapeControl stop;
  stop.cancel = &cancel;
  CHECK(line_losses(tr.net(), initial, trained, ts, d.val, 60, stop).empty());
}

TEST_CASE("filter normalisation: each filter of the direction has the norm of the weights' filter, biases none") {
  const Dataset d = quadrants(100, 10, 6);
  TrainConfig c = quadrant_config(6);
  c.net.layers = {conv(3, 3, 1, 1), act("relu"), flatten(), dense(5), act("tanh"), dense(4)};
  Trainer tr(c, d);
  for (int i = 0; i < 5; ++i) tr.step();
  const ParamSet w = params_of(tr.net());
  Rng rng(3);
  const ParamSet dir = filter_normalised_direction(tr.net(), w, rng);
  const std::vector<Param> list = tr.net().param_list();
  REQUIRE(dir.size() == w.size());
  int filters_checked = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    INFO(list[i].name);
    if (list[i].shape.size() < 2) {
      CHECK(dir[i].cwiseAbs().maxCoeff() == 0);
      continue;
    }
    const long filters = list[i].shape[0], size = long(w[i].size()) / filters;
    for (long f = 0; f < filters; ++f) {
      const double wn = Eigen::Map<const Mat>(w[i].data() + f * size, size, 1).norm();
      const double dn = Eigen::Map<const Mat>(dir[i].data() + f * size, size, 1).norm();
      CHECK(dn == doctest::Approx(wn).epsilon(1e-5));
      ++filters_checked;
    }
    // Not the weights themselves scaled: a random direction.
    CHECK(std::abs(dot({dir[i]}, {w[i]})) < 0.9 * norm({dir[i]}) * norm({w[i]}));
  }
  CHECK(filters_checked == 3 + 5 + 4);
}

TEST_CASE("the 2-D landscape: its centre is the centre's loss, and a path in a plane is found and projected back") {
  const Dataset d = quadrants(300, 30);
  Trainer tr(quadrant_config(), d);
  for (int i = 0; i < 40; ++i) tr.step();
  const ParamSet centre = params_of(tr.net());
  Rng rng(8);
  const ParamSet a = filter_normalised_direction(tr.net(), centre, rng);
  const ParamSet b = filter_normalised_direction(tr.net(), centre, rng);
  const std::vector<double> xs = evenly(-1, 1, 5), ys = evenly(-1, 1, 3);
  const std::vector<SurfacePoint> grid = plane_losses(tr.net(), centre, a, b, xs, ys, d.val, 40);
  REQUIRE(grid.size() == 15);
  const EvalStats at_centre = evaluate(tr.net(), d.val, 40);
  CHECK(grid[1 * 5 + 2].loss == doctest::Approx(at_centre.loss).epsilon(1e-12));
  set_params(tr.net(), plane_point(centre, xs[4], a, ys[0], b));
  CHECK(grid[0 * 5 + 4].loss == doctest::Approx(evaluate(tr.net(), d.val, 40).loss).epsilon(1e-12));
  set_params(tr.net(), centre);

  // A path that lies in the plane of a and b: its principal directions span that plane, and each
  // point projects back to where it was put.
  std::vector<std::pair<double, double>> where = {{0.9, -0.4}, {0.5, 0.3}, {0.2, 0.6}, {-0.3, 0.1}, {0.0, 0.0}};
  std::vector<ParamSet> path;
  for (auto [x, y] : where) path.push_back(plane_point(centre, x, a, y, b));
  const PathPlane pp = path_directions(path, centre);
  CHECK(norm(pp.d1) == doctest::Approx(1).epsilon(1e-6));
  CHECK(norm(pp.d2) == doctest::Approx(1).epsilon(1e-6));
  CHECK(std::abs(dot(pp.d1, pp.d2)) < 1e-5);
  CHECK(pp.explained[0] + pp.explained[1] == doctest::Approx(1).epsilon(1e-4));
  CHECK(pp.explained[0] >= pp.explained[1]);
  const auto back = project_path(path, centre, a, b);
  for (size_t k = 0; k < where.size(); ++k) {
    CHECK(back[k].first == doctest::Approx(where[k].first).epsilon(1e-4));
    CHECK(back[k].second == doctest::Approx(where[k].second).epsilon(1e-4));
  }
  // On the path's own directions the points keep their distances from the centre.
  const auto own = project_path(path, centre, pp.d1, pp.d2);
  for (size_t k = 0; k < path.size(); ++k)
    CHECK(std::hypot(own[k].first, own[k].second) == doctest::Approx(norm(axpy(path[k], -1, centre))).epsilon(1e-4));
  CHECK_THROWS_AS(path_directions({centre, centre}, centre), Error);
  CHECK_THROWS_AS(set_params(tr.net(), ParamSet{}), Error);
}
