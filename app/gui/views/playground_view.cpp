// Two small playgrounds where a network can be seen whole, trained right here on the main thread
// (a few hundred small steps per second cost well under a millisecond a frame):
//   1-D regression: a function of x, its samples, and the net's prediction (optionally every
//   hidden unit's contribution); with or without biases.
//   2-D classification: two classes of points, the decision surface as a heatmap underneath, and
//   every hidden unit's output over the plane as a thumbnail.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "base/fileio.h"
#include "labs/playground.h"
#include "nn/layer_types.h"
#include "nn/loss.h"
#include "views/playground_view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

namespace {

// Restarts the playground; a CSV file's points come from a load started here on another thread,
// and Restart runs again with them (`loaded`) when it is done.
void Restart(App& app, PlaygroundState& ps, std::optional<std::pair<Toy, long>> loaded = std::nullopt) {
  if (ps.mode == 1 && !ps.csv.empty() && !loaded && !ps.drawn) {
    ps.pg.reset();
    ps.error.clear();
    ps.notice.clear();
    const std::string path = ps.csv;
    ++ps.csv_reads;
    ps.csv_loading = std::async(std::launch::async, [path] {
      long rows = 0;
      Toy t = load_points_csv(path, &rows);
      return std::make_pair(std::move(t), rows);
    });
    return;
  }
  if (!loaded) ps.notice.clear();
  try {
    PlaygroundSetup setup;
    setup.mode = ps.mode;
    setup.expression = ps.expr;
    setup.points = kPlaygroundPoints[ps.dataset];
    setup.hidden = ps.hidden;
    setup.activation = ps.activation;
    setup.bias = ps.bias;
    setup.lr = ps.lr;
    setup.noise = ps.noise;
    setup.test_share = ps.test_share;
    setup.count = ps.points;
    setup.seed = ps.seed;
    setup.features = ps.features;
    if (ps.mode == 1 && ps.drawn && ps.pg && ps.pg->train().x.rows() == 2 && !loaded) {
      // The drawn board kept: its points, re-split, for the new network.
      ps.pg = std::make_unique<Playground>(make_playground(setup, ps.pg->all_points()));
    } else if (ps.mode == 0) {
      ps.pg = std::make_unique<Playground>(make_playground(setup));
      ps.target = std::make_unique<Expr>(Expr::parse(ps.expr));
    } else if (loaded) {
      ps.pg = std::make_unique<Playground>(make_playground(setup, loaded->first));
      if (loaded->second > loaded->first.count())
        ps.notice = "Sampled " + std::to_string(loaded->first.count()) + " of the file's " +
                    std::to_string(loaded->second) + " points (a playground keeps at most " +
                    std::to_string(kMaxPlaygroundPoints) + ")";
    } else {
      ps.pg = std::make_unique<Playground>(make_playground(setup));
    }
    ps.losses.clear();
    ps.test_losses.clear();
    ps.xs.clear();
    ps.error.clear();
  } catch (const std::exception& e) {
    ps.pg.reset();
    ps.error = e.what();
  }
  (void)app;
}

void Regression(PlaygroundState& ps, ImVec2 size, FrameReport& report) {
  Playground& pg = *ps.pg;
  const int n = 400;
  Mat x(1, n);
  for (int i = 0; i < n; ++i) x(0, i) = Scalar(-5 + 10.0 * i / (n - 1));
  const std::vector<Mat> acts = pg.activations(x);  // one forward pass: the units and the output
  const Mat& y = acts.back();
  static std::vector<float> gx, gt, gy, sx, sy;
  gx.resize(n), gt.resize(n), gy.resize(n);
  for (int i = 0; i < n; ++i) gx[i] = float(x(0, i)), gt[i] = float((*ps.target)(x(0, i))), gy[i] = float(y(0, i));
  // The samples, sorted by x so the plot can search them; drawn as dots.
  std::vector<std::pair<float, float>> pts;
  for (int i = 0; i < pg.train().count(); ++i) pts.push_back({float(pg.train().x(0, i)), float(pg.train().y(0, i))});
  std::sort(pts.begin(), pts.end());
  sx.resize(pts.size()), sy.resize(pts.size());
  for (size_t i = 0; i < pts.size(); ++i) sx[i] = pts[i].first, sy[i] = pts[i].second;
  std::vector<PlotSeries> s;
  s.push_back({"samples", sx.data(), sy.data(), int(sx.size()), IM_COL32(160, 160, 170, 150), 0.f, true, nullptr});
  s.push_back({"target", gx.data(), gt.data(), n, IM_COL32(90, 210, 120, 255), 2.f, false, nullptr});
  s.push_back({"network", gx.data(), gy.data(), n, IM_COL32(250, 160, 60, 255), 2.5f, false, nullptr});
  // Each last-hidden unit's contribution to the output: its activation times its outgoing weight.
  static std::vector<std::vector<float>> contrib;
  if (ps.show_units && acts.size() >= 2) {
    const Mat& h = acts[acts.size() - 2];  // the last hidden layer's activation
    auto params = pg.net().params();
    const Mat& w_out = *params[params.size() - (params.back().name.find("bias") != std::string::npos ? 2 : 1)].p.value;
    const int units = std::min<int>(int(h.rows()), int(w_out.rows()));
    contrib.assign(units, std::vector<float>(n));
    for (int u = 0; u < units; ++u) {
      for (int i = 0; i < n; ++i) contrib[u][i] = float(h(u, i) * w_out(u, 0));
      s.push_back({"", gx.data(), contrib[u].data(), n, IM_COL32(120, 150, 230, 70), 1.f, false, nullptr});
    }
  }
  PlotAxes ax;
  ax.x_label = "x";
  ax.y_label = "y";
  report.region("playground", DrawPlot("regression", ps.plot, size, s, {}, ax));
}

// The 2-D board's mouse: a click adds a red point (class 1), a right-click or Shift+click a blue
// one (class 0), a drag moves a point, Ctrl+click erases one; training goes on throughout.
void BoardInput(PlaygroundState& ps, ImVec2 p0, float side, double r) {
  Playground& pg = *ps.pg;
  const ImGuiIO& io = ImGui::GetIO();
  auto to_plane = [&](ImVec2 m) {
    const float mx = std::clamp(m.x, p0.x, p0.x + side), my = std::clamp(m.y, p0.y, p0.y + side);
    return std::pair<double, double>{(mx - p0.x) / side * 2 * r - r, r - (my - p0.y) / side * 2 * r};
  };
  const auto [x1, x2] = to_plane(io.MousePos);
  if (ImGui::IsItemHovered()) {
    bool test = false;
    const int near = pg.nearest_point(x1, x2, 7.0 / side * 2 * r, &test);  // within 7 pixels
    const bool left = ImGui::IsMouseClicked(ImGuiMouseButton_Left), right = ImGui::IsMouseClicked(ImGuiMouseButton_Right);
    if (left && io.KeyCtrl) {
      if (near >= 0) pg.erase_point(test, near), ps.drawn = true;
    } else if (left && near >= 0 && !io.KeyShift) {
      ps.dragging = near, ps.dragging_test = test;
    } else if (left || right) {
      pg.add_point(x1, x2, left && !io.KeyShift ? 1 : 0);
      ps.drawn = true;
      ps.last_point[0] = float(x1), ps.last_point[1] = float(x2);
    }
    if (near >= 0 && ps.dragging < 0) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  }
  if (ps.dragging >= 0) {
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      pg.move_point(ps.dragging_test, ps.dragging, x1, x2);
      ps.drawn = true;
      ps.last_point[0] = float(x1), ps.last_point[1] = float(x2);
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    } else {
      ps.dragging = -1;
    }
  }
}

