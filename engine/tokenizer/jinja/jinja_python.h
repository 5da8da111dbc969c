// Python's text forms of values, which a template's output is made of: str() and repr()
// (what {{ x }} prints), float repr, and json.dumps as transformers' tojson filter calls it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/jinja/jinja_value.h"

namespace pagoda::jinja {

std::string formatFloat(double d);          // repr(float): "1.0", "1e+16", "0.1", "inf"
std::string reprString(std::string_view s);  // repr(str): quotes and escapes chosen as CPython does
std::string toStr(const Value& v);           // str(v); undefined is ""
std::string toRepr(const Value& v);          // repr(v); undefined is "Undefined"

// Python's `pattern % args` for the conversions s r d i f F e E g G x X o c and %, with
// flags, width and precision.
std::string printfFormat(std::string_view pattern, const std::vector<Value>& args);

// json.dumps(x, ensure_ascii, indent, separators, sort_keys), the signature of the tojson
// filter transformers installs. An indent of nullopt means one line; separators default to
// (", ", ": ") on one line and (",", ": ") when indenting, as in Python.
struct JsonOptions {
    bool ensureAscii = false;
    std::optional<std::string> indent;
    std::optional<std::string> itemSeparator;
    std::optional<std::string> keySeparator;
    bool sortKeys = false;
};
std::string toJson(const Value& v, const JsonOptions& options);

}  // namespace pagoda::jinja
