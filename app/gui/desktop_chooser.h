// The desktop's own file chooser (zenity or kdialog) for the Save and Open dialogs, run as a
// child process beside the frame loop: started from a button, polled once a frame, never waited
// for. No ImGui here, so that the unit tests can run it with a stand-in script.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace nnviz::gui {

struct ChooserTool {
  std::string name;     // "zenity" or "kdialog"; empty: none (the in-app browser only)
  std::string program;  // its full path, as found on PATH
  explicit operator bool() const { return !program.empty(); }
};

// The chooser to use. `choice` is NNVIZ_FILE_CHOOSER: "none", "zenity" or "kdialog" forces it (a
// forced one not on PATH is none); unset, empty or "auto" takes whichever `path` (PATH) has,
// kdialog first when `desktop` (XDG_CURRENT_DESKTOP) names KDE, zenity first otherwise. Any null
// is read as unset. An unknown choice or a missing forced chooser is said in *note.
ChooserTool FindChooser(const char* choice, const char* path, const char* desktop, std::string* note = nullptr);

// The command line (argv[0] the program) asking `tool` for a file to open, starting in the folder
// `start`, or for a path to save to, suggesting the path `start`. Run files and models
// (*.safetensors; opening also lessons, saving with `onnx` ONNX models, *.onnx), with "All files"
// as the other filter. No overwrite question: the Save dialog asks its own.
std::vector<std::string> ChooserArgs(const ChooserTool& tool, bool saving, const std::string& start,
                                     const std::string& title, bool onnx = false);

// One chooser process at a time. Its answer is its standard output (the path and a newline);
// exit status 1 or no output is a cancel, anything else a failure (with the last line it wrote
// to its standard error).
class ChooserProcess {
 public:
  enum class State { Idle, Running, Chosen, Cancelled, Failed };
  ChooserProcess() = default;
  ChooserProcess(const ChooserProcess&) = delete;
  ChooserProcess& operator=(const ChooserProcess&) = delete;
  ~ChooserProcess() { cancel(); }

  // Starts argv as it is (no shell: spaces and quotes in a path are only characters). False, with
  // error(), when it could not start or one is running already.
  bool start(const std::vector<std::string>& argv);
  // Never blocks: reads what the chooser wrote so far and reaps it once it has ended. Running
  // until then; then its outcome once (Chosen: path(); Failed: error()), and Idle after that.
  State poll();
  // Ends a running chooser and what it started (its process group): SIGTERM, SIGKILL if it is
  // still there after a moment, and reaps it. Nothing when none runs.
  void cancel();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  void close_pipes();
  State finish(int status);
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;  // the read ends of its stdout and stderr, non-blocking
  std::string program_, out_text_, err_text_, path_, error_;
};

}  // namespace nnviz::gui
