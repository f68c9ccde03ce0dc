#include "render/recorder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/error.h"
#include "base/fileio.h"
#include "io/gif_stream.h"
#include "render/png.h"

namespace nnviz::gui {

namespace {
constexpr size_t kMaxQueued = 4;
}

Recorder::~Recorder() {
  if (active_) stop();
  if (worker_.joinable()) worker_.join();
}

bool Recorder::start(const RecordSettings& s, const std::string& path, std::string* problem) {
  if (active_ || worker_.joinable()) {
    *problem = "a recording is still being written";
    return false;
  }
  if (s.gif) {
    if (const std::string why = save_destination_problem(path); !why.empty()) {
      *problem = path + ": " + why;
      return false;
    }
  } else if (::mkdir(path.c_str(), 0755) != 0) {
    *problem = path + ": cannot make the folder (" + std::strerror(errno) + ")";
    return false;
  }
  settings_ = s;
  settings_.every = std::max(1, s.every);
  settings_.fps = std::clamp(s.fps, 1, 50);
  settings_.max_frames = std::clamp(s.max_frames, 1, 10000);
  path_ = path;
  active_ = true;
  seen_ = false;
  taken_ = skipped_ = w_ = h_ = 0;
  last_step_ = 0;
  queue_.clear();
  closing_ = result_ready_ = result_error_ = false;
  full_ = false;
  result_.clear();
  worker_ = std::thread([this] { run(); });
  return true;
}

void Recorder::capture(int fb_w, int fb_h, float sx, float sy, long shown_step, bool scrubbed) {
  const bool seen = seen_;
  seen_ = false;
  if (active_ && full_) stop();
  if (!active_ || !seen) return;
  if (taken_ > 0 && (scrubbed ? shown_step == last_step_ : std::labs(shown_step - last_step_) < settings_.every)) return;
  const int x0 = int(min_.x * sx), y0 = int(min_.y * sy);
  if (w_ == 0) {  // the first frame fixes the size
    w_ = std::clamp(int(max_.x * sx) - x0, 1, std::min(fb_w, kMaxGifSide));
    h_ = std::clamp(int(max_.y * sy) - y0, 1, std::min(fb_h, kMaxGifSide));
  }
  {
    std::lock_guard<std::mutex> lock(m_);
    if (queue_.size() >= kMaxQueued) {
      ++skipped_;
      return;
    }
  }
  // The part of the view inside the framebuffer; the rest of the frame stays black.
  std::vector<uint8_t> frame = ReadBackBuffer(fb_w, fb_h, x0, y0, w_, h_);
  last_step_ = shown_step;
  ++taken_;
  {
    std::lock_guard<std::mutex> lock(m_);
    queue_.push_back(std::move(frame));
  }
  cv_.notify_one();
  if (taken_ >= settings_.max_frames) stop();
}

void Recorder::stop() {
  if (!active_) return;
  active_ = false;
  {
    std::lock_guard<std::mutex> lock(m_);
    closing_ = true;
  }
  cv_.notify_one();
}

std::string Recorder::poll(bool* error) {
  std::string message;
  {
    std::lock_guard<std::mutex> lock(m_);
    if (!result_ready_) return "";
    result_ready_ = false;
    *error = result_error_;
    message = result_;
  }
  if (worker_.joinable()) worker_.join();  // it has ended: the result is its last act
  return message;
}

void Recorder::run() {
  std::unique_ptr<GifStream> gif;
  int written = 0;
  std::string problem;
  for (;;) {
    std::vector<uint8_t> frame;
    {
      std::unique_lock<std::mutex> lock(m_);
      cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) break;  // closing, and nothing left
      frame = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!problem.empty()) continue;  // after a failure the frames are dropped
    try {
      if (settings_.gif) {
        if (!gif) gif = std::make_unique<GifStream>(w_, h_, std::max(1, 100 / settings_.fps));
        if (gif->bytes() >= kMaxRecordingBytes) {
          full_ = true;  // the frames after it are dropped; the main thread stops the recording
          continue;
        }
        gif->add(frame.data());
      } else {
        char name[32];
        std::snprintf(name, sizeof name, "/frame-%05d.png", written + 1);
        const std::string file = path_ + name;
        if (!WritePng(file, w_, h_, frame.data()))
          throw Error(file + ": cannot write the frame (" + std::strerror(errno) + ")");
      }
      ++written;
    } catch (const std::exception& e) {
      problem = e.what();
    }
  }
  std::string message;
  bool error = !problem.empty();
  if (!error && written == 0) {
    error = true;
    message = "Nothing was recorded: the view did not change (or was not shown) while recording";
    if (!settings_.gif) ::rmdir(path_.c_str());
  } else if (!error) {
    try {
      if (settings_.gif) write_file_atomic(path_, gif->finish(), "recording");
      char size[48];
      std::snprintf(size, sizeof size, " (%dx%d)", w_, h_);
      message = "Recorded " + std::to_string(written) + " frames" + size + (settings_.gif ? " to " : " as PNG files in ") + path_;
      if (full_) message += " (stopped at " + std::to_string(kMaxRecordingBytes >> 20) + " MB)";
    } catch (const std::exception& e) {
      error = true;
      problem = e.what();
    }
  }
  if (error && message.empty()) message = "The recording could not be written: " + problem;
  std::lock_guard<std::mutex> lock(m_);
  result_ = message;
  result_error_ = error;
  result_ready_ = true;
}

}  // namespace nnviz::gui
