// The step-through: one mini-batch walked in stages, forward and back, with the numbers the real
// step used (the engine records them from the same caches backward reads):
//   1 the input batch   2 the forward pass, layer by layer   3 the loss
//   4 the backward pass, layer by layer: dL/d(output), dL/dW, dL/db
//   5 the optimizer update of one selected weight, its formula written out with those numbers
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "labs/explain.h"
#include "nn/batchnorm.h"
#include "nn/layer_types.h"
#include "nn/loss.h"
#include "views/stepthrough_view.h"
#include "views/value_explanation.h"
#include "widgets/heatmap.h"
#include "widgets/weight_layout.h"

namespace nnviz::gui {

namespace {

std::string formula_of(const LayerSpec& l) {
  const LayerType* t = find_layer_type(l.type);
  return t ? t->forward : "";
}

std::string backward_formula_of(const LayerSpec& l) {
  const LayerType* t = find_layer_type(l.type);
  return t ? t->backward : "";
}

// The first values of column `col`, in aligned columns, as many per line as fit.
void Numbers(const char* label, const Mat& m, int col, int max_n = 24) {
  ImGui::TextDisabled("%s (%d values)", label, int(m.rows()));
  const float cell = ImGui::CalcTextSize("-0.00000e+00").x;
  const int per_line = std::max(1, int(ImGui::GetContentRegionAvail().x / cell));
  const int n = std::min<int>(int(m.rows()), max_n);
  const float x0 = ImGui::GetCursorPosX();
  for (int i = 0; i < n; ++i) {
    if (i % per_line) ImGui::SameLine(x0 + (i % per_line) * cell);
    ImGui::Text("%.5g", double(m(i, col)));
  }
  if (m.rows() > max_n) ImGui::TextDisabled("...");
}

// Column `col` as what it is: a stack of feature maps (shape c x h x w) is shown one channel at a
// time, every value in its true row and column (the grid scrolls both ways); anything else as above.
void Numbers(const char* label, const Mat& m, int col, const Shape& s, int stage) {
  if (!(s.h > 1 && s.w > 1 && s.size() == m.rows())) {
    Numbers(label, m, col);
    return;
  }
  ImGui::PushID(stage);  // each stage's grids keep their own channel and scroll
  ImGui::PushID(label);
  int& channel = *ImGui::GetStateStorage()->GetIntRef(ImGui::GetID("channel"), 0);
  channel = std::clamp(channel, 0, s.c - 1);
  ImGui::TextDisabled("%s (%d values: %s)", label, int(m.rows()), s.str().c_str());
  if (s.c > 1) {
    SameLineIfFits(LabelledWidth(ImGui::GetFontSize() * 5, "channel"));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
    if (ImGui::InputInt("channel", &channel)) channel = std::clamp(channel, 0, s.c - 1);
  }
  const float fs = ImGui::GetFontSize();
  const float cell = ImGui::CalcTextSize("-0.00e-00").x + fs * 0.4f;  // the widest %.3g gives
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float h = std::min(fs * 12, line * s.h + ImGui::GetStyle().ScrollbarSize + ImGui::GetStyle().WindowPadding.y * 2);
  ImGui::BeginChild("grid", {0, h}, true, ImGuiWindowFlags_HorizontalScrollbar);
  const int base = channel * s.h * s.w;
  // First shown: the middle of the map in view (a digit's corners are background).
  bool& centred = *ImGui::GetStateStorage()->GetBoolRef(ImGui::GetID("centred"), false);
  const float x0 = ImGui::GetCursorPosX();
  for (int r = 0; r < s.h; ++r) {
    for (int c = 0; c < s.w; ++c) {
      if (c) ImGui::SameLine(x0 + c * cell);
      const double v = double(m(base + r * s.w + c, col));
      if (v == 0) ImGui::TextDisabled("0");  // a blank corner, a dead unit: quiet
      else ImGui::Text("%.3g", v);
      if (!centred && r == s.h / 2 && c == s.w / 2) {
        ImGui::SetScrollHereX(0.5f);
        ImGui::SetScrollHereY(0.5f);
      }
    }
  }
  centred = true;
  ImGui::EndChild();
  ImGui::PopID();
  ImGui::PopID();
}

// Batch normalisation's numbers in a training step: each channel's mean and variance over the
// batch (and its pixels), gamma and beta, and the first value of the chosen sample worked through
// and checked against what the layer wrote.
void BatchNormDetail(const StepTrace& t, int layer, const Mat& in, const Mat& out, const Shape& s, int j,
                     FrameReport* report) {
  const int C = std::max(1, s.c), per = int(in.rows()) / C, N = int(in.cols());
  if (C * per != in.rows() || N == 0) return;
  const Mat* gamma = nullptr;
  const Mat* beta = nullptr;
  for (size_t q = 0; q < t.param_names.size(); ++q) {
    if (t.param_names[q] == "layers." + std::to_string(layer) + ".weight") gamma = &t.param_before[q];
    if (t.param_names[q] == "layers." + std::to_string(layer) + ".bias") beta = &t.param_before[q];
  }
  std::vector<double> mean(size_t(C), 0), var(size_t(C), 0);
  for (int c = 0; c < C; ++c) {
    const auto block = in.block(c * per, 0, per, N);
    const double m = block.cast<double>().mean();
    mean[size_t(c)] = m;
    var[size_t(c)] = (block.cast<double>().array() - m).square().mean();  // biased, as training uses
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  TextAtSpaces("this batch's statistics: over its %d samples%s", N, per > 1 ? " and every pixel of a channel" : "");
  ImGui::PopStyleColor();
  const float fs = ImGui::GetFontSize();
  const int rows = std::min(C, 64);
  if (ImGui::BeginTable("bn", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                        {0, std::min(fs * 9, ImGui::GetTextLineHeightWithSpacing() * float(rows + 1) + fs * 0.5f)})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* h : {per > 1 ? "ch." : "#", "mean", "variance", "gamma", "beta"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (int c = 0; c < rows; ++c) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", c);
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", mean[size_t(c)]);
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", var[size_t(c)]);
      ImGui::TableNextColumn();
      if (gamma && c < gamma->size()) ImGui::Text("%.3g", double(gamma->data()[c]));
      ImGui::TableNextColumn();
      if (beta && c < beta->size()) ImGui::Text("%.3g", double(beta->data()[c]));
    }
    ImGui::EndTable();
  }
  if (C > rows) ImGui::TextDisabled("(the first %d of %d)", rows, C);
  if (gamma && beta && gamma->size() > 0 && beta->size() > 0) {
    // The sample's first value of channel 0, worked through.
    const double x = double(in(0, j)), xhat = (x - mean[0]) / std::sqrt(var[0] + BatchNorm::kEps);
    const double y = double(gamma->data()[0]) * xhat + double(beta->data()[0]);
    const bool same = std::fabs(y - double(out(0, j))) <= 1e-4 * std::max(1.0, std::fabs(y));
    report->text("batchnorm_worked", same ? "matches" : "differs");
    ImGui::TextWrapped("value 0 of sample %d: xhat = (%.5g - %.5g) / sqrt(%.5g + %g) = %.5g;  y = %.5g * %.5g + %.5g = %.5g "
                       "(the layer wrote %.5g)",
                       j, x, mean[0], var[0], BatchNorm::kEps, xhat, double(gamma->data()[0]), xhat, double(beta->data()[0]), y,
                       double(out(0, j)));
  }
}

// Dropout's mask for the chosen sample, read from what went in and what came out: a value that
// was not zero and came out zero was dropped; the kept ones are scaled by 1 / (1 - p).
void DropoutDetail(const LayerSpec& l, const Mat& in, const Mat& out, int j) {
  int kept = 0, dropped = 0;
  for (int r = 0; r < in.rows(); ++r) {
    if (in(r, j) == 0) continue;  // zero either way: says nothing of the mask
    (out(r, j) == 0 ? dropped : kept) += 1;
  }
  const double p = double(l.rate);
  ImGui::TextWrapped("sample %d's mask: %d values kept, %d dropped (p = %.2f: about %.0f%% dropped); the kept ones are "
                     "multiplied by 1 / (1 - p) = %.4g, so the layer's mean output stays the same; evaluation keeps all",
                     j, kept, dropped, p, p * 100, p < 1 ? 1 / (1 - p) : 0.0);
}

// The update of one weight: the recorded numbers and the active optimizer's formula.
void UpdateStage(App& app, const StepTrace& t) {
  if (t.param_names.empty()) return;
  int pi = std::clamp(app.sel_param, 0, int(t.param_names.size()) - 1);
  const Mat& before = t.param_before[pi];
  int k = std::clamp(app.sel_index, 0, int(before.size()) - 1);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  if (ImGui::BeginCombo("tensor", t.param_names[pi].c_str())) {
    for (int i = 0; i < int(t.param_names.size()); ++i)
      if (ImGui::Selectable(t.param_names[i].c_str(), i == pi)) app.sel_param = pi = i, app.sel_index = k = 0;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::InputInt("index", &k)) app.sel_index = k = std::clamp(k, 0, int(before.size()) - 1);
  ImGui::TextDisabled("%s  (or click a cell in the Weights view)",
                      app.describe_weight(t.param_names[pi], int(before.rows()), k).c_str());
  const UpdateExplanation e = explain_update(t, size_t(pi), size_t(k));
  // The verdict first: in a short pane the lines below may need scrolling.
  if (e.matches()) ImGui::TextColored({0.45f, 0.85f, 0.5f, 1}, "the formula below gives the value the step wrote");
  else ImGui::TextColored({1, 0.45f, 0.4f, 1}, "the formula below differs from the value the step wrote");
  ImGui::Text("optimizer %s, learning rate %.5g", to_string(t.opt.kind), t.lr);
  if (LrScheduled(t.lr, t.opt.lr)) {
    ImGui::SameLine();
    ImGui::TextDisabled("(the %s schedule's, at this step; the setting is %.5g)", to_string(app.snap.config.schedule.kind),
                        double(t.opt.lr));
  }
  ImGui::Text("w before      = %.8g", e.before);
  ImGui::Text("dL/dw         = %.8g   (mean over the mini-batch)", e.grad);
  for (const auto& [name, m] : t.state_before[pi]) ImGui::Text("%s before = %.8g", name.c_str(), double(m.data()[k]));
  ImGui::Separator();
  for (const auto& line : e.lines) TextAtSpaces("%s", line.c_str());
  ImGui::Separator();
  ImGui::Text("w after the step = %.8g", e.actual);
  for (const auto& [name, m] : t.state_after[pi]) ImGui::Text("%s after  = %.8g", name.c_str(), double(m.data()[k]));
}

// The whole mini-batch as thumbnails in a row (wrapped), grey or in colour: the chosen sample
// outlined, a click chooses another.
void BatchStrip(StepState& ss, const StepTrace& t, Shape in, const std::vector<std::string>& names) {
  const int batch = int(t.labels.size());
  if (batch < 2 || (in.c != 1 && in.c != 3) || in.h < 2 || t.acts.empty() || t.acts[0].cols() < batch) return;
  const float fs = ImGui::GetFontSize();
  const float thumb = fs * 2.4f;  // screen size of one image
  const int per_row = std::max(1, int(ImGui::GetContentRegionAvail().x / (thumb * (in.w + 1) / in.w)));
  const TileLayout tl = MakeTiles(batch, in.h, in.w, std::min(batch, per_row));
  if (ss.batch_shown != t.step && in.c == 3) {
    // Each picture stretched from its lowest value of all three channels to its highest (as
    // ShowInputPicture), so that its colours keep their balance.
    std::vector<uint8_t> img = BackgroundRgba(tl.width(), tl.height());
    const Mat& x = t.acts[0];
    const int plane = in.h * in.w;
    for (int b = 0; b < batch; ++b) {
      const float lo = x.col(b).minCoeff(), span = std::max(1e-12f, x.col(b).maxCoeff() - lo);
      for (int r = 0; r < in.h; ++r)
        for (int c = 0; c < in.w; ++c) {
          uint8_t* d = img.data() + size_t(tl.index(b, r, c)) * 4;
          for (int ch = 0; ch < 3; ++ch) d[ch] = uint8_t(std::lround((x(ch * plane + r * in.w + c, b) - lo) / span * 255));
          d[3] = 255;
        }
    }
    ss.batch_map.update_rgba(img.data(), tl.width(), tl.height());
    ss.batch_shown = t.step;
  } else if (ss.batch_shown != t.step) {
    std::vector<float> buf(size_t(tl.width()) * tl.height(), NAN);
    const Mat& x = t.acts[0];
    for (int b = 0; b < batch; ++b) {
      const float lo = x.col(b).minCoeff(), span = std::max(1e-12f, x.col(b).maxCoeff() - lo);
      for (int r = 0; r < in.h; ++r)
        for (int c = 0; c < in.w; ++c) buf[size_t(tl.index(b, r, c))] = (x(r * in.w + c, b) - lo) / span;
    }
    ss.batch_map.update(buf.data(), tl.width(), tl.height(), Colormap::Gray);
    ss.batch_shown = t.step;
  }
  ImGui::TextDisabled("the whole batch (click one):");
  int hx = -1, hy = -1;
  const bool clicked = HeatmapImage(ss.batch_map, thumb * tl.cols * (in.w + 1) / in.w, thumb * tl.rows * (in.h + 1) / in.h,
                                    &hx, &hy);
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const float px = (b.x - a.x) / float(tl.width());
  int tile = -1, r = 0, c = 0;
  if (hx >= 0 && tl.locate(hx, hy, tile, r, c) && tile < batch) {
    ImGui::SetTooltip("sample %d, label %s", tile, names[t.labels[size_t(tile)]].c_str());
    if (clicked) ss.sample = tile;
  }
  const int sel = std::clamp(ss.sample, 0, batch - 1);
  const ImVec2 s0{a.x + float((sel % tl.cols) * (in.w + 1)) * px, a.y + float((sel / tl.cols) * (in.h + 1)) * px};
  ImGui::GetWindowDrawList()->AddRect({s0.x - 1, s0.y - 1}, {s0.x + in.w * px + 1, s0.y + in.h * px + 1},
                                      IM_COL32(250, 160, 60, 255), 0, 0, 2.f);
}

}  // namespace

void DrawStepThrough(App& app, bool* open) {
  if (!ImGui::Begin("Step-through", open)) {
    ImGui::End();
    return;
  }
  StepState& ss = app.views.state<StepState>();
  const ImVec2 at = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  app.report.region("stepthrough", {at, {at.x + size.x, at.y + size.y}});
  const auto& trace = app.snap.trace;
  if (!trace || !app.run) {
    ImGui::TextWrapped("Pause the training and press Step (S): the mini-batch it trains is recorded here, "
                       "stage by stage, with every number of its forward pass, backward pass and update.");
    ImGui::End();
    return;
  }
  const StepTrace& t = *trace;
  const auto& layers = app.setup_of_run.layers;
  const int L = int(std::min(layers.size(), t.acts.size() - 1));
  const int stages = 2 * L + 3;
  if (t.step != ss.step) {  // a new step: start again from the input
    ss.step = t.step;
    ss.stage = 0;
    ss.shown = -1;
  }
  ss.stage = std::clamp(ss.stage, 0, stages - 1);  // a stage asked for from outside (--stage) may not exist
  if (ImGui::Button("< Previous") && ss.stage > 0) --ss.stage;
  ImGui::SameLine();
  if (ImGui::Button("Next >") && ss.stage < stages - 1) ++ss.stage;
  app.mark("stepthrough.next");
  const int batch = int(t.labels.size());
  SameLineIfFits(LabelledWidth(ImGui::GetFontSize() * 8, "sample"));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  SliderIntClear("sample", &ss.sample, 0, std::max(0, batch - 1), "%d");
  ss.sample = std::clamp(ss.sample, 0, std::max(0, batch - 1));
  char head[96];
  std::snprintf(head, sizeof head, "step %ld, batch of %d, loss %.5g", t.step, batch, t.loss);
  SameLineIfFits(ImGui::CalcTextSize(head).x);
  ImGui::TextDisabled("%s", head);
  ImGui::Separator();

  // The forward and backward stages can show the probe input instead (a validation image or a
  // drawing: see the activations view), through the same weights; the update stays the step's.
  auto probe = app.snap.probe;
  ImGui::Checkbox(CheckboxWidth("show the probe input instead of the batch") <= ImGui::GetContentRegionAvail().x
                      ? "show the probe input instead of the batch###use_probe"
                      : "probe input, not the batch###use_probe",
                  &ss.use_probe);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Show the probe input (a validation image or a drawing) instead of the batch");
  const bool use_probe = ss.use_probe && probe && !probe->acts.empty();
  const std::vector<Mat>& acts = use_probe ? probe->acts : t.acts;
  const std::vector<Mat>& grads = use_probe ? probe->grads : t.grads;
  const bool have_grads = !use_probe || probe->label >= 0;
  const int j = use_probe ? 0 : ss.sample;
  const int label_j = use_probe ? probe->label : t.labels[j];
  const float fs = ImGui::GetFontSize();
  int hx, hy;
  // A stage's values as a picture; the value clicked (-1: none). `explains`: a click writes out
  // how the value was computed (a convolution's, a max pool's, the output's softmax).
  auto show = [&](const Mat& m, Shape s, float h, bool explains = false) {
    const long key = (use_probe ? probe->step * 1000000L + 99999 : 0) + ss.stage * 100000L + j;
    if (ss.shown != key) {
      if (ss.stage == 0) ShowInput(ss.map, m, j, s, ss.buf);  // the input in grey, as the data has it
      else ShowValues(ss.map, m, j, s, ss.buf);
      ss.shown = key;
    }
    const bool clicked = HeatmapImage(ss.map, ImGui::GetContentRegionAvail().x, h, &hx, &hy);
    app.mark("stepthrough.map");
    const int k = hx >= 0 ? ValueAt(hx, hy, int(m.rows()), s) : -1;
    if (k >= 0) ImGui::SetTooltip(explains ? "%d: %.6g\nclick: see how it was computed" : "%d: %.6g", k, double(m(k, j)));
    return clicked ? k : -1;
  };

  // One numbering: the stage and its count, as Previous / Next and --stage count them.
  auto heading = [&](const std::string& what) {
    return "Stage " + std::to_string(ss.stage + 1) + " of " + std::to_string(stages) + ": " + what;
  };
  if (ss.stage == 0) {
    TextAtSpaces("%s", heading("the input batch").c_str());
    if (use_probe)
      ImGui::TextDisabled("the probe input, label %s",
                          label_j >= 0 ? app.data->class_names()[label_j].c_str() : "unknown (a drawing)");
    else
    {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      TextAtSpaces("%d images, drawn at random from the training split; sample %d has label %s", batch, j,
                   app.data->class_names()[label_j].c_str());
      ImGui::PopStyleColor();
    }
    show(acts[0], app.in_shapes.empty() ? Shape{} : app.in_shapes[0], fs * 12);
    if (!use_probe) BatchStrip(ss, t, app.in_shapes.empty() ? Shape{} : app.in_shapes[0], app.data->class_names());
  } else if (ss.stage <= L) {
    const int i = ss.stage - 1;
    TextAtSpaces("%s", heading("forward pass, layer " + std::to_string(i + 1) + " of " + std::to_string(L) + ": " +
                              layers[i].describe()).c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextAtSpaces("%s     %s -> %s", formula_of(layers[i]).c_str(), app.in_shapes[i].str().c_str(),
                 app.out_shapes[i].str().c_str());
    ImGui::PopStyleColor();
    const LayerType* type = find_layer_type(layers[i].type);
    const StepDetail detail = type && !use_probe ? type->detail : StepDetail::None;  // a probe has no batch
    if (detail == StepDetail::BatchStatistics)
      BatchNormDetail(t, i, acts[i], acts[i + 1], app.in_shapes[i], j, &app.report);
    if (detail == StepDetail::Mask) DropoutDetail(layers[i], acts[i], acts[i + 1], j);
    Numbers("in ", acts[i], j, app.in_shapes[i], ss.stage);
    Numbers("out", acts[i + 1], j, app.out_shapes[i], ss.stage);
    const bool output = i + 1 == L && app.setup_of_run.loss == "softmax_cross_entropy";
    const bool explains = layers[i].type == "conv2d" || layers[i].type == "maxpool2d" || output;
    const int picked = show(acts[i + 1], app.out_shapes[i], fs * 10, explains);
    if (picked >= 0 && explains) ss.explain.pick_layer = i, ss.explain.pick_unit = picked, ss.explain.pick_open = true;
  } else if (ss.stage == L + 1) {
    TextAtSpaces("%s", heading("the loss").c_str());
    Mat probs;
    softmax(t.acts[L], probs);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextAtSpaces("softmax of the outputs, then L = -log p(true class), averaged over the batch");
    ImGui::PopStyleColor();
    if (ImGui::BeginTable("loss", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY, {0, fs * 14})) {
      ImGui::TableSetupColumn("sample");
      ImGui::TableSetupColumn("label");
      ImGui::TableSetupColumn("p(label)");
      ImGui::TableSetupColumn("-log p");
      ImGui::TableHeadersRow();
      for (int s = 0; s < batch; ++s) {
        const double p = probs(t.labels[s], s);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d", s);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(app.data->class_names()[t.labels[s]].c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%.4f", p);
        ImGui::TableNextColumn();
        ImGui::Text("%.4f", -std::log(std::max(p, 1e-30)));
      }
      ImGui::EndTable();
    }
    ImGui::Text("mean loss = %.6g", t.loss);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextAtSpaces("dL/d(outputs) = (p - onehot(label)) / batch size: where the backward pass starts");
    ImGui::PopStyleColor();
    if (have_grads) Numbers("dL/dout", grads[L], j);
  } else if (ss.stage <= 2 * L + 1) {
    const int i = L - 1 - (ss.stage - L - 2);  // from the last layer down
    TextAtSpaces("%s", heading("backward pass, layer " + std::to_string(i + 1) + " of " + std::to_string(L) + ": " +
                              layers[i].describe()).c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextAtSpaces("%s", backward_formula_of(layers[i]).c_str());
    ImGui::PopStyleColor();
    if (!have_grads) ImGui::TextDisabled("The probe has no label, so no loss to differentiate.");
    if (have_grads) Numbers("dL/dout", grads[i + 1], j, app.out_shapes[i], ss.stage);
    if (have_grads && i > 0) Numbers("dL/din ", grads[i], j, app.in_shapes[i], ss.stage);
    const std::string prefix = "layers." + std::to_string(i) + ".";
    for (size_t q = 0; q < t.param_names.size(); ++q) {
      if (t.param_names[q].rfind(prefix, 0) != 0) continue;
      const Mat& gr = t.param_grad[q];
      TextAtSpaces("%s: gradient over the batch, |max| %.4g, mean |g| %.4g", t.param_names[q].c_str(),
                   double(gr.cwiseAbs().maxCoeff()), double(gr.cwiseAbs().mean()));
      if (gr.cols() == 1) {
        Numbers("  ", gr, 0);
        continue;
      }
      // The whole dL/dW as a heatmap laid out as the weights view lays out the weights: a
      // convolution's kernels as kernels, the first dense layer's units as image-shaped tiles, any
      // other matrix a row per unit. A click selects that weight and goes to the update stage.
      const float g = gr.cwiseAbs().maxCoeff();
      const std::vector<int> shape = weight_shape(layers[size_t(i)], int(gr.rows()), int(gr.cols()));
      const Shape in = size_t(i) < app.in_shapes.size() ? app.in_shapes[size_t(i)] : Shape{int(gr.rows()), 1, 1};
      // The tiles are laid out to fill the room (the view's width, twelve lines); a wide layer's
      // have the weights view's magnifier (wheel, drag, double-click).
      const ImVec2 room{std::floor(ImGui::GetContentRegionAvail().x), std::floor(fs * 12)};
      const WeightLayout wl = layout_for(shape, gr, in, room.x, room.y);
      const bool tiled = wl.tiles.th > 1;  // else the plain matrix, without gaps between its rows
      const long key = t.step * 1000 + long(q);
      if (ss.grad_param != int(q)) ss.grad_param = int(q), ss.grad_zoom = {};  // another tensor: the whole of it
      if (ss.grad_shown != key || ss.grad_cols != wl.tiles.cols) {
        ss.grad_cols = wl.tiles.cols;
        if (tiled) {
          ss.grad_buf = tile_image(wl, gr, [g](int) { return g > 0 ? double(g) : 1.0; });
          ss.grad_map.update(ss.grad_buf.data(), wl.tiles.width(), wl.tiles.height(), Colormap::Diverging);
        } else {
          ss.grad_buf.assign(gr.data(), gr.data() + gr.size());
          for (float& v : ss.grad_buf) v = g > 0 ? v / g : 0.f;
          ss.grad_map.update(ss.grad_buf.data(), int(gr.rows()), int(gr.cols()), Colormap::Diverging);
        }
        ss.grad_shown = key;
      }
      int gx = -1, gy = -1;
      ImGui::PushID(int(q));
      const bool clicked = tiled ? HeatmapImageZoomable(ss.grad_map, room.x, room.y, ss.grad_zoom, &gx, &gy)
                                 : HeatmapImage(ss.grad_map, room.x, fs * 7, &gx, &gy);
      ImGui::PopID();
      int k = -1;
      if (tiled) {
        int tile, r, c;
        if (gx >= 0 && wl.tiles.locate(gx, gy, tile, r, c)) k = wl.flat(tile, r, c);
      } else if (gx >= 0 && gy >= 0 && gx < gr.rows() && gy < gr.cols()) {
        k = gy * int(gr.rows()) + gx;
      }
      if (k >= 0 && k < gr.size()) {
        ImGui::SetTooltip("%s: %s\ndL/dw = %.6g\nclick: this weight's update", t.param_names[q].c_str(),
                          app.describe_weight(t.param_names[q], int(gr.rows()), k).c_str(), double(gr.data()[k]));
        if (clicked) {
          app.sel_param = int(q);
          app.sel_index = k;
          ss.stage = stages - 1;
        }
      }
      ColourBar(Colormap::Diverging, -g, g, std::min(ImGui::GetContentRegionAvail().x, fs * 16));
    }
    if (have_grads) show(grads[i + 1], app.out_shapes[i], fs * 8);
  } else {
    TextAtSpaces("%s", heading("the update of one weight").c_str());
    UpdateStage(app, t);
  }
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  TextAtSpaces("Previous / Next walk the %d stages; Step (S) records a new mini-batch", stages);
  ImGui::PopStyleColor();
  ImGui::End();
  // The value clicked, written out for the sample shown: through the weights the step's forward
  // pass used (those before its update), or for the probe through the run's current ones.
  if (ss.explain.pick_open) {
    ProbeView pv;
    pv.step = use_probe ? probe->step : t.step;
    for (const Mat& a : acts) pv.acts.push_back(a.col(j));
    if (app.setup_of_run.loss == "softmax_cross_entropy" && !pv.acts.empty()) {
      Mat pr;
      softmax(pv.acts.back(), pr);
      pv.probs = pr.col(0);
    }
    ss.explain.context = use_probe ? "The probe input, through the run's weights now."
                                   : "Sample " + std::to_string(j) + " of step " + std::to_string(t.step) +
                                         "'s mini-batch, through the weights before its update.";
    WeightsView before;
    if (!use_probe) before.step = t.step, before.names = t.param_names, before.values = t.param_before;
    DrawValueExplanation(app, ss.explain, pv, use_probe ? app.snap.weights.get() : &before);
  }
}

}  // namespace nnviz::gui
