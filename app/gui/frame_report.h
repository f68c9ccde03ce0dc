// What the views tell the tests about the frames they draw: where each plot and picture went (a
// rectangle a name), where the named controls are, and a few values the screenshot and real-input
// tests check (the step-through's worked batch-norm value, the confusion matrix's counts that did
// not fit, the sidebar's sections, the status bar's text). Views write it as they draw; only the
// harness (harness/) reads it, for a screenshot's layout file and the real-input tests' state dump,
// and only then is anything kept: without a reader every call returns at once, so a frame a user
// sees pays nothing for it. App holds one; no view reads another's entries.
#pragma once

#include <imgui.h>

#include <map>
#include <string>

#include "widgets/plot.h"

namespace nnviz::gui {

struct FrameReport {
  std::map<std::string, PlotRect> regions;   // "loss_plot", "weights", "confusion", ... (kept until redrawn)
  std::map<std::string, ImVec4> marks;       // named controls this frame (min x, min y, max x, max y)
  std::map<std::string, std::string> texts;  // "batchnorm_worked": "matches", "sections_shown", "status"
  std::map<std::string, double> numbers;     // "confusion_dropped", "confusion_number_px"
  bool recording = false;                    // a layout file or a state dump is on: keep what is reported

  void region(const char* name, PlotRect r) {
    if (recording) regions[name] = r;
  }
  void text(const char* name, std::string v) {
    if (recording) texts[name] = std::move(v);
  }
  void number(const char* name, double v) {
    if (recording) numbers[name] = v;
  }
  // The last item's rectangle under `name`.
  void mark(const char* name) {
    if (!recording) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    marks[name] = {a.x, a.y, b.x, b.y};
  }

  PlotRect region_of(const std::string& name) const {
    auto it = regions.find(name);
    return it == regions.end() ? PlotRect{} : it->second;
  }
  std::string text_of(const std::string& name) const {
    auto it = texts.find(name);
    return it == texts.end() ? std::string() : it->second;
  }
  double number_of(const std::string& name) const {
    auto it = numbers.find(name);
    return it == numbers.end() ? 0.0 : it->second;
  }
};

}  // namespace nnviz::gui
