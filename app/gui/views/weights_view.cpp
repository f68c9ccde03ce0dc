// The weights view: a parameter tensor as a heatmap, updated live while training.
//   first dense layer (image input): every unit's incoming weights as a tile shaped like the image
//   later dense layers: the weight matrix, one row per unit
//   conv layers: the filter grid, one row per output channel, one column per input channel
//   a layer that reads colour pictures: a tile per unit or filter, in colour
// Normalisation per unit, per layer or over all layers; hover shows the value and its index;
// a click selects the weight for the step-through.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app.h"
#include "views/weights_view.h"
#include "widgets/heatmap.h"
#include "widgets/weight_layout.h"

namespace nnviz::gui {

void DrawWeights(App& app, bool* open) {
  if (!ImGui::Begin("Weights", open)) {
    ImGui::End();
    return;
  }
  WeightsState& ws = app.views.state<WeightsState>();
  auto w = app.shown_weights();
  if (!w || w->values.empty()) {
    ImGui::TextDisabled("No weights yet.");
    ImGui::End();
    return;
  }
  // Only weight tensors (biases are shown in the step-through).
  std::vector<int> ids;
  for (int i = 0; i < int(w->names.size()); ++i)
    if (w->names[i].find("weight") != std::string::npos && w->shapes[i].size() >= 2) ids.push_back(i);
  if (ids.empty()) {
    ImGui::TextDisabled("This network has no weight matrices.");
    ImGui::End();
    return;
  }
  if (std::find(ids.begin(), ids.end(), ws.param) == ids.end()) ws.param = ids[0];
  // Labelled when the name and the label fit the line; else the name alone, as wide as it needs.
  const char* name = w->names[ws.param].c_str();
  const float need = ComboWidth(&name, 1);
  const bool labelled = FieldWidth(ImGui::GetFontSize() * 12, "tensor") >= need;
  ImGui::SetNextItemWidth(labelled ? FieldWidth(ImGui::GetFontSize() * 12, "tensor")
                                   : std::min(ImGui::GetContentRegionAvail().x, need));
  if (ImGui::BeginCombo(labelled ? "tensor###tensor" : "###tensor", w->names[ws.param].c_str())) {
    for (int i : ids)
      if (ImGui::Selectable(w->names[i].c_str(), i == ws.param)) ws.param = i, ws.dirty = true, ws.zoom = {};
    ImGui::EndCombo();
  }
  const char* norms[] = {"per unit", "per layer", "global"};
  SameLineIfFits(LabelledWidth(ImGui::GetFontSize() * 7, "scale"));
  ImGui::SetNextItemWidth(FieldWidth(ImGui::GetFontSize() * 7, "scale"));
  if (ImGui::Combo("scale", &ws.norm, norms, 3)) ws.dirty = true;

  const Mat& m = w->values[ws.param];
  const int layer = std::atoi(w->names[ws.param].c_str() + 7);  // "layers.<i>.weight"
  const Shape in = layer < int(app.in_shapes.size()) ? app.in_shapes[layer] : Shape{int(m.rows()), 1, 1};
  // The first layer with weights reads the pictures (what comes before it keeps their shape: an
  // activation, batch norm, dropout): on colour pictures it shows its units in colour.
  const bool colour = ws.param == ids[0] && app.data && app.data->channels == 3 && in == app.data->input_shape();
  const WeightLayout L = layout_for(w->shapes[ws.param], m, in, ws.room.x, ws.room.y, colour);
  if (L.tiles.cols != ws.cols) ws.dirty = true, ws.zoom = {};  // the room changed the grid

  // Scale: the largest magnitude over the unit, the tensor, or every weight tensor.
  double global = 0;
  if (ws.norm == 2)
    for (int i : ids) global = std::max(global, double(w->values[i].cwiseAbs().maxCoeff()));
  const double layer_max = std::max(1e-12, double(m.cwiseAbs().maxCoeff()));
  std::vector<double> unit_max(L.units, 1e-12);
  for (int u = 0; u < L.units; ++u) unit_max[u] = std::max(1e-12, double(m.col(u).cwiseAbs().maxCoeff()));
  auto scale_of = [&](int unit) { return ws.norm == 0 ? unit_max[unit] : ws.norm == 1 ? layer_max : global; };

  const double now = ImGui::GetTime();
  if (ws.dirty || w->step != ws.step || now - ws.updated > 10.0) {
    if (ws.dirty || now - ws.updated >= 0.1) {  // at most 10 refreshes a second
      if (L.rgb) {
        ws.map.update_rgba(tile_image_rgb(L, m, scale_of).data(), L.tiles.width(), L.tiles.height());
      } else {
        const std::vector<float> img = tile_image(L, m, scale_of);
        ws.map.update(img.data(), L.tiles.width(), L.tiles.height(), Colormap::Diverging);
      }
      ws.cols = L.tiles.cols;
      ws.step = w->step;
      // On a 0.1 s grid, so that frames of any length still give 10 refreshes a second.
      ws.updated = now - ws.updated < 0.2 ? std::min(now, ws.updated + 0.1) : now;
      ws.dirty = false;
    } else {
      app.redraw_by(ws.updated + 0.1);  // new weights wait for the rate limit: a frame then, even when idle
    }
  }
  if (!Heatmap::error().empty()) ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", Heatmap::error().c_str());

  const float bar_w = std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 16);
  if (L.rgb) {
    ImGui::TextDisabled("in colour: a unit's red, green and blue weights; grey is 0");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Each channel's weight over the scale: full colour at +scale, none at -scale, half at 0.\n"
                        "A tile that looks red responds to red in that place of the picture.");
  } else if (ws.norm == 0) {
    ColourBar(Colormap::Diverging, -1, 1, bar_w);
    ImGui::SameLine();
    ImGui::TextDisabled("x each unit's largest |w|");
  } else {
    const double s = ws.norm == 1 ? layer_max : global;
    ColourBar(Colormap::Diverging, -s, s, bar_w);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, app.timeline.weights ? ImVec4{0.95f, 0.8f, 0.35f, 1}
                                                             : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  TextAtSpaces("step %ld%s  -  %d units x %d inputs", w->step, app.timeline.weights ? " (timeline)" : "", L.units, L.fan_in);
  ImGui::PopStyleColor();

  // Small tiles (a wide layer) or a zoom in force: say how to look closer, and how far in it is.
  const float fs = ImGui::GetFontSize();
  {
    const ImVec2 room = ImGui::GetContentRegionAvail();
    const float fit = std::min(room.x / ws.map.width(), (room.y - fs * 1.8f) / ws.map.height());
    if (ws.zoom.zoom > 1.01f || fit * L.tiles.tw * ws.zoom.zoom < fs * 2) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      if (ws.zoom.zoom > 1.01f) TextAtSpaces("x%.1f: wheel to zoom, drag to move, double-click for the whole layer", ws.zoom.zoom);
      else TextAtSpaces("the wheel zooms in on the tiles");
      ImGui::PopStyleColor();
    }
  }
  int hx, hy;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The room as whole pixels, so that a frame's rounding does not lay the grid out anew.
  const ImVec2 room{std::floor(avail.x), std::floor(avail.y - fs * 0.5f)};
  if (std::fabs(room.x - ws.room.x) >= 1 || std::fabs(room.y - ws.room.y) >= 1) {
    ws.room = room;
    app.redraw_by(ImGui::GetTime());  // the grid for the new room in the next frame
  }
  const bool clicked = HeatmapImageZoomable(ws.map, room.x, room.y, ws.zoom, &hx, &hy);
  app.report.region("weights", {ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
  app.report.number("weights_colour_tiles", L.rgb ? L.tiles.n : 0);
  app.mark("weights.image");
  int t, r, c;
  if (hx >= 0 && L.tiles.locate(hx, hy, t, r, c)) {
    const int flat = L.flat(t, r, c);
    ImGui::BeginTooltip();
    ImGui::Text("%s", w->names[ws.param].c_str());
    ImGui::TextUnformatted(app.describe_weight(w->names[ws.param], int(m.rows()), flat).c_str());
    if (L.rgb)
      ImGui::Text("w = %.4g (red), %.4g (green), %.4g (blue)", double(m.data()[flat]), double(m.data()[flat + L.plane()]),
                  double(m.data()[flat + 2 * L.plane()]));
    else
      ImGui::Text("w = %.6g", double(m.data()[flat]));
    ImGui::TextDisabled("click: follow this weight in the step-through");
    ImGui::EndTooltip();
    if (clicked) {
      app.sel_param = ws.param;
      app.sel_index = flat;
      app.say("Selected " + w->names[ws.param] + " [" + app.describe_weight(w->names[ws.param], int(m.rows()), flat) +
              "] for the step-through");
    }
  }
  ImGui::End();
}

}  // namespace nnviz::gui
