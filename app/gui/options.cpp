#include "options.h"

#include <cstdio>
#include <cstdlib>

#include "args.h"
#include "views/view_table.h"

namespace nnviz::gui {

const std::vector<ViewName>& OpenViewNames() {
  static const std::vector<ViewName> names = [] {
    std::vector<ViewName> v;
    for (const ViewEntry& e : ViewTable()) {
      const bool playground = e.open == &Views::playground;
      v.push_back({e.name, e.open, playground ? 0 : -1});
      if (playground) v.push_back({"playground2d", e.open, 1});  // the playground opened on its 2-D mode
    }
    return v;
  }();
  return names;
}

std::string ViewList() {
  std::string v;
  for (const auto& n : OpenViewNames()) v += (v.empty() ? "" : "|") + std::string(n.name);
  return v;
}

std::string Usage() {
  return "usage: nnviz [--preset NAME] [--dataset mnist|fashion] [--data DIR] [--data-home DIR]\n"
         "             [--open VIEW]... [--classroom] [--zoom F] [--load FILE]\n"
         "  VIEW: " + ViewList() + "\n"
         "\n"
         "for tests and measurements (under xvfb-run):\n"
         "  nnviz --screenshot FILE [--frames N] [--train-steps K] [--layout FILE] [--size WxH]\n"
         "        [--stage N] [--draw-demo] [--scrub STEP] [--canvas-run] [--compare READY]\n"
         "        [--save-run FILE] [--save-comparison] [--open-comparison]\n"
         "  nnviz --bench-frames N | --bench-heatmaps SECONDS | --idle-check SECONDS | --soak SECONDS\n"
         "        [--redraw-check] [--close-after SECONDS]\n";
}

bool ParseOptions(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::fputs(Usage().c_str(), stdout);
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
    for (const auto& n : OpenViewNames()) known = known || v == n.name;
    if (!known) throw Error("unknown view '" + v + "' for --open (" + ViewList() + ")");
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

}  // namespace nnviz::gui
