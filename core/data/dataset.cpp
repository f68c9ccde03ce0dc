#include "data/dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/fileio.h"
#include "data/idx.h"

#ifndef NNVIZ_DEFAULT_MNIST_DIR
#define NNVIZ_DEFAULT_MNIST_DIR "data/mnist"
#endif
#ifndef NNVIZ_DEFAULT_FASHION_DIR
#define NNVIZ_DEFAULT_FASHION_DIR "/usr/share/datasets/fashion-mnist"
#endif

namespace nnviz {

const char* to_string(DatasetKind k) {
  return k == DatasetKind::Mnist ? "mnist" : k == DatasetKind::Fashion ? "fashion" : "folder";
}

DatasetKind dataset_kind_from_string(const std::string& s) {
  if (s == "mnist") return DatasetKind::Mnist;
  if (s == "fashion" || s == "fashion-mnist") return DatasetKind::Fashion;
  if (s == "folder") return DatasetKind::Folder;
  throw Error("[data] unknown dataset '" + s + "' (expected mnist, fashion or folder)");
}

const char* to_string(NormMode m) { return m == NormMode::Unit ? "unit" : "standard"; }

NormMode norm_mode_from_string(const std::string& s) {
  if (s == "unit") return NormMode::Unit;
  if (s == "standard") return NormMode::Standard;
  throw Error("[data] unknown normalisation '" + s + "' (expected unit or standard)");
}

const std::vector<std::string>& class_names(DatasetKind k) {
  static const std::vector<std::string> digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  static const std::vector<std::string> fashion = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  static const std::vector<std::string> none;
  return k == DatasetKind::Mnist ? digits : k == DatasetKind::Fashion ? fashion : none;
}

const std::vector<std::string>& Dataset::class_names() const {
  return kind == DatasetKind::Folder ? names : nnviz::class_names(kind);
}

namespace {
// The first k samples of a split, copied (the caller checked 0 < k < count).
Split first_samples(const Split& s, int k, int input_size) {
  Split out;
  out.count = k;
  out.x = s.x.leftCols(k);
  out.y.assign(s.y.begin(), s.y.begin() + k);
  out.pixels.assign(s.pixels.begin(), s.pixels.begin() + std::ptrdiff_t(k) * input_size);
  return out;
}
}  // namespace

void Dataset::keep_training_samples(long n) {
  if (n <= 0 || n >= train.count) return;
  train = first_samples(train, int(n), input_size());  // the rest is freed
}

std::shared_ptr<const Dataset> with_training_samples(std::shared_ptr<const Dataset> full, long n) {
  if (!full || n <= 0 || n >= full->train.count) return full;
  // The other splits copied, the training split only as far as it is kept.
  auto cut = std::make_shared<Dataset>();
  cut->kind = full->kind;
  cut->source = full->source;
  cut->rows = full->rows;
  cut->cols = full->cols;
  cut->channels = full->channels;
  cut->num_classes = full->num_classes;
  cut->names = full->names;
  cut->norm = full->norm;
  cut->val = full->val;
  cut->test = full->test;
  cut->train = first_samples(full->train, int(n), full->input_size());
  return cut;
}

const Split& Dataset::split(const std::string& name) const {
  if (name == "train") return train;
  if (name == "val" || name == "validation") return val;
  if (name == "test") return test;
  throw Error("[data] unknown split '" + name + "' (expected train, val or test)");
}

namespace {

// The split's normalised values from its bytes; with `copy`, the bytes and labels too (else the
// caller moves them in afterwards).
void fill_split(Split& s, const uint8_t* pixels, const uint8_t* labels, int count, int npix, const Normalisation& n,
                bool copy = true) {
  s.count = count;
  if (copy) {
    s.pixels.assign(pixels, pixels + size_t(count) * npix);
    s.y.assign(labels, labels + count);
  }
  s.x.resize(npix, count);
  normalise_bytes(pixels, size_t(count) * size_t(npix), n, s.x.data());
}

// The global mean and standard deviation of n bytes (in [0,1] units, summed in double) as the
// normalisation's: a training split's statistics.
void set_statistics(Normalisation& norm, const uint8_t* px, size_t n) {
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const double v = px[i] / 255.0;
    sum += v;
    sum2 += v * v;
  }
  const double mean = sum / double(n), var = std::max(0.0, sum2 / double(n) - mean * mean);
  norm.mean = float(mean);
  norm.std = float(var > 1e-12 ? std::sqrt(var) : 1.0);
}

std::string find_idx(const std::string& dir, const std::string& base, DatasetKind kind) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
    throw Error("[data] " + dir + ": is a file, not a folder: --data takes the folder that holds the four IDX files");
  for (const char* suffix : {"", ".gz"}) {
    const std::string p = dir + "/" + base + suffix;
    if (file_exists(p)) return p;
  }
  const std::string hint = kind == DatasetKind::Mnist
                               ? "run scripts/setup.sh (it fetches MNIST), or point --data or NNVIZ_DATA at a folder "
                                 "holding the four standard IDX files (raw or .gz)"
                               : "install Debian's dataset-fashion-mnist (scripts/setup.sh does), or point --data or "
                                 "NNVIZ_DATA at a folder holding the four Fashion-MNIST IDX files";
  throw Error(std::string("[data] ") + dir + "/" + base + " not found (nor " + base + ".gz): " + hint);
}

}  // namespace

