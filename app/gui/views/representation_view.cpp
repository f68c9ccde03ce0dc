// The representation view: how one layer arranges the validation images. The layer's values for
// the first 1,000-5,000 images, mapped to the plane by PCA (exact, at once) or t-SNE (formed
// before the student's eyes, off the frame thread), each image a point in its class's colour.
// It follows the timeline: scrubbing back shows the classes tangled, forward pulling apart (a
// t-SNE map of a new step starts from the last one, so that it moves rather than jumps). Hovering
// shows the image and what the network said; a click makes it the activations view's probe.
#include "views/representation_view.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app.h"
#include "base/json.h"
#include "labs/playground.h"
#include "nn/layer_types.h"
#include "views/activations_view.h"
#include "views/inside.h"
#include "views/playground_view.h"
#include "widgets/controls.h"

namespace nnviz::gui {

namespace {

constexpr const char* kMethods[] = {"PCA", "t-SNE"};
constexpr int kSampleChoices[] = {1000, 2000, 5000};
// t-SNE iterations from scratch, and from the last map (no early exaggeration then).
constexpr int kTsneIterations = 1000, kTsneFollowIterations = 300;
// Publish the forming map every this many iterations.
constexpr int kPublishEvery = 5;
// While following a training run, a new map at most this often (seconds) after the last began.
constexpr double kPcaInterval = 0.5, kTsneInterval = 1.0;
// The worker thread's niceness (Linux: per thread).
constexpr int kNice = 10;

// The worker: the layer's values for the first job->samples validation images, then the map.
void Compute(RepresentationJob* job, std::shared_ptr<Network> net, std::shared_ptr<const Dataset> data, MatD init) {
  // Below the frame and training threads: on a machine of two cores the map waits, not they.
  setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), kNice);
  try {
    const Split& s = data->val;
    const int n = job->samples;
    MatD X;
    std::vector<int> predicted(static_cast<size_t>(n), -1);
    for (int start = 0; start < n && !job->cancel; start += 1000) {
      const int m = std::min(1000, n - start);
      net->input(m) = s.x.middleCols(start, m);
      const Mat& out = net->forward(false);
      const Mat& a = net->act(size_t(job->layer) + 1);
      if (X.size() == 0) X.resize(a.rows(), n);
      X.middleCols(start, m) = a.cast<double>();
      if (net->is_classifier())
        for (int j = 0; j < m; ++j) {
          Eigen::Index at = 0;
          out.col(j).maxCoeff(&at);
          predicted[size_t(start + j)] = int(at);
        }
    }
    if (job->cancel) {
      job->finished = true;
      return;
    }
    {
      std::lock_guard<std::mutex> lock(job->m);
      job->predicted = std::move(predicted);
    }
    if (job->method == 0) {
      Pca p = pca(X, 2);
      std::lock_guard<std::mutex> lock(job->m);
      job->points = std::move(p.points);
      job->explained = p.explained;
      ++job->points_version;
    } else {
      TsneOptions opt;
      opt.iterations = job->iterations;
      if (init.size()) opt.exaggeration_iterations = 0;
      Tsne t(X, opt, init.size() ? &init : nullptr);
      while (!t.done() && !job->cancel) {
        t.step();
        job->iteration = t.iteration();
        if (t.iteration() % kPublishEvery == 0 || t.done()) {
          std::lock_guard<std::mutex> lock(job->m);
          job->points = t.points();
          ++job->points_version;
        }
      }
    }
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(job->m);
    job->error = e.what();
  }
  job->finished = true;
}

// Ten classes told apart at a glance on the dark map: the usual categorical ten, lightened.
constexpr ImU32 kClassColours[10] = {
    IM_COL32(80, 150, 230, 255),  IM_COL32(255, 150, 50, 255),  IM_COL32(80, 200, 80, 255),
    IM_COL32(235, 70, 70, 255),   IM_COL32(180, 140, 230, 255), IM_COL32(190, 130, 100, 255),
    IM_COL32(240, 130, 210, 255), IM_COL32(190, 190, 190, 255), IM_COL32(210, 210, 60, 255),
    IM_COL32(40, 210, 225, 255)};
