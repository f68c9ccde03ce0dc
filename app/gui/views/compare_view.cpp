// Side by side: 2 to 8 runs that differ in one setting, trained at once from the same weights on
// the same mini-batches. One colour per run everywhere: curves, table, weight tiles.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "engine/compare.h"
#include "views/compare_view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

namespace {

const auto& kRunColours = kSeriesColours;

// Every run's smoothed loss and its evaluations, as the plot draws them.
// The runs' names, and their metrics: from the live comparison or from a saved one.
const std::vector<std::string>& run_names(const CompareState& cs) {
  return cs.cmp ? cs.cmp->spec().values : cs.saved->spec.values;
}
const std::vector<StepPoint>& run_steps(const CompareState& cs, size_t i) {
  return cs.cmp ? cs.cmp->steps(i) : cs.saved->steps[i];
}
const std::vector<EvalPoint>& run_evals(const CompareState& cs, size_t i) {
  return cs.cmp ? cs.cmp->evals(i) : cs.saved->evals[i];
}
const ComparisonSpec& run_spec(const CompareState& cs) { return cs.cmp ? cs.cmp->spec() : cs.saved->spec; }

void gather(CompareState& cs) {
  if (cs.cmp) cs.cmp->poll();
  const size_t n = run_names(cs).size();
  cs.series.resize(n);
  for (size_t i = 0; i < n; ++i) {
    auto& s = cs.series[i];
    const auto& steps = run_steps(cs, i);
    if (cs.cmp && s.version != cs.cmp->version(i)) s = CompareState::Series{}, s.version = cs.cmp->version(i);
    for (size_t k = s.step.size(); k < steps.size(); ++k) {
      const long span = std::max(1L, steps[k].step - (k ? steps[k - 1].step : 0L));
      const double keep = std::pow(0.98, double(span));  // merged points count as their batches
      s.ema = k == 0 ? steps[k].loss : keep * s.ema + (1 - keep) * steps[k].loss;
      s.step.push_back(float(steps[k].step));
      s.epoch.push_back(steps[k].epoch);
      s.loss.push_back(float(s.ema));
    }
    if (s.loss.size() > 0) s.loss_ix.update(s.loss.data(), int(s.loss.size()));
    const auto& evals = run_evals(cs, i);
    for (size_t k = s.ev_step.size(); k < evals.size(); ++k) {
      s.ev_step.push_back(float(evals[k].step));
      s.ev_epoch.push_back(evals[k].epoch);
      s.val_acc.push_back(evals[k].val_accuracy);
    }
  }
}

// A race may not vary what classroom mode or the lesson hid or fixed: the optimizer settings
// (optimizer, learning rate, batch, weight decay) or the network setup (init, activation, preset).
bool HiddenInClassroom(const App& app, Varied v) {
  const bool training = v == Varied::Optimizer || v == Varied::LearningRate || v == Varied::BatchSize ||
                        v == Varied::WeightDecay;
  const App::Controls c = training ? App::Controls::Optimizer : App::Controls::Setup;
  return app.out_of_reach(c);
}

// The race's settings and Start; false when classroom mode leaves nothing to vary.
bool Setup(App& app, CompareState& cs) {
  const char* kinds[] = {"optimizer", "lr", "batch", "weight_decay", "init", "activation", "preset"};
  std::vector<int> allowed;
  for (int k = 0; k < 7; ++k)
    if (!HiddenInClassroom(app, Varied(k))) allowed.push_back(k);
  if (allowed.empty()) {
    ImGui::TextWrapped("The settings a race would vary are hidden or fixed here (by classroom mode or the lesson).");
    return false;
  }
  if (HiddenInClassroom(app, cs.spec.what) && !cs.cmp) {
    // What was set up before classroom mode: the first setting that may be varied, no values yet.
    cs.spec.what = Varied(allowed[0]);
    cs.values_text.clear();
  }
  const char* ready[] = {"optimizers", "learning-rates", "batch-sizes", "l2"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  const bool ready_open = ImGui::BeginCombo("##ready", "ready-made...");
  app.mark("compare.ready");
  if (ready_open) {
    for (const char* r : ready) {
      if (HiddenInClassroom(app, ready_made(r).what)) continue;
      const bool picked = ImGui::Selectable(r);
      app.mark((std::string("compare.ready.") + r).c_str());
      if (picked) cs.offer(ready_made(r));
    }
    ImGui::EndCombo();
  }
  // The row wraps where the view is narrow: every control stays in reach (Start sat outside a
  // half-width view at 1280x800).
  const float fs = ImGui::GetFontSize();
  auto labelled = [&](float field, const char* label) {
    return field + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
  };
  SameLineIfFits(labelled(fs * 7, "vary"));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  if (ImGui::BeginCombo("vary", kinds[int(cs.spec.what)])) {
    for (int k : allowed)
      if (ImGui::Selectable(kinds[k], int(cs.spec.what) == k)) cs.spec.what = Varied(k);
    ImGui::EndCombo();
  }
  // The values field as wide as its text (at least 16 characters' room, at most a whole row); a
  // longer list scrolls in the field and shows whole in its tooltip.
  const float row = ImGui::GetWindowContentRegionMax().x - ImGui::GetWindowContentRegionMin().x;
  const float values_most = std::max(fs * 4, row - labelled(0, "values"));
  const float values_w = std::clamp(ImGui::CalcTextSize(cs.values_text.c_str()).x + ImGui::GetStyle().FramePadding.x * 2 + 2,
                                    std::min(fs * 16, values_most), values_most);
  SameLineIfFits(labelled(values_w, "values"));
  ImGui::SetNextItemWidth(values_w);
  ImGui::InputText("values", &cs.values_text);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\n\nComma-separated, one per run (2 to 8). Optimizers as kind[:lr[:weight decay]], e.g. adam:0.001",
                      cs.values_text.c_str());
  SameLineIfFits(labelled(fs * 5, "epochs"));
  int epochs = cs.spec.base.epochs;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  if (ImGui::InputInt("epochs", &epochs) && epochs >= 1) cs.spec.base.epochs = epochs;
  app.mark("compare.epochs");
  SameLineIfFits(ButtonWidth("Start"));
  ImGui::BeginDisabled(!app.data);
  const bool start = ImGui::Button("Start");
  app.mark("compare.start");
  if (start) {
    cs.spec.values = SplitList(cs.values_text, ',');
    cs.spec.base.schedule.total_epochs = float(cs.spec.base.epochs);
    try {
      cs.end_race();  // joins the previous comparison's threads
      cs.cmp = std::make_unique<Comparison>(cs.spec, app.data, GuiRunOptions());
      if (app.run) app.run->pause();  // the cores go to the race
      cs.cmp->play();
    } catch (const std::exception& e) {
      app.say(e.what(), true);
    }
  }
  ImGui::EndDisabled();
  SameLineIfFits(ButtonWidth("Open"));
  if (ImGui::Button("Open")) {
    try {
      auto saved = std::make_unique<SavedComparison>(
          load_comparison(data_home() + "/comparison.json", data_home() + "/comparison.csv"));
      cs.end_race();
      cs.saved = std::move(saved);
      cs.offer(cs.saved->spec);
      app.say("Opened the saved comparison (" + std::to_string(cs.saved->labels.size()) + " runs)");
    } catch (const std::exception& e) {
      app.say(e.what(), true);
    }
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", (data_home() + "/comparison.json and .csv").c_str());
  if (cs.cmp || cs.saved) {
    SameLineIfFits(ButtonWidth("Export PNG"));
    if (ImGui::Button("Export PNG")) {
      const std::string path = data_home() + "/comparison.png";
      const ImVec2 p = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
      app.png_requests.push_back({path, p, {p.x + sz.x, p.y + sz.y}});
      app.say("Saved the comparison view to " + path);
    }
  }
  if (cs.cmp) {
    bool running = false;
    for (size_t i = 0; i < cs.cmp->size(); ++i) running |= cs.cmp->latest(i).state == RunState::Running;
    SameLineIfFits(ButtonWidth(running ? "Pause race" : "Resume race"));
    if (ImGui::Button(running ? "Pause race" : "Resume race")) running ? cs.cmp->pause() : cs.cmp->play();
    app.mark("compare.pause");
    SameLineIfFits(ButtonWidth("Save"));
    if (ImGui::Button("Save")) {
      try {
        cs.cmp->save(data_home() + "/comparison.json", data_home() + "/comparison.csv");
        app.say("Saved the comparison to " + data_home() + "/comparison.json and .csv");
      } catch (const std::exception& e) {
        app.say(e.what(), true);
      }
    }
  }
  return true;
}

void Table(CompareState& cs) {
  std::vector<RunSummary> rows;
  if (cs.cmp) rows = cs.cmp->table();
  else
    for (size_t i = 0; i < run_names(cs).size(); ++i)
      rows.push_back(summarize(cs.saved->labels[i], run_steps(cs, i), run_evals(cs, i), run_spec(cs).target_accuracy,
                               run_spec(cs).base.batch));
  std::vector<int> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) order[i] = int(i);
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("runs", 8, flags)) return;
  ImGui::TableSetupColumn(to_string(run_spec(cs).what), ImGuiTableColumnFlags_NoSort);
  ImGui::TableSetupColumn("val", ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableSetupColumn("best val", ImGuiTableColumnFlags_PreferSortDescending | ImGuiTableColumnFlags_DefaultSort);
  ImGui::TableSetupColumn("test", ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableSetupColumn("loss");
  char to_target[48], time_to[48];
  std::snprintf(to_target, sizeof to_target, "steps to %.1f%%##steps", run_spec(cs).target_accuracy * 100);
  std::snprintf(time_to, sizeof time_to, "time to %.1f%%##time", run_spec(cs).target_accuracy * 100);
  ImGui::TableSetupColumn(to_target);
  ImGui::TableSetupColumn(time_to);
  ImGui::TableSetupColumn("samples/s", ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* ss = ImGui::TableGetSortSpecs(); ss && ss->SpecsCount > 0) {
    const int col = ss->Specs[0].ColumnIndex;
    const bool asc = ss->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
    auto key = [&](const RunSummary& r) {
      switch (col) {
        case 1: return r.final_val;
        case 2: return r.best_val;
        case 3: return r.final_test;
        case 4: return r.final_loss;
        case 5: return r.steps_to_target < 0 ? 1e18 : double(r.steps_to_target);
        case 6: return r.time_to_target < 0 ? 1e18 : r.time_to_target;
        default: return r.samples_per_s;
      }
    };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return asc ? key(rows[a]) < key(rows[b]) : key(rows[a]) > key(rows[b]);
    });
  }
  // Each cell drawn, and kept as text for the state dump; a missing value is a dim "-".
  std::string shown;
  auto cell = [&shown](bool have, const char* fmt, double v) {
    char buf[48] = "-";
    if (have) std::snprintf(buf, sizeof buf, fmt, v);
    ImGui::TableNextColumn();
    if (have) ImGui::TextUnformatted(buf);
    else ImGui::TextDisabled("-");
    shown += std::string(" | ") + buf;
  };
  cs.table_shown.clear();
  for (int i : order) {
    const RunSummary& r = rows[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kRunColours[i % 8]), "%s", run_names(cs)[i].c_str());
    shown = run_names(cs)[i];
    if (cs.cmp && cs.cmp->latest(i).state == RunState::Diverged) {
      ImGui::SameLine();
      ImGui::TextColored({1, 0.45f, 0.4f, 1}, "(diverged)");
    }
    // Before a run's first evaluation it has no accuracy yet: "-", not 0.00%.
    const bool evaluated = !run_evals(cs, size_t(i)).empty();
    for (double v : {r.final_val, r.best_val, r.final_test}) cell(evaluated, "%.2f%%", v * 100);
    cell(true, "%.4f", r.final_loss);
    cell(r.steps_to_target >= 0, "%.0f", double(r.steps_to_target));
    cell(r.time_to_target >= 0, "%.1f s", r.time_to_target);
    cell(true, "%.0f", r.samples_per_s);
    cs.table_shown.push_back(shown);
  }
  ImGui::EndTable();
}

