#include "labs/expr.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "base/scalar.h"

namespace nnviz {

struct Expr::Node {
  enum class Kind { Number, X, Neg, Add, Sub, Mul, Div, Pow, Call } kind;
  double value = 0;
  std::string fn;
  std::shared_ptr<const Node> a, b;
};

namespace {

using NodeP = std::shared_ptr<const Expr::Node>;
using Kind = Expr::Node::Kind;

NodeP make(Kind k, NodeP a = nullptr, NodeP b = nullptr, double v = 0, std::string fn = "") {
  auto n = std::make_shared<Expr::Node>();
  n->kind = k;
  n->a = std::move(a);
  n->b = std::move(b);
  n->value = v;
  n->fn = std::move(fn);
  return n;
}

// Recursive descent:  sum := product (('+'|'-') product)*
//                     product := unary (('*'|'/') unary)*
//                     unary := '-' unary | power
//                     power := atom ('^' unary)?
//                     atom := number | name | name '(' sum ')' | '(' sum ')'
class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}
  NodeP all() {
    NodeP n = sum(0);
    skip();
    if (p_ < s_.size()) fail("unexpected '" + std::string(1, s_[p_]) + "'");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("[expr] " + what + " at position " + std::to_string(p_ + 1));
  }
  void skip() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  bool eat(char c) {
    skip();
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  void depth_check(int d) const {
    if (d > 100) fail("expression nested too deeply");
  }
  NodeP sum(int d) {
    depth_check(d);
    NodeP n = product(d + 1);
    for (;;) {
      if (eat('+')) n = make(Kind::Add, n, product(d + 1));
      else if (eat('-')) n = make(Kind::Sub, n, product(d + 1));
      else return n;
    }
  }
  NodeP product(int d) {
    depth_check(d);
    NodeP n = unary(d + 1);
    for (;;) {
      if (eat('*')) n = make(Kind::Mul, n, unary(d + 1));
      else if (eat('/')) n = make(Kind::Div, n, unary(d + 1));
      else return n;
    }
  }
  NodeP unary(int d) {
    depth_check(d);
    if (eat('-')) return make(Kind::Neg, unary(d + 1));
    if (eat('+')) return unary(d + 1);
    NodeP base = atom(d + 1);
    if (eat('^')) return make(Kind::Pow, base, unary(d + 1));
    return base;
  }
  NodeP atom(int d) {
    depth_check(d);
    skip();
    if (p_ >= s_.size()) fail("unexpected end");
    const char c = s_[p_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      const char* start = s_.c_str() + p_;
      char* end = nullptr;
      const double v = std::strtod(start, &end);
      if (end == start) fail("bad number");
      p_ += size_t(end - start);
      return make(Kind::Number, nullptr, nullptr, v);
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      const size_t b = p_;
      while (p_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[p_]))) ++p_;
      const std::string name = s_.substr(b, p_ - b);
      if (name == "x") return make(Kind::X);
      if (name == "pi") return make(Kind::Number, nullptr, nullptr, M_PI);
      if (name == "e") return make(Kind::Number, nullptr, nullptr, M_E);
      static const char* fns[] = {"sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "step"};
      bool known = false;
      for (const char* f : fns) known |= name == f;
      if (!known) {
        p_ = b;
        fail("unknown name '" + name + "' (use x, pi, e, sin, cos, tan, exp, log, sqrt, abs, tanh, step)");
      }
      if (!eat('(')) fail("'(' expected after " + name);
      NodeP arg = sum(d + 1);
      if (!eat(')')) fail("')' expected");
      return make(Kind::Call, arg, nullptr, 0, name);
    }
    if (eat('(')) {
      NodeP n = sum(d + 1);
      if (!eat(')')) fail("')' expected");
      return n;
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }

  const std::string& s_;
  size_t p_ = 0;
};

double eval(const Expr::Node& n, double x) {
  switch (n.kind) {
    case Kind::Number: return n.value;
    case Kind::X: return x;
    case Kind::Neg: return -eval(*n.a, x);
    case Kind::Add: return eval(*n.a, x) + eval(*n.b, x);
    case Kind::Sub: return eval(*n.a, x) - eval(*n.b, x);
    case Kind::Mul: return eval(*n.a, x) * eval(*n.b, x);
    case Kind::Div: return eval(*n.a, x) / eval(*n.b, x);
    case Kind::Pow: return std::pow(eval(*n.a, x), eval(*n.b, x));
    case Kind::Call: {
      const double v = eval(*n.a, x);
      const std::string& f = n.fn;
      if (f == "sin") return std::sin(v);
      if (f == "cos") return std::cos(v);
      if (f == "tan") return std::tan(v);
      if (f == "exp") return std::exp(v);
      if (f == "log") return std::log(v);
      if (f == "sqrt") return std::sqrt(v);
      if (f == "abs") return std::fabs(v);
      if (f == "tanh") return std::tanh(v);
      return v >= 0 ? 1.0 : 0.0;  // step
    }
  }
  return 0;
}

}  // namespace

Expr Expr::parse(const std::string& text) {
  if (text.size() > 1000) throw Error("[expr] expression longer than 1000 characters");
  Expr e;
  e.root_ = Parser(text).all();
  e.text_ = text;
  return e;
}

double Expr::operator()(double x) const { return root_ ? eval(*root_, x) : 0.0; }

}  // namespace nnviz
