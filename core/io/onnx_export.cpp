#include "io/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <cstring>
#include <initializer_list>

#include "base/fileio.h"
#include "io/safetensors.h"
#include "nn/batchnorm.h"

namespace nnviz {

namespace {

constexpr int kOpset = 13;
constexpr int kIrVersion = 7;  // the IR version of opset 13 (ONNX 1.8)

// Adds the nodes of the graph one by one, each reading the value the last one wrote.
struct GraphWriter {
  onnx::GraphProto* g;
  const StFile& tensors;
  std::string value;  // the name of the value the next node reads

  onnx::NodeProto* node(const char* op, const std::string& name, std::initializer_list<std::string> extra_inputs = {}) {
    onnx::NodeProto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name);
    n->add_input(value);
    for (const std::string& in : extra_inputs) n->add_input(in);
    n->add_output(name);
    value = name;
    return n;
  }

  static void attr(onnx::NodeProto* n, const char* name, int64_t v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr(onnx::NodeProto* n, const char* name, float v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attr(onnx::NodeProto* n, const char* name, std::initializer_list<int64_t> v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }

  // A float initializer of the given shape ({} for a scalar).
  void constant(const std::string& name, const std::vector<int64_t>& shape, const float* data, size_t n) {
    onnx::TensorProto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) t->add_dims(d);
    // raw_data is little-endian, as this machine's floats are (x86-64, the only target).
    t->set_raw_data(std::string(reinterpret_cast<const char*>(data), n * sizeof(float)));
  }

  // The model file's tensor `name` as an initializer of the same name and shape.
  const std::string& parameter(const std::string& name) {
    const StTensor* t = tensors.find(name);
    if (!t) throw Error("[onnx] the network has no tensor " + name);
    constant(t->name, t->shape, t->data.data(), t->data.size());
    return t->name;
  }
};

void add_value_info(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                    std::initializer_list<int64_t> dims) {
  onnx::ValueInfoProto* v = list->Add();
  v->set_name(name);
  onnx::TypeProto_Tensor* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto* s = t->mutable_shape();
  s->add_dim()->set_dim_param("batch");
  for (int64_t d : dims) s->add_dim()->set_dim_value(d);
}

}  // namespace

std::string model_to_onnx(Network& net, const ModelFile& meta) {
  GOOGLE_PROTOBUF_VERIFY_VERSION;
  const StFile file = model_to_st(net, meta);
  const NetSpec& spec = net.spec();

  onnx::ModelProto m;
  m.set_ir_version(kIrVersion);
  m.set_producer_name("nnviz");
  m.set_producer_version("1");
  m.set_model_version(1);
  onnx::OperatorSetIdProto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  m.set_doc_string(
      "An nnviz network. Input \"pixels\": images as float [batch, channels, height, width], each value in [0, 1] "
      "(the byte / 255); the graph applies the model's normalisation itself. " +
      std::string(net.is_classifier() ? "Outputs \"logits\" and their softmax, \"probabilities\"."
                                      : "Output \"output\": the network's values (trained with mean squared error)."));
  for (const auto& [key, value] : file.metadata) {
    if (key == "format" || key == "format_version") continue;
    onnx::StringStringEntryProto* p = m.add_metadata_props();
    p->set_key("nnviz." + key);
    p->set_value(value);
  }

  onnx::GraphProto* g = m.mutable_graph();
  g->set_name(spec.describe());
  const Shape in = spec.input;
  add_value_info(g->mutable_input(), "pixels", {in.c, in.h, in.w});
  GraphWriter w{g, file, "pixels"};

  // The normalisation, x = (pixel - mean) / std, unless it changes nothing.
  if (meta.norm.mean != 0.f) {
    w.constant("normalisation.mean", {}, &meta.norm.mean, 1);
    w.node("Sub", "centred", {"normalisation.mean"});
  }
  if (meta.norm.std != 1.f) {
    w.constant("normalisation.std", {}, &meta.norm.std, 1);
    w.node("Div", "normalised", {"normalisation.std"});
  }

  bool image = true;  // the current value is [batch, C, H, W]; else [batch, features]
  auto flat = [&](const std::string& name) {
    if (!image) return;
    GraphWriter::attr(w.node("Flatten", name), "axis", int64_t(1));
    image = false;
  };
  for (size_t i = 0; i < net.num_layers(); ++i) {
    const LayerSpec& l = spec.layers[i];
    const std::string at = "layers." + std::to_string(i) + ".";
    const std::string name = at + l.type;
    if (l.type == "dense") {
      flat(at + "flatten");
      const std::string& weight = w.parameter(at + "weight");
      onnx::NodeProto* n = l.bias ? w.node("Gemm", name, {weight, w.parameter(at + "bias")}) : w.node("Gemm", name, {weight});
      GraphWriter::attr(n, "transB", int64_t(1));
    } else if (l.type == "conv2d" || l.type == "maxpool2d") {
      if (!image) throw Error("[onnx] layer " + std::to_string(i) + " (" + l.describe() + ") reads a flat vector");
      const bool conv = l.type == "conv2d";
      onnx::NodeProto* n;
      if (conv) {
        const std::string& weight = w.parameter(at + "weight");
        n = l.bias ? w.node("Conv", name, {weight, w.parameter(at + "bias")}) : w.node("Conv", name, {weight});
        GraphWriter::attr(n, "kernel_shape", {l.kernel, l.kernel});
        GraphWriter::attr(n, "pads", {l.pad, l.pad, l.pad, l.pad});
        GraphWriter::attr(n, "dilations", {l.dilation, l.dilation});
      } else {
        n = w.node("MaxPool", name);
        GraphWriter::attr(n, "kernel_shape", {l.pool, l.pool});
      }
      // maxpool2d's stride 0 in a spec means "the window side"; the built layer has the real one.
      const int stride = conv ? l.stride : net.layer(i).spec().stride;
      GraphWriter::attr(n, "strides", {stride, stride});
    } else if (l.type == "flatten") {
      if (image) flat(name);
      else w.node("Identity", name);
    } else if (l.type == "batchnorm") {
      onnx::NodeProto* n = w.node("BatchNormalization", name,
                                  {w.parameter(at + "weight"), w.parameter(at + "bias"),
                                   w.parameter(at + "running_mean"), w.parameter(at + "running_var")});
      GraphWriter::attr(n, "epsilon", float(BatchNorm::kEps));  // the layer's own
    } else if (l.type == "dropout") {
      w.node("Dropout", name);  // training_mode absent: the identity, as nnviz outside training
    } else if (l.type == "sigmoid" || l.type == "tanh" || l.type == "relu") {
      w.node(l.type == "sigmoid" ? "Sigmoid" : l.type == "tanh" ? "Tanh" : "Relu", name);
    } else if (l.type == "leaky_relu") {
      GraphWriter::attr(w.node("LeakyRelu", name), "alpha", l.alpha);
    } else {
      throw Error("[onnx] layer " + std::to_string(i) + ": the layer type '" + l.type + "' has no ONNX form here");
    }
  }
  flat("flatten");  // nnviz's output is one vector per sample

  // The last node writes the first output under its own name.
  const int64_t outputs = net.output_shape().size();
  const std::string first = net.is_classifier() ? "logits" : "output";
  if (g->node_size() == 0) w.node("Identity", first);  // no layers and no normalisation
  g->mutable_node(g->node_size() - 1)->set_output(0, first);
  w.value = first;
  add_value_info(g->mutable_output(), first, {outputs});
  if (net.is_classifier()) {
    GraphWriter::attr(w.node("Softmax", "probabilities"), "axis", int64_t(1));
    add_value_info(g->mutable_output(), "probabilities", {outputs});
  }

  if (m.ByteSizeLong() > size_t(INT_MAX)) throw Error("[onnx] the model is larger than the 2 GB a protobuf can hold");
  std::string bytes;
  if (!m.SerializeToString(&bytes)) throw Error("[onnx] the model could not be serialised");
  return bytes;
}

void export_onnx(const std::string& path, Network& net, const ModelFile& meta) {
  std::string bytes;
  try {
    bytes = model_to_onnx(net, meta);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " (writing " + path + ")");
  }
  write_file_atomic(path, bytes, "onnx");
}

}  // namespace nnviz
