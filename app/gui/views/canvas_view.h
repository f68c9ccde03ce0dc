// The drawing view: a digit drawn with the mouse, read by a network (views/canvas_view.cpp).
#pragma once

#include <imgui.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "data/my_digits.h"
#include "data/preprocess.h"
#include "engine/engine.h"
#include "nn/network.h"
#include "train/fine_tune.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

// Fine-tuning the run's network on the user's drawings, on its own thread (train/fine_tune.h).
struct FineTuneJob {
  ~FineTuneJob();  // stops and joins the thread
  std::thread thread;
  std::atomic<bool> cancel{false}, finished{false};
  std::atomic<int> done{0};
  int total = 0;
  const void* run = nullptr;  // the run whose weights it started from: only that run takes the result
  uint64_t generation = 0;    // and only before a reset
  long step = 0;              // the run's step then
  std::vector<std::string> held_paths;  // the held-out drawings' files, in the set's order
  std::unique_ptr<Network> net;  // fine-tuned (read once finished)
  FineTuneReport report;
  std::string error;
};

// "Teach it your handwriting": the personal digit set under the data folder, and fine-tuning on it
// (views/my_digits_panel.cpp).
struct MyDigitsPanel {
  bool open = false;        // the fold (kept between sessions)
  bool loaded = false;
  std::string dir;          // <data home>/my-digits
  MyDigitSet set;
  std::string error;        // why the set could not be read or a drawing kept
  Heatmap atlas;            // every drawing as a 28x28 tile, kAtlasColumns a row
  bool atlas_dirty = true;
  bool hold_next = false, hold_touched = false;  // the next drawing held out (every third unless changed)
  int steps = 300;          // mini-batches of fine-tuning
  bool waiting_pause = false;  // Fine-tune asked while the run trained: it starts once paused
  std::shared_ptr<FineTuneJob> job;
  std::vector<std::shared_ptr<FineTuneJob>> stopping;
  // The last fine-tuning's figures, and each held-out drawing's answer before and after.
  bool have_result = false;
  FineTuneReport result;
  std::vector<std::string> result_paths;  // the held-out drawings measured, for their badges
  std::string last_kept;    // the file of the drawing last kept
  std::string menu_for;     // the file of the drawing whose right-click menu is open
  float height = 0;         // the open fold's height as last drawn (pixels)
  static constexpr int kAtlasColumns = 64;
  static constexpr int kAtlasMax = 64 * 256;  // thumbnails shown at most (a 1792 x 7168 texture)
};

struct CanvasState : ViewState {
  int size = 280;                      // canvas pixels per side
  std::vector<float> ink;              // size*size, 0..1
  std::vector<std::vector<float>> undo;  // at most kUndoSteps (PushUndo)
  static constexpr size_t kUndoSteps = 50;
  float brush = 22;
  bool erase = false, saliency = true;
  bool use_bundled = true;  // useful from the first launch; switch to the current run once it has learnt
  bool dirty = true, dirty_texture = true;
  ImVec2 last{0, 0};
  double predicted_at = -1e9;
  std::optional<Digit28> digit;
  Vec probs;
  Heatmap texture, preview, saliency_map;
  std::unique_ptr<Network> live, bundled;
  std::string live_spec, bundled_info, bundled_error;
  std::shared_ptr<const WeightsView> live_weights;  // what `live` holds (a fine-tune changes them at one step)
  bool bundled_tried = false;
  Normalisation bundled_norm;
  MyDigitsPanel mine;

  FrameNeed needs_frames(bool open) const override;
  void new_run() override;
  void poll(App& app) override;
  void save_settings(json::Value& settings) const override;
  void load_settings(const json::Value& settings) override;
};

// The personal digit set's fold below the canvas, `height` pixels tall (MyDigitsHeight's).
void DrawMyDigits(App& app, CanvasState& c);
float MyDigitsHeight(const CanvasState& c);
// The last fine-tuning's figures (trained_on, held_out, held_before/after, test_before/after,
// steps), for the state dump and the layout file.
json::Value FineTuneResultJson(const MyDigitsPanel& m);
// Starts fine-tuning the run on the user's drawings (after pausing it); false with the reason.
bool StartFineTune(App& app, std::string* why = nullptr);

void DrawCanvas(App& app, bool* open);
// Keeps the ink for Undo (the oldest goes past kUndoSteps).
void PushUndo(CanvasState& c);
// Paints (or erases) a round anti-aliased stroke from a to b, in canvas pixels.
void CanvasStroke(CanvasState& c, ImVec2 a, ImVec2 b, float width, bool erase);

}  // namespace nnviz::gui
