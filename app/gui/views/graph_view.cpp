// The network graph, as TensorFlow Playground draws a network: a column of nodes per layer with
// units, each node a small picture of what it computes, and links coloured by the sign of their
// weight (blue positive, orange negative) and thickened by its size.
//
//   pictures  the input: the probe image (the playground: each input feature over the plane);
//             a first dense layer on an image: each unit's weights as a tile shaped like the image;
//             a convolution: each filter's map on the probe; other dense units: their activation
//             on the probe as a coloured value; the output: the class probabilities. For the
//             playground every node shows its output over the plane.
//   size      a wide layer shows its strongest units by the norm of their incoming weights, or,
//             with "all units", every one in a column that scrolls; each unit its strongest links.
//   hover     a link reads its weight (a group of weights, such as a kernel, its norm); a node its
//             bias, norm and value.
//   click     a link between two dense layers opens its weight for editing; a node freezes or thaws
//             the unit (its weights and bias stay as they are while the rest trains on).
#include "views/graph_view.h"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "labs/playground.h"
#include "views/inside.h"
#include "views/playground_view.h"
#include "widgets/controls.h"

namespace nnviz::gui {

namespace {

constexpr int kPlaneSide = 24;  // the playground's pictures: outputs on a 24 x 24 grid of the board
constexpr double kRefresh = 0.1;

ImU32 WeightColour(float v, float strength) {
  const int a = int(50 + 205 * std::clamp(strength, 0.f, 1.f));
  return v >= 0 ? IM_COL32(80, 150, 245, a) : IM_COL32(245, 150, 60, a);
}

// `s` shortened with ".." to fit `width` pixels (at least its first character).
std::string Fit(std::string s, float width) {
  while (s.size() > 1 && ImGui::CalcTextSize(s.c_str()).x > width) s = s.substr(0, s.size() > 3 ? s.size() - 3 : 1) + "..";
  return s;
}

double SegmentDistance(ImVec2 p, ImVec2 a, ImVec2 b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
  return std::sqrt(ex * ex + ey * ey);
}

// The network shown, and whether it is the playground's.
Network* ShownNetwork(App& app, GraphState& gs, Playground** pg) {
  *pg = nullptr;
  if (gs.source == 1) {
    PlaygroundState& ps = app.views.state<PlaygroundState>();
    if (!ps.pg) return nullptr;
    *pg = ps.pg.get();
    return &ps.pg->net();
  }
  if (!app.run) return nullptr;
  const std::string key = app.setup_of_run.describe() + "|" + app.setup_of_run.input.str();
  if (!gs.net || gs.net_key != key) {
    try {
      gs.net = std::make_unique<Network>(app.setup_of_run);
    } catch (const std::exception& e) {
      gs.net.reset();
      gs.problem = e.what();
      return nullptr;
    }
    gs.net_key = key;
    gs.dirty = true;
  }
  return gs.net.get();
}

// One picture per shown node of a column into its texture: `at(i, r, c)` is node i's value at row
// r, column c of an h x w picture, already scaled to the colormap's range.
template <class F>
void StackPictures(GraphState& gs, size_t k, int n, int h, int w, Colormap map, F at) {
  if (gs.pictures.size() <= k) gs.pictures.resize(k + 1);
  if (!gs.pictures[k]) gs.pictures[k] = std::make_unique<Heatmap>();
  const int H = n * (h + 1) - 1;
  std::vector<float> img(size_t(std::max(1, H)) * size_t(w), NAN);
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) img[size_t((i * (h + 1) + r) * w + c)] = at(i, r, c);
  gs.pictures[k]->update(img.data(), w, std::max(1, H), map);
  gs.picture_h[k] = h;
}

// The same in colour: `at(i, r, c)` gives node i's red, green and blue in [0, 1] (gaps in the
// window's background).
template <class F>
void StackPicturesRgb(GraphState& gs, size_t k, int n, int h, int w, F at) {
  if (gs.pictures.size() <= k) gs.pictures.resize(k + 1);
  if (!gs.pictures[k]) gs.pictures[k] = std::make_unique<Heatmap>();
  const int H = std::max(1, n * (h + 1) - 1);
  std::vector<uint8_t> img = BackgroundRgba(w, H);
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) {
        const std::array<float, 3> v = at(i, r, c);
        uint8_t* d = img.data() + size_t((i * (h + 1) + r) * w + c) * 4;
        for (int ch = 0; ch < 3; ++ch) d[ch] = uint8_t(std::lround(std::clamp(v[size_t(ch)], 0.f, 1.f) * 255));
        d[3] = 255;
      }
  gs.pictures[k]->update_rgba(img.data(), w, H);
  gs.picture_h[k] = h;
}

