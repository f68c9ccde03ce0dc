// Every view of the app in one table: the name it is known by (--open, the settings file, the
// sidebar's marks), its box in the sidebar, its switch in Views, and the function that draws it.
// The table's order is the sidebar's and the tiling's.
//
// Adding a view: its state and its Draw function in views/<name>_view.h and .cpp (the .cpp in
// app/gui/CMakeLists.txt), its switch in Views (app.h), and one line here.
#pragma once

#include <vector>

namespace nnviz::gui {

struct App;
struct Views;

struct ViewEntry {
  const char* name;             // "weights"
  const char* label;            // the sidebar's box: "Weights"
  bool Views::*open;            // its switch
  void (*draw)(App& app, bool* open);
  bool same_line;               // its box continues the sidebar's row of the one before, room allowing
};

const std::vector<ViewEntry>& ViewTable();

}  // namespace nnviz::gui
