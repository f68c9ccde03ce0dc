// The desktop app's state: the dataset, the current run, the curves gathered from its snapshots,
// the setup being edited, and the views. Panels (one per file) read it and turn user actions
// into Run commands; only the main thread touches it.
#pragma once

#include <array>
#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "frame_report.h"
#include "data/image_folder.h"
#include "data/preprocess.h"
#include "desktop_chooser.h"
#include "render/recorder.h"
#include "engine/engine.h"
#include "train/presets.h"
#include "views/inside.h"
#include "views/view_table.h"
#include "widgets/controls.h"
#include "widgets/heatmap.h"
#include "widgets/plot.h"

namespace nnviz::gui {

// Training threads run this much nicer than the GUI thread: frames are drawn first, training
// takes the rest (a frame needs well under a core, so training hardly slows).
constexpr int kTrainingNice = 5;
// The pace a new user starts at, in mini-batches a second: the first preset's loss falls over a
// few seconds and its first epoch ends after about 17 s, where full speed is a blur. The slider's
// right end (kMaxSpeed) is full speed.
constexpr double kWatchSpeed = 300;
constexpr float kMaxSpeed = 1000;

inline RunOptions GuiRunOptions() {
  RunOptions o;
  o.nice = kTrainingNice;
  o.eval_early = true;  // a validation curve from the first seconds of a run
  return o;
}

// Every metric point of the current run, as the plots draw them.
struct Curves {
  std::vector<float> step, epoch, loss, loss_smooth, acc_smooth, lr;
  std::vector<float> ev_step, ev_epoch, val_loss, val_acc, test_loss, test_acc;
  std::vector<ChangePoint> changes;
  SeriesIndex loss_ix, loss_smooth_ix, acc_smooth_ix;  // block summaries for drawing long curves
  double ema_loss = 0, ema_acc = 0, ema_weight = 0;

  void clear();
  void clear_steps();  // the per-mini-batch curves only (the run's history was compacted)
  void append(const RunSnapshot& s);
  std::string to_csv() const;       // one row per mini-batch
  std::string evals_to_csv() const; // one row per evaluation
};

// Every view's state and its window's switch, one of each per line of the view table
// (views/view_table.h), in the table's order. A view reaches its own state by its type:
// app.views.state<WeightsState>().
class Views {
 public:
  Views();  // a new state for every view; open: the ones the table opens on a first start
  template <class S>
  S& state() { return static_cast<S&>(*slots_[index<S>()].state); }
  template <class S>
  const S& state() const { return static_cast<const S&>(*slots_[index<S>()].state); }
  template <class S>
  bool& open() { return slots_[index<S>()].open; }
  template <class S>
  bool open() const { return slots_[index<S>()].open; }
  bool& open(const char* name);  // by the table's name; throws std::logic_error on an unknown one
  // By place in the table.
  size_t size() const { return slots_.size(); }
  ViewState& state_at(size_t i) { return *slots_[i].state; }
  const ViewState& state_at(size_t i) const { return *slots_[i].state; }
  bool& open_at(size_t i) { return slots_[i].open; }
  bool open_at(size_t i) const { return slots_[i].open; }
  // Every switch as on a first start: the table's first views open, Tile on, the demo closed
  // (the states stay, as a closed window's do).
  void reset_switches();
  // The settings file's "views" object: every view's switch by its name, and Tile (the
  // developers' demo window is not remembered).
  void save_switches(json::Value& views) const;
  void load_switches(const json::Value& views);

  bool demo = false;  // ImGui's own demo window, for developers
  bool tile = true;   // arrange the open views in the main area; off: free, remembered windows

