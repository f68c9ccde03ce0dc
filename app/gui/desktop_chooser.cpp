// The desktop's file chooser as a child process (desktop_chooser.h).
#include "desktop_chooser.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace nnviz::gui {

namespace {

// The executable `name` in the absolute folders of `path`. Relative entries (and the empty one,
// which means the current folder) are passed over: a chooser is never run from wherever the app
// was started.
std::string on_path(const std::string& name, const std::string& path) {
  size_t from = 0;
  while (from <= path.size()) {
    size_t to = path.find(':', from);
    if (to == std::string::npos) to = path.size();
    const std::string dir = path.substr(from, to - from);
    from = to + 1;
    if (dir.empty() || dir[0] != '/') continue;
    const std::string full = dir.back() == '/' ? dir + name : dir + "/" + name;
    struct stat st;
    if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(full.c_str(), X_OK) == 0) return full;
  }
  return "";
}

// Appends what `fd` holds now (non-blocking) to `text`, keeping at most `cap` bytes: the first
// ones for a path, the last ones for an error.
void drain(int fd, std::string& text, size_t cap, bool keep_last) {
  if (fd < 0) return;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nothing more now (EAGAIN), or the end
    text.append(buf, size_t(n));
    if (text.size() > cap) {
      if (keep_last) text.erase(0, text.size() - cap);
      else text.resize(cap);
    }
  }
}

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  const size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

constexpr size_t kPathCap = 64 * 1024, kErrorCap = 4096;

}  // namespace

ChooserTool FindChooser(const char* choice, const char* path, const char* desktop, std::string* note) {
  const std::string want = choice ? choice : "", dirs = path ? path : "";
  auto tool = [&](const char* name) { return ChooserTool{name, on_path(name, dirs)}; };
  if (want == "none") return {};
  if (want == "zenity" || want == "kdialog") {
    ChooserTool t = tool(want.c_str());
    if (!t && note) *note = "NNVIZ_FILE_CHOOSER=" + want + ", but " + want + " is not on PATH: the in-app browser only";
    return t ? t : ChooserTool{};
  }
  if (!want.empty() && want != "auto" && note)
    *note = "NNVIZ_FILE_CHOOSER='" + want + "' is not none, zenity, kdialog or auto: taken as auto";
  const bool kde = desktop && std::strstr(desktop, "KDE");
  ChooserTool first = tool(kde ? "kdialog" : "zenity");
  if (first) return first;
  ChooserTool second = tool(kde ? "zenity" : "kdialog");
  return second ? second : ChooserTool{};
}

std::vector<std::string> ChooserArgs(const ChooserTool& tool, bool saving, const std::string& start,
                                     const std::string& title, bool onnx) {
  if (tool.name == "kdialog") {
    // KDE's filter syntax: "patterns|label" entries, one a line. A start that looks like an
    // option is made a plain relative path.
    std::string where = start.empty() ? "." : start;
    if (where[0] == '-') where = "./" + where;
    return {tool.program, "--title", title, saving ? "--getsavefilename" : "--getopenfilename", where,
            saving ? onnx ? "*.onnx|ONNX models (*.onnx)\n*|All files" : "*.safetensors|Runs and models (*.safetensors)\n*|All files"
                   : "*.safetensors *.nnviz-lesson.json|Runs, models and lessons\n*|All files"};
  }
  std::vector<std::string> a = {tool.program, "--file-selection", "--title=" + title};
  if (saving) a.push_back("--save");
  // zenity opens in the folder of --filename; a trailing slash names the folder itself.
  if (!start.empty()) a.push_back("--filename=" + (saving || start.back() == '/' ? start : start + "/"));
  // Opening also takes lessons (*.nnviz-lesson.json); a save writes a run.
  a.push_back(!saving ? "--file-filter=Runs, models and lessons | *.safetensors *.nnviz-lesson.json"
              : onnx  ? "--file-filter=ONNX models (*.onnx) | *.onnx"
                      : "--file-filter=Runs and models (*.safetensors) | *.safetensors");
  a.push_back("--file-filter=All files | *");
  return a;
}

