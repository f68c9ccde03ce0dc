// Fair comparisons: 2 to 8 runs that differ in exactly one setting. Everything else is equal:
// the same seed, hence the same initial weights (where the architectures match) and the same
// mini-batch order. A Comparison trains them at once, each on its own engine thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "engine/engine.h"

namespace nnviz {

enum class Varied { Optimizer, LearningRate, BatchSize, WeightDecay, Init, Activation, Preset };
const char* to_string(Varied v);
Varied varied_from_string(const std::string& s);

struct ComparisonSpec {
  TrainConfig base;
  Varied what = Varied::Optimizer;
  // One value per run, as text: "adam", "adam:0.001" or "adamw:0.001:0.01" (optimizer, with its
  // learning rate and weight decay),
  // "0.01" (learning rate, weight decay), "32" (batch size), "he" (init), "relu" (activation),
  // "mlp256" (preset).
  std::vector<std::string> values;
  double target_accuracy = 0.97;  // "steps and time to reach it" in the table

  json::Value to_json() const;
  static ComparisonSpec from_json(const json::Value& v);
};

// The runs' configurations: base with the one setting changed. Throws Error for a bad value.
std::vector<TrainConfig> expand(const ComparisonSpec& spec);

// Ready-made comparisons: "optimizers", "learning-rates", "batch-sizes", "l2".
ComparisonSpec ready_made(const std::string& name);
std::vector<std::string> ready_made_names();

// A run's row in the comparison table, from its recorded metrics.
struct RunSummary {
  std::string label;
  long steps = 0;
  double epochs = 0;
  double final_loss = 0;           // smoothed: mean of the last 100 mini-batch losses
  double final_val = 0, best_val = 0, final_test = 0, best_test = 0;
  long steps_to_target = -1;       // first evaluation at or above the target (validation)
  double time_to_target = -1;      // training seconds to it
  double samples_per_s = 0;        // over the whole run
};
RunSummary summarize(const std::string& label, const std::vector<StepPoint>& steps,
                     const std::vector<EvalPoint>& evals, double target, int batch);

class Comparison {
 public:
  Comparison(const ComparisonSpec& spec, std::shared_ptr<const Dataset> data, RunOptions opts = {});
  size_t size() const { return runs_.size(); }
  Run& run(size_t i) { return *runs_[i]; }
  const std::string& label(size_t i) const { return labels_[i]; }
  const TrainConfig& config(size_t i) const { return configs_[i]; }
  const ComparisonSpec& spec() const { return spec_; }

  void play();
  void pause();
  // Collects every run's new points (call often); then the table from everything so far.
  void poll();
  std::vector<RunSummary> table() const;
  const std::vector<StepPoint>& steps(size_t i) const { return hist_[i].steps; }
  const std::vector<EvalPoint>& evals(size_t i) const { return hist_[i].evals; }
  const RunSnapshot& latest(size_t i) const { return hist_[i].last; }
  // Changes whenever run i's history was replaced rather than extended (reset, compaction):
  // a viewer that copied points from steps(i) starts over then.
  uint64_t version(size_t i) const { return hist_[i].version; }
  bool idle() const;

  // The comparison's settings as JSON and every run's metrics as CSV (two files).
  void save(const std::string& json_path, const std::string& csv_path) const;

 private:
  struct History {
    SnapshotCursor cursor;
    std::vector<StepPoint> steps;
    std::vector<EvalPoint> evals;
    RunSnapshot last;
    uint64_t version = 0;
  };
  ComparisonSpec spec_;
  std::vector<TrainConfig> configs_;
  std::vector<std::string> labels_;
  std::vector<std::unique_ptr<Run>> runs_;
  std::vector<History> hist_;
};

// Reads a comparison saved by Comparison::save: the spec from the JSON file and each run's
// metrics from the CSV. Throws Error naming the file and the problem: a file missing or too large,
// not JSON, nested too deeply (json::parse's limit), not an object, a field missing or of the wrong
// type, a target accuracy outside (0, 1], a run count outside 2..8, labels that do not match the
// runs, a value or base setting that expand() refuses; in the CSV, a row with other than 12 fields,
// a run that does not exist, a cell that is not a whole number, or a point outside the ranges of a
// run file's history (point_problem in run_file.h; a NaN loss, as a diverged run records, is kept).
// The most step points, and the most evaluations, one run of a saved comparison may hold: twice what
// a run's history keeps (RunOptions::history_cap) before it thins itself. It bounds the memory a
// comparison file can take, whatever its size.
constexpr size_t kMaxSavedPoints = size_t(1) << 20;
struct SavedComparison {
  ComparisonSpec spec;
  std::vector<std::string> labels;
  std::vector<std::vector<StepPoint>> steps;
  std::vector<std::vector<EvalPoint>> evals;
};
SavedComparison load_comparison(const std::string& json_path, const std::string& csv_path);
// The same from the files' contents; the names stand for the files in errors.
SavedComparison parse_comparison(const std::string& json_text, const std::string& csv_text,
                                 const std::string& json_name, const std::string& csv_name);

}  // namespace nnviz
