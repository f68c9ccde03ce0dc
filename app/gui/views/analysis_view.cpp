// Error analysis and the dataset browser: the confusion matrix of the current weights on the
// validation or test set (a click on a cell shows those samples), per-class accuracy, the mistakes
// ordered by how sure the network was, and a browser over every split and class. A click on a
// sample makes it the probe input of the activations view.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>

#include "app.h"
#include "labs/analysis.h"
#include "views/activations_view.h"
#include "views/analysis_view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

namespace {

// Up to 64 samples of a split as one 8-column atlas texture, grey or in colour as the data is.
void BuildAtlas(AnalysisState& as, const Dataset& d, const Split& s, const std::vector<int>& ids) {
  as.shown = ids;
  if (as.shown.size() > 64) as.shown.resize(64);
  const TileLayout t = MakeTiles(std::max<int>(1, int(as.shown.size())), d.rows, d.cols, 8);
  ShowSamples(as.atlas, s.pixels, as.shown, d.rows, d.cols, d.channels, t);
}

// Draws the atlas; hovering names a sample, a click makes it the probe. Returns the hovered index.
void Gallery(App& app, AnalysisState& as, const Split& s, const Analysis* a) {
  if (as.shown.empty()) {
    ImGui::TextDisabled("No samples here.");
    return;
  }
  const TileLayout t = MakeTiles(int(as.shown.size()), app.data->rows, app.data->cols, 8);
  int hx, hy, tile, r, c;
  const bool clicked = HeatmapImage(as.atlas, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y, &hx, &hy);
  app.report.region("analysis_gallery", {ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
  {
    // Each tile's label in its corner (and, for a mistake, what the network said), where the tiles
    // are large enough to carry it; the tooltip says it all either way.
    const ImVec2 i0 = ImGui::GetItemRectMin(), i1 = ImGui::GetItemRectMax();
    const float zoom = (i1.x - i0.x) / float(t.width());
    const float lfs = std::min(ImGui::GetFontSize(), float(t.tw) * zoom * 0.34f);
    if (lfs >= ImGui::GetFontSize() * 0.6f) {
      ImDrawList* dl = ImGui::GetWindowDrawList();
      const auto& names = app.data->class_names();
      for (int k = 0; k < int(as.shown.size()); ++k) {
        const int i = as.shown[size_t(k)];
        std::string text = names[s.y[i]].substr(0, 4);
        if (a && a->predicted[i] != s.y[i]) text += ">" + names[a->predicted[i]].substr(0, 4);
        const ImVec2 at{i0.x + (k % t.cols) * (t.tw + 1) * zoom + 1, i0.y + (k / t.cols) * (t.th + 1) * zoom + 1};
        const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(lfs, FLT_MAX, 0, text.c_str());
        const float room = t.tw * zoom - 2;
        if (ts.x > room) continue;
        dl->AddRectFilled(at, {at.x + ts.x + 2, at.y + ts.y}, IM_COL32(0, 0, 0, 170));
        dl->AddText(ImGui::GetFont(), lfs, {at.x + 1, at.y}, a && a->predicted[i] != s.y[i] ? IM_COL32(255, 150, 130, 255)
                                                                                        : IM_COL32(200, 220, 200, 255), text.c_str());
      }
    }
  }
  if (hx >= 0 && t.locate(hx, hy, tile, r, c)) {
    const int i = as.shown[tile];
    const auto& names = app.data->class_names();
    ImGui::BeginTooltip();
    ImGui::Text("#%d, label %s", i, names[s.y[i]].c_str());
    if (a) ImGui::Text("predicted %s (%.1f%%)", names[a->predicted[i]].c_str(), a->confidence[i] * 100.0);
    ImGui::TextDisabled("click: show it in the activations view");
    ImGui::EndTooltip();
    if (clicked && app.run) {
      const char* split = &s == &app.data->val ? "validation" : &s == &app.data->test ? "test" : "training";
      app.set_probe_input(s.x.col(i), s.y[i], std::string(split) + " image #" + std::to_string(i));
      app.views.open<ActivationsState>() = true;
    }
  }
}

}  // namespace

void StartAnalysis(App& app) {
  // The run's latest published weights (batch norm's statistics included), in a network of the
  // run's architecture: read from the snapshot, never waiting on the training thread.
  AnalysisState& as = app.views.state<AnalysisState>();
  const std::shared_ptr<const WeightsView> weights = app.snap.weights;
  if (!weights || !app.data) throw Error("no weights or data yet");
  auto net = std::make_shared<Network>(app.setup_of_run);
  if (!SetNetworkValues(*net, *weights)) throw Error("the weights do not fit the run's network");
  auto data = app.data;
  const int split_index = as.split, classes = data->num_classes;
  as.pending_data = data;
  as.pending = std::async(std::launch::async, [net, data, split_index, classes] {
    return analyse(*net, split_index == 0 ? data->val : data->test, classes);
  });
  as.step = weights->step;
}

void DrawAnalysis(App& app, bool* open) {
  // A wide confusion matrix (large counts, a large zoom) scrolls sideways rather than being cut.
  if (!ImGui::Begin("Analysis", open, ImGuiWindowFlags_HorizontalScrollbar)) {
    ImGui::End();
    return;
  }
  AnalysisState& as = app.views.state<AnalysisState>();
  if (!app.data || !app.run) {
    ImGui::TextDisabled("No run yet.");
    ImGui::End();
    return;
  }
  if (as.seen_data != app.data) {  // other data: what was shown was of the old
    as.seen_data = app.data;
    as.result.reset();
    as.shown.clear();
    as.filter_true = as.filter_pred = as.browse_class = -1;
    as.page = 0;
    as.dirty = true;
  }
  const Dataset& d = *app.data;
  const char* splits[] = {"validation", "test", "train"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  if (ImGui::Combo("split", &as.split, splits, as.browse ? 3 : 2)) as.result.reset(), as.dirty = true;
  SameLineIfFits(CheckboxWidth("browse the data"));
  if (ImGui::Checkbox("browse the data", &as.browse)) as.dirty = true;
  const Split& s = as.split == 0 ? d.val : as.split == 1 ? d.test : d.train;
  const int classes = d.num_classes;

  if (as.browse) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    std::vector<const char*> names;
    names.push_back("all classes");
    for (const auto& n : d.class_names()) names.push_back(n.c_str());
    int cls = as.browse_class + 1;
    if (ImGui::Combo("class", &cls, names.data(), int(names.size()))) as.browse_class = cls - 1, as.page = 0, as.dirty = true;
    // Pages of 64, counted: the arrows stop at the ends and the total is named.
    int matching = 0;
    for (int i = 0; i < s.count; ++i) matching += as.browse_class < 0 || s.y[i] == as.browse_class;
    const int pages = std::max(1, (matching + 63) / 64);
    if (as.page >= pages) as.page = pages - 1, as.dirty = true;
    SameLineIfFits(ImGui::GetFrameHeight() * 2 + ImGui::GetStyle().ItemSpacing.x);
    ImGui::BeginDisabled(as.page == 0);
    if (ImGui::ArrowButton("prev", ImGuiDir_Left)) --as.page, as.dirty = true;
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(as.page + 1 >= pages);
    if (ImGui::ArrowButton("next", ImGuiDir_Right)) ++as.page, as.dirty = true;
    ImGui::EndDisabled();
    char where[64];
    std::snprintf(where, sizeof where, "page %d of %d (%d images)", as.page + 1, pages, matching);
    SameLineIfFits(ImGui::CalcTextSize(where).x);
    ImGui::TextUnformatted(where);
    if (as.dirty) {
      std::vector<int> ids;
      int skip = as.page * 64;
      for (int i = 0; i < s.count && ids.size() < 64; ++i)
        if (as.browse_class < 0 || s.y[i] == as.browse_class) {
          if (skip > 0) --skip;
          else ids.push_back(i);
        }
      BuildAtlas(as, *app.data, s, ids);
      as.dirty = false;
    }
    Gallery(app, as, s, nullptr);
    ImGui::End();
    return;
  }

  // --- analysis of the current weights, computed off the main thread
  const bool busy = as.pending.valid();
  // On the line if it fits, else below; in a narrow view a shorter label (the ID stays).
  const char* analyse_label = busy ? "Analysing...###analyse"
                        : ButtonWidth("Analyse the current weights") <= ImGui::GetContentRegionAvail().x
                            ? "Analyse the current weights###analyse"
                            : "Analyse###analyse";
  SameLineIfFits(ButtonWidth(analyse_label));  // never cut off
  ImGui::BeginDisabled(busy || !app.snap.weights);
  if (ImGui::Button(analyse_label)) {
    try {
      StartAnalysis(app);
    } catch (const std::exception& e) {
      app.say(std::string("Analysis: ") + e.what(), true);
    }
  }
  app.mark("analysis.run");
  ImGui::EndDisabled();
  if (busy && as.pending.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    Analysis done = as.pending.get();
    if (as.pending_data == app.data) as.result = std::make_unique<Analysis>(std::move(done));  // else of other data
    as.pending_data.reset();
    as.filter_true = as.filter_pred = -1;
    as.dirty = true;
  }
  if (!as.result) {
    ImGui::TextWrapped("Press Analyse: the current weights classify every image of the split, and the mistakes are "
                       "laid out here.");
    ImGui::End();
    return;
  }
  const Analysis& a = *as.result;
  char summary[96];
  std::snprintf(summary, sizeof summary, "step %ld: %.2f%% correct, %zu mistakes", as.step, a.accuracy * 100,
                a.mistakes.size());
  SameLineIfFits(ImGui::CalcTextSize(summary).x);
  TextAtSpaces("%s", summary);  // wrapped at spaces on its own line when the view is narrow

  // Confusion matrix: rows are true classes, columns predictions; colour by share of the row.
  const float fs = ImGui::GetFontSize();
  ImFont* font = ImGui::GetFont();
  const auto& names = d.class_names();
  float label_w = 0;
  for (int t = 0; t < classes; ++t) label_w = std::max(label_w, ImGui::CalcTextSize(names[t].substr(0, 9).c_str()).x);
  label_w += fs * 0.5f;
  // The cells' size: what the widest count needs at the text's size, where the view has the room
  // (the gallery then goes below the matrix instead of beside it), or the share of the view left
  // beside a gallery if that is more; so zooming the interface enlarges the matrix too. Counts
  // shrink to fit a narrow cell rather than being left out.
  int largest = 0;
  for (int t = 0; t < classes; ++t)
    for (int p = 0; p < classes; ++p) largest = std::max(largest, a.confusion[t][p]);
  char widest[16];
  std::snprintf(widest, sizeof widest, "%d", largest);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float want = std::max(fs * 1.2f, ImGui::CalcTextSize(widest).x + fs * 0.4f);
  const float beside = (avail * 0.55f - label_w) / classes, whole = (avail - label_w) / classes;
  const float cell = std::clamp(std::max(beside, std::min(want, whole)), fs * 1.2f, fs * 3.0f);
  const float number_fs = std::max(fs * 0.45f, std::min(fs, fs * (cell - 3) / std::max(1.f, ImGui::CalcTextSize(widest).x)));
  app.report.number("confusion_number_px", number_fs);
  const float label_fs = std::min(fs, cell * 0.95f);  // rows never overlap their neighbours
  ImGui::BeginGroup();
  {
    // Above the matrix, wrapped to the matrix' width (or the view's, if less).
    const float wrap = std::max(label_w + cell * classes, fs * 8);
    ImGui::PushTextWrapPos(std::min(ImGui::GetCursorPosX() + wrap, ImGui::GetWindowContentRegionMax().x));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("true class (rows) x predicted (columns)");
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
  }
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("confusion", {label_w + cell * classes, cell * classes + label_fs * 1.2f});
  app.report.region("confusion", {ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
  int dropped = 0;  // counts that did not fit their cell (the tests expect none)
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 m = ImGui::GetIO().MousePos;
  for (int t = 0; t < classes; ++t) {
    int row = 0;
    for (int p = 0; p < classes; ++p) row += a.confusion[t][p];
    const std::string short_name = names[t].substr(0, 9);
    dl->AddText(font, label_fs, {p0.x, p0.y + t * cell + (cell - label_fs) / 2}, ImGui::GetColorU32(ImGuiCol_Text),
                short_name.c_str());
    for (int p = 0; p < classes; ++p) {
      const ImVec2 a0{p0.x + label_w + p * cell, p0.y + t * cell}, a1{a0.x + cell - 1, a0.y + cell - 1};
      const float share = row ? float(a.confusion[t][p]) / row : 0.f;
      const ImU32 col = t == p ? ImGui::GetColorU32(ImVec4(0.2f, 0.45f + 0.4f * share, 0.3f, 1))
                               : ImGui::GetColorU32(ImVec4(0.16f + std::min(1.f, share * 8), 0.16f, 0.2f, 1));
      dl->AddRectFilled(a0, a1, col);
      if (as.filter_true == t && as.filter_pred == p) dl->AddRect(a0, a1, IM_COL32(250, 200, 80, 255), 0, 0, 2);
      char buf[16];
      std::snprintf(buf, sizeof buf, "%d", a.confusion[t][p]);
      const ImVec2 ts = font->CalcTextSizeA(number_fs, FLT_MAX, 0, buf);
      if (ts.x <= cell - 1)
        dl->AddText(font, number_fs, {a0.x + (cell - 1 - ts.x) / 2, a0.y + (cell - 1 - ts.y) / 2},
                    IM_COL32(235, 235, 235, 255), buf);
      else
        ++dropped;
      if (ImGui::IsItemHovered() && m.x >= a0.x && m.x < a1.x && m.y >= a0.y && m.y < a1.y) {
        ImGui::SetTooltip("true %s, predicted %s: %d (%.1f%% of the row)\nclick: show them", names[t].c_str(),
                          names[p].c_str(), a.confusion[t][p], share * 100);
        if (ImGui::IsItemClicked()) as.filter_true = t, as.filter_pred = p, as.dirty = true;
      }
    }
  }
  app.report.number("confusion_dropped", dropped);
  for (int p = 0; p < classes; ++p) {
    const std::string s1 = names[p].substr(0, 2);
    const ImVec2 ts = font->CalcTextSizeA(label_fs, FLT_MAX, 0, s1.c_str());
    dl->AddText(font, label_fs, {p0.x + label_w + p * cell + (cell - ts.x) / 2, p0.y + classes * cell},
                ImGui::GetColorU32(ImGuiCol_TextDisabled), s1.c_str());
  }
  // Per-class accuracy.
  ImGui::TextDisabled("accuracy per class");
  for (int c = 0; c < classes; ++c) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s  %.1f%%", names[c].c_str(), a.class_accuracy(c) * 100);
    ImGui::ProgressBar(float(a.class_accuracy(c)), {label_w + cell * classes, fs * 1.0f}, buf);
  }
  ImGui::EndGroup();
  SameLineIfFits(fs * 10);  // beside the matrix where there is room, else below it

  // The gallery: the filtered cell's samples, or every mistake, most confident first.
  ImGui::BeginGroup();
  if (as.filter_true >= 0) {
    TextAtSpaces("true %s, predicted %s", names[as.filter_true].c_str(), names[as.filter_pred].c_str());
    SameLineIfFits(ButtonWidth("all mistakes"));
    if (ImGui::SmallButton("all mistakes")) as.filter_true = as.filter_pred = -1, as.dirty = true;
  } else {
    TextAtSpaces("mistakes, most confidently wrong first (corner: label>answer)");
  }
  if (as.dirty) {
    std::vector<int> ids;
    if (as.filter_true < 0) {
      ids = a.mistakes;
    } else {
      for (int i : a.mistakes)  // already in confidence order
        if (s.y[i] == as.filter_true && a.predicted[i] == as.filter_pred) ids.push_back(i);
      if (as.filter_true == as.filter_pred)
        for (int i = 0; i < s.count && ids.size() < 64; ++i)
          if (s.y[i] == as.filter_true && a.predicted[i] == as.filter_true) ids.push_back(i);
    }
    BuildAtlas(as, *app.data, s, ids);
    as.dirty = false;
  }
  Gallery(app, as, s, &a);
  ImGui::EndGroup();
  app.mark("analysis.gallery");
  ImGui::End();
}

}  // namespace nnviz::gui
