# Turns the shader files into a C++ header of string constants, so the app needs no files at
# run time. Called at build time: cmake -DOUT=... -DSOURCES="a;b" -P embed.cmake
set(text "// Generated from shaders/ at build time. Do not edit.\n#pragma once\n\nnamespace nnviz::shaders {\n")
foreach(src ${SOURCES})
  get_filename_component(name "${src}" NAME)
  string(MAKE_C_IDENTIFIER "${name}" id)
  file(READ "${src}" body)
  string(APPEND text "inline constexpr const char* ${id} = R\"glsl(${body})glsl\";\n")
endforeach()
string(APPEND text "}  // namespace nnviz::shaders\n")
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
