#include "nn/optimizer.h"

#include "base/parallel.h"

#include <cmath>
#include <cstdio>

namespace nnviz {

const char* to_string(OptKind k) {
  switch (k) {
    case OptKind::Sgd: return "sgd";
    case OptKind::Momentum: return "momentum";
    case OptKind::Nesterov: return "nesterov";
    case OptKind::AdaGrad: return "adagrad";
    case OptKind::RmsProp: return "rmsprop";
    case OptKind::Adam: return "adam";
    case OptKind::AdamW: return "adamw";
  }
  return "?";
}

OptKind opt_kind_from_string(const std::string& s) {
  for (OptKind k : {OptKind::Sgd, OptKind::Momentum, OptKind::Nesterov, OptKind::AdaGrad, OptKind::RmsProp,
                    OptKind::Adam, OptKind::AdamW})
    if (s == to_string(k)) return k;
  throw Error("[optimizer] unknown optimizer '" + s +
              "' (expected sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw)");
}

json::Value OptConfig::to_json() const {
  json::Value v = json::Value::object();
  v.set("kind", to_string(kind));
  v.set("lr", double(lr));
  v.set("momentum", double(momentum));
  v.set("beta1", double(beta1));
  v.set("beta2", double(beta2));
  v.set("rho", double(rho));
  v.set("eps", double(eps));
  v.set("weight_decay", double(weight_decay));
  return v;
}

OptConfig OptConfig::from_json(const json::Value& v) {
  OptConfig c;
  c.kind = opt_kind_from_string(v.get_string("kind", "sgd"));
  c.lr = v.get_float("lr", c.lr);
  c.momentum = v.get_float("momentum", c.momentum);
  c.beta1 = v.get_float("beta1", c.beta1);
  c.beta2 = v.get_float("beta2", c.beta2);
  c.rho = v.get_float("rho", c.rho);
  c.eps = v.get_float("eps", c.eps);
  c.weight_decay = v.get_float("weight_decay", c.weight_decay);
  return c;
}

const char* to_string(Schedule::Kind k) {
  switch (k) {
    case Schedule::Kind::Constant: return "constant";
    case Schedule::Kind::Step: return "step";
    case Schedule::Kind::Exponential: return "exponential";
    case Schedule::Kind::Cosine: return "cosine";
  }
  return "?";
}

Schedule::Kind schedule_kind_from_string(const std::string& s) {
  for (auto k : {Schedule::Kind::Constant, Schedule::Kind::Step, Schedule::Kind::Exponential, Schedule::Kind::Cosine})
    if (s == to_string(k)) return k;
  throw Error("[schedule] unknown schedule '" + s + "' (expected constant, step, exponential or cosine)");
}

double Schedule::lr_at(double base, double e) const {
  switch (kind) {
    case Kind::Constant: return base;
    case Kind::Step: return base * std::pow(double(gamma), std::floor(e / std::max(1e-9, double(step_epochs))));
    case Kind::Exponential: return base * std::pow(double(gamma), e);
    case Kind::Cosine: {
      // Past its end the schedule starts again (a warm restart): training on after the last
      // epoch trains, instead of holding a rate of min_lr (often 0) that changes nothing.
      const double T = std::max(1e-9, double(total_epochs));
      const double f = e <= T ? e / T : std::fmod(e, T) / T;
      return min_lr + (base - min_lr) * 0.5 * (1 + std::cos(M_PI * f));
    }
  }
  return base;
}

json::Value Schedule::to_json() const {
  json::Value v = json::Value::object();
  v.set("kind", to_string(kind));
  v.set("step_epochs", double(step_epochs));
  v.set("gamma", double(gamma));
  v.set("min_lr", double(min_lr));
  v.set("total_epochs", double(total_epochs));
  return v;
}

Schedule Schedule::from_json(const json::Value& v) {
  Schedule s;
  s.kind = schedule_kind_from_string(v.get_string("kind", "constant"));
  s.step_epochs = v.get_float("step_epochs", s.step_epochs);
  s.gamma = v.get_float("gamma", s.gamma);
  s.min_lr = v.get_float("min_lr", s.min_lr);
  s.total_epochs = v.get_float("total_epochs", s.total_epochs);
  return s;
}

std::vector<std::string> Optimizer::state_names(OptKind k) {
  switch (k) {
    case OptKind::Sgd: return {};
    case OptKind::Momentum:
    case OptKind::Nesterov: return {"velocity"};
    case OptKind::AdaGrad:
    case OptKind::RmsProp: return {"s"};
    case OptKind::Adam:
    case OptKind::AdamW: return {"m", "v"};
  }
  return {};
}

void Optimizer::set_config(const OptConfig& cfg) {
  if (cfg.kind != cfg_.kind) reset();
  cfg_ = cfg;
}

std::vector<std::pair<std::string, const Mat*>> Optimizer::state(size_t i) const {
  std::vector<std::pair<std::string, const Mat*>> out;
  if (i >= state_.size()) return out;
  const auto names = state_names(cfg_.kind);
  if (names.size() > 0) out.emplace_back(names[0], &state_[i].s1);
  if (names.size() > 1) out.emplace_back(names[1], &state_[i].s2);
  return out;
}

void Optimizer::restore(const std::vector<std::vector<Mat>>& state, long t) {
  state_.assign(state.size(), Slot{});
  for (size_t i = 0; i < state.size(); ++i) {
    if (state[i].size() > 0) state_[i].s1 = state[i][0];
    if (state[i].size() > 1) state_[i].s2 = state[i][1];
  }
  t_ = t;
  if (state.empty()) t_ = 0;  // no state: start afresh (as before the first step)
}

void Optimizer::begin_step(const std::vector<Param>& params) {
  if (state_.size() != params.size()) {
    state_.assign(params.size(), Slot{});
    for (size_t i = 0; i < params.size(); ++i) {
      const Mat& w = *params[i].value;
      const size_t nstate = state_names(cfg_.kind).size();
      if (nstate > 0) state_[i].s1 = Mat::Zero(w.rows(), w.cols());
      if (nstate > 1) state_[i].s2 = Mat::Zero(w.rows(), w.cols());
    }
  }
  ++t_;
}

void Optimizer::update(const std::vector<Param>& params, double lr, int part, int parts) {
  for (size_t i = 0; i < params.size(); ++i) {
    const long size = long(params[i].value->size()), b = split_begin(size, part, parts);
    update_range(params, i, lr, b, split_begin(size, part + 1, parts));
  }
}

void Optimizer::update_range(const std::vector<Param>& params, size_t i, double lr_d, long b, long e) {
  const Scalar lr = Scalar(lr_d);
  const Scalar mu = Scalar(cfg_.momentum), eps = Scalar(cfg_.eps);
  const Scalar b1 = Scalar(cfg_.beta1), b2 = Scalar(cfg_.beta2), rho = Scalar(cfg_.rho);
  const bool adamw = cfg_.kind == OptKind::AdamW;
  using Slice = Eigen::Map<Eigen::Array<Scalar, Eigen::Dynamic, 1>>;

  {
    const long n = e - b;
    if (n <= 0) return;
    Slice w(params[i].value->data() + b, n);
    Slice g0(params[i].grad->data() + b, n);
    const Scalar wd = params[i].decay ? Scalar(cfg_.weight_decay) : Scalar(0);
    // State tensors are empty for the rules that keep none: their slices are never touched.
    Slice s1(state_[i].s1.size() ? state_[i].s1.data() + b : nullptr, state_[i].s1.size() ? n : 0);
    Slice s2(state_[i].s2.size() ? state_[i].s2.data() + b : nullptr, state_[i].s2.size() ? n : 0);
    // Coupled L2: the gradient of (wd/2)||w||^2 is wd w. AdamW decays separately below.
    const bool coupled = wd != 0 && !adamw;
    switch (cfg_.kind) {
      case OptKind::Sgd:
        if (coupled) w -= lr * (g0 + wd * w);
        else w -= lr * g0;
        break;
      case OptKind::Momentum:
        if (coupled) s1 = mu * s1 + g0 + wd * w;
        else s1 = mu * s1 + g0;
        w -= lr * s1;
        break;
      case OptKind::Nesterov:
        if (coupled) {
          s1 = mu * s1 + g0 + wd * w;
          w -= lr * (g0 + wd * w + mu * s1);
        } else {
          s1 = mu * s1 + g0;
          w -= lr * (g0 + mu * s1);
        }
        break;
      case OptKind::AdaGrad:
      case OptKind::RmsProp: {
        const Scalar keep = cfg_.kind == OptKind::AdaGrad ? Scalar(1) : rho;
        const Scalar add = cfg_.kind == OptKind::AdaGrad ? Scalar(1) : Scalar(1) - rho;
        if (coupled) {
          const Eigen::Array<Scalar, Eigen::Dynamic, 1> g = g0 + wd * w;
          s1 = keep * s1 + add * g.square();
          w -= lr * g / (s1.sqrt() + eps);
        } else {
          s1 = keep * s1 + add * g0.square();
          w -= lr * g0 / (s1.sqrt() + eps);
        }
        break;
      }
      case OptKind::Adam:
      case OptKind::AdamW: {
        const Scalar c1 = Scalar(1) / (Scalar(1) - std::pow(b1, Scalar(t_)));
        const Scalar c2 = Scalar(1) / (Scalar(1) - std::pow(b2, Scalar(t_)));
        if (adamw && wd != 0) w -= lr * wd * w;
        if (coupled) {
          const Eigen::Array<Scalar, Eigen::Dynamic, 1> g = g0 + wd * w;
          s1 = b1 * s1 + (Scalar(1) - b1) * g;
          s2 = b2 * s2 + (Scalar(1) - b2) * g.square();
        } else {
          s1 = b1 * s1 + (Scalar(1) - b1) * g0;
          s2 = b2 * s2 + (Scalar(1) - b2) * g0.square();
        }
        w -= lr * (s1 * c1) / ((s2 * c2).sqrt() + eps);
        break;
      }
    }
  }
}

}  // namespace nnviz
