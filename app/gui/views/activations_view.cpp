// The activations view: one chosen input (the probe) run through the network as it is now:
// every layer's output (feature maps for image-shaped outputs, a strip of units otherwise) and the
// class probabilities.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "views/activations_view.h"
#include "views/value_explanation.h"
#include "views/weights_view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

// How ShowValues lays out n values: one tile per channel for image-shaped values, a grid of cells
// for a vector (one row when short); given a room (pixels), the grid fills it.
TileLayout ValuesLayout(int n, Shape shape, ImVec2 room) {
  if (shape.h > 1 && shape.size() == n) return MakeTilesToFill(shape.c, shape.h, shape.w, room.x, room.y);
  return n <= 16 ? MakeTiles(n, 1, 1, n) : MakeTilesToFill(n, 1, 1, room.x, room.y);
}

// Renders one sample's values (a column of `m`) into `hm`: tiles per channel when the shape is an
// image, a strip otherwise. Negative values get the diverging map. Returns the scale used.
double ShowValues(Heatmap& hm, const Mat& m, int col, Shape shape, std::vector<float>& buf, ImVec2 room) {
  const int n = int(m.rows());
  const Scalar* v = m.col(col).data();
  double lo = 0, hi = 0;
  for (int i = 0; i < n; ++i) lo = std::min(lo, double(v[i])), hi = std::max(hi, double(v[i]));
  const bool diverging = lo < 0;
  const double s = std::max(1e-12, diverging ? std::max(-lo, hi) : hi);
  const TileLayout t = ValuesLayout(n, shape, room);
  buf.assign(size_t(t.width()) * t.height(), NAN);
  for (int ti = 0; ti < t.n; ++ti)
    for (int r = 0; r < t.th; ++r)
      for (int c = 0; c < t.tw; ++c) buf[t.index(ti, r, c)] = float(v[(ti * t.th + r) * t.tw + c] / s);
  hm.update(buf.data(), t.width(), t.height(), diverging ? Colormap::Diverging : Colormap::Sequential);
  return diverging ? -s : s;
}

void ShowInput(Heatmap& hm, const Mat& m, int col, Shape shape, std::vector<float>& buf) {
  const int n = int(m.rows());
  const Scalar* v = m.col(col).data();
  if (shape.c == 3 && shape.h > 1 && shape.size() == n) {  // a colour picture, in colour
    ShowInputPicture(hm, v, shape.h, shape.w, 3);
    return;
  }
  double lo = 0, hi = 0;
  if (n > 0) lo = hi = v[0];
  for (int i = 0; i < n; ++i) lo = std::min(lo, double(v[i])), hi = std::max(hi, double(v[i]));
  const double span = std::max(1e-12, hi - lo);
  const TileLayout t = ValuesLayout(n, shape, {0, 0});
  buf.assign(size_t(t.width()) * t.height(), NAN);
  for (int ti = 0; ti < t.n; ++ti)
    for (int r = 0; r < t.th; ++r)
      for (int c = 0; c < t.tw; ++c) buf[t.index(ti, r, c)] = float((v[(ti * t.th + r) * t.tw + c] - lo) / span);
  hm.update(buf.data(), t.width(), t.height(), Colormap::Gray);
}

// Which value of a ShowValues image pixel (x, y) shows; -1 for a gap.
int ValueAt(int x, int y, int n, Shape shape, ImVec2 room) {
  const TileLayout t = ValuesLayout(n, shape, room);
  int ti, r, c;
  if (!t.locate(x, y, ti, r, c)) return -1;
  const int k = (ti * t.th + r) * t.tw + c;
  return k < n ? k : -1;
}

int TopClass(const Vec& probs) {
  int top = 0;
  for (int k = 1; k < int(probs.size()); ++k)
    if (probs[k] > probs[top]) top = k;
  return top;
}

void ProbabilityBars(const Vec& probs, int label, const std::vector<std::string>& names) {
  const int top = TopClass(probs);
  const float w = ImGui::GetContentRegionAvail().x;
  // The names' column as wide as the widest name (digits need one character, clothes more).
  float name_w = 0;
  for (const auto& n : names) name_w = std::max(name_w, ImGui::CalcTextSize(n.c_str()).x);
  name_w = std::min(name_w, ImGui::GetFontSize() * 6) + ImGui::GetStyle().ItemSpacing.x * 2;
  for (int k = 0; k < int(probs.size()); ++k) {
    const char* name = k < int(names.size()) ? names[k].c_str() : "?";
    ImGui::TextUnformatted(name);
    ImGui::SameLine(name_w);
    const ImVec4 col = k == top ? (k == label || label < 0 ? ImVec4(0.35f, 0.82f, 0.47f, 1) : ImVec4(0.95f, 0.45f, 0.35f, 1))
                                : ImVec4(0.35f, 0.5f, 0.75f, 1);
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, col);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%%s", probs[k] * 100.0, k == label ? "  (true)" : "");
    ImGui::ProgressBar(float(probs[k]), {w - name_w, ImGui::GetFontSize() * 1.05f}, buf);
    ImGui::PopStyleColor();
  }
}

