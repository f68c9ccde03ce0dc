#include "train/trainer.h"

#include "base/parallel.h"

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <cstdlib>
#include <numeric>

namespace nnviz {

namespace {
// Values per piece of the sharded update (Trainer::step): a few of these arrays fit in L1/L2.
constexpr long kUpdateChunk = 4096;

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// dst.col(j) = src.col(idx[j]) for j < m. The samples lie anywhere in a training set of a few
// hundred megabytes: each column is asked for a few columns ahead of its copy, and the next
// batch's columns (next[0..next_m), if known) after it, so that they wait in the outer caches
// while this batch trains. (The copy had taken about a tenth of mlp100's step at batch 128; asking
// ahead gained about 2%.)
void gather_columns(const Mat& src, const int* idx, int m, Mat& dst, const int* next, int next_m) {
  constexpr int kAhead = 4;
  const size_t bytes = size_t(src.rows()) * sizeof(Scalar);
  auto lines = [&](int sample, auto&& ask) {
    const char* p = reinterpret_cast<const char*>(src.col(sample).data());
    for (size_t b = 0; b < bytes; b += 64) ask(p + b);
  };
  auto soon = [](const char* p) { __builtin_prefetch(p, 0, 3); };
  auto later = [](const char* p) { __builtin_prefetch(p, 0, 1); };
  for (int j = 0; j < std::min(kAhead, m); ++j) lines(idx[j], soon);
  for (int j = 0; j < m; ++j) {
    if (j + kAhead < m) lines(idx[j + kAhead], soon);
    dst.col(j) = src.col(idx[j]);
  }
  for (int j = 0; j < next_m; ++j) lines(next[j], later);
}
}  // namespace

json::Value TrainConfig::to_json() const {
  json::Value v = json::Value::object();
  v.set("preset", preset);
  v.set("net", net.to_json());
  v.set("init", to_string(init));
  v.set("optimizer", opt.to_json());
  v.set("schedule", schedule.to_json());
  v.set("batch", batch);
  v.set("epochs", epochs);
  v.set("seed", std::to_string(seed));  // a string: JSON numbers lose 64-bit integers
  v.set("dataset", to_string(dataset));
  v.set("norm", to_string(norm));
  v.set("augment", augment.to_json());
  if (dataset == DatasetKind::Folder) {
    v.set("folder", folder);
    json::Value names = json::Value::array();
    for (const std::string& n : classes) names.push(n);
    v.set("classes", names);
    v.set("folder_seed", std::to_string(folder_seed));
  }
  return v;
}

void TrainConfig::set_data(const Dataset& data) {
  dataset = data.kind;
  // The folder as an absolute path: a model opened from another folder still finds it.
  folder.clear();
  if (data.kind == DatasetKind::Folder) {
    std::error_code ec;
    const std::filesystem::path abs = std::filesystem::absolute(data.source, ec);
    folder = ec ? data.source : abs.lexically_normal().string();
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  }
  folder_seed = data.kind == DatasetKind::Folder ? data.split_seed : 0;
  classes = data.kind == DatasetKind::Folder ? data.names : std::vector<std::string>{};
}

std::string TrainConfig::classes_problem(const Dataset& data) const {
  if (classes.empty() || classes == data.names) return "";
  auto joined = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  return "it was trained on the classes " + joined(classes) + (folder.empty() ? "" : " of " + folder) + "; the folder " +
         (data.source.empty() ? "loaded" : data.source) + " has " + joined(data.names);
}

namespace {
// A seed is written as a decimal string (JSON numbers lose 64-bit integers); a number is read too.
uint64_t seed_from_json(const json::Value& s) {
  if (s.is_string()) {
    const std::string& t = s.as_string();
    char* end = nullptr;
    errno = 0;
    const unsigned long long x = t.empty() || t[0] < '0' || t[0] > '9' ? 0 : std::strtoull(t.c_str(), &end, 10);
    if (!end || *end != '\0' || errno == ERANGE) throw Error("[config] the seed \"" + t + "\" is not a whole number");
    return x;
  }
  const double x = s.as_number();
  if (!(x >= 0 && x < 18446744073709551616.0) || x != std::floor(x))
    throw Error("[config] the seed " + json::Value(x).dump() + " is not a whole number from 0 to 2^64-1");
  return static_cast<uint64_t>(x);
}
}  // namespace

TrainConfig TrainConfig::from_json(const json::Value& v) {
  TrainConfig c;
  c.preset = v.get_string("preset", "");
  c.net = NetSpec::from_json(v.at("net"));
  c.init = init_kind_from_string(v.get_string("init", "lecun"));
  if (const auto* o = v.find("optimizer")) c.opt = OptConfig::from_json(*o);
  if (const auto* s = v.find("schedule")) c.schedule = Schedule::from_json(*s);
  c.batch = v.get_int("batch", c.batch);
  c.epochs = v.get_int("epochs", c.epochs);
  if (const auto* s = v.find("seed")) c.seed = seed_from_json(*s);
  c.dataset = dataset_kind_from_string(v.get_string("dataset", "mnist"));
  c.norm = norm_mode_from_string(v.get_string("norm", "standard"));
  if (const auto* a = v.find("augment")) c.augment = Augment::from_json(*a);
  if (c.dataset == DatasetKind::Folder) {
    // A folder's path and class names, as a file may hold anything: bounded, no control characters.
    auto text = [](const std::string& t, const char* what, size_t max) {
      if (t.size() > max) throw Error(std::string("[config] the ") + what + " is longer than " + std::to_string(max) + " bytes");
      for (const char ch : t)
        if (static_cast<unsigned char>(ch) < 32) throw Error(std::string("[config] the ") + what + " holds a control character");
      return t;
    };
    c.folder = text(v.get_string("folder", ""), "folder", 4096);
    if (const auto* s = v.find("folder_seed")) c.folder_seed = seed_from_json(*s);
    if (const auto* n = v.find("classes")) {
      if (!n->is_array() || n->items().size() > 255) throw Error("[config] \"classes\" is not a list of at most 255 names");
      for (const auto& x : n->items()) {
        if (!x.is_string()) throw Error("[config] a class name is not a string");
        c.classes.push_back(text(x.as_string(), "class name", 255));
      }
    }
  }
  return c;
}

Trainer::Trainer(const TrainConfig& cfg, const Dataset& data) : cfg_(cfg), data_(data), net_(cfg.net), opt_(cfg.opt) {
  if (const std::string why = fit_problem(net_, data.input_shape(), data.num_classes); !why.empty())
    throw Error("[trainer] " + why);
  if (data.train.count == 0) throw Error("[trainer] the training split is empty");
  set_batch(cfg.batch);
  reset();
}

void Trainer::set_batch(int b) {
  if (b <= 0) throw Error("[trainer] the batch size must be positive, not " + std::to_string(b));
  b = std::min(b, data_.train.count);
  if (b > net_.max_batch())
    throw Error("[trainer] a batch of " + std::to_string(b) + " needs more than " +
                std::to_string(kMaxActivationsPerBatch * 4 / (1 << 20)) + " MB of activations with this network (" +
                std::to_string(net_.activations_per_sample()) + " values a sample): use a batch of at most " +
                std::to_string(net_.max_batch()));
  cfg_.batch = b;
}

void Trainer::reset(uint64_t seed) {
  cfg_.seed = seed;
  reset();
}

void Trainer::reset() {
  shards_current_ = false;
  frozen_.clear();
  net_.initialise(cfg_.init, Rng::derive(cfg_.seed, 0));
  opt_ = Optimizer(cfg_.opt);
  aug_rng_.reseed(Rng::derive(cfg_.seed, 2));
  epoch_ = 0;
  step_ = 0;
  start_epoch();
}

void Trainer::set_weight(int param, long row, long col, Scalar value) { frozen_.set_weight(net(), param, row, col, value); }

void Trainer::start_epoch() {
  order_.resize(data_.train.count);
  std::iota(order_.begin(), order_.end(), 0);
  Rng rng(Rng::derive(cfg_.seed, 1000 + static_cast<uint64_t>(epoch_)));
  rng.shuffle(order_);
  cursor_ = 0;
}

void Trainer::restore_position(long step, int epoch, size_t cursor) {
  if (step < 0 || epoch < 0 || cursor > size_t(data_.train.count))
    throw Error("[trainer] a saved position (step " + std::to_string(step) + ", epoch " + std::to_string(epoch) +
                ", sample " + std::to_string(cursor) + ") does not fit this data");
  if (cursor == size_t(data_.train.count)) {  // saved at the very end of an epoch: the next one starts
    cursor = 0;
    ++epoch;
  }
  epoch_ = epoch;
  start_epoch();
  cursor_ = cursor;
  step_ = step;
}

int Trainer::batches_per_epoch() const { return (data_.train.count + cfg_.batch - 1) / cfg_.batch; }

double Trainer::epoch_progress() const { return epoch_ + double(cursor_) / double(data_.train.count); }

int Trainer::shard_count(int n) const {
  if (threads() <= 1 || !net_.samples_independent()) return 1;
  return batch_threads(n, net_.work_per_sample(), kShardWork);
}

StepStats Trainer::step(const std::function<void()>& before_update) {
  const Split& tr = data_.train;
  const int n = static_cast<int>(std::min<size_t>(cfg_.batch, order_.size() - cursor_));
  const int ns = before_update ? 1 : shard_count(n);
  if (ns > 1 && int(shards_.size()) != ns - 1) {  // exactly ns - 1: a spare one would miss the updates
    shards_.clear();
    for (int s = 1; s < ns; ++s) shards_.emplace_back(net_);
    shard_pred_.resize(size_t(ns));
    shards_current_ = true;
  }
  auto shard_net = [&](int s) -> Network& { return s == 0 ? net_ : shards_[size_t(s - 1)]; };
  auto shard_begin = [&](int s) { return int(split_begin(n, s, ns)); };
  // The batch goes straight into the input buffers of the network (or of each shard): no extra
  // copy. Samples are drawn and augmented in batch order whatever the shards; without
  // augmentation each shard's thread copies its own samples (below).
  std::vector<Mat*> xs(static_cast<size_t>(ns));
  for (int s = 0; s < ns; ++s) xs[size_t(s)] = &shard_net(s).input(shard_begin(s + 1) - shard_begin(s));
  labels_.resize(n);
  batch_idx_.resize(n);
  const bool aug = cfg_.augment.enabled && data_.rows > 1 && data_.channels == 1;  // grey images only
  const Scalar blank = data_.norm.apply(uint8_t(0));
  for (int j = 0, s = 0; j < n; ++j) {
    while (j >= shard_begin(s + 1)) ++s;
    Mat& x = *xs[size_t(s)];
    const int col = j - shard_begin(s);
    const int idx = order_[cursor_ + j];
    batch_idx_[j] = idx;
    if (aug) augment_image(tr.x.col(idx).data(), x.col(col).data(), data_.rows, data_.cols, blank, cfg_.augment, aug_rng_);
    labels_[j] = tr.y[idx];
  }
  const int next_n = static_cast<int>(std::min<size_t>(cfg_.batch, order_.size() - cursor_ - n));
  if (!aug && ns == 1) gather_columns(tr.x, batch_idx_.data(), n, *xs[0], order_.data() + cursor_ + n, next_n);
  StepStats st;
  st.lr = current_lr();
  st.batch = n;
  st.shards = ns;

  double t0 = now(), t1 = t0, t2 = t0;
  if (ns == 1) {
    const Mat& out = net_.forward(true);
    st.loss = net_.loss(labels_.data());
    t1 = now();
    net_.backward(false);
    if (before_update) before_update();
    t2 = now();
    argmax_cols(out, pred_);
    for (int j = 0; j < n; ++j) st.correct += pred_[j] == labels_[j];
    opt_.step(net_.param_list(), st.lr);
    frozen_.restore(net_);
    shards_current_ = false;
  } else {
    std::vector<Param> master = net_.param_list();
    std::vector<std::vector<Param>> parts;  // the shards' parameters
    for (int k = 1; k < ns; ++k) parts.push_back(shard_net(k).param_list());
    std::vector<double> losses(static_cast<size_t>(ns));
    std::vector<int> correct(static_cast<size_t>(ns));
    const bool copy = !shards_current_;
    opt_.begin_step(master);
    for_each_thread_then(
        ns,
        [&](int s) {
          Network& net = shard_net(s);
          if (s > 0 && copy)  // the weights were changed since the last sharded step
            for (size_t i = 0; i < master.size(); ++i) *parts[size_t(s - 1)][i].value = *master[i].value;
          const int b = shard_begin(s), m = shard_begin(s + 1) - b;
          if (!aug) gather_columns(tr.x, batch_idx_.data() + b, m, *xs[size_t(s)], nullptr, 0);
          const Mat& out = net.forward(true);
          // The batch's mean loss is the shards' means weighted by their shares of the batch.
          losses[size_t(s)] = net.loss(labels_.data() + b) * m / n;
          net.scale_output_grad(Scalar(double(m) / n));
          if (s == 0) t1 = now();
          net.backward(false);
          if (s == 0) t2 = now();
          std::vector<int>& pred = shard_pred_[size_t(s)];
          argmax_cols(out, pred);
          for (int j = 0; j < m; ++j) correct[size_t(s)] += pred[j] == labels_[b + j];
        },
        [&](int s) {
          // Thread s adds up its share of every gradient, shard by shard in order, updates that
          // share of the weights, and copies it to the shards for the next step: a piece of
          // kUpdateChunk values at a time, which stays in the cache through all three.
          for (size_t i = 0; i < master.size(); ++i) {
            Scalar* g = master[i].grad->data();
            const Scalar* w = master[i].value->data();
            const long size = long(master[i].grad->size()), b = split_begin(size, s, ns), e = split_begin(size, s + 1, ns);
            for (long c0 = b; c0 < e; c0 += kUpdateChunk) {
              const long c1 = std::min(e, c0 + kUpdateChunk);
              for (const auto& p : parts) {
                const Scalar* h = p[i].grad->data();
                for (long k = c0; k < c1; ++k) g[k] += h[k];
              }
              opt_.update_range(master, i, st.lr, c0, c1);
              for (const auto& p : parts) std::copy(w + c0, w + c1, p[i].value->data() + c0);
            }
          }
        });
    shards_current_ = true;
    frozen_.restore(net_);
    for (Network& shard : shards_) frozen_.restore(shard);
    for (int s = 0; s < ns; ++s) {
      st.loss += losses[size_t(s)];
      st.correct += correct[size_t(s)];
    }
  }
  const double t3 = now();
  st.t_forward = t1 - t0;
  st.t_backward = t2 - t1;
  st.t_update = t3 - t2;

  cursor_ += n;
  ++step_;
  if (cursor_ >= order_.size()) {
    ++epoch_;
    st.epoch_end = true;
    start_epoch();
  }
  st.step = step_;
  st.epoch = epoch_progress();
  return st;
}

EvalStats Trainer::evaluate(const Split& split, int max_samples, std::vector<int>* predictions) {
  return nnviz::evaluate(net_, split, max_samples, predictions);
}

EvalStats evaluate(Network& net, const Split& split, int max_samples, std::vector<int>* predictions,
                   const std::atomic<bool>* cancel) {
  EvalStats e;
  const int total = max_samples < 0 ? split.count : std::min(max_samples, split.count);
  if (total > 0 && split.x.rows() != net.input_shape().size())
    throw Error("[evaluate] the data has " + std::to_string(split.x.rows()) + " values a sample, the network takes " +
                std::to_string(net.input_shape().size()));
  const int chunk = std::min(1000, net.max_batch());  // the activation cache stays within its budget
  std::vector<int> pred;
  double loss_sum = 0;
  int correct = 0;
  if (predictions) predictions->resize(total);
  int done = 0;
  for (int start = 0; start < total; start += chunk) {
    if (cancel && cancel->load()) break;
    const int n = std::min(chunk, total - start);
    net.input(n) = split.x.middleCols(start, n);
    const Mat& out = net.forward(false);
    loss_sum += net.loss(split.y.data() + start) * n;
    argmax_cols(out, pred);
    for (int j = 0; j < n; ++j) {
      correct += pred[j] == split.y[start + j];
      if (predictions) (*predictions)[start + j] = pred[j];
    }
    done += n;
  }
  e.count = done;
  e.loss = done ? loss_sum / done : 0;
  e.accuracy = done ? double(correct) / done : 0;
  return e;
}

std::string config_problem(const TrainConfig& c) {
  std::string problem;
  // x within [lo, hi], or (lo, hi] with open_lo, or [lo, hi) with open_hi; NaN never is.
  auto check = [&](double x, const char* what, double lo, double hi, bool open_lo, bool open_hi) {
    if (!problem.empty()) return;
    const bool ok = (open_lo ? x > lo : x >= lo) && (open_hi ? x < hi : x <= hi);
    if (ok) return;
    char buf[200];
    std::snprintf(buf, sizeof buf, "the %s %g is not in %c%g, %g%c", what, x, open_lo ? '(' : '[', lo, hi,
                  open_hi ? ')' : ']');
    problem = buf;
  };
  const OptConfig& o = c.opt;
  check(o.lr, "learning rate", 0, 1e3, true, false);
  check(o.momentum, "momentum", 0, 1, false, true);
  check(o.beta1, "optimizer's beta1", 0, 1, false, true);
  check(o.beta2, "optimizer's beta2", 0, 1, false, true);
  check(o.rho, "optimizer's rho", 0, 1, false, true);
  check(o.eps, "optimizer's eps", 0, 1, true, false);
  check(o.weight_decay, "weight decay", 0, 10, false, false);
  const Schedule& s = c.schedule;
  check(s.step_epochs, "schedule's step_epochs", 0, 1e6, true, false);
  check(s.gamma, "schedule's gamma", 0, 1, true, false);
  check(s.min_lr, "schedule's min_lr", 0, 1e3, false, false);
  check(s.total_epochs, "schedule's total_epochs", 0, 1e6, true, false);
  check(c.batch, "batch size", 1, 60000, false, false);
  check(c.epochs, "number of epochs", 1, 1000000, false, false);
  const Augment& a = c.augment;
  check(a.shift, "augmentation's shift", 0, 100, false, false);
  check(a.rotate, "augmentation's rotate", 0, 360, false, false);
  check(a.scale, "augmentation's scale", 0, 0.9, false, false);
  check(a.thickness, "augmentation's thickness", 0, 0.5, false, false);
  return problem;
}

}  // namespace nnviz