// Each run's first-layer weights as tiles, when the first layer is dense on the image.
void FirstLayers(App& app, CompareState& cs) {
  const size_t n = cs.cmp->size();
  cs.weights.resize(n);
  ImGui::TextDisabled("first-layer weights, 16 units of each run");
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float w = std::max(ImGui::GetFontSize() * 7, (ImGui::GetContentRegionAvail().x - spacing * (n - 1)) / n);
  const int per_row = std::max(1, int((ImGui::GetContentRegionAvail().x + spacing) / (w + spacing)));
  cs.weights_step.resize(n, -1);
  int shown = 0;
  const double now = ImGui::GetTime();
  const bool refresh = now - cs.weights_at > 0.25;
  for (size_t i = 0; i < n; ++i) {
    const auto wv = cs.cmp->latest(i).weights;
    if (!wv || wv->values.empty()) continue;
    const Mat& m = wv->values[0];
    if (wv->shapes[0].size() != 2 || m.rows() != 784) continue;
    if (!cs.weights[i]) cs.weights[i] = std::make_unique<Heatmap>();
    // Newer weights than the tiles show wait for the rate limit; a frame then, even when the race
    // has just ended and nothing else would draw one.
    if (!refresh && wv->step != cs.weights_step[i]) app.redraw_by(cs.weights_at + 0.25);
    if (refresh || cs.weights[i]->empty()) {
      cs.weights_step[i] = wv->step;
      const int units = std::min<int>(int(m.cols()), 16);
      TileLayout t = MakeTiles(units, 28, 28);
      std::vector<float> img(size_t(t.width()) * t.height(), NAN);
      for (int u = 0; u < units; ++u) {
        const double s = std::max(1e-12, double(m.col(u).cwiseAbs().maxCoeff()));
        for (int p = 0; p < 784; ++p) img[t.index(u, p / 28, p % 28)] = float(m(p, u) / s);
      }
      cs.weights[i]->update(img.data(), t.width(), t.height(), Colormap::Diverging);
    }
    if (shown++ % per_row) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kRunColours[i % 8]), "%s", cs.cmp->spec().values[i].c_str());
    int hx, hy;
    HeatmapImage(*cs.weights[i], w, w, &hx, &hy);
    ImGui::EndGroup();
  }
  if (refresh) cs.weights_at = now;
}

