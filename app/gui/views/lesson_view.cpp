// The lesson panel. With no lesson under way it lists the built-in lessons; a chosen lesson sets
// the app to its start (network, settings, training images, speed, open views, the playground's
// or the landscape's problem), shows its pages one at a time, and follows its goals as the
// student works: the run's snapshots, the playground's test figures and the landscape's paths go
// to a GoalTracker once a frame (LessonState::poll), whether the panel is open or not.
#include <sys/stat.h>

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "app.h"
#include "base/error.h"
#include "base/fileio.h"
#include "base/json.h"
#include "data/image_file.h"
#include "labs/landscape.h"
#include "views/compare_view.h"
#include "views/inside.h"
#include "views/landscape_view.h"
#include "views/lesson_view.h"
#include "views/playground_view.h"
#include "widgets/controls.h"
#include "widgets/gl_texture.h"

#ifndef NNVIZ_ASSETS_DIR
#define NNVIZ_ASSETS_DIR "assets"
#endif

namespace nnviz::gui {

namespace {

constexpr ImU32 kMet = IM_COL32(115, 217, 128, 255);
constexpr ImU32 kAccent = IM_COL32(250, 160, 60, 255);
constexpr ImU32 kWrong = IM_COL32(235, 90, 120, 255);
constexpr ImU32 kEmphasis = IM_COL32(255, 226, 150, 255);

struct CatalogueEntry {
  std::string file, id, title, summary;
  bool reads = true;  // false: summary holds why the file does not read
};

// The built-in lessons, read once (a lesson that does not read is left out and named in the log).
const std::vector<CatalogueEntry>& Catalogue(App& app) {
  static std::vector<CatalogueEntry> all;
  static bool read = false;
  if (!read) {
    read = true;
    for (const std::string& f : BuiltinLessonFiles()) {
      try {
        const Lesson l = load_lesson(f, AppLessonNames());
        all.push_back({f, l.id, l.title, l.summary});
      } catch (const std::exception& e) {
        app.say(e.what(), true);
      }
    }
  }
  return all;
}

// The teacher's own lessons (UserLessonsFolder()), looked at again when the editor saved one and
// every few seconds: a file is read again only when its size or time changed (a folder of large
// lessons is not parsed on the UI thread every few seconds). A file that does not read is listed
// with its problem instead of its summary.
const std::vector<CatalogueEntry>& OwnLessons(LessonState& ls) {
  struct Read {
    off_t size = -1;
    struct timespec mtime {};
    CatalogueEntry entry;
  };
  static std::map<std::string, Read> known;
  static std::vector<CatalogueEntry> own;
  static double read_at = -1e9;
  const double now = ImGui::GetTime();
  if (!ls.catalogue_stale && now - read_at < 3) return own;
  ls.catalogue_stale = false;
  read_at = now;
  own.clear();
  std::map<std::string, Read> seen;
  for (const std::string& f : lesson_files(UserLessonsFolder())) {
    if (own.size() >= 200) break;
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) continue;  // gone since the listing
    Read& r = seen[f];
    const auto was = known.find(f);
    if (was != known.end() && was->second.size == st.st_size && was->second.mtime.tv_sec == st.st_mtim.tv_sec &&
        was->second.mtime.tv_nsec == st.st_mtim.tv_nsec) {
      r = was->second;
    } else {
      r.size = st.st_size;
      r.mtime = st.st_mtim;
      try {
        const Lesson l = load_lesson(f, AppLessonNames());
        r.entry = {f, l.id, l.title, l.summary, true};
      } catch (const std::exception& e) {
        r.entry = {f, "", f.substr(f.rfind('/') + 1), e.what(), false};
      }
    }
    own.push_back(r.entry);
  }
  known = std::move(seen);
  return own;
}

std::string ResolveLesson(App& app, const std::string& request) {
  for (const CatalogueEntry& e : Catalogue(app))
    if (e.id == request) return e.file;
  return request;
}

}  // namespace

