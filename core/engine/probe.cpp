#include "engine/probe.h"

#include <cstdint>

#include "nn/loss.h"

namespace nnviz {

ProbeView probe_pass(Network& net, const Mat& x, int label, long step) {
  ProbeView p;
  p.step = step;
  p.label = label == kProbeTopClass ? -1 : label;
  const Mat& out = net.forward(x, false);
  if (net.is_classifier()) {
    Mat probs;
    softmax(out, probs);
    p.probs = probs.col(0);
  }
  int target = label;
  if (label == kProbeTopClass) {
    target = -1;
    if (p.probs.size() > 0) p.probs.maxCoeff(&target);
  }
  if (target >= 0) {
    const uint8_t lab = static_cast<uint8_t>(target);
    net.loss(&lab);
    net.backward(true);
  }
  for (size_t i = 0; i <= net.num_layers(); ++i) {
    p.acts.push_back(net.act(i));
    p.grads.push_back(target >= 0 ? net.grad(i) : Mat());
  }
  return p;
}

}  // namespace nnviz