void normalise_bytes(const uint8_t* bytes, size_t n, const Normalisation& norm, Scalar* out) {
  Scalar lut[256];  // the 256 possible bytes' values
  for (int b = 0; b < 256; ++b) lut[b] = norm.apply(static_cast<uint8_t>(b));
  for (size_t i = 0; i < n; ++i) out[i] = lut[bytes[i]];
}

Mat input_of(const std::vector<uint8_t>& bytes, const Normalisation& norm) {
  Mat x(Eigen::Index(bytes.size()), 1);
  normalise_bytes(bytes.data(), bytes.size(), norm, x.data());
  return x;
}

void Split::normalise(const Normalisation& norm) {
  x.resize(count > 0 ? Eigen::Index(pixels.size() / size_t(count)) : 0, count);
  normalise_bytes(pixels.data(), size_t(x.size()), norm, x.data());
}

Dataset Dataset::from_splits(int rows, int cols, int channels, std::vector<uint8_t> (&pixels)[3],
                             std::vector<uint8_t> (&labels)[3], NormMode mode, const Normalisation* fixed) {
  const int npix = channels * rows * cols;
  for (int k = 0; k < 3; ++k)
    if (labels[k].size() * size_t(npix) != pixels[k].size()) throw Error("[data] image and label counts disagree");
  if (labels[0].empty()) throw Error("[data] the training split holds no image");
  Dataset d;
  d.rows = rows;
  d.cols = cols;
  d.channels = channels;
  d.norm.mode = mode;
  if (fixed) d.norm = *fixed;
  else if (mode == NormMode::Standard) set_statistics(d.norm, pixels[0].data(), pixels[0].size());
  Split* splits[3] = {&d.train, &d.val, &d.test};
  for (int k = 0; k < 3; ++k) {
    fill_split(*splits[k], pixels[k].data(), labels[k].data(), int(labels[k].size()), npix, d.norm, false);
    splits[k]->pixels = std::move(pixels[k]);
    splits[k]->y = std::move(labels[k]);
  }
  return d;
}

Dataset Dataset::from_arrays(int rows, int cols, const std::vector<uint8_t>& train_pixels,
                             const std::vector<uint8_t>& train_labels, const std::vector<uint8_t>& test_pixels,
                             const std::vector<uint8_t>& test_labels, NormMode mode, int val_count,
                             const Normalisation* fixed) {
  const int npix = rows * cols;
  const int n_all = static_cast<int>(train_labels.size());
  if (size_t(n_all) * npix != train_pixels.size() || test_labels.size() * npix != test_pixels.size())
    throw Error("[data] image and label counts disagree");
  if (val_count < 0 || val_count >= n_all)
    throw Error("[data] validation size " + std::to_string(val_count) + " must be smaller than the " +
                std::to_string(n_all) + " training images");
  const int n_train = n_all - val_count;

  Dataset d;
  d.rows = rows;
  d.cols = cols;
  d.norm.mode = mode;
  if (fixed) {
    d.norm = *fixed;
  } else if (mode == NormMode::Standard) {
    set_statistics(d.norm, train_pixels.data(), size_t(n_train) * npix);
  }
  fill_split(d.train, train_pixels.data(), train_labels.data(), n_train, npix, d.norm);
  fill_split(d.val, train_pixels.data() + size_t(n_train) * npix, train_labels.data() + n_train, val_count, npix, d.norm);
  fill_split(d.test, test_pixels.data(), test_labels.data(), static_cast<int>(test_labels.size()), npix, d.norm);
  return d;
}