const LessonNames& AppLessonNames() {
  static const LessonNames names = [] {
    LessonNames n;
    for (const ViewEntry& v : ViewTable()) n.views.push_back(v.name);
    n.controls = LessonControls();
    return n;
  }();
  return names;
}

namespace {

void Leave(App& app, LessonState& ls) {
  // The training images the sidebar's setting keeps, again.
  if (ls.lesson && app.full_data) app.data = with_training_samples(app.full_data, app.train_size);
  ls.lesson.reset();
  ls.tracker.reset();
  app.look_here.clear();
  app.lesson_rules = {};  // every view and control as before the lesson
}

// Sets the app to the lesson's start. False while the data it needs is still loading.
bool ApplyStart(App& app, LessonState& ls) {
  const LessonStart& st = ls.lesson->start;
  if (app.loading.valid()) return false;
  if (st.config.dataset == app.data_kind && !app.data && !app.data_error.empty()) {
    // Its data failed to load: say so once, rather than load it again every frame.
    ls.error = "The lesson's data did not load: " + app.data_error;
    Leave(app, ls);
    return true;
  }
  if (st.config.dataset != app.data_kind || !app.data) {
    app.setup.dataset = st.config.dataset;
    app.load_data(st.config.dataset);
    return false;
  }
  app.data = with_training_samples(app.full_data, st.train_samples);  // the lesson's cut, not the sidebar's
  app.speed = st.speed;
  if (st.speed > 0) app.watch_speed = st.speed;
  if (!app.start_run_with(st.config, st.config.net)) {
    ls.error = "Could not start the lesson's network: see the message below";
    Leave(app, ls);
    return true;
  }
  app.name_preset();
  if (!st.views.empty())
    for (size_t i = 0; i < app.views.size(); ++i) {
      const std::string name = ViewTable()[i].name;
      app.views.open_at(i) = listed(st.views, name) || name == "lesson";
    }
  if (const LessonPlayground& p = st.playground; p.used) {
    PlaygroundState& ps = app.views.state<PlaygroundState>();
    ps.mode = p.mode;
    ps.expr = p.expression;
    for (int k = 0; k < 4; ++k)
      if (p.points == kPlaygroundPoints[k]) ps.dataset = k;
    ps.csv.clear();
    ps.hidden = p.hidden;
    ps.activation = p.activation;
    ps.bias = p.bias;
    ps.lr = float(p.lr);
    ps.noise = float(p.noise);
    ps.running = true;
    ps.error.clear();
    ps.pg.reset();  // the view builds it again from these settings
  }
  if (const LessonLandscape& l = st.landscape; l.used) {
    LandscapeState& lv = app.views.state<LandscapeState>();
    const auto& all = surfaces();
    for (int k = 0; k < int(all.size()); ++k)
      if (all[size_t(k)].name == l.surface) lv.surface = k;
    lv.steps = l.steps;
    lv.paths.clear();
    lv.contours_for = -1;
  }
  if (const LessonRace& r = st.race; r.used) {
    // The race the lesson offers, from its network and settings; no race under way.
    CompareState& cs = app.views.state<CompareState>();
    cs.end_race();
    ComparisonSpec spec;
    spec.base = st.config;
    spec.what = r.what;
    spec.values = r.values;
    cs.offer(spec);
  }
  ls.race_seen = nullptr;
  app.lesson_rules = {ls.lesson->hide, ls.lesson->lock, st.views};
  ls.tracker = std::make_unique<GoalTracker>(*ls.lesson);
  ls.answers.assign(ls.lesson->goals.size(), "");
  ls.started_at = ImGui::GetTime();
  ls.playground_seen = -1;
  ls.error.clear();
  return true;
}

// What the playground shows, when it is the lesson's problem (not another one the student chose).
void WatchPlayground(App& app, LessonState& ls) {
  const LessonPlayground& p = ls.lesson->start.playground;
  const PlaygroundState& ps = app.views.state<PlaygroundState>();
  if (!p.used || !ps.pg || ps.mode != p.mode) return;
  if (p.mode == 0 ? ps.expr != p.expression : (!ps.csv.empty() || kPlaygroundPoints[ps.dataset] != p.points)) return;
  Playground& pg = *ps.pg;
  if (pg.steps() == ls.playground_seen) return;
  ls.playground_seen = pg.steps();
  ls.tracker->observe_playground(p.mode == 0 ? pg.mean_squared_error(pg.test()) : NAN,
                                 p.mode == 1 ? pg.accuracy(pg.test()) : NAN, pg.steps(), ls.lesson->start.config);
}

// The landscape's paths once drawn to their end, on the lesson's surface.
void WatchLandscape(App& app, LessonState& ls) {
  const LessonLandscape& l = ls.lesson->start.landscape;
  const LandscapeState& lv = app.views.state<LandscapeState>();
  if (!l.used || lv.paths.size() != 7 || lv.shown < lv.steps) return;
  const Surface& s = surfaces()[size_t(lv.surface)];
  if (s.name != l.surface) return;
  const auto& kinds = kLandscapeOptimizers;
  for (int k = 0; k < 7; ++k) {
    if (!lv.enabled[k]) continue;
    TrainConfig settings = ls.lesson->start.config;
    settings.opt = landscape_optimizer(kinds[k], lv.lr[k]);
    ls.tracker->observe_path(to_string(kinds[k]), path_distance(s, lv.paths[size_t(k)], lv.steps), settings);
  }
}

// The race, for a lesson with a goal on its winner: once it is over, as the tracker decides.
void WatchRace(App& app, LessonState& ls) {
  const CompareState& cs = app.views.state<CompareState>();
  if (!cs.cmp) return;
  bool wanted = false;
  for (const Goal& g : ls.lesson->goals) wanted = wanted || (g.kind == Goal::Metric && g.metric == GoalMetric::ComparisonWinner);
  if (!wanted || !cs.cmp->idle()) return;
  long steps = 0;
  for (size_t i = 0; i < cs.cmp->size(); ++i) steps += cs.cmp->latest(i).step + long(cs.cmp->evals(i).size());
  if (ls.race_seen == cs.cmp.get() && ls.race_seen_steps == steps) return;  // nothing new since last look
  ls.race_seen = cs.cmp.get();
  ls.race_seen_steps = steps;
  ls.tracker->observe_race(*cs.cmp);
}

// A line's words, each marked as *emphasis* or not. A star opens emphasis before a word and
// closes it after one; a star with spaces or letters on both sides ("lr * dL/dw", "2*x") is a
// product and stays.
struct Word {
  std::string text;
  bool emphasis = false;
  bool space_before = false;
};

std::vector<Word> Words(const std::string& s) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  std::vector<Word> out;
  bool emphasis = false, space = false;
  Word cur;
  auto flush = [&] {
    if (!cur.text.empty()) out.push_back(cur);
    cur = Word{};
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '*') {
      const bool before = i > 0 && word(s[i - 1]), after = i + 1 < s.size() && word(s[i + 1]);
      const bool opens = !emphasis && (i == 0 || s[i - 1] == ' ') && after, closes = emphasis && before && !after;
      if (opens || closes) {
        flush();
        emphasis = opens;
        continue;
      }
    }
    if (c == ' ') {
      flush();
      space = true;
      continue;
    }
    if (cur.text.empty()) {
      cur.emphasis = emphasis;
      cur.space_before = space && !out.empty();
      space = false;
    }
    cur.text += c;
  }
  flush();
  return out;
}

