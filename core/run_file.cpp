#include "run_file.h"

#include "fileio.h"
#include "safetensors.h"

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

RunRecord load_run(const std::string& path) {
  const StFile f = st_parse(read_file(path, "run", size_t(1) << 31), path);
  auto fail = [&](const std::string& what) { return Error("[run] " + path + ": " + what); };
  LoadedModel m = model_from_st(f, path);
  RunRecord r;
  r.meta = m.meta;
  r.net = std::make_shared<Network>(std::move(m.net));
  const std::string* run = f.meta("run");
  if (!run) throw fail("a model file, not a run file: it has no metrics or training position");
  try {
    const json::Value v = json::parse(*run);
    r.step = long(v.at("step").as_number());
    r.epoch = int(v.at("epoch").as_number());
    r.cursor = size_t(v.at("cursor").as_number());
    r.opt_t = long(v.get_number("optimizer_steps", 0));
    for (const auto& c : v.at("changes").items())
      r.changes.push_back({long(c.at("step").as_number()), float(c.at("epoch").as_number()), c.at("text").as_string()});
  } catch (const Error& e) {
    throw fail(std::string("bad run metadata: ") + e.what());
  }
  auto params = r.net->params();
  const auto names = Optimizer::state_names(r.meta.config.opt.kind);
  if (r.opt_t > 0) {
    r.opt_state.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i)
      for (const auto& n : names) {
        const StTensor* t = f.find("optimizer." + params[i].name + "." + n);
        if (!t || t->data.size() != size_t(params[i].p.value->size()))
          throw fail("the optimizer state \"" + n + "\" of " + params[i].name + " is missing or the wrong size");
        Mat st(params[i].p.value->rows(), params[i].p.value->cols());
        std::copy(t->data.begin(), t->data.end(), st.data());
        r.opt_state[i].push_back(std::move(st));
      }
  }
  const StTensor* steps = f.find("history.steps");
  const StTensor* evals = f.find("history.evals");
  if (!steps || steps->shape.size() != 2 || steps->shape[1] != 6) throw fail("history.steps is missing or malformed");
  if (!evals || evals->shape.size() != 2 || evals->shape[1] != 7) throw fail("history.evals is missing or malformed");
  for (size_t i = 0; i + 6 <= steps->data.size(); i += 6) {
    const float* d = &steps->data[i];
    r.steps.push_back({long(d[0]), d[1], d[2], d[3], d[4], d[5]});
  }
  for (size_t i = 0; i + 7 <= evals->data.size(); i += 7) {
    const float* d = &evals->data[i];
    r.evals.push_back({long(d[0]), d[1], d[2], d[3], d[4], d[5], d[6]});
  }
  return r;
}

}  // namespace nnviz
