// The lesson panel: the built-in lessons to choose from, then the chosen lesson's pages, its
// goals as the student works (met, at which step, the value now), its questions and hints, "Try
// again" and the next lesson (views/lesson_view.cpp; the format is docs/lessons.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lessons/goal_tracker.h"
#include "lessons/lesson.h"
#include "views/view.h"

namespace nnviz::gui {

struct App;

struct LessonState : ViewState {
  std::string request;  // a lesson to open (an id of a built-in one, or a file), once the data is ready
  std::unique_ptr<Lesson> lesson;  // the lesson under way
  std::string file;                // where it came from
  std::unique_ptr<GoalTracker> tracker;
  int page = 0;
  double started_at = -1;          // ImGui time the lesson (or its retry) began: hints count from it
  std::vector<std::string> answers;  // what the student typed, per goal
  std::vector<std::string> done;   // ids of the lessons whose goals were all met (kept between sessions)
  std::string error;               // why the last lesson could not open
  long playground_seen = -1;       // the playground's step last given to the tracker
  const void* race_seen = nullptr; // the race last given to the tracker, and its steps then
  long race_seen_steps = -1;
  // The lesson editor (views/lesson_editor.cpp): the lesson being written, the file it was last
  // saved to ("" not yet), and the text saved there (the editor asks before losing changes).
  std::unique_ptr<Lesson> draft;
  std::string draft_file, draft_saved, draft_saved_text;
  std::string draft_problem;       // why the draft would not read as a lesson ("" it would)
  bool catalogue_stale = true;     // the teacher's own lessons are listed again

  void poll(App& app) override;
  void save_settings(json::Value& settings) const override;
  void load_settings(const json::Value& settings) override;
};

void DrawLesson(App& app, bool* open);
// Starts a lesson (a built-in one's id, or a lesson file) in the lesson panel, which opens: the
// lesson under way is left, and the new one starts once the data it needs is loaded. Errors show
// in the panel and the status bar.
void OpenLesson(App& app, const std::string& request);
// The names lessons may use here: the view table's views and core's controls.
const LessonNames& AppLessonNames();
// The lesson editor's window, while a draft is open; a new draft from the app's state now, or a
// copy of the lesson under way (saved into the user's lessons folder, never over a built-in one).
void DrawLessonEditor(App& app);
void NewLessonDraft(App& app, bool from_lesson_under_way);
std::string UserLessonsFolder();  // data_home()/lessons: the lessons saved by the editor
// The built-in lessons' files (assets/lessons/), in their order.
std::vector<std::string> BuiltinLessonFiles();

}  // namespace nnviz::gui