// Builds the graph of the shown weights and every column's pictures or values. Frozen units are
// always drawn (a frozen unit falls behind the others' growing norms).
void Rebuild(App& app, GraphState& gs, Network& net, Playground* pg, const std::vector<Mat>& values,
             const std::vector<std::pair<int, int>>& frozen) {
  gs.columns = graph_columns(net, &gs.problem);
  if (gs.columns.empty()) return;
  gs.graph = make_graph(gs.columns, values, gs.all_units ? 0 : gs.max_shown, gs.per_node, frozen);
  const size_t K = gs.graph.columns.size();
  gs.picture_h.assign(K, 0);
  gs.values.assign(K, {});
  gs.value_scale.assign(K, 1.f);
  if (pg) {
    // Every node's output over the board (the 1-D playground: over x, as a strip).
    const bool plane = pg->train().x.rows() == 2;
    const double r = app.views.state<PlaygroundState>().board_r;
    const int side = kPlaneSide, n = plane ? side * side : side;
    Mat raw(plane ? 2 : 1, n);
    for (int i = 0; i < n; ++i) {
      if (plane) {
        raw(0, i) = Scalar(-r + 2 * r * (i % side + 0.5) / side);
        raw(1, i) = Scalar(r - 2 * r * (i / side + 0.5) / side);  // the top row is the board's top
      } else {
        raw(0, i) = Scalar(-5 + 10.0 * (i + 0.5) / side);
      }
    }
    const Mat in = pg->inputs(raw);
    std::vector<Mat> acts = pg->activations(raw);
    const bool classifier = net.is_classifier();
    if (classifier) {  // the output's softmax
      Mat& o = acts.back();
      for (long j = 0; j < o.cols(); ++j) {
        const Scalar m = o.col(j).maxCoeff();
        o.col(j) = (o.col(j).array() - m).exp();
        o.col(j) /= o.col(j).sum();
      }
    }
    for (size_t k = 0; k < K; ++k) {
      const GraphColumn& c = gs.graph.columns[k];
      const Mat& m = k == 0 ? in : acts[size_t(c.shows)];
      const bool probs = classifier && k + 1 == K;
      double scale = probs ? 1 : 1e-9;
      if (!probs)
        for (int u : c.shown) scale = std::max(scale, double(m.row(u).cwiseAbs().maxCoeff()));
      const int h = plane ? side : 1;
      // Probabilities as 2p - 1: the colours of the board's classes where the network is sure.
      StackPictures(gs, k, int(c.shown.size()), h, side, Colormap::Diverging, [&](int i, int row, int col) {
        const double v = m(c.shown[size_t(i)], row * side + col);
        return float(probs ? 2 * v - 1 : v / scale);
      });
    }
    return;
  }
  const auto probe = app.shown_probe();
  // Colour pictures: the input's three nodes are its red, green and blue planes, drawn in their
  // colours, and a first dense layer's units show their weights on all three as one colour tile.
  const GraphColumn& input = gs.graph.columns[0];
  const bool colour = app.data && app.data->channels == 3 && input.count == 3 && input.node.h > 1;
  for (size_t k = 0; k < K; ++k) {
    const GraphColumn& c = gs.graph.columns[k];
    const int n = int(c.shown.size());
    const bool first_on_image = k == 1 && !c.conv && gs.graph.columns[0].node.h * gs.graph.columns[0].node.w == c.group &&
                                c.group > 1;
    if (first_on_image && colour && values[size_t(c.weight)].rows() >= 3L * c.group) {
      const Mat& W = values[size_t(c.weight)];
      const int h = input.node.h, w = input.node.w, plane = c.group;
      std::vector<float> unit_max(size_t(n), 1e-12f);
      for (int i = 0; i < n; ++i)
        unit_max[size_t(i)] = std::max(1e-12f, float(W.col(c.shown[size_t(i)]).head(3L * plane).cwiseAbs().maxCoeff()));
      StackPicturesRgb(gs, k, n, h, w, [&](int i, int r, int col) {
        std::array<float, 3> v;
        for (int ch = 0; ch < 3; ++ch)
          v[size_t(ch)] = 0.5f + 0.5f * float(W(ch * plane + r * w + col, c.shown[size_t(i)])) / unit_max[size_t(i)];
        return v;
      });
      continue;
    }
    if (first_on_image) {  // each unit's weights over the image, scaled unit by unit
      const Mat& W = values[size_t(c.weight)];
      const int h = gs.graph.columns[0].node.h, w = gs.graph.columns[0].node.w;
      std::vector<float> unit_max(size_t(n), 1e-12f);
      for (int i = 0; i < n; ++i)
        unit_max[size_t(i)] = std::max(1e-12f, float(W.col(c.shown[size_t(i)]).head(c.group).cwiseAbs().maxCoeff()));
      StackPictures(gs, k, n, h, w, Colormap::Diverging, [&](int i, int r, int col) {
        return float(W(r * w + col, c.shown[size_t(i)])) / unit_max[size_t(i)];
      });
      continue;
    }
    if (!probe) continue;
    const size_t a = size_t(c.shows + 1);
    if (a >= probe->acts.size()) continue;
    const Mat& act = probe->acts[a];
    const int map = c.node.h * c.node.w;
    if (map > 1 && act.size() >= long(c.count) * map) {  // a map per node: the input's channels, a filter's output
      const bool image = k == 0;
      float lo = 1e30f, hi = -1e30f;
      for (int u : c.shown)
        for (int j = 0; j < map; ++j) {
          const float v = float(act(long(u) * map + j, 0));
          lo = std::min(lo, v), hi = std::max(hi, v);
        }
      // Maps that are never negative (after a ReLU) from dark to bright, others around white.
      const float scale = std::max({std::fabs(lo), std::fabs(hi), 1e-9f});
      if (image && colour) {  // each plane in its own colour
        StackPicturesRgb(gs, k, n, c.node.h, c.node.w, [&](int i, int r, int col) {
          const int ch = c.shown[size_t(i)];
          const float t = (float(act(long(ch) * map + r * c.node.w + col, 0)) - lo) / std::max(1e-9f, hi - lo);
          return std::array<float, 3>{ch == 0 ? t : 0.f, ch == 1 ? t : 0.f, ch == 2 ? t : 0.f};
        });
        continue;
      }
      const Colormap cm = image ? Colormap::Gray : lo >= 0 ? Colormap::Sequential : Colormap::Diverging;
      StackPictures(gs, k, n, c.node.h, c.node.w, cm, [&](int i, int r, int col) {
        const float v = float(act(long(c.shown[size_t(i)]) * map + r * c.node.w + col, 0));
        return image ? (v - lo) / std::max(1e-9f, hi - lo) : v / scale;
      });
      continue;
    }
    // A value a node: the unit's activation (the output: its class probability).
    const bool probs = k + 1 == K && probe->probs.size() == long(c.count);
    std::vector<float>& v = gs.values[k];
    float scale = 1e-9f;
    for (int u : c.shown) {
      const float x = probs ? float(probe->probs[u]) : u < act.rows() ? float(act(u, 0)) : 0.f;
      v.push_back(x);
      scale = std::max(scale, std::fabs(x));
    }
    gs.value_scale[k] = probs ? 1.f : scale;
  }
}