// A paragraph wrapped at the region's right edge, its emphasis in the accent colour; a wrapped
// line starts where the paragraph started (a list item's text stays right of its bullet).
void RichText(const std::string& line) {
  const float space = ImGui::CalcTextSize(" ").x;
  ImGui::BeginGroup();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, {ImGui::GetStyle().ItemSpacing.x, 0});  // lines as close as TextWrapped's
  bool first = true;
  for (const Word& w : Words(line)) {
    const float width = ImGui::CalcTextSize(w.text.c_str()).x;
    if (!first) {
      ImGui::SameLine(0, w.space_before ? space : 0);
      if (w.space_before && ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
    }
    first = false;
    if (w.emphasis) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kEmphasis));
    ImGui::TextUnformatted(w.text.c_str());
    if (w.emphasis) ImGui::PopStyleColor();
  }
  if (first) ImGui::NewLine();
  ImGui::PopStyleVar();
  ImGui::EndGroup();
}

// A page's text: "# " a heading, "- " a list item, blank lines between paragraphs.
void PageText(const std::string& text) {
  size_t a = 0;
  while (a <= text.size()) {
    size_t b = text.find('\n', a);
    if (b == std::string::npos) b = text.size();
    const std::string line = text.substr(a, b - a);
    if (line.empty()) {
      ImGui::Spacing();
    } else if (line.rfind("# ", 0) == 0) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kAccent));
      RichText(line.substr(2));
      ImGui::PopStyleColor();
    } else if (line.rfind("- ", 0) == 0) {
      ImGui::Bullet();
      ImGui::SameLine();
      RichText(line.substr(2));
    } else {
      RichText(line);
    }
    a = b + 1;
  }
}

