// Every view of the app in one table: the name it is known by (--open, the settings file, the
// sidebar's marks), its box in the sidebar, the function that draws it and the state it keeps.
// The table's order is the sidebar's and the tiling's.
//
// Adding a view: its state (derived from ViewState, view.h) and its Draw function in
// views/<name>_view.h and .cpp, and one line here (with the include of its header). The build
// picks up every .cpp in views/; the app makes the state, keeps its window's switch, remembers
// it between sessions and offers it to --open, all from that line (docs/architecture.md).
#pragma once

#include <memory>
#include <typeindex>
#include <vector>

#include "views/view.h"

namespace nnviz::gui {

struct App;

struct ViewEntry {
  const char* name;   // "weights"
  const char* label;  // the sidebar's box: "Weights"
  void (*draw)(App& app, bool* open);
  bool same_line;     // its box continues the sidebar's row of the one before, room allowing
  bool open_at_first; // open on a first start (no settings yet)
  std::unique_ptr<ViewState> (*make)();  // a new state of its type
  std::type_index type;                  // that type, for Views::state<S>()
};

// One line of the table: a view whose state is S.
template <class S>
ViewEntry View(const char* name, const char* label, void (*draw)(App&, bool*), bool same_line,
               bool open_at_first = false) {
  return {name,          label, draw, same_line,
          open_at_first, []() -> std::unique_ptr<ViewState> { return std::make_unique<S>(); },
          typeid(S)};
}

const std::vector<ViewEntry>& ViewTable();
// The place in the table of the view named so, or of the view whose state is of that type; -1
// when there is none.
int ViewIndex(const char* name);
int ViewIndex(std::type_index state_type);

}  // namespace nnviz::gui
