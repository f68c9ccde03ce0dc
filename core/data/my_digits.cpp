#include "data/my_digits.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "base/error.h"
#include "base/fileio.h"
#include "data/image_file.h"
#include "data/image_folder.h"
#include "data/preprocess.h"

#include <stb_image_write.h>

namespace nnviz {

namespace {

constexpr int kSide = 28;
const char kHeldOut[] = "-held-out.png";

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw Error("[my digits] " + path + ": " + problem);
}

// "12.png" -> 12, "12-held-out.png" -> 12 and held out; any other name -> 0 (a name ending in
// -held-out.png is held out whatever comes before, so that no measuring drawing is trained on).
long parse_name(const std::string& name, bool& held_out) {
  held_out = ends_with(name, kHeldOut);
  size_t i = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
  if (i == 0 || i > 15) return 0;  // no number, or one past any count of drawings
  const std::string rest = name.substr(i);
  if (rest != kHeldOut && rest != ".png") return 0;
  return std::stol(name.substr(0, i));
}

// A folder of nnviz's own at `path` (lstat: a link planted there is not one).
bool own_dir(const std::string& path, struct stat& st) { return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode); }

std::vector<uint8_t> to_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size());
  for (size_t i = 0; i < v.size(); ++i) b[i] = uint8_t(std::lround(std::clamp(v[i], 0.f, 1.f) * 255));
  return b;
}

// The drawing in a file, as the network sees it; throws Error with the problem.
std::vector<uint8_t> read_digit(const std::string& path) {
  const DecodedImage im = read_image(path);
  const GrayImage g = to_gray_ink(im.px.data(), im.w, im.h, im.channels);
  if (im.w == kSide && im.h == kSide) {  // nnviz's own, or already MNIST-sized: taken as it is
    if (*std::max_element(g.v.begin(), g.v.end()) < 0.05f) throw Error("holds no ink");
    return to_bytes(g.v);
  }
  const auto d = to_mnist(g);
  if (!d) throw Error("holds no ink");
  return to_bytes(d->pixels);
}

// The folder itself, not a link planted at its place (lstat), made when missing.
void own_folder(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) fail(dir, "is a link; nnviz keeps your digits in a folder of its own, not through a link");
    if (!S_ISDIR(st.st_mode)) fail(dir, "is not a folder");
    return;
  }
  const std::string problem = make_folders(dir, true);
  if (!problem.empty()) throw Error("[my digits] " + problem);
}

}  // namespace

int MyDigitSet::count(bool held_out) const {
  return int(std::count_if(digits.begin(), digits.end(), [&](const MyDigit& d) { return d.held_out == held_out; }));
}

long MyDigitSet::next_number() const {
  long n = 0;
  for (const MyDigit& d : digits) n = std::max(n, d.number);
  return n + 1;
}

