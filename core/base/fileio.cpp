#include "base/fileio.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "base/error.h"

namespace nnviz {

namespace {
[[noreturn]] void fail(const char* component, const std::string& path, const std::string& what) {
  throw Error(std::string("[") + component + "] " + path + ": " + what);
}

std::string mb(size_t bytes) {
  if (bytes >= (size_t(1) << 30)) return std::to_string(bytes >> 30) + " GB";
  if (bytes >= (size_t(1) << 20)) return std::to_string(bytes >> 20) + " MB";
  return std::to_string(bytes) + " bytes";
}

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in, const char* component, const std::string& path,
                            size_t max_bytes, DeclaredSize declared_size) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 16) != Z_OK) fail(component, path, "cannot initialise zlib");
  struct End {
    z_stream* zs;
    ~End() { inflateEnd(zs); }
  } end{&zs};
  // A small first piece: enough for any header, so the declared size is known before the buffer
  // grows. Without a declared size the buffer doubles up to max_bytes.
  std::vector<uint8_t> out(std::min<size_t>(max_bytes, 4096));
  size_t limit = max_bytes;  // the most the stream may produce
  bool asked = declared_size == nullptr;
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
  size_t fed = zs.avail_in;
  size_t produced = 0;
  for (;;) {
    if (!asked && (produced >= 256 || produced == out.size())) {
      asked = true;
      const size_t want = declared_size(out.data(), produced);
      if (want != SIZE_MAX) {
        if (want > max_bytes)
          fail(component, path,
               "the compressed file declares " + mb(want) + " of content, more than the " + mb(max_bytes) + " allowed");
        limit = want;
        if (out.size() < want) out.resize(want + 1);  // one byte more tells a stream that holds too much
      }
    }
    if (produced == out.size()) {
      // (A stream past its declared size fails below, right after the inflate that passed it.)
      if (out.size() >= max_bytes) fail(component, path, "decompressed size exceeds " + std::to_string(max_bytes) + " bytes");
      out.resize(std::min(max_bytes, out.size() * 2));
    }
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, 1u << 30));
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced = static_cast<size_t>(zs.next_out - out.data());
    if (zs.avail_in == 0 && fed < in.size()) {  // inputs beyond 1 GB go in pieces
      const size_t more = std::min<size_t>(in.size() - fed, 1u << 30);
      zs.next_in = const_cast<Bytef*>(in.data() + fed);
      zs.avail_in = static_cast<uInt>(more);
      fed += more;
    }
    if (produced > limit)
      fail(component, path, "the compressed stream holds more than its header declares (" + mb(limit) + ")");
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) fail(component, path, "truncated gzip stream");
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      fail(component, path, std::string("damaged gzip stream (") + (zs.msg ? zs.msg : "error " + std::to_string(rc)) + ")");
  }
  out.resize(produced);
  return out;
}

// The reason a path cannot be opened or read, in words.
std::string open_problem(int e) {
  if (e == EISDIR) return "is a folder, not a file";
  return std::strerror(e);
}
}  // namespace

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string parent_folder(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

TextLines::TextLines(const std::string& path, const char* component, size_t max_bytes, size_t max_chars)
    : name_(path), tag_(std::string("[") + component + "] "), buf_(max_chars + 2) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) fail(component, path, "cannot open the file: " + open_problem(errno));
  if (S_ISDIR(st.st_mode)) fail(component, path, "is a folder, not a file");
  if (!S_ISREG(st.st_mode)) fail(component, path, "not a regular file (a device or a pipe)");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    fail(component, path, "file is larger than " + std::to_string(max_bytes) + " bytes");
  auto f = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*f) fail(component, path, "cannot open for reading: " + open_problem(errno));
  in_ = std::move(f);
}

TextLines::TextLines(const std::string& text, const std::string& name, const char* component, size_t max_chars)
    : in_(std::make_unique<std::istringstream>(text)), name_(name), tag_(std::string("[") + component + "] "),
      buf_(max_chars + 2) {}

