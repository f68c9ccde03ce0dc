// The ONNX export's graph, read back through the same ONNX protobuf classes: the nodes and their
// settings for each layer type, the parameters byte for byte under the model file's names, the
// inputs and outputs, and a save that never goes through a link. (That the graph computes what
// nnviz computes is checked by tests/app/cli/check_onnx.py, on real images.)
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "io/model_io.h"
#include "io/onnx_export.h"
#include "test_util.h"

using namespace nnviz;
using namespace nnviz::test;

namespace {

onnx::ModelProto Export(Network& net, const Normalisation& norm) {
  ModelFile meta;
  meta.config.net = net.spec();
  meta.norm = norm;
  onnx::ModelProto m;
  REQUIRE(m.ParseFromString(model_to_onnx(net, meta)));
  return m;
}

std::vector<std::string> Ops(const onnx::ModelProto& m) {
  std::vector<std::string> ops;
  for (const auto& n : m.graph().node()) ops.push_back(n.op_type());
  return ops;
}

const onnx::AttributeProto* Attr(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::vector<int64_t> Ints(const onnx::NodeProto& n, const char* name) {
  const onnx::AttributeProto* a = Attr(n, name);
  REQUIRE(a != nullptr);
  return {a->ints().begin(), a->ints().end()};
}

std::vector<int64_t> Dims(const onnx::ValueInfoProto& v) {
  std::vector<int64_t> d;
  for (const auto& x : v.type().tensor_type().shape().dim()) d.push_back(x.has_dim_param() ? -1 : x.dim_value());
  return d;
}

}  // namespace

TEST_CASE("onnx export: an MLP with the standard normalisation, its parameters byte for byte") {
  NetSpec spec;
  spec.layers = {dense(100), act("sigmoid"), dense(10)};
  Network net(spec);
  net.initialise(InitKind::Lecun, 3);
  const onnx::ModelProto m = Export(net, {NormMode::Standard, 0.13f, 0.31f});
  CHECK(m.opset_import(0).version() == 13);
  CHECK(Ops(m) == std::vector<std::string>{"Sub", "Div", "Flatten", "Gemm", "Sigmoid", "Gemm", "Softmax"});
  const auto& g = m.graph();
  REQUIRE(g.input_size() == 1);
  CHECK(g.input(0).name() == "pixels");
  CHECK(Dims(g.input(0)) == std::vector<int64_t>{-1, 1, 28, 28});
  REQUIRE(g.output_size() == 2);
  CHECK(g.output(0).name() == "logits");
  CHECK(g.output(1).name() == "probabilities");
  CHECK(Dims(g.output(1)) == std::vector<int64_t>{-1, 10});
  CHECK(g.node(5).output(0) == "logits");
  CHECK(Attr(g.node(3), "transB")->i() == 1);
  // Every parameter under its model-file name, with its shape and its exact bytes.
  int found = 0;
  for (const auto& np : net.params())
    for (const auto& t : g.initializer())
      if (t.name() == np.name) {
        ++found;
        CHECK(std::vector<int64_t>(t.dims().begin(), t.dims().end()) ==
              std::vector<int64_t>(np.p.shape.begin(), np.p.shape.end()));
        REQUIRE(t.raw_data().size() == size_t(np.p.value->size()) * sizeof(float));
        CHECK(std::memcmp(t.raw_data().data(), np.p.value->data(), t.raw_data().size()) == 0);
      }
  CHECK(found == 4);
  for (const auto& t : g.initializer())
    if (t.name() == "normalisation.std") CHECK(*reinterpret_cast<const float*>(t.raw_data().data()) == 0.31f);
  bool has_arch = false;
  for (const auto& p : m.metadata_props()) has_arch |= p.key() == "nnviz.architecture";
  CHECK(has_arch);
}

TEST_CASE("onnx export: the settings of every layer type reach the nodes") {
  NetSpec spec;
  spec.layers = {conv(8, 5, 1, 2), batchnorm(), act("relu"), conv(6, 3, 2, 1, 2, false), act("leaky_relu", 0.1f),
                 maxpool(3),       dropout(0.3f), act("tanh"), dense(32, false), batchnorm(), dense(10)};
  Network net(spec);
  net.initialise(InitKind::He, 1);
  const onnx::ModelProto m = Export(net, {NormMode::Unit, 0.f, 1.f});  // the identity: no Sub, no Div
  CHECK(Ops(m) == std::vector<std::string>{"Conv", "BatchNormalization", "Relu", "Conv", "LeakyRelu", "MaxPool",
                                           "Dropout", "Tanh", "Flatten", "Gemm", "BatchNormalization", "Gemm",
                                           "Softmax"});
  const auto& g = m.graph();
  CHECK(g.node(0).input(0) == "pixels");
  CHECK(Ints(g.node(0), "pads") == std::vector<int64_t>{2, 2, 2, 2});
  CHECK(g.node(0).input_size() == 3);
  CHECK(g.node(3).input_size() == 2);  // no bias
  CHECK(Ints(g.node(3), "strides") == std::vector<int64_t>{2, 2});
  CHECK(Ints(g.node(3), "dilations") == std::vector<int64_t>{2, 2});
  CHECK(Ints(g.node(3), "kernel_shape") == std::vector<int64_t>{3, 3});
  CHECK(Attr(g.node(4), "alpha")->f() == 0.1f);
  // maxpool(3) has stride 0 in its spec, "the window side": the node has the real stride.
  CHECK(Ints(g.node(5), "strides") == std::vector<int64_t>{3, 3});
  CHECK(Attr(g.node(1), "epsilon")->f() == 1e-5f);
  CHECK(g.node(1).input(3) == "layers.1.running_mean");
  CHECK(g.node(1).input(4) == "layers.1.running_var");
  CHECK(g.node(9).input_size() == 2);
}

TEST_CASE("onnx export: a net trained with mean squared error gives its output as it is") {
  NetSpec spec;
  spec.layers = {flatten(), dense(10)};
  spec.loss = "mse";
  Network net(spec);
  net.initialise(InitKind::Lecun, 1);
  const onnx::ModelProto m = Export(net, {NormMode::Unit, 0.f, 1.f});
  CHECK(Ops(m) == std::vector<std::string>{"Flatten", "Gemm"});
  REQUIRE(m.graph().output_size() == 1);
  CHECK(m.graph().output(0).name() == "output");
  CHECK(m.graph().node(1).output(0) == "output");
}

TEST_CASE("onnx export: never through a planted link, never into a missing folder") {
  TempDir dir;
  NetSpec spec;
  spec.layers = {dense(10)};
  Network net(spec);
  net.initialise(InitKind::Lecun, 1);
  ModelFile meta;
  meta.config.net = spec;
  const std::string victim = dir.file("victim.txt"), planted = dir.file("model.onnx");
  write_bytes(victim, {'k', 'e', 'e', 'p'});
  REQUIRE(::symlink(victim.c_str(), planted.c_str()) == 0);
  const std::string e1 = error_of([&] { export_onnx(planted, net, meta); });
  CHECK(e1.find(planted) != std::string::npos);
  CHECK(e1.find("symbolic link") != std::string::npos);
  CHECK(read_bytes(victim) == std::vector<uint8_t>{'k', 'e', 'e', 'p'});
  const std::string missing = dir.file("no-such-folder/model.onnx");
  const std::string e2 = error_of([&] { export_onnx(missing, net, meta); });
  CHECK(e2.find("does not exist") != std::string::npos);
  // And a plain path works: the file parses as an ONNX model.
  export_onnx(dir.file("ok.onnx"), net, meta);
  const std::vector<uint8_t> bytes = read_bytes(dir.file("ok.onnx"));
  onnx::ModelProto back;
  CHECK(back.ParseFromArray(bytes.data(), int(bytes.size())));
  CHECK(back.graph().node_size() == 3);  // Flatten, Gemm, Softmax
}
