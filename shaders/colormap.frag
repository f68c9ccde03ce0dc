#version 330 core
// Maps a float image to colours.
//   diverging (map 0): value in [-1, 1]; blue for negative, near-white for 0, red for positive.
//   sequential (map 1): value in [0, 1]; dark violet through blue and green to yellow.
//   gray (map 2): value in [0, 1]; black to white (drawings, digits as the network sees them).
// NaN marks a gap between tiles and gets the background colour.
uniform sampler2D values;
uniform int map;
uniform vec4 background;
in vec2 uv;
out vec4 colour;

vec3 diverging(float t) {
  t = clamp(t, -1.0, 1.0);
  vec3 neg = vec3(0.17, 0.35, 0.80);
  vec3 mid = vec3(0.93, 0.93, 0.93);
  vec3 pos = vec3(0.80, 0.16, 0.14);
  // A gentle curve keeps small weights visible without washing out large ones.
  float s = pow(abs(t), 0.8);
  return t < 0.0 ? mix(mid, neg, s) : mix(mid, pos, s);
}

vec3 sequential(float t) {
  t = clamp(t, 0.0, 1.0);
  const vec3 c0 = vec3(0.10, 0.03, 0.22);
  const vec3 c1 = vec3(0.20, 0.25, 0.62);
  const vec3 c2 = vec3(0.13, 0.57, 0.55);
  const vec3 c3 = vec3(0.45, 0.80, 0.30);
  const vec3 c4 = vec3(0.99, 0.91, 0.25);
  if (t < 0.25) return mix(c0, c1, t / 0.25);
  if (t < 0.50) return mix(c1, c2, (t - 0.25) / 0.25);
  if (t < 0.75) return mix(c2, c3, (t - 0.50) / 0.25);
  return mix(c3, c4, (t - 0.75) / 0.25);
}

void main() {
  float v = texture(values, uv).r;
  if (isnan(v)) {
    colour = background;
    return;
  }
  if (map == 2) {
    colour = vec4(vec3(clamp(v, 0.0, 1.0)), 1.0);
    return;
  }
  colour = vec4(map == 0 ? diverging(v) : sequential(v), 1.0);
}
