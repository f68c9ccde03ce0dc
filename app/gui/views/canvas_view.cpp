// Draw a digit: a canvas, the 28x28 image the network actually sees (MNIST-style preprocessing,
// the same function nnviz-cli predict uses), the probabilities of every class updated while
// drawing, and a saliency overlay (how the top class's log-probability changes with each pixel).
#include <imgui.h>

#include <cfloat>
#include <cstdio>

#include <algorithm>
#include <cmath>

#include "app.h"
#include "data/preprocess.h"
#include "io/model_io.h"
#include "nn/loss.h"
#include "views/canvas_view.h"
#include "widgets/heatmap.h"

#ifndef NNVIZ_ASSETS_DIR
#define NNVIZ_ASSETS_DIR "assets"
#endif

namespace nnviz::gui {

void ProbabilityBars(const Vec& probs, int label, const std::vector<std::string>& names);

// Paints (or erases) a round, anti-aliased line from a to b into the canvas.
void CanvasStroke(CanvasState& c, ImVec2 a, ImVec2 b, float width, bool erase) {
  const float r = width / 2;
  const int x0 = std::max(0, int(std::floor(std::min(a.x, b.x) - r - 1)));
  const int x1 = std::min(c.size - 1, int(std::ceil(std::max(a.x, b.x) + r + 1)));
  const int y0 = std::max(0, int(std::floor(std::min(a.y, b.y) - r - 1)));
  const int y1 = std::min(c.size - 1, int(std::ceil(std::max(a.y, b.y) + r + 1)));
  const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const float px = x + 0.5f - a.x, py = y + 0.5f - a.y;
      const float t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.f, 1.f) : 0.f;
      const float ex = px - t * dx, ey = py - t * dy;
      const float cover = std::clamp(r + 0.5f - std::sqrt(ex * ex + ey * ey), 0.f, 1.f);
      float& v = c.ink[size_t(y) * c.size + x];
      v = erase ? std::min(v, 1 - cover) : std::max(v, cover);
    }
  c.dirty = true;
}

void PushUndo(CanvasState& c) {
  c.undo.push_back(c.ink);
  if (c.undo.size() > CanvasState::kUndoSteps) c.undo.erase(c.undo.begin());
}

namespace {

// The network the canvas asks: the current run's latest weights, or the bundled model.
Network* canvas_network(App& app, CanvasState& c, Normalisation& norm, std::string& source) {
  if (c.use_bundled) {
    if (!c.bundled_tried) {
      c.bundled_tried = true;
      try {
        auto m = nnviz::load_model(std::string(NNVIZ_ASSETS_DIR) + "/mnist-model.safetensors");
        c.bundled = std::make_unique<Network>(std::move(m.net));
        c.bundled_norm = m.meta.norm;
        c.bundled_info = m.net.spec().describe();
      } catch (const std::exception& e) {
        c.bundled_error = e.what();
      }
    }
    if (!c.bundled) return nullptr;
    norm = c.bundled_norm;
    source = "bundled model";
    return c.bundled.get();
  }
  auto w = app.shown_weights();  // the latest, or the timeline's moment
  if (!w || !app.data || app.data_kind != DatasetKind::Mnist) return nullptr;
  if (!c.live || c.live_spec != app.setup_of_run.describe()) {
    c.live = std::make_unique<Network>(app.setup_of_run);
    c.live_spec = app.setup_of_run.describe();
    c.live_weights.reset();
  }
  if (c.live_weights != w) {
    if (!SetNetworkValues(*c.live, *w)) return nullptr;
    c.live_weights = w;
    c.dirty = true;  // new weights: predict again
  }
  norm = app.data->norm;
  source = "current run, step " + std::to_string(w->step) + (app.timeline.weights ? " (timeline)" : "");
  return c.live.get();
}

}  // namespace

