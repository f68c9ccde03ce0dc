// make_shapes DIR N: a folder of N rendered shapes a class (tests/support/shapes.h), for the CLI's
// and the GUI's tests of image folders and for scripts/folder-load.sh's 100,000 files.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "shapes.h"

int main(int argc, char** argv) {
  if (argc != 3 || std::atoi(argv[2]) <= 0) {
    std::fprintf(stderr, "usage: make_shapes DIR IMAGES_A_CLASS\n");
    return 2;
  }
  std::filesystem::create_directories(argv[1]);
  nnviz::test::make_shapes(argv[1], std::atoi(argv[2]));
  return 0;
}
