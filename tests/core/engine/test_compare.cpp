// Comparisons: runs that differ in one setting start equal and are summarised from their metrics.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "engine/compare.h"
#include "synthetic.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {
std::shared_ptr<const Dataset> data() {
  static auto d = std::make_shared<const Dataset>(quadrants(2000, 400));
  return d;
}
ComparisonSpec three_optimizers() {
  ComparisonSpec s;
  s.base = quadrant_config();
  s.base.epochs = 1000;
  s.what = Varied::Optimizer;
  s.values = {"sgd:0.3", "momentum:0.05", "adam:0.01"};
  s.target_accuracy = 0.8;
  return s;
}
}  // namespace

TEST_CASE("compare: three runs start from identical weights, see the same batches, and the table matches") {
  Comparison c(three_optimizers(), data());
  REQUIRE(c.size() == 3);
  c.poll();
  for (size_t i = 1; i < 3; ++i) CHECK(c.latest(i).weights->values == c.latest(0).weights->values);
  // A few hundred steps each, the last one recorded in detail for the batch check.
  for (size_t i = 0; i < 3; ++i) c.run(i).run_steps(299);
  const auto t0 = std::chrono::steady_clock::now();
  while (!c.idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  for (size_t i = 0; i < 3; ++i) c.run(i).step_batch();
  while (!c.idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the epoch-end evaluations
  c.poll();
  for (size_t i = 0; i < 3; ++i) {
    REQUIRE(c.latest(i).trace);
    CHECK(c.latest(i).trace->indices == c.latest(0).trace->indices);
    CHECK(c.steps(i).size() == 300);
  }
  CHECK(c.latest(1).weights->values != c.latest(0).weights->values);  // and then they differ

  const auto table = c.table();
  REQUIRE(table.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const auto& st = c.steps(i);
    const auto& ev = c.evals(i);
    CHECK(table[i].label == c.label(i));
    CHECK(table[i].steps == 300);
    double sum = 0;
    for (size_t k = st.size() - 100; k < st.size(); ++k) sum += st[k].loss;
    CHECK(table[i].final_loss == doctest::Approx(sum / 100));
    REQUIRE(ev.size() == 3);  // 300 steps of 16 over 1600 samples: epoch ends at 100, 200, 300
    double best = 0;
    long first = -1;
    for (const auto& e : ev) {
      best = std::max(best, double(e.val_accuracy));
      if (first < 0 && e.val_accuracy >= 0.8) first = e.step;
    }
    CHECK(table[i].best_val == doctest::Approx(best));
    CHECK(table[i].final_test == doctest::Approx(ev.back().test_accuracy));
    CHECK(table[i].steps_to_target == first);
    CHECK(table[i].samples_per_s > 0);
  }
}

TEST_CASE("compare: values are checked, save and load round trip") {
  ComparisonSpec s = three_optimizers();
  s.values = {"sgd"};
  CHECK_THROWS_WITH_AS(expand(s), doctest::Contains("2 to 8 runs"), Error);
  s.values = {"sgd", "fastest"};
  CHECK_THROWS_WITH_AS(expand(s), doctest::Contains("unknown optimizer 'fastest'"), Error);
  s.what = Varied::BatchSize;
  s.values = {"32", "0.5"};
  CHECK_THROWS_WITH_AS(expand(s), doctest::Contains("not a positive whole number"), Error);
  s.what = Varied::Activation;
  s.values = {"relu", "tanh"};
  const auto cfgs = expand(s);
  CHECK(cfgs[0].net.layers[1].type == "relu");
  CHECK(cfgs[1].net.layers[1].type == "tanh");
  for (const auto& n : ready_made_names()) CHECK_NOTHROW(expand(ready_made(n)));

  TempDir tmp;
  Comparison c(three_optimizers(), data());
  for (size_t i = 0; i < 3; ++i) c.run(i).run_steps(120);
  const auto t0 = std::chrono::steady_clock::now();
  while (!c.idle() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  c.poll();
  c.save(tmp.file("cmp.json"), tmp.file("cmp.csv"));
  const SavedComparison back = load_comparison(tmp.file("cmp.json"), tmp.file("cmp.csv"));
  CHECK(back.labels.size() == 3);
  CHECK(back.spec.values == c.spec().values);
  for (size_t i = 0; i < 3; ++i) {
    REQUIRE(back.steps[i].size() == c.steps(i).size());
    CHECK(back.steps[i].back().loss == doctest::Approx(c.steps(i).back().loss));
    CHECK(back.evals[i].size() == c.evals(i).size());
  }
  write_bytes(tmp.file("bad.csv"), {'h', '\n', '9', ',', 's', 't', 'e', 'p', '\n'});
  CHECK_THROWS_WITH_AS(load_comparison(tmp.file("cmp.json"), tmp.file("bad.csv")), doctest::Contains("line 2"), Error);
}

TEST_CASE("compare: every run's settings are checked like nnviz-cli train's, the base's too") {
  ComparisonSpec s = three_optimizers();
  auto err = [&] { return error_of([&] { expand(s); }); };
  s.what = Varied::LearningRate;
  s.values = {"0.1", "nan"};
  CHECK(err().find("learning rate") != std::string::npos);
  s.values = {"0.1", "-1"};
  CHECK(err().find("learning rate") != std::string::npos);
  s.values = {"0.1", "1e300"};
  CHECK(err().find("learning rate") != std::string::npos);
  s.what = Varied::WeightDecay;
  s.values = {"0", "-5"};
  CHECK(err().find("weight decay") != std::string::npos);
  s.values = {"0", "inf"};
  CHECK(err().find("weight decay") != std::string::npos);
  s.what = Varied::Optimizer;
  s.values = {"sgd", "adam:nan"};
  CHECK(err().find("learning rate") != std::string::npos);
  s.values = {"sgd", "adamw:0.001:-1"};
  CHECK(err().find("weight decay") != std::string::npos);
  s.what = Varied::BatchSize;
  s.values = {"32", "100000"};
  CHECK(err().find("batch") != std::string::npos);
  // The base, whatever is varied.
  s.values = {"16", "32"};
  s.base.opt.momentum = 5;
  CHECK(err().find("momentum") != std::string::npos);
  s.base.opt.momentum = 0.9f;
  s.base.epochs = 0;
  CHECK(err().find("epochs") != std::string::npos);
  s.base.epochs = 10;
  CHECK_NOTHROW(expand(s));
  // The message says which run.
  s.what = Varied::LearningRate;
  s.values = {"0.1", "-1"};
  CHECK(err().find("run 2") != std::string::npos);
}

namespace {

// A saved comparison (small, without training) to damage.
struct SavedFiles {
  TempDir tmp;
  std::string json = tmp.file("comparison.json"), csv = tmp.file("comparison.csv");
  json::Value spec;
  SavedFiles() {
    spec = three_optimizers().to_json();
    json::Value labels = json::Value::array();
    for (const char* l : {"optimizer sgd:0.3", "optimizer momentum:0.05", "optimizer adam:0.01"}) labels.push(l);
    spec.set("labels", labels);
    spec.set("metrics_csv", "comparison.csv");
    write_text(json, spec.dump(2));
    write_text(csv,
               "run,kind,step,epoch,time,loss,accuracy,lr,val_loss,val_accuracy,test_loss,test_accuracy\n"
               "0,step,1,0.010000,0.0010,1.386,0.25000,0.3,,,,\n"
               "1,step,1,0.010000,0.0010,1.386,0.25000,0.05,,,,\n"
               "2,step,1,0.010000,0.0010,1.386,0.25000,0.01,,,,\n"
               "0,eval,100,1.000000,0.1000,,,,0.5,0.800000,0.52,0.790000\n");
  }
  static void write_text(const std::string& path, const std::string& s) {
    write_bytes(path, std::vector<uint8_t>(s.begin(), s.end()));
  }
  // The message of loading after `json_text` replaced the JSON file; checks it names the file.
  std::string json_error(const std::string& json_text) {
    write_text(json, json_text);
    const std::string e = error_of([&] { load_comparison(json, csv); });
    INFO(e);
    CHECK(e.find(json) != std::string::npos);
    return e;
  }
  std::string with(const std::string& key, const std::string& raw) {
    json::Value v = spec;
    v.set(key, "@@");
    std::string s = v.dump();
    return s.replace(s.find("\"@@\""), 4, raw);
  }
  std::string csv_error(const std::string& row) {
    write_text(json, spec.dump());
    write_text(csv, "run,kind,step,epoch,time,loss,accuracy,lr,val_loss,val_accuracy,test_loss,test_accuracy\n" + row);
    const std::string e = error_of([&] { load_comparison(json, csv); });
    INFO(e);
    CHECK(e.find(csv) != std::string::npos);
    return e;
  }
};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("compare: a missing, damaged or inconsistent comparison.json is an error naming the file") {
  SavedFiles f;
  REQUIRE_NOTHROW(load_comparison(f.json, f.csv));
  const SavedComparison ok = load_comparison(f.json, f.csv);
  CHECK(ok.steps[2].size() == 1);
  CHECK(ok.evals[0].size() == 1);

  CHECK(has(error_of([&] { load_comparison(f.tmp.file("none.json"), f.csv); }), "none.json: No such file"));
  CHECK(has(f.json_error("this is not JSON"), "not valid JSON"));
  CHECK(has(f.json_error(""), "not valid JSON"));
  CHECK(has(f.json_error(std::string(100000, '[') + std::string(100000, ']')), "nesting deeper than"));
  CHECK(has(f.json_error("[1, 2]"), "not a JSON object"));
  CHECK(has(f.json_error(R"({"vary": "lr"})"), "\"base\""));
  CHECK(has(f.json_error(f.with("values", "3")), "\"values\""));
  CHECK(has(f.json_error(f.with("values", "[1, 2, 3]")), "\"values\""));
  CHECK(has(f.json_error(f.with("vary", "\"colour\"")), "unknown setting 'colour'"));
  CHECK(has(f.json_error(f.with("labels", "{}")), "\"labels\""));
  CHECK(has(f.json_error(f.with("target_accuracy", "5")), "target accuracy"));
  CHECK(has(f.json_error(f.with("target_accuracy", "1e400")), "number 1e400 is out of the range of a double for \"target_accuracy\""));
  CHECK(has(f.json_error(f.with("target_accuracy", "\"high\"")), "target_accuracy"));
  // The runs: 2 to 8, one label each, values that make valid runs.
  CHECK(has(f.json_error(f.with("values", R"(["sgd"])")), "2 to 8 runs"));
  CHECK(has(f.json_error(f.with("values", R"(["sgd","sgd","sgd","sgd","sgd","sgd","sgd","sgd","sgd"])")), "2 to 8 runs"));
  CHECK(has(f.json_error(f.with("labels", R"(["a", "b"])")), "2 labels for 3 runs"));
  CHECK(has(f.json_error(f.with("values", R"(["sgd:0.3", "momentum:0.05", "teleport"])")), "unknown optimizer 'teleport'"));
  CHECK(has(f.json_error(f.with("values", R"(["sgd:0.3", "momentum:0.05", "adam:-1"])")), "learning rate"));
  json::Value bad_base = f.spec.at("base");
  bad_base.set("batch", 0);
  CHECK(has(f.json_error(f.with("base", bad_base.dump())), "batch"));
}

TEST_CASE("compare: a damaged comparison.csv is an error naming the file and the line") {
  SavedFiles f;
  CHECK(has(f.csv_error("0,step,1e300,0.01,0.001,1.3,0.25,0.3,,,,\n"), "line 2"));
  CHECK(has(f.csv_error("0,step,-1,0.01,0.001,1.3,0.25,0.3,,,,\n"), "line 2"));
  CHECK(has(f.csv_error("0,step,7abc,0.01,0.001,1.3,0.25,0.3,,,,\n"), "line 2"));
  CHECK(has(f.csv_error("-1,step,1,0.01,0.001,1.3,0.25,0.3,,,,\n"), "line 2"));
  CHECK(has(f.csv_error("0,step,1,nan,0.001,1.3,0.25,0.3,,,,\n"), "epoch"));
  CHECK(has(f.csv_error("0,step,1,0.01,inf,1.3,0.25,0.3,,,,\n"), "time"));
  CHECK(has(f.csv_error("0,step,1,0.01,0.001,1.3,1e30,0.3,,,,\n"), "accuracy"));
  CHECK(has(f.csv_error("0,step,1,0.01,0.001,1.3,0.25,nan,,,,\n"), "learning rate"));
  CHECK(has(f.csv_error("0,eval,1,0.01,0.001,,,,0.5,nan,0.5,0.5\n"), "validation accuracy"));
  CHECK(has(f.csv_error("0,eval,1,0.01,0.001,,,,0.5,0.5,0.5,\n"), "line 2"));
  CHECK(has(f.csv_error("0,step,1,0.01,0.001,1.3,0.25,0.3,,,,,,,,,\n"), "line 2"));
  // A diverged run's last loss is NaN: kept, as the run recorded it.
  SavedFiles g;
  SavedFiles::write_text(g.csv, "h\n0,step,1,0.01,0.001,nan,0.25,0.3,,,,\n");
  const SavedComparison s = load_comparison(g.json, g.csv);
  CHECK(std::isnan(s.steps[0][0].loss));
}