ImU32 ClassColour(int c) { return c >= 0 && c < 10 ? kClassColours[c] : SeriesColour(c); }

std::string LayerName(const App& app, int i) {
  return std::to_string(i + 1) + ": " + app.setup_of_run.layers[size_t(i)].describe() + " (" +
         app.out_shapes[size_t(i)].str() + ")";
}

// An image of the data (grey or colour) as a texture.
void ShowDigit(Heatmap& hm, const Split& s, int i, const Dataset& d) {
  ShowSamples(hm, s.pixels, {i}, d.rows, d.cols, d.channels, MakeTiles(1, d.rows, d.cols, 1));
}

}  // namespace

RepresentationJob::~RepresentationJob() {
  cancel = true;
  if (thread.joinable()) thread.join();
}

void RepresentationState::save_settings(json::Value& s) const {
  s.set("method", static_cast<long long>(method));
  s.set("samples", static_cast<long long>(samples));
  s.set("follow", follow);
}

void RepresentationState::load_settings(const json::Value& s) {
  method = std::clamp(s.get_int("method", method), 0, 1);
  const int n = s.get_int("samples", samples);
  for (int c : kSampleChoices)
    if (c == n) samples = n;
  follow = s.get_bool("follow", follow);
}

void RepresentationState::new_run() {
  if (job) {
    job->cancel = true;
    stopping.push_back(std::move(job));
  }
  layer = -1;
  hovered = tooltip_sample = -1;
  drawn_version = -1;
}

int RepresentationLayer(const App& app, int choice) {
  const int layers = int(app.setup_of_run.layers.size());
  if (choice >= 0 && choice < layers) return choice;
  return std::max(0, layers - 2);  // the classifier's input: the last hidden layer's output
}

bool StartRepresentation(App& app, std::string* why) {
  RepresentationState& rs = app.views.state<RepresentationState>();
  const std::shared_ptr<const WeightsView> weights = app.shown_weights();
  auto fail = [&](const char* text) {
    if (why) *why = text;
    return false;
  };
  if (!weights || !app.data || app.setup_of_run.layers.empty()) return fail("no run yet");
  if (app.data->val.count < 4) return fail("the validation split has fewer than 4 images");
  auto net = std::make_shared<Network>(app.setup_of_run);
  if (!SetNetworkValues(*net, *weights)) return fail("the weights do not fit the run's network");
  const int layer = RepresentationLayer(app, rs.layer);
  const int n = std::min(rs.samples, app.data->val.count);
  // A t-SNE map of another step of the same layer starts from the last one.
  MatD init;
  if (rs.job && rs.job->finished && rs.method == 1 && rs.job->method == 1 && rs.job->layer == layer &&
      rs.job->samples == n && rs.job->error.empty() && rs.job->iteration == rs.job->iterations) {
    std::lock_guard<std::mutex> lock(rs.job->m);
    init = rs.job->points;
  }
  if (rs.job) {
    rs.job->cancel = true;
    rs.stopping.push_back(std::move(rs.job));
  }
  auto job = std::make_shared<RepresentationJob>();
  job->step = weights->step;
  job->layer = layer;
  job->method = rs.method;
  job->samples = n;
  job->iterations = rs.method == 1 ? (init.size() ? kTsneFollowIterations : kTsneIterations) : 0;
  job->thread = std::thread(Compute, job.get(), std::move(net), app.data, std::move(init));
  rs.job = std::move(job);
  rs.started_at = ImGui::GetTime();
  return true;
}

