// What every view's state is. The view table (view_table.cpp) makes one of each when the app
// starts; the app owns them (App::views) and a view finds its own by type:
// app.views.state<WeightsState>(). What a view does besides drawing is said here, by the view
// itself, so that the app's own files need not know it: when it needs frames, what it keeps
// between sessions, what a new run resets.
#pragma once

namespace nnviz::json {
class Value;
}

namespace nnviz::gui {

struct App;

// Why a view needs frames without input (App::next_frame_due).
struct FrameNeed {
  enum Kind {
    None,     // it only changes when the user touches it
    Live,     // at the loop's pace: it animates, or works a little in each frame
    Waiting,  // a few a second: work on another thread whose end a frame picks up
  } kind = None;
  const char* why = "";  // for the state dump: "landscape"
};

struct ViewState {
  ViewState() = default;
  ViewState(const ViewState&) = delete;
  ViewState& operator=(const ViewState&) = delete;
  virtual ~ViewState() = default;
  // Asked before the loop sleeps, open or not (a race goes on with its view closed).
  virtual FrameNeed needs_frames(bool /*open*/) const { return {}; }
  // Its choices kept between sessions, as members of the settings file's object.
  virtual void save_settings(json::Value& /*settings*/) const {}
  virtual void load_settings(const json::Value& /*settings*/) {}
  // A new run replaced the one it showed: what it drew of the old one goes.
  virtual void new_run() {}
  // Once a frame, open or not, after the run's latest snapshot reached app.snap (App::poll).
  virtual void poll(App& /*app*/) {}
};

}  // namespace nnviz::gui