void Classification(App& app, PlaygroundState& ps, ImVec2 size) {
  FrameReport& report = app.report;
  Playground& pg = *ps.pg;
  // The decision surface: the probability of class 1 over a grid covering the points (the same
  // grid while a point is dragged, so that the board does not slide under the mouse).
  const int g = 64;
  if (ps.dragging < 0) {
    double m = 0;
    for (const Toy* t : {&pg.train(), &pg.test()})
      if (t->count() > 0) m = std::max(m, double(t->x.cwiseAbs().maxCoeff()));
    ps.board_r = std::max(1.2, m * 1.1);
  }
  const double r = ps.board_r;
  Mat grid(2, g * g);
  for (int yi = 0; yi < g; ++yi)
    for (int xi = 0; xi < g; ++xi) {
      grid(0, yi * g + xi) = Scalar(-r + 2 * r * (xi + 0.5) / g);
      grid(1, yi * g + xi) = Scalar(r - 2 * r * (yi + 0.5) / g);
    }
  const std::vector<Mat> acts = pg.activations(grid);  // one forward pass for surface and thumbnails
  Mat p;
  softmax(acts.back(), p);
  std::vector<float> surf(g * g);
  for (int i = 0; i < g * g; ++i) surf[i] = float(2 * p(1, i) - 1);  // -1 class 0, +1 class 1
  ps.surface.update(surf.data(), g, g, Colormap::Diverging);
  const float side = std::min(size.x, size.y);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  // A button the size of the board takes its clicks (an image would let them move the window).
  ImGui::InvisibleButton("##board", {side, side}, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  app.mark("playground.board");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddImage(ps.surface.texture(), p0, {p0.x + side, p0.y + side});
  report.region("playground", {p0, {p0.x + side, p0.y + side}});
  BoardInput(ps, p0, side, r);
  auto to_screen = [&](double x, double y) {
    return ImVec2{float(p0.x + (x + r) / (2 * r) * side), float(p0.y + (r - y) / (2 * r) * side)};
  };
  for (const Toy* t : {&pg.train(), &pg.test()})
    for (int i = 0; i < t->count(); ++i) {
      const ImVec2 q = to_screen(t->x(0, i), t->x(1, i));
      const ImU32 col = t->labels[i] ? IM_COL32(150, 20, 20, 255) : IM_COL32(20, 50, 160, 255);
      if (t == &pg.train()) dl->AddCircleFilled(q, 3.5f, col);
      else dl->AddCircle(q, 4.f, col, 0, 1.8f);  // test points: rings
    }
  // Every hidden unit over the plane, small.
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  TextAtSpaces("hidden units over the plane");
  ImGui::PopStyleColor();
  ps.units.resize(acts.size());
  const float thumb =
      std::max(ImGui::GetFontSize() * 1.6f, (ImGui::GetContentRegionAvail().x - 5 * ImGui::GetStyle().ItemSpacing.x) / 6);
  int shown = 0;
  for (size_t li = 0; li + 1 < acts.size(); ++li) {
    if (find_layer_type(pg.net().spec().layers[li].type)->kind != LayerKind::Activation) continue;
    for (int u = 0; u < acts[li].rows() && shown < 48; ++u, ++shown) {
      if (int(ps.unit_maps.size()) <= shown) ps.unit_maps.push_back(std::make_unique<Heatmap>());
      double m = 1e-9;
      for (int i = 0; i < g * g; ++i) m = std::max(m, double(std::fabs(acts[li](u, i))));
      std::vector<float> v(g * g);
      for (int i = 0; i < g * g; ++i) v[i] = float(acts[li](u, i) / m);
      ps.unit_maps[shown]->update(v.data(), g, g, Colormap::Diverging);
      if (shown % 6) ImGui::SameLine();
      ImGui::Image(ps.unit_maps[shown]->texture(), {thumb, thumb});
    }
  }
  ImGui::EndGroup();
}

}  // namespace