void RepresentationState::poll(App& app) {
  // Jobs told to stop are let go once their threads have ended (never waited for here).
  stopping.erase(std::remove_if(stopping.begin(), stopping.end(), [](const auto& j) { return j->finished.load(); }),
                 stopping.end());
  if (!app.views.open<RepresentationState>() || !app.data || !app.shown_weights()) return;
  const bool first = !job;
  const bool behind = job && job->step != app.shown_weights()->step;
  const bool stale = behind && job->finished;
  // A map of a step no longer shown is dropped at once when training stands still (paused, or
  // the timeline scrubbed): the student waits for the step in front of them. While training
  // runs, each map is finished first, or none ever would be.
  const bool still = (app.run && app.run->idle()) || app.timeline.scrubbed();
  const double wait = method == 0 ? kPcaInterval : kTsneInterval;
  if (first || (follow && stale && ImGui::GetTime() - started_at >= wait) || (follow && behind && !stale && still))
    StartRepresentation(app);
  if (follow && stale) app.redraw_by(started_at + wait);
}

namespace {

// The playground network's layers whose output a plane can be mapped through: each hidden
// layer's activation (or the dense layer itself when none follows).
std::vector<int> PlaneLayers(Network& net) {
  std::vector<int> dense;
  for (size_t i = 0; i < net.num_layers(); ++i)
    if (std::string(net.layer(i).type()) == "dense") dense.push_back(int(i));
  std::vector<int> out;
  for (size_t k = 0; k + 1 < dense.size(); ++k) {  // every dense layer but the output's
    const int i = dense[k];
    out.push_back(i + 1 < dense[k + 1] ? i + 1 : i);
  }
  return out;
}

// The board's grid: kPlaneLines lines each way, kPlaneAlong points along each.
constexpr int kPlaneLines = 17, kPlaneAlong = 60;

void MakePlaneTransform(PlaneTransform& pt, Playground& pg, double r, int layer) {
  constexpr int kLines = kPlaneLines, kAlong = kPlaneAlong;
  const int grid = 2 * kLines * kAlong;
  const Toy all = pg.all_points();
  const int n = grid + all.count();
  Mat raw(2, n);
  int at = 0;
  for (int dir = 0; dir < 2; ++dir)
    for (int l = 0; l < kLines; ++l)
      for (int a = 0; a < kAlong; ++a, ++at) {
        const double u = -r + 2 * r * l / (kLines - 1), v = -r + 2 * r * a / (kAlong - 1);
        raw(0, at) = Scalar(dir == 0 ? v : u);
        raw(1, at) = Scalar(dir == 0 ? u : v);
      }
  raw.rightCols(all.count()) = all.x;
  const std::vector<Mat> acts = pg.activations(raw);
  const Mat& h = acts[size_t(layer)];
  MatD xy(2, n);
  pt.projected = h.rows() != 2;
  pt.explained.clear();
  if (h.rows() == 1) {
    xy.row(0) = h.row(0).cast<double>();
    xy.row(1).setZero();
  } else if (h.rows() == 2) {
    xy = h.cast<double>();
  } else {
    // The axes of the data points' values; the grid goes through the same projection.
    const MatD data = h.rightCols(n - grid).cast<double>();
    const Pca p = pca(data.cols() >= 2 ? data : h.cast<double>(), 2);
    pt.explained = p.explained;
    xy = p.axes.transpose() * (h.cast<double>().colwise() - p.mean);
  }
  pt.lines.assign(2 * kLines, {});
  for (int l = 0; l < 2 * kLines; ++l)
    for (int a = 0; a < kAlong; ++a) pt.lines[size_t(l)].push_back({float(xy(0, l * kAlong + a)), float(xy(1, l * kAlong + a))});
  pt.points.clear();
  for (int i = grid; i < n; ++i) pt.points.push_back({float(xy(0, i)), float(xy(1, i))});
  pt.labels = all.labels;
  pt.train_points = pg.train().count();
}

// The playground's plane through a hidden layer: the grid lines bend as the layer bends the
// plane, and training pulls the two classes apart until a straight line (the output layer's
// view) can split them.
void DrawPlane(App& app, RepresentationState& rs) {
  PlaygroundState& ps = app.views.state<PlaygroundState>();
  const float fs = ImGui::GetFontSize();
  if (!ps.pg || ps.pg->train().x.rows() != 2) {
    ImGui::TextDisabled("Open the Playground on its 2-D classification: its plane is mapped here.");
    return;
  }
  Playground& pg = *ps.pg;
  const std::vector<int> layers = PlaneLayers(pg.net());
  if (layers.empty()) {
    ImGui::TextDisabled("The playground's network has no hidden layer: add one (hidden sizes) to see its plane.");
    return;
  }
  PlaneTransform& pt = rs.plane;
  if (std::find(layers.begin(), layers.end(), pt.layer) == layers.end()) pt.layer = layers.back(), pt.step = -1;
  auto name = [&](int l) {
    const int units = int(pg.net().layer(size_t(l)).out_shape().size());
    int hidden = 0;
    for (int x : layers) hidden += x <= l;
    return "hidden layer " + std::to_string(hidden) + ": " + pg.net().layer(size_t(l)).type() + ", " + std::to_string(units) +
           " units";
  };
  std::vector<std::string> names;
  std::vector<const char*> items;
  for (int l : layers) names.push_back(name(l));
  for (const std::string& n : names) items.push_back(n.c_str());
  const float want = ComboWidth(items.data(), int(items.size()));
  SameLineIfFits(want);
  ImGui::SetNextItemWidth(std::min(want, ImGui::GetContentRegionAvail().x));
  if (ImGui::BeginCombo("##planelayer", name(pt.layer).c_str())) {
    for (int l : layers)
      if (ImGui::Selectable(name(l).c_str(), l == pt.layer)) pt.layer = l, pt.step = -1;
    ImGui::EndCombo();
  }
  app.mark("representation.plane_layer");
  const double now = ImGui::GetTime();
  if (pt.step != pg.steps() || pt.lines.empty()) {
    if (now - pt.made_at >= 0.1 || pt.step < 0 || pt.lines.empty()) {
      try {
        MakePlaneTransform(pt, pg, ps.board_r, pt.layer);
        pt.error.clear();
      } catch (const std::exception& e) {
        pt.error = e.what();
      }
      pt.step = pg.steps();
      pt.made_at = now;
    } else {
      app.redraw_by(pt.made_at + 0.1);
    }
  }
  if (!pt.error.empty()) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", pt.error.c_str());
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (pt.projected && pt.explained.size() == 2)
    TextAtSpaces("step %ld: the board's grid and points through the layer, on its two main axes (%.0f%% and %.0f%% of "
                 "the variance); filled: training points, rings: test points", pg.steps(), 100 * pt.explained[0],
                 100 * pt.explained[1]);
  else
    TextAtSpaces("step %ld: the board's grid and points through the layer, its two units as the axes; filled: training "
                 "points, rings: test points", pg.steps());
  ImGui::PopStyleColor();
  // The map: the bounds of the points and lines, square, with a margin.
  float lo[2] = {1e30f, 1e30f}, hi[2] = {-1e30f, -1e30f};
  auto grow = [&](ImVec2 q) {
    lo[0] = std::min(lo[0], q.x), hi[0] = std::max(hi[0], q.x);
    lo[1] = std::min(lo[1], q.y), hi[1] = std::max(hi[1], q.y);
  };
  for (const auto& l : pt.lines)
    for (ImVec2 q : l) grow(q);
  for (ImVec2 q : pt.points) grow(q);
  const float span = std::max({hi[0] - lo[0], hi[1] - lo[1], 1e-6f}) * 1.08f;
  const float cx = (lo[0] + hi[0]) * 0.5f, cy = (lo[1] + hi[1]) * 0.5f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(fs * 8, std::min(avail.x, avail.y - fs * 0.5f));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plane", {side, side});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, {p0.x + side, p0.y + side}, IM_COL32(18, 18, 22, 255));
  app.report.region("representation", {p0, {p0.x + side, p0.y + side}});
  auto to_screen = [&](ImVec2 q) {
    return ImVec2{p0.x + ((q.x - cx) / span + 0.5f) * side, p0.y + (0.5f - (q.y - cy) / span) * side};
  };
  dl->PushClipRect(p0, {p0.x + side, p0.y + side}, true);
  std::vector<ImVec2> screen;
  for (size_t l = 0; l < pt.lines.size(); ++l) {
    screen.clear();
    for (ImVec2 q : pt.lines[l]) screen.push_back(to_screen(q));
    const size_t at = l % kPlaneLines;  // the board's edges and middle lines brighter
    const bool edge = at == 0 || at == kPlaneLines - 1 || at == kPlaneLines / 2;
    dl->AddPolyline(screen.data(), int(screen.size()), edge ? IM_COL32(170, 170, 185, 200) : IM_COL32(110, 110, 125, 130), 0,
                    edge ? 1.6f : 1.f);
  }
  for (size_t i = 0; i < pt.points.size(); ++i) {
    const ImVec2 q = to_screen(pt.points[i]);
    const ImU32 col = pt.labels[i] ? IM_COL32(225, 70, 60, 255) : IM_COL32(70, 120, 235, 255);
    if (int(i) < pt.train_points) dl->AddCircleFilled(q, 3.f, col);
    else dl->AddCircle(q, 3.5f, col, 0, 1.5f);
  }
  dl->PopClipRect();
}

}  // namespace

