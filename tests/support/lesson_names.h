// The names lessons may use, as the app passes them to the lesson reader: its view table's names
// (app/gui/views/view_table.cpp) and the controls core lists. The screenshot test "lesson-list"
// reads every built-in lesson with the app's own table, so a drift here shows there too.
#pragma once

#include "lessons/lesson.h"

namespace nnviz::test {

inline const LessonNames& LessonNamesOfTheApp() {
  static const LessonNames names = {{"curves", "weights", "activations", "stepthrough", "canvas", "compare", "analysis",
                                     "playground", "landscape", "stats", "lesson"},
                                    LessonControls()};
  return names;
}

}  // namespace nnviz::test