Dataset Dataset::load(DatasetKind kind, const std::string& dir, NormMode mode, int val_count,
                      const Normalisation* fixed) {
  if (kind == DatasetKind::Folder)
    throw Error("[data] this was trained on a folder of images, which only nnviz-cli train --folder and the app's "
                "data menu read");
  const std::string tri = find_idx(dir, "train-images-idx3-ubyte", kind);
  const std::string trl = find_idx(dir, "train-labels-idx1-ubyte", kind);
  const std::string tei = find_idx(dir, "t10k-images-idx3-ubyte", kind);
  const std::string tel = find_idx(dir, "t10k-labels-idx1-ubyte", kind);
  // A damaged file's error says what is wrong with it; add what to do about it.
  const std::string fix = kind == DatasetKind::Mnist
                              ? " (data/mnist: scripts/setup.sh fetches it again; or point --data or NNVIZ_DATA at a "
                                "good copy)"
                              : " (reinstall Debian's dataset-fashion-mnist, or point --data or NNVIZ_FASHION_DATA at a "
                                "good copy)";
  IdxImages train, test;
  std::vector<uint8_t> train_labels, test_labels;
  try {
    train = read_idx_images(tri);
    train_labels = read_idx_labels(trl);
    test = read_idx_images(tei);
    test_labels = read_idx_labels(tel);
  } catch (const Error& e) {
    throw Error(e.what() + fix);
  }
  if (train.count != static_cast<int>(train_labels.size()))
    throw Error("[data] " + tri + " holds " + std::to_string(train.count) + " images but " + trl + " holds " +
                std::to_string(train_labels.size()) + " labels");
  if (test.count != static_cast<int>(test_labels.size()))
    throw Error("[data] " + tei + " holds " + std::to_string(test.count) + " images but " + tel + " holds " +
                std::to_string(test_labels.size()) + " labels");
  if (test.rows != train.rows || test.cols != train.cols)
    throw Error("[data] " + tei + " has " + std::to_string(test.rows) + "x" + std::to_string(test.cols) +
                " images but " + tri + " has " + std::to_string(train.rows) + "x" + std::to_string(train.cols));
  if (train.count <= val_count) val_count = train.count / 6;  // a small custom set: keep a sixth for validation
  Dataset d = from_arrays(train.rows, train.cols, train.pixels, train_labels, test.pixels, test_labels, mode, val_count, fixed);
  d.kind = kind;
  d.source = dir;
  return d;
}

std::string resolve_data_dir(DatasetKind kind, const std::string& cli_dir) {
  if (!cli_dir.empty()) return cli_dir;
  const char* var = kind == DatasetKind::Mnist ? "NNVIZ_DATA" : "NNVIZ_FASHION_DATA";
  if (const char* env = std::getenv(var); env && *env) return env;
  return kind == DatasetKind::Mnist ? NNVIZ_DEFAULT_MNIST_DIR : NNVIZ_DEFAULT_FASHION_DIR;
}

std::string ascii_art(const uint8_t* pixels, int rows, int cols) {
  static const char ramp[] = " .:-=+*#%@";
  std::string out;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const int v = pixels[r * cols + c];
      out += ramp[v * 9 / 255];
      out += ramp[v * 9 / 255];  // two characters per pixel: terminal cells are tall
    }
    out += '\n';
  }
  return out;
}

}  // namespace nnviz
