// MNIST-style datasets: 28x28 gray images with labels 0..9, split into train / validation / test.
//
// The official training set (60k) is split into the first 50k for training and the last 10k for
// validation; the official test set (10k) is the test split. Pixels are normalised either to
// [0,1] or with the global mean and standard deviation of the *training split* only, so no
// statistic leaks from validation or test data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/scalar.h"

namespace nnviz {

// Folder: images read from a folder of class folders (data/image_folder.h), grey or colour.
enum class DatasetKind { Mnist, Fashion, Folder };
enum class NormMode { Unit, Standard };

const char* to_string(DatasetKind k);
DatasetKind dataset_kind_from_string(const std::string& s);  // "mnist" | "fashion" | "folder"
const char* to_string(NormMode m);
const std::vector<std::string>& class_names(DatasetKind k);  // "0".."9", the clothing names (none for Folder)
NormMode norm_mode_from_string(const std::string& s);        // "unit" | "standard"

// How raw bytes become network inputs: x = (byte/255 - mean) / std. Unit mode: mean 0, std 1.
struct Normalisation {
  NormMode mode = NormMode::Standard;
  float mean = 0.f, std = 1.f;
  Scalar apply(uint8_t byte) const { return (Scalar(byte) / Scalar(255) - Scalar(mean)) / Scalar(std); }
  Scalar apply(float unit) const { return (Scalar(unit) - Scalar(mean)) / Scalar(std); }
};

struct Split {
  int count = 0;
  Mat x;                        // (values x count), normalised
  std::vector<uint8_t> y;       // labels
  std::vector<uint8_t> pixels;  // raw bytes, count * values (channel by channel, as x), for display
  // x again from the bytes with `norm` (a model's own normalisation, say).
  void normalise(const Normalisation& norm);
};

// n bytes as network inputs with `norm` (through a table of the 256 bytes' values), into out.
void normalise_bytes(const uint8_t* bytes, size_t n, const Normalisation& norm, Scalar* out);
// One image's bytes (channel by channel) as a network input: one column.
Mat input_of(const std::vector<uint8_t>& bytes, const Normalisation& norm);

struct Dataset {
  DatasetKind kind = DatasetKind::Mnist;
  std::string source;  // folder it came from
  int rows = 28, cols = 28;
  int channels = 1;    // 3: colour, stored channel by channel (all red values, then green, then blue)
  int num_classes = 10;
  std::vector<std::string> names;  // the classes' names of a Folder data set (its class folders)
  uint64_t split_seed = 0;         // a Folder data set's: the seed its splits were drawn with
  Normalisation norm;
  Split train, val, test;

  int input_size() const { return channels * rows * cols; }
  Shape input_shape() const { return Shape{channels, rows, cols}; }
  const std::vector<std::string>& class_names() const;
  const Split& split(const std::string& name) const;  // "train" | "val" | "test"
  // Keeps the first `n` training samples (0, or at least all of them: unchanged). The
  // normalisation stays the full training split's: a model trained on the cut reads the same inputs.
  void keep_training_samples(long n);

  // Loads the four IDX files (raw or .gz) from `dir`. val_count images from the end of the
  // official training set become the validation split.
  // `fixed`, when given, is used instead of statistics of this data (e.g. a saved model's).
  static Dataset load(DatasetKind kind, const std::string& dir, NormMode mode, int val_count = 10000,
                      const Normalisation* fixed = nullptr);

  // Builds a data set from three splits of images in memory (channels*rows*cols bytes each, channel
  // by channel; training, validation, test), normalised with the training split's global mean and
  // std (or `fixed`). The bytes and labels are moved into the splits, not copied.
  static Dataset from_splits(int rows, int cols, int channels, std::vector<uint8_t> (&pixels)[3],
                             std::vector<uint8_t> (&labels)[3], NormMode mode, const Normalisation* fixed = nullptr);

  // Builds a dataset from images in memory (rows*cols bytes each), e.g. for tests.
  static Dataset from_arrays(int rows, int cols, const std::vector<uint8_t>& train_pixels,
                             const std::vector<uint8_t>& train_labels, const std::vector<uint8_t>& test_pixels,
                             const std::vector<uint8_t>& test_labels, NormMode mode, int val_count,
                             const Normalisation* fixed = nullptr);
};

// The folder to load from: `cli_dir` if given, else $NNVIZ_DATA (MNIST) or $NNVIZ_FASHION_DATA
// (Fashion-MNIST), else the project's default
// (data/mnist for MNIST, /usr/share/datasets/fashion-mnist for Fashion-MNIST).
std::string resolve_data_dir(DatasetKind kind, const std::string& cli_dir);

// Renders one raw image as ASCII art (rows lines of cols characters).
std::string ascii_art(const uint8_t* pixels, int rows, int cols);

// The data with its training split cut to the first `n` samples (0: the data itself, not copied).
std::shared_ptr<const Dataset> with_training_samples(std::shared_ptr<const Dataset> full, long n);

}  // namespace nnviz
