// The lesson editor: a teacher makes a lesson in the app. "New lesson from this state" takes the
// app as it is (network, settings, training images, speed, open views, the playground's or the
// landscape's problem, the classroom ticks as what the lesson hides); the editor then writes the
// title, the pages and the goals, and what the lesson hides or fixes. The draft is checked as the
// reader will check the file (parse_lesson on what lesson_to_json writes) while it is edited, and
// saved atomically into the nnviz data folder's lessons/, where the lesson panel lists it.
#include <imgui.h>
#include <imgui_internal.h>  // BringWindowToDisplayFront: the editor stays over the tiled views
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "app.h"
#include "base/error.h"
#include "base/fileio.h"
#include "labs/landscape.h"
#include "views/compare_view.h"
#include "views/landscape_view.h"
#include "views/lesson_view.h"
#include "views/playground_view.h"
#include "views/view_table.h"
#include "widgets/controls.h"

namespace nnviz::gui {

namespace {

constexpr ImU32 kProblem = IM_COL32(235, 90, 120, 255);
constexpr ImU32 kFine = IM_COL32(115, 217, 128, 255);

void Toggle(std::vector<std::string>& v, const std::string& s, bool on) {
  v.erase(std::remove(v.begin(), v.end(), s), v.end());
  if (on) v.push_back(s);
}

// An id from a title: "The learning rate!" -> "the-learning-rate".
std::string Slug(const std::string& title) {
  std::string s;
  for (char c : title) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) s += char(std::tolower(u));
    else if (!s.empty() && s.back() != '-') s += '-';
    if (s.size() >= 48) break;
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s.empty() ? "my-lesson" : s;
}

// The app as it is now, as a lesson's start: what "Try again" would set it back to.
void TakeStart(App& app, Lesson& l) {
  LessonStart& st = l.start;
  st = LessonStart{};
  st.config = app.run ? app.snap.config : app.setup;
  const LessonState& ls = app.views.state<LessonState>();
  // The training images new runs get now: the lesson's cut or the sidebar's (0: all of them).
  if (app.data && app.full_data && app.data->train.count < app.full_data->train.count)
    st.train_samples = app.data->train.count;
  st.speed = app.speed;
  for (size_t i = 0; i < app.views.size(); ++i)
    if (app.views.open_at(i) && std::string(ViewTable()[i].name) != "lesson") st.views.push_back(ViewTable()[i].name);
  if (app.views.open<PlaygroundState>()) {
    const PlaygroundState& ps = app.views.state<PlaygroundState>();
    LessonPlayground& p = st.playground;
    p.used = ps.csv.empty();  // points from a file of the teacher's cannot go into the lesson
    p.mode = ps.mode;
    p.expression = ps.expr;
    p.points = kPlaygroundPoints[std::clamp(ps.dataset, 0, 3)];
    p.hidden = ps.hidden;
    p.activation = ps.activation;
    p.bias = ps.bias;
    p.lr = ps.lr;
    p.noise = ps.noise;
  }
  if (app.views.open<CompareState>()) {
    // The race as set up in its view: what it varies and its values as typed.
    const CompareState& cs = app.views.state<CompareState>();
    st.race.what = cs.spec.what;
    st.race.values = SplitList(cs.values_text, ',');
    st.race.used = st.race.values.size() >= 2;
  }
  if (app.views.open<LandscapeState>()) {
    const LandscapeState& lv = app.views.state<LandscapeState>();
    st.landscape.used = true;
    st.landscape.surface = surfaces()[size_t(std::clamp(lv.surface, 0, int(surfaces().size()) - 1))].name;
    st.landscape.steps = lv.steps;
  }
  // What the classroom settings hide, as the lesson's hide (or what the lesson under way hides).
  if (ls.lesson) {
    l.hide = ls.lesson->hide;
    l.lock = ls.lesson->lock;
  } else {
    l.hide.clear();
    l.lock.clear();
    for (size_t g = 0; g < LessonControlGroups().size(); ++g)
      if (app.hide_ticked(App::Controls(g))) l.hide.push_back(LessonControlGroups()[g]);
  }
}

std::string Describe(const LessonStart& st) {
  std::string s = st.config.net.describe() + "; " + to_string(st.config.opt.kind);
  char buf[96];
  std::snprintf(buf, sizeof buf, ", learning rate %.3g, batches of %d, %d epochs", double(st.config.opt.lr), st.config.batch,
                st.config.epochs);
  s += buf;
  if (st.train_samples) s += "; the first " + std::to_string(st.train_samples) + " training images";
  s += st.views.empty() ? "; the views as they are" : "; views: " + JoinList(st.views, ", ");
  if (st.playground.used) s += "; the playground's problem";
  if (st.landscape.used) s += "; the landscape on " + st.landscape.surface;
  if (st.race.used) s += std::string("; a race varying ") + to_string(st.race.what) + ": " + JoinList(st.race.values, ", ");
  return s;
}

void MoveButtons(const char* what, int& move, int& remove, int i, int n) {
  ImGui::BeginDisabled(i == 0);
  if (ImGui::ArrowButton("up", ImGuiDir_Up)) move = -1;
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(i + 1 >= n);
  if (ImGui::ArrowButton("down", ImGuiDir_Down)) move = +1;
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::SmallButton("Delete")) remove = i;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Delete this %s", what);
}

