// A data set from a folder of images: one subfolder per class (its name is the class's name), any
// mix of PNG, JPEG, BMP, GIF, TGA and PGM/PPM files of any size and mode, each converted to grey or
// colour at size x size pixels (the whole picture, each new pixel the average of those it covers,
// by stb_image_resize's box filter; its aspect is not kept; transparency over black). The images
// of each class are split at random with a fixed seed into training, validation and test shares,
// and normalised with the training split's global mean and standard deviation, as MNIST is.
//
// What a folder may not be, each refused with an Error("[folder] <path>: <problem>"): missing, a
// file, without class folders, with one class only or more than 255, with a class folder that
// holds no readable image, or with more than max_files files. A file that is not an image (by its
// name), a special file (a FIFO, a device), or an image that does not decode (truncated, damaged,
// too large) is skipped and named in the report; the rest loads.
//
// Memory: the images are decoded one at a time; what stays is size * size * channels bytes an
// image, once as bytes and once as float32 (5 bytes a value), plus each file's path while loading.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/image_file.h"

namespace nnviz {

struct FolderOptions {
  int size = 28;         // pixels a side, 4..256
  bool colour = false;   // three channels (red, green, blue), else grey
  double val_share = 0.1, test_share = 0.1;  // of each class, the rest trains
  uint64_t seed = 1;
  NormMode norm = NormMode::Standard;
  long max_files = 1000000;
};

// Progress for another thread to show, and a request to stop (the load then throws Error).
struct FolderProgress {
  std::atomic<long> done{0}, total{0};  // files looked at, of how many
  std::atomic<bool> cancel{false};
};

struct FolderReport {
  long images = 0;                    // images loaded
  long skipped = 0;                   // files skipped
  std::vector<std::string> problems;  // the first 20 skipped: "cats/a.png: truncated ..."
};

// The image extensions read (lower case, with the dot).
bool is_image_name(const std::string& name);

Dataset load_image_folder(const std::string& dir, const FolderOptions& o, FolderProgress* progress = nullptr,
                          FolderReport* report = nullptr);

// A decoded picture as a network input, the way nnviz reads a picture for a network: with `digit`,
// prepared as MNIST's digits were (to_gray_ink, to_mnist: nullopt when it holds no ink); else the
// whole picture at size x size, grey or colour, as an image folder's pictures are read. Normalised
// with `norm`.
std::optional<Mat> picture_input(const DecodedImage& im, bool digit, int size, bool colour, const Normalisation& norm);

// The options that read a folder again as a network trained on it saw it: at the size and in the
// colours of its input (Error when no folder gives such inputs: not square, not 1 or 3 channels,
// not 4..256 pixels), its splits drawn with `seed` (the training's, TrainConfig::folder_seed).
FolderOptions folder_options_for(const Shape& input, uint64_t seed, NormMode norm);

// A decoded image (w x h, 1 to 4 channels, row-major) at size x size, grey (1 value a pixel) or
// colour (3 planes), each new pixel the average of the old ones it covers (area weighted). Throws
// Error when stb_image_resize cannot.
std::vector<uint8_t> resample_image(const uint8_t* px, int w, int h, int channels, int size, bool colour);

}  // namespace nnviz
