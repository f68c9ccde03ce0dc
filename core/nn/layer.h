// The layer interface. Every layer is a pair of functions, forward and backward, over batches
// stored one sample per column (see scalar.h), plus the list of its parameters.
//
//   forward:  out = f(in)                     in (in_size x N), out (out_size x N)
//   backward: given dL/d(out), write dL/d(params) (overwriting, not accumulating) and,
//             when din is not null, dL/d(in).
//
// Backward receives the same `in` and `out` the forward pass produced, so most layers need no
// cache of their own; those that do (max pooling's argmax, dropout's mask, batch norm's
// normalised input) keep the one of their last forward pass, training or not, and backward
// differentiates that pass. Optimizers see only the Param list, never layer types.
//
// Buffers are state that is saved and copied with the parameters but not trained (batch norm's
// running statistics).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/limits.h"
#include "base/rng.h"
#include "base/scalar.h"
#include "nn/spec.h"

namespace nnviz {

struct Param {
  std::string name;  // "weight", "bias" (Network prefixes "layers.<i>.")
  Mat* value;
  Mat* grad;
  bool decay;              // weight decay applies (weights yes, biases no)
  std::vector<int> shape;  // the tensor's shape in model files, row-major (PyTorch's layout)
};

enum class InitKind { XavierUniform, XavierNormal, He, Lecun };
const char* to_string(InitKind k);
InitKind init_kind_from_string(const std::string& s);  // xavier_uniform | xavier_normal | he | lecun

class Layer {
 public:
  explicit Layer(Shape in) : in_(in), out_(in) {}
  virtual ~Layer() = default;

  virtual const char* type() const = 0;
  virtual LayerSpec spec() const = 0;
  Shape in_shape() const { return in_; }
  Shape out_shape() const { return out_; }

  virtual void forward(const Mat& in, Mat& out, bool training) = 0;
  virtual void backward(const Mat& in, const Mat& out, const Mat& dout, Mat* din) = 0;

  virtual std::vector<Param> params() { return {}; }
  // Named non-trained state, each saved as a 1-D tensor "layers.<i>.<name>" of its size.
  virtual std::vector<std::pair<std::string, Mat*>> buffers() { return {}; }
  // Sets the parameters (and resets buffers and any random stream of the layer) from `rng`.
  virtual void initialise(InitKind, Rng&) {}

  // Whether a training pass over a batch equals the passes over any cut of it into parts, each
  // run by its own copy of the layer (Trainer's shards): false for layers that couple the samples
  // of a batch (batch norm's statistics) or draw random numbers (dropout's masks).
  virtual bool samples_independent() const { return true; }
  // Multiply-adds of one sample's forward pass, roughly (the weights' use, else the output size):
  // how much work a part of a batch must hold to be worth a thread.
  virtual double work_per_sample() const { return double(out_.size()); }

 protected:
  Shape in_, out_;
};

// Builds the layer a spec describes for inputs of shape `in`; throws Error explaining an invalid
// configuration (e.g. a non-positive unit count).
std::unique_ptr<Layer> make_layer(const LayerSpec& spec, Shape in);

}  // namespace nnviz