// A page's picture: a file name, looked for beside the lesson's file first, then in assets/.
// Read once and kept as a texture; a picture that does not read says why in its place.
struct Picture {
  GLuint tex = 0;
  int w = 0, h = 0;
  std::string error;
};

const Picture& PictureFor(const std::string& lesson_file, const std::string& name) {
  static std::map<std::string, Picture> cache;
  const std::string beside = parent_folder(lesson_file) + "/" + name;
  const std::string path = file_exists(beside) ? beside : std::string(NNVIZ_ASSETS_DIR) + "/" + name;
  auto it = cache.find(path);
  if (it != cache.end()) return it->second;
  if (cache.size() >= 64) {  // a teacher going through many lessons: the textures are made again
    for (auto& kv : cache)
      if (kv.second.tex) glDeleteTextures(1, &kv.second.tex);
    cache.clear();
  }
  Picture& pic = cache[path];
  try {
    const DecodedImage img = read_image(path);
    if (img.w > 4096 || img.h > 4096) throw Error("[lesson] " + path + ": a picture is at most 4096 pixels a side");
    std::vector<uint8_t> rgba(size_t(img.w) * img.h * 4);
    for (size_t i = 0; i < size_t(img.w) * img.h; ++i) {
      const uint8_t* src = &img.px[i * size_t(img.channels)];
      const bool grey = img.channels < 3;
      rgba[i * 4 + 0] = src[0];
      rgba[i * 4 + 1] = grey ? src[0] : src[1];
      rgba[i * 4 + 2] = grey ? src[0] : src[2];
      rgba[i * 4 + 3] = img.channels == 2 ? src[1] : img.channels == 4 ? src[3] : 255;
    }
    MakeTexture(pic.tex, GL_LINEAR, GL_RGBA, GL_RGBA, GL_UNSIGNED_BYTE, img.w, img.h, rgba.data());
    pic.w = img.w;
    pic.h = img.h;
  } catch (const std::exception& e) {
    pic.error = e.what();
  }
  return pic;
}

