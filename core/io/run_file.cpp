#include "io/run_file.h"

#include <cmath>
#include <cstdio>

#include "base/fileio.h"
#include "io/safetensors.h"

namespace nnviz {

void save_run(const std::string& path, const RunRecord& r) {
  StFile f = model_to_st(*r.net, r.meta);
  auto params = r.net->params();
  const auto names = Optimizer::state_names(r.meta.config.opt.kind);
  for (size_t i = 0; i < r.opt_state.size() && i < params.size(); ++i)
    for (size_t k = 0; k < r.opt_state[i].size() && k < names.size(); ++k) {
      StTensor t;
      t.name = "optimizer." + params[i].name + "." + names[k];
      for (int d : params[i].p.shape) t.shape.push_back(d);
      t.data.assign(r.opt_state[i][k].data(), r.opt_state[i][k].data() + r.opt_state[i][k].size());
      f.tensors.push_back(std::move(t));
    }
  StTensor steps{"history.steps", {int64_t(r.steps.size()), 6}, {}};
  for (const auto& p : r.steps) steps.data.insert(steps.data.end(), {float(p.step), p.epoch, p.loss, p.accuracy, p.lr, p.time});
  StTensor evals{"history.evals", {int64_t(r.evals.size()), 7}, {}};
  for (const auto& e : r.evals)
    evals.data.insert(evals.data.end(),
                      {float(e.step), e.epoch, e.time, e.val_loss, e.val_accuracy, e.test_loss, e.test_accuracy});
  f.tensors.push_back(std::move(steps));
  f.tensors.push_back(std::move(evals));
  json::Value run = json::Value::object();
  run.set("step", static_cast<long long>(r.step));
  run.set("epoch", r.epoch);
  run.set("cursor", static_cast<long long>(r.cursor));
  run.set("optimizer_steps", static_cast<long long>(r.opt_t));
  json::Value changes = json::Value::array();
  for (const auto& c : r.changes) {
    json::Value cv = json::Value::object();
    cv.set("step", static_cast<long long>(c.step));
    cv.set("epoch", double(c.epoch));
    cv.set("text", c.text);
    changes.push(cv);
  }
  run.set("changes", changes);
  f.metadata.emplace_back("run", run.dump());
  write_file_atomic(path, st_serialize(f), "run");
}

bool is_run_file(const std::string& path) {
  try {
    return st_parse(read_file(path, "run", size_t(1) << 31), path).meta("run") != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

// A whole number in [0, max] (1e300, -1, 2.5 and NaN are not): "" or the problem with `what`.
std::string count_problem(double x, const char* what, double max) {
  if (x >= 0 && x <= max && x == std::floor(x)) return "";
  return std::string("the ") + what + " " + num(x) + " is not a whole number from 0 to " + num(max);
}

std::string finite_problem(double x, const char* what, double lo, double hi) {
  if (x >= lo && x <= hi) return "";
  return std::string("the ") + what + " " + num(x) + " is not a finite number from " + num(lo) + " to " + num(hi);
}

std::string loss_problem(double x, const char* what) {
  if (!(x < 0)) return "";  // NaN and +inf are what a diverging run records
  return std::string("the ") + what + " " + num(x) + " is negative";
}

// The number `key` of the run entry, checked as a count before it is converted.
double count_at(const json::Value& v, const std::string& key, double max, double def = -1) {
  const json::Value* x = v.find(key);
  if (!x && def >= 0) return def;
  if (!x) throw Error("\"" + key + "\" is missing");
  if (!x->is_number()) throw Error("\"" + key + "\" is not a number");
  const double d = x->as_number();
  const std::string p = count_problem(d, key.c_str(), max);
  if (!p.empty()) throw Error(p);
  return d;
}

template <class Point>
std::string first_problem(const std::vector<Point>& points, const std::string& name) {
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string p = point_problem(points[i]);
    if (!p.empty()) return name + " row " + std::to_string(i + 1) + ": " + p;
  }
  return "";
}

}  // namespace

std::string point_problem(const StepPoint& p) {
  for (const std::string& e : {count_problem(double(p.step), "step", double(kMaxRunSteps)),
                               finite_problem(p.epoch, "epoch", 0, kMaxRunEpochs), loss_problem(p.loss, "loss"),
                               finite_problem(p.accuracy, "accuracy", 0, 1),
                               finite_problem(p.lr, "learning rate", 0, 1e30),
                               finite_problem(p.time, "time", 0, 1e30)})
    if (!e.empty()) return e;
  return "";
}

std::string point_problem(const EvalPoint& p) {
  for (const std::string& e :
       {count_problem(double(p.step), "step", double(kMaxRunSteps)), finite_problem(p.epoch, "epoch", 0, kMaxRunEpochs),
        finite_problem(p.time, "time", 0, 1e30), loss_problem(p.val_loss, "validation loss"),
        finite_problem(p.val_accuracy, "validation accuracy", 0, 1), loss_problem(p.test_loss, "test loss"),
        finite_problem(p.test_accuracy, "test accuracy", 0, 1)})
    if (!e.empty()) return e;
  return "";
}

RunRecord load_run(const std::string& path) { return load_run_bytes(read_file(path, "run", size_t(1) << 31), path); }

RunRecord load_run_bytes(const std::vector<uint8_t>& bytes, const std::string& path) {
  const StFile f = st_parse(bytes, path);
  auto fail = [&](const std::string& what) { return Error("[run] " + path + ": " + what); };
  LoadedModel m = model_from_st(f, path);
  RunRecord r;
  r.meta = m.meta;
  r.net = std::make_shared<Network>(std::move(m.net));
  const std::string* run = f.meta("run");
  if (!run) throw fail("a model file, not a run file: it has no metrics or training position");
  try {
    const json::Value v = json::parse(*run);
    r.step = long(count_at(v, "step", double(kMaxRunSteps)));
    r.epoch = int(count_at(v, "epoch", kMaxRunEpochs));
    r.cursor = size_t(count_at(v, "cursor", double(kMaxRunCursor)));
    r.opt_t = long(count_at(v, "optimizer_steps", double(kMaxRunSteps), 0));
    size_t i = 0;
    for (const auto& c : v.at("changes").items()) {
      ++i;
      try {
        const long step = long(count_at(c, "step", double(kMaxRunSteps)));
        const double epoch = c.at("epoch").as_number();
        const std::string p = finite_problem(epoch, "epoch", 0, kMaxRunEpochs);
        if (!p.empty()) throw Error(p);
        r.changes.push_back({step, float(epoch), c.at("text").as_string()});
      } catch (const Error& e) {
        throw Error("change " + std::to_string(i) + ": " + e.what());
      }
    }
  } catch (const Error& e) {
    throw fail(std::string("bad run metadata: ") + e.what());
  }
  auto params = r.net->params();
  const auto names = Optimizer::state_names(r.meta.config.opt.kind);
  if (r.opt_t > 0) {
    r.opt_state.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i)
      for (const auto& n : names) {
        const std::string name = "optimizer." + params[i].name + "." + n;
        const StTensor* t = f.find(name);
        if (!t || t->data.size() != size_t(params[i].p.value->size()))
          throw fail("the optimizer state \"" + n + "\" of " + params[i].name + " is missing or the wrong size");
        // A NaN here turns the weights into NaN at the next step; a negative second moment, its root.
        const bool second_moment = n == "v" || n == "s";
        for (size_t k = 0; k < t->data.size(); ++k)
          if (!std::isfinite(t->data[k]) || (second_moment && t->data[k] < 0))
            throw fail("the optimizer state \"" + name + "\" holds " +
                       (std::isfinite(t->data[k]) ? "a negative second moment " : "NaN or infinite values ") +
                       "(element " + std::to_string(k) + ")");
        Mat st(params[i].p.value->rows(), params[i].p.value->cols());
        std::copy(t->data.begin(), t->data.end(), st.data());
        r.opt_state[i].push_back(std::move(st));
      }
  }
  const StTensor* steps = f.find("history.steps");
  const StTensor* evals = f.find("history.evals");
  if (!steps || steps->shape.size() != 2 || steps->shape[1] != 6) throw fail("history.steps is missing or malformed");
  if (!evals || evals->shape.size() != 2 || evals->shape[1] != 7) throw fail("history.evals is missing or malformed");
  // The step number is checked as a float, before it becomes a long.
  auto step_of = [&](float x, const char* name, size_t row) {
    const std::string p = count_problem(x, "step", double(kMaxRunSteps));
    if (!p.empty()) throw fail(std::string(name) + " row " + std::to_string(row) + ": " + p);
    return long(x);
  };
  for (size_t i = 0; i + 6 <= steps->data.size(); i += 6) {
    const float* d = &steps->data[i];
    r.steps.push_back({step_of(d[0], "history.steps", i / 6 + 1), d[1], d[2], d[3], d[4], d[5]});
  }
  for (size_t i = 0; i + 7 <= evals->data.size(); i += 7) {
    const float* d = &evals->data[i];
    r.evals.push_back({step_of(d[0], "history.evals", i / 7 + 1), d[1], d[2], d[3], d[4], d[5], d[6]});
  }
  std::string p = first_problem(r.steps, "history.steps");
  if (p.empty()) p = first_problem(r.evals, "history.evals");
  if (!p.empty()) throw fail(p);
  return r;
}

}  // namespace nnviz
