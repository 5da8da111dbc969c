// JSON read and written the way Python's json module does it, so tool-call arguments reach
// OpenAI clients byte for byte as vLLM's tool parsers and GLM's own server send them:
// json.dumps(json.loads(text), ensure_ascii=False).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/result.h"

namespace pagoda {

// A JSON value as Python's json.loads builds it: an object keeps its keys in first-seen order
// with the last value of a repeated key (a dict), an integer keeps every digit (Python ints are
// unbounded), a number with a fraction or exponent is a double.
struct PythonJsonValue {
    enum class Kind { Null, Bool, Integer, Float, String, Array, Object };

    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;  // Float
    std::string text;   // Integer: its decimal digits; String: its UTF-8
    std::vector<PythonJsonValue> items;                            // Array
    std::vector<std::pair<std::string, PythonJsonValue>> members;  // Object

    // The value of an object's member, or null when there is none (or this is no object).
    const PythonJsonValue* member(std::string_view key) const;
};

// Parses one JSON document; whitespace around it is allowed, anything else after it is not.
// Stricter than json.loads in corners a model's tool call does not reach: NaN and Infinity
// literals, numbers beyond a double's range and unpaired surrogate escapes are errors.
// The error names `what` (e.g. "tool-call JSON") and where parsing stopped.
Result<PythonJsonValue> parsePythonJson(std::string_view text, std::string_view what);

// json.dumps(value, ensure_ascii=False): ", " and ": " separators, non-ASCII characters as
// they are, control characters as \n-style or \u00XX escapes, floats as Python's repr.
std::string dumpPythonJson(const PythonJsonValue& value);

}  // namespace pagoda
