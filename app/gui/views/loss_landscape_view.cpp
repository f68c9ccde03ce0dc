// The loss landscape of the run, as Li et al. (2018) draw it, for the network being trained:
//   Line   the training and validation loss from the first snapshot's weights (t = 0) through the
//          shown ones (t = 1), and half as far again on both sides
//   Plane  the validation loss over a plane around the shown weights, along two random directions
//          normalised filter by filter, or along the two principal directions of the run's path,
//          with the path (every snapshot of the timeline up to the shown step) drawn on it.
// Each point is the loss over the first 2,000 images of a split; the computation runs on its own
// thread with a progress bar and can be cancelled; training goes on meanwhile.
#include "views/loss_landscape_view.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "views/inside.h"
#include "widgets/controls.h"
#include "widgets/plot_ticks.h"

namespace nnviz::gui {

namespace {

constexpr const char* kModes[] = {"line: first snapshot to now", "plane: random directions", "plane: the path's directions"};
constexpr int kSamples = 2000, kLinePoints = 41, kGrid = 25;
constexpr int kContourLevels = 12;
constexpr int kFieldSide = 100;  // the colour field's texture, interpolated from the grid

void Compute(SurfaceJob* job, NetSpec spec, std::shared_ptr<const Dataset> data,
             std::vector<std::shared_ptr<const WeightsView>> snaps, std::shared_ptr<const WeightsView> centre_w) {
  try {
    Network net(spec);
    auto params_from = [&](const WeightsView& w) {
      if (!SetNetworkValues(net, w)) throw Error("[landscape] a snapshot does not fit the run's network");
      return params_of(net);
    };
    const ParamSet centre = params_from(*centre_w);
    LandscapeControl ctl;
    ctl.cancel = &job->cancel;
    int base = 0;
    ctl.progress = [&](int done, int) { job->done = base + done; };
    if (job->mode == SurfaceMode::Line) {
      const ParamSet first = params_from(*snaps.front());
      job->ts = evenly(-0.5, 1.5, kLinePoints);
      job->train = line_losses(net, first, centre, job->ts, data->train, job->samples, ctl);
      base = kLinePoints;
      job->val = line_losses(net, first, centre, job->ts, data->val, job->samples, ctl);
    } else {
      ParamSet d1, d2;
      if (job->mode == SurfaceMode::RandomPlane) {
        Rng rng(1);
        d1 = filter_normalised_direction(net, centre, rng);
        d2 = filter_normalised_direction(net, centre, rng);
        job->xs = job->ys = evenly(-1, 1, kGrid);
      } else {
        std::vector<ParamSet> path;
        for (const auto& s : snaps) {
          path.push_back(params_from(*s));
          job->path_steps.push_back(s->step);
        }
        const PathPlane pp = path_directions(path, centre);
        d1 = pp.d1;
        d2 = pp.d2;
        job->explained[0] = pp.explained[0];
        job->explained[1] = pp.explained[1];
        job->path = project_path(path, centre, d1, d2);
        double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
        for (auto [x, y] : job->path) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
        // A square around the path with a quarter of its size to spare.
        const double half = 0.625 * std::max({x1 - x0, y1 - y0, 1e-6}), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
        job->xs = evenly(cx - half, cx + half, kGrid);
        job->ys = evenly(cy - half, cy + half, kGrid);
      }
      job->val = plane_losses(net, centre, d1, d2, job->xs, job->ys, data->val, job->samples, ctl);
    }
  } catch (const std::exception& e) {
    job->error = e.what();
  }
  job->finished = true;
}

// Where the level crosses the edge from a (value va) to b (value vb).
ImVec2 Cross(ImVec2 a, ImVec2 b, double va, double vb, double level) {
  const float t = float((level - va) / (vb - va));
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

// The plane's picture: log loss as a colour field (interpolated), and contour lines by marching
// squares, in shares of the square with y up.
void BuildPlane(LossLandscapeState& ls, const SurfaceJob& job) {
  const int nx = int(job.xs.size()), ny = int(job.ys.size());
  std::vector<double> v(job.val.size());
  ls.loss_lo = 1e300, ls.loss_hi = -1e300;
  for (size_t i = 0; i < v.size(); ++i) {
    v[i] = std::log(std::max(job.val[i].loss, 1e-12));
    ls.loss_lo = std::min(ls.loss_lo, job.val[i].loss);
    ls.loss_hi = std::max(ls.loss_hi, job.val[i].loss);
  }
  const double lo = std::log(std::max(ls.loss_lo, 1e-12)), hi = std::max(lo + 1e-9, std::log(std::max(ls.loss_hi, 1e-12)));
  auto at = [&](int i, int j) { return v[size_t(j) * nx + i]; };
  std::vector<float> img(size_t(kFieldSide) * kFieldSide);
  for (int r = 0; r < kFieldSide; ++r)
    for (int c = 0; c < kFieldSide; ++c) {
      const double gx = (c + 0.5) / kFieldSide * (nx - 1), gy = (1 - (r + 0.5) / kFieldSide) * (ny - 1);
      const int i = std::min(nx - 2, int(gx)), j = std::min(ny - 2, int(gy));
      const double fx = gx - i, fy = gy - j;
      const double val = (at(i, j) * (1 - fx) + at(i + 1, j) * fx) * (1 - fy) + (at(i, j + 1) * (1 - fx) + at(i + 1, j + 1) * fx) * fy;
      img[size_t(r) * kFieldSide + c] = float((val - lo) / (hi - lo));
    }
  ls.field.update(img.data(), kFieldSide, kFieldSide, Colormap::Sequential);
  ls.contour.clear();
  for (int k = 1; k < kContourLevels; ++k) {
    const double level = lo + (hi - lo) * k / kContourLevels;
    for (int j = 0; j + 1 < ny; ++j)
      for (int i = 0; i + 1 < nx; ++i) {
        const ImVec2 p[4] = {{float(i) / (nx - 1), float(j) / (ny - 1)},
                             {float(i + 1) / (nx - 1), float(j) / (ny - 1)},
                             {float(i + 1) / (nx - 1), float(j + 1) / (ny - 1)},
                             {float(i) / (nx - 1), float(j + 1) / (ny - 1)}};
        const double q[4] = {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)};
        std::vector<ImVec2> cuts;
        for (int e = 0; e < 4; ++e) {
          const double a = q[e], b = q[(e + 1) % 4];
          if ((a < level) != (b < level)) cuts.push_back(Cross(p[e], p[(e + 1) % 4], a, b, level));
        }
        for (size_t c = 0; c + 1 < cuts.size(); c += 2) ls.contour.push_back({cuts[c], cuts[c + 1]});
      }
  }
}

}  // namespace

SurfaceJob::~SurfaceJob() {
  cancel = true;
  if (thread.joinable()) thread.join();
}

void LossLandscapeState::new_run() {
  if (job) {
    job->cancel = true;
    stopping.push_back(std::move(job));
  }
  shown_job = nullptr;
}

void LossLandscapeState::poll(App&) {
  stopping.erase(std::remove_if(stopping.begin(), stopping.end(), [](const auto& j) { return j->finished.load(); }),
                 stopping.end());
}

bool StartLossLandscape(App& app, std::string* why) {
  LossLandscapeState& ls = app.views.state<LossLandscapeState>();
  auto fail = [&](const char* text) {
    if (why) *why = text;
    return false;
  };
  const std::shared_ptr<const WeightsView> centre = app.shown_weights();
  if (!centre || !app.data || app.setup_of_run.layers.empty()) return fail("no run yet");
  std::vector<std::shared_ptr<const WeightsView>> snaps;
  for (const auto& s : app.timeline.snaps)
    if (s->step <= centre->step) snaps.push_back(s);
  const SurfaceMode mode = SurfaceMode(ls.mode);
  if (mode == SurfaceMode::Line && (snaps.empty() || snaps.front()->step >= centre->step))
    return fail("train a little first: the line needs a snapshot before the shown step");
  if (mode == SurfaceMode::PathPlane && snaps.size() < 3) return fail("the path needs at least three snapshots");
  if (ls.job) {
    ls.job->cancel = true;
    ls.stopping.push_back(std::move(ls.job));
  }
  auto job = std::make_shared<SurfaceJob>();
  job->mode = mode;
  job->step = centre->step;
  job->first_step = snaps.empty() ? -1 : snaps.front()->step;
  job->samples = std::min({kSamples, app.data->val.count, app.data->train.count});
  job->total = mode == SurfaceMode::Line ? 2 * kLinePoints : kGrid * kGrid;
  job->thread = std::thread(Compute, job.get(), app.setup_of_run, app.data, std::move(snaps), centre);
  ls.job = std::move(job);
  return true;
}

void DrawLossLandscape(App& app, bool* open) {
  if (!ImGui::Begin("Loss landscape", open, ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  LossLandscapeState& ls = app.views.state<LossLandscapeState>();
  if (!app.data || !app.run) {
    ImGui::TextDisabled("No run yet.");
    ImGui::End();
    return;
  }
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 15);
  if (ImGui::BeginCombo("##mode", kModes[ls.mode])) {
    for (int m = 0; m < 3; ++m) {
      if (ImGui::Selectable(kModes[m], m == ls.mode)) ls.mode = m;
      app.mark(("losslandscape.mode." + std::to_string(m)).c_str());
    }
    ImGui::EndCombo();
  }
  app.mark("losslandscape.mode");
  const std::shared_ptr<SurfaceJob> job = ls.job;
  const bool busy = job && !job->finished;
  SameLineIfFits(ButtonWidth("Compute"));
  if (busy) {
    if (ImGui::Button("Cancel")) {
      job->cancel = true;
      ls.stopping.push_back(std::move(ls.job));
    }
    app.mark("losslandscape.cancel");
  } else {
    if (ImGui::Button("Compute")) {
      ls.why.clear();
      StartLossLandscape(app, &ls.why);
    }
    app.mark("losslandscape.compute");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The loss over the first %d images at each point: about %d evaluations of the network", kSamples,
                        ls.mode == 0 ? 2 * kLinePoints : kGrid * kGrid);
    if (!ls.why.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", ls.why.c_str());
  }
  if (busy) {
    char text[64];
    std::snprintf(text, sizeof text, "%d of %d points", job->done.load(), job->total);
    ImGui::ProgressBar(float(job->done) / float(std::max(1, job->total)), {-1, 0}, text);
  }
  if (!job || busy) {
    if (!job)
      ImGui::TextWrapped("The loss of this network as its weights move: along the line from where the run began "
                         "through where it is, or over a plane around it. Press Compute.");
    ImGui::End();
    return;
  }
  if (!job->error.empty()) {
    ls.shown_job = job.get();
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", job->error.c_str());
    ImGui::End();
    return;
  }
  if (ls.shown_job != job.get()) {  // a job just ended: its picture
    ls.shown_job = job.get();
    if (job->mode == SurfaceMode::Line) {
      ls.t_f.assign(job->ts.begin(), job->ts.end());
      ls.train_f.clear();
      ls.val_f.clear();
      for (const auto& p : job->train) ls.train_f.push_back(float(p.loss));
      for (const auto& p : job->val) ls.val_f.push_back(float(p.loss));
      ls.plot = PlotState{};
    } else if (job->val.size() == job->xs.size() * job->ys.size()) {
      BuildPlane(ls, *job);
    }
  }
  if (job->mode == SurfaceMode::Line) {
    ImGui::TextWrapped("Loss over the first %d images of each split, from the weights of step %ld (t = 0) through "
                       "those of step %ld (t = 1).", job->samples, job->first_step, job->step);
    PlotAxes ax;
    ax.x_label = "t";
    ax.y_label = "loss";
    ax.y_from_zero = true;
    std::vector<PlotSeries> s(2);
    s[0] = {"training loss", ls.t_f.data(), ls.train_f.data(), int(ls.train_f.size()), SeriesColour(0), 2};
    s[1] = {"validation loss", ls.t_f.data(), ls.val_f.data(), int(ls.val_f.size()), SeriesColour(2), 2};
    app.report.region("losslandscape",
                      DrawPlot("loss line", ls.plot, {-1, -1}, s,
                               {{0.f, "step " + std::to_string(job->first_step)}, {1.f, "step " + std::to_string(job->step)}},
                               ax));
    ImGui::End();
    return;
  }
  // The plane: a square colour field, contours, the path, the centre.
  if (job->mode == SurfaceMode::PathPlane)
    ImGui::TextWrapped("Validation loss around step %ld on the plane of the path's two main directions (%.0f%% and "
                       "%.0f%% of its spread); the path of %d snapshots in white, from step %ld (green ring) to now "
                       "(orange).",
                       job->step, job->explained[0] * 100, job->explained[1] * 100, int(job->path.size()),
                       job->first_step);
  else
    ImGui::TextWrapped("Validation loss around step %ld along two random directions, each filter scaled to its "
                       "weights' norm (filter normalisation): from -1 to 1 of them.", job->step);
  ImGui::Text("loss from %.3g (dark) to %.3g (bright), log scale", ls.loss_lo, ls.loss_hi);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(fs * 6, std::min(avail.x, avail.y - fs * 0.5f));
  const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1{p0.x + side, p0.y + side};
  ImGui::Image(ls.field.texture(), {side, side});
  app.mark("losslandscape.plane");
  app.report.region("losslandscape", {p0, p1});
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto share = [&](ImVec2 s) { return ImVec2{p0.x + s.x * side, p1.y - s.y * side}; };
  for (const auto& [a, b] : ls.contour) dl->AddLine(share(a), share(b), IM_COL32(255, 255, 255, 70), 1);
  const double x0 = job->xs.front(), x1 = job->xs.back(), y0 = job->ys.front(), y1 = job->ys.back();
  auto place = [&](double x, double y) { return share({float((x - x0) / (x1 - x0)), float((y - y0) / (y1 - y0))}); };
  if (!job->path.empty()) {
    std::vector<ImVec2> pts;
    for (auto [x, y] : job->path) pts.push_back(place(x, y));
    pts.push_back(place(0, 0));
    dl->AddPolyline(pts.data(), int(pts.size()), IM_COL32(255, 255, 255, 230), 0, 2);
    for (size_t k = 0; k + 1 < pts.size(); ++k) dl->AddCircleFilled(pts[k], 2.5f, IM_COL32(255, 255, 255, 230), 8);
    dl->AddCircle(pts.front(), fs * 0.35f, IM_COL32(120, 220, 110, 255), 12, 2);  // where it began
  }
  dl->AddCircleFilled(place(0, 0), fs * 0.3f, IM_COL32(250, 160, 60, 255), 12);  // the shown weights
  if (hovered) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const double x = x0 + (m.x - p0.x) / side * (x1 - x0), y = y0 + (p1.y - m.y) / side * (y1 - y0);
    const int nx = int(job->xs.size()), ny = int(job->ys.size());
    const int i = std::clamp(int(std::lround((x - x0) / (x1 - x0) * (nx - 1))), 0, nx - 1);
    const int j = std::clamp(int(std::lround((y - y0) / (y1 - y0) * (ny - 1))), 0, ny - 1);
    ls.hovered_cell = j * nx + i;
    const SurfacePoint& p = job->val[size_t(ls.hovered_cell)];
    ImGui::SetTooltip("(%.3g, %.3g): validation loss %.4g, accuracy %.1f%%", job->xs[size_t(i)], job->ys[size_t(j)],
                      p.loss, p.accuracy * 100);
  } else {
    ls.hovered_cell = -1;
  }
  ImGui::End();
}

}  // namespace nnviz::gui
