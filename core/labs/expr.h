// A tiny expression language for the 1-D regression playground's target function:
//   numbers, x, pi, e, + - * / ^ (right-associative), unary minus, parentheses, and
//   sin cos tan exp log sqrt abs tanh step (step(t) = 1 for t >= 0, else 0).
// Parsed once into a tree, evaluated many times. A bad expression is an Error saying where.
#pragma once

#include <memory>
#include <string>

namespace nnviz {

class Expr {
 public:
  static Expr parse(const std::string& text);  // throws Error("[expr] ... at position N")
  double operator()(double x) const;
  const std::string& text() const { return text_; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::string text_;
};

}  // namespace nnviz