bool ChooserProcess::start(const std::vector<std::string>& argv) {
  if (running()) {
    error_ = "a file chooser is open already";
    return false;
  }
  path_.clear(), error_.clear(), out_text_.clear(), err_text_.clear();
  if (argv.empty() || argv[0].empty()) {
    error_ = "no file chooser";
    return false;
  }
  program_ = argv[0].substr(argv[0].rfind('/') + 1);
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    error_ = std::string("cannot make a pipe: ") + std::strerror(errno);
    return false;
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    error_ = std::string("cannot make a pipe: ") + std::strerror(errno);
    ::close(out[0]), ::close(out[1]);
    return false;
  }
  // Everything the child needs is made before the fork: between fork and exec only
  // async-signal-safe calls (the app has other threads, whose locks the child would inherit).
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string cannot = "cannot run " + argv[0] + "\n";
  const pid_t parent = ::getpid();
  // Signals wait until the child has dropped the app's handlers: a cancel straight after the
  // start must end the child, not run the app's SIGTERM handler in a copy of the app.
  sigset_t all, before;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &before);
  const pid_t pid = ::fork();
  if (pid == 0) {
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);
    ::setpgid(0, 0);                    // its own group: cancel() ends what it starts too
    ::prctl(PR_SET_PDEATHSIG, SIGTERM); // and it goes if the app dies without cancelling it
    if (::getppid() != parent) ::_exit(1);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close_range(3, ~0U, 0);  // none of the app's files, windows or sockets
    ::execv(args[0], args.data());
    [[maybe_unused]] const ssize_t w = ::write(2, cannot.data(), cannot.size());
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
  ::close(out[1]), ::close(err[1]);
  if (pid < 0) {
    ::close(out[0]), ::close(err[0]);
    error_ = std::string("cannot start ") + program_ + ": " + std::strerror(fork_errno);
    return false;
  }
  ::setpgid(pid, pid);  // also here, so that a cancel straight away finds the group
  ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);
  ::fcntl(err[0], F_SETFL, ::fcntl(err[0], F_GETFL) | O_NONBLOCK);
  pid_ = pid, out_ = out[0], err_ = err[0];
  return true;
}

ChooserProcess::State ChooserProcess::poll() {
  if (!running()) return State::Idle;
  drain(out_, out_text_, kPathCap, false);  // a full pipe would stall the chooser
  drain(err_, err_text_, kErrorCap, true);
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0 || (r < 0 && errno == EINTR)) return State::Running;
  // Ended: all it wrote is in the pipes now. (r < 0 only if someone else reaped it: its status
  // is unknown, and its output, if any, is the answer.)
  drain(out_, out_text_, kPathCap, false);
  drain(err_, err_text_, kErrorCap, true);
  pid_ = -1;
  close_pipes();
  return finish(r < 0 ? 0 : status);
}

ChooserProcess::State ChooserProcess::finish(int status) {
  if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1)) {
    std::string p = WEXITSTATUS(status) == 0 ? out_text_ : "";
    if (!p.empty() && p.back() == '\n') p.pop_back();
    if (p.empty()) return State::Cancelled;
    path_ = p;
    return State::Chosen;
  }
  error_ = program_ + (WIFEXITED(status) ? " ended with status " + std::to_string(WEXITSTATUS(status))
                                         : " was ended by signal " + std::to_string(WTERMSIG(status)));
  if (const std::string why = last_line(err_text_); !why.empty()) error_ += ": " + why;
  return State::Failed;
}

void ChooserProcess::cancel() {
  if (!running()) return;
  ::kill(-pid_, SIGTERM);
  ::kill(pid_, SIGTERM);  // in case it never got its own group
  int status = 0;
  pid_t r = 0;
  // A chooser ends at once on SIGTERM; one that does not is killed after 0.3 s.
  for (int i = 0; i < 30 && r == 0; ++i) {
    r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Signals to the group only while its leader is not yet reaped: until then no other group can
  // take its number.
  if (r == 0) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  close_pipes();
}

void ChooserProcess::close_pipes() {
  if (out_ >= 0) ::close(out_);
  if (err_ >= 0) ::close(err_);
  out_ = err_ = -1;
}

}  // namespace nnviz::gui
