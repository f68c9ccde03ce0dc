// The drawing view: a digit drawn with the mouse, read by a network (views/canvas_view.cpp).
#pragma once

#include <imgui.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/preprocess.h"
#include "nn/network.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

struct CanvasState : ViewState {
  int size = 280;                      // canvas pixels per side
  std::vector<float> ink;              // size*size, 0..1
  std::vector<std::vector<float>> undo;
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
  long live_step = -1;
  bool bundled_tried = false;
  Normalisation bundled_norm;
};

void DrawCanvas(App& app, bool* open);
// Paints (or erases) a round anti-aliased stroke from a to b, in canvas pixels.
void CanvasStroke(CanvasState& c, ImVec2 a, ImVec2 b, float width, bool erase);

}  // namespace nnviz::gui
