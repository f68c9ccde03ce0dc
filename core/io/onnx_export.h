// ONNX export of an nnviz model: a file that Netron draws and ONNX Runtime (or any ONNX reader)
// runs, with the same outputs as nnviz.
//
// The graph, opset 13, IR version 7:
//   input   "pixels"  float [batch, C, H, W], the image's values in [0, 1] (byte / 255)
//   Sub, Div          the model's normalisation (x - mean) / std, left out when it is the identity
//   layers            dense -> Gemm (transB = 1; Flatten first when the input is an image),
//                     conv2d -> Conv, maxpool2d -> MaxPool, flatten -> Flatten, batchnorm ->
//                     BatchNormalization (the running statistics, epsilon 1e-5), dropout ->
//                     Dropout (the identity outside training), sigmoid, tanh, relu -> their ops,
//                     leaky_relu -> LeakyRelu (alpha)
//   outputs "logits" [batch, K] and "probabilities" = Softmax(logits) for a classifier;
//           "output" [batch, K] for a net trained with mean squared error.
// Parameters are initializers named as in the model file ("layers.<i>.weight", ...), so Netron's
// names match nnviz's. The model file's architecture, normalisation and info are kept in the
// ONNX model's metadata_props.
#pragma once

#include <string>

#include "io/model_io.h"

namespace nnviz {

// The ONNX model as the bytes of its protobuf; throws Error when the network cannot be written
// (a layer type this exporter does not know, or a model over protobuf's 2 GB).
std::string model_to_onnx(Network& net, const ModelFile& meta);

// Written atomically (temp file + rename, never through a planted link); Error names the file.
void export_onnx(const std::string& path, Network& net, const ModelFile& meta);

}  // namespace nnviz
