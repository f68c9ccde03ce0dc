// A network: a chain of layers, the loss on top, and the caches a step leaves behind.
//
//   acts[0] = input batch, acts[i+1] = layer i's output (acts.back() = logits or predictions)
//   grads[i] = dL/d(acts[i]) after backward (grads[0] only if the input gradient was asked for)
//
// The step-through and activation views read these same caches: nothing is computed twice.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/layer.h"
#include "nn/spec.h"

namespace nnviz {

struct NamedParam {
  std::string name;  // "layers.<i>.weight"
  int layer;
  Param p;
};

// What a spec builds, layer by layer: each layer's output shape and parameter count, up to and
// including the first layer that cannot be built (its `error` set; nothing after it is checked).
// For editors that show shapes as the user types.
struct LayerCheck {
  Shape out;
  int64_t params = 0;
  std::string error;
};
std::vector<LayerCheck> check_layers(const NetSpec& spec);

class Network {
 public:
  explicit Network(const NetSpec& spec);  // validates shapes; throws Error explaining a bad spec
  Network(const Network& other);          // deep copy: same spec, same values
  Network& operator=(const Network& other);
  Network(Network&&) = default;
  Network& operator=(Network&&) = default;

  const NetSpec& spec() const { return spec_; }
  size_t num_layers() const { return layers_.size(); }
  Layer& layer(size_t i) { return *layers_[i]; }
  const Layer& layer(size_t i) const { return *layers_[i]; }
  Shape input_shape() const { return spec_.input; }
  Shape output_shape() const;
  bool is_classifier() const { return spec_.loss == "softmax_cross_entropy"; }

  void initialise(InitKind kind, uint64_t seed);

  // Forward pass over a batch (input_size x N); returns the output (logits for a classifier).
  const Mat& forward(const Mat& x, bool training);
  // The same without a copy: fill input(n) (input_size x n), then call forward(training).
  Mat& input(int n);
  const Mat& forward(bool training);
  // Mean loss of the last forward pass; fills grads.back() = dL/d(output).
  double loss(const uint8_t* labels);  // softmax cross-entropy, or MSE against one-hot labels
  double loss(const Mat& targets);     // MSE against real-valued targets
  // Backward pass from grads.back(); fills every parameter gradient and grads[i] for i >= 1
  // (and grads[0] when need_input_grad).
  void backward(bool need_input_grad = false);
  // grads.back() *= s, between loss() and backward(): a part of a batch whose loss is a share s
  // of the whole batch's mean.
  void scale_output_grad(Scalar s) { grads_.back() *= s; }

  // Values one sample keeps in the activation cache (the input and every layer's output), and the
  // largest batch whose cache stays within kMaxActivationsPerBatch (at least 1).
  int64_t activations_per_sample() const { return activations_per_sample_; }
  int max_batch() const;

  // Every layer's samples_independent(), and the sum of their work_per_sample().
  bool samples_independent() const;
  double work_per_sample() const;

  const Mat& output() const { return acts_.back(); }
  const Mat& act(size_t i) const { return acts_[i]; }
  const Mat& grad(size_t i) const { return grads_[i]; }

  std::vector<NamedParam> params();
  std::vector<Param> param_list();  // for optimizers
  int64_t param_count() const;

  // Copies parameter values from a network with the same spec.
  void copy_values_from(const Network& other);
  // All parameter values as one flat vector (for equality checks and snapshots).
  std::vector<Scalar> flat_values() const;

 private:
  void build();
  NetSpec spec_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Mat> acts_, grads_;
  int64_t activations_per_sample_ = 0;
};

// Whether a network can run on data of this shape and these classes: "" if it can, otherwise a
// sentence naming what the model takes and what the data has. Every path that runs a model on
// data (training, evaluation, prediction, the canvas, the analysis views) asks this first, so a
// model file of another shape is refused with a reason instead of reading past its buffers.
std::string fit_problem(const Network& net, Shape data_input, int num_classes);
// The same as an Error("[<component>] <source>: <problem>"); source is the model's file or name.
void check_fits(const Network& net, Shape data_input, int num_classes, const char* component,
                const std::string& source);

// The index in `params` (Network::params()) of layer `layer`'s parameter `name` ("weight",
// "bias"), or -1 when it has none.
int find_param(const std::vector<NamedParam>& params, int layer, const char* name);

// Argmax of each column.
void argmax_cols(const Mat& m, std::vector<int>& out);

}  // namespace nnviz
