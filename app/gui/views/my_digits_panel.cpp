// "Teach it your handwriting", the Draw view's fold below the canvas: the drawing on the canvas
// kept as one of the user's digits with a click on its digit (a PNG file in the data folder,
// data/my_digits.h), every drawing as a thumbnail (hover for the file, right-click to delete),
// every third held out for measuring, and "Fine-tune on my digits": the run's network trained on
// MNIST mixed with the user's drawings on a thread of its own (train/fine_tune.h), its accuracy on
// the held-out drawings and on MNIST's test images before and after, and the fine-tuned weights
// given back to the run with a marker on its curves.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app.h"
#include "base/error.h"
#include "views/canvas_view.h"
#include "views/inside.h"
#include "widgets/controls.h"

namespace nnviz::gui {

FineTuneJob::~FineTuneJob() {
  cancel = true;
  if (thread.joinable()) thread.join();
}

namespace {

constexpr int kSide = 28;

// The set changed here (a drawing kept or deleted): its tiles again, and the next one's role.
void Changed(MyDigitsPanel& m) {
  m.atlas_dirty = true;
  if (!m.hold_touched) m.hold_next = held_out_by_default(m.set.next_number());
}

void Reload(MyDigitsPanel& m) {
  m.loaded = true;
  m.atlas_dirty = true;
  m.error.clear();
  try {
    if (m.dir.empty()) m.dir = data_home() + "/my-digits";
    m.set = load_my_digits(m.dir);
  } catch (const std::exception& e) {
    m.set = {};
    m.error = e.what();
  }
  Changed(m);
}

// Every drawing as a tile of one texture: kAtlasColumns a row.
void UpdateAtlas(MyDigitsPanel& m) {
  m.atlas_dirty = false;
  const int n = std::min(int(m.set.digits.size()), MyDigitsPanel::kAtlasMax), cols = MyDigitsPanel::kAtlasColumns;
  if (n == 0) return;
  const int rows = (n + cols - 1) / cols, w = cols * kSide, h = rows * kSide;
  std::vector<float> px(size_t(w) * size_t(h), 0.f);
  for (int i = 0; i < n; ++i) {
    const std::vector<uint8_t>& d = m.set.digits[size_t(i)].pixels;
    const int x0 = (i % cols) * kSide, y0 = (i / cols) * kSide;
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x) px[size_t(y0 + y) * size_t(w) + size_t(x0 + x)] = d[size_t(y * kSide + x)] / 255.f;
  }
  m.atlas.update(px.data(), w, h, Colormap::Gray);
}

void Tile(const MyDigitsPanel& m, int i, ImVec2 size, ImU32 border) {
  const int cols = MyDigitsPanel::kAtlasColumns;
  const int rows = (std::min(int(m.set.digits.size()), MyDigitsPanel::kAtlasMax) + cols - 1) / cols;
  const ImVec2 uv0{float(i % cols) / cols, float(i / cols) / float(rows)};
  const ImVec2 uv1{uv0.x + 1.f / cols, uv0.y + 1.f / float(rows)};
  ImGui::Image(m.atlas.texture(), size, uv0, uv1, {1, 1, 1, 1}, ImGui::ColorConvertU32ToFloat4(border));
}

std::string Percent(double x) {
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", x * 100);
  return b;
}

// "2 of 3" right of the held-out drawings.
std::string RightOf(const FineTuneReport& r, bool after) {
  const std::vector<int>& pred = after ? r.pred_after : r.pred_before;
  int right = 0;
  for (size_t i = 0; i < pred.size() && i < r.labels.size(); ++i) right += pred[i] == r.labels[i];
  return std::to_string(right) + " of " + std::to_string(pred.size());
}

constexpr ImU32 kHeldColour = IM_COL32(90, 200, 230, 255);

// Fine-tuning from the run's latest weights, on its own thread.
void Launch(App& app, MyDigitsPanel& m) {
  const auto w = app.snap.weights;
  if (!app.run || !w || !app.data) {
    app.say("Fine-tuning needs a run", true);
    return;
  }
  auto job = std::make_shared<FineTuneJob>();
  job->net = std::make_unique<Network>(app.setup_of_run);
  if (!SetNetworkValues(*job->net, *w)) {
    app.say("Fine-tuning could not copy the run's weights", true);
    return;
  }
  std::vector<uint8_t> px[2], labels[2];
  for (const MyDigit& d : m.set.digits) {
    const int k = d.held_out ? 1 : 0;
    px[k].insert(px[k].end(), d.pixels.begin(), d.pixels.end());
    labels[k].push_back(uint8_t(d.label));
    if (d.held_out) job->held_paths.push_back(d.path);
  }
  Split own_train = own_split(*app.data, px[0], labels[0]), own_test = own_split(*app.data, px[1], labels[1]);
  FineTuneOptions o;
  o.steps = m.steps;
  o.batch = 32;
  o.opt = app.snap.config.opt;
  o.opt.lr = app.snap.config.schedule.lr_at(app.snap.config.opt.lr, app.snap.epoch) * kFineTuneRate;
  o.augment.enabled = true;
  o.seed = uint64_t(app.snap.step) + 17;
  job->total = o.steps;
  job->run = app.run.get();
  job->generation = app.cursor.generation;
  job->step = app.snap.step;
  std::shared_ptr<const Dataset> data = app.data;
  FineTuneJob* j = job.get();
  job->thread = std::thread([j, data, own_train = std::move(own_train), own_test = std::move(own_test), o] {
    try {
      j->report = fine_tune(*j->net, *data, own_train, own_test, o, &j->done, &j->cancel);
    } catch (const std::exception& e) {
      j->error = e.what();
    }
    j->finished = true;
  });
  m.job = std::move(job);
}

// Why the run cannot be fine-tuned on the set now ("" when it can): asked when Fine-tune is
// pressed, and again when the run has paused for it.
std::string FineTuneProblem(const App& app, const MyDigitsPanel& m) {
  if (!app.run || !app.data) return "No run yet";
  if (app.data_kind != DatasetKind::Mnist || app.data->input_size() != kSide * kSide || app.data->num_classes != 10)
    return "Fine-tuning on your digits needs a run on MNIST (the data menu)";
  if (m.set.count(false) == 0) return "Keep at least one drawing to train on (a click on its digit)";
  if (app.snap.state == RunState::Diverged || app.snap.state == RunState::Failed)
    return "The run has stopped (" + std::string(to_string(app.snap.state)) + "): reset it first";
  return "";
}

}  // namespace

