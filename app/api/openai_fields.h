// Typed reads of request-body fields for openai_protocol.cpp: each checks one JSON value's
// type and range and, when it is wrong, returns the ApiError OpenAI would send, worded as
// OpenAI words it ("Invalid type for 'n': expected an integer, but got a string instead.")
// with `param` set to the field's path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "app/api/openai_protocol.h"

namespace pagoda::openai {

using Json = nlohmann::ordered_json;
using FieldError = std::optional<ApiError>;  // nullopt: the value was good

// A closed range [lo, hi], or (lo, hi] when loExclusive.
struct NumberRange {
    double lo;
    double hi;
    bool loExclusive = false;
};

// How much structure JSON text may have before it is parsed: nesting is recursion, and a
// member is a linear search of its object in ordered_json (100k keys froze the server for
// 13 s), so both are counted first by a flat scan.
struct JsonShapeLimits {
    size_t maxDepth = 64;
    size_t maxObjectMembers = 1024;     // in any one object
    size_t maxTotalMembers = 1u << 16;  // in all objects together
};

// The first way JSON text goes past `limits` and the byte offset where it does, by a scan
// that skips strings (brackets, colons inside them do not count); nullopt when it never
// does. Everything else that is malformed is left for the parser to report.
struct JsonShapeProblem {
    size_t offset;
    std::string what;  // "nests arrays and objects more than 64 levels deep", ...
};
std::optional<JsonShapeProblem> jsonShapeProblem(std::string_view text, const JsonShapeLimits& limits);
bool nestsTooDeep(std::string_view text, size_t maxDepth);

std::string describeType(const Json& value);  // "a string", "an integer", "a decimal number", ...
std::string shortDump(const Json& value);     // the value as JSON, cut to a readable length

ApiError typeError(const std::string& path, std::string_view expected, const Json& found);
ApiError missingField(const std::string& path);
ApiError emptyArray(const std::string& path);
ApiError emptyString(const std::string& path);
// "Invalid value for 'tool_choice': 'x'. Supported values are: 'none', 'auto', and 'required'."
ApiError unsupportedValue(const std::string& path, const std::string& value,
                          std::initializer_list<const char*> supported);

FieldError toBool(const Json& value, const std::string& path, bool& out);
FieldError toString(const Json& value, const std::string& path, std::string& out);
// An integer (or a decimal with no fraction, as pydantic accepts) within [lo, hi].
FieldError toInteger(const Json& value, const std::string& path, int64_t lo, int64_t hi, int64_t& out);
FieldError toInt(const Json& value, const std::string& path, int lo, int hi, int& out);
FieldError toNumber(const Json& value, const std::string& path, NumberRange range, double& out);
FieldError toFloat(const Json& value, const std::string& path, NumberRange range, float& out);

// Reads the fields of one JSON object whose own path is `prefix` ("" at the top level).
// A field that is absent or null leaves `out` as it was.
class FieldReader {
public:
    explicit FieldReader(const Json& object, std::string prefix = {}) : m_object(object), m_prefix(std::move(prefix)) {}

    const Json* find(std::string_view key) const;  // nullptr when absent or null
    std::string path(std::string_view key) const;

    FieldError readBool(std::string_view key, bool& out) const;
    FieldError readString(std::string_view key, std::string& out) const;
    FieldError readInt(std::string_view key, int lo, int hi, int& out) const;
    FieldError readInt(std::string_view key, int lo, int hi, std::optional<int>& out) const;
    FieldError readFloat(std::string_view key, NumberRange range, float& out) const;

private:
    const Json& m_object;
    std::string m_prefix;
};

}  // namespace pagoda::openai
