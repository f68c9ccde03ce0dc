// nnviz: the desktop app. GLFW window, OpenGL 3.3 core, Dear ImGui 1.86.
//
//   nnviz [--preset NAME] [--dataset mnist|fashion] [--data DIR] [--open VIEW]... (see --help)
//
// This file is start-up, the frame loop and shut-down. What a frame shows is views/panes.cpp;
// what tests and measurements add to the loop (screenshots, benchmarks, the state dump, the
// clipped-text check) is harness/harness.h; the command line is options.h.
#include <glad/gl.h>
// glad first: GLFW is built with GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <Eigen/Core>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include <thread>

#include "app.h"
#include "base/fileio.h"
#include "harness/clip_check.h"
#include "harness/harness.h"
#include "options.h"
#include "render/backdrop.h"
#include "render/png.h"
#include "render/redraw.h"
#include "style.h"
#include "train/presets.h"
#include "widgets/heatmap.h"
#include "widgets/lines.h"

using namespace nnviz;
using namespace nnviz::gui;

namespace {

// SIGINT / SIGTERM end the app as closing the window does: settings saved, threads joined.
volatile std::sig_atomic_t g_quit = 0;
void on_signal(int) { g_quit = 1; }

// Set by any window event; lets an idle app skip drawing when it woke up for nothing. Installed
// before ImGui's backend, which chains to these.
bool g_event = true;
long g_presses = 0;  // mouse button presses the window received (the state dump shows them)
std::vector<std::string> g_dropped;  // files dropped on the window since the last frame
void InstallEventFlags(GLFWwindow* w) {
  glfwSetCursorPosCallback(w, [](GLFWwindow*, double, double) { g_event = true; });
  glfwSetMouseButtonCallback(w, [](GLFWwindow*, int, int action, int) {
    g_event = true;
    g_presses += action == GLFW_PRESS;
  });
  glfwSetScrollCallback(w, [](GLFWwindow*, double, double) { g_event = true; });
  glfwSetKeyCallback(w, [](GLFWwindow*, int key, int, int action, int mods) {
    g_event = true;
    if (key == GLFW_KEY_TAB && action != GLFW_RELEASE && !(mods & GLFW_MOD_CONTROL)) QueueTab(mods & GLFW_MOD_SHIFT);
  });
  glfwSetCharCallback(w, [](GLFWwindow*, unsigned) { g_event = true; });
  glfwSetWindowFocusCallback(w, [](GLFWwindow*, int) { g_event = true; });
  glfwSetCursorEnterCallback(w, [](GLFWwindow*, int) { g_event = true; });
  glfwSetWindowSizeCallback(w, [](GLFWwindow*, int, int) { g_event = true; });
  glfwSetWindowRefreshCallback(w, [](GLFWwindow*) { g_event = true; });
  glfwSetDropCallback(w, [](GLFWwindow*, int n, const char** paths) {
    g_event = true;
    for (int i = 0; i < n && g_dropped.size() < 64; ++i) g_dropped.emplace_back(paths[i]);
  });
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  try {
    if (const int code = ParseOptions(argc, argv, opt); code >= 0) return code;
    // What can be checked before a window opens is: an unwritable output is a message and exit 2,
    // never an exception out of the frame loop later.
    for (const std::string* out : {&opt.layout, &opt.screenshot})
      if (!out->empty())
        if (const std::string why = save_destination_problem(*out); !why.empty())
          throw Error("cannot write " + *out + ": " + why);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz: %s\n", e.what());
    return 2;
  }
  // Tests and measurements (harness/harness.h) run without a person at the window.
  const bool headless = opt.headless();
  Eigen::setNbThreads(1);  // one core trains, the other draws and evaluates
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  // Mesa's software rasteriser (llvmpipe, e.g. under Xvfb) starts a thread a core by default; half
  // the cores leave the rest to training, which measured faster frames' tails and training alike
  // (docs/performance.md). A value the user set wins; real GPUs ignore it.
  if (!std::getenv("LP_NUM_THREADS")) {
    const unsigned cores = std::max(2u, std::thread::hardware_concurrency());
    setenv("LP_NUM_THREADS", std::to_string(cores / 2).c_str(), 0);
  }
  glfwSetErrorCallback([](int code, const char* msg) { std::fprintf(stderr, "nnviz: GLFW error %d: %s\n", code, msg); });
  if (!glfwInit()) {
    std::fprintf(stderr, "nnviz: cannot initialise GLFW (no display? run under xvfb-run for headless use)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  GLFWwindow* win = glfwCreateWindow(opt.width, opt.height, "nnviz", nullptr, nullptr);
  if (!win) {
    std::fprintf(stderr, "nnviz: cannot open an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(headless ? 0 : 1);
  if (!gladLoadGL(glfwGetProcAddress)) {
    std::fprintf(stderr, "nnviz: cannot load OpenGL functions\n");
    return 1;
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  static std::string ini_path;
  if (headless) {
    io.IniFilename = nullptr;  // tests never read or write the user's layout
  } else {
    ini_path = config_dir() + "/layout.ini";  // which views are open and where
    io.IniFilename = ini_path.c_str();
  }
  float scale = 1;
  glfwGetWindowContentScale(win, &scale, nullptr);
  scale = std::clamp(scale, 1.f, 3.f);
  SetupStyle(scale);
  LoadFonts(scale);
  InstallEventFlags(win);
  ImGui_ImplGlfw_InitForOpenGL(win, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  // The keyboard reaches every control: arrows move, Space presses, Enter types into a field.
  // Tab is ours (KeyboardNavigationBegin), so ImGui's own Tab, which only visits text fields and
  // selects what they hold, is unmapped.
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.KeyMap[ImGuiKey_Tab] = -1;
  PartialRedraw redraw;
  redraw.init();
  RedrawCheck redraw_check;

  int status = 0;
  Clock::time_point close_requested_at{};  // --close-after: when the window was closed
  {
    App app;
    if (!headless) app.load_settings();  // tests never read the user's settings
    else app.speed = 0;  // a screenshot's or a benchmark's training at full speed, not at a watchable pace
    // The desktop's file chooser; none in the headless modes, whose dialogs look the same anywhere.
    if (!headless) {
      std::string note;
      app.chooser_tool = FindChooser(std::getenv("NNVIZ_FILE_CHOOSER"), std::getenv("PATH"),
                                     std::getenv("XDG_CURRENT_DESKTOP"), &note);
      if (!note.empty()) std::fprintf(stderr, "nnviz: %s\n", note.c_str());
    }
    if (opt.zoom > 0) app.ui_zoom = opt.zoom;
    app.report.recording = !opt.layout.empty();
    if (opt.classroom) {
      app.classroom_forced = true;  // for this session; the settings file keeps the teacher's choices
      app.classroom = app.hide_setup = app.hide_optimizer = app.hide_data = app.hide_reset = app.hide_files = true;
    }
    if (!headless && access(last_session_path(1, data_home()).c_str(), R_OK) == 0)
      app.say("The last session's unsaved training was kept: Open... > last-session.run.safetensors");
    try {
      app.data_dir = opt.data_dir;
      if (!opt.dataset.empty()) app.setup.dataset = dataset_kind_from_string(opt.dataset);
      if (!opt.preset.empty()) {
        const auto& all = presets();
        const Preset& p = find_preset(opt.preset);
        app.apply_preset(int(&p - all.data()));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nnviz: %s\n", e.what());
      status = 2;
    }
    if (status == 0 && !opt.folder.empty()) {  // the folder is the data: MNIST is not read
      app.folder_dir = opt.folder;
      app.folder_colour = opt.colour;
      app.folder_size = opt.image_size > 0 ? opt.image_size : opt.colour ? 32 : 28;
    }
    const bool last_folder = app.setup.dataset == DatasetKind::Folder && !app.folder_dir.empty() && opt.dataset.empty();
    if (status == 0 && (!opt.folder.empty() || last_folder)) {  // --folder, or the last session's (the settings)
      app.load_folder(app.folder_dir, app.folder_options());
    } else if (status == 0) {
      app.load_data(app.setup.dataset);
    }
    Harness harness(opt, app, win);
    harness.start();

    const auto t_start = std::chrono::steady_clock::now();
    long frames_drawn = 0;
    // ImGui's clock (which the app's timers use) moves only when a frame starts; between frames
    // it is read as its value at the last frame plus the time since.
    double ui_time_at_frame = 0, glfw_time_at_frame = glfwGetTime();
    auto ui_now = [&] { return ui_time_at_frame + (glfwGetTime() - glfw_time_at_frame); };
    bool was_live = true;
    bool font_filter_set = false;
    float ui_scale = scale;
    // Measuring modes train throwaway runs: nothing is kept at their close.
    const bool measuring = opt.measuring();
    // The close button (or --close-after): the unsaved training is kept before the window goes;
    // when it cannot be, the window stays and asks (file_dialog.cpp, CloseDialog).
    auto check_close = [&]() {
      if (app.close_now) glfwSetWindowShouldClose(win, GLFW_TRUE), app.close_now = false;
      if (!glfwWindowShouldClose(win) || measuring || app.close_confirmed || !app.kept_at_close.empty()) return;
      app.finish_save(true);  // a save in flight is part of what the close keeps
      if (!app.unsaved_work()) return;
      std::string why;
      app.kept_at_close = app.save_last_session(&why);
      if (!app.kept_at_close.empty()) return;
      app.close_problem = why.empty() ? "unknown error" : why;
      app.close_request = true;
      app.say("Closing: the unsaved training could not be kept (" + app.close_problem + ")", true);
      glfwSetWindowShouldClose(win, GLFW_FALSE);
    };
    auto window_open = [&]() {
      check_close();  // every time round, whichever way the last iteration ended
      return !glfwWindowShouldClose(win);
    };
    while (status == 0 && window_open() && !g_quit) {
      const auto frame_begin = std::chrono::steady_clock::now();
      const double t_run = std::chrono::duration<double>(frame_begin - t_start).count();
      if (!harness.loop_start(t_run, status)) break;

      // Idle means idle: frames come at the loop's pace while anything is live (App::next_frame_due
      // names it all: training, a comparison, the playground, the landscape, a dialog to open,
      // ImGui settling after an event), one more after that to show where it ended; otherwise
      // the loop sleeps until an event or the next moment something is due, and on waking for
      // neither draws only if a run has news (looked for often just after training, when an
      // epoch's evaluation may still arrive, and once a second otherwise).
      const double due = opt.drives_itself() ? ui_now() : app.next_frame_due(ui_now());
      const bool live = due <= ui_now();
      g_event = false;
      if (live || was_live) {
        glfwPollEvents();
      } else {
        glfwWaitEventsTimeout(std::clamp(std::min(due - ui_now(), app.news_check_interval(ui_now())), 0.001, 1.0));
        if (!g_event && ui_now() < due && !app.has_news() && !app.take_comparison_news()) continue;
      }
      was_live = live;
      if (g_event) {
        // Any window event, a key as much as a mouse move: ImGui gets a few frames to settle.
        app.settle_frames = 3;
        app.settle_until = ui_now() + 0.25;
      }

      app.poll();
      for (std::string& f : g_dropped) app.dropped.push_back(std::move(f));
      g_dropped.clear();
      const Harness::Go go = harness.before_frame(t_run, frame_begin);
      if (go == Harness::Go::Stop) break;
      if (go == Harness::Go::Skip) continue;
      ImGui_ImplOpenGL3_NewFrame();
      {
        // HiDPI (the monitor's content scale, which changes when the window moves to another
        // monitor) times the user's zoom (Ctrl+= / Ctrl+- / Ctrl+0): fonts and sizes are rebuilt
        // when the product changes.
        float cs = 1;
        glfwGetWindowContentScale(win, &cs, nullptr);
        const float want = std::clamp(cs, 1.f, 3.f) * std::clamp(app.ui_zoom, 0.5f, 3.f);
        if (std::fabs(want - ui_scale) > 1e-3f) {
          ui_scale = want;
          io.Fonts->Clear();
          LoadFonts(ui_scale);
          ImGui_ImplOpenGL3_DestroyFontsTexture();
          ImGui_ImplOpenGL3_CreateFontsTexture();
          SetupStyle(ui_scale);
          font_filter_set = false;
          redraw.invalidate();
        }
      }
      if (!font_filter_set && io.Fonts->TexID) {
        // The atlas is drawn 1:1 (glyphs snap to pixels): nearest sampling looks the same as
        // linear and costs a software rasteriser a quarter of the texel reads for every pixel.
        glBindTexture(GL_TEXTURE_2D, GLuint(reinterpret_cast<intptr_t>(io.Fonts->TexID)));
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        font_filter_set = true;
      }
      ImGui_ImplGlfw_NewFrame();
      if (headless) io.MousePos = {-FLT_MAX, -FLT_MAX};  // no stray hover tooltips in screenshots
      app.input_presses = g_presses;
      ClipCheckNewFrame();
      ImGui::NewFrame();
      KeyboardNavigationBegin();
      glfw_time_at_frame = glfwGetTime();
      ui_time_at_frame = ImGui::GetTime();
      app.frame_wanted_at = App::kNever;  // the views ask again in this frame if they still need to
      app.report.marks.clear();
      if (app.settle_frames > 0) --app.settle_frames;

      DrawPanes(app);

      ImGui::Render();
      ++frames_drawn;
      harness.after_render(frames_drawn, status);
      const auto frame_built = std::chrono::steady_clock::now();
      int fb_w, fb_h;
      glfwGetFramebufferSize(win, &fb_w, &fb_h);
      glViewport(0, 0, fb_w, fb_h);
      const float sx = fb_w / std::max(1.f, io.DisplaySize.x), sy = fb_h / std::max(1.f, io.DisplaySize.y);
      {
        // Only what changed since the last frame, where that is cheaper (redraw.h); each
        // rectangle in the panes' background colour first (the backdrop windows draw none).
        const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
        ImDrawData& dd = *ImGui::GetDrawData();
        const auto& rects = redraw.plan(dd, BackdropSignature());
        for (const ImVec4& r : rects) {
          RenderBackdrops(fb_h, sx, sy, r, bg);
          redraw.draw(dd, r);
        }
        if (opt.redraw_check) {
          redraw_check.compare(fb_w, fb_h, redraw.drawn_share() < 1, [&] {
            RenderBackdrops(fb_h, sx, sy, {0, 0, io.DisplaySize.x, io.DisplaySize.y}, bg);
            ImGui_ImplOpenGL3_RenderDrawData(&dd);
          });
        }
        EndBackdrops();
        redraw.finish();
      }
      const auto frame_submitted = std::chrono::steady_clock::now();
      for (const auto& r : app.png_requests)
        if (!SavePng(r.path, fb_w, fb_h, sx, sy, r.min, r.max)) app.say("Could not write " + r.path, true);
        else app.say("Saved the plot to " + r.path);
      app.png_requests.clear();
      app.recorder.capture(fb_w, fb_h, sx, sy, app.shown_step(), app.timeline.weights != nullptr);

      const FrameDone done{frame_begin, frame_built, frame_submitted, t_run, fb_w, fb_h, sx, sy, redraw.drawn_share()};
      if (!harness.after_frame(done, status)) break;
      glfwSwapBuffers(win);
      // Cap at about 60 frames per second while busy (Xvfb has no vsync to wait on). The frame
      // benchmark paces itself the same way, so it measures the app as a user runs it.
      if (!headless || opt.paced()) {
        const auto next = frame_begin + std::chrono::microseconds(16000);
        std::this_thread::sleep_until(next);
      }
    }
    app.finish_save(true);  // a save in flight ends before the window does
    if (!headless) app.save_settings();
    // Closing the window never loses training: what was not saved is kept for the next session
    // (not after the measuring modes, whose runs are throwaway). The close button kept it in the
    // loop already; SIGTERM, which cannot ask, keeps it here.
    if (!app.kept_at_close.empty()) {
      std::fprintf(stderr, "nnviz: the run's unsaved training is kept in %s (Open... reopens it)\n",
                   app.kept_at_close.c_str());
    } else if (!measuring && !app.close_confirmed) {
      const std::string kept = app.save_last_session();
      if (!kept.empty())
        std::fprintf(stderr, "nnviz: the run's unsaved training is kept in %s (Open... reopens it)\n", kept.c_str());
    }
    harness.finish(status);
    close_requested_at = harness.close_requested_at();
    // A folder being read stops within one picture, so that the window closes at once.
    if (app.folder_load.progress) app.folder_load.progress->cancel = true;
  }  // App (and its run's threads) end here, before the GL context goes
  if (opt.redraw_check) {
    std::printf("%s\n", redraw_check.report().c_str());
    if (status == 0 && !redraw_check.ok()) status = 5;
  }
  ShutdownHeatmaps();
  ShutdownLines();

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(win);
  glfwTerminate();
  if (close_requested_at.time_since_epoch().count() != 0)
    std::printf("{\"bench\":\"close\",\"close_to_exit_ms\":%.1f}\n",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - close_requested_at).count());
  return status;
}
