// One place that (re)makes a 2D texture for ImGui to draw: its storage, its filtering, edges
// clamped. The texture is left bound. Only the main thread, with the GL context current.
#pragma once

#include <glad/gl.h>

namespace nnviz::gui {

inline void MakeTexture(GLuint& tex, GLint filter, GLint internal, GLenum format, GLenum type, int w, int h,
                        const void* data) {
  if (!tex) glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, internal, w, h, 0, format, type, data);
}

}  // namespace nnviz::gui
