// The curves as SVG: well-formed, every series a line (broken at its gaps), long series thinned
// with their spikes kept, text escaped, colours that are not #rrggbb refused.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "io/svg_plot.h"

using namespace nnviz;

namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

// Every point of every polyline, as (x, y) pairs.
std::vector<std::pair<double, double>> Points(const std::string& svg) {
  std::vector<std::pair<double, double>> out;
  for (size_t at = svg.find(" points=\""); at != std::string::npos; at = svg.find(" points=\"", at + 1)) {
    const size_t a = at + 9, b = svg.find('"', a);
    std::stringstream ss(svg.substr(a, b - a));
    std::string pair;
    while (ss >> pair) {
      const size_t comma = pair.find(',');
      out.push_back({std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1))});
    }
  }
  return out;
}

SvgSeries Line(const std::string& name, size_t n, double (*f)(size_t)) {
  SvgSeries s;
  s.name = name;
  s.colour = "#fa a03c";  // not a colour: grey
  for (size_t i = 0; i < n; ++i) s.x.push_back(double(i)), s.y.push_back(f(i));
  return s;
}

}  // namespace

TEST_CASE("svg: two panels, each series a polyline in its colour, the text escaped") {
  SvgPanel loss{"Loss <train & test>", "step", {}, 0, 0, false};
  SvgSeries a = Line("train \"loss\"", 50, [](size_t i) { return 2.0 / (1 + double(i)); });
  a.colour = "#fa a03c";
  SvgSeries b = Line("validation", 50, [](size_t i) { return 1.0 / (1 + double(i)); });
  b.colour = "#4cc26a";
  loss.series = {a, b};
  SvgPanel acc{"Accuracy", "step", {Line("val", 10, [](size_t i) { return 0.1 * double(i); })}, 0, 1, true};
  const std::string svg = svg_plot({loss, acc});
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(Count(svg, "<svg ") == 1);
  CHECK(Count(svg, "</svg>") == 1);
  CHECK(Count(svg, "<g") == Count(svg, "</g>"));
  CHECK(Count(svg, "<polyline") == 3);
  CHECK(svg.find("Loss &lt;train &amp; test&gt;") != std::string::npos);
  CHECK(svg.find("train &quot;loss&quot;") != std::string::npos);
  CHECK(svg.find("<train") == std::string::npos);
  CHECK(svg.find("stroke=\"#4cc26a\"") != std::string::npos);
  CHECK(svg.find("stroke=\"#808080\"") != std::string::npos);  // "#fa a03c" is not a colour
  CHECK(svg.find("#fa a03c") == std::string::npos);
  CHECK(svg.find(">80%<") != std::string::npos);  // percentage ticks on the accuracy panel
  CHECK(Points(svg).size() == 110);
}

TEST_CASE("svg: a gap breaks the line, infinities are gaps, an empty panel says so") {
  SvgSeries s = Line("loss", 30, [](size_t i) { return i == 10 ? NAN : i == 20 ? HUGE_VAL : 1.0 + double(i % 3); });
  const std::string svg = svg_plot({SvgPanel{"Loss", "step", {s}, 0, 0, false}, SvgPanel{"Nothing", "step", {}, 0, 0, false}});
  CHECK(Count(svg, "<polyline") == 3);
  CHECK(Points(svg).size() == 28);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
  CHECK(svg.find("no data") != std::string::npos);
}

TEST_CASE("svg: a long series is thinned, its spike kept") {
  auto spiky = [](size_t i) { return i == 123457 ? 100.0 : 1.0 + 0.001 * double(i % 7); };
  const SvgSeries s = Line("loss", 300000, spiky);
  const std::string svg = svg_plot({SvgPanel{"Loss", "step", {s}, 0, 0, false}});
  const auto pts = Points(svg);
  CHECK(pts.size() <= kMaxSvgPoints + 2);
  CHECK(pts.size() >= kMaxSvgPoints / 2);
  // The spike is the highest point of the plot: near the plot area's top (30 px below the
  // panel's top edge, plus the 5% margin).
  double top = 1e9;
  for (const auto& p : pts) top = std::min(top, p.second);
  CHECK(top < 50);
  CHECK(svg.size() < 200000);  // a figure a slide can hold
}