FrameNeed CanvasState::needs_frames(bool) const {
  return mine.job || mine.waiting_pause ? FrameNeed{FrameNeed::Waiting, "fine-tune"} : FrameNeed{};
}

void CanvasState::new_run() {
  live.reset();  // the canvas's copy of the old run's network
  live_weights.reset();
  MyDigitsPanel& m = mine;
  m.waiting_pause = false;
  if (m.job) {
    m.job->cancel = true;
    m.stopping.push_back(std::move(m.job));
  }
}

void CanvasState::save_settings(json::Value& s) const {
  s.set("my_digits_open", mine.open);
  s.set("fine_tune_steps", static_cast<long long>(mine.steps));
}

void CanvasState::load_settings(const json::Value& s) {
  mine.open = s.get_bool("my_digits_open", mine.open);
  mine.steps = std::clamp(s.get_int("fine_tune_steps", mine.steps), 50, 2000);  // the slider's range
}

bool StartFineTune(App& app, std::string* why) {
  CanvasState& c = app.views.state<CanvasState>();
  MyDigitsPanel& m = c.mine;
  auto fail = [&](const std::string& text) {
    if (why) *why = text;
    return false;
  };
  if (!m.loaded) Reload(m);
  if (m.job || m.waiting_pause) return fail("Fine-tuning is under way");
  if (const std::string problem = FineTuneProblem(app, m); !problem.empty()) return fail(problem);
  if (app.training()) {
    app.run->pause();  // the fine-tuned weights replace these: training on meanwhile would be lost
    m.waiting_pause = true;
    return true;
  }
  Launch(app, m);
  return true;
}

