#include "harness/harness.h"

#include <glad/gl.h>
// glad first: GLFW is built with GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // the windows on screen, for the layout a screenshot writes
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

#include "base/fileio.h"
#include "base/json.h"
#include "harness/clip_check.h"
#include "render/png.h"
#include "views/activations_view.h"
#include "views/analysis_view.h"
#include "views/canvas_view.h"
#include "views/compare_view.h"
#include "views/curves_view.h"
#include "views/graph_view.h"
#include "views/inside.h"
#include "views/landscape_view.h"
#include "views/lesson_view.h"
#include "views/loss_landscape_view.h"
#include "views/playground_view.h"
#include "views/representation_view.h"
#include "views/stepthrough_view.h"
#include "views/weights_view.h"

namespace nnviz::gui {

namespace {

json::Value RectJson(const PlotRect& r) {
  json::Value a = json::Value::array();
  a.push(double(r.min.x));
  a.push(double(r.min.y));
  a.push(double(r.max.x));
  a.push(double(r.max.y));
  return a;
}

double cpu_seconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

}  // namespace

Harness::Harness(const Options& opt, App& app, GLFWwindow* win) : opt_(opt), app_(app), win_(win) {
  if (const char* f = std::getenv("NNVIZ_STATE_FILE"); f && *f) app_.state_file = f, app_.report.recording = true;
  if (const char* f = std::getenv("NNVIZ_CLIP_REPORT"); f && *f) clip_report_ = f;
  ClipCheckEnable(!clip_report_.empty());
}

void Harness::start() {
  for (const auto& v : opt_.open_views)
    for (const auto& n : OpenViewNames())
      if (v == n.name) {
        app_.views.open(n.view) = true;
        if (n.playground_mode >= 0) app_.views.state<PlaygroundState>().mode = n.playground_mode;
        if (v == "graph-playground" || v == "representation-playground") {
          if (v == "graph-playground") app_.views.state<GraphState>().source = 1;
          else app_.views.state<RepresentationState>().source = 1;
          app_.views.open<PlaygroundState>() = true;
          app_.views.open<CurvesState>() = false;  // the two side by side
        }
        if (v == "my-digits") {
          app_.views.state<CanvasState>().mine.open = true;
          app_.views.state<CanvasState>().use_bundled = false;
          fine_tune_ = true;
        }
      }
  if (opt_.canvas_run) app_.views.state<CanvasState>().use_bundled = false;
  if (!opt_.lesson.empty()) OpenLesson(app_, opt_.lesson);  // started once the data is ready
  // `nnviz FILE` and --load: the file opens once the data has loaded (a screenshot opens it
  // before training what it asks for, below).
  if (!opt_.load.empty() && opt_.screenshot.empty()) app_.open_after_loading = opt_.load;
  if (opt_.draw_demo) {
    // A "3" in two arcs, drawn off-centre and small, the way a hurried user might.
    app_.views.open<CanvasState>() = true;
    app_.views.state<CanvasState>().ink.assign(size_t(app_.views.state<CanvasState>().size) * app_.views.state<CanvasState>().size, 0.f);
    auto arc = [&](float cx, float cy, float r, float a0, float a1) {
      ImVec2 prev{cx + r * std::cos(a0), cy + r * std::sin(a0)};
      for (int k = 1; k <= 24; ++k) {
        const float a = a0 + (a1 - a0) * k / 24;
        const ImVec2 p{cx + r * std::cos(a), cy + r * std::sin(a)};
        CanvasStroke(app_.views.state<CanvasState>(), prev, p, 16, false);
        prev = p;
      }
    };
    arc(110, 95, 38, -2.6f, 1.57f);
    arc(110, 170, 40, -1.57f, 2.6f);
  }
}

bool Harness::loop_start(double t_run, int& status) {
  if (opt_.idle_check <= 0) return true;
  // Once the run has settled (data loaded, first evaluation done), CPU time over a while.
  if (settled_at_ < 0 && app_.run && app_.run->idle() && t_run > 2) {
    settled_at_ = t_run;
    cpu0_ = cpu_seconds();
  } else if (settled_at_ >= 0 && t_run - settled_at_ >= opt_.idle_check) {
    const double share = (cpu_seconds() - cpu0_) / (t_run - settled_at_);
    std::printf("{\"bench\":\"idle\",\"seconds\":%.1f,\"cpu_share\":%.4f}\n", t_run - settled_at_, share);
    status = share < 0.02 ? 0 : 4;
    return false;
  }
  if (t_run > 120) status = 3;
  return true;
}

Harness::Go Harness::before_frame(double t_run, Clock::time_point frame_begin) {
  if (opt_.bench_frames <= 0 || !app_.run) return Go::Draw;
  if (!bench_.started) {
    app_.run->set_epochs(100000);
    app_.run->play();
    bench_.started = true;
  }
  // With the loss landscape open, frames are measured while it computes: a plane along random
  // directions (625 evaluations) started again whenever the last one is done.
  if (app_.views.open<LossLandscapeState>() && app_.snap.weights) {
    LossLandscapeState& ls = app_.views.state<LossLandscapeState>();
    if (!ls.job || ls.job->finished) {
      ls.mode = 1;
      StartLossLandscape(app_);
      ++bench_.computations;
    }
  }
  if (bench_.tick(t_run, app_.snap.step, app_.snap.config.batch, opt_.bench_frames)) {
    bench_.print(app_.snap.step);
    return Go::Stop;
  }
  if (!bench_.drawing) {  // as if the window were minimised: no frames, only the snapshots
    std::this_thread::sleep_until(frame_begin + std::chrono::microseconds(16000));
    return Go::Skip;
  }
  return Go::Draw;
}

void Harness::after_render(long frames_drawn, int& status) {
  if (!app_.state_file.empty()) WriteStateDump(app_, frames_drawn);
  if (!clip_report_.empty() && opt_.screenshot.empty() && frames_drawn >= 3 && ClipCheckFrame() > 0)
    write_clip_report(status);
}

bool Harness::after_frame(const FrameDone& f, int& status) {
  if (!opt_.screenshot.empty() && !screenshot_frame(f, status)) return false;
  if (opt_.soak > 0 && app_.run && !soak_frame(f)) return false;
  if (opt_.close_after > 0 && app_.run) {
    // Play, then close the window mid-epoch the way the close button does.
    if (!close_started_) {
      app_.run->play();
      close_started_ = true;
    } else if (f.t_run > opt_.close_after && close_requested_at_.time_since_epoch().count() == 0) {
      close_requested_at_ = Clock::now();
      glfwSetWindowShouldClose(win_, GLFW_TRUE);
    }
  }
  if (opt_.bench_frames > 0 && app_.run && bench_.started) {
    glFinish();  // count the GPU's (llvmpipe's) work in the frame
    const auto end = Clock::now();
    using ms = std::chrono::duration<double, std::milli>;
    bench_.frame_ms.push_back(ms(end - f.begin).count());
    bench_.build_ms.push_back(ms(f.built - f.begin).count());
    bench_.submit_ms.push_back(ms(f.submitted - f.built).count());
    bench_.raster_ms.push_back(ms(end - f.submitted).count());
    bench_.vertices.push_back(double(ImGui::GetDrawData()->TotalVtxCount));
    bench_.drawn.push_back(f.drawn_share);
  }
  if (opt_.bench_heatmaps > 0 && app_.run && BenchInsideFrame(app_, opt_.bench_heatmaps, f.t_run, status)) return false;
  return true;
}

void Harness::finish(int& status) {
  if (!clip_report_.empty()) write_clip_report(status);
}

void Harness::write_clip_report(int& status) {
  try {
    write_file_atomic(clip_report_, ClipCheckReport(), "clipped-text report");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz: %s\n", e.what());
    status = 1;
  }
}

bool Harness::screenshot_frame(const FrameDone& f, int& status) {
  if (!app_.data_error.empty()) {
    std::fprintf(stderr, "nnviz: %s\n", app_.data_error.c_str());
    status = 1;
  }
  // Phase 1: K mini-batches at full pace; phase 2 (step-through open): one recorded step.
  const bool want_trace = app_.views.open<StepState>();
  const long want = opt_.compare.empty() ? opt_.train_steps + (want_trace ? 1 : 0) : 0;
  if (app_.run && !steps_requested_ && opt_.open_comparison) {
    app_.views.open<CompareState>() = true;
    app_.views.open<CurvesState>() = false;
    try {
      app_.views.state<CompareState>().saved = std::make_unique<SavedComparison>(
          load_comparison(data_home() + "/comparison.json", data_home() + "/comparison.csv"));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nnviz: %s\n", e.what());
      status = 1;
    }
  }
  if (app_.run && !steps_requested_ && !opt_.load.empty()) {
    app_.load_model(opt_.load);
    if (app_.message_is_error) {
      std::fprintf(stderr, "nnviz: %s\n", app_.message.c_str());
      status = 1;
    }
  }
  if (app_.run && !steps_requested_ && !opt_.compare.empty()) {
    // A ready-made comparison, each run trained K mini-batches (the main run stays at 0).
    app_.views.open<CompareState>() = true;
    app_.views.open<CurvesState>() = false;
    app_.views.state<CompareState>().offer(ready_made(opt_.compare));
    app_.views.state<CompareState>().cmp = std::make_unique<Comparison>(app_.views.state<CompareState>().spec, app_.data);
    for (size_t i = 0; i < app_.views.state<CompareState>().cmp->size(); ++i) app_.views.state<CompareState>().cmp->run(i).run_steps(opt_.train_steps);
    steps_requested_ = true;
  } else if (app_.run && !steps_requested_) {
    if (opt_.train_steps > 0) app_.run->run_steps(opt_.train_steps);
    steps_requested_ = true;
  } else if (app_.run && want_trace && !trace_requested_ && app_.snap.step >= opt_.train_steps && app_.run->idle()) {
    app_.run->step_batch();
    trace_requested_ = true;
  }
  const bool compared = !app_.views.state<CompareState>().cmp || (app_.views.state<CompareState>().cmp->idle() && !app_.views.state<CompareState>().series.empty() &&
                                             long(app_.views.state<CompareState>().series[0].step.size()) >= opt_.train_steps);
  const bool trained = app_.run && app_.snap.step >= want && app_.run->idle() && (!want_trace || app_.snap.trace) &&
                       compared;
  if (trained && opt_.stage >= 0) app_.views.state<StepState>().stage = opt_.stage;
  if (trained && opt_.scrub >= 0) app_.timeline.scrub = opt_.scrub;
  if (trained && app_.views.open<LossLandscapeState>() && !app_.views.state<LossLandscapeState>().job) {
    std::string why;
    if (!StartLossLandscape(app_, &why)) {
      std::fprintf(stderr, "nnviz: loss landscape: %s\n", why.c_str());
      status = 1;
    }
  }
  if (trained && app_.views.open<AnalysisState>() && !app_.views.state<AnalysisState>().result && !app_.views.state<AnalysisState>().pending.valid() && app_.snap.weights) {
    try {
      StartAnalysis(app_);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nnviz: analysis: %s\n", e.what());
      status = 1;
    }
  }
  if (trained && fine_tune_ && !fine_tune_started_) {
    std::string why;
    if (!StartFineTune(app_, &why)) {
      std::fprintf(stderr, "nnviz: fine-tune: %s\n", why.c_str());
      status = 1;
    }
    fine_tune_started_ = true;
  }
  // The views' own work done: the analysis, the playground's first 3000 steps, the landscape's
  // paths drawn, a requested lesson started.
  const Views& v = app_.views;
  const PlaygroundState& pg = v.state<PlaygroundState>();
  const LandscapeState& land = v.state<LandscapeState>();
  const bool analysed = (!v.open<AnalysisState>() || v.state<AnalysisState>().result) &&
                        (!v.open<PlaygroundState>() || (pg.pg && pg.pg->steps() >= 3000)) &&
                        (!v.open<LandscapeState>() || land.shown >= land.steps) &&
                        (!v.open<LossLandscapeState>() ||
                         (v.state<LossLandscapeState>().job && v.state<LossLandscapeState>().job->finished)) &&
                        (!v.open<RepresentationState>() || v.state<RepresentationState>().source == 1 || !app_.shown_weights() ||
                         (v.state<RepresentationState>().job && v.state<RepresentationState>().job->finished &&
                          v.state<RepresentationState>().job->step == app_.shown_weights()->step)) &&
                        (!v.open<GraphState>() || v.state<GraphState>().source != 0 ||
                         (v.state<GraphState>().built_weights == app_.shown_weights().get() &&
                          v.state<GraphState>().built_probe == app_.shown_probe().get())) &&
                        // fine-tuning started and ended (with figures, or a message: checked below)
                        (!fine_tune_ || (fine_tune_started_ && !v.state<CanvasState>().mine.job &&
                                         !v.state<CanvasState>().mine.waiting_pause) || status != 0) &&
                        // a file's folder being read, and the file opened on it (App::folder_for)
                        !app_.folder_load.result.valid() && app_.open_after_loading.empty() &&
                        v.state<LessonState>().request.empty();
  if (analysed && fine_tune_ && status == 0 && !v.state<CanvasState>().mine.have_result) {
    std::fprintf(stderr, "nnviz: fine-tune: no figures: %s\n", app_.message.c_str());
    status = 1;
  }
  // --edit-lesson: the editor, once the lesson asked for (if any) is under way, on a copy of it
  // or on the app's state; the frames after it let it settle.
  if (opt_.edit_lesson && analysed && app_.run && !editor_opened_) {
    NewLessonDraft(app_, true);
    editor_opened_ = true;
    frames_after_ = 0;
  }
  // --save-run and --save-comparison, once, as soon as the training asked for is done.
  if (trained && !saved_) {
    if (!opt_.save_run.empty()) app_.save_model(opt_.save_run);
    if (opt_.save_comparison && app_.views.state<CompareState>().cmp)
      app_.views.state<CompareState>().cmp->save(data_home() + "/comparison.json", data_home() + "/comparison.csv");
    saved_ = true;
  }
  // The frames the screenshot waits for, but the first (a window whose content just changed
  // shows its scroll bar from the next frame on).
  if (trained && analysed && frames_after_ >= 1 && !clip_report_.empty()) ClipCheckFrame();
  // A save in flight ends before the screenshot, so the picture shows what it said.
  if (trained && analysed && !app_.pending_save.step.valid() && ++frames_after_ >= opt_.frames) {
    if (!SavePng(opt_.screenshot, f.fb_w, f.fb_h, f.sx, f.sy, {0, 0}, ImGui::GetIO().DisplaySize)) {
      std::fprintf(stderr, "nnviz: cannot write %s\n", opt_.screenshot.c_str());
      status = 1;
    }
    if (!opt_.layout.empty()) write_layout(f, status);
    return false;
  }
  if (std::chrono::duration<double>(Clock::now() - t_start_).count() > 300) {
    std::fprintf(stderr, "nnviz: timed out before the screenshot (step %ld of %ld)\n", app_.snap.step,
                 opt_.train_steps);
    status = 3;
  }
  return true;
}

void Harness::write_layout(const FrameDone& f, int& status) {
  json::Value l = json::Value::object();
  l.set("window", RectJson({{0, 0}, ImGui::GetIO().DisplaySize}));
  // Where the views drew; every region the checks know is written, (0,0,0,0) when not drawn.
  const FrameReport& r = app_.report;
  for (const char* region : {"sidebar", "loss_plot", "accuracy_plot", "weights", "stepthrough", "canvas", "preview",
                             "compare_loss", "confusion", "playground", "landscape", "stats_norms", "stats_dead",
                             "stats_histograms", "lesson_panel", "lesson_picture", "lesson_editor", "representation", "losslandscape", "compare_hist", "graph", "analysis_gallery", "mydigits"})
    l.set(region, RectJson(r.region_of(region)));
  l.set("confusion_dropped", static_cast<long long>(r.number_of("confusion_dropped")));
  l.set("lessons_listed", static_cast<long long>(r.number_of("lessons_listed")));
  l.set("weights_colour_tiles", static_cast<long long>(r.number_of("weights_colour_tiles")));
  l.set("dataset", to_string(app_.data_kind));
  if (app_.data) {
    l.set("data_classes", static_cast<long long>(app_.data->num_classes));
    l.set("data_input", app_.data->input_shape().str());
  }
  if (app_.views.open<GraphState>()) {
    const GraphState& gs = app_.views.state<GraphState>();
    l.set("graph_columns", static_cast<long long>(gs.graph.columns.size()));
    l.set("graph_nodes", static_cast<long long>(gs.nodes_drawn));
    l.set("graph_links", static_cast<long long>(gs.links_drawn));
  }
  // The controls a lesson's page may point at that this frame drew without their mark (a page
  // pointing at one of them would light nothing).
  std::string unmarked;
  for (const std::string& c : LessonControls())
    if (!r.marks.count(c)) unmarked += (unmarked.empty() ? "" : ",") + c;
  l.set("lesson_controls_unmarked", unmarked);
  if (!r.text_of("batchnorm_worked").empty()) l.set("batchnorm_worked", r.text_of("batchnorm_worked"));
  l.set("stats_points", static_cast<long long>(app_.views.state<StatsState>().points.size()));
  if (auto w = app_.shown_weights()) l.set("weights_step", static_cast<long long>(w->step));
  if (auto p = app_.shown_probe()) l.set("probe_step", static_cast<long long>(p->step));
  l.set("timeline_snapshots", static_cast<long long>(app_.timeline.snaps.size()));
  if (const MyDigitsPanel& m = app_.views.state<CanvasState>().mine; m.loaded) {
    l.set("mydigits_drawings", static_cast<long long>(m.set.digits.size()));
    l.set("mydigits_held_out", static_cast<long long>(m.set.count(true)));
    if (m.have_result) {
      const json::Value result = FineTuneResultJson(m);  // named: the loop must not outlive it
      for (const auto& [key, value] : result.members()) l.set("mydigits_" + key, value);
    }
  }
  if (!app_.views.state<CanvasState>().use_bundled && app_.views.state<CanvasState>().live_weights)
    l.set("canvas_step", static_cast<long long>(app_.views.state<CanvasState>().live_weights->step));
  if (app_.views.state<PlaygroundState>().pg) {
    auto& pg = *app_.views.state<PlaygroundState>().pg;
    l.set("playground_steps", static_cast<long long>(pg.steps()));
    if (app_.views.state<PlaygroundState>().mode == 0) l.set("playground_test_mse", pg.mean_squared_error(pg.test()));
    else l.set("playground_test_accuracy", pg.accuracy(pg.test()));
  }
  if (app_.views.state<CanvasState>().probs.size() > 0) {
    int top = 0;
    for (int k = 1; k < app_.views.state<CanvasState>().probs.size(); ++k)
      if (app_.views.state<CanvasState>().probs[k] > app_.views.state<CanvasState>().probs[top]) top = k;
    l.set("canvas_prediction", top);
  }
  l.set("setup_params", static_cast<long long>(app_.setup_params));
  if (const LessonState& ls = app_.views.state<LessonState>(); ls.lesson && ls.tracker) {
    l.set("lesson", ls.lesson->id);
    long met = 0;
    for (const GoalStatus& g : ls.tracker->status()) met += g.met;
    l.set("lesson_goals_met", met);
  }
  // Every named control's and every window's place, for the checks that views use the
  // space they are given (tests/app/gui/screen_matrix.py).
  json::Value marks = json::Value::object();
  for (const auto& [name, m] : r.marks) marks.set(name, RectJson(PlotRect{{m.x, m.y}, {m.z, m.w}}));
  l.set("rects", marks);
  json::Value windows = json::Value::object();
  for (const ImGuiWindow* w : GImGui->Windows)
    if (w->Active && !w->Hidden && !w->IsFallbackWindow &&
        !(w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip)))
      windows.set(w->Name, RectJson(PlotRect{w->InnerRect.Min, w->InnerRect.Max}));
  l.set("windows", windows);
  for (const char* key : {"sections_shown", "sections_locked", "views_drawn", "views_fixed", "lesson_editor_problem"})
    l.set(key, r.text_of(key));
  l.set("font_size", double(ImGui::GetFontSize()));
  l.set("steps", static_cast<long long>(app_.snap.step));
  l.set("points", static_cast<long long>(app_.curves.step.size()));
  l.set("scale", double(f.sx));
  try {
    write_file_atomic(opt_.layout, l.dump(2), "layout");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz: %s\n", e.what());
    status = 1;
  }
}

