#include "data/image_folder.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "base/error.h"
#include "base/fileio.h"
#include "base/rng.h"
#include "data/image_file.h"
#include "data/preprocess.h"

#include <stb_image_resize.h>

namespace nnviz {

namespace {

constexpr size_t kMaxImageFileBytes = size_t(64) << 20;
constexpr size_t kMaxProblems = 20;

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool is_image_name(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  const std::string ext = lower(name.substr(dot));
  for (const char* e : {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".pgm", ".ppm", ".pnm", ".pbm"})
    if (ext == e) return true;
  return false;
}

std::vector<uint8_t> resample_image(const uint8_t* px, int w, int h, int channels, int size, bool colour) {
  // Grey or RGB at the image's own size first (transparency over black), then area-averaged to
  // size x size by stb_image_resize's box filter, then channel by channel.
  const int planes = colour ? 3 : 1;
  std::vector<uint8_t> src(size_t(w) * size_t(h) * size_t(planes));
  for (size_t i = 0, n = size_t(w) * size_t(h); i < n; ++i) {
    const uint8_t* p = px + i * size_t(channels);
    double r, g, b, a = 1;
    if (channels <= 2) {
      r = g = b = p[0];
      if (channels == 2) a = p[1] / 255.0;
    } else {
      r = p[0], g = p[1], b = p[2];
      if (channels == 4) a = p[3] / 255.0;
    }
    if (colour) {
      src[i * 3] = uint8_t(std::lround(a * r));
      src[i * 3 + 1] = uint8_t(std::lround(a * g));
      src[i * 3 + 2] = uint8_t(std::lround(a * b));
    } else {
      src[i] = uint8_t(std::clamp(std::lround(a * (0.299 * r + 0.587 * g + 0.114 * b)), 0L, 255L));
    }
  }
  std::vector<uint8_t> small(size_t(size) * size_t(size) * size_t(planes));
  if (!stbir_resize_uint8_generic(src.data(), w, h, 0, small.data(), size, size, 0, planes, STBIR_ALPHA_CHANNEL_NONE, 0,
                                  STBIR_EDGE_CLAMP, STBIR_FILTER_BOX, STBIR_COLORSPACE_LINEAR, nullptr))
    throw Error("[image] cannot resize a " + std::to_string(w) + "x" + std::to_string(h) + " image");
  if (planes == 1) return small;
  std::vector<uint8_t> out(small.size());
  const size_t n = size_t(size) * size_t(size);
  for (size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) out[size_t(c) * n + i] = small[i * 3 + size_t(c)];
  return out;
}

std::optional<Mat> picture_input(const DecodedImage& im, bool digit, int size, bool colour, const Normalisation& norm) {
  if (digit) {
    const auto d = to_mnist(to_gray_ink(im.px.data(), im.w, im.h, im.channels));
    if (!d) return std::nullopt;
    return to_input(*d, norm);
  }
  return input_of(resample_image(im.px.data(), im.w, im.h, im.channels, size, colour), norm);
}

FolderOptions folder_options_for(const Shape& input, uint64_t seed, NormMode norm) {
  if (input.h != input.w || (input.c != 1 && input.c != 3) || input.h < 4 || input.h > 256)
    throw Error("[folder] a network that takes " + input.str() + " inputs was not trained on an image folder");
  FolderOptions o;
  o.size = input.h;
  o.colour = input.c == 3;
  o.seed = seed;
  o.norm = norm;
  return o;
}

Dataset load_image_folder(const std::string& dir, const FolderOptions& o, FolderProgress* progress,
                          FolderReport* report) {
  FolderReport local;
  FolderReport& rep = report ? *report : local;
  rep = FolderReport{};
  if (o.size < 4 || o.size > 256)
    throw Error("[folder] the image size must be 4 to 256 pixels, not " + std::to_string(o.size));
  if (!(o.val_share >= 0 && o.test_share >= 0 && o.val_share + o.test_share < 0.9))
    throw Error("[folder] the validation and test shares must leave at least a tenth for training");
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw Error("[folder] " + dir + ": no such folder");
  if (!S_ISDIR(st.st_mode))
    throw Error("[folder] " + dir + ": is a file, not a folder: give the folder that holds one folder per class");
  // The class folders, then every file in them.
  std::vector<std::string> classes;
  for (const std::string& n : folder_entries(dir, "folder")) {
    struct stat cs {};
    if (::stat((dir + "/" + n).c_str(), &cs) == 0 && S_ISDIR(cs.st_mode)) classes.push_back(n);
  }
  if (classes.empty())
    throw Error("[folder] " + dir + ": holds no class folders: put each class's images in a folder of its own "
                "(" + dir + "/cats/..., " + dir + "/dogs/...)");
  if (classes.size() == 1)
    throw Error("[folder] " + dir + ": holds one class folder only (" + classes[0] +
                "): a classifier needs at least two classes");
  if (classes.size() > 255)
    throw Error("[folder] " + dir + ": holds " + std::to_string(classes.size()) + " class folders: at most 255");
  struct File {
    std::string path, shown;  // the path, and class/name for messages
    int label;
  };
  std::vector<File> files;
  auto skip = [&](const std::string& shown, const std::string& why) {
    ++rep.skipped;
    if (rep.problems.size() < kMaxProblems) rep.problems.push_back(shown + ": " + why);
  };
  for (size_t c = 0; c < classes.size(); ++c) {
    const std::string cdir = dir + "/" + classes[c];
    for (const std::string& n : folder_entries(cdir, "folder")) {
      if (long(files.size()) >= o.max_files)
        throw Error("[folder] " + dir + ": holds more than " + std::to_string(o.max_files) + " files");
      const std::string path = cdir + "/" + n, shown = classes[c] + "/" + n;
      struct stat fs {};
      if (::stat(path.c_str(), &fs) != 0 || S_ISDIR(fs.st_mode)) continue;  // a dangling link, a folder inside
      if (!is_image_name(n)) {
        skip(shown, "not an image (by its name)");
        continue;
      }
      if (!S_ISREG(fs.st_mode)) {
        skip(shown, "not a regular file (a FIFO, a device or a socket)");
        continue;
      }
      if (size_t(fs.st_size) > kMaxImageFileBytes) {
        skip(shown, "larger than 64 MB");
        continue;
      }
      files.push_back({path, shown, int(c)});
    }
  }
  if (progress) progress->total = long(files.size()), progress->done = 0;
  // Decoded one at a time; a class's images keep their sorted order.
  const int planes = o.colour ? 3 : 1;
  const size_t npix = size_t(planes) * size_t(o.size) * size_t(o.size);
  std::vector<std::vector<uint8_t>> per_class_px(classes.size());
  std::vector<long> per_class(classes.size(), 0);
  for (const File& f : files) {
    if (progress && progress->cancel) throw Error("[folder] " + dir + ": loading cancelled");
    try {
      const DecodedImage img = read_image(f.path);
      const std::vector<uint8_t> px = resample_image(img.px.data(), img.w, img.h, img.channels, o.size, o.colour);
      per_class_px[size_t(f.label)].insert(per_class_px[size_t(f.label)].end(), px.begin(), px.end());
      ++per_class[size_t(f.label)];
      ++rep.images;
    } catch (const Error& e) {
      std::string why = e.what();
      // "[image] <path>: <problem>" -> "<problem>"
      const size_t at = why.find(f.path + ": ");
      if (at != std::string::npos) why = why.substr(at + f.path.size() + 2);
      skip(f.shown, why);
    }
    if (progress) ++progress->done;
  }
  for (size_t c = 0; c < classes.size(); ++c)
    if (per_class[c] == 0)
      throw Error("[folder] " + dir + "/" + classes[c] + ": the class folder holds no readable image" +
                  (rep.skipped ? " (" + std::to_string(rep.skipped) + " files skipped: " + rep.problems.front() + ", ...)"
                               : std::string()));
  // Each class split at random with the seed: test, validation, the rest training.
  std::vector<uint8_t> px[3], labels[3];
  Rng rng(Rng::derive(o.seed, 7));
  for (size_t c = 0; c < classes.size(); ++c) {
    const long n = per_class[c];
    std::vector<long> order(static_cast<size_t>(n));
    for (long i = 0; i < n; ++i) order[size_t(i)] = i;
    rng.shuffle(order);
    const long n_test = n >= 3 ? std::max(1L, std::lround(n * o.test_share)) : 0;
    const long n_val = n >= 3 ? std::max(1L, std::lround(n * o.val_share)) : 0;
    for (long k = 0; k < n; ++k) {
      const int s = k < n_test ? 2 : k < n_test + n_val ? 1 : 0;
      const uint8_t* src = per_class_px[c].data() + size_t(order[size_t(k)]) * npix;
      px[s].insert(px[s].end(), src, src + npix);
      labels[s].push_back(uint8_t(c));
    }
    std::vector<uint8_t>().swap(per_class_px[c]);  // freed as it is copied
  }
  Dataset d = Dataset::from_splits(o.size, o.size, planes, px, labels, o.norm);
  d.kind = DatasetKind::Folder;
  d.source = dir;
  d.num_classes = int(classes.size());
  d.names = classes;
  d.split_seed = o.seed;
  return d;
}

}  // namespace nnviz