void CanvasState::poll(App& app) {
  MyDigitsPanel& m = mine;
  m.stopping.erase(std::remove_if(m.stopping.begin(), m.stopping.end(), [](const auto& j) { return j->finished.load(); }),
                   m.stopping.end());
  if (m.waiting_pause && !app.run) m.waiting_pause = false;
  if (m.waiting_pause && !app.training()) {
    m.waiting_pause = false;
    if (const std::string problem = FineTuneProblem(app, m); !problem.empty())  // it diverged while pausing...
      app.say(problem, true);
    else
      Launch(app, m);
  }
  if (!m.job || !m.job->finished) return;
  std::shared_ptr<FineTuneJob> job = std::move(m.job);
  if (job->thread.joinable()) job->thread.join();
  if (!job->error.empty()) {
    app.say("Fine-tuning failed: " + job->error, true);
    return;
  }
  if (job->report.cancelled) {
    app.say("Fine-tuning cancelled: the run's weights are as they were");
    return;
  }
  if (job->run != app.run.get() || job->generation != app.cursor.generation) {
    app.say("Fine-tuning finished after its run was replaced or reset: its weights are dropped");
    return;
  }
  if (app.snap.step != job->step) {  // Play pressed meanwhile: its training is not thrown away
    app.say("The run trained on while it was being fine-tuned (step " + std::to_string(job->step) + " -> " +
                std::to_string(app.snap.step) + "): the fine-tuned weights are dropped; pause and fine-tune again",
            true);
    return;
  }
  const FineTuneReport& r = job->report;
  app.run->load_weights(*job->net, "fine-tuned on " + std::to_string(r.trained_on) + " of your digits");
  m.have_result = true;
  m.result = r;
  m.result_paths = job->held_paths;
  use_bundled = false;  // the canvas reads with the fine-tuned network
  dirty = true;
  std::string text = "Fine-tuned on " + std::to_string(r.trained_on) + " of your drawings";
  if (r.held_out > 0) text += ": your held-out drawings " + RightOf(r, false) + " right before, " + RightOf(r, true) + " after";
  if (r.test_before >= 0) text += "; MNIST test " + Percent(r.test_before) + " -> " + Percent(r.test_after);
  app.say(text);
}

json::Value FineTuneResultJson(const MyDigitsPanel& m) {
  json::Value r = json::Value::object();
  r.set("trained_on", static_cast<long long>(m.result.trained_on));
  r.set("held_out", static_cast<long long>(m.result.held_out));
  r.set("held_before", m.result.held_before);
  r.set("held_after", m.result.held_after);
  r.set("test_before", m.result.test_before);
  r.set("test_after", m.result.test_after);
  r.set("steps", static_cast<long long>(m.result.steps));
  return r;
}

float MyDigitsHeight(const CanvasState& c) {
  const float row = ImGui::GetFrameHeightWithSpacing(), line = ImGui::GetTextLineHeightWithSpacing();
  if (!c.mine.open) return row;
  // What it took when last drawn; before that, an estimate: the header, the keep row, the counts,
  // two rows of drawings, fine-tune and its two lines of figures.
  return c.mine.height > 0 ? c.mine.height : row * 3 + line * 3 + ImGui::GetFontSize() * 5;
}

