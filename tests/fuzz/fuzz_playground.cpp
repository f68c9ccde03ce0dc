// libFuzzer entry point; the code path itself is nnviz::fuzz::playground in fuzz_paths.cpp.
#include "fuzz_paths.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nnviz::fuzz::playground(data, size);
  return 0;
}
