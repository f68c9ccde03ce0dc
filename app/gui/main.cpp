// nnviz: the desktop app. GLFW window, OpenGL 3.3 core, Dear ImGui 1.86.
//
//   nnviz [--preset NAME] [--dataset mnist|fashion] [--data DIR]
//
// Headless use, for tests and screenshots (under xvfb-run):
//   nnviz --screenshot FILE [--frames N] [--train-steps K] [--layout FILE] [--size WxH]
//     trains K mini-batches at full speed, draws N more frames, saves the last one as PNG and
//     exits; --layout writes where the plots were drawn, as JSON, for the screenshot checks.
//   nnviz --bench-frames N [--size WxH]   frame times while training, printed as JSON.
//   nnviz --bench-heatmaps S   training speed with the weights, activations and layer statistics
//     views open (refreshing at 10 Hz, frames capped at 60 per second) against closed, in
//     alternating phases of one run over S seconds; medians as JSON (bench_inside.cpp).
//   --scrub STEP   (with --screenshot) after training, scrub the timeline back to STEP.
//
// Tests that drive the real window with X events set NNVIZ_STATE_FILE=PATH: the app then writes
// what it shows and where its controls are to PATH as JSON from every drawn frame (state_dump.cpp).
// NNVIZ_CLIP_REPORT=PATH: every text ImGui cuts (a label wider than its button, a line past the
// edge of a pane) is written to PATH as JSON (clip_check.h); with --screenshot the frames after
// training are checked, otherwise every frame from the third on.
#include <glad/gl.h>
// glad first: GLFW is built with GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_internal.h>  // the windows on screen, for the layout a screenshot writes
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <Eigen/Core>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "app.h"
#include "args.h"
#include "base/fileio.h"
#include "base/json.h"
#include "harness/clip_check.h"
#include "render/backdrop.h"
#include "render/redraw.h"
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
std::chrono::steady_clock::time_point close_requested_at;  // --close-after: when the window was closed
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
}

struct Options {
  std::string screenshot, layout, preset, data_dir, dataset;
  int frames = 30;
  long train_steps = 0;
  int bench_frames = 0;
  std::vector<std::string> open_views;
  int stage = -1;  // step-through stage to show
  bool draw_demo = false;  // draw a digit on the canvas, as a user would (screenshots)
  std::string compare;     // start this ready-made comparison (screenshots)
  std::string save_run, load;  // save the run after training; open a run or model at start
  bool save_comparison = false, open_comparison = false;  // in the user's nnviz data folder
  double idle_check = 0;   // measure the app's own CPU use while idle for this many seconds
  bool redraw_check = false;  // draw every frame whole as well, off screen, and compare (redraw.h)
  double close_after = 0;  // train, then close the window (as a user would) after this many seconds
  double soak = 0;         // every view open, training, for this many seconds; memory and frame times
  int width = 1280, height = 800;
  long scrub = -1;           // scrub the timeline back to this step before the screenshot
  bool canvas_run = false;   // the canvas reads with the current run's weights, not the bundled model
  double bench_heatmaps = 0; // seconds of the views-open / views-closed comparison
  bool classroom = false;    // start in classroom mode with every choice hidden (a lesson's launcher)
  float zoom = 0;            // the interface's size (1: the monitor's own scale), as Ctrl+= / Ctrl+- set it
};

// The views --open takes: one list for the parser, the usage text and the app.
struct ViewName {
  const char* name;
  bool Views::*on;
  int playground_mode;  // for the playground: 0 the 1-D regression, 1 the 2-D classification; else -1
};
const ViewName kViewNames[] = {
    {"curves", &Views::curves, -1},          {"weights", &Views::weights, -1},
    {"activations", &Views::activations, -1}, {"stepthrough", &Views::stepthrough, -1},
    {"canvas", &Views::canvas, -1},          {"compare", &Views::compare, -1},
    {"analysis", &Views::analysis, -1},      {"playground", &Views::playground, 0},
    {"playground2d", &Views::playground, 1}, {"landscape", &Views::landscape, -1},
    {"stats", &Views::stats, -1}};

std::string view_list() {
  std::string v;
  for (const auto& n : kViewNames) v += (v.empty() ? "" : "|") + std::string(n.name);
  return v;
}

