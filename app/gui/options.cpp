#include "options.h"

#include <cstdio>
#include <cstdlib>

#include "cli_options.h"
#include "engine/compare.h"
#include "lessons/lesson.h"
#include "views/view_table.h"

namespace nnviz::gui {

const std::vector<ViewName>& OpenViewNames() {
  static const std::vector<ViewName> names = [] {
    std::vector<ViewName> v;
    for (const ViewEntry& e : ViewTable()) {
      const bool playground = std::string(e.name) == "playground";
      v.push_back({e.name, e.name, playground ? 0 : -1});
      if (playground) v.push_back({"playground2d", e.name, 1});  // the playground opened on its 2-D mode
      // The network graph of the 2-D playground, and its plane through a hidden layer (the
      // playground opened too, to train it).
      if (std::string(e.name) == "graph") v.push_back({"graph-playground", e.name, 1});
      if (std::string(e.name) == "representation") v.push_back({"representation-playground", e.name, 1});
      // The Draw view with its fold of your own digits open; a screenshot fine-tunes on them.
      if (std::string(e.name) == "canvas") v.push_back({"my-digits", e.name, -1});
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

namespace {
// --size WxH, from 320x240 to 16384x16384.
bool ReadSize(const std::string& v, int& w, int& h) {
  char tail = 0;
  return std::sscanf(v.c_str(), "%dx%d%c", &w, &h, &tail) == 2 && w >= 320 && h >= 240 && w <= 16384 && h <= 16384;
}
}  // namespace

int ParseOptions(int argc, char** argv, Options& o) {
  CLI::App app("nnviz: watch neural networks learn", "nnviz");
  cli::Style(app);
  std::string data_home, size;
  long scrub = -1;
  int stage = 0;

  cli::AddPreset(app, o.preset);
  cli::AddDataset(app, o.dataset);
  cli::AddDataDir(app, o.data_dir);
  app.add_option("--folder", o.folder, "start on your own images: a folder holding one folder of pictures per class")
      ->type_name("DIR");
  app.add_flag("--colour", o.colour, "with --folder: the pictures in colour (three channels), not grey");
  app.add_option("--image-size", o.image_size, "with --folder: pictures resized to N x N pixels (default 28, 32 in colour)")
      ->type_name("N")
      ->check(cli::Whole(4, 256));
  app.add_option("--data-home", data_home, "the nnviz data folder's parent, instead of $XDG_DATA_HOME")
      ->type_name("DIR");
  app.add_option("--open", o.open_views, "open a view at start (repeatable). VIEW: " + ViewList())
      ->type_name("VIEW")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            for (const auto& n : OpenViewNames())
              if (v == n.name) return "";
            return "unknown view '" + v + "' (" + ViewList() + ")";
          },
          ""));
  app.add_flag("--classroom", o.classroom, "classroom mode, every choice hidden (a lesson's launcher)");
  app.add_option("--zoom", o.zoom, "the interface's size (1: the monitor's own scale), as Ctrl+= and Ctrl+- set it")
      ->type_name("F")
      ->check(cli::Number(0.5, 3));
  app.add_option("--load", o.load, "open a run or a model file at start")->type_name("FILE");
  std::string file;
  app.add_option("file", file, "a run, a model or a lesson (*.nnviz-lesson.json) to open at start")->type_name("FILE");
  app.add_option("--lesson", o.lesson, "start a lesson: a built-in one's id (learning-rate, ...) or a lesson file")
      ->type_name("LESSON");

  const std::string tests = "For tests and measurements (under xvfb-run)";
  CLI::Option* shot = app.add_option("--screenshot", o.screenshot, "draw, save a PNG and exit")
                          ->type_name("FILE")
                          ->group(tests);
  // Options that only mean something for a screenshot.
  auto shot_only = [&](CLI::Option* opt) { return opt->needs(shot)->group(tests); };
  shot_only(app.add_option("--frames", o.frames, "frames before the screenshot (default 30)")
                ->type_name("N")
                ->check(cli::Whole(1, 100000)));
  shot_only(app.add_option("--train-steps", o.train_steps, "mini-batches to train before the screenshot")
                ->type_name("K")
                ->check(cli::Whole(0, 100000000)));
  shot_only(app.add_option("--layout", o.layout, "also write the window and widget rectangles as JSON")
                ->type_name("FILE"));
  shot_only(app.add_option("--stage", stage, "the step-through's stage to show (from 1)")
                ->type_name("N")
                ->check(cli::Whole(1, 1000)));
  shot_only(app.add_option("--scrub", scrub, "scrub the timeline back to this step")
                ->type_name("STEP")
                ->check(cli::Whole(0, 2000000000)));
  shot_only(app.add_option("--save-run", o.save_run, "save the run after training")->type_name("FILE"));
  shot_only(app.add_option("--compare", o.compare, "start this ready-made comparison")
                ->type_name("READY")
                ->check(cli::Named([](const std::string& s) { ready_made(s); })));
  app.add_option("--size", size, "the window's size, from 320x240 to 16384x16384")
      ->type_name("WxH")
      ->group(tests)
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            int w = 0, h = 0;
            return ReadSize(v, w, h) ? "" : "expects WxH from 320x240 to 16384x16384, e.g. 1280x800; got '" + v + "'";
          },
          ""));
  app.add_flag("--draw-demo", o.draw_demo, "draw a digit on the canvas, as a user would")->group(tests);
  shot_only(app.add_flag("--edit-lesson", o.edit_lesson, "the lesson editor open, on a copy of the lesson under way or the app's state"));
  app.add_flag("--canvas-run", o.canvas_run, "the canvas reads with the run's weights, not the bundled model")
      ->group(tests);
  app.add_flag("--save-comparison", o.save_comparison, "save the comparison in the nnviz data folder")->group(tests);
  app.add_flag("--open-comparison", o.open_comparison, "open the comparison saved there")->group(tests);
  app.add_option("--bench-frames", o.bench_frames, "measure this many frames' times, paced as a user runs it")
      ->type_name("N")
      ->group(tests)
      ->check(cli::Whole(1, 1000000));
  app.add_option("--bench-heatmaps", o.bench_heatmaps, "seconds of views-open against views-closed frame times")
      ->type_name("SECONDS")
      ->group(tests)
      ->check(cli::Number(4, 86400));
  app.add_option("--idle-check", o.idle_check, "measure the app's own CPU use while idle")
      ->type_name("SECONDS")
      ->group(tests)
      ->check(cli::Number(1, 3600));
  app.add_option("--soak", o.soak, "every view open, training: memory and frame times over time")
      ->type_name("SECONDS")
      ->group(tests)
      ->check(cli::Number(120, 86400));
  app.add_flag("--redraw-check", o.redraw_check, "draw every frame whole as well, off screen, and compare")
      ->group(tests);
  app.add_option("--close-after", o.close_after, "train, then close the window as a user would")
      ->type_name("SECONDS")
      ->group(tests)
      ->check(cli::Number(0.1, 3600));

  if (const int code = cli::Parse(app, argc, argv, "nnviz"); code >= 0) return code;
  if (!data_home.empty()) setenv("XDG_DATA_HOME", data_home.c_str(), 1);
  if (!file.empty()) {
    if (!o.load.empty() || !o.lesson.empty()) {
      std::fprintf(stderr, "nnviz: one file at a time: %s, or --load / --lesson\n", file.c_str());
      return 2;
    }
    (is_lesson_file(file) ? o.lesson : o.load) = file;
  }
  if (!size.empty()) ReadSize(size, o.width, o.height);
  o.scrub = scrub;
  o.stage = stage - 1;  // the step-through numbers its stages from 1
  return -1;
}

}  // namespace nnviz::gui