std::string ColumnName(const GraphColumn& c, size_t k, size_t K) {
  if (k == 0) return "input";
  if (k + 1 == K) return "output";
  return std::string(c.conv ? "filter" : "unit");
}

std::string NodeName(const NetGraph& g, int column, int node, const std::vector<std::string>* classes) {
  const size_t K = g.columns.size();
  const GraphColumn& c = g.columns[size_t(column)];
  char buf[96];
  if (column == 0) {
    if (c.node.h * c.node.w > 1) std::snprintf(buf, sizeof buf, "input channel %d", node);
    else std::snprintf(buf, sizeof buf, "input %d", node);
  } else if (size_t(column) + 1 == K && classes && node < int(classes->size())) {
    std::snprintf(buf, sizeof buf, "output %d (class %s)", node, (*classes)[size_t(node)].c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%s %d of layer %d", ColumnName(c, size_t(column), K).c_str(), node, c.layer);
  }
  return buf;
}

bool IsFrozen(const std::vector<std::pair<int, int>>& frozen, int layer, int unit) {
  return std::find(frozen.begin(), frozen.end(), std::make_pair(layer, unit)) != frozen.end();
}

}  // namespace

void GraphState::save_settings(json::Value& s) const {
  s.set("source", static_cast<long long>(source));
  s.set("max_shown", static_cast<long long>(max_shown));
  s.set("all_units", all_units);
  s.set("per_node", static_cast<long long>(per_node));
}

