// When the app needs frames. The loop in main.cpp asks this before it sleeps: everything that
// changes what the window shows without the user touching it must be named here, or its view
// freezes until the next mouse move.
#include <imgui.h>
#include <imgui_internal.h>  // a modal's dimming (DimBgRatio), which fades in over several frames

#include <functional>
#include <string>
#include <vector>

#include "app.h"
#include "views/compare_view.h"

namespace nnviz::gui {

double App::next_frame_due(double now, std::string* why) const {
  double due = kNever;
  auto at = [&](double t, const char* what) {
    due = std::min(due, t);
    if (why) *why += (why->empty() ? "" : ",") + std::string(what);
  };
  auto live = [&](bool cond, const char* what) {
    if (cond) at(now, what);
  };
  // Work on another thread whose end a frame must pick up: ten frames a second are enough, and a
  // frame at the loop's pace (a software renderer's, on the same cores) slowed a large file's
  // reading from 1.6 s to 46 s on a busy two-core machine.
  auto waiting = [&](bool cond, const char* what) {
    if (cond) at(ImGui::GetTime() + 0.1, what);  // a tenth of a second after the last frame
  };
  waiting(loading.valid(), "loading");
  waiting(folder_load.result.valid(), "folder");  // its progress bar, and the data when it is read
  waiting(pending_save.step.valid(), "saving");  // its message and the file's name come with the next frame
  waiting(recorder.writing() && !recorder.active(), "recording");  // a stopped recording's message
  live(run && !run->idle(), "run");                           // training, stepping, evaluating
  for (size_t i = 0; i < views.size(); ++i) {  // each view says what it needs (views/view.h)
    const FrameNeed need = views.state_at(i).needs_frames(views.open_at(i));
    live(need.kind == FrameNeed::Live, need.why);
    waiting(need.kind == FrameNeed::Waiting, need.why);
  }
  // Requests a frame carries out: dialogs open at the start of the next one, PNGs are read from it.
  live(confirm_request || close_request || close_now || open_save_dialog || open_load_dialog, "dialog");
  live(!png_requests.empty(), "png");
  // The desktop's file chooser runs in its own window: its answer is looked for the same way.
  waiting(chooser.running(), "chooser");

  // ImGui's own needs. A held key repeats and a held button drags, both timed by ImGui per frame.
  const ImGuiIO& io = ImGui::GetIO();
  bool held = false;
  for (bool down : io.MouseDown) held |= down;
  for (bool down : io.KeysDown) held |= down;
  live(held, "held");
  live(settle_frames > 0 || now < settle_until, "settling");  // after a window event (main.cpp)
  live(ImGui::GetTopMostPopupModal() && GImGui->DimBgRatio < 1, "modal");
  if (io.WantTextInput) at(now + 0.2, "caret");  // the text cursor blinks (0.8 s on, 0.4 s off)

  // Moments: a message's end, a view's deferred refresh.
  if (!message_is_error && message_until > now && message_until < kNever) at(message_until, "message");
  if (frame_wanted_at < kNever) at(frame_wanted_at, "view");
  return due;
}

double App::news_check_interval(double now) const {
  // An epoch's evaluation takes from a fraction of a second to a few seconds after the last
  // mini-batch; looking for news is a snapshot of the run's counters, far cheaper than a frame.
  return now - trained_at < 10 ? 0.05 : 1.0;
}

bool App::racing() const {
  const CompareState& race = views.state<CompareState>();
  return race.cmp && !race.cmp->idle();
}

bool App::take_comparison_news() {
  CompareState& race = views.state<CompareState>();
  if (!race.cmp) return false;
  Comparison& c = *race.cmp;
  auto tally = [&c] {
    std::vector<size_t> t;
    for (size_t i = 0; i < c.size(); ++i) {
      const RunSnapshot& s = c.latest(i);
      t.insert(t.end(), {c.steps(i).size(), c.evals(i).size(), size_t(c.version(i)), size_t(s.state),
                         std::hash<std::string>()(s.message), std::hash<const void*>()(s.weights.get())});
    }
    return t;
  };
  const std::vector<size_t> before = tally();
  c.poll();
  return tally() != before;
}

}  // namespace nnviz::gui