std::string usage() {
  return "usage: nnviz [--preset NAME] [--dataset mnist|fashion] [--data DIR] [--data-home DIR]\n"
         "             [--open VIEW]... [--classroom] [--zoom F] [--load FILE]\n"
         "  VIEW: " + view_list() + "\n"
         "\n"
         "for tests and measurements (under xvfb-run):\n"
         "  nnviz --screenshot FILE [--frames N] [--train-steps K] [--layout FILE] [--size WxH]\n"
         "        [--stage N] [--draw-demo] [--scrub STEP] [--canvas-run] [--compare READY]\n"
         "        [--save-run FILE] [--save-comparison] [--open-comparison]\n"
         "  nnviz --bench-frames N | --bench-heatmaps SECONDS | --idle-check SECONDS | --soak SECONDS\n"
         "        [--redraw-check] [--close-after SECONDS]\n";
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::fputs(usage().c_str(), stdout);
      std::exit(0);
    }
  // The same parser as nnviz-cli's: every number checked whole and against its range.
  const cli::Args a(argc, argv, 1,
                    {"screenshot", "layout", "preset", "data", "dataset", "frames", "train-steps", "bench-frames",
                     "open", "scrub", "bench-heatmaps", "stage", "compare", "save-run", "load", "data-home", "zoom",
                     "idle-check", "close-after", "soak", "size"},
                    {"draw-demo", "canvas-run", "save-comparison", "open-comparison", "classroom", "redraw-check"});
  if (!a.positional().empty()) throw Error("unexpected argument '" + a.positional()[0] + "' (see --help)");
  o.screenshot = a.str("screenshot");
  o.layout = a.str("layout");
  o.preset = a.str("preset");
  o.data_dir = a.str("data");
  o.dataset = a.str("dataset");
  o.frames = a.integer("frames", o.frames, 1, 100000);
  o.train_steps = a.integer("train-steps", 0, 0, 100000000);
  o.bench_frames = a.integer("bench-frames", 0, 1, 1000000);
  for (const std::string& v : a.all("open")) {
    bool known = false;
    for (const auto& n : kViewNames) known = known || v == n.name;
    if (!known) throw Error("unknown view '" + v + "' for --open (" + view_list() + ")");
    o.open_views.push_back(v);
  }
  o.scrub = a.has("scrub") ? a.integer("scrub", 0, 0, 2000000000) : -1;
  o.bench_heatmaps = a.number("bench-heatmaps", 0, 4, 86400);
  o.stage = a.integer("stage", 0, 1, 1000) - 1;  // the step-through numbers its stages from 1
  o.draw_demo = a.has("draw-demo");
  o.canvas_run = a.has("canvas-run");
  o.compare = a.str("compare");
  o.save_run = a.str("save-run");
  o.load = a.str("load");
  o.save_comparison = a.has("save-comparison");
  o.open_comparison = a.has("open-comparison");
  if (a.has("data-home")) setenv("XDG_DATA_HOME", a.str("data-home").c_str(), 1);
  o.classroom = a.has("classroom");
  o.zoom = float(a.number("zoom", 0, 0.5, 3));
  o.redraw_check = a.has("redraw-check");
  o.idle_check = a.number("idle-check", 0, 1, 3600);
  o.close_after = a.number("close-after", 0, 0.1, 3600);
  o.soak = a.number("soak", 0, 120, 86400);
  if (a.has("size")) {
    const std::string v = a.str("size");
    char tail = 0;
    if (std::sscanf(v.c_str(), "%dx%d%c", &o.width, &o.height, &tail) != 2 || o.width < 320 || o.height < 240 ||
        o.width > 16384 || o.height > 16384)
      throw Error("--size expects WxH from 320x240 to 16384x16384, e.g. 1280x800; got '" + v + "'");
  }
  if (!a.has("screenshot"))
    for (const char* shot_only : {"frames", "train-steps", "layout", "stage", "scrub", "save-run", "compare"})
      if (a.has(shot_only)) throw Error(std::string("--") + shot_only + " goes with --screenshot (see --help)");
  return true;
}

void SetupStyle(float scale) {
  // From ImGui's defaults every time: ScaleAllSizes multiplies what is there, so scaling the
  // previous zoom's style compounded (six steps up and back left scrollbars 45-90 px wide).
  ImGui::GetStyle() = ImGuiStyle();
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;  // the views tile the window like panes
  s.FrameRounding = 4;
  s.GrabRounding = 4;
  s.PopupRounding = 4;
  s.ScrollbarRounding = 6;
  s.WindowBorderSize = 1;
  s.FramePadding = {7, 4};
  s.ItemSpacing = {8, 6};
  s.AntiAliasedLinesUseTex = false;  // lines anti-aliased by geometry: the atlas is sampled nearest
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = {0.105f, 0.11f, 0.125f, 1};
  c[ImGuiCol_ChildBg] = {0, 0, 0, 0};  // children show their window's background
  c[ImGuiCol_PopupBg] = {0.12f, 0.125f, 0.14f, 0.98f};
  c[ImGuiCol_FrameBg] = {0.16f, 0.17f, 0.195f, 1};
  c[ImGuiCol_FrameBgHovered] = {0.21f, 0.225f, 0.26f, 1};
  c[ImGuiCol_FrameBgActive] = {0.25f, 0.27f, 0.31f, 1};
  c[ImGuiCol_TitleBg] = {0.085f, 0.09f, 0.10f, 1};
  c[ImGuiCol_TitleBgActive] = {0.13f, 0.14f, 0.17f, 1};
  c[ImGuiCol_Button] = {0.22f, 0.36f, 0.56f, 1};
  c[ImGuiCol_ButtonHovered] = {0.28f, 0.45f, 0.68f, 1};
  c[ImGuiCol_ButtonActive] = {0.20f, 0.33f, 0.52f, 1};
  c[ImGuiCol_Header] = {0.22f, 0.36f, 0.56f, 0.55f};
  c[ImGuiCol_HeaderHovered] = {0.28f, 0.45f, 0.68f, 0.8f};
  c[ImGuiCol_CheckMark] = {0.98f, 0.65f, 0.25f, 1};
  c[ImGuiCol_SliderGrab] = {0.98f, 0.65f, 0.25f, 1};
  c[ImGuiCol_SliderGrabActive] = {1.0f, 0.75f, 0.35f, 1};
  c[ImGuiCol_Border] = {0.25f, 0.26f, 0.30f, 0.8f};
  c[ImGuiCol_Separator] = {0.25f, 0.26f, 0.30f, 0.8f};
  s.ScaleAllSizes(scale);
}

void LoadFonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  const char* regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const char* bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  ImFontConfig cfg;
  cfg.PixelSnapH = true;  // whole-pixel glyph positions: the atlas is sampled 1:1 (nearest)
  if (file_exists(regular)) io.Fonts->AddFontFromFileTTF(regular, 15.f * scale, &cfg);
  else io.Fonts->AddFontDefault(&cfg);  // fonts-dejavu-core missing: ImGui's built-in font
  if (file_exists(bold)) io.Fonts->AddFontFromFileTTF(bold, 19.f * scale, &cfg);
}

// Reads the back buffer (after rendering, before the swap) and writes a region as PNG.
bool SavePng(const std::string& path, int fb_w, int fb_h, float sx, float sy, ImVec2 min, ImVec2 max) {
  std::vector<unsigned char> px(size_t(fb_w) * fb_h * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, fb_w, fb_h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  const int x0 = std::clamp(int(min.x * sx), 0, fb_w), x1 = std::clamp(int(max.x * sx), 0, fb_w);
  const int y0 = std::clamp(int(min.y * sy), 0, fb_h), y1 = std::clamp(int(max.y * sy), 0, fb_h);
  const int w = x1 - x0, h = y1 - y0;
  if (w <= 0 || h <= 0) return false;
  std::vector<unsigned char> out(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y) {  // GL rows start at the bottom
    const unsigned char* src = &px[(size_t(fb_h - 1 - (y0 + y)) * fb_w + x0) * 4];
    unsigned char* dst = &out[size_t(y) * w * 4];
    std::memcpy(dst, src, size_t(w) * 4);
    for (int x = 0; x < w; ++x) dst[x * 4 + 3] = 255;
  }
  const std::string tmp = path + ".part.png";
  if (!stbi_write_png(tmp.c_str(), w, h, 4, out.data(), w * 4)) return false;
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

json::Value RectJson(const PlotRect& r) {
  json::Value a = json::Value::array();
  a.push(double(r.min.x));
  a.push(double(r.min.y));
  a.push(double(r.max.x));
  a.push(double(r.max.y));
  return a;
}

}  // namespace

// --bench-frames N: the app as a user runs it (at most 60 frames a second) while its run trains,
// in alternating phases of drawing and of not drawing (as if the window were minimised), so that
// training speed with and without the window is compared within one process. Frame time counts
// from the start of a frame to the end of its rendering (glFinish), not the pacing sleep.
struct FrameBench {
  static constexpr double kWarmup = 1.5, kPhase = 2.5;
  bool started = false, drawing = true;
  double phase_start = -1;
  long phase_step = 0;
  int phases = 0;
  std::vector<double> frame_ms, rate_drawing, rate_quiet;
  // Where a frame's time goes: building the UI (ImGui, up to Render), handing the draw lists to
  // GL, and waiting for the rasteriser (glFinish); and how many vertices it drew.
  std::vector<double> build_ms, submit_ms, raster_ms, vertices, drawn;  // drawn: share of the pixels

  // Ends a phase when due; true when the benchmark has all it needs.
  bool tick(double now, long step, int batch, int frames_wanted) {
    if (phase_start < 0) {
      phase_start = now + kWarmup;  // the first phase starts after a warm-up
      phase_step = -1;
      return false;
    }
    if (now < phase_start) {
      frame_ms.clear();
      build_ms.clear();
      submit_ms.clear();
      raster_ms.clear();
      vertices.clear();
      drawn.clear();
      return false;
    }
    if (phase_step < 0) phase_step = step;
    if (now - phase_start < kPhase) return false;
    const double rate = double(step - phase_step) * batch / (now - phase_start);
    (drawing ? rate_drawing : rate_quiet).push_back(rate);
    ++phases;
    drawing = !drawing;
    phase_start = now;
    phase_step = step;
    return int(frame_ms.size()) >= frames_wanted && rate_quiet.size() >= 3 && rate_drawing.size() >= 3 &&
           rate_drawing.size() == rate_quiet.size();
  }
  static double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(double(v.size()) * q))];
  }
  void print(long steps) const {
    // The frames that drew at least a third of the window again (under a software rasteriser the
    // others draw only what changed: the status bar, the timeline).
    std::vector<double> big, big_raster;
    for (size_t i = 0; i < frame_ms.size() && i < drawn.size(); ++i)
      if (drawn[i] >= 1 / 3.0) big.push_back(frame_ms[i]), big_raster.push_back(raster_ms[i]);
    const double with = quantile(rate_drawing, 0.5), without = quantile(rate_quiet, 0.5);
    std::printf("{\"bench\":\"frames\",\"frames\":%zu,\"median_ms\":%.2f,\"p95_ms\":%.2f,\"max_ms\":%.2f,"
                "\"samples_per_s_drawing\":%.0f,\"samples_per_s_not_drawing\":%.0f,\"ratio\":%.3f,"
                "\"build_ms\":[%.2f,%.2f],\"submit_ms\":[%.2f,%.2f],\"raster_ms\":[%.2f,%.2f],\"vertices\":%.0f,\"drawn_share\":%.2f,"
                "\"big_frames\":%zu,\"big_median_ms\":%.2f,\"big_p95_ms\":%.2f,\"big_raster_ms\":%.2f,"
                "\"phases\":%d,\"steps\":%ld}\n",
                frame_ms.size(), quantile(frame_ms, 0.5), quantile(frame_ms, 0.95), quantile(frame_ms, 1.0), with,
                without, without > 0 ? with / without : 0.0, quantile(build_ms, 0.5), quantile(build_ms, 0.95),
                quantile(submit_ms, 0.5), quantile(submit_ms, 0.95), quantile(raster_ms, 0.5),
                quantile(raster_ms, 0.95), quantile(vertices, 0.5), quantile(drawn, 0.5), big.size(),
                quantile(big, 0.5), quantile(big, 0.95), quantile(big_raster, 0.5), phases, steps);
  }
};

