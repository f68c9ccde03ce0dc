#include "nn/network.h"

#include "nn/layer_types.h"
#include "nn/loss.h"

namespace nnviz {

std::unique_ptr<Layer> make_layer(const LayerSpec& s, Shape in) {
  if (in.size() <= 0) throw Error("[network] layer '" + s.type + "' gets an empty input");
  if (const LayerType* t = find_layer_type(s.type)) return t->make(s, in);
  throw Error("[network] unknown layer type '" + s.type + "'");
}

std::vector<LayerCheck> check_layers(const NetSpec& spec) {
  std::vector<LayerCheck> out;
  Shape s = spec.input;
  int64_t total = 0;
  for (const auto& l : spec.layers) {
    LayerCheck c;
    try {
      const auto layer = make_layer(l, s);
      for (const auto& p : layer->params()) c.params += p.value->size();
      c.out = layer->out_shape();
      total += c.params;
      if (total > kMaxParams)
        c.error = "more than " + std::to_string(kMaxParams) + " parameters so far: too large to train here";
    } catch (const Error& e) {
      c.error = e.what();
    }
    out.push_back(c);
    if (!c.error.empty()) break;
    s = c.out;
  }
  return out;
}

Network::Network(const NetSpec& spec) : spec_(spec) { build(); }

Network::Network(const Network& other) : spec_(other.spec_) {
  build();
  copy_values_from(other);
}

Network& Network::operator=(const Network& other) {
  if (this != &other) {
    spec_ = other.spec_;
    build();
    copy_values_from(other);
  }
  return *this;
}

void Network::build() {
  const Shape in = spec_.input;
  if (in.c <= 0 || in.h <= 0 || in.w <= 0) throw Error("[network] the input shape " + in.str() + " is empty");
  if (int64_t(in.c) * in.h * in.w > kMaxValuesPerSample)
    throw Error("[network] the input shape " + in.str() + " has more than " + std::to_string(kMaxValuesPerSample) +
                " values");
  if (spec_.layers.empty()) throw Error("[network] a network needs at least one layer");
  if (int64_t(spec_.layers.size()) > kMaxLayers)
    throw Error("[network] " + std::to_string(spec_.layers.size()) + " layers are more than the " +
                std::to_string(kMaxLayers) + " a network may have");
  if (spec_.loss != "softmax_cross_entropy" && spec_.loss != "mse")
    throw Error("[network] unknown loss '" + spec_.loss + "' (expected softmax_cross_entropy or mse)");
  layers_.clear();
  Shape s = spec_.input;
  int64_t params = 0;
  activations_per_sample_ = s.size();
  for (size_t i = 0; i < spec_.layers.size(); ++i) {
    try {
      layers_.push_back(make_layer(spec_.layers[i], s));
    } catch (const Error& e) {
      throw Error("[network] layer " + std::to_string(i + 1) + " (" + spec_.layers[i].describe() + "): " + e.what());
    }
    s = layers_.back()->out_shape();
    activations_per_sample_ += s.size();
    if (activations_per_sample_ > kMaxActivationsPerSample) {
      layers_.clear();
      throw Error("[network] more than " + std::to_string(kMaxActivationsPerSample) +
                  " activation values per sample (at layer " + std::to_string(i + 1) + ", " +
                  spec_.layers[i].describe() + ", which gives " + s.str() + "): too large to run here");
    }
    for (const auto& p : layers_.back()->params()) params += p.value->size();
    if (params > kMaxParams) {
      layers_.clear();
      throw Error("[network] more than " + std::to_string(kMaxParams) + " parameters (at layer " +
                  std::to_string(i + 1) + ", " + spec_.layers[i].describe() + "): too large to train here");
    }
  }
  acts_.assign(layers_.size() + 1, Mat());
  grads_.assign(layers_.size() + 1, Mat());
}

Shape Network::output_shape() const { return layers_.back()->out_shape(); }

int Network::max_batch() const {
  const int64_t per = std::max<int64_t>(1, activations_per_sample_);
  return int(std::max<int64_t>(1, std::min<int64_t>(kMaxActivationsPerBatch / per, 1 << 30)));
}

std::string fit_problem(const Network& net, Shape data_input, int num_classes) {
  const Shape in = net.input_shape();
  const int64_t outputs = net.output_shape().size();
  // A network whose first layer is dense reads a flat vector: any shape with as many values fits.
  // A convolution or pooling reads planes, so the shape itself must match.
  const LayerType* first = find_layer_type(net.spec().layers.front().type);
  const bool flat_first = first && first->reads_flat;
  const bool input_ok = in.size() == data_input.size() && (flat_first || in == data_input);
  if (input_ok && outputs == num_classes) return "";
  std::string what = "the model takes " + in.str() + " inputs (" + std::to_string(in.size()) + " values) and gives " +
                     std::to_string(outputs) + (outputs == 1 ? " output" : " outputs") + ", but the data has " +
                     data_input.str() + " images (" + std::to_string(data_input.size()) + " values) in " +
                     std::to_string(num_classes) + " classes";
  if (!input_ok) return what + ": the input shapes differ";
  return what + ": the model needs one output per class";
}

void check_fits(const Network& net, Shape data_input, int num_classes, const char* component,
                const std::string& source) {
  const std::string why = fit_problem(net, data_input, num_classes);
  if (!why.empty()) throw Error(std::string("[") + component + "] " + source + ": " + why);
}

void Network::initialise(InitKind kind, uint64_t seed) {
  Rng rng(seed);
  for (auto& l : layers_) l->initialise(kind, rng);
}

const Mat& Network::forward(const Mat& x, bool training) {
  if (x.rows() != spec_.input.size())
    throw Error("[network] input has " + std::to_string(x.rows()) + " values per sample, the network expects " +
                std::to_string(spec_.input.size()));
  acts_[0] = x;
  return forward(training);
}

Mat& Network::input(int n) {
  acts_[0].resize(spec_.input.size(), n);
  return acts_[0];
}

const Mat& Network::forward(bool training) {
  for (size_t i = 0; i < layers_.size(); ++i) layers_[i]->forward(acts_[i], acts_[i + 1], training);
  return acts_.back();
}

double Network::loss(const uint8_t* labels) {
  const Mat& out = acts_.back();
  // A label past the outputs would index beyond them (softmax) or beyond the one-hot targets.
  for (Eigen::Index j = 0; j < out.cols(); ++j)
    if (labels[j] >= out.rows())
      throw Error("[network] label " + std::to_string(int(labels[j])) + " has no output: the network has " +
                  std::to_string(out.rows()) + " outputs");
  if (is_classifier()) return softmax_cross_entropy(out, labels, &grads_.back());
  return mean_squared_error(out, one_hot(labels, static_cast<int>(out.cols()), static_cast<int>(out.rows())),
                            &grads_.back());
}

double Network::loss(const Mat& targets) { return mean_squared_error(acts_.back(), targets, &grads_.back()); }

void Network::backward(bool need_input_grad) {
  for (size_t i = layers_.size(); i-- > 0;) {
    Mat* din = (i > 0 || need_input_grad) ? &grads_[i] : nullptr;
    layers_[i]->backward(acts_[i], acts_[i + 1], grads_[i + 1], din);
  }
}

bool Network::samples_independent() const {
  for (const auto& l : layers_)
    if (!l->samples_independent()) return false;
  return true;
}

double Network::work_per_sample() const {
  double w = 0;
  for (const auto& l : layers_) w += l->work_per_sample();
  return w;
}

std::vector<NamedParam> Network::params() {
  std::vector<NamedParam> out;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (auto& p : layers_[i]->params())
      out.push_back({"layers." + std::to_string(i) + "." + p.name, static_cast<int>(i), p});
  return out;
}

std::vector<Param> Network::param_list() {
  std::vector<Param> out;
  for (auto& l : layers_)
    for (auto& p : l->params()) out.push_back(p);
  return out;
}

int64_t Network::param_count() const {
  int64_t n = 0;
  for (auto& l : layers_)
    for (auto& p : l->params()) n += p.value->size();
  return n;
}

void Network::copy_values_from(const Network& other) {
  // Parameters, then buffers (batch norm's running statistics): everything a model file holds.
  auto& src = const_cast<Network&>(other);
  auto mismatch = [] { return Error("[network] cannot copy values between different architectures"); };
  auto a = param_list(), b = src.param_list();
  if (a.size() != b.size()) throw mismatch();
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].value->rows() != b[i].value->rows() || a[i].value->cols() != b[i].value->cols()) throw mismatch();
    *a[i].value = *b[i].value;
  }
  auto all_buffers = [](Network& n) {
    std::vector<Mat*> v;
    for (auto& l : n.layers_)
      for (auto& nb : l->buffers()) v.push_back(nb.second);
    return v;
  };
  auto ba = all_buffers(*this), bb = all_buffers(src);
  if (ba.size() != bb.size()) throw mismatch();
  for (size_t i = 0; i < ba.size(); ++i) {
    if (ba[i]->size() != bb[i]->size()) throw mismatch();
    *ba[i] = *bb[i];
  }
}

std::vector<Scalar> Network::flat_values() const {
  std::vector<Scalar> v;
  for (auto& l : layers_)
    for (auto& p : l->params()) v.insert(v.end(), p.value->data(), p.value->data() + p.value->size());
  return v;
}

void argmax_cols(const Mat& m, std::vector<int>& out) {
  out.resize(m.cols());
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    Eigen::Index r;
    m.col(j).maxCoeff(&r);
    out[j] = static_cast<int>(r);
  }
}

int find_param(const std::vector<NamedParam>& params, int layer, const char* name) {
  const std::string full = "layers." + std::to_string(layer) + "." + name;
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].name == full) return int(i);
  return -1;
}

}  // namespace nnviz