void GraphState::load_settings(const json::Value& s) {
  source = std::clamp(s.get_int("source", source), 0, 1);
  max_shown = std::clamp(s.get_int("max_shown", max_shown), 4, 64);
  all_units = s.get_bool("all_units", all_units);
  per_node = std::clamp(s.get_int("per_node", per_node), 1, 32);
}

void GraphState::new_run() {
  net.reset();
  net_key.clear();
  dirty = true;
  hover = menu = {};
  last_action.clear();
}

void DrawGraph(App& app, bool* open) {
  if (!ImGui::Begin("Network graph", open)) {
    ImGui::End();
    return;
  }
  GraphState& gs = app.views.state<GraphState>();
  const float fs = ImGui::GetFontSize();
  const char* sources[] = {"the training run", "the playground"};
  ImGui::SetNextItemWidth(FieldWidth(fs * 10, "network"));
  if (ImGui::Combo("network", &gs.source, sources, 2)) gs.dirty = true, gs.hover = gs.menu = {};
  app.mark("graph.source");
  SameLineIfFits(CheckboxWidth("all units"));
  if (ImGui::Checkbox("all units", &gs.all_units)) gs.dirty = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every unit of a wide layer, in a column that scrolls; off: its strongest");
  if (!gs.all_units) {
    SameLineIfFits(LabelledWidth(fs * 6, "units a layer"));
    ImGui::SetNextItemWidth(FieldWidth(fs * 6, "units a layer"));
    if (SliderIntClear("units a layer", &gs.max_shown, 4, 64, "%d", ImGuiSliderFlags_AlwaysClamp)) gs.dirty = true;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("A wider layer shows this many of its units: those with the largest incoming weights (L2 norm)");
  }
  SameLineIfFits(LabelledWidth(fs * 6, "links a unit"));
  ImGui::SetNextItemWidth(FieldWidth(fs * 6, "links a unit"));
  if (SliderIntClear("links a unit", &gs.per_node, 1, 32, "%d", ImGuiSliderFlags_AlwaysClamp)) gs.dirty = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Each unit's strongest incoming links are drawn");

  Playground* pg = nullptr;
  Network* net = ShownNetwork(app, gs, &pg);
  if (!net) {
    ImGui::TextDisabled(gs.source == 1 ? "The playground has no network yet: open the Playground view." : "No run yet.");
    ImGui::End();
    return;
  }
  // The values shown: the run's weights (or the timeline's), or the playground's own.
  std::vector<Mat> pg_values;
  std::shared_ptr<const WeightsView> w;
  const void* key_w = nullptr;
  const void* key_p = nullptr;
  long step = -1;
  if (pg) {
    for (const NamedParam& p : pg->net().params()) pg_values.push_back(*p.p.value);
    step = pg->steps();
    key_w = pg;
  } else {
    w = app.shown_weights();
    if (!w || w->values.empty()) {
      ImGui::TextDisabled("No weights yet.");
      ImGui::End();
      return;
    }
    key_w = w.get();
    key_p = app.shown_probe().get();
    step = w->step;
  }
  const std::vector<Mat>& values = pg ? pg_values : w->values;
  const double now = ImGui::GetTime();
  const std::vector<std::pair<int, int>> frozen_now = pg ? pg->frozen().list() : app.snap.frozen;  // once a frame
  const bool changed = key_w != gs.built_weights || key_p != gs.built_probe || step != gs.built_step || frozen_now != gs.built_frozen;
  if (gs.dirty || (changed && now - gs.built_at >= kRefresh)) {
    Rebuild(app, gs, *net, pg, values, frozen_now);
    gs.built_weights = key_w, gs.built_probe = key_p, gs.built_step = step, gs.built_frozen = frozen_now;
    gs.built_at = now;
    gs.dirty = false;
  } else if (changed) {
    app.redraw_by(gs.built_at + kRefresh);  // at most ten rebuilds a second: one then, even when idle
  }
  if (gs.columns.empty()) {
    ImGui::TextWrapped("%s", gs.problem.empty() ? "This network has no layer to draw." : gs.problem.c_str());
    ImGui::End();
    return;
  }
  const NetGraph& g = gs.graph;
  const size_t K = g.columns.size();
  const std::vector<std::string>* classes = !pg && app.data ? &app.data->class_names() : nullptr;
  const bool editable = pg || !app.timeline.scrubbed();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  TextAtSpaces("step %ld%s  -  blue +, orange -, thicker = larger;  click a link to edit its weight, a unit to freeze it%s",
               step, app.timeline.scrubbed() && !pg ? " (timeline)" : "", editable ? "" : " (live only)");
  ImGui::PopStyleColor();

  // The canvas: the columns side by side; nodes as large as the fullest column allows.
  size_t most = 1;
  for (const GraphColumn& c : g.columns) most = std::max(most, c.shown.size());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float title_h = fs * 3.6f;
  float node = std::min({fs * 3.6f, avail.x / float(K) * 0.42f, (avail.y - title_h - fs) / (float(most) * 1.2f)});
  const bool scroll = node < fs * 1.1f;
  if (scroll) node = std::max(fs * 1.1f, std::min(fs * 3.6f, avail.x / float(K) * 0.42f) * 0.5f);
  const float canvas_w = avail.x - (scroll ? ImGui::GetStyle().ScrollbarSize : 0.f);
  const float col_w = canvas_w / float(K);
  node = std::min(node, col_w * 0.42f);
  const float pitch = node * 1.2f;
  const float content_h = std::max(avail.y, title_h + float(most) * pitch + fs);
  ImGui::BeginChild("graph_canvas", avail, false, scroll ? 0 : ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("graph_area", {canvas_w, content_h});
  const bool area_hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  app.report.region("graph", PlotRect{o, {o.x + avail.x, o.y + avail.y}});

  // Node positions (top-left corners), column by column in shown order.
  auto node_pos = [&](size_t k, size_t i) {
    const float x = o.x + col_w * (float(k) + 0.5f) - node * 0.5f;
    const float block = float(g.columns[k].shown.size()) * pitch;
    const float y0 = o.y + title_h + std::max(0.f, (content_h - title_h - fs - block) * 0.5f);
    return ImVec2{x, y0 + float(i) * pitch + (pitch - node) * 0.5f};
  };
  std::vector<std::vector<int>> place(K);  // node number -> index in shown (-1 when not shown)
  for (size_t k = 0; k < K; ++k) {
    place[k].assign(size_t(g.columns[k].count), -1);
    for (size_t i = 0; i < g.columns[k].shown.size(); ++i) place[k][size_t(g.columns[k].shown[i])] = int(i);
  }
  auto link_ends = [&](const GraphLink& l, ImVec2& a, ImVec2& b) {
    const size_t k = size_t(l.column);
    const int i = place[k - 1][size_t(l.from)], j = place[k][size_t(l.to)];
    if (i < 0 || j < 0) return false;
    a = node_pos(k - 1, size_t(i)), b = node_pos(k, size_t(j));
    a.x += node, a.y += node * 0.5f, b.y += node * 0.5f;
    return true;
  };

  // What the mouse is on: a node first, else the nearest link within a few pixels.
  const ImVec2 mouse = ImGui::GetMousePos();
  GraphPick hover;
  if (area_hovered) {
    for (size_t k = 0; k < K && !hover.is_node(); ++k)
      for (size_t i = 0; i < g.columns[k].shown.size(); ++i) {
        const ImVec2 p = node_pos(k, i);
        if (mouse.x >= p.x && mouse.x < p.x + node && mouse.y >= p.y && mouse.y < p.y + node) {
          hover.column = int(k), hover.node = g.columns[k].shown[i];
          break;
        }
      }
    if (!hover.is_node()) {
      double best = fs * 0.35;
      for (size_t li = 0; li < g.links.size(); ++li) {
        ImVec2 a, b;
        if (!link_ends(g.links[li], a, b)) continue;
        const double d = SegmentDistance(mouse, a, b);
        if (d < best) best = d, hover.link = int(li);
      }
    }
  }
  gs.hover = hover;

  // Links, weakest first so that strong ones lie on top; the hovered one last and bright.
  std::vector<int> order(g.links.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return std::fabs(g.links[size_t(a)].value) < std::fabs(g.links[size_t(b)].value); });
  int links = 0;
  for (int li : order) {
    const GraphLink& l = g.links[size_t(li)];
    ImVec2 a, b;
    if (!link_ends(l, a, b)) continue;
    const float r = std::fabs(l.value) / std::max(1e-12f, g.max_abs[size_t(l.column)]);
    const bool lit = li == hover.link || (hover.is_node() && ((l.column == hover.column && l.to == hover.node) ||
                                                              (l.column == hover.column + 1 && l.from == hover.node)));
    dl->AddLine(a, b, WeightColour(l.value, lit ? 1.f : r), lit ? 1.5f + 3.5f * r + 1.f : 0.6f + 3.4f * r);
    ++links;
  }
  gs.links_drawn = links;

  // Columns: a title, how many are hidden, the nodes.
  int nodes = 0;
  for (size_t k = 0; k < K; ++k) {
    const GraphColumn& c = g.columns[k];
    const float cx = o.x + col_w * (float(k) + 0.5f);
    const std::string more = c.shown.size() < size_t(c.count)
                                 ? std::to_string(c.shown.size()) + " of " + std::to_string(c.count) + " shown"
                                 : std::string();
    auto centred = [&](const std::string& s, float y, ImU32 col) {
      const std::string t = Fit(s, col_w - 4);
      const float tw = ImGui::CalcTextSize(t.c_str()).x;
      dl->AddText({std::clamp(cx - tw * 0.5f, o.x + 2, o.x + canvas_w - tw - 2), y}, col, t.c_str());
    };
    centred(c.title, o.y + 2, ImGui::GetColorU32(ImGuiCol_Text));
    if (!c.after.empty()) centred(c.after, o.y + 2 + fs * 1.1f, ImGui::GetColorU32(ImGuiCol_Text));
    if (!more.empty()) centred(more, o.y + 2 + fs * 2.2f, ImGui::GetColorU32(ImGuiCol_TextDisabled));
    const Heatmap* pic = k < gs.pictures.size() && gs.picture_h[k] > 0 ? gs.pictures[k].get() : nullptr;
    for (size_t i = 0; i < c.shown.size(); ++i) {
      const ImVec2 p = node_pos(k, i), q{p.x + node, p.y + node};
      if (p.y > o.y + content_h || q.y < o.y) continue;
      if (pic) {
        const float H = float(pic->height()), h = float(gs.picture_h[k]);
        const float v0 = float(i) * (h + 1) / H, v1 = (float(i) * (h + 1) + h) / H;
        dl->AddImage(pic->texture(), p, q, {0, v0}, {1, v1});
      } else if (i < gs.values[k].size()) {
        const float v = gs.values[k][i], r = std::fabs(v) / std::max(1e-9f, gs.value_scale[k]);
        dl->AddRectFilled(p, q, IM_COL32(40, 42, 48, 255));
        dl->AddRectFilled({p.x, q.y - node * std::min(1.f, r)}, q, WeightColour(v, 0.35f + 0.65f * r));
        if (node >= fs * 2.2f) {
          char buf[16];
          std::snprintf(buf, sizeof buf, std::fabs(v) < 10 ? "%.2f" : "%.0f", v);
          const ImVec2 ts = ImGui::CalcTextSize(buf);
          dl->AddText({p.x + (node - ts.x) * 0.5f, p.y + (node - ts.y) * 0.5f}, IM_COL32(240, 240, 240, 255), buf);
        }
      } else {
        dl->AddRectFilled(p, q, IM_COL32(60, 62, 70, 255));
      }
      const bool frozen = k > 0 && IsFrozen(frozen_now, c.layer, c.shown[i]);
      const bool lit = hover.column == int(k) && hover.node == c.shown[i];
      dl->AddRect(p, q, frozen ? IM_COL32(90, 230, 240, 255) : lit ? IM_COL32(255, 255, 255, 255) : IM_COL32(110, 110, 120, 255),
                  0, 0, frozen ? 3.f : lit ? 2.f : 1.f);
      if (frozen) {
        const ImVec2 ts = ImGui::CalcTextSize("frozen");
        dl->AddRectFilled({q.x + 2, p.y}, {q.x + 4 + ts.x, p.y + ts.y}, IM_COL32(20, 22, 28, 230));
        dl->AddText({q.x + 3, p.y}, IM_COL32(90, 230, 240, 255), "frozen");
      }
      // Output nodes: the class beside them; the playground's inputs: their feature's name.
      if (k + 1 == K && classes && c.shown[i] < int(classes->size()))
        dl->AddText({q.x + 4, p.y + (node - fs) * 0.5f}, ImGui::GetColorU32(ImGuiCol_Text),
                    Fit((*classes)[size_t(c.shown[i])], o.x + canvas_w - q.x - 6).c_str());
      if (k == 0 && pg && pg->features()) {
        int bit = -1;
        for (int f = 0, seen = -1; f < 7 && bit < 0; ++f)
          if (pg->features() & (1u << f) && ++seen == c.shown[i]) bit = f;
        if (bit >= 0) {
          const std::string name = Fit(kPlaygroundFeatures[bit], p.x - o.x - 6);
          const float tw = ImGui::CalcTextSize(name.c_str()).x;
          dl->AddText({p.x - tw - 4, p.y + (node - fs) * 0.5f}, ImGui::GetColorU32(ImGuiCol_Text), name.c_str());
        }
      }
      ++nodes;
    }
  }
  gs.nodes_drawn = nodes;

  // For the tests: the strongest link into the first output node, and the first hidden unit.
  if (app.report.recording) {
    for (size_t li = 0; li < g.links.size(); ++li) {
      const GraphLink& l = g.links[li];
      if (size_t(l.column) + 1 != K || l.to != g.columns[K - 1].shown.front()) continue;
      ImVec2 a, b;
      if (!link_ends(l, a, b)) break;
      // A point on it a third of the way from its end, clear of the other links' crossings there.
      const ImVec2 m{a.x + (b.x - a.x) * 0.66f, a.y + (b.y - a.y) * 0.66f};
      app.report.marks["graph.link"] = {m.x - 1, m.y - 1, m.x + 1, m.y + 1};
      break;
    }
    if (K > 2) {
      const ImVec2 p = node_pos(1, 0);
      app.report.marks["graph.node"] = {p.x, p.y, p.x + node, p.y + node};
      app.report.number("graph.node_layer", g.columns[1].layer);
      app.report.number("graph.node_unit", g.columns[1].shown.front());
    }
  }

  // Hover: what it is.
  if (hover.is_link()) {
    const GraphLink& l = g.links[size_t(hover.link)];
    const GraphColumn& c = g.columns[size_t(l.column)];
    ImGui::BeginTooltip();
    ImGui::Text("%s  ->  %s", NodeName(g, l.column - 1, l.from, classes).c_str(), NodeName(g, l.column, l.to, classes).c_str());
    if (c.group == 1) {
      ImGui::Text("weight %.4f", double(l.value));
      ImGui::TextDisabled(editable ? "click to edit it" : "the timeline shows the past: go live to edit");
    } else {
      ImGui::Text("%d weights (%s): L2 norm %.4f, their sum %s", c.group,
                  c.conv ? "a kernel" : l.column == 1 ? "over the image" : "over a map", double(std::fabs(l.value)),
                  l.value < 0 ? "negative" : "positive");
      ImGui::TextDisabled("the Weights view and the step-through show them one by one");
    }
    ImGui::EndTooltip();
  } else if (hover.is_node()) {
    const GraphColumn& c = g.columns[size_t(hover.column)];
    const int i = place[size_t(hover.column)][size_t(hover.node)];
    ImGui::BeginTooltip();
    ImGui::Text("%s", NodeName(g, hover.column, hover.node, classes).c_str());
    if (hover.column > 0 && c.weight >= 0 && size_t(c.weight) < values.size()) {
      ImGui::Text("incoming weights: %d, L2 norm %.3f", int(values[size_t(c.weight)].rows()), double(c.norm[size_t(hover.node)]));
      if (c.bias >= 0 && size_t(c.bias) < values.size() && hover.node < values[size_t(c.bias)].rows())
        ImGui::Text("bias %.4f", double(values[size_t(c.bias)](hover.node, 0)));
      if (i >= 0 && size_t(i) < gs.values[size_t(hover.column)].size())
        ImGui::Text("%s %.4f", size_t(hover.column) + 1 == K && !pg ? "probability" : "on the probe",
                    double(gs.values[size_t(hover.column)][size_t(i)]));
      const bool frozen = IsFrozen(frozen_now, c.layer, hover.node);
      ImGui::TextDisabled(frozen ? "frozen: click to let it train again" : "click to freeze it while the rest trains");
    }
    ImGui::EndTooltip();
  }

  // Clicks: a single weight opens its editor, a unit its menu.
  if (clicked && editable) {
    if (hover.is_link() && g.columns[size_t(g.links[size_t(hover.link)].column)].group == 1) {
      gs.editing = g.links[size_t(hover.link)];
      gs.edit_value = gs.editing.value;
      gs.edit_for_playground = pg != nullptr;
      gs.focus_edit = true;
      ImGui::OpenPopup("edit weight");
    } else if (hover.is_node() && hover.column > 0) {
      gs.menu = hover;
      ImGui::OpenPopup("unit");
    }
  }
  auto set_weight = [&](float v) {
    const GraphColumn& c = g.columns[size_t(gs.editing.column)];
    char text[128];
    std::snprintf(text, sizeof text, "set weight %d (%ld, %d) to %g", c.weight, gs.editing.row, gs.editing.to, double(v));
    gs.last_action = text;
    if (pg) {
      try {  // a playground restarted with another network meanwhile
        pg->set_weight(c.weight, gs.editing.row, gs.editing.to, Scalar(v));
      } catch (const std::exception& e) {
        gs.last_action = e.what();
      }
      gs.dirty = true;
    } else if (app.run) {
      app.run->set_weight(c.weight, gs.editing.row, gs.editing.to, double(v));
    }
  };
  if (ImGui::BeginPopup("edit weight")) {
    if (gs.edit_for_playground != (pg != nullptr) || size_t(gs.editing.column) >= K) {
      ImGui::CloseCurrentPopup();
    } else {
      ImGui::Text("%s  ->  %s", NodeName(g, gs.editing.column - 1, gs.editing.from, classes).c_str(),
                  NodeName(g, gs.editing.column, gs.editing.to, classes).c_str());
      ImGui::TextDisabled("now %.4f", double(gs.editing.value));
      if (gs.focus_edit) ImGui::SetKeyboardFocusHere(), gs.focus_edit = false;
      ImGui::SetNextItemWidth(fs * 8);
      const bool enter = ImGui::InputFloat("weight", &gs.edit_value, 0.1f, 1.0f, "%.4f", ImGuiInputTextFlags_EnterReturnsTrue);
      app.mark("graph.edit_value");
      if (ImGui::Button("Set") || enter) {
        if (std::isfinite(gs.edit_value)) set_weight(gs.edit_value);
        ImGui::CloseCurrentPopup();
      }
      app.mark("graph.edit_set");
      ImGui::SameLine();
      if (ImGui::Button("Zero")) set_weight(0.f), ImGui::CloseCurrentPopup();
      ImGui::SameLine();
      if (ImGui::Button("Flip sign")) set_weight(-gs.editing.value), ImGui::CloseCurrentPopup();
      ImGui::SameLine();
      if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopup("unit")) {
    if (!gs.menu.is_node() || size_t(gs.menu.column) >= K) {
      ImGui::CloseCurrentPopup();
    } else {
      const GraphColumn& c = g.columns[size_t(gs.menu.column)];
      ImGui::Text("%s", NodeName(g, gs.menu.column, gs.menu.node, classes).c_str());
      const bool frozen = IsFrozen(frozen_now, c.layer, gs.menu.node);
      if (ImGui::Button(frozen ? "Thaw: let it train again" : "Freeze: keep its weights and bias as they are")) {
        char text[96];
        std::snprintf(text, sizeof text, "%s unit %d of layer %d", frozen ? "thawed" : "froze", gs.menu.node, c.layer);
        gs.last_action = text;
        try {
          if (pg) pg->freeze_unit(c.layer, gs.menu.node, !frozen);
          else if (app.run) app.run->freeze_unit(c.layer, gs.menu.node, !frozen);
        } catch (const std::exception& e) {
          gs.last_action = e.what();
        }
        ImGui::CloseCurrentPopup();
      }
      app.mark("graph.freeze");
    }
    ImGui::EndPopup();
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace nnviz::gui
