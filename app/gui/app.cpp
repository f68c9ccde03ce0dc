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
#include "widgets/weight_layout.h"

namespace nnviz::gui {

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

void App::load_data(DatasetKind kind) {
  data_kind = kind;
  data_error.clear();
  const std::string dir = resolve_data_dir(kind, data_dir);
  const NormMode norm = setup.norm;
  loading = std::async(std::launch::async, [kind, dir, norm] {
    return std::make_shared<const Dataset>(Dataset::load(kind, dir, norm));
  });
}

void App::poll() {
  if (loading.valid() && loading.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    try {
      data = loading.get();
      start_run();
      if (run && play_when_ready) run->play();
      play_when_ready = false;
    } catch (const std::exception& e) {
      play_when_ready = false;
      data_error = e.what();
      data.reset();
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
  if ((run && !run->idle()) || (compare.cmp && !compare.cmp->idle())) trained_at = now_s();
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
    if (net.output_shape().size() != 10)
      throw Error("the last layer has " + std::to_string(net.output_shape().size()) +
                  " outputs; the 10 classes need a final dense 10");
    if (const std::string why = config_problem(setup); !why.empty()) throw Error(why);
    setup_error.clear();
  } catch (const std::exception& e) {
    setup_error = e.what();
  }
}

void App::start_run() {
  if (!data) return;
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
    compare.cmp.reset();  // a new dataset or network: the race, if any, is over
    run->set_speed(speed);
    setup_of_run = setup.net;
    in_shapes.clear();
    out_shapes.clear();
    Network shapes(setup.net);
    for (size_t i = 0; i < shapes.num_layers(); ++i) {
      in_shapes.push_back(shapes.layer(i).in_shape());
      out_shapes.push_back(shapes.layer(i).out_shape());
    }
    // The views keep their textures; they redraw from the new run's first snapshot.
    weights_view.dirty = true;
    weights_view.param = 0;
    acts_view.step = -1;
    acts_view.maps.clear();
    step_view.step = -1;
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
    if (const auto* w = v.find("views")) {
      for (auto [name, on] : views.remembered()) *on = w->get_bool(name, *on);
    }
    x_in_epochs = v.get_bool("x_in_epochs", x_in_epochs);
    acc_full_range = v.get_bool("acc_full_range", acc_full_range);
    loss_plot.log_y = v.get_bool("log_loss", loss_plot.log_y);
    speed = v.get_number("speed", speed);
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
    setup.dataset = dataset_kind_from_string(v.get_string("dataset", to_string(setup.dataset)));
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
  Views shown = views;
  for (auto [name, on] : shown.remembered()) w.set(name, *on);
  v.set("views", w);
  v.set("x_in_epochs", x_in_epochs);
  v.set("acc_full_range", acc_full_range);
  v.set("log_loss", loss_plot.log_y);
  v.set("speed", speed);
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

void App::guard(const std::string& what, std::function<void()> action) {
  if (!unsaved_work()) {
    action();
    return;
  }
  confirm_what = what;
  confirm_action = std::move(action);
  confirm_request = true;
}

std::string fresh_model_path() {
  // run-<date>-<time>.safetensors, with -2, -3 ... when a file of that name exists already.
  const std::string base = data_home() + "/run-" + TimeStamp();
  std::string path = base + ".safetensors";
  for (int k = 2; ::access(path.c_str(), F_OK) == 0 && k < 1000; ++k) path = base + "-" + std::to_string(k) + ".safetensors";
  return path;
}

void App::forget_own_file() {
  own_path.clear();
  model_path = fresh_model_path();
  saved_step = 0;
}

std::string last_session_path(int generation, const std::string& folder) {
  return folder + (generation <= 1 ? std::string("/last-session.run.safetensors")
                                   : "/last-session-" + std::to_string(generation) + ".run.safetensors");
}

std::string App::save_last_session(std::string* problem) {
  if (!unsaved_work()) return "";
  // The last kLastSessions sessions are kept, newest first: starting the app again and closing it
  // a second later must not throw away the long run kept before it.
  std::vector<std::string> kept(kLastSessions + 1);  // kept[g]: generation g; [0] unused
  const std::string folder = data_home();
  for (int g = 1; g <= kLastSessions; ++g) kept[size_t(g)] = last_session_path(g, folder);
  const std::string& path = kept[1];
  for (int g = kLastSessions - 1; g >= 1; --g)
    if (file_exists(kept[size_t(g)])) ::rename(kept[size_t(g)].c_str(), kept[size_t(g) + 1].c_str());
  try {
    json::Value info = json::Value::object();
    info.set("saved_at_exit", true);
    run->save_run(path, info);
    return path;
  } catch (const std::exception& e) {
    if (!file_exists(path) && file_exists(kept[2]))  // undo the first move: the newest stays first
      ::rename(kept[2].c_str(), path.c_str());
    if (problem) *problem = e.what();
    std::fprintf(stderr, "nnviz: could not keep the unsaved run: %s\n", e.what());
    return "";
  }
}

void App::save_model(const std::string& path) {
  if (!run) return;
  try {
    json::Value info = json::Value::object();
    if (!curves.test_acc.empty()) info.set("test_accuracy", double(curves.test_acc.back()));
    if (!curves.val_acc.empty()) info.set("val_accuracy", double(curves.val_acc.back()));
    run->save_run(path, info);  // a model file with the curves and the training position in it
    model_path = own_path = path;
    saved_step = snap.step;
    remember_file(path);
    say("Saved the run to " + path + " (a model file; it reopens with its curves)");
  } catch (const std::exception& e) {
    say(std::string("Could not save: ") + e.what(), true);
  }
}

std::function<void()> App::prepare_open(const std::string& path) {
  if (is_run_file(path)) {
    auto rec = std::make_shared<RunRecord>(load_run(path));
    if (!data) throw Error("[open] " + path + ": no data loaded yet to open it on");
    if (rec->meta.config.dataset != data_kind) return switch_and_open(rec->meta.config.dataset, path);
    check_fits(*rec->net, data->input_shape(), data->num_classes, "open", path);
    if (rec->cursor > size_t(data->train.count))
      throw Error("[open] " + path + ": its place in the data (sample " + std::to_string(rec->cursor) +
                  ") is past the " + std::to_string(data->train.count) + " training images");
    auto params = rec->net->params();
    if (!rec->opt_state.empty() && rec->opt_state.size() != params.size())
      throw Error("[open] " + path + ": its optimizer state does not match the network");
    for (size_t i = 0; i < rec->opt_state.size(); ++i)
      for (const Mat& m : rec->opt_state[i])
        if (m.size() != params[i].p.value->size())
          throw Error("[open] " + path + ": its optimizer state for " + params[i].name + " has the wrong size");
    return [this, rec, path] {
      const TrainConfig before = setup;
      setup = rec->meta.config;
      setup.net = rec->net->spec();
      const Run* old = run.get();
      start_run();
      if (run.get() == old) {  // the new run could not start: the current one stays, with its settings
        setup = before;
        validate_setup();
        return;
      }
      run->restore(rec);
      name_preset();
      restoring = true;
      model_path = own_path = path;
      saved_step = rec->step;
      remember_file(path);
      say("Reopened " + path + " at step " + std::to_string(rec->step));
    };
  }
  auto m = std::make_shared<LoadedModel>(nnviz::load_model(path));
  if (!data) throw Error("[open] " + path + ": no data loaded yet to open it on");
  if (m->meta.config.dataset != data_kind) return switch_and_open(m->meta.config.dataset, path);
  check_fits(m->net, data->input_shape(), data->num_classes, "open", path);
  return [this, m, path] {
    const TrainConfig before = setup;
    setup = m->meta.config;
    setup.net = m->net.spec();
    const Run* old = run.get();
    start_run();
    if (run.get() == old) {  // the new run could not start: the current one stays, with its settings
      setup = before;
      validate_setup();
      return;
    }
    run->load_weights(m->net);
    name_preset();
    model_path = own_path = path;
    remember_file(path);
    say("Opened " + path + " (" + setup.net.describe() + ")");
  };
}

void App::toggle_play_when_ready() {
  play_when_ready = !play_when_ready;
  say(play_when_ready ? "Training starts as soon as the data is loaded" : "Training waits for Play");
}

void App::remember_file(const std::string& path) {
  char real[4096];
  const std::string full = path.empty() || path[0] == '/' || !::realpath(path.c_str(), real) ? path : std::string(real);
  recent_files.erase(std::remove(recent_files.begin(), recent_files.end(), full), recent_files.end());
  recent_files.insert(recent_files.begin(), full);
  if (recent_files.size() > 8) recent_files.resize(8);
}

bool App::custom_network() const {
  return setup.net.to_json().dump() != presets()[size_t(preset)].config.net.to_json().dump();
}

std::string App::preset_shown(bool custom) const {
  const std::string& name = presets()[size_t(preset)].name;
  return custom ? "custom (from " + name + ")" : name;
}

void App::name_preset() {
  const auto& all = presets();
  const std::string net = setup.net.to_json().dump();
  if (all[size_t(preset)].config.net.to_json().dump() == net) return;
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].config.net.to_json().dump() == net) preset = int(i);
}

std::function<void()> App::switch_and_open(DatasetKind kind, const std::string& path) {
  // The file is whole (it was read); whether it fits the other dataset is checked once that is
  // loaded, by opening it again then (poll).
  return [this, kind, path] {
    say("The file was trained on " + std::string(to_string(kind)) + ": loading that dataset, then opening " + path);
    setup.dataset = kind;
    run.reset();
    data.reset();
    load_data(kind);
    open_after_loading = path;
  };
}

void App::load_model(const std::string& path) {
  std::function<void()> commit;
  try {
    commit = prepare_open(path);
  } catch (const std::exception& e) {
    say(std::string("Could not open the model: ") + e.what(), true);
    return;
  }
  open_checked(commit);
}

void App::open_checked(const std::function<void()>& commit) {
  try {
    commit();
  } catch (const std::exception& e) {
    say(std::string("Could not open the model: ") + e.what(), true);
  }
}

void App::export_csv(const std::string& path) {
  try {
    write_file_atomic(path, curves.to_csv(), "export");
    std::string evals = path;
    const size_t dot = evals.rfind(".csv");
    evals = (dot == std::string::npos ? evals : evals.substr(0, dot)) + "-evals.csv";
    write_file_atomic(evals, curves.evals_to_csv(), "export");
    say("Exported the curves to " + path + " and " + evals);
  } catch (const std::exception& e) {
    say(std::string("Could not export: ") + e.what(), true);
  }
}

}  // namespace nnviz::gui