MyDigitSet load_my_digits(const std::string& dir, long max_files) {
  MyDigitSet set;
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return set;  // nothing drawn yet
  if (S_ISLNK(st.st_mode)) fail(dir, "is a link; nnviz keeps your digits in a folder of its own, not through a link");
  if (!S_ISDIR(st.st_mode)) fail(dir, "is not a folder");
  long seen = 0, left = 0;
  for (int label = 0; label < 10; ++label) {
    const std::string ddir = dir + "/" + std::to_string(label);
    if (!own_dir(ddir, st)) {
      // A link at a digit's folder is not followed: its pictures could be anyone's, and deleting
      // one of "your drawings" would delete them.
      if (::lstat(ddir.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        set.problems.push_back(std::to_string(label) + ": a link, not followed");
      continue;
    }
    std::vector<MyDigit> these;
    for (const std::string& name : folder_entries(ddir, "my digits")) {
      const std::string path = ddir + "/" + name, shown = std::to_string(label) + "/" + name;
      struct stat fs {};
      if (::stat(path.c_str(), &fs) != 0 || S_ISDIR(fs.st_mode)) continue;
      if (!is_image_name(name)) {
        set.problems.push_back(shown + ": not an image (by its name)");
        continue;
      }
      if (!S_ISREG(fs.st_mode)) {
        set.problems.push_back(shown + ": not a regular file");
        continue;
      }
      if (++seen > max_files) {
        ++left;
        continue;
      }
      MyDigit d;
      d.path = path;
      d.label = label;
      d.number = parse_name(name, d.held_out);
      try {
        d.pixels = read_digit(path);
      } catch (const std::exception& e) {
        std::string why = e.what();
        if (why.rfind("[image] ", 0) == 0) why = why.substr(why.find(": ") == std::string::npos ? 8 : why.find(": ") + 2);
        set.problems.push_back(shown + ": " + why);
        continue;
      }
      these.push_back(std::move(d));
    }
    std::stable_sort(these.begin(), these.end(), [](const MyDigit& a, const MyDigit& b) { return a.number < b.number; });
    for (MyDigit& d : these) set.digits.push_back(std::move(d));
  }
  if (left > 0)
    set.problems.push_back(std::to_string(left) + " more files not read: at most " + std::to_string(max_files) +
                           " drawings are read");
  return set;
}

MyDigit save_my_digit(const std::string& dir, int label, const std::vector<float>& pixels, long number, bool held_out) {
  if (label < 0 || label > 9) fail(dir, "the label " + std::to_string(label) + " is not a digit");
  if (pixels.size() != size_t(kSide * kSide))
    fail(dir, "a drawing has 784 pixels, not " + std::to_string(pixels.size()));
  own_folder(dir);
  const std::string ddir = dir + "/" + std::to_string(label);
  own_folder(ddir);
  number = std::max(1L, number);
  auto name = [&](long n, bool h) { return ddir + "/" + std::to_string(n) + (h ? kHeldOut : ".png"); };
  struct stat taken {};  // anything at the name (a file, a link, a folder) takes the number
  while (::lstat(name(number, false).c_str(), &taken) == 0 || ::lstat(name(number, true).c_str(), &taken) == 0) ++number;
  MyDigit d;
  d.path = name(number, held_out);
  d.label = label;
  d.number = number;
  d.held_out = held_out;
  d.pixels = to_bytes(pixels);
  std::string png;
  auto append = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size_t(size)); };
  if (!stbi_write_png_to_func(append, &png, kSide, kSide, 1, d.pixels.data(), kSide)) fail(d.path, "cannot be encoded as PNG");
  write_file_atomic(d.path, png, "my digits");
  return d;
}

void delete_my_digit(const std::string& dir, const std::string& path) {
  // <dir>/<digit>/<picture>, with no other folder between.
  const std::string prefix = dir + "/";
  const bool inside = path.size() > prefix.size() + 2 && path.compare(0, prefix.size(), prefix) == 0 &&
                      path[prefix.size()] >= '0' && path[prefix.size()] <= '9' && path[prefix.size() + 1] == '/' &&
                      path.find('/', prefix.size() + 2) == std::string::npos;
  const std::string name = inside ? path.substr(prefix.size() + 2) : "";
  if (!inside || !is_image_name(name) || name[0] == '.') fail(path, "is not one of your drawings (in " + dir + ")");
  // Through the folders themselves, none of them a link (O_NOFOLLOW), so that a link planted at
  // the folder or a digit's folder cannot point the deletion elsewhere.
  const int top = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (top < 0) fail(dir, std::string("cannot be opened as your digits' folder (") + std::strerror(errno) + ")");
  const std::string digit(1, path[prefix.size()]);
  const int folder = ::openat(top, digit.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  const int open_errno = errno;
  ::close(top);
  if (folder < 0) fail(dir + "/" + digit, std::string("cannot be opened as a digit's folder (") + std::strerror(open_errno) + ")");
  struct stat st {};
  std::string problem;
  if (::fstatat(folder, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    problem = "is gone already";
  else if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
    problem = "is not a file";
  else if (::unlinkat(folder, name.c_str(), 0) != 0)
    problem = std::string("cannot be deleted (") + std::strerror(errno) + ")";
  ::close(folder);
  if (!problem.empty()) fail(path, problem);
}

}  // namespace nnviz