 private:
  struct Slot {
    std::unique_ptr<ViewState> state;
    bool open = false;
  };
  std::vector<Slot> slots_;
  template <class S>
  static size_t index() {
    static const size_t i = checked_index(ViewIndex(std::type_index(typeid(S))));
    return i;
  }
  static size_t checked_index(int i);  // throws std::logic_error for a type not in the table
};

// The run's pace as the status bar shows it, on the GUI's clock (status_bar.cpp). The engine's
// samples_per_s and elapsed_s count the time spent computing mini-batches: right for comparing
// runs, but not the pace when the speed setting holds training back (at 31 mini-batches a second
// of 10 samples the bar said 22,417 samples/s, its elapsed time stood still, and its ETA said 20 s
// for about 24 minutes of work).
struct Pace {
  const void* run = nullptr;  // the run these figures are for
  double elapsed = 0;         // seconds the run has spent running: its own figure when first seen
                              // (a reopened run's), then the GUI's clock while it runs
  double seen_running_at = -1;  // the last poll that saw it running (-1: it was not)
  std::deque<std::pair<double, double>> window;  // (time, epoch progress) over the last seconds
  // Once per frame with the latest snapshot.
  void update(const void* current_run, const RunSnapshot& s, double now);
  // Samples per second over the window, from the epoch's progress (a batch size changed on the way
  // is counted right); negative while the window is too short to tell.
  double samples_per_s(long train_samples) const;
};

// A request to save a part of the framebuffer as PNG after the frame is drawn.
struct PngRequest {
  std::string path;
  ImVec2 min, max;  // in window pixels (logical)
};

struct App {
  // --- data
  std::string data_dir;  // --data, or empty for the default folders
  DatasetKind data_kind = DatasetKind::Mnist;
  std::shared_ptr<const Dataset> data;       // what new runs train on: full_data, its training split cut to train_size
  std::shared_ptr<const Dataset> full_data;  // as loaded: every training image
  long train_size = 0;                       // the training images kept (the sidebar's setting; 0: all)
  // A new training-set size: the data cut again and a new run on it (after the unsaved-training question).
  void set_train_size(long n);
  std::future<std::shared_ptr<const Dataset>> loading;
  // An image folder being read (data/image_folder.h) on its own thread, with its progress: the
  // current data and run stay until it has loaded, and stay when it fails.
  struct FolderLoad {
    std::string dir;
    FolderOptions options;
    std::shared_ptr<FolderProgress> progress;
    std::shared_ptr<FolderReport> report;
    std::future<std::shared_ptr<const Dataset>> result;
  };
  FolderLoad folder_load;
  std::string folder_dir;              // the sidebar's choices for the next folder
  int folder_size = 28;
  bool folder_colour = false;
  void load_folder(const std::string& dir, const FolderOptions& o);
  // The choices above as options: the split drawn with the setup's seed, its normalisation.
  FolderOptions folder_options() const;
  std::string data_error;

  // --- setup being edited (applied on "Apply & reset")
  int preset = 0;
  TrainConfig setup;
  bool setup_dirty = false;  // architecture, init, seed or dataset changed since the run was made
  std::string setup_error;   // why the edited network is invalid
  std::vector<LayerCheck> setup_layers;  // the edited network layer by layer (validate_setup)
  long long setup_params = 0;

  // --- the run
  std::unique_ptr<Run> run;
  SnapshotCursor cursor;
  RunSnapshot snap;  // the latest snapshot (its point lists are the newest increments)
  Curves curves;
  double speed = kWatchSpeed;  // mini-batches per second, 0 = full speed
  double watch_speed = kWatchSpeed;  // the last pace below full speed (the "Watch" button's)
  Pace pace;         // the status bar's samples/s, elapsed time and ETA

  // --- the architecture of the current run (the setup may be edited meanwhile)
  NetSpec setup_of_run;
  std::vector<Shape> in_shapes, out_shapes;  // per layer
  int probe_index = 0;                       // validation image shown in the activations view
  // What the probe is, for the activations view: "validation image #12", "test image #40", "your
  // drawing". A drawing has no label; a dataset image keeps its own.
  std::string probe_source = "validation image #0";
  void set_probe_input(const Mat& x, int label, std::string source);
  // Which weight element `index` of a tensor of `rows` rows (its fan-in) is, in the layer's own
  // terms: "filter 3, channel 0, tap (2, 4)" for a convolution, "unit 7, from pixel (12, 5)" for a
  // dense layer on an image, "unit 7, input 42" otherwise.
  std::string describe_weight(const std::string& param, int rows, int index) const;
  int sel_param = 0, sel_index = 0;          // the weight the step-through follows

