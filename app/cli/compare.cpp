// nnviz-cli compare: trains 2 to 8 runs that differ in one setting at once, from the same weights
// and mini-batches, and prints the table of their results.
#include <Eigen/Core>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "base/error.h"
#include "cli_options.h"
#include "commands.h"
#include "data/dataset.h"
#include "engine/compare.h"
#include "train/presets.h"

namespace nnviz::cli {

namespace {

struct CompareArgs {
  std::string ready, preset = "mlp100", vary, values, data, save;
  int epochs = 0, batch = 0;
  double lr = 0, target = 0;
  uint64_t seed = 0;
};

CLI::App* DefineCompare(CLI::App& app, CompareArgs& a) {
  CLI::App* c = app.add_subcommand("compare", "train 2 to 8 runs that differ in one setting, side by side");
  std::string ready_names;
  for (const std::string& n : ready_made_names()) ready_names += (ready_names.empty() ? "" : ", ") + n;
  c->add_option("--ready", a.ready, "a ready-made comparison: " + ready_names)
      ->type_name("NAME")
      ->check(cli::Named([](const std::string& s) { ready_made(s); }));
  cli::AddPreset(*c, a.preset);
  c->add_option("--vary", a.vary,
                "the setting that differs: optimizer (values like adam:0.001), lr, batch, weight_decay, init, "
                "activation, preset")
      ->type_name("WHAT")
      ->check(cli::Named([](const std::string& s) { varied_from_string(s); }));
  c->add_option("--values", a.values, "its values, one a run, separated by commas")->type_name("A,B,...");
  cli::AddEpochs(*c, a.epochs);
  cli::AddBatch(*c, a.batch);
  cli::AddLearningRate(*c, a.lr);
  cli::AddSeed(*c, a.seed);
  c->add_option("--target", a.target, "validation accuracy for the steps/time-to-target columns (default 0.97)")
      ->type_name("ACC")
      ->check(cli::Number(0, 1));
  cli::AddDataDir(*c, a.data);
  c->add_option("--save", a.save, "write PREFIX.json (settings) and PREFIX.csv (every run's metrics)")
      ->type_name("PREFIX");
  c->footer(std::string("All runs start from the same weights and see the same mini-batches; they train at once,\n"
                        "and the table of their results is printed at the end.\n\n") +
            kDataNote);
  return c;
}

int run_compare(const CLI::App& c, const CompareArgs& a) {
  auto given = [&](const char* name) { return c.count(name) > 0; };
  ComparisonSpec spec;
  if (given("--ready")) {
    spec = ready_made(a.ready);
  } else {
    if (!given("--vary") || !given("--values")) throw Error("compare needs --ready NAME, or --vary and --values");
    spec.base = find_preset(a.preset).config;
    spec.what = varied_from_string(a.vary);
    const std::string& v = a.values;
    for (size_t start = 0; start <= v.size();) {
      const size_t comma = v.find(',', start);
      spec.values.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (given("--epochs")) spec.base.epochs = a.epochs;
  spec.base.schedule.total_epochs = float(spec.base.epochs);
  if (given("--batch")) spec.base.batch = a.batch;
  if (given("--lr")) spec.base.opt.lr = float(a.lr);
  if (given("--seed")) spec.base.seed = a.seed;
  if (given("--target")) spec.target_accuracy = a.target;
  if (given("--save")) {
    check_destination(a.save + ".json");
    check_destination(a.save + ".csv");
  }
  Eigen::setNbThreads(1);
  auto data = std::make_shared<const Dataset>(
      Dataset::load(spec.base.dataset, resolve_data_dir(spec.base.dataset, a.data), spec.base.norm));
  Comparison cmp(spec, data);
  std::printf("comparing %zu runs of %s, %d epochs, batch %d, seed %llu; varied: %s\n", cmp.size(),
              spec.base.net.describe().c_str(), spec.base.epochs, spec.base.batch,
              static_cast<unsigned long long>(spec.base.seed), to_string(spec.what));
  cmp.play();
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cmp.poll();
    bool done = true;
    for (size_t i = 0; i < cmp.size(); ++i) {
      const RunState st = cmp.latest(i).state;
      done = done && (st == RunState::Finished || st == RunState::Diverged || st == RunState::Failed);
    }
    // The last epoch's evaluation arrives a moment after the run finishes.
    bool evaluated = true;
    for (size_t i = 0; i < cmp.size(); ++i)
      evaluated = evaluated && (cmp.latest(i).state != RunState::Finished ||
                                (!cmp.evals(i).empty() && cmp.evals(i).back().step == cmp.latest(i).step));
    if (done && evaluated) break;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("\n%-26s %7s %9s %9s %9s %9s %12s %10s %10s\n", "run", "steps", "loss", "val", "best val", "test",
              "to target", "time to", "samples/s");
  const auto table = cmp.table();
  for (size_t i = 0; i < table.size(); ++i) {
    const RunSummary& r = table[i];
    char to[32] = "-", tt[32] = "-";
    if (r.steps_to_target >= 0) {
      std::snprintf(to, sizeof to, "%ld", r.steps_to_target);
      std::snprintf(tt, sizeof tt, "%.1fs", r.time_to_target);
    }
    std::printf("%-26s %7ld %9.4f %8.2f%% %8.2f%% %8.2f%% %12s %10s %10.0f%s\n", r.label.c_str(), r.steps,
                r.final_loss, r.final_val * 100, r.best_val * 100, r.final_test * 100, to, tt, r.samples_per_s,
                cmp.latest(i).state == RunState::Diverged ? "  (diverged)" : "");
  }
  std::printf("target: %.1f%% validation accuracy; wall time %.1fs for all runs at once\n", spec.target_accuracy * 100,
              wall);
  if (given("--save")) {
    save_or_rescue(a.save, [&](const std::string& prefix) { cmp.save(prefix + ".json", prefix + ".csv"); });
  }
  return 0;
}

}  // namespace

Command AddCompare(CLI::App& program) {
  auto a = std::make_shared<CompareArgs>();
  CLI::App* c = DefineCompare(program, *a);
  return {c, [c, a] { return run_compare(*c, *a); }};
}

}  // namespace nnviz::cli
