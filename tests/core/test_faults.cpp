// Faults around files: a save killed half-way, a full disk, a read-only folder, missing and
// damaged data. Each must leave a usable previous file (and the network in memory) behind, and
// say clearly what went wrong and where.
//
// Some checks need a private mount namespace (a small tmpfs for a real ENOSPC, a read-only mount
// for root, whom file permissions do not stop). They run in a child process that creates one;
// without the privileges for it they are skipped with a MESSAGE and the other checks still run.
#include <doctest/doctest.h>

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "data/dataset.h"
#include "io/model_io.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {

namespace fs = std::filesystem;

// A dense layer of inputs x units weights; different seeds give different values.
Network make_net(int inputs, int units, uint64_t seed) {
  NetSpec spec;
  spec.input = Shape{1, 1, inputs};
  spec.layers = {dense(units)};
  Network net(spec);
  net.initialise(InitKind::He, seed);
  return net;
}

ModelFile meta_for(const Network& net) {
  ModelFile m;
  m.config.net = net.spec();
  m.info.set("note", "fault test");
  return m;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The names in a folder other than `keep`.
std::vector<std::string> others(const std::string& dir, const std::string& keep) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename() != keep) out.push_back(e.path().filename().string());
  return out;
}

// Runs body in a child process; returns "" when it succeeded, the text it returned when it
// failed, or "skip: ..." when it could not set itself up. The child never returns into doctest.
std::string in_child(const std::function<std::string()>& body) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::string result;
    try {
      result = body();
    } catch (const std::exception& e) {
      result = std::string("unexpected exception: ") + e.what();
    }
    if (::write(fds[1], result.data(), result.size()) < 0) _exit(2);
    _exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "the child process died (status " + std::to_string(status) + ")";
  return out;
}

// In the child: a private mount namespace with a fresh tmpfs of `size` on dir.
std::string private_tmpfs(const std::string& dir, const char* size) {
  if (::unshare(CLONE_NEWNS) != 0) return std::string("skip: cannot create a mount namespace: ") + std::strerror(errno);
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return std::string("skip: cannot make the mounts private: ") + std::strerror(errno);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, size) != 0)
    return std::string("skip: cannot mount a tmpfs: ") + std::strerror(errno);
  return "";
}

// While alive: files may grow to at most `bytes`, and a write past that fails with EFBIG instead
// of raising SIGXFSZ (which would end the process). Needs no privileges.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit r = old_;
    r.rlim_cur = bytes;
    ok_ = ::setrlimit(RLIMIT_FSIZE, &r) == 0;
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit old_{};
  sighandler_t old_handler_;
  bool ok_ = false;
};

}  // namespace

