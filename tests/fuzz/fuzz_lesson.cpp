// libFuzzer entry point; the code path itself is nnviz::fuzz::lesson in fuzz_paths.cpp.
#include "fuzz_paths.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nnviz::fuzz::lesson(data, size);
  return 0;
}
