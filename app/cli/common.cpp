// What the commands of nnviz-cli share: the data note, the clock and the careful save.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "base/error.h"
#include "base/fileio.h"
#include "commands.h"

namespace nnviz::cli {

const char* const kDataNote =
    "Data: MNIST from data/mnist (scripts/setup.sh fetches it), or --data DIR / NNVIZ_DATA with the four\n"
    "standard IDX files (raw or .gz). Fashion-MNIST from /usr/share/datasets/fashion-mnist.";

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string fmt_rate(double v) {
  char buf[32];
  if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

void check_destination(const std::string& path) {
  if (const std::string why = save_destination_problem(path); !why.empty())
    throw Error("cannot save to " + path + ": " + why + " (checked before training; nothing was trained)");
}

void save_or_rescue(const std::string& path, const std::function<void(const std::string&)>& save) {
  try {
    save(path);
    std::printf("saved: %s\n", path.c_str());
    return;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnviz-cli: error: %s\n", e.what());
    const size_t slash = path.find_last_of('/');
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string rescue;
    try {
      rescue = user_data_dir() + "/rescued-" + std::to_string(::getpid()) + "-" + (base.empty() ? "model" : base);
      save(rescue);
    } catch (const std::exception& e2) {
      throw Error(std::string("the result could not be kept anywhere: ") + e2.what());
    }
    std::fprintf(stderr, "nnviz-cli: the result was kept in %s instead\n", rescue.c_str());
    throw Error("saved to " + rescue + " instead of " + path);
  }
}

}  // namespace nnviz::cli
