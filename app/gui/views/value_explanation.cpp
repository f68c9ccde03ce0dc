#include "views/value_explanation.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app.h"
#include "base/error.h"
#include "labs/explain.h"
#include "nn/conv.h"
#include "nn/layer_types.h"
#include "widgets/controls.h"

namespace nnviz::gui {

int ParamIndex(const WeightsView* w, int layer, const char* what) {
  const std::string name = "layers." + std::to_string(layer) + "." + what;
  for (size_t q = 0; w && q < w->names.size(); ++q)
    if (w->names[q] == name) return int(q);
  return -1;
}

namespace {

// A small grid of numbers, k x k, one cell each; `mark` (>= 0) is framed, cells where `dim` is
// set are drawn faint (the padding's zeros).
void NumberGrid(const char* id, const double* v, int kh, int kw, int mark, const char* dim, ImU32 frame) {
  const float cell = ImGui::CalcTextSize("-0.000").x + ImGui::GetStyle().CellPadding.x * 2 + 4;
  if (!ImGui::BeginTable(id, kw, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX))
    return;
  for (int j = 0; j < kw; ++j) ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthFixed, cell);
  for (int i = 0; i < kh; ++i) {
    ImGui::TableNextRow();
    for (int j = 0; j < kw; ++j) {
      ImGui::TableSetColumnIndex(j);
      const int t = i * kw + j;
      if (t == mark) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, frame);
      if (dim && dim[t]) ImGui::TextDisabled("%.3f", v[t]);
      else ImGui::Text("%.3f", v[t]);
    }
  }
  ImGui::EndTable();
}

}  // namespace