void DrawRepresentation(App& app, bool* open) {
  if (!ImGui::Begin("Representation", open, ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  RepresentationState& rs = app.views.state<RepresentationState>();
  {
    const char* sources[] = {"images of the run", "the playground's plane"};
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(fs * 12);
    ImGui::Combo("##source", &rs.source, sources, 2);
    app.mark("representation.source");
    if (rs.source == 1) {
      DrawPlane(app, rs);
      ImGui::End();
      return;
    }
    ImGui::SameLine();
  }
  if (!app.data || !app.run || app.setup_of_run.layers.empty()) {
    ImGui::TextDisabled("No run yet.");
    ImGui::End();
    return;
  }
  const float fs = ImGui::GetFontSize();
  bool restart = false;
  // The choices: method, layer, images, follow.
  ImGui::SetNextItemWidth(ButtonWidth("t-SNE") + fs * 1.5f);
  if (ImGui::Combo("##method", &rs.method, kMethods, 2)) restart = true;
  app.mark("representation.method");
  const int layers = int(app.setup_of_run.layers.size());
  const int layer = RepresentationLayer(app, rs.layer);
  SameLineIfFits(fs * 16);
  ImGui::SetNextItemWidth(fs * 16);
  if (ImGui::BeginCombo("##layer", LayerName(app, layer).c_str())) {
    for (int i = 0; i < layers; ++i) {
      ImGui::PushID(i);
      if (ImGui::Selectable(LayerName(app, i).c_str(), i == layer)) {
        rs.layer = i;
        restart = true;
      }
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  app.mark("representation.layer");
  char label[64];
  std::snprintf(label, sizeof label, "%d images", rs.samples);
  SameLineIfFits(fs * 8.5f);
  ImGui::SetNextItemWidth(fs * 8.5f);
  if (ImGui::BeginCombo("##samples", label)) {
    for (int c : kSampleChoices) {
      std::snprintf(label, sizeof label, "%d images", c);
      if (ImGui::Selectable(label, c == rs.samples)) {
        rs.samples = c;
        restart = true;
      }
    }
    ImGui::EndCombo();
  }
  app.mark("representation.samples");
  SameLineIfFits(CheckboxWidth("follow the timeline"));
  ImGui::Checkbox("follow the timeline", &rs.follow);
  app.mark("representation.follow");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Map the step the views show again whenever it changes (training, or the timeline)");
  if (!rs.follow) {
    SameLineIfFits(ButtonWidth("Map this step"));
    if (ImGui::Button("Map this step")) restart = true;
    app.mark("representation.compute");
  }
  std::string why;
  if (restart && !StartRepresentation(app, &why)) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", why.c_str());

  // What is shown, and how far its computation is.
  const std::shared_ptr<RepresentationJob> job = rs.job;
  MatD points;
  std::vector<int> predicted;
  std::vector<double> explained;
  std::string error;
  long version = -1;
  if (job) {
    // (finished read before the lock: once it is, the count taken here is the last.)
    const bool finished = job->finished;
    std::lock_guard<std::mutex> lock(job->m);
    version = job->points_version;
    if (finished) rs.seen_version = version;
    points = job->points;
    predicted = job->predicted;
    explained = job->explained;
    error = job->error;
  }
  if (job) {
    const std::string what = std::string(kMethods[job->method]) + ", layer " + std::to_string(job->layer + 1) + ", " +
                             std::to_string(job->samples) + " validation images, step " + std::to_string(job->step);
    std::string line = what;
    if (!error.empty()) line += ": " + error;
    else if (!job->finished && job->method == 1)
      line += ": iteration " + std::to_string(job->iteration.load()) + " of " + std::to_string(job->iterations);
    else if (!job->finished) line += ": reading the layer";
    else if (job->method == 0 && explained.size() == 2) {
      char e[96];
      std::snprintf(e, sizeof e, ": the axes hold %.1f%% and %.1f%% of the variance", explained[0] * 100,
                    explained[1] * 100);
      line += e;
    }
    if (!error.empty()) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.5f, 0.4f, 1));
    ImGui::TextWrapped("%s", line.c_str());
    if (!error.empty()) ImGui::PopStyleColor();
  }

  // The map: square cells (distances mean the same along both axes), a legend below.
  const Split& s = app.data->val;
  const auto& names = app.data->class_names();
  const float legend_h = ImGui::GetFrameHeightWithSpacing();
  ImVec2 room = ImGui::GetContentRegionAvail();
  room.y = std::max(fs * 4, room.y - legend_h);
  room.x = std::max(fs * 4, room.x);
  const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1{p0.x + room.x, p0.y + room.y};
  ImGui::InvisibleButton("##map", room);
  app.mark("representation.map");
  app.report.region("representation", {p0, p1});
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, p1, IM_COL32(18, 18, 22, 255));
  const long n = points.cols();
  rs.hovered = -1;
  if (n > 0 && points.rows() == 2 && points.allFinite()) {
    float tlo[2], thi[2];
    for (int a = 0; a < 2; ++a) {
      tlo[a] = float(points.row(a).minCoeff());
      thi[a] = float(points.row(a).maxCoeff());
    }
    // A forming map eases its bounds; a finished one, or a first, takes them at once.
    const bool ease = job && !job->finished && rs.drawn_version >= 0;
    for (int a = 0; a < 2; ++a) {
      rs.lo[a] = ease ? rs.lo[a] + 0.25f * (tlo[a] - rs.lo[a]) : tlo[a];
      rs.hi[a] = ease ? rs.hi[a] + 0.25f * (thi[a] - rs.hi[a]) : thi[a];
    }
    rs.drawn_version = version;
    const float margin = fs * 0.8f;
    const float span = std::max({rs.hi[0] - rs.lo[0], rs.hi[1] - rs.lo[1], 1e-12f});
    const float scale = std::min(room.x, room.y) > 2 * margin ? (std::min(room.x, room.y) - 2 * margin) / span : 1;
    const float cx = (p0.x + p1.x) / 2, cy = (p0.y + p1.y) / 2;
    const float mx = (rs.lo[0] + rs.hi[0]) / 2, my = (rs.lo[1] + rs.hi[1]) / 2;
    auto at = [&](long i) { return ImVec2{cx + (float(points(0, i)) - mx) * scale, cy - (float(points(1, i)) - my) * scale}; };
    const float r = std::max(1.5f, fs * 0.15f);  // half a point's side: squares (2 triangles each)
    rs.sample0_at[0] = at(0).x;
    rs.sample0_at[1] = at(0).y;
    dl->PushClipRect(p0, p1, true);
    for (long i = 0; i < n; ++i) {
      const ImU32 c = (ClassColour(s.y[size_t(i)]) & 0x00FFFFFF) | 0xD0000000;
      const ImVec2 q = at(i);
      dl->AddRectFilled({q.x - r, q.y - r}, {q.x + r, q.y + r}, c);
    }
    if (hovered) {
      const ImVec2 mouse = ImGui::GetIO().MousePos;
      float best = fs * 0.6f;
      for (long i = 0; i < n; ++i) {
        const ImVec2 q = at(i);
        const float d = std::hypot(q.x - mouse.x, q.y - mouse.y);
        if (d < best) best = d, rs.hovered = int(i);
      }
    }
    if (rs.hovered >= 0) {
      const int i = rs.hovered;
      dl->AddCircle(at(i), r * 2.5f, IM_COL32(255, 255, 255, 255), 12, 2);
      if (rs.tooltip_sample != i && size_t(app.data->input_size()) * size_t(s.count) == s.pixels.size()) {
        ShowDigit(rs.digit, s, i, *app.data);
        rs.tooltip_sample = i;
      }
      ImGui::BeginTooltip();
      if (rs.tooltip_sample == i) ImGui::Image(rs.digit.texture(), {fs * 4, fs * 4});
      ImGui::Text("validation image #%d, label %s", i, names[s.y[size_t(i)]].c_str());
      const int p = size_t(i) < predicted.size() ? predicted[size_t(i)] : -1;
      if (p >= 0)
        ImGui::TextColored(p == s.y[size_t(i)] ? ImVec4(0.6f, 0.9f, 0.6f, 1) : ImVec4(1, 0.55f, 0.45f, 1),
                           "the network says %s", names[size_t(p)].c_str());
      ImGui::TextDisabled("click: show it in the activations view");
      ImGui::EndTooltip();
      if (clicked) {
        app.set_probe_input(s.x.col(i), s.y[size_t(i)], "validation image #" + std::to_string(i));
        app.views.open<ActivationsState>() = true;
      }
    }
    dl->PopClipRect();
  } else if (!job || job->finished) {
    dl->AddText({p0.x + fs, p0.y + fs}, ImGui::GetColorU32(ImGuiCol_TextDisabled),
                error.empty() ? "No map yet." : "No map: see the message above.");
  } else {
    dl->AddText({p0.x + fs, p0.y + fs}, ImGui::GetColorU32(ImGuiCol_TextDisabled), "Reading the layer's values...");
  }
  // The legend: each class's colour and name.
  for (int c = 0; c < int(names.size()); ++c) {
    const std::string& name = names[size_t(c)];
    const float w = fs * 1.2f + ImGui::CalcTextSize(name.c_str()).x + fs * 0.6f;
    if (c > 0) SameLineIfFits(w);
    const ImVec2 q = ImGui::GetCursorScreenPos();
    dl->AddCircleFilled({q.x + fs * 0.4f, q.y + ImGui::GetTextLineHeight() / 2}, fs * 0.3f, ClassColour(c), 10);
    ImGui::Dummy({fs * 1.0f, ImGui::GetTextLineHeight()});
    ImGui::SameLine(0, fs * 0.2f);
    ImGui::TextUnformatted(name.c_str());
  }
  ImGui::End();
}

}  // namespace nnviz::gui
