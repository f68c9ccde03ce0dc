#include "engine/compare.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <sstream>

#include "base/fileio.h"
#include "io/run_file.h"
#include "nn/layer_types.h"
#include "train/presets.h"

namespace nnviz {

const char* to_string(Varied v) {
  switch (v) {
    case Varied::Optimizer: return "optimizer";
    case Varied::LearningRate: return "lr";
    case Varied::BatchSize: return "batch";
    case Varied::WeightDecay: return "weight_decay";
    case Varied::Init: return "init";
    case Varied::Activation: return "activation";
    case Varied::Preset: return "preset";
  }
  return "?";
}

Varied varied_from_string(const std::string& s) {
  for (Varied v : {Varied::Optimizer, Varied::LearningRate, Varied::BatchSize, Varied::WeightDecay, Varied::Init,
                   Varied::Activation, Varied::Preset})
    if (s == to_string(v)) return v;
  throw Error("[compare] unknown setting '" + s +
              "' to vary (expected optimizer, lr, batch, weight_decay, init, activation or preset)");
}

json::Value ComparisonSpec::to_json() const {
  json::Value v = json::Value::object();
  v.set("base", base.to_json());
  v.set("vary", to_string(what));
  json::Value vals = json::Value::array();
  for (const auto& x : values) vals.push(x);
  v.set("values", vals);
  v.set("target_accuracy", target_accuracy);
  return v;
}

ComparisonSpec ComparisonSpec::from_json(const json::Value& v) {
  if (!v.is_object()) throw Error("[compare] not a JSON object (a comparison has \"base\", \"vary\" and \"values\")");
  auto field = [&](const std::string& key) -> const json::Value& {
    const json::Value* x = v.find(key);
    if (!x) throw Error("[compare] \"" + key + "\" is missing");
    return *x;
  };
  ComparisonSpec s;
  const json::Value& base = field("base");
  if (!base.is_object()) throw Error("[compare] \"base\" must be an object: the settings every run shares");
  try {
    s.base = TrainConfig::from_json(base);
  } catch (const Error& e) {
    throw Error(std::string("[compare] \"base\": ") + e.what());
  }
  const json::Value& vary = field("vary");
  if (!vary.is_string()) throw Error("[compare] \"vary\" must be a string: the setting that differs");
  s.what = varied_from_string(vary.as_string());
  const json::Value& values = field("values");
  if (!values.is_array()) throw Error("[compare] \"values\" must be an array of strings, one per run");
  for (const auto& x : values.items()) {
    if (!x.is_string()) throw Error("[compare] \"values\" must be an array of strings, one per run");
    s.values.push_back(x.as_string());
  }
  s.target_accuracy = v.get_number("target_accuracy", 0.97);
  if (!(s.target_accuracy > 0 && s.target_accuracy <= 1)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "[compare] the target accuracy %g is not in (0, 1] (a share of the validation set, e.g. 0.97)",
                  s.target_accuracy);
    throw Error(buf);
  }
  return s;
}

namespace {

// A finite number within a float's range, the whole text of it ("0.1", not "0.1x", "nan" or "1e300").
double number(const std::string& text, const std::string& what) {
  const char* b = text.c_str();
  char* end = nullptr;
  const double x = text.empty() || std::isspace(static_cast<unsigned char>(text[0])) ? NAN : std::strtod(b, &end);
  if (!end || *end != '\0' || !(std::fabs(x) <= 1e30))
    throw Error("[compare] '" + text + "' is not a number of a usable size (" + what + ")");
  return x;
}

}  // namespace

