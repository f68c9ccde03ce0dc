// The state dump for tests that drive the real window with X events (tests/app/gui/real): what the
// app shows and where its controls are, as JSON, in the file NNVIZ_STATE_FILE names. Read-only:
// nothing here changes the app. It is written from drawn frames only, so a window that stopped
// drawing leaves a dump that stopped changing, which is what those tests look for.
#include <imgui.h>
#include <imgui_internal.h>  // the popup stack: which popups are open and actually on screen

#include <algorithm>
#include <cstdio>
#include <deque>
#include <string>

#include "app.h"
#include "base/json.h"
#include "views/activations_view.h"
#include "views/analysis_view.h"
#include "views/canvas_view.h"
#include "views/compare_view.h"
#include "views/landscape_view.h"
#include "views/lesson_view.h"
#include "views/loss_landscape_view.h"
#include "views/playground_view.h"
#include "views/graph_view.h"
#include "views/representation_view.h"
#include "views/stepthrough_view.h"
#include "views/weights_view.h"

namespace nnviz::gui {

namespace {

json::Value Rect(const ImVec4& r) {
  json::Value a = json::Value::array();
  for (float v : {r.x, r.y, r.z, r.w}) a.push(double(v));
  return a;
}

json::Value Point(float x, float y) {
  json::Value a = json::Value::array();
  a.push(double(x));
  a.push(double(y));
  return a;
}

// Popups (and modal dialogs) drawn this frame and visible: a window that auto-sizes is hidden on
// its first frame while it measures itself, and a test must not count it as shown yet.
json::Value VisiblePopups() {
  json::Value list = json::Value::array();
  for (const ImGuiPopupData& p : GImGui->OpenPopupStack)
    if (p.Window && p.Window->Active && !p.Window->Hidden) list.push(std::string(p.Window->Name));
  return list;
}

// A temp file renamed over the target: a reader never sees half a dump. No fsync: it is rewritten
// many times a second and nobody needs it after a crash.
void WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".part";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) == 0 && ok) std::rename(tmp.c_str(), path.c_str());
  else std::remove(tmp.c_str());
}

}  // namespace

