// stb_image's implementation, from the header Debian's libstb-dev ships, for the fuzz targets only
// (see CMakeLists.txt). The programs link the same code from the shared libstb.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
