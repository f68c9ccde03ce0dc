#include "app.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/fileio.h"
#include "io/model_io.h"
#include "io/run_file.h"
#include "lessons/lesson.h"
#include "views/view_table.h"
#include "widgets/weight_layout.h"

namespace nnviz::gui {

Views::Views() {
  for (const ViewEntry& v : ViewTable()) slots_.push_back({v.make(), v.open_at_first});
}

size_t Views::checked_index(int i) {
  if (i < 0) throw std::logic_error("a view state that is not in the view table");
  return size_t(i);
}

bool& Views::open(const char* name) {
  const int i = ViewIndex(name);
  if (i < 0) throw std::logic_error(std::string("no view named ") + name);
  return slots_[size_t(i)].open;
}

void Views::reset_switches() {
  for (size_t i = 0; i < slots_.size(); ++i) slots_[i].open = ViewTable()[i].open_at_first;
  demo = false;
  tile = true;
}

void Views::save_switches(json::Value& views) const {
  for (size_t i = 0; i < slots_.size(); ++i) views.set(ViewTable()[i].name, slots_[i].open);
  views.set("tile", tile);
}

void Views::load_switches(const json::Value& views) {
  for (size_t i = 0; i < slots_.size(); ++i) slots_[i].open = views.get_bool(ViewTable()[i].name, slots_[i].open);
  tile = views.get_bool("tile", tile);
}

namespace {

double now_s() { return ImGui::GetTime(); }

}  // namespace

// The folders are made again each time they are asked for (a user may delete them while the app
// runs). Where they cannot be made (a read-only home), a private folder under $TMPDIR (else /tmp)
// stands in: work is never left without a place to go.
namespace {
std::string or_fallback(std::string (*dir)(), const char* what) {
  try {
    return dir();
  } catch (const std::exception&) {
    const char* tmp = std::getenv("TMPDIR");
    const std::string base = tmp && *tmp == '/' ? tmp : "/tmp";
    const std::string fallback = base + "/nnviz-" + std::to_string(::getuid()) + "/" + what;
    (void)make_folders(fallback, true);
    return fallback;
  }
}
}  // namespace

std::string HomeShort(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (!home || home[0] != '/' || home[1] == 0) return path;
  std::string h = home;
  while (h.size() > 1 && h.back() == '/') h.pop_back();
  if (path == h) return "~";
  return path.compare(0, h.size() + 1, h + "/") == 0 ? "~" + path.substr(h.size()) : path;
}

std::string config_dir() { return or_fallback(user_config_dir, "config"); }
std::string data_home() { return or_fallback(user_data_dir, "data"); }

// ---------------------------------------------------------------------------------------------
// Curves

void Curves::clear() { *this = Curves{}; }

void Curves::clear_steps() {
  for (auto* v : {&step, &epoch, &loss, &loss_smooth, &acc_smooth, &lr}) v->clear();
  for (auto* ix : {&loss_ix, &loss_smooth_ix, &acc_smooth_ix}) ix->clear();
  ema_loss = ema_acc = 0;
  ema_weight = 0;
}

void Curves::append(const RunSnapshot& s) {
  for (const auto& p : s.steps) {
    // Smoothed curves: an exponential moving average with a horizon of about 100 mini-batches,
    // debiased at the start so the first points are not pulled towards zero. A point that stands
    // for several mini-batches (an old stretch of a long run, merged) counts as that many.
    const long span = std::max(1L, p.step - (step.empty() ? 0L : long(step.back())));
    const double keep = std::pow(1 - 0.01, double(span));
    ema_loss = keep * ema_loss + (1 - keep) * p.loss;
    ema_acc = keep * ema_acc + (1 - keep) * p.accuracy;
    ema_weight = keep * ema_weight + (1 - keep);
    step.push_back(float(p.step));
    epoch.push_back(p.epoch);
    loss.push_back(p.loss);
    loss_smooth.push_back(float(ema_loss / ema_weight));
    acc_smooth.push_back(float(ema_acc / ema_weight));
    lr.push_back(p.lr);
  }
  if (!s.steps.empty()) {
    loss_ix.update(loss.data(), int(loss.size()));
    loss_smooth_ix.update(loss_smooth.data(), int(loss_smooth.size()));
    acc_smooth_ix.update(acc_smooth.data(), int(acc_smooth.size()));
  }
  for (const auto& e : s.evals) {
    ev_step.push_back(float(e.step));
    ev_epoch.push_back(e.epoch);
    val_loss.push_back(e.val_loss);
    val_acc.push_back(e.val_accuracy);
    test_loss.push_back(e.test_loss);
    test_acc.push_back(e.test_accuracy);
  }
  changes.insert(changes.end(), s.changes.begin(), s.changes.end());
}

std::string Curves::to_csv() const {
  std::string out = "step,epoch,loss,loss_smoothed,accuracy_smoothed,lr\n";
  char buf[160];
  for (size_t i = 0; i < step.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.0f,%.6f,%.7g,%.7g,%.6f,%.7g\n", step[i], epoch[i], loss[i], loss_smooth[i],
                  acc_smooth[i], lr[i]);
    out += buf;
  }
  return out;
}

