#include "fileio.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "scalar.h"

namespace nnviz {

namespace {
[[noreturn]] void fail(const char* component, const std::string& path, const std::string& what) {
  throw Error(std::string("[") + component + "] " + path + ": " + what);
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in, const char* component, const std::string& path,
                            size_t max_bytes) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 16) != Z_OK) fail(component, path, "cannot initialise zlib");
  std::vector<uint8_t> out;
  out.resize(std::min(max_bytes, std::max<size_t>(in.size() * 4, 1 << 16)));
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  size_t produced = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (produced == out.size()) {
      if (out.size() >= max_bytes) {
        inflateEnd(&zs);
        fail(component, path, "decompressed size exceeds " + std::to_string(max_bytes) + " bytes");
      }
      out.resize(std::min(max_bytes, out.size() * 2));
    }
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, 1u << 30));
    rc = inflate(&zs, Z_NO_FLUSH);
    produced = static_cast<size_t>(zs.next_out - out.data());
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      fail(component, path, "truncated gzip stream");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
      inflateEnd(&zs);
      fail(component, path, "damaged gzip stream (" + msg + ")");
    }
  }
  inflateEnd(&zs);
  out.resize(produced);
  return out;
}
}  // namespace

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<uint8_t> read_file(const std::string& path, const char* component, size_t max_bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) fail(component, path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail(component, path, "is a folder, not a file");
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(component, path, "cannot open for reading");
  std::vector<uint8_t> bytes;
  f.seekg(0, std::ios::end);
  const std::streamoff n = f.tellg();
  if (n < 0) fail(component, path, "cannot determine size");
  if (static_cast<uint64_t>(n) > max_bytes) fail(component, path, "file is larger than " + std::to_string(max_bytes) + " bytes");
  f.seekg(0, std::ios::beg);
  bytes.resize(static_cast<size_t>(n));
  if (n > 0 && !f.read(reinterpret_cast<char*>(bytes.data()), n)) fail(component, path, "read error");
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return gunzip(bytes, component, path, max_bytes);
  return bytes;
}

void write_file_atomic(const std::string& path, const std::string& bytes, const char* component) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(component, path, std::string("cannot create a file there: ") + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(component, path, std::string("write failed: ") + std::strerror(e) + " (the previous file is unchanged)");
    }
    done += static_cast<size_t>(w);
  }
  const int sync_rc = ::fsync(fd);
  const int sync_errno = errno;
  const int close_rc = ::close(fd);
  if (sync_rc != 0 || close_rc != 0) {
    const int e = sync_rc != 0 ? sync_errno : errno;
    ::unlink(tmp.c_str());
    fail(component, path, std::string("write failed: ") + std::strerror(e) + " (the previous file is unchanged)");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(component, path, std::string("cannot replace the file: ") + std::strerror(e));
  }
  // The rename itself reaches the disk with the folder's entry: a power cut right after a save
  // then leaves the new file, not possibly the old one. (Best effort: some filesystems refuse.)
  const size_t slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int dfd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace nnviz
