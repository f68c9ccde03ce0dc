// Recording one view while it changes: over a stretch of training, or while the timeline is
// scrubbed or stepped. A frame is read from the back buffer (after rendering, before the swap)
// each time the step the views show has moved on by `every` mini-batches, and handed to a thread
// of its own that writes it (while the timeline is scrubbed, each snapshot shown is a frame): into an animated GIF (io/gif_stream.h) kept compressed in memory and
// written atomically at the end, or as numbered PNG files in a new folder. The frame loop never
// waits for the encoder: a frame that finds four still waiting is left out (and counted). A GIF
// stops growing at kMaxRecordingBytes (the recording then ends by itself and says so).
#pragma once

#include <imgui.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nnviz::gui {

constexpr size_t kMaxRecordingBytes = size_t(256) << 20;

struct RecordSettings {
  std::string view = "curves";  // the view table's name
  bool gif = true;              // else a numbered PNG sequence
  int every = 10;               // mini-batches of the shown step between frames
  int fps = 10;                 // the GIF's pace
  int max_frames = 300;         // the recording stops by itself there
};

class Recorder {
 public:
  ~Recorder();
  // Starts writing to `path` (the GIF file, or the folder the PNG files go into, which it makes).
  // False, with *problem set, when that place cannot be written.
  bool start(const RecordSettings& s, const std::string& path, std::string* problem);
  bool active() const { return active_; }
  const RecordSettings& settings() const { return settings_; }
  const std::string& path() const { return path_; }
  int frames() const { return taken_; }
  int skipped() const { return skipped_; }
  int width() const { return w_; }
  int height() const { return h_; }

  // Where the recorded view is this frame (ImGui's coordinates); called by the panes when they
  // draw it. A frame where it is not drawn is not recorded.
  void view_at(ImVec2 min, ImVec2 max) { min_ = min, max_ = max, seen_ = true; }
  // After rendering: takes a frame when the shown step has moved `every` from the last one, or
  // to any other step while the timeline is scrubbed (`scrubbed`: each snapshot shown is a frame);
  // the first frame at once. The first frame fixes the size; later ones are cut or padded to it.
  void capture(int fb_w, int fb_h, float sx, float sy, long shown_step, bool scrubbed);
  // Ends the recording; the writing finishes on the encoder's thread and poll() says how it went.
  void stop();
  // The message of a finished recording ("Recorded 40 frames to ..." or the problem), once; "" while
  // there is none. `error` says which.
  std::string poll(bool* error);
  bool writing() const { return worker_.joinable(); }

 private:
  void run();  // the encoder thread

  RecordSettings settings_;
  std::string path_;
  bool active_ = false, seen_ = false;
  ImVec2 min_{}, max_{};
  long last_step_ = 0;
  int taken_ = 0, skipped_ = 0, w_ = 0, h_ = 0;

  std::thread worker_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::vector<uint8_t>> queue_;
  bool closing_ = false;
  std::atomic<bool> full_{false};  // the GIF reached kMaxRecordingBytes: capture() stops
  std::string result_;  // set by the thread when it ends
  bool result_error_ = false, result_ready_ = false;
};

}  // namespace nnviz::gui
