// File helpers shared by the loaders and savers: whole-file reads (gzip transparently) with
// clear errors, and atomic writes (temp file in the same folder, fsync, rename).
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

namespace nnviz {

// Reads a whole file. If it starts with the gzip magic it is decompressed. Throws
// nnviz::Error("[<component>] <path>: <problem>") when the file is missing, unreadable, a damaged
// gzip stream, or larger than max_bytes after decompression.
//
// A gzip stream is inflated piece by piece. `declared_size`, when given, is asked for the size the
// content's own header declares once the first bytes are out (it returns SIZE_MAX when it cannot
// tell, and may throw for a bad header): a header that declares more than max_bytes is refused
// before anything large is allocated, and a stream that holds more than its header declared is
// refused as soon as it passes that size. So a small file that would inflate to gigabytes costs
// neither the memory nor the time.
using DeclaredSize = size_t (*)(const uint8_t* head, size_t n);
std::vector<uint8_t> read_file(const std::string& path, const char* component,
                               size_t max_bytes = size_t(1) << 31, DeclaredSize declared_size = nullptr);

// The bytes of a file as they are (no decompression). Reads FIFOs, pipes and character devices
// such as /dev/stdin once, up to max_bytes, as well as regular files. Errors as read_file's.
std::vector<uint8_t> read_file_raw(const std::string& path, const char* component, size_t max_bytes);

// A text file (CSV) read one line at a time through a buffer of fixed size, so neither the file's
// length nor one long line ever becomes an allocation of that size. Opens regular files of at most
// max_bytes only: a device (/dev/zero) or a FIFO could stream forever or never end. Errors are
// Error("[<component>] <name>: <problem>"), and "<name> line N: ..." for a line over max_chars.
class TextLines {
 public:
  TextLines(const std::string& path, const char* component, size_t max_bytes, size_t max_chars = 1000);
  // Lines of text already in memory (`name` stands for it in errors).
  TextLines(const std::string& text, const std::string& name, const char* component, size_t max_chars = 1000);
  ~TextLines();
  // The next line, without its "\n" or "\r\n"; false at the end.
  bool next(std::string& line);
  long number() const { return number_; }  // the line last read, counted from 1
  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<std::istream> in_;
  std::string name_, tag_;
  std::vector<char> buf_;
  long number_ = 0;
};

// Writes bytes to path atomically: a new file with an unpredictable name in the same folder,
// created exclusively (never through a link planted at its name), flushed and fsynced, then
// renamed over the target. On any failure (folder missing or read-only, disk full) the temp file
// is removed, the previous file is untouched, and Error("[<component>] <path>: <problem>") is
// thrown.
//
// The target must be a regular file or not exist yet. A symbolic link, a FIFO, a device or a
// folder at the path is refused and left as it is: a save never writes through a link (someone
// else's link in a shared folder would otherwise choose where the data goes), and never turns a
// device or a pipe into a file. To save where a link points, choose the link's target itself.
void write_file_atomic(const std::string& path, const std::string& bytes, const char* component);

// What write_file_atomic would refuse, checked before long work whose result is to be saved there
// (training, a comparison): "" if a save can be tried, else the problem (the folder is missing or
// read-only, the path is a folder, a link, a device). A later save can still fail (a full disk).
std::string save_destination_problem(const std::string& path);

// The names in a folder, sorted, without "." and ".." and hidden ones (a leading dot). Throws
// Error("[<component>] <dir>: cannot be read (<reason>)").
std::vector<std::string> folder_entries(const std::string& dir, const char* component);

// The folder part of a path ("." for a bare name).
std::string parent_folder(const std::string& path);

// Creates a folder and any missing parents (mkdir -p), mode 0755 (0700 with private = true for the
// new ones). Returns "" on success, else the reason with the folder that could not be made.
std::string make_folders(const std::string& path, bool private_folders = false);

// nnviz's folders in the user's home, created with every missing parent (a fresh account may have
// no ~/.local at all): $XDG_DATA_HOME/nnviz (else ~/.local/share/nnviz) for runs and kept work,
// $XDG_CONFIG_HOME/nnviz (else ~/.config/nnviz) for settings. Without HOME, a folder under /tmp.
// Throws Error("[files] ...") naming the folder that could not be made.
std::string user_data_dir();
std::string user_config_dir();

// The machine's memory, for bounds on what a file may make nnviz allocate.
size_t physical_memory_bytes();

bool file_exists(const std::string& path);
inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace nnviz