  // --- views
  Views views;
  TimelineState timeline;
  FrameReport report;  // where the views drew and what they showed, for the tests (frame_report.h)
  bool x_in_epochs = false;  // the curves' and the race's x axis
  // Classroom mode hides the controls a teacher chose (and their shortcuts), so that students see
  // the controls and views the lesson needs. Ctrl+Shift+K (or the settings) leaves it.
  bool classroom = false;
  // What classroom mode hides: by default everything but the controls and the views (Reset stays).
  bool hide_setup = true, hide_optimizer = true, hide_data = true, hide_reset = false, hide_files = true;
  // Started with --classroom: everything is hidden for this session only; the settings file keeps
  // the teacher's own choices (as they were read) for the next plain start.
  bool classroom_forced = false;
  std::array<bool, 6> classroom_as_read{};  // classroom and the five hide_* flags from the file
  // The groups of controls classroom mode and lessons hide or lock, in LessonControlGroups()' order.
  enum class Controls { Setup, Optimizer, Data, Reset, Files };
  // What the lesson under way hides, or shows but fixes: views by name and groups of controls
  // (set when its start is applied, cleared when the student leaves it).
  struct LessonRules {
    std::vector<std::string> hide, lock;
    std::vector<std::string> order;  // the lesson's views in the order its start lists them: their places when tiled
  } lesson_rules;
  bool hide_ticked(Controls c) const;  // classroom mode's tick for the group (applied while classroom is on)
  bool lesson_hides(Controls c) const;
  bool hides(Controls c) const;   // classroom mode's choice, or the lesson's
  bool locks(Controls c) const;   // the lesson's: shown, but nothing in the group can be changed
  bool out_of_reach(Controls c) const { return hides(c) || locks(c); }  // its buttons and keys do nothing
  bool view_hidden(const std::string& name) const;  // the view is not drawn nor offered
  bool view_locked(const std::string& name) const;  // the view stays as the lesson set it, open or closed
  // The views on screen, as places in the view table, in the order they tile: the open ones a
  // lesson does not hide, those its start lists first, in its order, then the table's.
  std::vector<size_t> shown_views() const;
  float ui_zoom = 1;  // the user's interface size on top of the monitor's scale (Ctrl+= / Ctrl+-)

  // --- messages and file actions
  // The status bar shows the newest message, the app's or the engine's: a new error is never
  // hidden behind an older one. Errors stay until dismissed; every message also goes to the log,
  // which the status bar's "log" button opens.
  struct LogEntry {
    double at;        // ImGui time
    std::string when; // wall clock, HH:MM:SS
    std::string text;
    bool error;
  };
  std::vector<LogEntry> log;  // the newest kMaxLog messages
  static constexpr size_t kMaxLog = 500;
  bool show_log = false;
  bool show_help = false;  // the keyboard shortcuts (F1 or ?)
  std::string message;
  bool message_is_error = false;
  double message_until = 0;
  double message_at = -1;          // when the app's message was said
  std::string engine_message;      // the run's message as last seen, and when it changed
  double engine_message_at = -1;
  // model_path: what the Save dialog offers. own_path: the file this run was saved to or opened
  // from ("" for a run that has none yet): only that file is saved over without a question, so a
  // new run never silently replaces an older run's file.
  std::string model_path, own_path;
  bool restoring = false;  // a reopened run's restore is under way (its restart keeps own_path)
  std::string dialog_path;  // the path in the open Save or Open dialog
  bool save_onnx = false;   // the Save dialog writes an ONNX model (.onnx) instead of the run
  std::string browse_dir;   // the folder the dialog's browser shows
  // The desktop's own file chooser, where there is one (desktop_chooser.h; none in the headless
  // modes): the dialogs' Choose... runs it, and its answer goes to the dialog that asked for it.
  ChooserTool chooser_tool;
  ChooserProcess chooser;
  bool chooser_saving = false;
  std::vector<std::string> recent_files;  // saved or opened lately, newest first (kept in the settings)
  void remember_file(const std::string& path);
  bool play_when_ready = false;  // Play pressed while the data loaded: train once it is ready
  void toggle_play_when_ready();
  long saved_step = 0;  // the run's step when it was last saved or opened
  // An action that would throw away unsaved training (reset, another network or dataset, opening
  // a file) waits for the user's answer in a dialog; without unsaved training it runs at once.
  std::string confirm_what;
  std::function<void()> confirm_action;
  bool confirm_request = false;
  bool open_save_dialog = false, open_load_dialog = false;
  // Files dropped on the window (GLFW's drop callback), opened by the next frame as Open would.
  std::vector<std::string> dropped;
  void open_dropped();
  // A picture dropped on the window: the run's network reads it (a digit prepared as the canvas
  // prepares one; another picture whole, at the data's size and colours) as the activations view's
  // probe, which opens. The run is not touched; a file that does not decode is a message.
  void probe_picture(const std::string& path);
  std::vector<PngRequest> png_requests;
  // Recording a view as an animated GIF or PNG files (render/recorder.h; the timeline's Record...).
  Recorder recorder;
  RecordSettings record_settings;
  void start_recording();  // into the data folder, named by the time; says where or why not
  long shown_step() const;  // the step the views show: the timeline's, else the run's