int main(int argc, char** argv) {
  Options opt;
  try {
    parse(argc, argv, opt);
    // What can be checked before a window opens is: a bad name or an unwritable output is a
    // message and exit 2, never an exception out of the frame loop later.
    if (!opt.compare.empty()) (void)ready_made(opt.compare);
    for (const std::string* out : {&opt.layout, &opt.screenshot})
      if (!out->empty())
        if (const std::string why = save_destination_problem(*out); !why.empty())
          throw Error("cannot write " + *out + ": " + why);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz: %s\n", e.what());
    return 2;
  }
  const bool headless = !opt.screenshot.empty() || opt.bench_frames > 0 || opt.idle_check > 0 || opt.bench_heatmaps > 0;
  const bool drives_itself = !opt.screenshot.empty() || opt.bench_frames > 0 || opt.close_after > 0 || opt.soak > 0 ||
                             opt.bench_heatmaps > 0;
  Eigen::setNbThreads(1);  // one core trains, the other draws and evaluates
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  // Mesa's software rasteriser (llvmpipe, e.g. under Xvfb) starts a thread a core by default; half
  // the cores leave the rest to training, which measured faster frames' tails and training alike
  // (README: Speed). A value the user set wins; real GPUs ignore it.
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
    app.record_marks = !opt.layout.empty();
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
    for (const auto& v : opt.open_views)
      for (const auto& n : kViewNames)
        if (v == n.name) {
          app.views.*n.on = true;
          if (n.playground_mode >= 0) app.playground.mode = n.playground_mode;
        }
    if (status == 0) app.load_data(app.setup.dataset);
    if (opt.canvas_run) app.canvas.use_bundled = false;
    if (opt.draw_demo) {
      // A "3" in two arcs, drawn off-centre and small, the way a hurried user might.
      app.views.canvas = true;
      app.canvas.ink.assign(size_t(app.canvas.size) * app.canvas.size, 0.f);
      auto arc = [&](float cx, float cy, float r, float a0, float a1) {
        ImVec2 prev{cx + r * std::cos(a0), cy + r * std::sin(a0)};
        for (int k = 1; k <= 24; ++k) {
          const float a = a0 + (a1 - a0) * k / 24;
          const ImVec2 p{cx + r * std::cos(a), cy + r * std::sin(a)};
          CanvasStroke(app.canvas, prev, p, 16, false);
          prev = p;
        }
      };
      arc(110, 95, 38, -2.6f, 1.57f);
      arc(110, 170, 40, -1.57f, 2.6f);
    }

    bool steps_requested = false, trace_requested = false, bench_started = false;
    close_requested_at = {};
    int frames_after = 0;
    FrameBench bench;
    const auto t_start = std::chrono::steady_clock::now();
    if (const char* f = std::getenv("NNVIZ_STATE_FILE"); f && *f) app.state_file = f;
    std::string clip_report;
    if (const char* f = std::getenv("NNVIZ_CLIP_REPORT"); f && *f) clip_report = f;
    ClipCheckEnable(!clip_report.empty());
    auto write_clip_report = [&] {
      try {
        write_file_atomic(clip_report, ClipCheckReport(), "clipped-text report");
      } catch (const std::exception& e) {
        std::fprintf(stderr, "nnviz: %s\n", e.what());
        status = 1;
      }
    };
    long frames_drawn = 0;
    // ImGui's clock (which the app's timers use) moves only when a frame starts; between frames
    // it is read as its value at the last frame plus the time since.
    double ui_time_at_frame = 0, glfw_time_at_frame = glfwGetTime();
    auto ui_now = [&] { return ui_time_at_frame + (glfwGetTime() - glfw_time_at_frame); };
    bool was_live = true;
    bool font_filter_set = false;
    float ui_scale = scale;
    // Measuring modes train throwaway runs: nothing is kept at their close.
    const bool measuring = !opt.screenshot.empty() || opt.bench_frames > 0 || opt.bench_heatmaps > 0 || opt.soak > 0 ||
                           opt.idle_check > 0;
    // The close button (or --close-after): the unsaved training is kept before the window goes;
    // when it cannot be, the window stays and asks (file_dialog.cpp, CloseDialog).
    auto check_close = [&]() {
      if (app.close_now) glfwSetWindowShouldClose(win, GLFW_TRUE), app.close_now = false;
      if (!glfwWindowShouldClose(win) || measuring || app.close_confirmed || !app.kept_at_close.empty()) return;
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
      if (opt.idle_check > 0) {
        // Once the run has settled (data loaded, first evaluation done), CPU time over a while.
        static double settled_at = -1, cpu0 = 0;
        auto cpu_seconds = [] {
          rusage u;
          getrusage(RUSAGE_SELF, &u);
          return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
        };
        if (settled_at < 0 && app.run && app.run->idle() && t_run > 2) {
          settled_at = t_run;
          cpu0 = cpu_seconds();
        } else if (settled_at >= 0 && t_run - settled_at >= opt.idle_check) {
          const double share = (cpu_seconds() - cpu0) / (t_run - settled_at);
          std::printf("{\"bench\":\"idle\",\"seconds\":%.1f,\"cpu_share\":%.4f}\n", t_run - settled_at, share);
          status = share < 0.02 ? 0 : 4;
          break;
        }
        if (t_run > 120) status = 3;
      }

      // Idle means idle: frames come at the loop's pace while anything is live (App::next_frame_due
      // names it all: training, a comparison, the playground, the landscape, a dialog to open,
      // ImGui settling after an event), one more after that to show where it ended; otherwise
      // the loop sleeps until an event or the next moment something is due, and on waking for
      // neither draws only if a run has news (looked for often just after training, when an
      // epoch's evaluation may still arrive, and once a second otherwise).
      const double due = drives_itself ? ui_now() : app.next_frame_due(ui_now());
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
      if (opt.bench_frames > 0 && app.run) {
        if (!bench.started) {
          app.run->set_epochs(100000);
          app.run->play();
          bench.started = true;
        }
        if (bench.tick(t_run, app.snap.step, app.snap.config.batch, opt.bench_frames)) {
          bench.print(app.snap.step);
          break;
        }
        if (!bench.drawing) {  // as if the window were minimised: no frames, only the snapshots
          std::this_thread::sleep_until(frame_begin + std::chrono::microseconds(16000));
          continue;
        }
      }
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
      app.marks.clear();
      if (app.settle_frames > 0) --app.settle_frames;

      const ImGuiViewport* vp = ImGui::GetMainViewport();
      const float status_h = ImGui::GetFrameHeight() * 1.3f;
      const float side_w = app.sidebar_folded ? ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.x * 2
                                              : std::min(vp->WorkSize.x * 0.4f, ImGui::GetFontSize() * 22);
      BackdropWindow(vp->WorkPos, {side_w, vp->WorkSize.y - status_h});
      DrawSidebar(app, vp->WorkPos, {side_w, vp->WorkSize.y - status_h});
      {
        // The open views share the main area: one fills it, two sit side by side, three put the
        // first on the left and stack the others, four make a grid.
        struct ViewSlot { bool* open; void (*draw)(App&, bool*); };
        ViewSlot all[] = {{&app.views.curves, DrawCurves},
                          {&app.views.weights, DrawWeights},
                          {&app.views.activations, DrawActivations},
                          {&app.views.stepthrough, DrawStepThrough},
                          {&app.views.canvas, DrawCanvas},
                          {&app.views.compare, DrawCompare},
                          {&app.views.analysis, DrawAnalysis},
                          {&app.views.playground, DrawPlayground},
                          {&app.views.landscape, DrawLandscape},
                          {&app.views.stats, DrawLayerStats}};
        std::vector<ViewSlot> shown;
        for (auto& v : all)
          if (*v.open) shown.push_back(v);
        const float gap = 6;
        const ImVec2 a0{vp->WorkPos.x + side_w + gap, vp->WorkPos.y + gap};
        const float timeline_h = TimelineHeight(app);  // the timeline strip sits above the status bar
        DrawTimeline(app, {vp->WorkPos.x + side_w, vp->WorkPos.y + vp->WorkSize.y - status_h - timeline_h},
                     {vp->WorkSize.x - side_w, timeline_h});
        const ImVec2 a1{vp->WorkPos.x + vp->WorkSize.x - gap,
                        vp->WorkPos.y + vp->WorkSize.y - status_h - timeline_h - gap};
        const float W = a1.x - a0.x, H = a1.y - a0.y, hw = (W - gap) / 2, hh = (H - gap) / 2;
        const size_t n = shown.size();
        for (size_t i = 0; i < n; ++i) {
          ImVec2 pos = a0, size{W, H};
          if (n == 2 || (n == 3 && i == 0)) size = {hw, H};
          if (n == 2 && i == 1) pos.x += hw + gap;
          if (n == 3 && i > 0) pos = {a0.x + hw + gap, a0.y + (i - 1) * (hh + gap)}, size = {hw, hh};
          if (n >= 4) {  // a grid of two columns
            const size_t rows = (n + 1) / 2;
            const float rh = (H - gap * (rows - 1)) / rows;
            pos = {a0.x + (i % 2) * (hw + gap), a0.y + (i / 2) * (rh + gap)};
            size = {(n % 2 && i == n - 1) ? W : hw, rh};
          }
          const ImGuiCond cond = app.views.tile ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
          ImGui::SetNextWindowPos(pos, cond);
          ImGui::SetNextWindowSize(size, cond);
          if (app.views.tile) BackdropWindow(pos, size);  // tiles never overlap: nothing lies beneath
          shown[i].draw(app, shown[i].open);
        }
      }
      if (app.views.demo) ImGui::ShowDemoWindow(&app.views.demo);
      BackdropWindow({vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - status_h}, {vp->WorkSize.x, status_h});
      DrawStatusBar(app, {vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - status_h}, {vp->WorkSize.x, status_h});
      DrawFileDialogs(app);
      HandleShortcuts(app);
      if (!app.views.curves && ImGui::IsKeyPressed(GLFW_KEY_C, false) && !io.WantTextInput) app.views.curves = true;
      if (KeyboardNavigationEnd()) app.settle_frames = std::max(app.settle_frames, 2);

      ImGui::Render();
      ++frames_drawn;
      if (!app.state_file.empty()) WriteStateDump(app, frames_drawn);
      if (!clip_report.empty() && opt.screenshot.empty() && frames_drawn >= 3 && ClipCheckFrame() > 0)
        write_clip_report();
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

      // --- headless: train, draw, screenshot, exit
      const double since_start = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
      if (!opt.screenshot.empty()) {
        if (!app.data_error.empty()) {
          std::fprintf(stderr, "nnviz: %s\n", app.data_error.c_str());
          status = 1;
        }
        // Phase 1: K mini-batches at full pace; phase 2 (step-through open): one recorded step.
        const bool want_trace = app.views.stepthrough;
        const long want = opt.compare.empty() ? opt.train_steps + (want_trace ? 1 : 0) : 0;
        if (app.run && !steps_requested && opt.open_comparison) {
          app.views.compare = true;
          app.views.curves = false;
          try {
            app.compare.saved = std::make_unique<SavedComparison>(
                load_comparison(data_home() + "/comparison.json", data_home() + "/comparison.csv"));
          } catch (const std::exception& e) {
            std::fprintf(stderr, "nnviz: %s\n", e.what());
            status = 1;
          }
        }
        if (app.run && !steps_requested && !opt.load.empty()) {
          app.load_model(opt.load);
          if (app.message_is_error) {
            std::fprintf(stderr, "nnviz: %s\n", app.message.c_str());
            status = 1;
          }
        }
        if (app.run && !steps_requested && !opt.compare.empty()) {
          // A ready-made comparison, each run trained K mini-batches (the main run stays at 0).
          app.views.compare = true;
          app.views.curves = false;
          app.compare.spec = ready_made(opt.compare);
          app.compare.values_text.clear();
          for (const auto& v : app.compare.spec.values)
            app.compare.values_text += (app.compare.values_text.empty() ? "" : ",") + v;
          app.compare.cmp = std::make_unique<Comparison>(app.compare.spec, app.data);
          for (size_t i = 0; i < app.compare.cmp->size(); ++i) app.compare.cmp->run(i).run_steps(opt.train_steps);
          steps_requested = true;
        } else if (app.run && !steps_requested) {
          if (opt.train_steps > 0) app.run->run_steps(opt.train_steps);
          steps_requested = true;
        } else if (app.run && want_trace && !trace_requested && app.snap.step >= opt.train_steps && app.run->idle()) {
          app.run->step_batch();
          trace_requested = true;
        }
        const bool compared = !app.compare.cmp || (app.compare.cmp->idle() && !app.compare.series.empty() &&
                                                   long(app.compare.series[0].step.size()) >= opt.train_steps);
        const bool trained = app.run && app.snap.step >= want && app.run->idle() && (!want_trace || app.snap.trace) &&
                             compared;
        if (trained && opt.stage >= 0) app.step_view.stage = opt.stage;
        if (trained && opt.scrub >= 0) app.timeline.scrub = opt.scrub;
        if (trained && app.views.analysis && !app.analysis.result && !app.analysis.pending.valid()) {
          auto net = std::make_shared<Network>(app.run->copy_network());
          auto data = app.data;
          app.analysis.step = app.snap.step;
          app.analysis.pending = std::async(std::launch::async, [net, data] { return analyse(*net, data->val, 10); });
        }
        const bool analysed = (!app.views.analysis || app.analysis.result) &&
                              (!app.views.playground || (app.playground.pg && app.playground.pg->steps() >= 3000)) &&
                              (!app.views.landscape || app.landscape.shown >= app.landscape.steps);
        if (trained && frames_after == 0 && !opt.save_run.empty()) app.save_model(opt.save_run);
        if (trained && frames_after == 0 && opt.save_comparison && app.compare.cmp)
          app.compare.cmp->save(data_home() + "/comparison.json", data_home() + "/comparison.csv");
        // The frames the screenshot waits for, but the first (a window whose content just changed
        // shows its scroll bar from the next frame on).
        if (trained && analysed && frames_after >= 1 && !clip_report.empty()) ClipCheckFrame();
        if (trained && analysed && ++frames_after >= opt.frames) {
          if (!SavePng(opt.screenshot, fb_w, fb_h, sx, sy, {0, 0}, io.DisplaySize)) {
            std::fprintf(stderr, "nnviz: cannot write %s\n", opt.screenshot.c_str());
            status = 1;
          }
          if (!opt.layout.empty()) {
            json::Value l = json::Value::object();
            l.set("window", RectJson({{0, 0}, io.DisplaySize}));
            l.set("sidebar", RectJson(app.sidebar_rect));
            l.set("loss_plot", RectJson(app.loss_rect));
            l.set("accuracy_plot", RectJson(app.acc_rect));
            l.set("weights", RectJson(app.weights_rect));
            l.set("stepthrough", RectJson(app.step_rect));
            l.set("canvas", RectJson(app.canvas_rect));
            l.set("preview", RectJson(app.preview_rect));
            l.set("compare_loss", RectJson(app.compare_rect));
            l.set("confusion", RectJson(app.confusion_rect));
            l.set("confusion_dropped", app.confusion_dropped);
            if (!app.batchnorm_worked.empty()) l.set("batchnorm_worked", app.batchnorm_worked);
            l.set("playground", RectJson(app.playground.plot_rect));
            l.set("landscape", RectJson(app.landscape_rect));
            l.set("stats_norms", RectJson(app.stats_view.norm_rect));
            l.set("stats_dead", RectJson(app.stats_view.dead_rect));
            l.set("stats_histograms", RectJson(app.stats_view.hist_rect));
            l.set("stats_points", static_cast<long long>(app.stats_view.points.size()));
            if (auto w = app.shown_weights()) l.set("weights_step", static_cast<long long>(w->step));
            if (auto p = app.shown_probe()) l.set("probe_step", static_cast<long long>(p->step));
            l.set("timeline_snapshots", static_cast<long long>(app.timeline.snaps.size()));
            if (!app.canvas.use_bundled && app.canvas.live) l.set("canvas_step", static_cast<long long>(app.canvas.live_step));
            if (app.playground.pg) {
              auto& pg = *app.playground.pg;
              l.set("playground_steps", static_cast<long long>(pg.steps()));
              if (app.playground.mode == 0) l.set("playground_test_mse", pg.mean_squared_error(pg.test()));
              else l.set("playground_test_accuracy", pg.accuracy(pg.test()));
            }
            if (app.canvas.probs.size() > 0) {
              int top = 0;
              for (int k = 1; k < app.canvas.probs.size(); ++k)
                if (app.canvas.probs[k] > app.canvas.probs[top]) top = k;
              l.set("canvas_prediction", top);
            }
            l.set("setup_params", static_cast<long long>(app.setup_params));
            // Every named control's and every window's place, for the checks that views use the
            // space they are given (tests/screen_matrix.py).
            json::Value marks = json::Value::object();
            for (const auto& [name, r] : app.marks) marks.set(name, RectJson(PlotRect{{r.x, r.y}, {r.z, r.w}}));
            l.set("rects", marks);
            json::Value windows = json::Value::object();
            for (const ImGuiWindow* w : GImGui->Windows)
              if (w->Active && !w->Hidden && !w->IsFallbackWindow &&
                  !(w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip)))
                windows.set(w->Name, RectJson(PlotRect{w->InnerRect.Min, w->InnerRect.Max}));
            l.set("windows", windows);
            l.set("sections_shown", app.sections_shown);
            l.set("font_size", double(ImGui::GetFontSize()));
            l.set("steps", static_cast<long long>(app.snap.step));
            l.set("points", static_cast<long long>(app.curves.step.size()));
            l.set("scale", double(sx));
            try {
              write_file_atomic(opt.layout, l.dump(2), "layout");
            } catch (const std::exception& e) {
              std::fprintf(stderr, "nnviz: %s\n", e.what());
              status = 1;
            }
          }
          break;
        }
        if (since_start > 300) {
          std::fprintf(stderr, "nnviz: timed out before the screenshot (step %ld of %ld)\n", app.snap.step,
                       opt.train_steps);
          status = 3;
        }
      }
      if (opt.soak > 0 && app.run) {
        // Soak: every view open, training all the time; frame times and resident memory over the
        // second minute against the last minute. Frames that draw only what changed (redraw.h)
        // and frames that draw most views again make two humps: the median jumps from one to the
        // other as their mix shifts, so the judge is the mean (a frame's cost on average), with
        // the median of each kind reported.
        static double t_play = -1;
        static std::vector<double> early, late, early_big, late_big;
        static double rss_early = 0;
        auto rss_mb = [] {
          long pages = 0, resident = 0;
          if (FILE* f = std::fopen("/proc/self/statm", "r")) {
            if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
            std::fclose(f);
          }
          return resident * (sysconf(_SC_PAGESIZE) / 1048576.0);
        };
        if (t_play < 0) {
          app.views = Views{};
          app.views.weights = app.views.activations = app.views.stepthrough = app.views.canvas = true;
          app.views.analysis = app.views.curves = app.views.stats = true;
          app.run->set_epochs(1000000);
          app.run->play();
          t_play = t_run;
        }
        const double since = t_run - t_play;
        glFinish();  // a frame's work, rendering included, without the pacing sleep
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_begin).count();
        const bool big = redraw.drawn_share() >= 1 / 3.0;
        if (since >= 60 && since < 120) (big ? early_big : early).push_back(ms);
        if (since >= 60 && rss_early == 0) rss_early = rss_mb();
        if (since >= opt.soak - 60) (big ? late_big : late).push_back(ms);
        if (since >= opt.soak) {
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
          const double rss_late = rss_mb(), f0 = mean(early, early_big), f1 = mean(late, late_big);
          const bool within = rss_late <= rss_early * 1.05 && f1 <= f0 * 1.05;
          std::printf("{\"bench\":\"soak\",\"seconds\":%.0f,\"steps\":%ld,\"rss_mb_after_1min\":%.1f,"
                      "\"rss_mb_end\":%.1f,\"frame_ms_mean_minute2\":%.2f,\"frame_ms_mean_last_minute\":%.2f,"
                      "\"partial_frames_median_ms\":[%.2f,%.2f],\"big_frames_median_ms\":[%.2f,%.2f],"
                      "\"big_frames_share\":[%.2f,%.2f],\"within_5_percent\":%s}\n",
                      since, app.snap.step, rss_early, rss_late, f0, f1, median(early), median(late),
                      median(early_big), median(late_big),
                      double(early_big.size()) / double(std::max<size_t>(1, early.size() + early_big.size())),
                      double(late_big.size()) / double(std::max<size_t>(1, late.size() + late_big.size())),
                      within ? "true" : "false");
          break;
        }
      }
      if (opt.close_after > 0 && app.run) {
        // Play, then close the window mid-epoch the way the close button does.
        if (!bench_started) {
          app.run->play();
          bench_started = true;
        } else if (t_run > opt.close_after && close_requested_at.time_since_epoch().count() == 0) {
          close_requested_at = std::chrono::steady_clock::now();
          glfwSetWindowShouldClose(win, GLFW_TRUE);
        }
      }
      if (opt.bench_frames > 0 && app.run && bench.started) {
        glFinish();  // count the GPU's (llvmpipe's) work in the frame
        const auto end = std::chrono::steady_clock::now();
        using ms = std::chrono::duration<double, std::milli>;
        bench.frame_ms.push_back(ms(end - frame_begin).count());
        bench.build_ms.push_back(ms(frame_built - frame_begin).count());
        bench.submit_ms.push_back(ms(frame_submitted - frame_built).count());
        bench.raster_ms.push_back(ms(end - frame_submitted).count());
        bench.vertices.push_back(double(ImGui::GetDrawData()->TotalVtxCount));
        bench.drawn.push_back(redraw.drawn_share());
      }
      if (opt.bench_heatmaps > 0 && app.run && BenchInsideFrame(app, opt.bench_heatmaps, t_run, status)) break;
      glfwSwapBuffers(win);
      // Cap at about 60 frames per second while busy (Xvfb has no vsync to wait on). The frame
      // benchmark paces itself the same way, so it measures the app as a user runs it.
      if (!headless || opt.bench_frames > 0 || opt.bench_heatmaps > 0) {
        const auto next = frame_begin + std::chrono::microseconds(16000);
        std::this_thread::sleep_until(next);
      }
    }
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
    if (!clip_report.empty()) write_clip_report();
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
