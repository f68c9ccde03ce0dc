// MNIST test images written out as image files and read back through `nnviz-cli predict` must get
// the class that evaluating the model on the dataset gives.
//
//   predict_roundtrip export MODEL DATA_DIR OUT_DIR N   writes N test images (PNG, and every
//                        third one as dark-on-light JPEG) plus expected.txt (the model's classes)
//   predict_roundtrip check OUT_DIR PREDICT_OUTPUT      compares predict's JSON lines with them
#include <stb_image_write.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/json.h"
#include "data/dataset.h"
#include "io/model_io.h"
#include "train/trainer.h"

using namespace nnviz;

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "export" && argc == 6) {
      LoadedModel m = load_model(argv[2]);
      const Dataset d = Dataset::load(DatasetKind::Mnist, argv[3], m.meta.norm.mode, 10000, &m.meta.norm);
      const std::string out = argv[4];
      const int n = std::min(std::atoi(argv[5]), d.test.count);
      std::vector<int> pred;
      evaluate(m.net, d.test, n, &pred);
      std::ofstream expected(out + "/expected.txt");
      for (int i = 0; i < n; ++i) {
        const uint8_t* px = d.test.pixels.data() + size_t(i) * 784;
        char name[64];
        if (i % 3 == 2) {  // dark ink on light paper, as a JPEG
          std::vector<uint8_t> inv(784);
          for (int k = 0; k < 784; ++k) inv[k] = static_cast<uint8_t>(255 - px[k]);
          std::snprintf(name, sizeof name, "img%04d.jpg", i);
          if (!stbi_write_jpg((out + "/" + name).c_str(), 28, 28, 1, inv.data(), 95)) throw Error("cannot write JPEG");
        } else {
          std::snprintf(name, sizeof name, "img%04d.png", i);
          if (!stbi_write_png((out + "/" + name).c_str(), 28, 28, 1, px, 28)) throw Error("cannot write PNG");
        }
        expected << name << " " << pred[i] << "\n";
      }
      return 0;
    }
    if (mode == "check" && argc == 4) {
      std::ifstream exp(std::string(argv[2]) + "/expected.txt");
      std::vector<std::pair<std::string, int>> want;
      std::string name;
      int cls;
      while (exp >> name >> cls) want.emplace_back(name, cls);
      std::ifstream got(argv[3]);
      std::string line;
      size_t i = 0, same = 0;
      while (std::getline(got, line)) {
        const json::Value v = json::parse(line);
        const std::string file = v.at("file").as_string();
        if (i >= want.size() || file.substr(file.rfind('/') + 1) != want[i].first)
          throw Error("unexpected output line for " + file);
        if (v.has("error")) throw Error(file + ": " + v.at("error").as_string());
        same += int(v.at("prediction").as_number()) == want[i].second;
        ++i;
      }
      std::printf("%zu of %zu images: predict agrees with eval on %zu (%.1f%%)\n", i, want.size(), same,
                  100.0 * same / std::max<size_t>(1, i));
      // A JPEG artefact may flip a borderline image; more than 1% would mean that predict reads
      // images differently from the dataset.
      return i == want.size() && same * 100 >= i * 99 ? 0 : 1;
    }
    std::fprintf(stderr, "usage: predict_roundtrip export MODEL DATA OUT N | check OUT PREDICT_OUTPUT\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "predict_roundtrip: %s\n", e.what());
    return 1;
  }
}
