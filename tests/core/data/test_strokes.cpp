// The bundled model reads digits drawn the way people draw them: every digit in two variants,
// rendered in six writers' styles (size, position, slant, aspect, pen width, a shaky hand), put
// through the same preprocessing as the canvas and nnviz-cli predict.
#include <doctest/doctest.h>

#include <stb_image_write.h>

#include <cstdio>
#include <cstdlib>

#include "io/model_io.h"
#include "nn/loss.h"
#include "strokes.h"

#ifndef NNVIZ_ASSETS_DIR
#define NNVIZ_ASSETS_DIR "assets"
#endif

using namespace nnviz;
using namespace nnviz::test;

TEST_CASE("the bundled model reads drawn digits in many styles at 90% or better") {
  LoadedModel m = load_model(std::string(NNVIZ_ASSETS_DIR) + "/mnist-model.safetensors");
  const auto glyphs = digit_glyphs();
  const auto styles = writer_styles();
  Rng rng(7);
  // NNVIZ_STROKES_PNG=FILE writes every drawing as the network sees it (28x28) into one sheet.
  const char* sheet_path = std::getenv("NNVIZ_STROKES_PNG");
  const int cols = int(styles.size()) * 2, rows = 10;
  std::vector<unsigned char> sheet(size_t(cols) * 28 * rows * 28, 0);
  int right = 0, total = 0;
  std::string wrong;
  for (int d = 0; d < 10; ++d)
    for (size_t v = 0; v < glyphs[d].size(); ++v)
      for (size_t s = 0; s < styles.size(); ++s) {
        const GrayImage img = render_glyph(glyphs[d][v], styles[s], 280, rng);
        const auto digit = to_mnist(img);
        REQUIRE(digit);
        for (int p = 0; p < 784; ++p)
          sheet[(size_t(d) * 28 + p / 28) * cols * 28 + (v * styles.size() + s) * 28 + p % 28] =
              static_cast<unsigned char>(digit->pixels[p] * 255);
        Mat probs;
        softmax(m.net.forward(to_input(*digit, m.meta.norm), false), probs);
        Eigen::Index top;
        probs.col(0).maxCoeff(&top);
        ++total;
        if (top == d) ++right;
        else wrong += " " + std::to_string(d) + "(v" + std::to_string(v) + ",s" + std::to_string(s) + ")->" +
                      std::to_string(int(top));
      }
  std::printf("drawn digits: %d of %d read correctly (%.1f%%); misread:%s\n", right, total, 100.0 * right / total,
              wrong.c_str());
  if (sheet_path) stbi_write_png(sheet_path, cols * 28, rows * 28, 1, sheet.data(), cols * 28);
  CHECK(right * 10 >= total * 9);
}