template <class T>
void Reorder(std::vector<T>& v, int i, int move, int remove) {
  if (remove >= 0) v.erase(v.begin() + remove);
  else if (move) std::swap(v[size_t(i)], v[size_t(i + move)]);
}

// What the lesson hides and fixes: one row a group of controls and a view.
void HideAndLock(Lesson& l) {
  if (!ImGui::BeginTable("hidelock", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) return;
  ImGui::TableSetupColumn("what");
  ImGui::TableSetupColumn("hidden");
  ImGui::TableSetupColumn("fixed");
  ImGui::TableHeadersRow();
  auto row = [&](const std::string& name, const std::string& label) {
    ImGui::PushID(name.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(label.c_str());
    ImGui::TableNextColumn();
    bool hidden = listed(l.hide, name), locked = listed(l.lock, name);
    if (name == "lesson") ImGui::BeginDisabled();
    if (ImGui::Checkbox("##hide", &hidden)) Toggle(l.hide, name, hidden);
    if (name == "lesson") ImGui::EndDisabled();
    ImGui::TableNextColumn();
    if (ImGui::Checkbox("##lock", &locked)) Toggle(l.lock, name, locked);
    ImGui::PopID();
  };
  const char* groups[] = {"the network setup", "the optimizer settings", "the dataset", "Reset", "saving and opening"};
  for (size_t g = 0; g < LessonControlGroups().size(); ++g) row(LessonControlGroups()[g], groups[g]);
  for (const ViewEntry& v : ViewTable()) row(v.name, std::string("view: ") + v.label);
  ImGui::EndTable();
}

// Pages or goals, each under a header with its place and its title, moved or deleted by the
// buttons under the header, its own fields drawn by `fields`.
template <class T, class Title, class Fields>
void EditList(std::vector<T>& items, const char* header, const char* noun, Title title, Fields fields) {
  int move = 0, remove = -1, at = -1;
  for (size_t i = 0; i < items.size(); ++i) {
    ImGui::PushID(int(i));
    const std::string head = std::string(header) + " " + std::to_string(i + 1) + ": " + title(items[i]) + "###item";
    if (ImGui::CollapsingHeader(head.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
      int m = 0, r = -1;
      MoveButtons(noun, m, r, int(i), int(items.size()));
      if (m || r >= 0) move = m, remove = r, at = int(i);
      fields(items[i], i);
    }
    ImGui::PopID();
  }
  if (at >= 0) Reorder(items, at, move, remove);
}

void Pages(App& app, Lesson& l) {
  const float fs = ImGui::GetFontSize();
  EditList(l.pages, "Page", "page", [](const LessonPage& p) { return p.title; }, [&](LessonPage& p, size_t i) {
    ImGui::SetNextItemWidth(-fs * 6);
    ImGui::InputText("title", &p.title);
    app.mark(("lesson_editor.page_title." + std::to_string(i)).c_str());
    ImGui::InputTextMultiline("##text", &p.text, {-fs * 6, fs * 5});
    app.mark(("lesson_editor.page_text." + std::to_string(i)).c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("text");
    HelpMarker("Blank lines between paragraphs; a line \"# \" is a heading, \"- \" a list item; *stars* "
               "around words emphasise them. Formulas as plain text: w <- w - lr * dL/dw");
    std::string look = JoinList(p.look_here, ", ");
    ImGui::SetNextItemWidth(-fs * 6);
    if (ImGui::InputText("look here", &look)) p.look_here = SplitList(look, ',');
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Views and controls ringed while the page shows, by name: curves, controls.play, training.lr ...");
  });
  const bool add = ImGui::Button("+ page");
  app.mark("lesson_editor.add_page");
  if (add) l.pages.push_back({"Page " + std::to_string(l.pages.size() + 1), "", "", {}});
}

// A setting a goal's condition reads, and whether it is a number.
struct Setting {
  const char* name;
  bool number;
};
constexpr Setting kSettings[] = {{"lr", true}, {"batch", true}, {"momentum", true}, {"weight_decay", true},
                                 {"optimizer", false}, {"init", false}};

void Conditions(Goal& g) {
  int remove = -1;
  for (size_t c = 0; c < g.when.size(); ++c) {
    SettingCondition& sc = g.when[c];
    ImGui::PushID(int(c));
    ImGui::TextDisabled("when");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    if (ImGui::BeginCombo("##setting", sc.setting.c_str())) {
      for (const Setting& s : kSettings)
        if (ImGui::Selectable(s.name, sc.setting == s.name)) {
          sc.setting = s.name;
          sc.kind = s.number ? (sc.kind == SettingCondition::Is ? SettingCondition::Above : sc.kind) : SettingCondition::Is;
        }
      ImGui::EndCombo();
    }
    bool number = true;
    for (const Setting& s : kSettings)
      if (sc.setting == s.name) number = s.number;
    ImGui::SameLine();
    if (number) {
      int k = sc.kind == SettingCondition::Below ? 1 : 0;
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
      if (ImGui::Combo("##kind", &k, "above\0below\0")) sc.kind = k ? SettingCondition::Below : SettingCondition::Above;
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
      ImGui::InputDouble("##number", &sc.number, 0, 0, "%g");
    } else {
      ImGui::TextUnformatted("is");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
      ImGui::InputText("##name", &sc.name);
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = int(c);
    ImGui::PopID();
  }
  if (remove >= 0) g.when.erase(g.when.begin() + remove);
  if (ImGui::SmallButton("+ condition on a setting")) g.when.push_back({"lr", SettingCondition::Above, 1, ""});
}

void GoalFields(App& app, Goal& g, size_t i) {
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 8);
  ImGui::InputText("id", &g.id);
  ImGui::SameLine();
  int kind = int(g.kind);
  ImGui::SetNextItemWidth(fs * 10);
  if (ImGui::Combo("kind", &kind, "a metric to reach\0a number to answer\0a choice to make\0")) {
    g.kind = Goal::Kind(kind);
    if (g.kind == Goal::ChoiceQuestion && g.choices.size() < 2) g.choices = {"yes", "no"}, g.answer = 0;
  }
  ImGui::SetNextItemWidth(-fs * 6);
  ImGui::InputText("text", &g.text);
  app.mark(("lesson_editor.goal_text." + std::to_string(i)).c_str());
  if (g.kind == Goal::Metric) {
    ImGui::SetNextItemWidth(fs * 11);
    if (ImGui::BeginCombo("metric", to_string(g.metric))) {
      for (GoalMetric m : AllGoalMetrics())
        if (ImGui::Selectable(to_string(m), m == g.metric)) g.metric = m;
      ImGui::EndCombo();
    }
    app.mark(("lesson_editor.goal_metric." + std::to_string(i)).c_str());
    if (goal_has_threshold(g.metric)) {
      ImGui::SameLine();
      int side = g.at_least ? 0 : 1;
      ImGui::SetNextItemWidth(fs * 6);
      if (ImGui::Combo("##side", &side, "at least\0at most\0")) g.at_least = side == 0;
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fs * 6);
      ImGui::InputDouble("##threshold", &g.threshold, 0, 0, "%g");
      app.mark(("lesson_editor.goal_threshold." + std::to_string(i)).c_str());
      if (goal_is_share(g.metric)) {
        ImGui::SameLine();
        ImGui::TextDisabled("(a share: 0.9 is 90%%)");
      }
    }
    if (g.metric == GoalMetric::DeadRelu || g.metric == GoalMetric::GradNorm) {
      ImGui::SetNextItemWidth(fs * 6);
      ImGui::InputInt("layer (from 0)", &g.layer);
    }
    if (g.metric == GoalMetric::PathDistance || g.metric == GoalMetric::ComparisonWinner) {
      ImGui::SetNextItemWidth(fs * 8);
      ImGui::InputText(g.metric == GoalMetric::PathDistance ? "optimizer" : "winner (the run's value)", &g.subject);
    }
    ImGui::SetNextItemWidth(fs * 6);
    int by_step = int(std::min<long>(g.by_step, 1000000000));
    if (ImGui::InputInt("by step (0: any)", &by_step)) g.by_step = std::max(0, by_step);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    ImGui::InputDouble("by epoch (0: any)", &g.by_epoch, 0, 0, "%g");
    Conditions(g);
  } else if (g.kind == Goal::NumberQuestion) {
    ImGui::SetNextItemWidth(fs * 7);
    ImGui::InputDouble("answer", &g.answer, 0, 0, "%g");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    ImGui::InputDouble("give or take", &g.tolerance, 0, 0, "%g");
  } else {
    std::string choices = JoinList(g.choices, "\n");
    if (ImGui::InputTextMultiline("choices, one a line", &choices, {-fs * 9, fs * 4})) g.choices = SplitList(choices, '\n');
    int right = int(g.answer) + 1;
    ImGui::SetNextItemWidth(fs * 6);
    if (ImGui::InputInt("the right one (from 1)", &right, 1, 1)) g.answer = std::max(0, right - 1);
  }
  // Hints, each after a while on the lesson.
  int remove = -1;
  for (size_t h = 0; h < g.hints.size(); ++h) {
    ImGui::PushID(int(h) + 1000);
    ImGui::SetNextItemWidth(fs * 4);
    ImGui::InputDouble("s: hint", &g.hints[h].after_seconds, 0, 0, "%.0f");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-fs * 3);
    ImGui::InputText("##hint", &g.hints[h].text);
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = int(h);
    ImGui::PopID();
  }
  if (remove >= 0) g.hints.erase(g.hints.begin() + remove);
  if (ImGui::SmallButton("+ hint")) g.hints.push_back({60, ""});
}

void Goals(App& app, Lesson& l) {
  EditList(l.goals, "Goal", "goal", [](const Goal& g) { return g.text; },
           [&](Goal& g, size_t i) { GoalFields(app, g, i); });
  const bool add = ImGui::Button("+ goal");
  app.mark("lesson_editor.add_goal");
  if (add) {
    Goal g;
    g.id = "goal" + std::to_string(l.goals.size() + 1);
    g.text = "Reach 90% validation accuracy.";
    g.threshold = 0.9;
    l.goals.push_back(g);
  }
}

}  // namespace

std::string UserLessonsFolder() { return data_home() + "/lessons"; }

void NewLessonDraft(App& app, bool from_lesson_under_way) {
  LessonState& ls = app.views.state<LessonState>();
  auto draft = std::make_unique<Lesson>();
  if (from_lesson_under_way && ls.lesson) {
    *draft = *ls.lesson;
    // A built-in lesson is copied into the teacher's own folder, never written over, under an id
    // of its own (a student's progress on the original stays the original's).
    ls.draft_file = ls.file.rfind(UserLessonsFolder() + "/", 0) == 0 ? ls.file : "";
    if (ls.draft_file.empty()) draft->id = (draft->id + "-copy").substr(0, 64);
  } else {
    TakeStart(app, *draft);
    draft->title = "My lesson";
    draft->id = "my-lesson";
    draft->pages.push_back({"The idea", "Write what the student should try, and why.", "", {}});
    ls.draft_file.clear();
  }
  ls.draft = std::move(draft);
  ls.draft_saved.clear();
}

void DrawLessonEditor(App& app) {
  LessonState& ls = app.views.state<LessonState>();
  if (!ls.draft) return;
  Lesson& l = *ls.draft;
  const float fs = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize({std::min(fs * 40, vp->WorkSize.x * 0.9f), vp->WorkSize.y * 0.85f}, ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
  bool open = true;
  if (!ImGui::Begin("Lesson editor", &open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  // It floats over the tiled views: a click in a view (which brings that view forward) must not
  // bury it. Popups stay above it.
  if (!ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
  app.report.region("lesson_editor", {ImGui::GetWindowPos(), {ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                                        ImGui::GetWindowPos().y + ImGui::GetWindowSize().y}});
  // The fields scroll; what the check says and the buttons stay in sight below them.
  const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetTextLineHeightWithSpacing() * 3;
  ImGui::BeginChild("fields", {0, -footer});
  ImGui::SetNextItemWidth(-fs * 6);
  const std::string old_slug = Slug(l.title);
  if (ImGui::InputText("title", &l.title) && (l.id == old_slug || l.id == "my-lesson")) l.id = Slug(l.title);
  app.mark("lesson_editor.title");
  ImGui::SetNextItemWidth(fs * 14);
  ImGui::InputText("id", &l.id);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The file's name and what the app remembers as done: a-z, 0-9, - and _");
  ImGui::InputTextMultiline("##summary", &l.summary, {-fs * 6, fs * 2.5f});
  ImGui::SameLine();
  ImGui::TextDisabled("summary");
  ImGui::Separator();
  ImGui::TextDisabled("STARTS WITH");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", Describe(l.start).c_str());
  ImGui::PopStyleColor();
  const bool take = ImGui::Button("Take the app's state now");
  app.mark("lesson_editor.take_state");
  if (take) {
    const std::vector<std::string> hide = l.hide, lock = l.lock;
    TakeStart(app, l);
    l.hide = hide, l.lock = lock;  // what the teacher ticked here stays
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The network, settings, speed, open views and problems as they are in the app now");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 7);
  int samples = int(std::min<long>(l.start.train_samples, 1000000));
  if (ImGui::InputInt("training images (0: all)", &samples, 100, 1000)) l.start.train_samples = std::max(0, samples);
  if (ImGui::CollapsingHeader("Hidden and fixed")) HideAndLock(l);
  ImGui::Separator();
  ImGui::TextDisabled("PAGES");
  Pages(app, l);
  ImGui::Separator();
  ImGui::TextDisabled("GOALS");
  Goals(app, l);
  ImGui::EndChild();
  app.mark("lesson_editor.fields");  // the fields' visible part (the tests scroll a field into it)
  ImGui::Separator();
  // The draft as the reader will see the file: checked while it is written, saved only when it reads.
  const std::string path = ls.draft_file.empty() ? UserLessonsFolder() + "/" + l.id + kLessonSuffix : ls.draft_file;
  const std::string name = path.substr(path.rfind('/') + 1);
  std::string problem, text;
  try {
    text = lesson_to_json(l).dump(2) + "\n";
    parse_lesson(text, name, AppLessonNames());
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (!problem.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kProblem));
    ImGui::TextWrapped("%s", problem.c_str());
    ImGui::PopStyleColor();
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kFine), "The lesson reads as nnviz will read it.");
  }
  ls.draft_problem = problem;
  app.report.text("lesson_editor_problem", problem.empty() ? "none" : problem);
  // Saving over another lesson than the one edited says so first.
  const bool replaces = path != ls.draft_file && file_exists(path);
  if (replaces) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({0.95f, 0.8f, 0.4f, 1}, "%s already exists: saving replaces it.", name.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::BeginDisabled(!problem.empty());
  const bool save = ImGui::Button(replaces ? "Replace" : "Save");
  app.mark("lesson_editor.save");
  ImGui::SameLine();
  const bool save_try = ImGui::Button(replaces ? "Replace and try it" : "Save and try it");
  app.mark("lesson_editor.try");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Saves, then starts the lesson as a student would");
  if ((save || save_try) && problem.empty()) {
    try {
      if (const std::string why = make_folders(UserLessonsFolder()); !why.empty()) throw Error("[lesson] " + why);
      write_file_atomic(path, text, "lesson");
      ls.draft_file = path;
      ls.draft_saved = path;
      ls.draft_saved_text = text;
      ls.catalogue_stale = true;
      app.say("Saved the lesson to " + path);
      if (save_try) {
        OpenLesson(app, path);
        open = false;
      }
    } catch (const std::exception& e) {
      app.say(std::string("Could not save the lesson: ") + e.what(), true);
    }
  }
  if (!ls.draft_saved.empty() && !save_try) {
    ImGui::SameLine();
    ImGui::TextDisabled("saved to %s", ls.draft_saved.c_str());
  }
  // Closing with changes not saved asks first: a teacher's pages are not lost to a stray click.
  const bool unsaved = text != ls.draft_saved_text && !save_try;
  if (!open && unsaved) {
    ImGui::OpenPopup("Close the editor?");
    open = true;
  }
  if (ImGui::BeginPopupModal("Close the editor?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("The lesson has changes that are not saved.");
    if (ImGui::Button("Close without saving")) {
      open = false;
      ImGui::CloseCurrentPopup();
    }
    app.mark("lesson_editor.discard");
    ImGui::SameLine();
    if (ImGui::Button("Keep editing") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::End();
  if (!open) ls.draft.reset();
}

}  // namespace nnviz::gui