std::vector<TrainConfig> expand(const ComparisonSpec& spec) {
  if (spec.values.size() < 2 || spec.values.size() > 8)
    throw Error("[compare] a comparison has 2 to 8 runs, not " + std::to_string(spec.values.size()));
  const std::string base_problem = config_problem(spec.base);
  if (!base_problem.empty()) throw Error("[compare] the settings every run shares: " + base_problem);
  std::vector<TrainConfig> out;
  for (const std::string& v : spec.values) {
    TrainConfig c = spec.base;
    switch (spec.what) {
      case Varied::Optimizer: {  // kind[:lr[:weight decay]]
        const size_t c1 = v.find(':');
        const size_t c2 = c1 == std::string::npos ? c1 : v.find(':', c1 + 1);
        c.opt.kind = opt_kind_from_string(v.substr(0, c1));
        if (c1 != std::string::npos)
          c.opt.lr = float(number(v.substr(c1 + 1, c2 == std::string::npos ? c2 : c2 - c1 - 1), "learning rate"));
        if (c2 != std::string::npos) c.opt.weight_decay = float(number(v.substr(c2 + 1), "weight decay"));
        break;
      }
      case Varied::LearningRate: c.opt.lr = float(number(v, "learning rate")); break;
      case Varied::BatchSize: {
        const double b = number(v, "batch size");
        if (!(b >= 1 && b <= 1e9) || b != double(int(b))) throw Error("[compare] batch size " + v + " is not a positive whole number");
        c.batch = int(b);
        break;
      }
      case Varied::WeightDecay: c.opt.weight_decay = float(number(v, "weight decay")); break;
      case Varied::Init: c.init = init_kind_from_string(v); break;
      case Varied::Activation: {
        act(v);  // validated when the network is built; here: swap every activation layer
        bool any = false;
        for (auto& l : c.net.layers)
          if (const LayerType* t = find_layer_type(l.type); t && t->kind == LayerKind::Activation) l.type = v, any = true;
        if (!any) throw Error("[compare] the network has no activation layers to change");
        break;
      }
      case Varied::Preset: {
        const TrainConfig p = find_preset(v).config;
        c.net = p.net;
        c.init = p.init;
        break;
      }
    }
    c.seed = spec.base.seed;  // the point of it all: the same start and the same batches
    const std::string problem = config_problem(c);
    if (!problem.empty())
      throw Error("[compare] run " + std::to_string(out.size() + 1) + " (" + to_string(spec.what) + " " + v + "): " + problem);
    Network check(c.net);     // an invalid variant is an error now, not a failed run later
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> ready_made_names() { return {"optimizers", "learning-rates", "batch-sizes", "l2"}; }

ComparisonSpec ready_made(const std::string& name) {
  ComparisonSpec s;
  // The small net the classic graphs used: 784-100-10, here with ReLU for the optimizer race.
  s.base = find_preset("mlp100").config;
  s.base.opt.weight_decay = 0;
  s.base.schedule = Schedule{};
  s.base.epochs = 2;
  if (name == "optimizers") {
    for (auto& l : s.base.net.layers)
      if (l.type == "sigmoid") l.type = "relu";
    s.base.init = InitKind::He;
    s.base.batch = 32;
    s.what = Varied::Optimizer;
    // Typical learning rates for each; AdamW with its usual decoupled decay of 0.01.
    s.values = {"sgd:0.1", "momentum:0.01", "nesterov:0.01", "adagrad:0.01", "rmsprop:0.001", "adam:0.001",
                "adamw:0.001:0.01"};
    s.base.opt.weight_decay = 0;
  } else if (name == "learning-rates") {
    s.what = Varied::LearningRate;
    s.values = {"0.01", "0.05", "0.2", "1", "3"};
  } else if (name == "batch-sizes") {
    s.what = Varied::BatchSize;
    s.values = {"1", "10", "32", "128", "512"};
  } else if (name == "l2") {
    s.what = Varied::WeightDecay;
    s.values = {"0", "1e-5", "1e-4", "1e-3"};
    s.base.epochs = 5;
  } else {
    throw Error("[compare] unknown ready-made comparison '" + name + "' (optimizers, learning-rates, batch-sizes, l2)");
  }
  return s;
}

RunSummary summarize(const std::string& label, const std::vector<StepPoint>& steps,
                     const std::vector<EvalPoint>& evals, double target, int batch) {
  RunSummary r;
  r.label = label;
  if (!steps.empty()) {
    r.steps = steps.back().step;
    r.epochs = steps.back().epoch;
    const size_t n = std::min<size_t>(100, steps.size());
    double sum = 0;
    for (size_t i = steps.size() - n; i < steps.size(); ++i) sum += steps[i].loss;
    r.final_loss = sum / n;
    if (steps.back().time > 0) r.samples_per_s = double(r.steps) * batch / steps.back().time;
  }
  for (const auto& e : evals) {
    r.best_val = std::max(r.best_val, double(e.val_accuracy));
    r.best_test = std::max(r.best_test, double(e.test_accuracy));
    if (r.steps_to_target < 0 && e.val_accuracy >= target) {
      r.steps_to_target = e.step;
      r.time_to_target = e.time;
    }
  }
  if (!evals.empty()) {
    r.final_val = evals.back().val_accuracy;
    r.final_test = evals.back().test_accuracy;
  }
  return r;
}

Comparison::Comparison(const ComparisonSpec& spec, std::shared_ptr<const Dataset> data, RunOptions opts)
    : spec_(spec), configs_(expand(spec)) {
  // Nothing shows a compared run's layer statistics or timeline: up to 8 runs keep none.
  opts.layer_stats = opts.timeline = false;
  for (size_t i = 0; i < configs_.size(); ++i) {
    labels_.push_back(std::string(to_string(spec.what)) + " " + spec.values[i]);
    runs_.push_back(std::make_unique<Run>(configs_[i], data, opts));
  }
  hist_.resize(runs_.size());
}

void Comparison::play() {
  for (auto& r : runs_) r->play();
}

void Comparison::pause() {
  for (auto& r : runs_) r->pause();
}

void Comparison::poll() {
  for (size_t i = 0; i < runs_.size(); ++i) {
    History& h = hist_[i];
    h.last = runs_[i]->snapshot(h.cursor);
    if (h.last.restarted) h.steps.clear(), h.evals.clear();
    if (h.last.rebased) h.steps.clear();
    if (h.last.restarted || h.last.rebased) ++h.version;
    h.steps.insert(h.steps.end(), h.last.steps.begin(), h.last.steps.end());
    h.evals.insert(h.evals.end(), h.last.evals.begin(), h.last.evals.end());
  }
}

bool Comparison::idle() const {
  for (const auto& r : runs_)
    if (!r->idle()) return false;
  return true;
}

std::vector<RunSummary> Comparison::table() const {
  std::vector<RunSummary> t;
  for (size_t i = 0; i < runs_.size(); ++i)
    t.push_back(summarize(labels_[i], hist_[i].steps, hist_[i].evals, spec_.target_accuracy, configs_[i].batch));
  return t;
}

void Comparison::save(const std::string& json_path, const std::string& csv_path) const {
  json::Value v = spec_.to_json();
  json::Value labels = json::Value::array();
  for (const auto& l : labels_) labels.push(l);
  v.set("labels", labels);
  v.set("metrics_csv", csv_path.substr(csv_path.rfind('/') + 1));
  std::ostringstream csv;
  csv << "run,kind,step,epoch,time,loss,accuracy,lr,val_loss,val_accuracy,test_loss,test_accuracy\n";
  char buf[256];
  for (size_t i = 0; i < hist_.size(); ++i) {
    for (const auto& p : hist_[i].steps) {
      std::snprintf(buf, sizeof buf, "%zu,step,%ld,%.6f,%.4f,%.7g,%.5f,%.7g,,,,\n", i, p.step, p.epoch, p.time, p.loss,
                    p.accuracy, p.lr);
      csv << buf;
    }
    for (const auto& e : hist_[i].evals) {
      std::snprintf(buf, sizeof buf, "%zu,eval,%ld,%.6f,%.4f,,,,%.7g,%.6f,%.7g,%.6f\n", i, e.step, e.epoch, e.time,
                    e.val_loss, e.val_accuracy, e.test_loss, e.test_accuracy);
      csv << buf;
    }
  }
  write_file_atomic(csv_path, csv.str(), "compare");
  write_file_atomic(json_path, v.dump(2), "compare");
}

namespace {
SavedComparison parse_comparison(const std::string& json_text, TextLines& csv, const std::string& json_name);
}  // namespace

SavedComparison load_comparison(const std::string& json_path, const std::string& csv_path) {
  const auto jb = read_file(json_path, "compare", 1 << 22);  // parsed JSON takes many times its text
  const std::string json_text(jb.begin(), jb.end());
  // The CSV is read a line at a time: its size never becomes one string, and the points it may
  // hold are capped (kMaxSavedPoints).
  TextLines csv(csv_path, "compare", size_t(1) << 30);
  return parse_comparison(json_text, csv, json_path);
}

SavedComparison parse_comparison(const std::string& json_text, const std::string& csv_text,
                                 const std::string& json_name, const std::string& csv_name) {
  TextLines csv(csv_text, csv_name, "compare");
  return parse_comparison(json_text, csv, json_name);
}

namespace {

// A whole CSV cell as a number (strtod would take "7abc" as 7 and " 7" as 7); NaN and infinity
// pass, to be judged with the point; a finite number beyond a float's range does not.
bool cell_number(const std::string& cell, double& x) {
  if (cell.empty() || std::isspace(static_cast<unsigned char>(cell[0]))) return false;
  char* end = nullptr;
  x = std::strtod(cell.c_str(), &end);
  return end && *end == '\0' && !(std::isfinite(x) && std::fabs(x) > 3.4e38);
}

SavedComparison parse_comparison(const std::string& json_text, TextLines& csv, const std::string& json_name) {
  const std::string& csv_name = csv.name();
  auto fail = [&](const std::string& what) {
    // Errors from the parts already say "[compare]"; the file goes between it and the problem.
    const std::string tag = "[compare] ";
    return Error(tag + json_name + ": " + (what.rfind(tag, 0) == 0 ? what.substr(tag.size()) : what));
  };
  SavedComparison s;
  json::Value v;
  try {
    v = json::parse(json_text);
  } catch (const Error& e) {
    throw fail(std::string("not valid JSON: ") + e.what());
  }
  try {
    s.spec = ComparisonSpec::from_json(v);
  } catch (const Error& e) {
    throw fail(e.what());
  }
  const json::Value* labels = v.find("labels");
  if (!labels || !labels->is_array()) throw fail("\"labels\" must be an array of strings, one per run");
  for (const auto& l : labels->items()) {
    if (!l.is_string()) throw fail("\"labels\" must be an array of strings, one per run");
    s.labels.push_back(l.as_string());
  }
  const size_t runs = s.spec.values.size();
  if (runs < 2 || runs > 8) throw fail("a comparison has 2 to 8 runs, not " + std::to_string(runs));
  if (s.labels.size() != runs)
    throw fail(std::to_string(s.labels.size()) + " labels for " + std::to_string(runs) + " runs");
  try {
    expand(s.spec);  // every run's settings valid, as when the comparison was started
  } catch (const Error& e) {
    throw fail(e.what());
  }
  s.steps.resize(runs);
  s.evals.resize(runs);

  std::vector<std::string> f;
  std::string line;
  while (csv.next(line)) {
    const long lineno = csv.number();
    if (lineno == 1 || line.empty()) continue;  // the header
    auto bad = [&](const std::string& why) {
      return Error("[compare] " + csv_name + " line " + std::to_string(lineno) + ": " + why);
    };
    f.clear();
    for (size_t b = 0;;) {
      const size_t comma = line.find(',', b);
      f.push_back(line.substr(b, comma == std::string::npos ? std::string::npos : comma - b));
      if (comma == std::string::npos) break;
      b = comma + 1;
    }
    if (f.size() != 12) throw bad(std::to_string(f.size()) + " fields, not the 12 of the header");
    if (f[0].empty() || f[0].size() > 1 || f[0][0] < '0' || f[0][0] >= char('0' + runs))
      throw bad("run '" + f[0] + "' does not exist (0 to " + std::to_string(runs - 1) + ")");
    const size_t run = size_t(f[0][0] - '0');
    // Cells 2.. as numbers: 2-7 for a step row, 2-4 and 8-11 for an evaluation.
    const bool step = f[1] == "step";
    if (!step && f[1] != "eval") throw bad("unknown row kind '" + f[1] + "' (step or eval)");
    double x[12] = {};
    for (size_t k = 2; k < 12; ++k) {
      const bool used = k <= 4 || (step ? k <= 7 : k >= 8);
      if (used && !cell_number(f[k], x[k])) throw bad("'" + f[k] + "' is not a number where one belongs");
    }
    if (!(x[2] >= 0 && x[2] <= double(kMaxRunSteps) && x[2] == std::floor(x[2])))
      throw bad("the step '" + f[2] + "' is not a whole number from 0 to " + std::to_string(kMaxRunSteps));
    std::string problem;
    if (step) {
      const StepPoint p{long(x[2]), float(x[3]), float(x[5]), float(x[6]), float(x[7]), float(x[4])};
      problem = point_problem(p);
      if (problem.empty()) s.steps[run].push_back(p);
    } else {
      const EvalPoint e{long(x[2]), float(x[3]), float(x[4]), float(x[8]), float(x[9]), float(x[10]), float(x[11])};
      problem = point_problem(e);
      if (problem.empty()) s.evals[run].push_back(e);
    }
    if (!problem.empty()) throw bad(problem);
    if (s.steps[run].size() > kMaxSavedPoints || s.evals[run].size() > kMaxSavedPoints)
      throw bad("run " + std::to_string(run) + " has more than " + std::to_string(kMaxSavedPoints) +
                " points of one kind; a comparison never records so many");
  }
  return s;
}

}  // namespace

}  // namespace nnviz
