// The user's own handwriting: digits drawn on the canvas, each labelled by the user and kept as a
// 28x28 grey PNG file, light ink on black, exactly as the network saw it (after the MNIST-style
// preprocessing of data/preprocess.h). One folder a digit: <dir>/<digit>/<number>.png, numbered in
// the order drawn; a drawing kept out of fine-tuning, to measure it on, is named
// <number>-held-out.png. Any other picture of a digit put into those folders (a photo, a scan, ink
// of either polarity) counts as a training drawing and is read the way `nnviz-cli predict` reads
// one. The folder is also an image folder (data/image_folder.h) of ten classes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnviz {

struct MyDigit {
  std::string path;
  int label = 0;
  long number = 0;       // the order of drawing (0 for a file that nnviz did not name)
  bool held_out = false; // kept for measuring, not trained on
  std::vector<uint8_t> pixels;  // 28*28, ink bright
};

struct MyDigitSet {
  std::vector<MyDigit> digits;        // by digit, then by number
  std::vector<std::string> problems;  // files skipped, and why: "3/0012.png: not a PNG ..."
  int count(bool held_out) const;
  long next_number() const;           // one past the largest number
};

// Every third drawing (the 3rd, 6th, 9th...) is held out unless the user says otherwise: a set of
// ten drawings trains on seven and measures on three.
inline bool held_out_by_default(long number) { return number > 0 && number % 3 == 0; }

// Reads the set; a missing folder is an empty set, a link at it is refused (Error). A link at a
// digit's folder is not followed (named as a problem). Files that are not images, do not decode or
// hold no ink are skipped and named; at most max_files files are read (the rest are named as one
// problem), so a folder filled by mistake cannot take the machine's memory.
MyDigitSet load_my_digits(const std::string& dir, long max_files = 20000);

// Saves a drawing (784 values in [0, 1], ink bright) as <dir>/<label>/<number>[-held-out].png,
// creating the folders; atomic, never through a link, never over another drawing (the next free
// number is taken). Throws Error("[my digits] <path>: <problem>").
MyDigit save_my_digit(const std::string& dir, int label, const std::vector<float>& pixels, long number, bool held_out);

// Deletes a drawing's file: only a picture file (or a link, which is removed, not followed)
// directly in one of <dir>'s digit folders, reached without following a link at <dir> or at the
// digit's folder. Throws Error("[my digits] <path>: <problem>").
void delete_my_digit(const std::string& dir, const std::string& path);

}  // namespace nnviz