// One parameter tensor of every run as overlaid histograms over a shared range: how the runs'
// weights spread differently (a larger learning rate, weight decay, another optimizer).
void Histograms(App& app, CompareState& cs) {
  constexpr int kBins = 60;
  const size_t n = cs.cmp->size();
  const auto first = cs.cmp->latest(0).weights;
  if (!first || first->names.empty()) return;
  const float fs = ImGui::GetFontSize();
  cs.hist_tensor = std::clamp(cs.hist_tensor, 0, int(first->names.size()) - 1);
  ImGui::TextDisabled("values of");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 12);
  if (ImGui::BeginCombo("##hist tensor", first->names[size_t(cs.hist_tensor)].c_str())) {
    for (int t = 0; t < int(first->names.size()); ++t)
      if (ImGui::Selectable(first->names[size_t(t)].c_str(), t == cs.hist_tensor)) cs.hist_tensor = t, cs.hist_at = -1e9;
    ImGui::EndCombo();
  }
  app.mark("compare.hist.tensor");
  const double now = ImGui::GetTime();
  if (now - cs.hist_at > 0.25) {  // at most four times a second, as the tiles
    cs.hist_at = now;
    std::vector<const Mat*> values;
    for (size_t i = 0; i < n; ++i) {
      const auto wv = cs.cmp->latest(i).weights;
      values.push_back(wv && size_t(cs.hist_tensor) < wv->values.size() ? &wv->values[size_t(cs.hist_tensor)] : nullptr);
    }
    double lo = 1e300, hi = -1e300;
    for (const Mat* m : values)
      if (m && m->size()) lo = std::min(lo, double(m->minCoeff())), hi = std::max(hi, double(m->maxCoeff()));
    if (!(hi > lo)) hi = lo + 1;
    cs.hist_lo = lo, cs.hist_hi = hi;
    cs.hist.assign(n, std::vector<float>(kBins, 0.f));
    cs.hist_mean.assign(n, 0);
    cs.hist_sd.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const Mat* m = values[i];
      if (!m || !m->size()) continue;
      double sum = 0, sq = 0;
      for (Eigen::Index k = 0; k < m->size(); ++k) {
        const double v = (*m)(k);
        const int b = std::clamp(int((v - lo) / (hi - lo) * kBins), 0, kBins - 1);
        cs.hist[i][size_t(b)] += 1.f / float(m->size());
        sum += v, sq += v * v;
      }
      cs.hist_mean[i] = sum / double(m->size());
      cs.hist_sd[i] = std::sqrt(std::max(0.0, sq / double(m->size()) - cs.hist_mean[i] * cs.hist_mean[i]));
    }
  } else {
    app.redraw_by(cs.hist_at + 0.25);
  }
  // The plot: each run's histogram as a step line in its colour, the range under it.
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = std::max(fs * 10, ImGui::GetContentRegionAvail().x), h = fs * 6;
  ImGui::InvisibleButton("##hist", {w, h});
  app.mark("compare.hist");
  app.report.region("compare_hist", {p0, {p0.x + w, p0.y + h}});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, {p0.x + w, p0.y + h}, IM_COL32(18, 18, 22, 255));
  float top = 1e-9f;
  for (const auto& hs : cs.hist)
    for (float v : hs) top = std::max(top, v);
  for (size_t i = 0; i < cs.hist.size(); ++i) {
    std::vector<ImVec2> pts;
    const int bins = int(cs.hist[i].size());
    for (int b = 0; b < bins; ++b) {
      const float y = p0.y + h - 2 - (h - 4) * cs.hist[i][size_t(b)] / top;
      pts.push_back({p0.x + w * b / bins, y});
      pts.push_back({p0.x + w * (b + 1) / bins, y});
    }
    dl->AddPolyline(pts.data(), int(pts.size()), kRunColours[i % 8], 0, 1.8f);
  }
  char range[96];
  std::snprintf(range, sizeof range, "%.3g", cs.hist_lo);
  ImGui::TextDisabled("%s", range);
  std::snprintf(range, sizeof range, "%.3g", cs.hist_hi);
  SameLineIfFits(0);
  ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(range).x));
  ImGui::TextDisabled("%s", range);
  for (size_t i = 0; i < cs.hist.size(); ++i) {
    char label[160];
    std::snprintf(label, sizeof label, "%s: mean %.3g, sd %.3g", run_names(cs)[i].c_str(), cs.hist_mean[i],
                  cs.hist_sd[i]);
    if (i > 0) SameLineIfFits(ImGui::CalcTextSize(label).x + fs);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kRunColours[i % 8]), "%s", label);
  }
}

}  // namespace

