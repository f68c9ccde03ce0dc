// The code paths the fuzz targets drive, one function per target. The regression test in the
// Release suite (tests/core/test_fuzz_regressions.cpp) replays saved inputs through these same
// functions, so an input that once crashed a fuzzer is checked by every normal test run.
//
// Each function accepts any bytes. A bad input must end as an nnviz::Error, which is caught here;
// a crash, a sanitizer report, a hang, a huge allocation or any other exception is a bug.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nnviz::fuzz {

// IDX images and labels from memory (parse_idx_images, parse_idx_labels); input that starts with
// the gzip magic also goes through a file and read_file's decompression.
void idx(const uint8_t* data, size_t size);

// Model files: st_parse (and a serialise-parse round trip of what it accepts), load_model_bytes,
// and a forward and backward pass through a small enough network that loads.
void model(const uint8_t* data, size_t size);

// Images as nnviz-cli predict reads them: the declared size checked first (stbi_info, then
// image_size_problem), decoded by stb_image, then to_gray_ink and to_mnist.
void image(const uint8_t* data, size_t size);

// JSON configuration: json::parse (and a dump-parse round trip), NetSpec::from_json,
// TrainConfig::from_json, ComparisonSpec::from_json and expand, and the networks they describe,
// built and run like the model path's.
void config(const uint8_t* data, size_t size);

// A model run on data end to end, the way eval, predict and the app do: the first byte chooses
// the data's shape and class count (kEvalShapes in fuzz_paths.cpp), the rest is a model file.
// fit_problem decides; a model that fits must evaluate without an error, one that does not must be
// refused by evaluate() (never read past the data or the outputs).
void eval(const uint8_t* data, size_t size);

// Run files: load_run_bytes (the model part, the "run" entry, the optimizer state, the history),
// then for a run that loads, what the reader promises (positions within their caps, every metric
// point and setting in range), the network run like the model path's and one optimizer step from
// the restored state.
void run_file(const uint8_t* data, size_t size);

// Saved comparisons: the input is comparison.json, a NUL byte, then comparison.csv (no NUL: all of
// it is the JSON, with an empty CSV). parse_comparison, then the table of what it accepts.
void comparison(const uint8_t* data, size_t size);

// The playgrounds' inputs: the first byte's low bit chooses; the rest is either the 1-D
// playground's target expression (Expr::parse, make_regression) or the 2-D playground's points
// file (load_points_csv, through a file). What is accepted is split and trained for a few steps
// the way the app does, and must give a finite loss.
void playground(const uint8_t* data, size_t size);

// Lesson files: parse_lesson with the app's view names; what it accepts is written and read back
// to the same text, and every goal is judged on a few values and every question on a few answers.
void lesson(const uint8_t* data, size_t size);

}  // namespace nnviz::fuzz