  // --- frames. The loop (main.cpp) draws at its pace while anything is live and sleeps in
  // glfwWaitEventsTimeout otherwise; next_frame_due() is the one place that knows what is live.
  // Views whose work waits for a moment (a refresh limited to a few a second) ask for a frame
  // then with redraw_by(); the requests hold for the frame that made them (cleared at its start).
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  double frame_wanted_at = kNever;  // in ImGui time (ImGui::GetTime())
  void redraw_by(double t) { frame_wanted_at = std::min(frame_wanted_at, t); }
  // After a window event (a key, a click, a move) ImGui needs a few frames to settle: a popup
  // opens the frame after it is asked for and shows the frame after that (it measures itself
  // first, hidden), a tooltip likewise, a modal's dimming fades in. The loop sets these.
  bool sidebar_folded = false;  // the sidebar folded to a strip (Ctrl+B, or its arrow): the views get the width
  int layer_added = -1;       // the layer editor's row just added (it glows a moment)
  double layer_added_at = 0;
  int settle_frames = 0;
  double settle_until = 0;
  long input_presses = 0;  // mouse button presses the window has received (for the state dump)
  // When the next frame is due, in ImGui time: at or before `now` means "at the loop's pace",
  // kNever means nothing is live (sleep until an event). `why` lists what keeps it busy.
  double next_frame_due(double now, std::string* why = nullptr) const;
  // Runs publish some news from helper threads after they stop counting as busy (the evaluation
  // at an epoch's end): for a while after training, the sleeping loop looks for news often.
  double trained_at = -1e9;  // ImGui time of the last frame that saw a run or the race training
  double news_check_interval(double now) const;
  // The race's runs: collects their new points (as its view does) and tells whether there were any.
  bool take_comparison_news();
  bool racing() const;  // the race's runs are training

  // --- a read-only dump of the state for tests that drive the real window (NNVIZ_STATE_FILE,
  // state_dump.cpp): written only when a frame is drawn, so a frozen window gives a frozen dump.
  std::string state_file;
  bool classroom_settings_open = false;  // the sidebar's Classroom fold
  bool batch_unsent = false, epochs_unsent = false;  // typed into the sidebar, not yet given to the run
  // The views and controls a lesson's page points at (views/lesson_view.cpp): they glow.
  std::vector<std::string> look_here;
  // Remembers the last item's rectangle under `name` when the dump or a layout file is on, and
  // makes it glow when a lesson points at it.
  void mark(const char* name) {
    report.mark(name);
    if (!look_here.empty() && std::find(look_here.begin(), look_here.end(), name) != look_here.end()) Glow();
  }
  static void Glow();  // a ring around the last item (panes.cpp)

