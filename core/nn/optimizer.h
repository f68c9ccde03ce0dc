// Optimizers. Each sees only the Param list (value, grad, decay flag) and keeps its state in a
// list parallel to it. g below is the gradient plus, for coupled L2 weight decay, wd * w.
//
//   sgd       w -= lr g
//   momentum  v = mu v + g;             w -= lr v
//   nesterov  v = mu v + g;             w -= lr (g + mu v)
//   adagrad   s += g^2;                 w -= lr g / (sqrt(s) + eps)
//   rmsprop   s = rho s + (1-rho) g^2;  w -= lr g / (sqrt(s) + eps)
//   adam      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//             w -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
//   adamw     adam on the plain gradient, and decoupled decay first: w -= lr wd w
//
// Momentum and Nesterov use the same parametrisation as PyTorch, so learning rates carry over.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "nn/layer.h"

namespace nnviz {

enum class OptKind { Sgd, Momentum, Nesterov, AdaGrad, RmsProp, Adam, AdamW };
const char* to_string(OptKind k);
OptKind opt_kind_from_string(const std::string& s);

struct OptConfig {
  OptKind kind = OptKind::Sgd;
  float lr = 0.1f;
  float momentum = 0.9f;      // momentum, nesterov
  float beta1 = 0.9f;         // adam, adamw
  float beta2 = 0.999f;       // adam, adamw
  float rho = 0.9f;           // rmsprop
  float eps = 1e-8f;          // adagrad, rmsprop, adam, adamw
  float weight_decay = 0.f;   // L2 (coupled), or decoupled for adamw

  json::Value to_json() const;
  static OptConfig from_json(const json::Value& v);
};

// Learning-rate schedules, as a function of the (fractional) epoch e:
//   constant     lr
//   step         lr * gamma^floor(e / step_epochs)
//   exponential  lr * gamma^e
//   cosine       min_lr + (lr - min_lr) (1 + cos(pi e / total_epochs)) / 2
struct Schedule {
  enum class Kind { Constant, Step, Exponential, Cosine };
  Kind kind = Kind::Constant;
  float step_epochs = 10.f;
  float gamma = 0.5f;
  float min_lr = 0.f;
  float total_epochs = 30.f;

  // The rate at a (fractional) epoch. Cosine falls from base_lr to min_lr over total_epochs and
  // then starts again from base_lr for every further total_epochs (warm restarts).
  double lr_at(double base_lr, double epoch) const;
  json::Value to_json() const;
  static Schedule from_json(const json::Value& v);
};
const char* to_string(Schedule::Kind k);
Schedule::Kind schedule_kind_from_string(const std::string& s);

class Optimizer {
 public:
  explicit Optimizer(const OptConfig& cfg) : cfg_(cfg) {}

  // One update of every parameter with learning rate lr (the schedule's current value).
  void step(const std::vector<Param>& params, double lr) {
    begin_step(params);
    update(params, lr, 0, 1);
  }
  // The same update in parts: begin_step once, then update for every part < parts, each on its
  // own share of every parameter's elements (split_begin in parallel.h), in any order or at the
  // same time on different threads. Every rule is element by element, so the result is the same.
  void begin_step(const std::vector<Param>& params);
  void update(const std::vector<Param>& params, double lr, int part, int parts);
  // The elements [b, e) of parameter i alone (begin_step first, as for update).
  void update_range(const std::vector<Param>& params, size_t i, double lr, long b, long e);
  void reset() { state_.clear(); t_ = 0; }

  const OptConfig& config() const { return cfg_; }
  // Changing the kind keeps no stale state: the new optimizer starts from zero state.
  void set_config(const OptConfig& cfg);
  long steps() const { return t_; }

  // State tensors of parameter i (e.g. {"velocity"} or {"m", "v"}), empty before the first step.
  std::vector<std::pair<std::string, const Mat*>> state(size_t i) const;
  static std::vector<std::string> state_names(OptKind k);
  // Puts back a saved state: per parameter, its state tensors in state_names() order; t steps.
  void restore(const std::vector<std::vector<Mat>>& state, long t);

 private:
  struct Slot { Mat s1, s2; };
  OptConfig cfg_;
  std::vector<Slot> state_;
  long t_ = 0;
};

}  // namespace nnviz
