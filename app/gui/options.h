// The app's command line: what a user starts it with (a preset, a dataset, views to open, a zoom,
// classroom mode) and what the tests and measurements drive it with (screenshots, layouts,
// benchmarks, soak and idle checks). Defined once each through CLI11, as nnviz-cli's are
// (cli_options.h): the help is made from the definitions, every number is checked whole and
// against its range, an unknown option or view is refused.
#pragma once

#include <string>
#include <vector>

#include "app.h"

namespace nnviz::gui {

struct Options {
  std::string screenshot, layout, preset, data_dir, dataset;
  std::string folder;          // start on the images of this folder (data/image_folder.h)
  bool colour = false;         // with folder: three channels
  int image_size = 0;          // with folder: pixels a side (0: 28, 32 in colour)
  int frames = 30;
  long train_steps = 0;
  int bench_frames = 0;
  std::vector<std::string> open_views;
  int stage = -1;  // step-through stage to show
  bool draw_demo = false;  // draw a digit on the canvas, as a user would (screenshots)
  bool edit_lesson = false;  // open the lesson editor before the screenshot (on the lesson under way, if any)
  std::string compare;     // start this ready-made comparison (screenshots)
  std::string save_run, load;  // save the run after training; open a run or model at start
  std::string lesson;          // a lesson to start (an id or a file)
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

  // No person at the window: the user's settings and layout are neither read nor written.
  bool headless() const { return !screenshot.empty() || bench_frames > 0 || idle_check > 0 || bench_heatmaps > 0; }
  // The app drives itself (a screenshot, a benchmark, a timed close): the loop never sleeps.
  bool drives_itself() const {
    return !screenshot.empty() || bench_frames > 0 || close_after > 0 || soak > 0 || bench_heatmaps > 0;
  }
  // A throwaway run: nothing is kept when it closes.
  bool measuring() const {
    return !screenshot.empty() || bench_frames > 0 || bench_heatmaps > 0 || soak > 0 || idle_check > 0;
  }
  // Headless, yet paced at 60 frames a second: the benchmarks measure the app as a user runs it.
  bool paced() const { return bench_frames > 0 || bench_heatmaps > 0; }
};

// A name --open takes: every view of the view table, and playground2d (the playground on its 2-D
// mode).
struct ViewName {
  const char* name;
  const char* view;     // the view it opens (the view table's name)
  int playground_mode;  // for the playground: 0 the 1-D regression, 1 the 2-D classification; else -1
                        // (graph-playground, representation-playground: 1, the view of the 2-D playground)
};
const std::vector<ViewName>& OpenViewNames();

std::string ViewList();  // "curves|weights|..."
// Fills o from the command line. Returns -1 to go on; otherwise the exit code after printing the
// help (0) or an error naming the option and the problem (2).
int ParseOptions(int argc, char** argv, Options& o);

}  // namespace nnviz::gui