TEST_CASE("faults: a save killed at any moment leaves the old model or the new one, never a torn file") {
  TempDir tmp;
  const std::string name = "model.safetensors", path = tmp.file(name);
  // 16 MB files: a save takes long enough for the kills to land inside it.
  Network a = make_net(2048, 2048, 1), b = make_net(2048, 2048, 2);
  const std::vector<Scalar> va = a.flat_values(), vb = b.flat_values();
  const ModelFile meta = meta_for(a);
  save_model(path, a, meta);

  const auto t0 = std::chrono::steady_clock::now();
  save_model(tmp.file("timing.safetensors"), b, meta);
  const double save_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fs::remove(tmp.file("timing.safetensors"));

  std::mt19937 rng(20240611);
  std::uniform_real_distribution<double> when(0.0, 2.5 * save_s);
  bool holds_b = false;
  int rounds_new = 0, rounds_old = 0, strays = 0;
  for (int round = 0; round < 20; ++round) {
    Network* next = holds_b ? &a : &b;  // the child saves the other one, over and over
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      try {
        for (;;) save_model(path, *next, meta);
      } catch (...) {
      }
      _exit(3);
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(when(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    INFO("round ", round);
    CHECK_MESSAGE(WIFSIGNALED(status), "the saving child stopped by itself (a failed save?)");

    // The model file is always complete: the old one or the new one.
    LoadedModel m = [&] {
      try {
        return load_model(path);
      } catch (const Error& e) {
        FAIL("a torn model file after a kill: ", e.what());
        throw;
      }
    }();
    const std::vector<Scalar> v = m.net.flat_values();
    const bool is_a = v == va, is_b = v == vb;
    CHECK((is_a || is_b));
    (is_b != holds_b ? rounds_new : rounds_old)++;
    holds_b = is_b;

    // A save cut short may leave its temp file: never under a name that looks like a model.
    for (const std::string& other : others(tmp.path(), name)) {
      CHECK(contains(other, ".tmp"));
      CHECK(other.size() >= 12);
      CHECK(other.compare(other.size() - 12, 12, ".safetensors") != 0);
      fs::remove(tmp.file(other));
      ++strays;
    }
  }
  MESSAGE("20 kills during saves of a 16 MB model (one save ", save_s * 1000, " ms): ", rounds_new,
          " left the new file, ", rounds_old, " the old one, ", strays, " a stray temp file; never a torn file");
  WARN_MESSAGE(rounds_new > 0, "no kill landed after a completed save");
  WARN_MESSAGE(strays > 0, "no kill landed inside a write");
}

TEST_CASE("faults: a full disk during a save is a clear error, the old file and the network in memory stay") {
  TempDir tmp;
  const std::string name = "model.safetensors", path = tmp.file(name);
  Network old_net = make_net(16, 4, 1);
  save_model(path, old_net, meta_for(old_net));
  const auto before = read_bytes(path);

  SUBCASE("no room left for the file (RLIMIT_FSIZE: write fails with EFBIG, no privileges needed)") {
    Network net = make_net(256, 256, 2);  // 256 KB of weights, over the 64 KB limit
    const std::vector<Scalar> values = net.flat_values();
    std::string err;
    {
      FileSizeLimit limit(64 * 1024);
      REQUIRE(limit.ok());
      err = error_of([&] { save_model(path, net, meta_for(net)); });
    }
    CHECK(contains(err, path));
    CHECK(contains(err, "File too large"));
    CHECK(contains(err, "the previous file is unchanged"));
    CHECK(read_bytes(path) == before);
    CHECK(net.flat_values() == values);  // the trained network is still there to save elsewhere
    CHECK(others(tmp.path(), name).empty());  // the temp file was removed
    // With room again, the same network saves and reads back.
    save_model(path, net, meta_for(net));
    CHECK(load_model(path).net.flat_values() == values);
  }

  SUBCASE("a real full file system (a 256 KB tmpfs, ENOSPC; needs mount privileges)") {
    Network small = make_net(16, 4, 3), big = make_net(512, 256, 4);  // 512 KB of weights
    const std::vector<Scalar> big_values = big.flat_values();
    const std::string dir = tmp.file("full");
    fs::create_directory(dir);
    const std::string result = in_child([&]() -> std::string {
      if (std::string e = private_tmpfs(dir, "size=256k"); !e.empty()) return e;
      const std::string p = dir + "/" + name;
      save_model(p, small, meta_for(small));
      const auto kept = read_bytes(p);
      const std::string err = error_of([&] { save_model(p, big, meta_for(big)); });
      if (!contains(err, p) || !contains(err, "No space left on device")) return "unexpected error: " + err;
      if (read_bytes(p) != kept) return "the previous file changed";
      if (load_model(p).net.flat_values() != small.flat_values()) return "the previous file does not load as before";
      if (big.flat_values() != big_values) return "the network in memory changed";
      if (!others(dir, name).empty()) return "a temp file was left on the full disk";
      return "";
    });
    if (result.rfind("skip: ", 0) == 0)
      MESSAGE("real ENOSPC check skipped (", result.substr(6), "); the RLIMIT_FSIZE check covers the same path");
    else
      CHECK_MESSAGE(result.empty(), result);
  }
}

TEST_CASE("faults: a read-only folder during a save is a clear error, the old file stays") {
  TempDir tmp;
  const std::string name = "model.safetensors";
  Network old_net = make_net(16, 4, 1), net = make_net(16, 4, 2);
  const std::vector<Scalar> values = net.flat_values();

  if (::geteuid() != 0) {
    const std::string dir = tmp.file("ro"), path = dir + "/" + name;
    fs::create_directory(dir);
    save_model(path, old_net, meta_for(old_net));
    const auto before = read_bytes(path);
    REQUIRE(::chmod(dir.c_str(), 0555) == 0);
    const std::string err = error_of([&] { save_model(path, net, meta_for(net)); });
    ::chmod(dir.c_str(), 0755);
    CHECK(contains(err, path));
    CHECK(contains(err, "cannot create a file there: Permission denied"));
    CHECK(read_bytes(path) == before);
  } else {
    // Root ignores file permissions: a read-only mount stops root too.
    const std::string dir = tmp.file("ro");
    fs::create_directory(dir);
    const std::string result = in_child([&]() -> std::string {
      if (std::string e = private_tmpfs(dir, "size=1m"); !e.empty()) return e;
      const std::string path = dir + "/" + name;
      save_model(path, old_net, meta_for(old_net));
      const auto before = read_bytes(path);
      if (::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) != 0)
        return std::string("skip: cannot remount read-only: ") + std::strerror(errno);
      const std::string err = error_of([&] { save_model(path, net, meta_for(net)); });
      if (!contains(err, path) || !contains(err, "Read-only file system")) return "unexpected error: " + err;
      if (read_bytes(path) != before) return "the previous file changed";
      if (load_model(path).net.flat_values() != old_net.flat_values()) return "the previous file does not load";
      return "";
    });
    if (result.rfind("skip: ", 0) == 0)
      MESSAGE("running as root without mount privileges: the read-only folder check is skipped (", result.substr(6), ")");
    else
      CHECK_MESSAGE(result.empty(), result);
  }
  // For everyone: a folder that cannot hold files (a path through a regular file).
  const std::string file = tmp.file("plain-file");
  write_bytes(file, {1, 2, 3});
  const std::string err = error_of([&] { save_model(file + "/" + name, net, meta_for(net)); });
  CHECK(contains(err, file + "/" + name));
  CHECK(contains(err, "Not a directory"));
  CHECK(read_bytes(file) == std::vector<uint8_t>{1, 2, 3});
  CHECK(net.flat_values() == values);
}

namespace {

// The four IDX files of a tiny MNIST-like set: 12 training and 3 test images of 2x2.
void write_tiny_mnist(const std::string& dir) {
  std::vector<uint8_t> train(12 * 4), test(3 * 4), ytr(12), yte(3);
  for (size_t i = 0; i < train.size(); ++i) train[i] = static_cast<uint8_t>(i * 5);
  for (size_t i = 0; i < ytr.size(); ++i) ytr[i] = static_cast<uint8_t>(i % 10);
  write_bytes(dir + "/train-images-idx3-ubyte", idx_bytes({12, 2, 2}, train));
  write_bytes(dir + "/train-labels-idx1-ubyte", idx_bytes({12}, ytr));
  write_bytes(dir + "/t10k-images-idx3-ubyte", idx_bytes({3, 2, 2}, test));
  write_bytes(dir + "/t10k-labels-idx1-ubyte", idx_bytes({3}, yte));
}

}  // namespace

TEST_CASE("faults: missing data files are an error that says what to run") {
  TempDir tmp;
  const std::string err = error_of([&] { Dataset::load(DatasetKind::Mnist, tmp.path(), NormMode::Standard); });
  CHECK(contains(err, tmp.path() + "/train-images-idx3-ubyte not found"));
  CHECK(contains(err, "run scripts/setup.sh"));
  CHECK(contains(err, "--data"));
  const std::string fashion = error_of([&] { Dataset::load(DatasetKind::Fashion, tmp.path(), NormMode::Standard); });
  CHECK(contains(fashion, "not found"));
  CHECK(contains(fashion, "dataset-fashion-mnist"));
  // Three of the four files: the missing one is named.
  write_tiny_mnist(tmp.path());
  fs::remove(tmp.file("t10k-labels-idx1-ubyte"));
  CHECK(contains(error_of([&] { Dataset::load(DatasetKind::Mnist, tmp.path(), NormMode::Standard); }),
                 "t10k-labels-idx1-ubyte not found"));
}

TEST_CASE("faults: damaged data files are an error naming the file, the problem and the fix") {
  TempDir tmp;
  write_tiny_mnist(tmp.path());
  CHECK(Dataset::load(DatasetKind::Mnist, tmp.path(), NormMode::Standard).train.count == 10);
  auto load_error = [&] { return error_of([&] { Dataset::load(DatasetKind::Mnist, tmp.path(), NormMode::Standard); }); };

  SUBCASE("truncated images") {
    auto b = read_bytes(tmp.file("train-images-idx3-ubyte"));
    b.resize(b.size() - 7);
    write_bytes(tmp.file("train-images-idx3-ubyte"), b);
    const std::string err = load_error();
    CHECK(contains(err, tmp.file("train-images-idx3-ubyte")));
    CHECK(contains(err, "truncated"));
    CHECK(contains(err, "scripts/setup.sh fetches it again"));
  }
  SUBCASE("not an IDX file") {
    write_bytes(tmp.file("t10k-images-idx3-ubyte"), {'<', 'h', 't', 'm', 'l', '>'});
    const std::string err = load_error();
    CHECK(contains(err, tmp.file("t10k-images-idx3-ubyte")));
    CHECK(contains(err, "bad magic number"));
    CHECK(contains(err, "scripts/setup.sh"));
  }
  SUBCASE("a label out of range") {
    auto b = read_bytes(tmp.file("train-labels-idx1-ubyte"));
    b.back() = 42;
    write_bytes(tmp.file("train-labels-idx1-ubyte"), b);
    const std::string err = load_error();
    CHECK(contains(err, tmp.file("train-labels-idx1-ubyte")));
    CHECK(contains(err, "label 42"));
  }
  SUBCASE("a damaged gzip file") {
    fs::remove(tmp.file("train-labels-idx1-ubyte"));
    write_gz(tmp.file("train-labels-idx1-ubyte.gz"), idx_bytes({12}, std::vector<uint8_t>(12, 1)));
    auto b = read_bytes(tmp.file("train-labels-idx1-ubyte.gz"));
    b.resize(b.size() / 2);
    write_bytes(tmp.file("train-labels-idx1-ubyte.gz"), b);
    const std::string err = load_error();
    CHECK(contains(err, tmp.file("train-labels-idx1-ubyte.gz")));
    CHECK(contains(err, "gzip"));
    CHECK(contains(err, "scripts/setup.sh"));
  }
  SUBCASE("images and labels that disagree") {
    write_bytes(tmp.file("t10k-labels-idx1-ubyte"), idx_bytes({2}, {1, 2}));
    const std::string err = load_error();
    CHECK(contains(err, "holds 3 images"));
    CHECK(contains(err, "2 labels"));
  }
}