  App();
  void load_data(DatasetKind kind);    // in the background; poll() picks it up
  void poll();                         // once per frame: data loading, snapshots
  bool has_news() const;               // something to show since the last poll (idle wake-ups)
  void apply_preset(int index);
  void validate_setup();               // sets setup_error
  void start_run();                    // a new run from the setup (resets the curves)
  // A new run of these settings and network (an opened file's); false, with the setup as it was,
  // when it could not start.
  bool start_run_with(const TrainConfig& settings, const NetSpec& net);
  // Saves the run to `path` without waiting: the run is recorded on its training thread between two
  // mini-batches and written on a thread of its own, so the frame never waits for a mini-batch or
  // the disk. finish_save (from poll) takes the result and says so.
  void save_model(const std::string& path);
  // The same for an ONNX model of the run's network (io/onnx_export.h): the run is not saved by it.
  void export_onnx(const std::string& path);
  struct PendingSave {
    std::string path;
    std::future<long> step;  // the step saved; rethrows what the save threw
    bool same_run = true;    // false once another run replaced the one being saved
    bool onnx = false;       // an ONNX export, not a save of the run
  } pending_save;
  void write_run(const std::string& path, bool onnx);  // save_model's and export_onnx's work
  void finish_save(bool wait);  // takes a finished save's result; with `wait`, waits for it first
  void load_model(const std::string& path);  // prepare_open, then its result at once
  // Reads a run or model file and checks it against the data, touching nothing; returns what
  // replaces the current run with it (load_model, or the Open dialog after asking about unsaved
  // training). Throws Error naming the file and the problem.
  std::function<void()> prepare_open(const std::string& path);
  void open_checked(const std::function<void()>& commit);  // runs it; an error becomes a message
  // A file of the other dataset: what switches to that dataset and opens the file once it loaded.
  std::function<void()> switch_and_open(DatasetKind kind, const std::string& path);
  // A file trained on a folder of images: what loads that folder and opens the file then (nothing
  // when the folder's data is loaded; Error when it cannot be opened on the data there is).
  std::function<void()> folder_for(const TrainConfig& file, const Shape& input, const std::string& path);
  std::string open_after_loading;  // the file to open when the data now loading is ready
  // After a file brought its own network: the sidebar's preset becomes the one with that network,
  // if there is one (else it stays, shown as "custom (from ...)").
  void name_preset();
  // Once the layers differ from the preset's (edited, or a file opened), the preset's name and
  // title would describe another network: the sidebar says "custom (from NAME)" and the layers.
  bool custom_network() const;
  std::string preset_shown(bool custom) const;  // custom: custom_network(), asked once by the caller
  void export_csv(const std::string& path);
  void export_svg(const std::string& path);  // the loss and accuracy plots as an SVG figure
  void say(const std::string& text, bool error = false);
  bool unsaved_work() const { return run && snap.step > saved_step; }
  void guard(const std::string& what, std::function<void()> action);
  // At exit: unsaved training goes to data_home()/last-session.run.safetensors (atomically), so
  // that closing the window never loses it; the kLastSessions before it move down a place
  // (last-session-2 ... -5). Returns the path, or "" when nothing needed saving or the save failed
  // (then *problem says why).
  static constexpr int kLastSessions = 5;
  std::string save_last_session(std::string* problem = nullptr);
  // A new or reset run: no file of its own, a fresh name offered, nothing saved yet.
  void forget_own_file();
  // Closing the window: the unsaved training is kept first, in the frame loop; if that fails the
  // close waits and a dialog says why (try again, close anyway, or stay). SIGTERM cannot ask: it
  // keeps what it can after the loop, as before.
  std::string kept_at_close;      // where the close kept the run ("" none yet)
  std::string close_problem;      // why it could not ("" none)
  bool close_request = false;     // the dialog is to open
  bool close_confirmed = false;   // the user chose to close without keeping it
  bool close_now = false;         // the dialog asks the loop to close the window
  // The user's choices between sessions: open views, plot options, preset, dataset, speed.
  void load_settings();
  void save_settings() const;
  void set_probe(int validation_index);
  // What the views show: the live run, or the moment the timeline is scrubbed to.
  std::shared_ptr<const WeightsView> shown_weights() const { return timeline.weights ? timeline.weights : snap.weights; }
  std::shared_ptr<const ProbeView> shown_probe() const { return timeline.weights ? timeline.probe : snap.probe; }
  bool training() const { return snap.state == RunState::Running; }
};

// One colour per run or optimizer, the same everywhere a set of them is drawn side by side.
inline constexpr ImU32 kSeriesColours[8] = {IM_COL32(250, 160, 60, 255),  IM_COL32(90, 200, 230, 255),
                                            IM_COL32(120, 220, 110, 255), IM_COL32(235, 90, 120, 255),
                                            IM_COL32(190, 140, 250, 255), IM_COL32(240, 220, 90, 255),
                                            IM_COL32(120, 150, 255, 255), IM_COL32(200, 200, 200, 255)};
// The i-th of a longer set (a deep network's layers): the eight above, then hues a golden angle
// apart, so no two of the first few dozen look alike.
inline ImU32 SeriesColour(int i) {
  if (i < 8) return kSeriesColours[i];
  float r, g, b;
  ImGui::ColorConvertHSVtoRGB(std::fmod(0.05f + 0.618034f * float(i), 1.f), 0.5f, 0.95f, r, g, b);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, 1));
}

