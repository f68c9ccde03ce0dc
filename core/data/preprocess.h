// Turning a drawing or a photo of a digit into an MNIST-style input, the way MNIST itself was
// made: crop to the ink, scale the longer side to 20 pixels (keeping the aspect ratio,
// anti-aliased by area averaging), and place it in a 28x28 field, shifted by whole pixels, so that
// the intensity-weighted centre of mass sits within half a pixel of the centre of pixel (14, 14),
// where MNIST's digits have theirs. The canvas and `nnviz-cli predict` both use this one function.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/scalar.h"
#include "data/dataset.h"

namespace nnviz {

// A gray image, row-major, values in [0, 1] with ink bright (light on dark, as MNIST).
struct GrayImage {
  int w = 0, h = 0;
  std::vector<float> v;
  float at(int x, int y) const { return v[size_t(y) * w + x]; }
};

struct Digit28 {
  std::vector<float> pixels;  // 28*28, ink in [0, 1], ready to display
  float com_x = 0, com_y = 0; // its centre of mass (continuous coordinates: pixel i spans [i, i+1])
  int box_w = 0, box_h = 0;   // the ink's bounding box in the source, in pixels
};

// nullopt when there is no ink (nothing above `threshold`): an empty drawing gives no prediction.
std::optional<Digit28> to_mnist(const GrayImage& img, float threshold = 0.05f);

// The network input for a 28x28 digit, normalised exactly as the training data was.
Mat to_input(const Digit28& d, const Normalisation& norm);

// Decides the polarity of an 8-bit image and returns it as light ink on dark, in [0, 1].
// channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. With a real alpha channel (transparent
// background), ink is opacity times contrast against the page; otherwise the border tells the
// background: a light border means dark ink on light paper, which is inverted.
GrayImage to_gray_ink(const unsigned char* data, int w, int h, int channels);

// The largest image nnviz reads: 64 megapixels (8192x8192, or a 48 MP photo). Decoding takes up to
// 4 bytes a pixel and the gray copy 4 more, so one image stays near half a gigabyte, and a small
// hostile file that declares a huge size is refused before it is decoded.
constexpr long long kMaxImagePixels = 1LL << 26;
// "" for a size nnviz reads, else why not ("20000x20000 pixels, more than the 64 megapixels ...").
// Call it with the size the file declares (stbi_info) before decoding it.
std::string image_size_problem(int w, int h);

}  // namespace nnviz