void DrawMyDigits(App& app, CanvasState& c) {
  MyDigitsPanel& m = c.mine;
  const float fs = ImGui::GetFontSize(), top = ImGui::GetCursorPosY();
  ImGui::SetNextItemOpen(m.open);
  char head[96];
  std::snprintf(head, sizeof head, "Teach it your handwriting (%d drawings)###mydigits",
                m.loaded ? int(m.set.digits.size()) : 0);
  m.open = ImGui::CollapsingHeader(head);
  if (ImGui::IsItemToggledOpen() && m.open) m.loaded = false;  // read again: files may have come or gone
  app.mark("mydigits.header");
  if (!m.open) return;
  struct Measure {  // the height drawn, for the next frame's layout (MyDigitsHeight)
    MyDigitsPanel& m;
    float top;
    ~Measure() { m.height = ImGui::GetCursorPosY() - top; }
  } measure{m, top};
  if (!m.loaded) Reload(m);

  // --- keep the drawing: a click on its digit
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("It is a");
  const bool ink = c.digit.has_value();
  ImGui::BeginDisabled(!ink);
  for (int d = 0; d < 10; ++d) {
    ImGui::SameLine(0, d == 0 ? -1.f : fs * 0.25f);
    char label[8];
    std::snprintf(label, sizeof label, "%d", d);
    if (ImGui::Button(label, {fs * 1.6f, 0}) && c.digit) {
      try {
        const MyDigit kept = save_my_digit(m.dir, d, c.digit->pixels, m.set.next_number(), m.hold_next);
        m.last_kept = kept.path;
        app.say("Kept as a " + std::to_string(d) + (kept.held_out ? ", held out for measuring: " : ": ") + kept.path);
        PushUndo(c);
        std::fill(c.ink.begin(), c.ink.end(), 0.f);
        c.dirty = true;
        m.hold_touched = false;
        // Into the set where a reading would put it (by digit, then number), without reading the
        // folder again (thousands of drawings take a while).
        const auto at = std::find_if(m.set.digits.begin(), m.set.digits.end(), [&](const MyDigit& x) {
          return x.label > kept.label || (x.label == kept.label && x.number > kept.number);
        });
        m.set.digits.insert(at, kept);
        Changed(m);
      } catch (const std::exception& e) {
        app.say(e.what(), true);
      }
    }
    char mark[32];
    std::snprintf(mark, sizeof mark, "mydigits.keep.%d", d);
    app.mark(mark);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip(ink ? "Keep this drawing as a %d" : "Draw a %d first", d);
  }
  ImGui::EndDisabled();
  SameLineIfFits(CheckboxWidth("held out"));
  if (ImGui::Checkbox("held out", &m.hold_next)) m.hold_touched = true;
  app.mark("mydigits.hold");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A held-out drawing is never trained on: it measures how well the network reads your hand.\n"
                      "Every third drawing is held out unless you change this.");

  // --- the set
  if (!m.error.empty())
    TextElided({1, 0.45f, 0.4f, 1}, m.error);
  else
    TextElided(ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled),
               std::to_string(m.set.count(false)) + " to train on, " + std::to_string(m.set.count(true)) +
                   " held out, in " + HomeShort(m.dir) + (m.set.problems.empty() ? "" : "  (" + std::to_string(m.set.problems.size()) + " files skipped)"));
  if (ImGui::IsItemHovered() && !m.set.problems.empty()) {
    ImGui::BeginTooltip();
    for (size_t i = 0; i < m.set.problems.size() && i < 12; ++i) ImGui::TextUnformatted(m.set.problems[i].c_str());
    ImGui::EndTooltip();
  }
  if (m.atlas_dirty) UpdateAtlas(m);  // after Keep: the strip's tiles and the texture of one set
  const float tile = fs * 2.2f, gap = ImGui::GetStyle().ItemSpacing.x * 0.5f;
  const float strip_h = tile * 2 + gap * 3;
  ImGui::BeginChild("mydigits.strip", {0, strip_h}, false);
  const float right = ImGui::GetContentRegionAvail().x;
  int remove = -1;
  if (m.set.digits.empty())
    ImGui::TextDisabled("Draw a digit above and click its number: it is kept here, in your own set.");
  // Rows of as many as fit; only the rows in sight are drawn (a set of thousands scrolls smoothly).
  const int shown = std::min(int(m.set.digits.size()), MyDigitsPanel::kAtlasMax);
  const int per_row = std::max(1, int((right + gap) / (tile + gap)));
  ImGuiListClipper rows;
  rows.Begin((shown + per_row - 1) / per_row, tile + ImGui::GetStyle().ItemSpacing.y);
  while (rows.Step())
    for (int row = rows.DisplayStart; row < rows.DisplayEnd; ++row)
      for (int i = row * per_row; i < std::min(shown, (row + 1) * per_row); ++i) {
        const MyDigit& d = m.set.digits[size_t(i)];
        if (i > row * per_row) ImGui::SameLine(0, gap);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        Tile(m, i, {tile, tile}, d.held_out ? kHeldColour : IM_COL32(90, 90, 100, 255));
        char mark[40];
        std::snprintf(mark, sizeof mark, "mydigits.thumb.%d", i);
        if (i < 64) app.mark(mark);
        const std::string digit = std::to_string(d.label);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddText({p.x + 2, p.y + tile - fs - 1}, IM_COL32(240, 200, 90, 255), digit.c_str());
        // A held-out drawing the last fine-tuning measured: what the network read after it, green
        // when right, red when wrong.
        int read = -1;
        if (m.have_result && d.held_out)
          for (size_t k = 0; k < m.result_paths.size() && k < m.result.pred_after.size(); ++k)
            if (m.result_paths[k] == d.path) read = m.result.pred_after[k];
        if (read >= 0) {
          const std::string r = std::to_string(read);
          const ImVec2 ts = ImGui::CalcTextSize(r.c_str());
          const ImVec2 b0{p.x + tile - ts.x - 4, p.y + 1};
          dl->AddRectFilled(b0, {p.x + tile - 1, b0.y + ts.y}, read == d.label ? IM_COL32(40, 140, 70, 230) : IM_COL32(170, 50, 50, 230), 2);
          dl->AddText({b0.x + 1.5f, b0.y}, IM_COL32(255, 255, 255, 255), r.c_str());
        }
        if (ImGui::IsItemHovered()) {
          ImGui::BeginTooltip();
          Tile(m, i, {fs * 7, fs * 7}, 0);
          ImGui::Text("A %d, %s", d.label, d.held_out ? "held out for measuring" : "trained on");
          ImGui::TextDisabled("%s", d.path.c_str());
          ImGui::TextDisabled("Right-click to delete it.");
          ImGui::EndTooltip();
        }
        if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) {
          remove = i;
          ImGui::OpenPopup("mydigits.menu");
        }
      }
  rows.End();
  if (int(m.set.digits.size()) > shown)
    ImGui::TextDisabled("and %d more drawings (in the folder; all of them train)", int(m.set.digits.size()) - shown);
  if (remove >= 0) m.menu_for = m.set.digits[size_t(remove)].path;  // by its file: the set may change meanwhile
  if (ImGui::BeginPopup("mydigits.menu")) {
    const auto it = std::find_if(m.set.digits.begin(), m.set.digits.end(), [&](const MyDigit& x) { return x.path == m.menu_for; });
    if (it != m.set.digits.end()) {
      ImGui::TextDisabled("A %d, %s", it->label, it->held_out ? "held out" : "trained on");
      if (ImGui::MenuItem("Delete this drawing")) {
        try {
          delete_my_digit(m.dir, it->path);
          app.say("Deleted " + it->path);
          m.set.digits.erase(it);
          Changed(m);
        } catch (const std::exception& e) {
          app.say(e.what(), true);
          Reload(m);  // the folder is not what the set says: read it again
        }
      }
      app.mark("mydigits.delete");
    }
    ImGui::EndPopup();
  }
  const ImVec2 strip0 = ImGui::GetWindowPos();
  const ImVec2 strip1{strip0.x + ImGui::GetWindowWidth(), strip0.y + ImGui::GetWindowHeight()};
  ImGui::EndChild();
  app.report.region("mydigits", {strip0, strip1});

  // --- fine-tune
  const bool busy = m.job || m.waiting_pause;
  if (!busy) {
    if (ImGui::Button("Fine-tune on my digits")) {
      std::string why;
      if (!StartFineTune(app, &why)) app.say(why, true);
    }
    app.mark("mydigits.finetune");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Trains the run's network on MNIST mixed with your drawings (a quarter of each mini-batch,\n"
                        "shifted and turned a little each time) at a quarter of its learning rate, then shows\n"
                        "how it reads your held-out drawings before and after. The run is paused for it.");
    SameLineIfFits(LabelledWidth(fs * 8, "mini-batches"));
    ImGui::SetNextItemWidth(fs * 8);
    SliderIntClear("mini-batches", &m.steps, 50, 2000, "%d", ImGuiSliderFlags_Logarithmic);
    app.mark("mydigits.steps");
  } else {
    char text[64];
    if (m.waiting_pause)
      std::snprintf(text, sizeof text, "pausing the run...");
    else
      std::snprintf(text, sizeof text, "%d of %d mini-batches", m.job->done.load(), m.job->total);
    ImGui::ProgressBar(m.job ? float(m.job->done) / float(std::max(1, m.job->total)) : 0.f, {-ButtonWidth("Cancel") - fs, 0},
                       text);
    app.mark("mydigits.progress");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      m.waiting_pause = false;
      if (m.job) m.job->cancel = true;
    }
    app.mark("mydigits.cancel");
  }

  // --- the last fine-tuning's figures, before -> after
  if (m.have_result) {
    const FineTuneReport& r = m.result;
    const ImVec4 better{0.45f, 0.85f, 0.5f, 1}, plain = ImGui::GetStyleColorVec4(ImGuiCol_Text);
    if (r.held_out > 0)
      ImGui::TextColored(r.held_after > r.held_before ? better : plain, "Your held-out drawings: %s -> %s right",
                         RightOf(r, false).c_str(), RightOf(r, true).c_str());
    else
      ImGui::TextDisabled("No held-out drawings to measure the fine-tuning on");
    app.mark("mydigits.result");
    if (r.test_before >= 0)
      TextElided(ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled),
                 "MNIST test: " + Percent(r.test_before) + " -> " + Percent(r.test_after) + "  (" +
                     std::to_string(r.trained_on) + " drawings trained on, " + std::to_string(r.steps) +
                     " mini-batches)");
  }
}

}  // namespace nnviz::gui