// Folders for user files (XDG base directories); created on first use.
std::string config_dir();  // $XDG_CONFIG_HOME/nnviz or ~/.config/nnviz, created with its parents
std::string data_home();   // $XDG_DATA_HOME/nnviz or ~/.local/share/nnviz, created with its parents
// The file a kept session goes to in `folder` (data_home()): generation 1 is the newest, up to
// App::kLastSessions.
std::string last_session_path(int generation, const std::string& folder);
// A path in the data folder that nothing has yet: NAME-<date>-<time>SUFFIX, with -2, -3 ... before
// the suffix when that is taken.
std::string fresh_path(const std::string& name, const std::string& suffix);
std::string fresh_model_path();  // a name for a new run's file that no file has yet

// One sample's values (column `col` of m) as a heatmap: tiles per channel for image shapes, a grid
// of cells for vectors; the diverging map when any value is negative. Returns the scale used
// (negative: diverging, |scale| maps to 1). ValueAt maps an image pixel back to a value index.
// A room (pixels) lays the grid out to fill it; without one it is about square.
double ShowValues(Heatmap& hm, const Mat& m, int col, Shape shape, std::vector<float>& buf, ImVec2 room = {0, 0});
int ValueAt(int x, int y, int n, Shape shape, ImVec2 room = {0, 0});
// The input (column `col` of m) as the network sees it, in grey: its smallest value black, its
// largest white (a digit's background black, its ink white, as in the data).
void ShowInput(Heatmap& hm, const Mat& m, int col, Shape shape, std::vector<float>& buf);
// The class with the highest probability (the first of equals).
int TopClass(const Vec& probs);
// Whether the learning rate a step used differs from the setting (the schedule changed it).
inline bool LrScheduled(double used, double setting) {
  return std::fabs(used - setting) > 1e-6 * std::max(1.0, std::fabs(setting));
}

// A path as a user reads it: the home folder as "~" ("~/.local/share/nnviz/my-digits").
std::string HomeShort(const std::string& path);
// Local time as 20261122-093015, for file names.
std::string TimeStamp();
// "a, b,c" -> {"a", "b", "c"} (one item a line with '\n'): each item trimmed, blank ones dropped.
std::vector<std::string> SplitList(const std::string& text, char sep);
std::string JoinList(const std::vector<std::string>& items, const char* sep);

// Panels: each draws one part of the window.
// The whole window for one frame: the sidebar, the views, the timeline, the status bar, the
// dialogs, the shortcuts (views/panes.cpp).
void DrawPanes(App& app);
void DrawSidebar(App& app, ImVec2 pos, ImVec2 size);
void DrawStatusBar(App& app, ImVec2 pos, ImVec2 size);
void DrawFileDialogs(App& app);
void HandleShortcuts(App& app);
// Keyboard navigation: Tab and Shift+Tab light the next and previous control (Begin, after
// ImGui::NewFrame; End, before ImGui::Render, which is true while Tab's walk needs another
// frame); a lit control takes Space.
void KeyboardNavigationBegin();
bool KeyboardNavigationEnd();
void QueueTab(bool back);  // a press of Tab (back: with Shift), from the window's key callback
bool ControlLit();
void DrawMessageLog(App& app);  // the "Messages" window, drawn by the status bar when it is open
// Writes app.state_file after a frame was built (state_dump.cpp); `frames` drawn so far.
void WriteStateDump(App& app, long frames);

}  // namespace nnviz::gui
