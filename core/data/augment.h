// Training-time augmentation for image inputs: small random shifts, rotations and scalings, and
// thicker or thinner strokes. Seeded (the trainer draws from its own stream), so a run with
// augmentation is as reproducible as one without. Nets trained this way read hand-drawn digits
// much better: real drawings are never as neatly centred and stroked as MNIST.
#pragma once

#include "base/json.h"
#include "base/rng.h"
#include "base/scalar.h"

namespace nnviz {

struct Augment {
  bool enabled = false;
  float shift = 2.f;        // pixels, uniform in [-shift, shift] on each axis
  float rotate = 12.f;      // degrees, uniform in [-rotate, rotate]
  float scale = 0.12f;      // relative, uniform in [1 - scale, 1 + scale]
  float thickness = 0.3f;   // chance each of a thicker and of a thinner stroke

  json::Value to_json() const;
  static Augment from_json(const json::Value& v);
};

// Writes a randomly transformed copy of one image (h x w, row-major) to `out`. Pixels that come
// from outside the image take the value `background` (what a blank pixel is after normalisation).
void augment_image(const Scalar* in, Scalar* out, int h, int w, Scalar background, const Augment& a, Rng& rng);

}  // namespace nnviz