void PagePicture(App& app, const std::string& lesson_file, const std::string& name) {
  const Picture& pic = PictureFor(lesson_file, name);
  if (!pic.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kWrong));
    ImGui::TextWrapped("The page's picture does not show: %s", pic.error.c_str());
    ImGui::PopStyleColor();
    return;
  }
  // As wide as the panel allows and at most 12 lines tall (the goals stay near), never larger than
  // the picture itself (times the interface's zoom).
  const float fs = ImGui::GetFontSize();
  const float scale = std::min({ImGui::GetContentRegionAvail().x / float(pic.w), fs * 12 / float(pic.h), fs / 15.f});
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(pic.tex)), {pic.w * scale, pic.h * scale});
  app.report.region("lesson_picture", {ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
}

std::string GoalValue(const Goal& g, const GoalStatus& st) {
  if (g.kind != Goal::Metric || std::isnan(st.value) || !goal_has_threshold(g.metric)) return "";
  if (std::isinf(st.value)) return "now: off the map";
  char buf[64];
  if (goal_is_share(g.metric)) std::snprintf(buf, sizeof buf, "now %.1f%%, goal %s %.1f%%", st.value * 100, g.at_least ? ">=" : "<=", g.threshold * 100);
  else std::snprintf(buf, sizeof buf, "now %.4g, goal %s %.4g", st.value, g.at_least ? ">=" : "<=", g.threshold);
  return buf;
}

void Goals(App& app, LessonState& ls) {
  const Lesson& l = *ls.lesson;
  const double now = ImGui::GetTime();
  for (size_t i = 0; i < l.goals.size(); ++i) {
    const Goal& g = l.goals[i];
    const GoalStatus& st = ls.tracker->status()[i];
    ImGui::PushID(int(i));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(st.met ? kMet : kAccent));
    ImGui::TextUnformatted(st.met ? "[met]" : "[open]");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextWrapped("%s", g.text.c_str());
    app.mark(("lesson.goal." + g.id).c_str());
    if (st.met && st.met_at_step >= 0 && g.kind == Goal::Metric)
      ImGui::TextDisabled("    met at step %ld", st.met_at_step);
    else if (const std::string v = GoalValue(g, st); !v.empty() && !st.met)
      ImGui::TextDisabled("    %s", v.c_str());
    if (g.kind == Goal::ChoiceQuestion && !st.met) {
      // The button, then its text wrapped beside it (a long choice stays whole); either picks it.
      for (size_t c = 0; c < g.choices.size(); ++c) {
        ImGui::PushID(int(c));
        bool picked = ImGui::RadioButton("##choice", ls.answers[i] == std::to_string(c));
        app.mark(("lesson.choice." + g.id + "." + std::to_string(c)).c_str());
        ImGui::SameLine();
        ImGui::TextWrapped("%s", g.choices[c].c_str());
        picked = picked || ImGui::IsItemClicked();
        if (picked) ls.answers[i] = std::to_string(c);
        ImGui::PopID();
      }
    } else if (g.kind == Goal::NumberQuestion && !st.met) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
      ImGui::InputText("your answer", &ls.answers[i], ImGuiInputTextFlags_CharsScientific);
      app.mark(("lesson.answer." + g.id).c_str());
    }
    if (g.kind != Goal::Metric && !st.met) {
      if (ImGui::Button("Check")) ls.tracker->answer(i, ls.answers[i]);
      app.mark(("lesson.check." + g.id).c_str());
      if (st.answered_wrong) {
        ImGui::SameLine();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWrong), "not quite: try again");
      }
    }
    if (!st.met)
      for (const Hint& h : g.hints) {
        if (now - ls.started_at >= h.after_seconds) {
          ImGui::TextDisabled("Hint:");
          ImGui::SameLine();
          ImGui::TextWrapped("%s", h.text.c_str());
        } else {
          app.redraw_by(ls.started_at + h.after_seconds);  // the hint shows without a mouse move
        }
      }
    ImGui::PopID();
    ImGui::Spacing();
  }
}

}  // namespace

void OpenLesson(App& app, const std::string& request) {
  LessonState& ls = app.views.state<LessonState>();
  if (ls.lesson) Leave(app, ls);
  ls.request = request;
  ls.error.clear();
  app.views.open<LessonState>() = true;
}

std::vector<std::string> BuiltinLessonFiles() { return lesson_files(std::string(NNVIZ_ASSETS_DIR) + "/lessons"); }

void LessonState::save_settings(json::Value& settings) const {
  json::Value d = json::Value::array();
  for (const std::string& id : done) d.push(id);
  settings.set("lessons_done", d);
}

