#include "style.h"

#include <imgui.h>

#include "base/fileio.h"

namespace nnviz::gui {

void SetupStyle(float scale) {
  // From ImGui's defaults every time: ScaleAllSizes multiplies what is there, so scaling the
  // previous zoom's style compounded (six steps up and back left scrollbars 45-90 px wide).
  ImGui::GetStyle() = ImGuiStyle();
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;  // the views tile the window like panes
  s.FrameRounding = 4;
  s.GrabRounding = 4;
  s.PopupRounding = 4;
  s.ScrollbarRounding = 6;
  s.WindowBorderSize = 1;
  s.FramePadding = {7, 4};
  s.ItemSpacing = {8, 6};
  s.AntiAliasedLinesUseTex = false;  // lines anti-aliased by geometry: the atlas is sampled nearest
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = {0.105f, 0.11f, 0.125f, 1};
  c[ImGuiCol_ChildBg] = {0, 0, 0, 0};  // children show their window's background
  c[ImGuiCol_PopupBg] = {0.12f, 0.125f, 0.14f, 0.98f};
  c[ImGuiCol_FrameBg] = {0.16f, 0.17f, 0.195f, 1};
  c[ImGuiCol_FrameBgHovered] = {0.21f, 0.225f, 0.26f, 1};
  c[ImGuiCol_FrameBgActive] = {0.25f, 0.27f, 0.31f, 1};
  c[ImGuiCol_TitleBg] = {0.085f, 0.09f, 0.10f, 1};
  c[ImGuiCol_TitleBgActive] = {0.13f, 0.14f, 0.17f, 1};
  c[ImGuiCol_Button] = {0.22f, 0.36f, 0.56f, 1};
  c[ImGuiCol_ButtonHovered] = {0.28f, 0.45f, 0.68f, 1};
  c[ImGuiCol_ButtonActive] = {0.20f, 0.33f, 0.52f, 1};
  c[ImGuiCol_Header] = {0.22f, 0.36f, 0.56f, 0.55f};
  c[ImGuiCol_HeaderHovered] = {0.28f, 0.45f, 0.68f, 0.8f};
  c[ImGuiCol_CheckMark] = {0.98f, 0.65f, 0.25f, 1};
  c[ImGuiCol_SliderGrab] = {0.98f, 0.65f, 0.25f, 1};
  c[ImGuiCol_SliderGrabActive] = {1.0f, 0.75f, 0.35f, 1};
  c[ImGuiCol_Border] = {0.25f, 0.26f, 0.30f, 0.8f};
  c[ImGuiCol_Separator] = {0.25f, 0.26f, 0.30f, 0.8f};
  s.ScaleAllSizes(scale);
}

void LoadFonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  const char* regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const char* bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  ImFontConfig cfg;
  cfg.PixelSnapH = true;  // whole-pixel glyph positions: the atlas is sampled 1:1 (nearest)
  if (file_exists(regular)) io.Fonts->AddFontFromFileTTF(regular, 15.f * scale, &cfg);
  else io.Fonts->AddFontDefault(&cfg);  // fonts-dejavu-core missing: ImGui's built-in font
  if (file_exists(bold)) io.Fonts->AddFontFromFileTTF(bold, 19.f * scale, &cfg);
}

}  // namespace nnviz::gui
