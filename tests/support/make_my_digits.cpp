// make_my_digits DIR N: a personal digit set as the Draw view keeps one (data/my_digits.h), N
// drawings of every digit in one writer's hand (tests/support/strokes.h: the stroke glyphs, drawn
// narrow, leaning back and a little shaky), put through the canvas's preprocessing and saved by
// the app's own code, every third held out, in place of the drawings there were. For the GUI's
// screenshot of fine-tuning.
#include <cstdio>
#include <cstdlib>

#include "data/my_digits.h"
#include "strokes.h"

int main(int argc, char** argv) {
  if (argc != 3 || std::atoi(argv[2]) <= 0) {
    std::fprintf(stderr, "usage: make_my_digits DIR DRAWINGS_A_DIGIT\n");
    return 2;
  }
  using namespace nnviz;
  const auto glyphs = test::digit_glyphs();
  const test::Style hand{200, 140, 140, 0.5, -0.2, 16, 4};
  Rng rng(11);
  MyDigitSet set;
  try {
    for (const MyDigit& d : load_my_digits(argv[1]).digits) delete_my_digit(argv[1], d.path);  // a set of its own
    for (int k = 0; k < std::atoi(argv[2]); ++k)
      for (int d = 0; d < 10; ++d) {
        const auto digit = to_mnist(test::render_glyph(glyphs[size_t(d)][size_t(k) % glyphs[size_t(d)].size()], hand, 280, rng));
        if (!digit) continue;
        const long n = set.next_number();
        set.digits.push_back(save_my_digit(argv[1], d, digit->pixels, n, held_out_by_default(n)));
      }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_my_digits: %s\n", e.what());
    return 1;
  }
  return 0;
}
