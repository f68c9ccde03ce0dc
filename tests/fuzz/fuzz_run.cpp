// libFuzzer entry point; the code path itself is nnviz::fuzz::run_file in fuzz_paths.cpp.
#include "fuzz_paths.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nnviz::fuzz::run_file(data, size);
  return 0;
}