TextLines::~TextLines() = default;

bool TextLines::next(std::string& line) {
  std::istream& in = *in_;
  in.getline(buf_.data(), std::streamsize(buf_.size()));
  if (in.gcount() == 0 && in.eof()) return false;
  if (in.bad()) throw Error(tag_ + name_ + ": read error");
  ++number_;
  // getline fails (without eof) when the buffer filled before the line ended.
  if (in.fail() && !in.eof())
    throw Error(tag_ + name_ + " line " + std::to_string(number_) + ": a line of more than " +
                std::to_string(buf_.size() - 2) + " characters");
  in.clear(in.rdstate() & ~std::ios::failbit);
  line.assign(buf_.data());
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

std::vector<uint8_t> read_file_raw(const std::string& path, const char* component, size_t max_bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) fail(component, path, open_problem(errno));
  if (S_ISDIR(st.st_mode)) fail(component, path, "is a folder, not a file");
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes)
    fail(component, path, "file is larger than " + std::to_string(max_bytes) + " bytes");
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) fail(component, path, "cannot open for reading: " + open_problem(errno));
  // Regular files are read to their size; pipes, FIFOs and devices to their end, once: a FIFO
  // cannot be opened a second time to read the same content.
  // One byte more than a regular file's size tells a file that grew while it was read.
  std::vector<uint8_t> bytes(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : 0);
  size_t n = 0;
  for (;;) {
    if (n == bytes.size()) bytes.resize(std::min(max_bytes + 1, std::max<size_t>(n + 65536, bytes.size() * 2)));
    if (n == bytes.size()) fail(component, path, "file is larger than " + std::to_string(max_bytes) + " bytes");
    const ssize_t r = ::read(f.fd, bytes.data() + n, bytes.size() - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail(component, path, std::string("read error: ") + std::strerror(errno));
    }
    if (r == 0) break;
    n += static_cast<size_t>(r);
    if (n > max_bytes) fail(component, path, "file is larger than " + std::to_string(max_bytes) + " bytes");
  }
  bytes.resize(n);
  bytes.shrink_to_fit();
  return bytes;
}

std::vector<uint8_t> read_file(const std::string& path, const char* component, size_t max_bytes,
                               DeclaredSize declared_size) {
  // A compressed file is at most its content's size plus a little (stored blocks), so the raw
  // read shares the content's cap.
  std::vector<uint8_t> bytes = read_file_raw(path, component, max_bytes + max_bytes / 64 + 1024);
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
    return gunzip(bytes, component, path, max_bytes, declared_size);
  if (bytes.size() > max_bytes) fail(component, path, "file is larger than " + std::to_string(max_bytes) + " bytes");
  return bytes;
}

std::string save_destination_problem(const std::string& path) {
  if (path.empty()) return "no file name";
  if (path.back() == '/') return "names a folder, not a file";
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      return "is a symbolic link; nnviz does not save through links (save to the file it points to instead)";
    if (S_ISDIR(st.st_mode)) return "is a folder, not a file";
    if (!S_ISREG(st.st_mode)) return "is not a regular file (a device, a pipe or a socket); nothing was written to it";
  } else if (errno != ENOENT) {
    return open_problem(errno);
  }
  const std::string folder = parent_folder(path);
  struct stat fs;
  if (::stat(folder.c_str(), &fs) != 0)
    return errno == ENOENT ? "the folder " + folder + " does not exist" : "the folder " + folder + ": " + open_problem(errno);
  if (!S_ISDIR(fs.st_mode)) return "cannot create a file there: " + std::string(std::strerror(ENOTDIR)) + " (" + folder + ")";
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    return "cannot create a file there: " + std::string(std::strerror(errno)) + " (the folder " + folder + ")";
  return "";
}