void LessonState::load_settings(const json::Value& settings) {
  if (const json::Value* d = settings.find("lessons_done"); d && d->is_array())
    for (const json::Value& id : d->items())
      if (id.is_string() && id.as_string().size() <= 64 && done.size() < 1000 && !listed(done, id.as_string()))
        done.push_back(id.as_string());
}

void LessonState::poll(App& app) {
  if (!request.empty()) {
    if (!lesson) {
      file = ResolveLesson(app, request);
      try {
        lesson = std::make_unique<Lesson>(load_lesson(file, AppLessonNames()));
        page = 0;
        error.clear();
      } catch (const std::exception& e) {
        error = e.what();
        app.say(e.what(), true);
        request.clear();
        return;
      }
    }
    if (!ApplyStart(app, *this)) return;  // the data is loading: the next frames try again
    request.clear();
  }
  if (!lesson || !tracker) return;
  // The statistics layout the layer statistics made for this run (UpdateInside, before this poll).
  if (app.run) tracker->observe(app.snap, app.views.state<StatsState>().layout);
  WatchPlayground(app, *this);
  WatchLandscape(app, *this);
  WatchRace(app, *this);
  if (tracker->all_met() && !listed(done, lesson->id)) {
    done.push_back(lesson->id);
    app.say("Lesson complete: " + lesson->title);
  }
  app.look_here = lesson->pages[size_t(page)].look_here;
}