void DrawPlayground(App& app, bool* open) {
  if (!ImGui::Begin("Playground", open)) {
    ImGui::End();
    return;
  }
  PlaygroundState& ps = app.views.state<PlaygroundState>();
  const float fs = ImGui::GetFontSize();
  // Nothing to show yet starts one; a CSV file being read is not nothing (restarting it every frame
  // started a new read each frame, and replacing the last one waited for it to end).
  bool restart = !ps.pg && ps.error.empty() && !ps.csv_loading.valid();
  if (ImGui::RadioButton("1-D regression", ps.mode == 0)) ps.mode = 0, restart = true;
  app.mark("playground.1d");
  SameLineIfFits(CheckboxWidth("2-D classification"));
  if (ImGui::RadioButton("2-D classification", ps.mode == 1)) ps.mode = 1, restart = true;
  app.mark("playground.2d");
  if (ps.mode == 0) {
    const char* fns[] = {"sin(x) + x", "abs(x)", "step(x)", "x^2 / 5", "custom"};
    const float fn_w = ComboWidth(fns, 5);
    SameLineIfFits(LabelledWidth(fn_w, "function"));
    ImGui::SetNextItemWidth(fn_w);
    int f = 4;
    for (int i = 0; i < 4; ++i)
      if (ps.expr == fns[i]) f = i;
    if (ImGui::Combo("function", &f, fns, 5) && f < 4) ps.expr = fns[f], restart = true;
    SameLineIfFits(LabelledWidth(fs * 9, "y ="));
    ImGui::SetNextItemWidth(fs * 9);
    if (ImGui::InputText("y =", &ps.expr, ImGuiInputTextFlags_EnterReturnsTrue)) restart = true;
  } else {
    const auto& kinds = kPlaygroundPoints;
    SameLineIfFits(LabelledWidth(fs * 6, "data"));
    ImGui::SetNextItemWidth(fs * 6);
    // The box names what the board shows: a made-up set, or the points drawn on it.
    if (ImGui::BeginCombo("data", ps.drawn ? "drawn" : kinds[ps.dataset])) {
      for (int k = 0; k < 4; ++k)
        if (ImGui::Selectable(kinds[k], !ps.drawn && k == ps.dataset)) {
          ps.dataset = k;
          ps.csv.clear(), ps.drawn = false, restart = true;
        }
      ImGui::EndCombo();
    }
    SameLineIfFits(LabelledWidth(fs * 9, "or CSV file"));
    ImGui::SetNextItemWidth(fs * 9);
    if (ImGui::InputText("or CSV file", &ps.csv, ImGuiInputTextFlags_EnterReturnsTrue)) ps.drawn = false, restart = true;
    app.mark("playground.csv");
    SameLineIfFits(LabelledWidth(fs * 5, "test share"));
    ImGui::SetNextItemWidth(fs * 5);
    if (SliderFloatClear("test share", &ps.test_share, 0.1f, 0.5f, "%.2f")) restart = true;
    // The network's inputs, computed from each point (TensorFlow Playground's features).
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("inputs");
    for (int f = 0; f < 7; ++f) {
      SameLineIfFits(CheckboxWidth(kPlaygroundFeatures[f]));
      bool on = (ps.features >> f) & 1;
      if (ImGui::Checkbox(kPlaygroundFeatures[f], &on) && (on || feature_count(ps.features) > 1)) {
        ps.features ^= 1u << f;
        restart = true;
      }
      app.mark((std::string("playground.feature.") + kPlaygroundFeatures[f]).c_str());
    }
    SameLineIfFits(ButtonWidth("Clear points"));
    if (ImGui::Button("Clear points") && ps.pg && ps.pg->train().x.rows() == 2) {
      ps.pg->clear_points();
      ps.drawn = true;
      ps.losses.clear(), ps.test_losses.clear(), ps.xs.clear();
    }
    app.mark("playground.clear");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("An empty board to draw on: click for a red point, right-click for a blue one");
    SameLineIfFits(ButtonWidth("Save points"));
    if (ImGui::Button("Save points") && ps.pg && ps.pg->train().x.rows() == 2) {
      const std::string path = fresh_path("points", ".csv");
      try {
        write_file_atomic(path, points_csv(ps.pg->train(), ps.pg->test()), "playground");
        app.say("Saved the " + std::to_string(ps.pg->train().count() + ps.pg->test().count()) + " points to " + path +
                " (type it into \"or CSV file\" to load them)");
      } catch (const std::exception& e) {
        app.say(std::string("Could not save the points: ") + e.what(), true);
      }
    }
    app.mark("playground.save");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every point as x,y,label rows, into %s", data_home().c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextAtSpaces("Draw on the board: click adds a red point, right-click (or Shift+click) a blue one; drag moves a "
                 "point, Ctrl+click erases it. Training goes on as you draw.");
    ImGui::PopStyleColor();
  }
  ImGui::SetNextItemWidth(fs * 5);
  if (ImGui::InputText("hidden", &ps.hidden, ImGuiInputTextFlags_EnterReturnsTrue)) restart = true;
  app.mark("playground.hidden");
  const auto& acts = kPlaygroundActivations;
  int ai = 0;
  for (int i = 0; i < 4; ++i)
    if (ps.activation == acts[i]) ai = i;
  const float act_w = ComboWidth(acts, 4);
  SameLineIfFits(act_w);
  ImGui::SetNextItemWidth(act_w);
  if (ImGui::Combo("##act", &ai, acts, 4)) ps.activation = acts[ai], restart = true;
  SameLineIfFits(CheckboxWidth("biases"));
  if (ImGui::Checkbox("biases", &ps.bias)) restart = true;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Without biases every ReLU unit bends at x = 0: the net can only draw two lines through the origin.");
  SameLineIfFits(LabelledWidth(fs * 5, "noise"));
  ImGui::SetNextItemWidth(fs * 5);
  if (SliderFloatClear("noise", &ps.noise, 0.f, 1.f, "%.2f")) ps.drawn = false, restart = true;
  const float lr_w = std::max(fs * 5, ImGui::CalcTextSize("0.0000").x + ImGui::GetStyle().FramePadding.x * 2 + 2);
  SameLineIfFits(LabelledWidth(lr_w, "lr"));
  ImGui::SetNextItemWidth(lr_w);
  ImGui::DragFloat("lr", &ps.lr, 0.0005f, 1e-4f, 0.5f, "%.4f", ImGuiSliderFlags_Logarithmic);
  SameLineIfFits(ButtonWidth(ps.running ? "Pause" : "Train"));
  if (ImGui::Button(ps.running ? "Pause" : "Train")) ps.running = !ps.running;
  app.mark("playground.train");
  SameLineIfFits(ButtonWidth("Restart"));
  if (ImGui::Button("Restart")) restart = true;
  if (ps.mode == 0) {
    SameLineIfFits(CheckboxWidth("units"));
    ImGui::Checkbox("units", &ps.show_units);
  }
  if (restart) Restart(app, ps);
  if (ps.csv_loading.valid()) {
    if (ps.csv_loading.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ImGui::TextDisabled("Reading %s ...", ps.csv.c_str());
      ImGui::End();
      return;
    }
    try {
      Restart(app, ps, ps.csv_loading.get());
    } catch (const std::exception& e) {
      ps.pg.reset();
      ps.error = e.what();
    }
  }
  if (!ps.notice.empty()) ImGui::TextDisabled("%s", ps.notice.c_str());
  if (!ps.error.empty()) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", ps.error.c_str());
    ImGui::End();
    return;
  }
  if (!ps.pg) {
    ImGui::End();
    return;
  }
  Playground& pg = *ps.pg;
  OptConfig o;
  o.kind = OptKind::Adam;
  o.lr = ps.lr;
  pg.set_optimizer(o);
  if (ps.running || ps.steps_to_do > 0) {
    for (int k = 0; k < 25; ++k) pg.step(kPlaygroundBatch);  // 25 mini-batches a frame: about 1,500 a second
    ps.steps_to_do = std::max(0, ps.steps_to_do - 25);
    if (pg.train().count() > 0) {  // a cleared board has nothing to learn or measure
      ps.xs.push_back(float(pg.steps()));
      ps.losses.push_back(float(ps.mode == 0 ? pg.mean_squared_error(pg.train()) : pg.loss(pg.train())));
      ps.test_losses.push_back(float(ps.mode == 0 ? pg.mean_squared_error(pg.test()) : pg.loss(pg.test())));
    }
  }
  // Wrapped at spaces where the view is narrow (never between a number's digits).
  if (ps.mode == 0)
    TextAtSpaces("step %ld   MSE train %.2e, test %.2e", pg.steps(), pg.mean_squared_error(pg.train()),
                 pg.mean_squared_error(pg.test()));
  else
    TextAtSpaces("step %ld   accuracy train %.1f%%, test %.1f%%", pg.steps(), pg.accuracy(pg.train()) * 100,
                 pg.accuracy(pg.test()) * 100);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The loss curves below keep at least 8 lines' height (a narrow view's wrapped controls leave
  // less: the view scrolls rather than squeeze the plots' labels together).
  const float main_h = std::max(fs * 6, std::min(avail.y * 0.7f, avail.y - fs * 8));
  const float side = std::min(avail.x * 0.62f, main_h);  // room beside it for the unit thumbnails
  const ImVec2 main_size = ps.mode == 0 ? ImVec2{avail.x, main_h} : ImVec2{side, side};
  if (ps.mode == 0) Regression(ps, main_size, app.report);
  else Classification(app, ps, main_size);
  std::vector<PlotSeries> curves;
  curves.push_back({ps.mode == 0 ? "train MSE" : "train loss", ps.xs.data(), ps.losses.data(), int(ps.xs.size()),
                    IM_COL32(250, 160, 60, 255), 1.8f, false, nullptr});
  curves.push_back({ps.mode == 0 ? "test MSE" : "test loss", ps.xs.data(), ps.test_losses.data(), int(ps.xs.size()),
                    IM_COL32(90, 200, 230, 255), 1.8f, false, nullptr});
  PlotAxes ax;
  ax.x_label = "step";
  ax.y_label = ps.mode == 0 ? "mean squared error" : "cross-entropy loss";
  ax.y_from_zero = true;
  ps.loss_plot.log_y = true;
  DrawPlot("playground curves", ps.loss_plot, {-1, std::max(fs * 8, ImGui::GetContentRegionAvail().y)}, curves, {}, ax);
  ImGui::End();
}

}  // namespace nnviz::gui
