// Named networks with their training recipes. Each records the figure the project it reproduces
// reached, so the preset bench can say whether nnviz meets it.
#pragma once

#include <string>
#include <vector>

#include "train/trainer.h"

namespace nnviz {

struct Preset {
  std::string name;
  std::string title;        // one line for menus
  std::string reference;    // where the figure comes from
  double reference_accuracy;  // test accuracy to meet, in [0,1]; 0 if none
  TrainConfig config;
};

const std::vector<Preset>& presets();
const Preset& find_preset(const std::string& name);  // throws Error listing the names
std::string preset_names();                            // "mlp100, mlp256, ..."

}  // namespace nnviz
