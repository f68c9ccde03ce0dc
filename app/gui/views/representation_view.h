// The representation view: one layer's activations for a few thousand validation images as
// points in the plane, by PCA or t-SNE, coloured by class (views/representation_view.cpp).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <imgui.h>

#include "labs/embedding.h"
#include "views/view.h"
#include "widgets/heatmap.h"

namespace nnviz::gui {

struct App;

// One computation of a map, on its own thread. The frame reads `points` (under `m`) as it forms.
struct RepresentationJob {
  ~RepresentationJob();  // stops and joins the thread
  std::thread thread;
  std::atomic<bool> cancel{false}, finished{false};
  std::atomic<int> iteration{0};  // t-SNE iterations done
  int iterations = 0;             // of how many (0: PCA)
  std::mutex m;
  MatD points;                    // 2 x n, the latest
  long points_version = 0;        // counts the publications of points
  std::vector<int> predicted;     // the network's class per sample
  std::vector<double> explained;  // PCA: the two axes' shares of the variance
  std::string error;
  // What it is for.
  long step = -1;
  int layer = -1, method = 0, samples = 0;
};

// The 2-D playground's plane as a hidden layer sees it (ConvNetJS's "transformed space"): the
// board's grid lines and points mapped through the layer, onto its two units or its two principal
// axes. Cheap (a few thousand points through a small network), so made on the frame thread.
struct PlaneTransform {
  int layer = -1;             // the playground network's layer shown (-1: the last hidden one)
  long step = -1;             // the playground step it was made at
  double made_at = -1e9;
  std::vector<std::vector<ImVec2>> lines;  // each grid line's points, in the map's coordinates
  std::vector<ImVec2> points;               // the data points (training, then test)
  std::vector<uint8_t> labels;
  int train_points = 0;
  bool projected = false;     // the layer is wider than 2: PCA's two axes
  std::vector<double> explained;
  std::string error;
};

struct RepresentationState : ViewState {
  int source = 0;  // 0: the training run's images, 1: the 2-D playground's plane
  PlaneTransform plane;
  // Choices.
  int method = 1;       // 0 PCA, 1 t-SNE
  int layer = -1;       // -1: the last hidden layer
  int samples = 2000;   // the first N validation images
  bool follow = true;   // compute again when the shown step changes
  // The job in progress or done, and jobs being stopped (joined once they have finished).
  std::shared_ptr<RepresentationJob> job;
  std::vector<std::shared_ptr<RepresentationJob>> stopping;
  double started_at = -1e9;
  long drawn_version = -1;
  // The map as drawn: bounds eased towards the points' so that a forming map does not jump.
  float lo[2] = {-1, -1}, hi[2] = {1, 1};
  int hovered = -1, tooltip_sample = -1;
  float sample0_at[2] = {-1, -1};  // where the first image's point was drawn (for the state dump)
  Heatmap digit;

  long seen_version = -1;  // the publication of the job's points the last frame drew (or looked at)
  // Frames while the map forms, and until a frame has drawn its last publication (the thread's
  // finishing alone asks for no frame: the finished map would wait for the next input). Once the
  // thread has finished it writes nothing more, so its count is read without the lock.
  FrameNeed needs_frames(bool open) const override {
    if (!open || !job) return {};
    if (!job->finished || seen_version != job->points_version) return {FrameNeed::Live, "representation"};
    return {};
  }
  void save_settings(json::Value& s) const override;
  void load_settings(const json::Value& s) override;
  void new_run() override;
  void poll(App& app) override;
};

void DrawRepresentation(App& app, bool* open);
// Starts computing the map of the shown weights with the state's choices (a job in progress is
// stopped). Returns false, saying why in `why`, when there is nothing to compute.
bool StartRepresentation(App& app, std::string* why = nullptr);
// The layer the view shows for a choice of -1 (the last hidden layer), or the choice.
int RepresentationLayer(const App& app, int choice);

}  // namespace nnviz::gui