void DrawLesson(App& app, bool* open) {
  if (!ImGui::Begin("Lesson", open)) {
    ImGui::End();
    return;
  }
  LessonState& ls = app.views.state<LessonState>();
  const auto& catalogue = Catalogue(app);
  app.report.region("lesson_panel", {ImGui::GetWindowPos(), {ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                                       ImGui::GetWindowPos().y + ImGui::GetWindowSize().y}});
  if (!ls.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kWrong));
    ImGui::TextWrapped("%s", ls.error.c_str());
    ImGui::PopStyleColor();
  }
  if (!ls.request.empty()) {
    ImGui::TextDisabled("Opening the lesson once the data is loaded...");
  } else if (!ls.lesson) {
    ImGui::TextWrapped("Lessons walk through one idea each, with goals nnviz checks while you work.");
    app.report.number("lessons_listed", double(catalogue.size()));
    // A teacher's ways in, above the list: a new lesson, or one from a file.
    if (ImGui::Button("New lesson from this state...")) NewLessonDraft(app, false);
    app.mark("lesson.new");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("A lesson that starts as the app is now (network, settings, open views, what classroom mode hides);\n"
                        "then write its pages and goals");
    if (!app.out_of_reach(App::Controls::Files)) {
      SameLineIfFits(ButtonWidth("Open a lesson file..."));
      ImGui::BeginDisabled(!app.data);
      if (ImGui::Button("Open a lesson file...")) {
        app.browse_dir = UserLessonsFolder();
        app.open_load_dialog = true;
      }
      ImGui::EndDisabled();
      app.mark("lesson.open_file");
    }
    ImGui::Separator();
    ImGui::Spacing();
    auto entry = [&](const CatalogueEntry& e, const std::string& label, bool own) {
      ImGui::BeginDisabled(!e.reads);
      // A built-in lesson starts by its id; the teacher's own by its file.
      if (ImGui::Button("Start"))
        app.guard("The lesson starts a run of its own.", [&app, what = own ? e.file : e.id] { OpenLesson(app, what); });
      ImGui::EndDisabled();
      app.mark(("lesson.start." + e.id).c_str());
      ImGui::SameLine();
      const bool done = listed(ls.done, e.id);
      if (done) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kMet));
      ImGui::TextWrapped("%s%s%s", label.c_str(), e.title.c_str(), done ? "  (done)" : "");
      if (done) ImGui::PopStyleColor();
      const float indent = ButtonWidth("Start") + ImGui::GetStyle().ItemSpacing.x;
      ImGui::Indent(indent);
      if (!e.summary.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, e.reads ? ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled)
                                                     : ImGui::ColorConvertU32ToFloat4(kWrong));
        ImGui::TextWrapped("%s", e.summary.c_str());
        ImGui::PopStyleColor();
      }
      if (own && e.reads) {
        if (ImGui::SmallButton("Edit")) {
          try {
            ls.draft = std::make_unique<Lesson>(load_lesson(e.file, AppLessonNames()));
            ls.draft_file = e.file;
            ls.draft_saved.clear();
            ls.draft_saved_text = lesson_to_json(*ls.draft).dump(2) + "\n";
          } catch (const std::exception& ex) {
            app.say(ex.what(), true);
          }
        }
        app.mark(("lesson.edit." + e.id).c_str());
      }
      ImGui::Unindent(indent);
    };
    for (size_t i = 0; i < catalogue.size(); ++i) {
      ImGui::PushID(int(i));
      entry(catalogue[i], std::to_string(i + 1) + ". ", false);
      ImGui::PopID();
    }
    const auto& own = OwnLessons(ls);
    if (!own.empty()) {
      ImGui::Spacing();
      ImGui::TextDisabled("YOUR LESSONS");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", UserLessonsFolder().c_str());
      for (size_t i = 0; i < own.size(); ++i) {
        ImGui::PushID(int(i) + 10000);
        entry(own[i], "", true);
        ImGui::PopID();
      }
    }
    app.report.number("own_lessons_listed", double(own.size()));
  } else {
    const Lesson& l = *ls.lesson;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kAccent));
    ImGui::TextWrapped("%s", l.title.c_str());
    ImGui::PopStyleColor();
    const int n = int(l.pages.size());
    ImGui::BeginDisabled(ls.page == 0);
    if (ImGui::ArrowButton("prev", ImGuiDir_Left)) --ls.page;
    ImGui::EndDisabled();
    app.mark("lesson.prev");
    ImGui::SameLine();
    ImGui::Text("page %d of %d", ls.page + 1, n);
    ImGui::SameLine();
    ImGui::BeginDisabled(ls.page + 1 >= n);
    if (ImGui::ArrowButton("next", ImGuiDir_Right)) ++ls.page;
    ImGui::EndDisabled();
    app.mark("lesson.next");
    ls.page = std::clamp(ls.page, 0, n - 1);
    const LessonPage& p = l.pages[size_t(ls.page)];
    ImGui::Separator();
    ImGui::TextUnformatted(p.title.c_str());
    PageText(p.text);
    if (!p.picture.empty()) PagePicture(app, ls.file, p.picture);
    app.report.text("lesson.page", p.title);
    if (!l.goals.empty()) {
      ImGui::Separator();
      ImGui::TextDisabled("GOALS");
      Goals(app, ls);
    }
    ImGui::Separator();
    if (ImGui::Button("Try again")) ls.request = ls.file;
    app.mark("lesson.retry");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The lesson's start again: its network, settings and goals");
    ImGui::SameLine();
    if (ImGui::Button("Leave lesson")) Leave(app, ls);
    app.mark("lesson.leave");
    const bool own = ls.file.rfind(UserLessonsFolder() + "/", 0) == 0;
    SameLineIfFits(ButtonWidth(own ? "Edit" : "Edit a copy"));
    if (ImGui::Button(own ? "Edit" : "Edit a copy")) NewLessonDraft(app, true);
    app.mark("lesson.edit");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(own ? "This lesson in the editor" : "A copy of this lesson in the editor, saved among your lessons");
    if (ls.lesson && ls.tracker && ls.tracker->all_met()) {
      for (size_t i = 0; i + 1 < catalogue.size(); ++i)
        if (catalogue[i].id == ls.lesson->id) {
          if (ImGui::Button(("Next lesson: " + catalogue[i + 1].title).c_str())) OpenLesson(app, catalogue[i + 1].id);
          app.mark("lesson.next_lesson");
        }
    }
  }
  ImGui::End();
}

}  // namespace nnviz::gui
