// The built-in filters, tests, methods and globals, with jinja2's semantics plus the
// globals and tojson override transformers' chat template environment installs.
#pragma once

#include <optional>
#include <string_view>

#include "engine/tokenizer/jinja/jinja_ast.h"
#include "engine/tokenizer/jinja/jinja_value.h"

namespace pagoda::jinja {

// nullptr when there is no filter or test of that name.
FilterFunction findFilter(std::string_view name);
TestFunction findTest(std::string_view name);

// `self.name` for str, dict and list methods: a bound method (for mutating methods like
// append, pop or update, one that raises the sandbox's SecurityError), or nullopt when the
// type has no such method.
std::optional<Value> findMethod(const Value& self, std::string_view name);

// range, dict, namespace, joiner, raise_exception and strftime_now.
Dict makeGlobals();

}  // namespace pagoda::jinja