bool Harness::soak_frame(const FrameDone& f) {
  // Soak: every view open, training all the time; frame times and resident memory over the
  // second minute against the last minute. Frames that draw only what changed (redraw.h)
  // and frames that draw most views again make two humps: the median jumps from one to the
  // other as their mix shifts, so the judge is the mean (a frame's cost on average), with
  // the median of each kind reported.
  auto rss_mb = [] {
    long pages = 0, resident = 0;
    if (FILE* fp = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(fp, "%ld %ld", &pages, &resident) != 2) resident = 0;
      std::fclose(fp);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1048576.0);
  };
  if (t_play_ < 0) {
    Views& v = app_.views;
    v.reset_switches();
    v.open<WeightsState>() = v.open<ActivationsState>() = v.open<StepState>() = v.open<CanvasState>() = true;
    v.open<AnalysisState>() = v.open<CurvesState>() = v.open<StatsState>() = true;
    app_.run->set_epochs(1000000);
    app_.run->play();
    t_play_ = f.t_run;
  }
  const double since = f.t_run - t_play_;
  glFinish();  // a frame's work, rendering included, without the pacing sleep
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - f.begin).count();
  const bool big = f.drawn_share >= 1 / 3.0;
  if (since >= 60 && since < 120) (big ? early_big_ : early_).push_back(ms);
  if (since >= 60 && rss_early_ == 0) rss_early_ = rss_mb();
  if (since >= opt_.soak - 60) (big ? late_big_ : late_).push_back(ms);
  if (since >= opt_.soak) {
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v.empty() ? 0.0 : v[v.size() / 2];
    };
    auto mean = [](const std::vector<double>& a, const std::vector<double>& b) {
      double s = 0;
      for (double v : a) s += v;
      for (double v : b) s += v;
      return a.size() + b.size() ? s / double(a.size() + b.size()) : 0.0;
    };
    const double rss_late = rss_mb(), f0 = mean(early_, early_big_), f1 = mean(late_, late_big_);
    const bool within = rss_late <= rss_early_ * 1.05 && f1 <= f0 * 1.05;
    std::printf("{\"bench\":\"soak\",\"seconds\":%.0f,\"steps\":%ld,\"rss_mb_after_1min\":%.1f,"
                "\"rss_mb_end\":%.1f,\"frame_ms_mean_minute2\":%.2f,\"frame_ms_mean_last_minute\":%.2f,"
                "\"partial_frames_median_ms\":[%.2f,%.2f],\"big_frames_median_ms\":[%.2f,%.2f],"
                "\"big_frames_share\":[%.2f,%.2f],\"within_5_percent\":%s}\n",
                since, app_.snap.step, rss_early_, rss_late, f0, f1, median(early_), median(late_),
                median(early_big_), median(late_big_),
                double(early_big_.size()) / double(std::max<size_t>(1, early_.size() + early_big_.size())),
                double(late_big_.size()) / double(std::max<size_t>(1, late_.size() + late_big_.size())),
                within ? "true" : "false");
    return false;
  }
  return true;
}

}  // namespace nnviz::gui