void DrawActivations(App& app, bool* open) {
  if (!ImGui::Begin("Activations", open)) {
    ImGui::End();
    return;
  }
  ActivationsState& as = app.views.state<ActivationsState>();
  if (!app.data || !app.run) {
    ImGui::TextDisabled("No run yet.");
    ImGui::End();
    return;
  }
  // The probe: a validation image chosen by index.
  // (In a narrow view the label is shorter; the ID stays the same.)
  const bool roomy = ImGui::GetContentRegionAvail().x >= ImGui::GetFontSize() * 6 + LabelledWidth(0, "validation image");
  const char* probe_label = roomy ? "validation image###probe" : "image###probe";
  ImGui::SetNextItemWidth(FieldWidth(ImGui::GetFontSize() * 8, probe_label));
  int idx = app.probe_index;
  if (ImGui::InputInt(probe_label, &idx) && idx >= 0 && idx < app.data->val.count) app.set_probe(idx);
  app.mark("activations.probe");
  auto p = app.shown_probe();
  if (!p || p->acts.empty()) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    ImGui::End();
    return;
  }
  const double now = ImGui::GetTime();
  // Each layer's maps grow with the view (a third of its height, up to 24 lines): 64 channels
  // kept to 7 lines were specks on a large screen. Their grids are laid out to fill that room.
  const float map_h = std::clamp(ImGui::GetWindowHeight() * 0.3f, ImGui::GetFontSize() * 7, ImGui::GetFontSize() * 24);
  const ImVec2 room{std::floor(ImGui::GetContentRegionAvail().x), std::floor(map_h)};
  const bool resized = std::fabs(room.x - as.room.x) >= 1 || std::fabs(room.y - as.room.y) >= 1;
  const bool refresh = p->step != as.step || as.maps.size() != p->acts.size() || now - as.updated > 10 || resized;
  if (resized) as.room = room;
  if (refresh && (resized || now - as.updated >= 0.1)) {
    as.maps.resize(p->acts.size());
    as.scales.resize(p->acts.size());
    for (size_t i = 0; i < p->acts.size(); ++i) {
      if (!as.maps[i]) as.maps[i] = std::make_unique<Heatmap>();
      const Shape s = i == 0 ? app.in_shapes.empty() ? Shape{} : app.in_shapes[0] : app.out_shapes[i - 1];
      if (i == 0) ShowInput(*as.maps[i], p->acts[i], 0, s, as.buf);
      else as.scales[i] = ShowValues(*as.maps[i], p->acts[i], 0, s, as.buf, as.room);
    }
    as.step = p->step;
    as.updated = now - as.updated < 0.2 ? std::min(now, as.updated + 0.1) : now;  // a 0.1 s grid: 10 per second
  } else if (refresh) {
    app.redraw_by(as.updated + 0.1);  // new values wait for the rate limit: a frame then, even when idle
  }
  const float fs = ImGui::GetFontSize();
  ImGui::BeginGroup();
  int hx, hy;
  HeatmapImage(*as.maps[0], fs * 9, fs * 9, &hx, &hy);
  // Where the input came from and its true label; a drawing has none (the bars then mark no
  // answer as right or wrong).
  const ImVec4 dim = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
  TextElided(dim, app.probe_source, fs * 9);
  TextElided(dim, p->label >= 0 ? "label " + app.data->class_names()[p->label] : std::string("no label"), fs * 9);
  ImGui::EndGroup();
  // Beside the input when the bars get room for their names and labels, else below it.
  SameLineIfFits(fs * 16);
  ImGui::BeginGroup();
  if (app.timeline.weights) ImGui::TextColored({0.95f, 0.8f, 0.35f, 1}, "Prediction at step %ld (timeline)", p->step);
  else ImGui::Text("Prediction at step %ld", p->step);
  if (p->probs.size() > 0) ProbabilityBars(p->probs, p->label, app.data->class_names());
  ImGui::EndGroup();
  ImGui::Separator();

  const auto& layers = app.setup_of_run.layers;
  for (size_t i = 1; i < p->acts.size() && i - 1 < layers.size(); ++i) {
    ImGui::PushID(int(i));
    const double s = as.scales[i];
    ImGui::Text("%zu  %s", i, layers[i - 1].describe().c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s, %s %.3g", app.out_shapes[i - 1].str().c_str(), s < 0 ? "|max|" : "max", std::fabs(s));
    const Heatmap& hm = *as.maps[i];
    const bool clicked = HeatmapImage(hm, as.room.x, as.room.y, &hx, &hy);
    app.mark(("activations.map." + std::to_string(i)).c_str());
    // The output layer, one value a class in a row: each class's name under its cell.
    const int classes = int(app.data->class_names().size());
    if (i + 1 == p->acts.size() && p->acts[i].rows() == classes && hm.height() == 1) {
      const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
      const float cell = (b.x - a.x) / float(hm.width());
      ImDrawList* dl = ImGui::GetWindowDrawList();
      bool fits = true;
      for (int k = 0; k < classes && fits; ++k)
        fits = ImGui::CalcTextSize(app.data->class_names()[size_t(k)].c_str()).x <= cell * 2 - 2;
      for (int k = 0; k < classes && fits; ++k) {
        const char* name = app.data->class_names()[size_t(k)].c_str();
        const float x = a.x + (float(k * 2) + 0.5f) * cell - ImGui::CalcTextSize(name).x / 2;  // cell k is pixel 2k
        dl->AddText({std::max(a.x, x), b.y + 1}, ImGui::GetColorU32(ImGuiCol_TextDisabled), name);
      }
      if (fits) ImGui::Dummy({b.x - a.x, fs + 2});
    }
    // The weights that make this layer's values: the nearest weight tensor at or before it.
    int param = -1;
    const auto w = app.snap.weights;
    for (int k = int(i) - 1; w && k >= 0 && param < 0; --k) param = ParamIndex(w.get(), k, "weight");
    if (hx >= 0) {
      const Mat& a = p->acts[i];
      const Shape os = app.out_shapes[i - 1];
      const int unit = ValueAt(hx, hy, int(a.rows()), os, as.room);
      if (unit >= 0) {
        // A conv layer's value belongs to a channel (one filter); a dense layer's to its unit.
        const int channel = os.h > 1 ? unit / std::max(1, os.h * os.w) : unit;
        if (param >= 0 && channel < w->values[size_t(param)].cols())
          ImGui::SetTooltip("%s %d: %.5g\nclick: %sselect its weights (%s, %s %d)", os.h > 1 ? "value" : "unit", unit,
                            double(a(unit, 0)),
                            layers[i - 1].type == "conv2d"                     ? "see how it is computed, and "
                            : layers[i - 1].type == "maxpool2d"                ? "see which input won, and "
                            : i + 1 == p->acts.size() && p->probs.size() > 0 ? "see its softmax, and "
                                                                               : "",
                            w->names[size_t(param)].c_str(), os.h > 1 ? "filter" : "unit", channel);
        else
          ImGui::SetTooltip(layers[i - 1].type == "maxpool2d" ? "value %d: %.5g\nclick: see which input won" : "unit %d: %.5g",
                            unit, double(a(unit, 0)));
        // A convolution's or max pool's value: how it was computed, in a window of its own.
        const std::string& type = layers[i - 1].type;
        const bool output = i + 1 == p->acts.size() && p->probs.size() > 0;  // a classifier's logits
        if (clicked && (type == "conv2d" || type == "maxpool2d" || output)) {
          as.explain.pick_layer = int(i) - 1, as.explain.pick_unit = unit, as.explain.pick_open = true;
        }
        if (clicked && param >= 0 && channel < w->values[size_t(param)].cols()) {
          app.sel_param = param;
          app.sel_index = channel * int(w->values[size_t(param)].rows());
          app.views.state<WeightsState>().param = param;
          app.views.state<WeightsState>().dirty = true;
          app.say("Selected " + w->names[size_t(param)] + (os.h > 1 ? " filter " : " unit ") + std::to_string(channel) +
                  ": the weights view shows the tensor, the step-through its first incoming weight");
        }
      }
    }
    ColourBar(s < 0 ? Colormap::Diverging : Colormap::Sequential, s < 0 ? s : 0.0, std::fabs(s),
              std::min(ImGui::GetContentRegionAvail().x, fs * 14));
    ImGui::PopID();
  }
  ImGui::End();
  if (as.explain.pick_open) DrawValueExplanation(app, as.explain, *p, app.shown_weights().get());
  else as.explain.pick_layer = -1;
}

}  // namespace nnviz::gui
