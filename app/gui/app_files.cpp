// The app's files: saving a run (a new name for a new run, Replace for another run's file),
// keeping unsaved training when the window closes, opening a run or a model (checked first, and
// switching the dataset when the file needs the other one), the recent files, exporting curves.
#include "app.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/fileio.h"
#include "data/image_file.h"
#include "data/image_folder.h"
#include "io/model_io.h"
#include "io/onnx_export.h"
#include "io/run_file.h"
#include "io/svg_plot.h"
#include "lessons/lesson.h"
#include "views/activations_view.h"
#include "views/lesson_view.h"

namespace nnviz::gui {

std::string fresh_path(const std::string& name, const std::string& suffix) {
  const std::string base = data_home() + "/" + name + "-" + TimeStamp();
  std::string path = base + suffix;
  for (int k = 2; ::access(path.c_str(), F_OK) == 0 && k < 1000; ++k) path = base + "-" + std::to_string(k) + suffix;
  return path;
}

std::string fresh_model_path() { return fresh_path("run", ".safetensors"); }

void App::forget_own_file() {
  pending_save.same_run = false;  // a save still in flight is of the run before
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

void App::save_model(const std::string& path) { write_run(path, false); }

void App::export_onnx(const std::string& path) { write_run(path, true); }

void App::write_run(const std::string& path, bool onnx) {
  if (!run) return;
  if (pending_save.step.valid()) {
    say("Still saving to " + pending_save.path + ": save again in a moment", true);
    return;
  }
  json::Value info = json::Value::object();
  if (!curves.test_acc.empty()) info.set("test_accuracy", double(curves.test_acc.back()));
  if (!curves.val_acc.empty()) info.set("val_accuracy", double(curves.val_acc.back()));
  // A model file with the curves and the training position in it, or the ONNX model of the
  // network, written atomically.
  std::future<RunRecord> record = run->record_async(info);
  pending_save.path = path;
  pending_save.same_run = true;
  pending_save.onnx = onnx;
  pending_save.step = std::async(std::launch::async, [record = std::move(record), path, onnx]() mutable {
    RunRecord r;
    try {
      r = record.get();
    } catch (const std::future_error&) {
      throw Error("the run ended before it could be recorded");
    }
    if (onnx) nnviz::export_onnx(path, *r.net, r.meta);
    else save_run(path, r);
    return r.step;
  });
  say((onnx ? "Exporting the network as ONNX to " : "Saving the run to ") + path + " ...");
}

void App::finish_save(bool wait) {
  PendingSave& p = pending_save;
  if (!p.step.valid()) return;
  if (!wait && p.step.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  try {
    const long step = p.step.get();
    if (p.onnx) {
      // Not a save of the run: its own file and unsaved training stay as they were.
      say("Exported the network at step " + std::to_string(step) + " as ONNX to " + p.path +
          " (opens in Netron and ONNX Runtime)");
      return;
    }
    remember_file(p.path);
    if (p.same_run) {
      model_path = own_path = p.path;
      saved_step = step;
      say("Saved the run to " + p.path + " (a model file; it reopens with its curves)");
    } else {
      say("Saved the previous run to " + p.path);
    }
  } catch (const std::exception& e) {
    say(std::string("Could not save: ") + e.what(), true);
  }
}

bool App::start_run_with(const TrainConfig& settings, const NetSpec& net) {
  const TrainConfig before = setup;
  setup = settings;
  setup.net = net;
  const Run* old = run.get();
  start_run();
  if (run.get() != old) return true;
  setup = before;  // the new run could not start: the current one stays, with its settings
  validate_setup();
  return false;
}

// A file trained on a folder of images opens on a folder's data: on another folder's only when
// the classes are the same ones in the same order; while MNIST is loaded, after loading the
// folder it names (at the size and in the colours its network takes). An older file that names no
// folder cannot be helped: the user loads the folder first. Returns what switches to the folder
// and opens the file then, or nothing when the data loaded is the file's.
std::function<void()> App::folder_for(const TrainConfig& file, const Shape& input, const std::string& path) {
  if (file.dataset != DatasetKind::Folder) return {};
  if (data_kind == DatasetKind::Folder) {
    if (const std::string problem = file.classes_problem(*data); !problem.empty()) throw Error("[open] " + path + ": " + problem);
    return {};
  }
  if (file.folder.empty())
    throw Error("[open] " + path + ": it was trained on a folder of your own images: load that folder first (the data "
                "menu's Your images), then open it");
  struct stat st {};
  if (::stat(file.folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error("[open] " + path + ": it was trained on the images in " + file.folder +
                ", which is not there any more: load a folder of the same classes (the data menu's Your images), then open it");
  const FolderOptions o = folder_options_for(input, file.folder_seed, file.norm);
  return [this, file, o, path] {
    say("The file was trained on the images in " + file.folder + ": loading them, then opening " + path);
    folder_dir = file.folder;
    folder_size = o.size;
    folder_colour = o.colour;
    load_folder(file.folder, o);
    open_after_loading = path;
  };
}

std::function<void()> App::prepare_open(const std::string& path) {
  if (is_lesson_file(path)) {
    load_lesson(path, AppLessonNames());  // read and checked now: a damaged lesson is refused at once
    return [this, path] {
      OpenLesson(*this, path);
      remember_file(path);
    };
  }
  if (is_run_file(path)) {
    auto rec = std::make_shared<RunRecord>(load_run(path));
    if (!data) throw Error("[open] " + path + ": no data loaded yet to open it on");
    if (auto f = folder_for(rec->meta.config, rec->net->spec().input, path)) return f;
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
      if (!start_run_with(rec->meta.config, rec->net->spec())) return;
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
  if (auto f = folder_for(m->meta.config, m->net.spec().input, path)) return f;
  if (m->meta.config.dataset != data_kind) return switch_and_open(m->meta.config.dataset, path);
  check_fits(m->net, data->input_shape(), data->num_classes, "open", path);
  return [this, m, path] {
    if (!start_run_with(m->meta.config, m->net.spec())) return;
    run->load_weights(m->net);
    name_preset();
    model_path = own_path = path;
    remember_file(path);
    say("Opened " + path + " (" + setup.net.describe() + ")");
  };
}

void App::probe_picture(const std::string& path) {
  if (!run || !data) {
    say("No run yet to show " + path + " to", true);
    return;
  }
  try {
    // On MNIST a digit, prepared as the canvas and predict prepare one; else the whole picture at
    // the data's size and in its colours, as a folder's are read.
    const std::optional<Mat> x =
        picture_input(read_image(path), data_kind == DatasetKind::Mnist, data->rows, data->channels == 3, data->norm);
    if (!x) throw Error("[image] " + path + ": holds no ink");
    const size_t slash = path.rfind('/');
    set_probe_input(*x, -1, "your picture " + (slash == std::string::npos ? path : path.substr(slash + 1)));
    views.open<ActivationsState>() = true;
    say("The activations view shows " + path + " through the network");
  } catch (const std::exception& e) {
    say(std::string("Could not read the picture: ") + e.what(), true);
  }
}

void App::open_dropped() {
  if (dropped.empty()) return;
  const std::vector<std::string> files = std::move(dropped);
  dropped.clear();
  // A picture is not opened: the network reads it (the activations view shows how).
  if (is_image_name(files[0])) {
    probe_picture(files[0]);
    return;
  }
  if (out_of_reach(Controls::Files)) {
    say("Opening files is not part of this " + std::string(lesson_rules.hide.empty() && lesson_rules.lock.empty() ? "class" : "lesson") +
        ": " + files[0] + " was not opened", true);
    return;
  }
  std::function<void()> commit;
  try {
    commit = prepare_open(files[0]);
  } catch (const std::exception& e) {
    say(std::string("Could not open: ") + e.what(), true);
    return;
  }
  if (files.size() > 1)
    say("One file at a time: opening " + files[0] + (files.size() == 2 ? ", not " + files[1]
                                                                          : ", not the " + std::to_string(files.size() - 1) + " others"));
  guard("Opening " + files[0] + " replaces the current run.", [this, commit] { open_checked(commit); });
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
    full_data.reset();
    load_data(kind);
    open_after_loading = path;
  };
}

void App::load_model(const std::string& path) {
  std::function<void()> commit;
  try {
    commit = prepare_open(path);
  } catch (const std::exception& e) {
    say(std::string("Could not open: ") + e.what(), true);
    return;
  }
  open_checked(commit);
}

void App::open_checked(const std::function<void()>& commit) {
  try {
    commit();
  } catch (const std::exception& e) {
    say(std::string("Could not open: ") + e.what(), true);
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

void App::export_svg(const std::string& path) {
  // The plots as the curves view draws them, over steps or epochs as it shows them.
  const std::vector<float>& x = x_in_epochs ? curves.epoch : curves.step;
  const std::vector<float>& ev_x = x_in_epochs ? curves.ev_epoch : curves.ev_step;
  auto series = [](const char* name, const char* colour, const std::vector<float>& xs, const std::vector<float>& ys) {
    SvgSeries s;
    s.name = name;
    s.colour = colour;
    s.x.assign(xs.begin(), xs.end());
    s.y.assign(ys.begin(), ys.end());
    return s;
  };
  const char* x_label = x_in_epochs ? "epoch" : "step";
  SvgPanel loss{"Loss", x_label, {}, 0, 0, false};
  SvgSeries raw = series("train loss", "#6a7aa0", x, curves.loss);
  raw.faint = true;
  raw.width = 1;
  loss.series = {raw, series("train loss (smoothed)", "#faa03c", x, curves.loss_smooth),
                 series("validation loss", "#3fae5c", ev_x, curves.val_loss), series("test loss", "#8a8a8a", ev_x, curves.test_loss)};
  SvgPanel acc{"Accuracy", x_label, {}, 0, 0, true};
  acc.series = {series("train accuracy (smoothed)", "#faa03c", x, curves.acc_smooth),
                series("validation accuracy", "#3fae5c", ev_x, curves.val_acc),
                series("test accuracy", "#3c9ad8", ev_x, curves.test_acc)};
  try {
    write_file_atomic(path, svg_plot({loss, acc}), "export");
    say("Exported the curves to " + path);
  } catch (const std::exception& e) {
    say(std::string("Could not export: ") + e.what(), true);
  }
}

long App::shown_step() const { return timeline.weights ? timeline.weights->step : snap.step; }

void App::start_recording() {
  const RecordSettings& r = record_settings;
  const int at = ViewIndex(r.view.c_str());
  const std::string label = at >= 0 ? ViewTable()[size_t(at)].label : r.view;
  // Named by the view and the time; a second recording within the same second gets "-2", ...
  const std::string path = fresh_path(r.view, r.gif ? ".gif" : "-frames");
  std::string problem = make_folders(data_home());
  if (problem.empty() && recorder.start(r, path, &problem))
    say("Recording the " + label + " view every " + std::to_string(r.every) + " mini-batches (Stop in the timeline)");
  else
    say("Could not start recording: " + problem, true);
}

std::vector<std::string> SplitList(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t a = 0;
  while (a <= text.size()) {
    size_t b = text.find(sep, a);
    if (b == std::string::npos) b = text.size();
    std::string item = text.substr(a, b - a);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.erase(item.begin());
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    if (!item.empty()) out.push_back(item);
    a = b + 1;
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items, const char* sep) {
  std::string s;
  for (const std::string& x : items) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string TimeStamp() {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &local);
  return buf;
}

}  // namespace nnviz::gui
