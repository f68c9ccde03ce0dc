// The timeline: the run keeps a snapshot of the weights every few steps (fewer and fewer as the
// run grows: engine.h); a slider above the status bar picks one, and the weights view, the
// activations view (the probe input's pass and its class probabilities) and the canvas (with the
// current run's model) show that moment, saying which step it is. Training goes on meanwhile;
// "Live" returns to the present. Also the bookkeeping of the layer statistics' points.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app.h"
#include "views/activations_view.h"
#include "views/inside.h"
#include "views/weights_view.h"

namespace nnviz::gui {

namespace {

// "layers.<i>.weight" -> "L<i> weight" (legends), and "L<i> dense 100 weight" (long).
std::string tensor_label(const App& app, const std::string& name, bool long_form) {
  const int layer = std::atoi(name.c_str() + 7);
  const size_t dot = name.rfind('.');
  const std::string what = dot == std::string::npos ? name : name.substr(dot + 1);
  const auto& layers = app.setup_of_run.layers;
  if (layer < 0 || layer >= int(layers.size())) return name;
  return "L" + std::to_string(layer) + " " + (long_form ? layers[layer].describe() + " " : "") + what;
}

void clear_stats(App& app) {
  StatsState& st = app.views.state<StatsState>();
  st.points.clear();
  st.step.clear();
  st.norm.clear();
  st.grad.clear();
  st.ratio.clear();
  st.dead.clear();
  st.labels.clear();
  st.relu_labels.clear();
  st.layout = LayerStatsLayout{};
  try {
    const Network net(app.setup_of_run);
    st.layout = LayerStatsLayout::of(net);
  } catch (const std::exception&) {
    return;  // no valid network: nothing to show
  }
  st.long_labels.clear();
  for (const auto& n : st.layout.params) {
    st.labels.push_back(tensor_label(app, n, false));
    st.long_labels.push_back(tensor_label(app, n, true));
  }
  for (int l : st.layout.relu_layers) st.relu_labels.push_back("L" + std::to_string(l) + " relu");
  st.norm.resize(st.layout.params.size());
  st.grad.resize(st.layout.params.size());
  st.ratio.resize(st.layout.params.size());
  st.dead.resize(st.layout.relu_layers.size());
  if (st.visible.size() != st.layout.params.size()) st.visible.assign(st.layout.params.size(), true);
  st.param = std::clamp(st.param, 0, std::max(0, int(st.layout.params.size()) - 1));
}

void add_stats(StatsState& st, const std::shared_ptr<const LayerStatsPoint>& p) {
  if (p->params.size() != st.norm.size() || p->dead.size() != st.dead.size()) return;
  st.points.push_back(p);
  st.step.push_back(float(p->step));
  for (size_t i = 0; i < p->params.size(); ++i) {
    st.norm[i].push_back(p->params[i].norm);
    st.grad[i].push_back(p->params[i].grad_norm);
    st.ratio[i].push_back(p->params[i].update_ratio);
  }
  for (size_t i = 0; i < p->dead.size(); ++i) st.dead[i].push_back(p->dead[i]);
}

// The probe input (the live probe's input and label) through the scrubbed weights.
void update_scrubbed_probe(App& app) {
  TimelineState& t = app.timeline;
  auto live = app.snap.probe;
  if (!t.weights || !live || live->acts.empty()) return;
  const Mat& x = live->acts[0];
  const bool same_input = t.probe && t.probe_label == live->label && t.probe_x.rows() == x.rows() &&
                          t.probe_x.cols() == x.cols() && t.probe_x == x;
  if (same_input && t.probe->step == t.weights->step) return;
  const std::string spec = app.setup_of_run.describe();
  try {
    if (!t.net || t.net_spec != spec) {
      t.net = std::make_unique<Network>(app.setup_of_run);
      t.net_spec = spec;
    }
    Network& net = *t.net;
    if (!SetNetworkValues(net, *t.weights)) return;
    auto p = std::make_shared<ProbeView>(probe_pass(net, x, live->label, t.weights->step));
    t.probe = std::move(p);
    t.probe_x = x;
    t.probe_label = live->label;
    app.views.state<ActivationsState>().updated = -1e9;  // show it now, not at the next 10 Hz refresh
  } catch (const std::exception& e) {
    app.say(std::string("Timeline: ") + e.what(), true);
    t.probe.reset();
  }
}

}  // namespace

bool SetNetworkValues(Network& net, const WeightsView& w) {
  auto ps = net.params();
  if (ps.size() != w.values.size()) return false;
  for (size_t i = 0; i < ps.size(); ++i)
    if (ps[i].p.value->rows() != w.values[i].rows() || ps[i].p.value->cols() != w.values[i].cols()) return false;
  for (size_t i = 0; i < ps.size(); ++i) *ps[i].p.value = w.values[i];
  if (!w.buffers.empty()) {
    size_t k = 0;
    for (size_t i = 0; i < net.num_layers(); ++i)
      for (auto& b : net.layer(i).buffers()) {
        if (k < w.buffers.size() && b.second->size() == w.buffers[k].size()) *b.second = w.buffers[k];
        ++k;
      }
  }
  return true;
}

void ClearInside(App& app) {
  TimelineState& t = app.timeline;
  t.snaps.clear();
  t.scrub = -1;
  t.weights.reset();
  t.probe.reset();
  t.net.reset();
  clear_stats(app);
}

void UpdateInside(App& app) {
  const RunSnapshot& s = app.snap;
  TimelineState& t = app.timeline;
  StatsState& st = app.views.state<StatsState>();
  if (s.restarted) ClearInside(app);  // reset: the timeline starts again, live
  if (s.timeline_replaced) t.snaps.clear();
  t.snaps.insert(t.snaps.end(), s.timeline.begin(), s.timeline.end());
  if (s.timeline_interval > 0) t.interval = s.timeline_interval;
  if (s.stats_replaced) clear_stats(app);
  for (const auto& p : s.stats) add_stats(st, p);
  if (s.stats_interval > 0) st.interval = s.stats_interval;

  // The snapshot shown while scrubbed: the latest at or before the scrubbed step.
  std::shared_ptr<const WeightsView> pick;
  if (t.scrubbed() && !t.snaps.empty()) {
    pick = t.snaps.front();
    for (const auto& w : t.snaps)
      if (w->step <= t.scrub) pick = w;
    // A thinned-out snapshot still on screen stays until another is picked.
    if (t.weights && t.weights->step <= t.scrub && t.weights->step > pick->step) pick = t.weights;
  }
  if (pick != t.weights) {
    t.weights = pick;
    t.probe.reset();
    app.views.state<WeightsState>().dirty = true;  // redraw at once, not at the next 10 Hz refresh
    app.views.state<ActivationsState>().updated = -1e9;
  }
  if (t.weights) update_scrubbed_probe(app);
}

namespace {

// The timeline's Record... popup: which view, as what, how often. Frames are taken when the step
// the views show moves on, so a recording follows training or the timeline's scrubbing alike.
void RecordPopup(App& app) {
  if (!ImGui::BeginPopup("Record a view")) return;
  RecordSettings& r = app.record_settings;
  const float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted("Record a view");
  ImGui::Separator();
  // The views on screen, in the order they tile.
  std::vector<const ViewEntry*> shown;
  for (size_t i : app.shown_views()) shown.push_back(&ViewTable()[i]);
  const ViewEntry* chosen = nullptr;
  for (const ViewEntry* v : shown)
    if (r.view == v->name) chosen = v;
  if (!chosen && !shown.empty()) chosen = shown.front(), r.view = chosen->name;
  ImGui::SetNextItemWidth(fs * 10);
  if (ImGui::BeginCombo("view", chosen ? chosen->label : "(no view open)")) {
    for (const ViewEntry* v : shown) {
      if (ImGui::Selectable(v->label, v == chosen)) r.view = v->name;
      app.mark((std::string("record.view.") + v->name).c_str());
    }
    ImGui::EndCombo();
  }
  app.mark("record.view");
  if (ImGui::RadioButton("animated GIF", r.gif)) r.gif = true;
  app.mark("record.gif");
  ImGui::SameLine();
  if (ImGui::RadioButton("PNG files", !r.gif)) r.gif = false;
  app.mark("record.png");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("frame-00001.png, frame-00002.png, ... in a new folder");
  ImGui::SetNextItemWidth(fs * 6);
  if (ImGui::InputInt("mini-batches between frames", &r.every, 1, 10)) r.every = std::clamp(r.every, 1, 1000000);
  app.mark("record.every");
  ImGui::SetNextItemWidth(fs * 6);
  if (ImGui::InputInt("frames at most", &r.max_frames, 10, 100)) r.max_frames = std::clamp(r.max_frames, 1, 10000);
  app.mark("record.max");
  if (r.gif) {
    ImGui::SetNextItemWidth(fs * 6);
    SliderIntClear("frames a second", &r.fps, 1, 50, "%d");
  }
  ImGui::PushTextWrapPos(fs * 24);
  ImGui::TextDisabled("While it trains, a frame every %d mini-batches; while you step or scrub the timeline, a "
                      "frame for each moment shown. It goes into %s.", r.every, data_home().c_str());
  ImGui::PopTextWrapPos();
  ImGui::BeginDisabled(!chosen);
  const bool go = ImGui::Button("Start recording");
  app.mark("record.start");
  ImGui::EndDisabled();
  if (go) {
    app.start_recording();
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace

float TimelineHeight(const App& app) {
  return app.run ? ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.y * 2 : 0.f;
}

void DrawTimeline(App& app, ImVec2 pos, ImVec2 size) {
  if (!app.run || size.y <= 0) return;
  TimelineState& t = app.timeline;
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  // It appears with the first run, maybe while a button is held down: appearing, it must not take
  // the focus, which would drop the held button's click (the first Play during the data's loading).
  ImGui::Begin("##timeline", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoFocusOnAppearing);
  const int n = int(t.snaps.size());
  // Position on the slider: index of the shown snapshot, or n for live.
  int at = n;
  if (t.scrubbed()) {
    at = 0;
    for (int i = 0; i < n; ++i)
      if (t.snaps[i]->step <= t.scrub) at = i;
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Timeline");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Weight snapshots taken while training (every %ld steps now; older ones thinned out).\n"
                      "Scrub back: the weights, activations and drawing views show that moment.\n"
                      "Training goes on; Live returns to the present.",
                      t.interval);
  ImGui::SameLine();
  int target = at;
  ImGui::BeginDisabled(n == 0 || at == 0);
  if (ImGui::ArrowButton("##earlier", ImGuiDir_Left)) {
    target = at - 1;
    // From live, an earlier moment: the newest snapshot can be of the live step itself (taken at a
    // pause on the snapshots' grid), which would show the same weights again.
    if (at == n && target > 0 && t.snaps[size_t(target)]->step >= app.snap.step) --target;
  }
  app.mark("timeline.earlier");
  ImGui::EndDisabled();
  ImGui::SameLine();
  char label[96];
  if (at >= n) std::snprintf(label, sizeof label, "live: step %ld", app.snap.step);
  else std::snprintf(label, sizeof label, "step %ld", t.snaps[at]->step);
  const float live_w = ImGui::CalcTextSize("Live").x + ImGui::GetStyle().FramePadding.x * 2;
  char rec_label[48];
  if (app.recorder.active()) std::snprintf(rec_label, sizeof rec_label, "Stop (%d)###record", app.recorder.frames());
  else std::snprintf(rec_label, sizeof rec_label, "Record...###record");
  const float rec_w = ImGui::CalcTextSize(rec_label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
  const float right_w = ImGui::GetFontSize() * 22;
  ImGui::SetNextItemWidth(std::max(ImGui::GetFontSize() * 6,
                                   ImGui::GetContentRegionAvail().x - live_w - rec_w - right_w - ImGui::GetFrameHeight() -
                                       ImGui::GetStyle().ItemSpacing.x * 4));
  // A fine slider rounded to the nearest snapshot: with few snapshots a plain one's grab would
  // cover half the bar and its label.
  constexpr int kFine = 64;
  int slider = at * kFine;
  if (ImGui::SliderInt("##timeline", &slider, 0, n * kFine, label, ImGuiSliderFlags_NoInput))
    target = (slider + kFine / 2) / kFine;
  ImGui::SameLine();
  ImGui::BeginDisabled(at >= n);
  if (ImGui::ArrowButton("##later", ImGuiDir_Right)) target = at + 1;
  app.mark("timeline.later");
  ImGui::SameLine();
  if (ImGui::Button("Live")) target = n;
  app.mark("timeline.live");
  ImGui::EndDisabled();
  if (target != at) t.scrub = target >= n ? -1 : t.snaps[std::max(0, target)]->step;
  ImGui::SameLine();
  // Record...: a view as a GIF or PNG files; while it records, the button stops it.
  const bool recording = app.recorder.active();
  if (recording) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.75f, 0.2f, 0.2f, 1));
  const bool rec_clicked = ImGui::Button(rec_label);
  if (recording) ImGui::PopStyleColor();
  app.mark("timeline.record");
  if (ImGui::IsItemHovered()) {
    if (recording) ImGui::SetTooltip("Stop recording and write the file (%d frames so far)", app.recorder.frames());
    else ImGui::SetTooltip("Record a view as an animated GIF or PNG files, while it trains or while you scrub");
  }
  if (rec_clicked) {
    if (recording) app.recorder.stop();
    else ImGui::OpenPopup("Record a view");
  }
  RecordPopup(app);
  ImGui::SameLine();
  // What the strip shows, shortened with "..." when the window is narrow.
  char note[96];
  if (t.weights) std::snprintf(note, sizeof note, "showing step %ld; training is at %ld", t.weights->step, app.snap.step);
  else std::snprintf(note, sizeof note, "%d snapshots", n);
  TextElided(t.weights ? ImVec4{0.95f, 0.8f, 0.35f, 1} : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled), note, 0);
  ImGui::End();
}

}  // namespace nnviz::gui