// Called after a frame is built (ImGui::Render), with the frames drawn so far. Writes when the
// content changed, and otherwise every quarter second (so a reader sees the frame count move).
void WriteStateDump(App& app, long frames) {
  static std::string last;
  static double last_written = -1e9;
  // The last frames drawn (time, run state, step): when the frames stopped and started again is
  // seen from any later dump, whenever the reader happened to look.
  struct Frame { double time; const char* state; long step; };
  static std::deque<Frame> recent;
  const double now = ImGui::GetTime();
  recent.push_back({now, app.run ? to_string(app.snap.state) : "", app.snap.step});
  if (recent.size() > 40) recent.pop_front();
  json::Value d = json::Value::object();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  d.set("window", Rect({vp->Pos.x, vp->Pos.y, vp->Pos.x + vp->Size.x, vp->Pos.y + vp->Size.y}));
  d.set("data_loaded", bool(app.data));
  if (app.run) {
    d.set("state", to_string(app.snap.state));
    d.set("step", static_cast<long long>(app.snap.step));
    if (app.snap.trace) d.set("trace_step", static_cast<long long>(app.snap.trace->step));  // the last recorded step
    d.set("epoch", double(app.snap.epoch));
    d.set("batch", app.snap.config.batch);
    json::Value ch = json::Value::array();  // the run's setting changes as the curves mark them
    for (const auto& c : app.snap.changes) ch.push(c.text);
    d.set("changes", ch);
    d.set("evaluations", static_cast<long long>(app.curves.ev_step.size()));  // as the curves have them
  }
  d.set("network", app.setup.net.describe());  // the architecture of the run (as the sidebar shows it)
  d.set("preset", app.preset_shown(app.custom_network()));
  d.set("setup_pending", app.setup_dirty);  // the sidebar's setup differs from the run's: not applied yet
  d.set("classroom", app.classroom ? (app.classroom_forced ? "locked" : "on") : "off");
  {
    // What classroom mode hides, as ticked in its settings.
    std::string hidden;
    for (size_t g = 0; g < LessonControlGroups().size(); ++g)
      if (app.hide_ticked(App::Controls(g))) hidden += (hidden.empty() ? "" : ",") + LessonControlGroups()[g];
    d.set("hidden", hidden);
  }
  if (app.snap.weights && !app.snap.weights->values.empty())  // the first weight tensor's sum of |w|: did it move?
    d.set("weights_sum", double(app.snap.weights->values[0].cwiseAbs().sum()));
  const FrameReport& report = app.report;
  d.set("sections", report.text_of("sections_shown"));  // the sidebar's sections drawn
  const PlotRect sidebar = report.region_of("sidebar");
  d.set("sidebar_width", double(sidebar.max.x - sidebar.min.x));
  d.set("dataset", to_string(app.data_kind));
  if (app.data) {
    d.set("classes", static_cast<long long>(app.data->num_classes));
    d.set("data_input", app.data->input_shape().str());
  }
  if (app.folder_load.result.valid()) d.set("folder_loading", true);
  d.set("speed", app.speed);  // mini-batches a second, 0: full speed
  if (app.data) d.set("train_samples", app.data->train.count);
  d.set("status", report.text_of("status"));
  {
    // What became of the pointer's clicks: the presses the window received, and where ImGui saw
    // the last few land (a click a test made that changed nothing is explained by these).
    static std::deque<json::Value> clicks;
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseClicked[0] || io.MouseReleased[0]) {
      json::Value c = json::Value::object();
      c.set("time", now);
      c.set("what", io.MouseClicked[0] ? (io.MouseReleased[0] ? "press+release" : "press") : "release");
      c.set("run", app.run ? to_string(app.snap.state) : app.loading.valid() ? "loading" : "none");
      c.set("hovered_item", GImGui->HoveredId != 0);
      c.set("active_item", GImGui->ActiveId != 0);
      if (ImGui::IsMousePosValid()) c.set("at", Point(io.MousePos.x, io.MousePos.y));
      const ImGuiWindow* hw = GImGui->HoveredWindow;
      c.set("window", hw ? std::string(hw->Name) : std::string());
      clicks.push_back(c);
      if (clicks.size() > 6) clicks.pop_front();
    }
    json::Value in = json::Value::object();
    in.set("presses", static_cast<long long>(app.input_presses));
    json::Value cl = json::Value::array();
    for (const auto& c : clicks) cl.push(c);
    in.set("clicks", cl);
    d.set("input", in);
  }
  json::Value views = json::Value::array();
  for (size_t i = 0; i < app.views.size(); ++i)
    if (app.views.open_at(i)) views.push(ViewTable()[i].name);
  d.set("views", views);
  d.set("popups", VisiblePopups());
  d.set("help", app.show_help);          // the keyboard shortcuts overlay
  d.set("typing", ImGui::GetIO().WantTextInput);  // a text field has the keyboard (no shortcuts)
  {
    // The control the keyboard lit (Tab, the arrows): its window and place on the screen.
    const ImGuiContext& g = *GImGui;
    json::Value n = json::Value::object();
    n.set("lit", ControlLit());
    n.set("id", static_cast<long long>(g.NavId));
    n.set("window", g.NavWindow ? std::string(g.NavWindow->Name) : std::string());
    if (g.NavWindow && g.NavId) {
      const ImRect r = ImGui::WindowRectRelToAbs(g.NavWindow, g.NavWindow->NavRectRel[g.NavLayer]);
      n.set("rect", Rect({r.Min.x, r.Min.y, r.Max.x, r.Max.y}));
    }
    d.set("nav", n);
  }
  d.set("own_path", app.own_path);        // the file this run was saved to or opened from
  d.set("dialog_path", app.dialog_path);  // what the Save or Open dialog holds
  // A clicked value's computation, in the activations view and in the step-through.
  for (const ValueExplanation* x : {&app.views.state<ActivationsState>().explain, &app.views.state<StepState>().explain}) {
    if (!x->pick_open) continue;
    json::Value e = json::Value::object();
    e.set("layer", x->pick_layer);
    e.set("unit", x->pick_unit);
    e.set("value", x->pick_value);
    e.set("layer_value", x->pick_layer_value);
    d.set(x->id, e);
  }

  {
    json::Value r = json::Value::object();  // the recorder (render/recorder.h)
    r.set("active", app.recorder.active());
    r.set("writing", app.recorder.writing());
    r.set("view", app.recorder.settings().view);
    r.set("path", app.recorder.path());
    r.set("frames", app.recorder.frames());
    r.set("skipped", app.recorder.skipped());
    r.set("width", app.recorder.width());
    r.set("height", app.recorder.height());
    d.set("recording", r);
  }
  {
    json::Value c = json::Value::object();
    c.set("tool", app.chooser_tool.name);  // the desktop's file chooser ("" none)
    c.set("running", app.chooser.running());
    c.set("pid", static_cast<long long>(app.chooser.running() ? app.chooser.pid() : 0));
    d.set("chooser", c);
  }
  {
    json::Value l = json::Value::object();
    int errors = 0;
    for (const auto& e : app.log) errors += e.error;
    l.set("count", static_cast<long long>(app.log.size()));
    l.set("errors", errors);
    l.set("last", app.log.empty() ? std::string() : app.log.back().text);
    d.set("log", l);
  }
  {
    // The style's sizes, to tell a zoom that comes back from one that compounds.
    const ImGuiStyle& st = ImGui::GetStyle();
    json::Value z = json::Value::array();
    for (float v : {st.ScrollbarSize, st.FramePadding.x, st.FramePadding.y, st.ItemSpacing.x, st.IndentSpacing,
                    st.GrabMinSize, st.WindowPadding.x, ImGui::GetFontSize()})
      z.push(double(v));
    d.set("style_sizes", z);
    d.set("ui_zoom", double(app.ui_zoom));
  }
  if (app.views.open<CompareState>()) {  // the race being set up
    json::Value c = json::Value::object();
    c.set("values", app.views.state<CompareState>().values_text);
    c.set("vary", to_string(app.views.state<CompareState>().spec.what));
    c.set("epochs", app.views.state<CompareState>().spec.base.epochs);
    d.set("compare_setup", c);
  }
  if (const CompareState& cs = app.views.state<CompareState>(); cs.cmp) {
    json::Value c = json::Value::object(), steps = json::Value::array();
    bool running = false;
    for (size_t i = 0; i < cs.cmp->size(); ++i) {
      steps.push(static_cast<long long>(cs.cmp->latest(i).step));  // as the view last polled it
      running |= cs.cmp->latest(i).state == RunState::Running;
    }
    c.set("running", running);
    c.set("steps", steps);
    json::Value rows = json::Value::array();
    for (const auto& r : cs.table_shown) rows.push(r);
    c.set("table", rows);  // as the view last drew it: name | val | best val | test | loss | steps to | time to | samples/s
    char target[32];
    std::snprintf(target, sizeof target, "%.1f%%", cs.cmp->spec().target_accuracy * 100);  // its column heads name it
    c.set("target", std::string(target));
    {
      json::Value h = json::Value::object();
      h.set("tensor", static_cast<long long>(cs.hist_tensor));
      h.set("runs", static_cast<long long>(cs.hist.size()));
      json::Value sds = json::Value::array();
      for (double v : cs.hist_sd) sds.push(v);
      h.set("sd", sds);  // each run's spread of the tensor's values
      c.set("histograms", h);
    }
    d.set("comparison", c);
  }
  if (const PlaygroundState& ps = app.views.state<PlaygroundState>(); ps.pg || ps.csv_loading.valid() || !ps.error.empty()) {
    json::Value p = json::Value::object();
    p.set("mode", ps.mode);
    p.set("running", ps.running);
    p.set("steps", static_cast<long long>(ps.pg ? ps.pg->steps() : 0));
    p.set("points", ps.pg ? ps.pg->train().count() + ps.pg->test().count() : 0);
    if (ps.pg && ps.pg->train().x.rows() == 2) {  // the 2-D board
      int red = 0;
      for (const Toy* t : {&ps.pg->train(), &ps.pg->test()})
        for (uint8_t l : t->labels) red += l == 1;
      p.set("train", ps.pg->train().count());
      p.set("red", red);
      p.set("features", static_cast<long long>(ps.pg->features()));
      p.set("inputs", static_cast<long long>(ps.pg->net().input_shape().size()));
      p.set("drawn", ps.drawn);
      p.set("board_r", ps.board_r);
      json::Value lp = json::Value::array();
      lp.push(double(ps.last_point[0]));
      lp.push(double(ps.last_point[1]));
      p.set("last_point", lp);
    }
    p.set("loading", ps.csv_loading.valid());  // a points file being read off the frame thread
    p.set("notice", ps.notice);
    p.set("error", ps.error);
    p.set("csv_reads", static_cast<long long>(ps.csv_reads));
    d.set("playground", p);
  }
  if (const LessonState& ls = app.views.state<LessonState>(); ls.draft) {
    json::Value e = json::Value::object();
    e.set("id", ls.draft->id);
    e.set("title", ls.draft->title);
    e.set("pages", static_cast<long long>(ls.draft->pages.size()));
    e.set("goals", static_cast<long long>(ls.draft->goals.size()));
    e.set("train_samples", static_cast<long long>(ls.draft->start.train_samples));
    e.set("problem", ls.draft_problem);
    e.set("saved", ls.draft_saved);
    d.set("lesson_editor", e);
  }
  if (const LessonState& ls = app.views.state<LessonState>(); ls.lesson && ls.tracker) {
    json::Value l = json::Value::object();
    l.set("id", ls.lesson->id);
    l.set("page", ls.page);
    json::Value met = json::Value::array();
    for (const GoalStatus& g : ls.tracker->status()) met.push(g.met);
    l.set("met", met);  // per goal, in the lesson's order
    l.set("hides", JoinList(app.lesson_rules.hide, ","));  // what the app applies now, not the file's lists
    l.set("locks", JoinList(app.lesson_rules.lock, ","));
    d.set("lesson", l);
  }
  if (app.views.open<ActivationsState>() && app.run && app.data && app.data->val.count > 0) {
    // The probe chosen and whether the run's latest probe pass is of that image yet.
    json::Value p = json::Value::object();
    p.set("index", app.probe_index);
    p.set("source", app.probe_source);  // as the view names it
    if (app.snap.probe) p.set("label", app.snap.probe->label);
    const auto& probe = app.snap.probe;
    const int i = std::clamp(app.probe_index, 0, app.data->val.count - 1);
    p.set("shown", probe && !probe->acts.empty() && probe->acts[0].rows() == app.data->val.x.rows() &&
                       probe->acts[0].col(0) == app.data->val.x.col(i));
    d.set("probe", p);
  }
  const PlotRect confusion = app.report.region_of("confusion");
  if (app.views.open<AnalysisState>() && confusion.max.x > confusion.min.x) {
    // The confusion matrix as drawn: its place, the counts left out, the size they are drawn at.
    json::Value a = json::Value::object();
    a.set("confusion", Rect({confusion.min.x, confusion.min.y, confusion.max.x, confusion.max.y}));
    a.set("dropped", app.report.number_of("confusion_dropped"));
    a.set("number_px", app.report.number_of("confusion_number_px"));
    a.set("font_px", double(ImGui::GetFontSize()));
    d.set("analysis", a);
  }
  if (app.views.open<WeightsState>()) {
    json::Value w = json::Value::object();
    w.set("zoom", double(app.views.state<WeightsState>().zoom.zoom));
    w.set("centre", Point(app.views.state<WeightsState>().zoom.cx, app.views.state<WeightsState>().zoom.cy));  // the magnifier's, in shares of the tiles
    d.set("weights", w);
  }
  if (app.views.open<LandscapeState>()) {
    json::Value l = json::Value::object();
    l.set("shown", app.views.state<LandscapeState>().shown);
    l.set("steps", app.views.state<LandscapeState>().steps);
    l.set("highlight", app.views.state<LandscapeState>().highlight);  // the path picked by the pointer, -1: none
    d.set("landscape", l);
  }
  if (app.views.open<RepresentationState>()) {
    const RepresentationState& rs = app.views.state<RepresentationState>();
    json::Value r = json::Value::object();
    r.set("method", rs.method == 0 ? "pca" : "tsne");
    r.set("layer", static_cast<long long>(RepresentationLayer(app, rs.layer)));
    r.set("samples", static_cast<long long>(rs.samples));
    r.set("follow", rs.follow);
    r.set("hovered", static_cast<long long>(rs.hovered));  // the sample under the pointer, -1: none
    r.set("sample0_at", Point(rs.sample0_at[0], rs.sample0_at[1]));  // the first image's point on the map
    if (app.shown_weights()) r.set("shown_step", static_cast<long long>(app.shown_weights()->step));
    if (const auto job = rs.job) {
      r.set("step", static_cast<long long>(job->step));
      r.set("computing", !job->finished.load());
      r.set("iteration", static_cast<long long>(job->iteration.load()));
      r.set("iterations", static_cast<long long>(job->iterations));
      r.set("job_method", job->method == 0 ? "pca" : "tsne");
      r.set("job_layer", static_cast<long long>(job->layer));
      std::lock_guard<std::mutex> lock(job->m);
      r.set("points", static_cast<long long>(job->points.cols()));
      r.set("error", job->error);
      if (job->explained.size() == 2) r.set("explained", Point(job->explained[0], job->explained[1]));
    }
    d.set("representation", r);
  }
  if (app.views.open<LossLandscapeState>()) {
    const LossLandscapeState& ls = app.views.state<LossLandscapeState>();
    json::Value l = json::Value::object();
    l.set("mode", static_cast<long long>(ls.mode));
    if (const auto job = ls.job) {
      const bool done = job->finished;
      l.set("computing", !done);
      l.set("done", static_cast<long long>(job->done.load()));
      l.set("total", static_cast<long long>(job->total));
      l.set("step", static_cast<long long>(job->step));
      l.set("job_mode", static_cast<long long>(job->mode));
      if (done) {  // the results, once the thread has written them
        l.set("error", job->error);
        l.set("points", static_cast<long long>(job->val.size()));
        l.set("path", static_cast<long long>(job->path.size()));
        if (!job->val.empty()) {
          double lo = 1e300;
          for (const auto& p : job->val) lo = std::min(lo, p.loss);
          l.set("min_loss", lo);
        }
        if (job->mode == SurfaceMode::Line && job->val.size() == job->ts.size() && job->ts.size() > 30) {
          l.set("loss_t0", job->val[10].loss);  // t = 0 and t = 1 of the 41 from -0.5 to 1.5
          l.set("loss_t1", job->val[30].loss);
        }
      }
    }
    if (!ls.why.empty()) l.set("why", ls.why);
    d.set("losslandscape", l);
  }
  if (app.views.open<GraphState>()) {
    const GraphState& gs = app.views.state<GraphState>();
    json::Value g = json::Value::object();
    g.set("source", static_cast<long long>(gs.source));
    g.set("columns", static_cast<long long>(gs.graph.columns.size()));
    g.set("nodes", static_cast<long long>(gs.nodes_drawn));
    g.set("links", static_cast<long long>(gs.links_drawn));
    g.set("step", static_cast<long long>(gs.built_step));
    g.set("hover_link", static_cast<long long>(gs.hover.link));
    g.set("hover_node", static_cast<long long>(gs.hover.node));
    g.set("last_action", gs.last_action);
    for (const char* n : {"graph.node_layer", "graph.node_unit"}) g.set(n + 6, app.report.number_of(n));
    // The weight the edit popup was last opened for, as the run publishes it, and each frozen
    // unit's incoming weights' norm.
    const int edit_param = gs.editing.column > 0 && size_t(gs.editing.column) < gs.graph.columns.size()
                               ? gs.graph.columns[size_t(gs.editing.column)].weight
                               : -1;
    g.set("edit_param", static_cast<long long>(edit_param));
    g.set("edit_row", static_cast<long long>(gs.editing.row));
    g.set("edit_col", static_cast<long long>(gs.editing.to));
    if (const auto w = app.snap.weights) {
      if (edit_param >= 0 && edit_param < int(w->values.size()) && gs.editing.row < w->values[size_t(edit_param)].rows() &&
          gs.editing.to < w->values[size_t(edit_param)].cols())
        g.set("run_edit_weight", double(w->values[size_t(edit_param)](gs.editing.row, gs.editing.to)));
      json::Value frozen = json::Value::array();
      for (const auto& [layer, unit] : app.snap.frozen) {
        json::Value f = json::Value::object();
        f.set("layer", static_cast<long long>(layer));
        f.set("unit", static_cast<long long>(unit));
        const std::string name = "layers." + std::to_string(layer) + ".weight";
        for (size_t i = 0; i < w->names.size(); ++i)
          if (w->names[i] == name && unit < w->values[i].cols()) f.set("norm", double(w->values[i].col(unit).norm()));
        frozen.push(f);
      }
      g.set("frozen", frozen);
    }
    d.set("graph", g);
  }
  {
    // Your own digits (the Draw view's fold): the set as read, fine-tuning, its last figures.
    const MyDigitsPanel& m = app.views.state<CanvasState>().mine;
    json::Value y = json::Value::object();
    y.set("ink", app.views.state<CanvasState>().digit.has_value());  // a drawing on the canvas, read
    y.set("open", m.open);
    y.set("loaded", m.loaded);
    y.set("dir", m.dir);
    y.set("drawings", static_cast<long long>(m.set.digits.size()));
    y.set("held_out", static_cast<long long>(m.set.count(true)));
    json::Value labels = json::Value::array();
    for (const MyDigit& g : m.set.digits) labels.push(static_cast<long long>(g.label));
    y.set("labels", labels);
    y.set("skipped", static_cast<long long>(m.set.problems.size()));
    y.set("last_kept", m.last_kept);
    long long markers = 0;  // the fine-tunings marked on the run's curves
    for (const ChangePoint& c : app.curves.changes) markers += c.text.rfind("fine-tuned on ", 0) == 0;
    y.set("markers", markers);
    y.set("waiting_pause", m.waiting_pause);
    y.set("running", bool(m.job));
    if (m.job) {
      y.set("done", static_cast<long long>(m.job->done.load()));
      y.set("total", static_cast<long long>(m.job->total));
    }
    if (m.have_result) y.set("result", FineTuneResultJson(m));
    d.set("mydigits", y);
  }
  json::Value marks = json::Value::object();
  for (const auto& [name, m] : app.report.marks) marks.set(name, Rect(m));
  d.set("rects", marks);
  std::string why;
  app.next_frame_due(now, &why);
  d.set("live", why);  // what kept the frames coming when this one was drawn
  const std::string content = d.dump();
  if (content == last && now - last_written < 0.25) return;
  last = content;
  last_written = now;
  d.set("frames", static_cast<long long>(frames));
  d.set("time", now);
  json::Value log = json::Value::array();
  for (const Frame& f : recent) {
    json::Value e = json::Value::array();
    e.push(f.time);
    e.push(f.state);
    e.push(static_cast<long long>(f.step));
    log.push(e);
  }
  d.set("recent_frames", log);
  WriteAtomically(app.state_file, d.dump(1));
}

}  // namespace nnviz::gui
