// nnviz --bench-heatmaps SECONDS: what looking inside costs the training. One run trains at full
// speed for the whole time while the app alternates between two phases of two seconds: the
// weights, activations and layer statistics views open (heatmaps refreshed at 10 Hz, frames
// capped at 60 per second as in the interactive app) and those views closed (the curves stay
// open in both). Training samples/s are measured in each phase after a settling moment; the
// medians of the two kinds of phases, their ratio and the heatmaps' refresh rates are printed as
// one JSON line.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "app.h"
#include "views/activations_view.h"
#include "views/curves_view.h"
#include "views/inside.h"
#include "views/weights_view.h"

namespace nnviz::gui {

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Bench {
  bool started = false;
  double t0 = 0;           // when training started
  int phase = -1;
  double phase_start = 0;
  bool measuring = false;
  double m_t = 0;
  long m_step = 0;
  double w_seen = 0, a_seen = 0;
  int w_updates = 0, a_updates = 0, frames = 0;
  std::vector<double> open_rate, closed_rate, w_hz, a_hz, fps;
};

}  // namespace

bool BenchInsideFrame(App& app, double seconds, double t_run, int& status) {
  static Bench b;
  constexpr double kPhase = 2.0, kSettle = 0.4, kWarmup = 1.0;
  if (!b.started) {
    app.views.reset_switches();  // the curves alone
    app.run->set_epochs(1000000);
    app.run->play();
    b.started = true;
    b.t0 = t_run;
    return false;
  }
  if (t_run > b.t0 + seconds + kWarmup + 60) {
    std::fprintf(stderr, "nnviz: the heatmap benchmark did not finish\n");
    status = 3;
    return true;
  }
  if (t_run < b.t0 + kWarmup) return false;
  const int phase = int((t_run - b.t0 - kWarmup) / kPhase);
  const bool open = phase % 2 == 1;  // closed first, then open, alternating
  const long step = app.snap.step;
  const int batch = app.snap.config.batch;
  auto finish_phase = [&] {
    if (!b.measuring) return;
    const double dt = t_run - b.m_t;
    if (dt <= 0.5) return;
    const double rate = double(step - b.m_step) * batch / dt;
    (b.phase % 2 == 1 ? b.open_rate : b.closed_rate).push_back(rate);
    if (b.phase % 2 == 1) {
      b.w_hz.push_back(b.w_updates / dt);
      b.a_hz.push_back(b.a_updates / dt);
    }
    b.fps.push_back(b.frames / dt);
    std::fprintf(stderr, "phase %d (%s): %.0f samples/s, %d frames, weights %d, activations %d refreshes\n", b.phase,
                 b.phase % 2 == 1 ? "views open" : "views closed", rate, b.frames, b.w_updates, b.a_updates);
  };
  if (phase != b.phase) {
    finish_phase();
    b.phase = phase;
    b.phase_start = t_run;
    b.measuring = false;
    if (double(phase) * kPhase >= seconds) {
      const double o = median(b.open_rate), c = median(b.closed_rate);
      std::printf("{\"bench\":\"heatmaps\",\"preset\":\"%s\",\"batch\":%d,\"phases\":%zu,"
                  "\"closed_samples_per_s\":%.0f,\"open_samples_per_s\":%.0f,\"ratio\":%.3f,\"cost_percent\":%.1f,"
                  "\"weights_refresh_hz\":%.1f,\"activations_refresh_hz\":%.1f,\"fps\":%.1f}\n",
                  app.snap.config.preset.c_str(), batch, b.open_rate.size() + b.closed_rate.size(), c, o,
                  c > 0 ? o / c : 0, c > 0 ? (1 - o / c) * 100 : 0, median(b.w_hz), median(b.a_hz), median(b.fps));
      std::fflush(stdout);
      if (b.open_rate.empty() || b.closed_rate.empty()) status = 3;
      return true;
    }
    app.views.open<WeightsState>() = app.views.open<ActivationsState>() = app.views.open<StatsState>() = open;
  }
  if (!b.measuring && t_run - b.phase_start >= kSettle) {
    b.measuring = true;
    b.m_t = t_run;
    b.m_step = step;
    b.w_updates = b.a_updates = b.frames = 0;
    b.w_seen = app.views.state<WeightsState>().updated;
    b.a_seen = app.views.state<ActivationsState>().updated;
  } else if (b.measuring) {
    ++b.frames;
    if (app.views.state<WeightsState>().updated != b.w_seen) ++b.w_updates, b.w_seen = app.views.state<WeightsState>().updated;
    if (app.views.state<ActivationsState>().updated != b.a_seen) ++b.a_updates, b.a_seen = app.views.state<ActivationsState>().updated;
  }
  return false;
}

}  // namespace nnviz::gui