void CompareState::offer(const ComparisonSpec& s) {
  spec = s;
  values_text = JoinList(s.values, ",");
}

void CompareState::end_race() {
  cmp.reset();
  saved.reset();
  series.clear();
  weights.clear();
  weights_step.clear();
}

void DrawCompare(App& app, bool* open) {
  if (!ImGui::Begin("Compare", open)) {
    ImGui::End();
    return;
  }
  CompareState& cs = app.views.state<CompareState>();
  if (cs.values_text.empty() && !cs.cmp && !HiddenInClassroom(app, Varied::Optimizer)) cs.offer(ready_made("optimizers"));
  const bool can_race = Setup(app, cs);
  if (!cs.cmp && !cs.saved) {
    if (can_race)
      ImGui::TextWrapped("Runs that differ in exactly one setting, started from the same initial weights and fed the "
                       "same mini-batches, so the difference you see is that setting's. Pick a ready-made comparison "
                       "or your own values and press Start.");
    ImGui::End();
    return;
  }
  gather(cs);
  const ComparisonSpec& spec = run_spec(cs);
  ImGui::TextDisabled("%s%s, batch %d, seed %llu: identical initial weights and mini-batch order in every run",
                      cs.cmp ? "" : "saved: ", spec.base.net.describe().c_str(), spec.base.batch,
                      static_cast<unsigned long long>(spec.base.seed));
  const float h = ImGui::GetContentRegionAvail().y;
  std::vector<PlotSeries> loss, acc;
  for (size_t i = 0; i < cs.series.size(); ++i) {
    const auto& s = cs.series[i];
    const float* x = app.x_in_epochs ? s.epoch.data() : s.step.data();
    const float* ex = app.x_in_epochs ? s.ev_epoch.data() : s.ev_step.data();
    const std::string& name = run_names(cs)[i];
    loss.push_back({name, x, s.loss.data(), int(s.loss.size()), kRunColours[i % 8], 1.8f, false, nullptr, &s.loss_ix});
    acc.push_back({name, ex, s.val_acc.data(), int(s.val_acc.size()), kRunColours[i % 8], 1.8f, true, nullptr});
  }
  PlotAxes ax;
  ax.x_label = app.x_in_epochs ? "epoch" : "step";
  ax.y_label = "training loss (smoothed)";
  ax.y_from_zero = true;
  const float ph = std::max(ImGui::GetFontSize() * 8, h * 0.34f);
  const float pw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  app.report.region("compare_loss", DrawPlot("cmp loss", cs.loss_plot, {pw, ph}, loss, {}, ax));
  ImGui::SameLine();
  ax.y_label = "validation accuracy";
  ax.y_from_zero = false;
  ax.y_fixed_max = 1;
  ax.y_scale = 100;  // in percent, as the curves view and the table give it
  ax.y_unit = "%";
  ax.legend_bottom = true;
  const PlotRect ar = DrawPlot("cmp acc", cs.acc_plot, {pw, ph}, acc, {}, ax);
  bool evaluated = false;
  for (const auto& s : cs.series) evaluated |= !s.val_acc.empty();
  if (!evaluated) {
    // An empty plot says why it is empty, in its middle.
    const char* note = "no evaluation yet (the first is taken at step 50)";
    const ImVec2 ts = ImGui::CalcTextSize(note);
    if (ts.x < ar.max.x - ar.min.x)
      ImGui::GetWindowDrawList()->AddText({(ar.min.x + ar.max.x - ts.x) / 2, (ar.min.y + ar.max.y - ts.y) / 2},
                                          ImGui::GetColorU32(ImGuiCol_TextDisabled), note);
  }
  Table(cs);
  if (cs.cmp) Histograms(app, cs);
  if (cs.cmp) FirstLayers(app, cs);
  ImGui::End();
}

}  // namespace nnviz::gui