std::string Curves::evals_to_csv() const {
  std::string out = "step,epoch,val_loss,val_accuracy,test_loss,test_accuracy\n";
  char buf[160];
  for (size_t i = 0; i < ev_step.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.0f,%.6f,%.7g,%.6f,%.7g,%.6f\n", ev_step[i], ev_epoch[i], val_loss[i], val_acc[i],
                  test_loss[i], test_acc[i]);
    out += buf;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// App

App::App() {
  apply_preset(0);
  model_path = fresh_model_path();
}

namespace {
void add_to_log(std::vector<App::LogEntry>& log, const std::string& text, bool error) {
  char when[16] = "";
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  if (localtime_r(&t, &tm)) std::strftime(when, sizeof when, "%H:%M:%S", &tm);
  log.push_back({now_s(), when, text, error});
  if (log.size() > App::kMaxLog) log.erase(log.begin(), log.begin() + std::ptrdiff_t(log.size() - App::kMaxLog));
}
}  // namespace

void App::say(const std::string& text, bool error) {
  message = text;
  message_is_error = error;
  message_at = now_s();
  message_until = error ? 1e300 : now_s() + 6.0;  // errors stay until dismissed in the status bar
  add_to_log(log, text, error);
}

FolderOptions App::folder_options() const {
  FolderOptions o;
  o.size = folder_size;
  o.colour = folder_colour;
  o.seed = setup.seed;
  o.norm = setup.norm;
  return o;
}

void App::load_folder(const std::string& dir, const FolderOptions& o) {
  if (folder_load.result.valid()) folder_load.progress->cancel = true;  // a load under way gives way
  FolderLoad l;
  l.dir = dir;
  l.options = o;
  l.progress = std::make_shared<FolderProgress>();
  l.report = std::make_shared<FolderReport>();
  auto progress = l.progress;
  auto found = l.report;
  l.result = std::async(std::launch::async, [dir, o, progress, found] {
    return std::make_shared<const Dataset>(load_image_folder(dir, o, progress.get(), found.get()));
  });
  if (folder_load.result.valid()) {
    try {
      folder_load.result.get();  // the cancelled one ends within one image
    } catch (const std::exception&) {
    }
  }
  folder_load = std::move(l);
}

void App::load_data(DatasetKind kind) {
  if (kind == DatasetKind::Folder) kind = DatasetKind::Mnist;  // a folder is loaded by load_folder
  data_kind = kind;
  data_error.clear();
  const std::string dir = resolve_data_dir(kind, data_dir);
  const NormMode norm = setup.norm;
  loading = std::async(std::launch::async, [kind, dir, norm] {
    return std::make_shared<const Dataset>(Dataset::load(kind, dir, norm));
  });
}

void App::poll() {
  finish_save(false);
  bool record_error = false;
  if (const std::string m = recorder.poll(&record_error); !m.empty()) say(m, record_error);
  if (folder_load.result.valid() &&
      folder_load.result.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    bool failed = false;  // the folder did not become the data
    try {
      std::shared_ptr<const Dataset> d = folder_load.result.get();
      const FolderReport& rep = *folder_load.report;
      auto keep_data = data, keep_full = full_data;
      const DatasetKind keep_kind = data_kind;
      const TrainConfig keep_setup = setup;
      full_data = d;
      data = with_training_samples(full_data, train_size);
      data_kind = DatasetKind::Folder;
      data_error.clear();
      const Run* before = run.get();
      start_run();
      if (run.get() == before) {  // the network could not take the pictures: all as it was
        data = keep_data, full_data = keep_full, data_kind = keep_kind, setup = keep_setup;
        if (!open_after_loading.empty()) say("Could not open " + open_after_loading + ": no run could start on its folder", true);
        failed = true;
      } else {
        std::string m = "Loaded " + std::to_string(rep.images) + " images of " + std::to_string(d->num_classes) +
                        " classes from " + folder_load.dir;
        if (rep.skipped > 0)
          m += "; skipped " + std::to_string(rep.skipped) + " file" + (rep.skipped == 1 ? "" : "s") + " (" +
               rep.problems.front() + (rep.skipped > 1 ? ", ..." : "") + ")";
        say(m, false);
      }
    } catch (const std::exception& e) {
      say(std::string("Could not load the folder: ") + e.what() + (data ? "" : "; MNIST instead"), true);  // the data and the run stay
      failed = true;
    }
    folder_load = FolderLoad{};
    if (failed) {
      open_after_loading.clear();
      if (!data && !loading.valid()) {  // at start (the folder of the last session): MNIST instead
        setup.dataset = DatasetKind::Mnist;
        load_data(DatasetKind::Mnist);
      }
    }
    // A file trained on this folder waited for it (folder_for): open it on the fresh run.
    if (!open_after_loading.empty() && data_kind == DatasetKind::Folder) {
      const std::string path = std::move(open_after_loading);
      open_after_loading.clear();
      load_model(path);
    }
  }
  if (loading.valid() && loading.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    try {
      full_data = loading.get();
      data = with_training_samples(full_data, train_size);
      start_run();
      if (run && play_when_ready) run->play();
      play_when_ready = false;
    } catch (const std::exception& e) {
      play_when_ready = false;
      data_error = e.what();
      data.reset();
      full_data.reset();
      run.reset();
    }
    // A file of this dataset waited for it (switch_and_open): open it on the fresh run.
    if (!open_after_loading.empty()) {
      const std::string path = std::move(open_after_loading);
      open_after_loading.clear();
      if (data && run) load_model(path);
      else say("Could not open " + path + ": its dataset did not load: " + data_error, true);
    }
  }
  if (run) {
    snap = run->snapshot(cursor);
    if (snap.message != engine_message) {
      engine_message = snap.message;
      engine_message_at = now_s();
      if (!engine_message.empty())
        add_to_log(log, engine_message, snap.state == RunState::Diverged || snap.state == RunState::Failed);
    }
    if (snap.restarted) {
      curves.clear();
      // A reset starts another run from new weights: the file the old one was saved to is not
      // this run's (a reopened run's restore restarts the history too, and keeps its file).
      if (!restoring) forget_own_file();
      restoring = false;
    } else if (snap.rebased) {
      curves.clear_steps();
    }
    curves.append(snap);
    UpdateInside(*this);
    pace.update(run.get(), snap, now_s());
  }
  if ((run && !run->idle()) || racing()) trained_at = now_s();
  for (size_t i = 0; i < views.size(); ++i) views.state_at(i).poll(*this);
}

bool App::has_news() const {
  if (loading.valid() || !run) return loading.valid();
  return run->has_news(cursor, snap);
}

void App::apply_preset(int index) {
  const auto& all = presets();
  preset = std::max(0, std::min(index, int(all.size()) - 1));
  const DatasetKind kind = setup.dataset;
  setup = all[preset].config;
  setup.dataset = kind;
  setup_dirty = true;
  validate_setup();
}

void App::validate_setup() {
  setup_layers = check_layers(setup.net);
  setup_params = 0;
  for (const auto& l : setup_layers) setup_params += l.params;
  try {
    Network net(setup.net);
    const int classes = data ? data->num_classes : 10;
    if (net.output_shape().size() != classes)
      throw Error("the last layer has " + std::to_string(net.output_shape().size()) + " outputs; the " +
                  std::to_string(classes) + " classes need a final dense " + std::to_string(classes));
    if (const std::string why = config_problem(setup); !why.empty()) throw Error(why);
    setup_error.clear();
  } catch (const std::exception& e) {
    setup_error = e.what();
  }
}

void App::start_run() {
  if (!data) return;
  // An image folder's pictures (or MNIST's again after a folder's): the network takes their shape
  // and ends in one unit a class.
  if (data->kind == DatasetKind::Folder || setup.net.input != data->input_shape())
    fit_to_data(setup.net, data->input_shape(), data->num_classes);
  setup.set_data(*data);
  validate_setup();
  if (!setup_error.empty()) {
    say("The network is not valid: " + setup_error, true);
    return;
  }
  try {
    RunOptions opts = GuiRunOptions();
    opts.eval_every_steps = 0;
    // The new run is built (and so checked: the network fits the data, the batch its budget)
    // before the old one goes: a run that cannot start leaves the current one as it was.
    auto fresh = std::make_unique<Run>(setup, data, opts);
    run.reset();  // joins the old run's threads
    run = std::move(fresh);
    forget_own_file();  // a new run has no file of its own yet (opening one sets it just after)
    // The views let go of the old run; they redraw from the new run's first snapshot (their
    // textures stay).
    for (size_t i = 0; i < views.size(); ++i) views.state_at(i).new_run();
    run->set_speed(speed);
    setup_of_run = setup.net;
    in_shapes.clear();
    out_shapes.clear();
    Network shapes(setup.net);
    for (size_t i = 0; i < shapes.num_layers(); ++i) {
      in_shapes.push_back(shapes.layer(i).in_shape());
      out_shapes.push_back(shapes.layer(i).out_shape());
    }
    set_probe(probe_index);
    cursor = SnapshotCursor{};
    curves.clear();
    snap = run->snapshot(cursor);
    ClearInside(*this);
    UpdateInside(*this);
    setup_dirty = false;
  } catch (const std::exception& e) {
    say(e.what(), true);
  }
}

namespace {
std::string settings_path() { return config_dir() + "/settings.json"; }
}  // namespace

void App::load_settings() {
  try {
    const auto bytes = read_file(settings_path(), "settings", 1 << 20);
    const json::Value v = json::parse(std::string(bytes.begin(), bytes.end()));
    if (const auto* w = v.find("views")) views.load_switches(*w);
    for (size_t i = 0; i < views.size(); ++i) views.state_at(i).load_settings(v);
    x_in_epochs = v.get_bool("x_in_epochs", x_in_epochs);
    speed = v.get_number("speed", speed);
    train_size = long(std::clamp(v.get_number("train_size", 0), 0.0, 1e7));
    watch_speed = v.get_number("watch_speed", watch_speed);
    if (!(speed >= 0 && speed <= kMaxSpeed)) speed = kWatchSpeed;
    if (!(watch_speed >= 1 && watch_speed <= kMaxSpeed)) watch_speed = kWatchSpeed;
    ui_zoom = float(std::clamp(v.get_number("ui_zoom", ui_zoom), 0.5, 3.0));
    sidebar_folded = v.get_bool("sidebar_folded", sidebar_folded);
    if (const auto* r = v.find("recent_files"); r && r->is_array())
      for (const auto& f : r->items())
        if (f.is_string() && recent_files.size() < 8 && !f.as_string().empty() && f.as_string().size() < 4096)
          recent_files.push_back(f.as_string());
    classroom = v.get_bool("classroom", classroom);
    hide_setup = v.get_bool("hide_setup", hide_setup);
    hide_optimizer = v.get_bool("hide_optimizer", hide_optimizer);
    hide_data = v.get_bool("hide_data", hide_data);
    hide_reset = v.get_bool("hide_reset", hide_reset);
    hide_files = v.get_bool("hide_files", hide_files);
    classroom_as_read = {classroom, hide_setup, hide_optimizer, hide_data, hide_reset, hide_files};
    // The folder of images last used is read again at start (main.cpp), at its size and colours.
    folder_dir = v.get_string("folder", "");
    if (folder_dir.size() > 4096) folder_dir.clear();
    folder_size = std::clamp(v.get_int("folder_size", folder_size), 4, 256);
    folder_colour = v.get_bool("folder_colour", folder_colour);
    setup.dataset = dataset_kind_from_string(v.get_string("dataset", to_string(setup.dataset)));
    if (setup.dataset == DatasetKind::Folder && folder_dir.empty()) setup.dataset = DatasetKind::Mnist;
    const std::string p = v.get_string("preset", "");
    const auto& all = presets();
    for (int i = 0; i < int(all.size()); ++i)
      if (all[i].name == p) apply_preset(i);
  } catch (const std::exception&) {
    // No settings yet, or unreadable ones: the defaults are fine; they are rewritten at exit.
  }
}

void App::save_settings() const {
  json::Value v = json::Value::object();
  json::Value w = json::Value::object();
  views.save_switches(w);
  v.set("views", w);
  v.set("x_in_epochs", x_in_epochs);
  for (size_t i = 0; i < views.size(); ++i) views.state_at(i).save_settings(v);
  v.set("speed", speed);
  v.set("train_size", train_size);
  v.set("watch_speed", watch_speed);
  v.set("ui_zoom", double(ui_zoom));
  v.set("sidebar_folded", sidebar_folded);
  json::Value recent = json::Value::array();
  for (const auto& f : recent_files) recent.push(f);
  v.set("recent_files", recent);
  const std::array<bool, 6> now = {classroom, hide_setup, hide_optimizer, hide_data, hide_reset, hide_files};
  const std::array<bool, 6>& keep = classroom_forced ? classroom_as_read : now;
  const char* names[6] = {"classroom", "hide_setup", "hide_optimizer", "hide_data", "hide_reset", "hide_files"};
  for (int i = 0; i < 6; ++i) v.set(names[i], keep[size_t(i)]);
  v.set("dataset", to_string(setup.dataset));
  v.set("folder", folder_dir);
  v.set("folder_size", static_cast<long long>(folder_size));
  v.set("folder_colour", folder_colour);
  v.set("preset", presets()[preset].name);
  try {
    write_file_atomic(settings_path(), v.dump(2), "settings");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz: %s\n", e.what());
  }
}

void App::set_probe(int index) {
  if (!run || !data || data->val.count == 0) return;
  probe_index = std::clamp(index, 0, data->val.count - 1);
  set_probe_input(data->val.x.col(probe_index), data->val.y[probe_index], "validation image #" + std::to_string(probe_index));
}

std::string App::describe_weight(const std::string& param, int rows, int index) const {
  const int unit = index / std::max(1, rows), input = index % std::max(1, rows);
  int layer = -1;
  if (param.rfind("layers.", 0) == 0) layer = std::atoi(param.c_str() + 7);
  char buf[96];
  if (layer >= 0 && layer < int(setup_of_run.layers.size())) {
    const std::vector<int> shape = weight_shape(setup_of_run.layers[size_t(layer)], rows, 1);
    if (shape.size() == 4) {
      const int k = shape[2];
      // Stored (c, i, j) within a filter's column (core/nn/conv.h).
      std::snprintf(buf, sizeof buf, "filter %d, channel %d, tap (%d, %d)", unit, input / (k * k), input % (k * k) / k,
                    input % k);
      return buf;
    }
    if (layer < int(in_shapes.size())) {
      const Shape& in = in_shapes[size_t(layer)];
      if (in.h > 1 && in.w > 1 && in.c * in.h * in.w == rows) {
        const int c = input / (in.h * in.w), r = input % (in.h * in.w) / in.w, col = input % in.w;
        if (in.c > 1) std::snprintf(buf, sizeof buf, "unit %d, from channel %d, pixel (%d, %d)", unit, c, r, col);
        else std::snprintf(buf, sizeof buf, "unit %d, from pixel (%d, %d)", unit, r, col);
        return buf;
      }
    }
  }
  std::snprintf(buf, sizeof buf, "unit %d, input %d", unit, input);
  return buf;
}

void App::set_probe_input(const Mat& x, int label, std::string source) {
  if (!run) return;
  run->set_probe(x, label);
  probe_source = std::move(source);
}

namespace {
const std::string& ControlsName(App::Controls c) { return LessonControlGroups()[size_t(c)]; }
}  // namespace

bool App::hide_ticked(Controls c) const {
  const bool flags[] = {hide_setup, hide_optimizer, hide_data, hide_reset, hide_files};
  return flags[int(c)];
}

bool App::lesson_hides(Controls c) const { return listed(lesson_rules.hide, ControlsName(c)); }

bool App::hides(Controls c) const { return (classroom && hide_ticked(c)) || lesson_hides(c); }

bool App::locks(Controls c) const { return listed(lesson_rules.lock, ControlsName(c)); }

bool App::view_hidden(const std::string& name) const { return listed(lesson_rules.hide, name); }

std::vector<size_t> App::shown_views() const {
  std::vector<size_t> shown;
  for (size_t i = 0; i < views.size(); ++i)
    if (views.open_at(i) && !view_hidden(ViewTable()[i].name)) shown.push_back(i);
  if (const auto& order = lesson_rules.order; !order.empty()) {
    auto place = [&order](size_t i) {
      return size_t(std::find(order.begin(), order.end(), ViewTable()[i].name) - order.begin());
    };
    std::stable_sort(shown.begin(), shown.end(), [&](size_t a, size_t b) { return place(a) < place(b); });
  }
  return shown;
}

bool App::view_locked(const std::string& name) const { return listed(lesson_rules.lock, name); }

void App::set_train_size(long n) {
  n = std::max(0L, n);
  if (full_data && n >= full_data->train.count) n = 0;  // every image: "all"
  if (n == train_size) return;
  guard("Another training-set size starts a new run.", [this, n] {
    train_size = n;
    if (!full_data) return;  // the data is loading: the cut is made when it is ready
    data = with_training_samples(full_data, n);
    start_run();
    say(n ? "Training on the first " + std::to_string(n) + " training images" : "Training on every training image");
  });
}

void App::guard(const std::string& what, std::function<void()> action) {
  if (!unsaved_work()) {
    action();
    return;
  }
  confirm_what = what;
  confirm_action = std::move(action);
  confirm_request = true;
}

}  // namespace nnviz::gui
