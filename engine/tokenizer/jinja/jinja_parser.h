// Recursive-descent parser from tokens to the syntax tree, following jinja2's grammar and
// operator precedence. Nesting is bounded so hostile templates cannot exhaust the stack.
#pragma once

#include <string_view>

#include "engine/tokenizer/jinja/jinja_ast.h"

namespace pagoda::jinja {

// Deepest nesting of expressions and blocks a template may have.
constexpr int kMaxParseDepth = 200;

// Throws Syntax or Assertion errors carrying the location of the offending token.
Template parseTemplate(std::string_view source, std::string origin);

}  // namespace pagoda::jinja