void DrawCanvas(App& app, bool* open) {
  if (!ImGui::Begin("Draw a digit", open, ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  CanvasState& c = app.views.state<CanvasState>();
  if (c.ink.empty()) c.ink.assign(size_t(c.size) * c.size, 0.f);
  const float fs = ImGui::GetFontSize();

  // --- tools
  if (ImGui::Button("Clear")) {
    PushUndo(c);
    std::fill(c.ink.begin(), c.ink.end(), 0.f);
    c.dirty = true;
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(c.undo.empty());
  if (ImGui::Button("Undo") && !c.undo.empty()) {
    c.ink = c.undo.back();
    c.undo.pop_back();
    c.dirty = true;
  }
  ImGui::EndDisabled();
  SameLineIfFits(CheckboxWidth("eraser"));
  ImGui::Checkbox("eraser", &c.erase);
  SameLineIfFits(LabelledWidth(fs * 6, "brush"));
  ImGui::SetNextItemWidth(fs * 6);
  SliderFloatClear("brush", &c.brush, 4, 48, "%.0f px");
  SameLineIfFits(CheckboxWidth("saliency"));
  ImGui::Checkbox("saliency", &c.saliency);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Red: more ink here would raise the top class's probability; blue: lower it.");
  ImGui::SetNextItemWidth(fs * 9);
  if (ImGui::BeginCombo("model", c.use_bundled ? "bundled model" : "current run")) {
    for (const bool bundled : {false, true}) {
      if (ImGui::Selectable(bundled ? "bundled model" : "current run", c.use_bundled == bundled)) {
        c.use_bundled = bundled;
        c.dirty = true;
      }
      app.mark(bundled ? "canvas.model.bundled" : "canvas.model.run");
    }
    ImGui::EndCombo();
  }
  app.mark("canvas.model");

  // --- the canvas
  // The canvas leaves the readout beside it the width its bars and notes need; in a view too
  // narrow for both, the readout goes below the canvas.
  // The fold of your own digits below takes its height first.
  ImVec2 avail = ImGui::GetContentRegionAvail();
  avail.y -= MyDigitsHeight(c);
  const float readout_w = std::max(fs * 12, ImGui::CalcTextSize("28x28, as the network sees it").x);
  float side = std::min({avail.x * 0.55f, avail.y - fs, avail.x - readout_w - ImGui::GetStyle().ItemSpacing.x});
  const bool stacked = side < fs * 8;
  if (stacked) side = std::max(fs * 4, std::min(avail.x, avail.y * 0.45f));  // the answer stays in sight below
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  if (c.dirty_texture || c.texture.empty()) {
    c.texture.update(c.ink.data(), c.size, c.size, Colormap::Gray);
    c.dirty_texture = false;
  }
  ImGui::Image(c.texture.texture(), {side, side});
  app.mark("canvas.ink");
  app.report.region("canvas", {p0, {p0.x + side, p0.y + side}});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(p0, {p0.x + side, p0.y + side}, ImGui::GetColorU32(ImGuiCol_Border));
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const float k = c.size / side;
    const ImVec2 pos{(m.x - p0.x) * k, (m.y - p0.y) * k};
    const bool erase = c.erase || ImGui::IsMouseDown(ImGuiMouseButton_Right);
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) || ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
      PushUndo(c);
      c.last = pos;
    }
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left) || ImGui::IsMouseDown(ImGuiMouseButton_Right)) {
      CanvasStroke(c, c.last, pos, c.brush, erase);
      c.last = pos;
    }
    dl->AddCircle(m, c.brush / k / 2, IM_COL32(250, 160, 60, 200));
  }
  if (c.dirty) c.dirty_texture = true;

  // --- what the network sees, and what it says
  if (!stacked) ImGui::SameLine();
  // With the fold of your digits open, the readout keeps to the room above it (scrolling when a
  // small view has too little), so the fold stays where it is whatever the readout shows.
  const bool readout_child = c.mine.open && !stacked;
  if (readout_child) {
    ImGui::BeginChild("canvas.readout", {0, std::max(side, avail.y)}, false);
    dl = ImGui::GetWindowDrawList();  // the answer is drawn in the child: clipped and scrolled with it
  }
  ImGui::BeginGroup();
  Normalisation norm;
  std::string source;
  Network* net = canvas_network(app, c, norm, source);
  const double now = ImGui::GetTime();
  if (c.dirty && now - c.predicted_at < 0.05) app.redraw_by(c.predicted_at + 0.05);  // read it then, even when idle
  if (c.dirty && now - c.predicted_at >= 0.05) {
    c.dirty = false;
    c.predicted_at = now;
    GrayImage g{c.size, c.size, c.ink};
    c.digit = to_mnist(g);
    if (c.digit && net) {
      // Saliency: d log p(top) / d pixel = -dL/dx for the cross-entropy with label `top`.
      const ProbeView p = probe_pass(*net, to_input(*c.digit, norm), kProbeTopClass, 0);
      if (p.probs.size() > 0) {
        c.probs = p.probs;
      } else {  // a model trained with another loss (mse): its outputs, made to sum to 1; no saliency
        Mat probs;
        softmax(p.acts.back(), probs);
        c.probs = probs.col(0);
      }
      if (const Mat& gx = p.grads[0]; gx.size() > 0) {
        const double s = std::max(1e-12, double(gx.cwiseAbs().maxCoeff()));
        std::vector<float> sal(784);
        for (int i = 0; i < 784; ++i) sal[i] = float(-gx(i, 0) / s);
        c.saliency_map.update(sal.data(), 28, 28, Colormap::Diverging);
      }
    }
    if (c.digit) c.preview.update(c.digit->pixels.data(), 28, 28, Colormap::Gray);
  }
  // The preview and the saliency map side by side, in what width the readout has.
  const float small = std::min(fs * (stacked ? 5 : 8), (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2);
  if (c.digit) {
    const ImVec2 q = ImGui::GetCursorScreenPos();
    ImGui::Image(c.preview.texture(), {small, small});
    app.report.region("preview", {q, {q.x + small, q.y + small}});
    if (c.saliency && net) {
      ImGui::SameLine();
      ImGui::Image(c.saliency_map.texture(), {small, small});
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextAtSpaces("28x28, as the network sees it");
    ImGui::PopStyleColor();
  } else {
    ImGui::Dummy({small, small});
    ImGui::PushTextWrapPos(std::min(ImGui::GetCursorPosX() + std::max(small, ImGui::GetFontSize() * 8),
                                    ImGui::GetWindowContentRegionMax().x));
    ImGui::TextDisabled("Draw a digit: no ink, no prediction.");  // wrapped in a narrow column
    ImGui::PopTextWrapPos();
  }
  if (!net) {
    ImGui::PushTextWrapPos(0);
    if (c.use_bundled)
      ImGui::TextColored({1, 0.45f, 0.4f, 1}, "The bundled model could not be loaded: %s", c.bundled_error.c_str());
    else if (app.data_kind != DatasetKind::Mnist)
      ImGui::TextDisabled("The current run learns Fashion-MNIST; pick the bundled model to read digits.");
    else
      ImGui::TextDisabled("No run yet.");
    ImGui::PopTextWrapPos();
  } else if (c.digit && c.probs.size() > 0) {
    ImGui::TextDisabled("%s", source.c_str());
    // The answer first, large: the class and how sure the network is; the bars below.
    const int top = TopClass(c.probs);
    const std::vector<std::string>& names = class_names(DatasetKind::Mnist);
    const std::string answer = top < int(names.size()) ? names[size_t(top)] : "?";
    char sure[32];
    std::snprintf(sure, sizeof sure, "(%.0f%%)", double(c.probs[top]) * 100);
    ImFont* bold = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : ImGui::GetFont();
    const float big = fs * 4.f;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImVec2 ts = bold->CalcTextSizeA(big, FLT_MAX, 0, answer.c_str());
    const ImU32 col = c.probs[top] >= 0.8f ? IM_COL32(110, 215, 130, 255) : IM_COL32(240, 200, 90, 255);
    dl->AddText(bold, big, at, col, answer.c_str());
    dl->AddText({at.x + ts.x + fs * 0.5f, at.y + ts.y - fs * 1.6f}, ImGui::GetColorU32(ImGuiCol_Text), sure);
    ImGui::Dummy({ts.x + fs * 0.5f + ImGui::CalcTextSize(sure).x, ts.y});
    ProbabilityBars(c.probs, -1, names);
    if (app.run && !c.use_bundled) {
      if (ImGui::Button("Use as the probe input")) {
        app.set_probe_input(to_input(*c.digit, norm), -1, "your drawing");
        app.say("The drawing is now the probe of the activations view");
      }
      app.mark("canvas.use_probe");
    }
  }
  ImGui::EndGroup();
  if (readout_child) ImGui::EndChild();
  // Below the canvas and the readout, whichever reaches lower.
  ImGui::SetCursorScreenPos({p0.x, std::max(ImGui::GetCursorScreenPos().y, p0.y + side + ImGui::GetStyle().ItemSpacing.y)});
  DrawMyDigits(app, c);
  ImGui::End();
}

}  // namespace nnviz::gui
