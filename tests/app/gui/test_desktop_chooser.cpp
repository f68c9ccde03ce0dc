// The desktop file chooser's process part (app/gui/desktop_chooser.h), with stand-in scripts for
// zenity: the path it prints comes back whole, a cancel is a cancel, a chooser that takes its time
// never holds up the caller, and one still open when its owner goes is ended and reaped.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "desktop_chooser.h"
#include "test_util.h"

using namespace nnviz::gui;
using namespace nnviz::test;
using Clock = std::chrono::steady_clock;
using State = ChooserProcess::State;

namespace {

std::string script(const TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.file(name);
  {
    std::ofstream f(path);
    f << "#!/bin/sh\n" << body << "\n";
  }
  ::chmod(path.c_str(), 0755);
  return path;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Polls as a frame loop would, every 10 ms, until the chooser is no longer running (at most 10 s).
State outcome(ChooserProcess& c) {
  const auto t0 = Clock::now();
  for (;;) {
    const State s = c.poll();
    if (s != State::Running || seconds_since(t0) > 10) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Whether the process is gone or a zombie (dead, its parent yet to reap it).
bool dead(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  if (!f) return true;
  std::string stat;
  std::getline(f, stat);
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

}  // namespace

TEST_CASE("the chooser's path comes back whole: spaces, quotes, the trailing newline taken off") {
  TempDir dir;
  const std::string answer = "/home/a user/runs/it's a \"good\" run $HOME;.safetensors";
  ChooserProcess c;
  REQUIRE(c.start({script(dir, "zenity", "printf '%s\\n' \"$1\""), answer}));
  CHECK(c.running());
  CHECK(outcome(c) == State::Chosen);
  CHECK(c.path() == answer);
  CHECK_FALSE(c.running());
  CHECK(c.poll() == State::Idle);  // the outcome is given once
}

TEST_CASE("the chooser's arguments reach it as they are, one each, with no shell between") {
  TempDir dir;
  const std::string args = dir.file("args");
  ChooserProcess c;
  REQUIRE(c.start({script(dir, "zenity", "printf '%s|' \"$@\" > '" + args + "'; echo /x"), "--filename=/a b/c's/",
                   "two words", "$(touch " + dir.file("pwned") + ")", "*"}));
  CHECK(outcome(c) == State::Chosen);
  CHECK(read_text(args) == "--filename=/a b/c's/|two words|$(touch " + dir.file("pwned") + ")|*|");
  struct stat st;
  CHECK(::stat(dir.file("pwned").c_str(), &st) != 0);
}

TEST_CASE("a cancel is recognised: exit status 1, or no output") {
  TempDir dir;
  ChooserProcess c;
  REQUIRE(c.start({script(dir, "cancel", "echo /not/this/one; exit 1")}));
  CHECK(outcome(c) == State::Cancelled);
  CHECK(c.path().empty());
  REQUIRE(c.start({script(dir, "empty", "exit 0")}));
  CHECK(outcome(c) == State::Cancelled);
}

TEST_CASE("a chooser that fails says how, with the last line of its errors") {
  TempDir dir;
  ChooserProcess c;
  REQUIRE(c.start({script(dir, "zenity", "echo 'warning: something' >&2; echo 'cannot open display: :99' >&2; exit 3")}));
  CHECK(outcome(c) == State::Failed);
  CHECK(c.error() == "zenity ended with status 3: cannot open display: :99");
  // A program that is not there: the child cannot exec it.
  REQUIRE(c.start({dir.file("missing")}));
  CHECK(outcome(c) == State::Failed);
  CHECK(c.error().find("status 127: cannot run " + dir.file("missing")) != std::string::npos);
  CHECK_FALSE(c.start({}));
}

TEST_CASE("a slow chooser never holds up the caller, and only one runs at a time") {
  TempDir dir;
  ChooserProcess c;
  auto t0 = Clock::now();
  REQUIRE(c.start({script(dir, "slow", "sleep 1; echo /late/answer.safetensors")}));
  CHECK(seconds_since(t0) < 0.5);
  t0 = Clock::now();
  for (int i = 0; i < 20; ++i) CHECK(c.poll() == State::Running);
  CHECK(seconds_since(t0) < 0.5);
  CHECK_FALSE(c.start({script(dir, "second", "echo /other")}));
  CHECK(c.error() == "a file chooser is open already");
  CHECK(outcome(c) == State::Chosen);
  CHECK(c.path() == "/late/answer.safetensors");
}

TEST_CASE("a chooser still open when its owner goes is ended and reaped, with what it started") {
  TempDir dir;
  const std::string pids = dir.file("pids");
  // The stand-in starts a child of its own, as a chooser might, and waits: SIGTERM to the script
  // alone would leave the sleep behind.
  const std::string never = script(dir, "never", "sleep 600 & echo $$ $! > '" + pids + "'; wait");
  auto c = std::make_unique<ChooserProcess>();
  REQUIRE(c->start({never}));
  pid_t pid = -1, grandchild = -1;
  const auto t0 = Clock::now();
  while (read_text(pids).find(' ') == std::string::npos && seconds_since(t0) < 10) {
    CHECK(c->poll() == State::Running);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::istringstream(read_text(pids)) >> pid >> grandchild;
  REQUIRE(pid == c->pid());
  REQUIRE(grandchild > 0);
  const auto t1 = Clock::now();
  c.reset();  // still running
  CHECK(seconds_since(t1) < 1.0);
  // Reaped: it is no child of ours any more (a zombie would still be waitable).
  errno = 0;
  CHECK(::waitpid(pid, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
  CHECK(dead(pid));
  // Its own child got the signal too (it may wait a moment for whoever adopted it to reap it).
  const auto t2 = Clock::now();
  while (!dead(grandchild) && seconds_since(t2) < 5) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(dead(grandchild));
}

TEST_CASE("cancel ends the chooser at once and leaves it ready for the next") {
  TempDir dir;
  ChooserProcess c;
  REQUIRE(c.start({script(dir, "never", "exec sleep 600")}));
  const pid_t pid = c.pid();
  const auto t0 = Clock::now();
  c.cancel();
  CHECK(seconds_since(t0) < 1.0);
  CHECK_FALSE(c.running());
  CHECK(c.poll() == State::Idle);
  errno = 0;
  CHECK(::waitpid(pid, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
  // One that ignores SIGTERM is killed after a moment.
  REQUIRE(c.start({script(dir, "stubborn", "trap '' TERM; sleep 600 & wait; wait")}));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the trap set
  const auto t1 = Clock::now();
  c.cancel();
  CHECK(seconds_since(t1) < 2.0);
  CHECK_FALSE(c.running());
  REQUIRE(c.start({script(dir, "next", "echo /next")}));
  CHECK(outcome(c) == State::Chosen);
  CHECK(c.path() == "/next");
}

TEST_CASE("the chooser found: forced, or zenity / kdialog on PATH, kdialog first under KDE") {
  TempDir a, b;
  const std::string zen = script(a, "zenity", "exit 0"), kde = script(b, "kdialog", "exit 0");
  script(b, "zenity", "exit 0");
  const std::string both = a.path() + ":" + b.path();
  CHECK(FindChooser(nullptr, both.c_str(), nullptr).program == zen);
  CHECK(FindChooser("", both.c_str(), "GNOME").name == "zenity");
  CHECK(FindChooser("auto", both.c_str(), "KDE").program == kde);
  CHECK(FindChooser(nullptr, b.path().c_str(), "ubuntu:GNOME").program == b.file("zenity"));
  CHECK_FALSE(FindChooser("none", both.c_str(), nullptr));
  CHECK(FindChooser("kdialog", both.c_str(), nullptr).program == kde);
  std::string note;
  CHECK_FALSE(FindChooser("kdialog", a.path().c_str(), nullptr, &note));
  CHECK(note.find("kdialog is not on PATH") != std::string::npos);
  note.clear();
  CHECK(FindChooser("gtk", both.c_str(), nullptr, &note).program == zen);
  CHECK(note.find("taken as auto") != std::string::npos);
  CHECK_FALSE(FindChooser(nullptr, nullptr, nullptr));
  // Not an executable, a folder of that name, or a relative PATH entry: none of them counts.
  TempDir c;
  std::ofstream(c.file("zenity")) << "#!/bin/sh\n";
  ::mkdir(c.file("kdialog").c_str(), 0755);
  CHECK_FALSE(FindChooser(nullptr, c.path().c_str(), nullptr));
  CHECK_FALSE(FindChooser(nullptr, ("::.:" + std::filesystem::relative(a.path()).string()).c_str(), nullptr));
}

TEST_CASE("the chooser's command lines for opening and saving") {
  const ChooserTool zen{"zenity", "/usr/bin/zenity"}, kde{"kdialog", "/usr/bin/kdialog"};
  using V = std::vector<std::string>;
  CHECK(ChooserArgs(zen, false, "/home/a b/runs", "Open run or model") ==
        V{"/usr/bin/zenity", "--file-selection", "--title=Open run or model", "--filename=/home/a b/runs/",
          "--file-filter=Runs, models and lessons | *.safetensors *.nnviz-lesson.json", "--file-filter=All files | *"});
  CHECK(ChooserArgs(zen, true, "/home/a b/run 1.safetensors", "Save run") ==
        V{"/usr/bin/zenity", "--file-selection", "--title=Save run", "--save", "--filename=/home/a b/run 1.safetensors",
          "--file-filter=Runs and models (*.safetensors) | *.safetensors", "--file-filter=All files | *"});
  CHECK(ChooserArgs(kde, false, "/", "Open run or model") ==
        V{"/usr/bin/kdialog", "--title", "Open run or model", "--getopenfilename", "/",
          "*.safetensors *.nnviz-lesson.json|Runs, models and lessons\n*|All files"});
  CHECK(ChooserArgs(kde, true, "/r.safetensors", "Save run")[5] == "*.safetensors|Runs and models (*.safetensors)\n*|All files");
  CHECK(ChooserArgs(kde, true, "-odd.safetensors", "Save run")[4] == "./-odd.safetensors");
  CHECK(ChooserArgs(kde, true, "/m.onnx", "Save run", true)[5] == "*.onnx|ONNX models (*.onnx)\n*|All files");
  CHECK(ChooserArgs(zen, true, "/m.onnx", "Save run", true)[5] == "--file-filter=ONNX models (*.onnx) | *.onnx");
  CHECK(ChooserArgs(kde, true, "/r.safetensors", "Save run")[3] == "--getsavefilename");
}
