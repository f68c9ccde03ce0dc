#include "compare.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "fileio.h"
#include "presets.h"

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
  ComparisonSpec s;
  s.base = TrainConfig::from_json(v.at("base"));
  s.what = varied_from_string(v.at("vary").as_string());
  for (const auto& x : v.at("values").items()) s.values.push_back(x.as_string());
  s.target_accuracy = v.get_number("target_accuracy", 0.97);
  return s;
}

namespace {

double number(const std::string& text, const std::string& what) {
  try {
    size_t used = 0;
    const double x = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return x;
  } catch (const std::exception&) {
    throw Error("[compare] '" + text + "' is not a number (" + what + ")");
  }
}

}  // namespace

std::vector<TrainConfig> expand(const ComparisonSpec& spec) {
  if (spec.values.size() < 2 || spec.values.size() > 8)
    throw Error("[compare] a comparison has 2 to 8 runs, not " + std::to_string(spec.values.size()));
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
          if (l.type == "sigmoid" || l.type == "tanh" || l.type == "relu" || l.type == "leaky_relu") l.type = v, any = true;
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

SavedComparison load_comparison(const std::string& json_path, const std::string& csv_path) {
  SavedComparison s;
  const auto jb = read_file(json_path, "compare", 1 << 22);  // parsed JSON takes many times its text
  json::Value v;
  try {
    v = json::parse(std::string(jb.begin(), jb.end()));
    s.spec = ComparisonSpec::from_json(v);
    for (const auto& l : v.at("labels").items()) s.labels.push_back(l.as_string());
  } catch (const Error& e) {
    throw Error("[compare] " + json_path + ": " + e.what());
  }
  if (s.labels.size() != s.spec.values.size() || s.labels.size() < 2 || s.labels.size() > 8)
    throw Error("[compare] " + json_path + ": the labels do not match the values");
  s.steps.resize(s.labels.size());
  s.evals.resize(s.labels.size());
  const auto cb = read_file(csv_path, "compare", size_t(1) << 30);
  std::istringstream in(std::string(cb.begin(), cb.end()));
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1 || line.empty()) continue;
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    while (f.size() < 12) f.push_back("");
    auto bad = [&](const std::string& why) {
      return Error("[compare] " + csv_path + " line " + std::to_string(lineno) + ": " + why);
    };
    try {
      const size_t run = std::stoul(f[0]);
      if (run >= s.labels.size()) throw bad("run " + f[0] + " does not exist");
      if (f[1] == "step") {
        s.steps[run].push_back({std::stol(f[2]), std::stof(f[3]), std::stof(f[5]), std::stof(f[6]), std::stof(f[7]),
                                std::stof(f[4])});
      } else if (f[1] == "eval") {
        s.evals[run].push_back({std::stol(f[2]), std::stof(f[3]), std::stof(f[4]), std::stof(f[8]), std::stof(f[9]),
                                std::stof(f[10]), std::stof(f[11])});
      } else {
        throw bad("unknown row kind '" + f[1] + "'");
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception&) {
      throw bad("not a number where one belongs");
    }
  }
  return s;
}

}  // namespace nnviz