void write_file_atomic(const std::string& path, const std::string& bytes, const char* component) {
  if (const std::string why = save_destination_problem(path); !why.empty())
    fail(component, path, why + " (nothing was written)");
  // The mode of the file being replaced, else the usual rw-r--r--.
  mode_t mode = 0644;
  struct stat old;
  if (::lstat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode)) mode = old.st_mode & 07777;
  // An unpredictable name, created with O_EXCL (which also never follows a link at that name):
  // retried on a clash.
  std::random_device rd;
  std::string tmp;
  Fd f;
  for (int attempt = 0; attempt < 16 && f.fd < 0; ++attempt) {
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, ".%08x%08x.tmp", unsigned(rd()), unsigned(rd()));
    tmp = path + suffix;
    f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (f.fd < 0 && errno != EEXIST) break;
  }
  if (f.fd < 0) fail(component, path, std::string("cannot create a file there: ") + std::strerror(errno));
  auto abandon = [&](const std::string& what) {
    ::close(f.fd);
    f.fd = -1;
    ::unlink(tmp.c_str());
    fail(component, path, what);
  };
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(f.fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      abandon(std::string("write failed: ") + std::strerror(errno) + " (the previous file is unchanged)");
    }
    done += static_cast<size_t>(w);
  }
  (void)::fchmod(f.fd, mode);
  if (::fsync(f.fd) != 0) abandon(std::string("write failed: ") + std::strerror(errno) + " (the previous file is unchanged)");
  const int close_rc = ::close(f.fd);
  f.fd = -1;
  if (close_rc != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(component, path, std::string("write failed: ") + std::strerror(e) + " (the previous file is unchanged)");
  }
  // rename() replaces the directory entry itself: had a link appeared at the path since the check
  // above, the link would be replaced, never the file it points to.
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(component, path, std::string("cannot replace the file: ") + std::strerror(e));
  }
  // The rename itself reaches the disk with the folder's entry: a power cut right after a save
  // then leaves the new file, not possibly the old one. (Best effort: some filesystems refuse.)
  Fd dir;
  dir.fd = ::open(parent_folder(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir.fd >= 0) (void)::fsync(dir.fd);
}

namespace {
std::string user_dir(const char* xdg_var, const char* fallback) {
  std::string base;
  if (const char* x = std::getenv(xdg_var); x && *x == '/') base = x;  // XDG: only absolute paths count
  else if (const char* home = std::getenv("HOME"); home && *home) base = std::string(home) + "/" + fallback;
  else base = "/tmp/nnviz-" + std::to_string(::getuid());
  const std::string dir = base + "/nnviz";
  if (const std::string why = make_folders(dir); !why.empty()) throw Error("[files] " + why);
  return dir;
}
}  // namespace

std::vector<std::string> folder_entries(const std::string& dir, const char* component) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw Error("[" + std::string(component) + "] " + dir + ": cannot be read (" + std::strerror(errno) + ")");
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.empty() || n[0] == '.') continue;
    out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string user_data_dir() { return user_dir("XDG_DATA_HOME", ".local/share"); }
std::string user_config_dir() { return user_dir("XDG_CONFIG_HOME", ".config"); }

size_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return size_t(4) << 30;  // unknown: assume a small machine
  return size_t(pages) * size_t(page);
}

std::string make_folders(const std::string& path, bool private_folders) {
  if (path.empty()) return "no folder name";
  std::string sofar;
  size_t pos = 0;
  while (pos <= path.size()) {
    const size_t slash = path.find('/', pos);
    const size_t end = slash == std::string::npos ? path.size() : slash;
    sofar = path.substr(0, end);
    pos = end + 1;
    if (sofar.empty() || sofar == "." || sofar == "..") {
      if (slash == std::string::npos) break;
      continue;
    }
    if (::mkdir(sofar.c_str(), private_folders ? 0700 : 0755) != 0 && errno != EEXIST)
      return "cannot create the folder " + sofar + ": " + std::strerror(errno);
    struct stat st;
    if (::stat(sofar.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return sofar + " exists but is not a folder";
    if (slash == std::string::npos) break;
  }
  return "";
}

}  // namespace nnviz