// The computation of the clicked value: for a convolution, each input channel's window, the
// filter's weights there and their products, then the sum, the bias and the value; for a max
// pool, the window and its winner. From the probe's own input to that layer and the weights shown.
void DrawValueExplanation(App& app, ValueExplanation& as, const ProbeView& p, const WeightsView* w) {
  const auto& layers = app.setup_of_run.layers;
  const int li = as.pick_layer;
  if (li < 0 || li >= int(layers.size()) || li + 1 >= int(p.acts.size()) || li >= int(app.in_shapes.size())) {
    as.pick_open = false;
    return;
  }
  const LayerSpec& spec = layers[size_t(li)];
  const Shape in = app.in_shapes[size_t(li)], out = app.out_shapes[size_t(li)];
  const int per = out.h * out.w;
  const int c = as.pick_unit / per, y = (as.pick_unit % per) / out.w, x = as.pick_unit % out.w;
  const float fs = ImGui::GetFontSize();
  // Wide enough for three grids of the kernel's width side by side, within the screen; at first
  // over the left of the work area (the activations view is usually on the right).
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const int kw = spec.type == "conv2d" ? spec.kernel : spec.pool;
  const float cell = ImGui::CalcTextSize("-0.000").x + ImGui::GetStyle().CellPadding.x * 2 + 4;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float grid = kw * (cell + st.CellPadding.x * 2 + 2);
  const float want = std::max(fs * 30, 3 * grid + 2 * (fs + st.ItemSpacing.x * 2) + st.WindowPadding.x * 2 + st.ScrollbarSize);
  ImGui::SetNextWindowSize({std::min(want, vp->WorkSize.x * 0.9f), std::min(fs * 30, vp->WorkSize.y * 0.8f)},
                           ImGuiCond_Appearing);
  ImGui::SetNextWindowPos({vp->WorkPos.x + vp->WorkSize.x * 0.04f, vp->WorkPos.y + vp->WorkSize.y * 0.12f},
                          ImGuiCond_FirstUseEver);
  char title[128];
  if (spec.type == "conv2d" || spec.type == "maxpool2d")
    std::snprintf(title, sizeof title, "Layer %d %s: %s %d at (%d, %d)###%s", li, spec.type.c_str(),
                  spec.type == "conv2d" ? "filter" : "channel", c, y, x, as.id);
  else
    std::snprintf(title, sizeof title, "The softmax of the outputs: class %d###%s", as.pick_unit, as.id);
  if (!ImGui::Begin(title, &as.pick_open)) {
    ImGui::End();
    return;
  }
  app.report.region(as.id, {ImGui::GetWindowPos(), {ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                                         ImGui::GetWindowPos().y + ImGui::GetWindowSize().y}});
  if (!as.context.empty()) ImGui::TextDisabled("%s", as.context.c_str());
  const Mat& input = p.acts[size_t(li)];
  const double layer_value = double(p.acts[size_t(li) + 1](as.pick_unit, 0));
  const ImU32 gold = IM_COL32(200, 150, 40, 110);
  // The sweep moves the position on by itself: along the row, then down, then from the top.
  const bool sweeps = spec.type == "conv2d" || spec.type == "maxpool2d";
  if (sweeps) {
    ImGui::Checkbox("sweep across the output", &as.sweep);
    app.mark((std::string(as.id) + ".sweep").c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 8);
    SliderFloatClear("positions a second", &as.sweep_rate, 0.5f, 30.f, "%.1f", ImGuiSliderFlags_Logarithmic);
    const double now = ImGui::GetTime();
    if (as.sweep) {
      if (now >= as.sweep_at) {
        if (as.sweep_at > 0) as.pick_unit = c * per + (y * out.w + x + 1) % per;
        as.sweep_at = now + 1.0 / as.sweep_rate;
      }
      app.redraw_by(as.sweep_at);
    } else {
      as.sweep_at = 0;
    }
  }
  try {
    if (li + 1 == int(layers.size()) && p.probs.size() > 0 && !sweeps) {
      // The output of a classifier: its logits through the softmax.
      const SoftmaxExplanation e = explain_softmax(p.acts.back(), 0);
      ImGui::TextWrapped("The softmax turns the %zu logits into probabilities: p_k = exp(l_k - m) / sum_j exp(l_j - m), "
                         "with m = %.4g, the largest logit (subtracting it changes nothing but keeps exp from "
                         "overflowing).", e.logits.size(), e.max);
      if (ImGui::BeginTable("softmax", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("class");
        ImGui::TableSetupColumn("logit l_k");
        ImGui::TableSetupColumn("exp(l_k - m)");
        ImGui::TableSetupColumn("p_k");
        ImGui::TableHeadersRow();
        for (size_t k = 0; k < e.logits.size(); ++k) {
          ImGui::TableNextRow();
          if (int(k) == as.pick_unit) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, gold);
          ImGui::TableSetColumnIndex(0);
          ImGui::TextUnformatted(k < app.data->class_names().size() ? app.data->class_names()[k].c_str() : "?");
          ImGui::TableSetColumnIndex(1);
          ImGui::Text("%.4f", e.logits[k]);
          ImGui::TableSetColumnIndex(2);
          ImGui::Text("%.5g", e.exps[k]);
          ImGui::TableSetColumnIndex(3);
          ImGui::Text("%.4f", e.probs[k]);
        }
        ImGui::EndTable();
      }
      ImGui::Text("sum of the exponentials = %.6g", e.sum);
      const size_t k = size_t(std::clamp(as.pick_unit, 0, int(e.probs.size()) - 1));
      ImGui::Text("p_%zu = %.5g / %.6g = %.5f   (the network's: %.5f)", k, e.exps[k], e.sum, e.probs[k],
                  double(p.probs(Eigen::Index(k))));
      as.pick_value = e.probs[k];
      as.pick_layer_value = double(p.probs(Eigen::Index(k)));
    } else if (spec.type == "maxpool2d") {
      const int stride = spec.stride > 0 ? spec.stride : spec.pool;
      const PoolExplanation e = explain_maxpool(in, spec.pool, stride, input, 0, c, y, x);
      ImGui::TextWrapped("Max pooling keeps the largest value of its %dx%d window: rows %d-%d, columns %d-%d of "
                         "channel %d. The framed one won; in the backward pass only it receives the gradient.",
                         e.k, e.k, e.top, e.top + e.k - 1, e.left, e.left + e.k - 1, c);
      NumberGrid("window", e.window.data(), e.k, e.k, e.winner, nullptr, gold);
      ImGui::Text("max = %.5g   (the layer's value: %.5g)", e.value, layer_value);
      as.pick_value = e.value;
      as.pick_layer_value = layer_value;
    } else {
      const int wi = ParamIndex(w, li, "weight"), bi = ParamIndex(w, li, "bias");
      if (wi < 0) throw Error("the weights of this layer are not in the snapshot yet");
      if (w->step != p.step)
        ImGui::TextColored({0.95f, 0.8f, 0.35f, 1}, "The weights are of step %ld, the activations of step %ld: they "
                           "agree once both have caught up.", w->step, p.step);
      const ConvGeom g = conv_geometry(in, spec.filters, spec.kernel, spec.kernel, spec.stride, spec.pad, spec.dilation);
      const ConvExplanation e =
          explain_conv(g, w->values[size_t(wi)], bi >= 0 ? &w->values[size_t(bi)] : nullptr, input, 0, c, y, x);
      TextAtSpaces("out[%d, %d, %d] = b[%d] + sum over channels c and taps (i, j) of W[%d, c, i, j] * in[c, %d + %d i, "
                   "%d + %d j]",
                   c, y, x, c, c, e.top, g.dil, e.left, g.dil);
      ImGui::TextDisabled("Window, filter and products for each input channel (faint: the zero padding).");
      ImGui::BeginChild("channels", {0, -ImGui::GetFrameHeightWithSpacing() * 4.3f}, false);
      const int k2 = g.kh * g.kw;
      constexpr int kMaxChannels = 16;
      for (int ch = 0; ch < std::min(g.c, kMaxChannels); ++ch) {
        ImGui::PushID(ch);
        double part = 0;
        for (int t = 0; t < k2; ++t) part += e.products[size_t(ch * k2 + t)];
        ImGui::Text("channel %d", ch);
        ImGui::SameLine();
        ImGui::TextDisabled("products add up to %.4g", part);
        const size_t at = size_t(ch) * size_t(k2);
        NumberGrid("in", e.patch.data() + at, g.kh, g.kw, -1, e.padded.data() + at, 0);
        ImGui::SameLine();
        ImGui::TextUnformatted("x");
        ImGui::SameLine();
        NumberGrid("w", e.kernel.data() + at, g.kh, g.kw, -1, nullptr, 0);
        ImGui::SameLine();
        ImGui::TextUnformatted("=");
        ImGui::SameLine();
        NumberGrid("p", e.products.data() + at, g.kh, g.kw, -1, e.padded.data() + at, 0);
        ImGui::PopID();
      }
      if (g.c > kMaxChannels) ImGui::TextDisabled("... and %d more channels (in the sum below)", g.c - kMaxChannels);
      ImGui::EndChild();
      ImGui::Separator();
      ImGui::Text("sum of the %d products = %.6g", g.taps(), e.sum);
      ImGui::Text("+ bias %.6g = %.6g", e.bias, e.value);
      ImGui::TextDisabled("the layer computed %.6g (its fast path rounds in another order)", layer_value);
      // The activation after it, when the next layer is one.
      if (li + 1 < int(layers.size()) && find_layer_type(layers[size_t(li) + 1].type)->kind == LayerKind::Activation &&
          li + 2 < int(p.acts.size()))
        ImGui::Text("then %s: %.6g", layers[size_t(li) + 1].type.c_str(), double(p.acts[size_t(li) + 2](as.pick_unit, 0)));
      as.pick_value = e.value;
      as.pick_layer_value = layer_value;
    }
  } catch (const std::exception& ex) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", ex.what());
  }
  if (ImGui::Button("Close")) as.pick_open = false;
  app.mark((std::string(as.id) + ".close").c_str());
  ImGui::End();
}


}  // namespace nnviz::gui
