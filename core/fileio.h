// File helpers shared by the loaders and savers: whole-file reads (gzip transparently) with
// clear errors, and atomic writes (temp file in the same folder, fsync, rename).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnviz {

// Reads a whole file. If it starts with the gzip magic it is decompressed. Throws
// nnviz::Error("[<component>] <path>: <problem>") when the file is missing, unreadable, a damaged
// gzip stream, or larger than max_bytes after decompression.
std::vector<uint8_t> read_file(const std::string& path, const char* component,
                               size_t max_bytes = size_t(1) << 31);

// Writes bytes to path atomically: a temp file next to it, flushed and fsynced, then renamed over
// the target. On any failure (folder missing or read-only, disk full) the temp file is removed,
// the previous file is untouched, and Error("[<component>] <path>: <problem>") is thrown.
void write_file_atomic(const std::string& path, const std::string& bytes, const char* component);

bool file_exists(const std::string& path);

}  // namespace nnviz
