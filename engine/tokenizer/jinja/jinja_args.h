// Binding a call's positional and keyword arguments to a built-in's parameters, with
// Python's TypeError wording, plus the argument conversions built-ins share.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/jinja/jinja_error.h"
#include "engine/tokenizer/jinja/jinja_operators.h"
#include "engine/tokenizer/jinja/jinja_python.h"
#include "engine/tokenizer/jinja/jinja_value.h"

namespace pagoda::jinja {

class BoundArgs {
public:
    // Binds `args` to `parameters` in order; a trailing "*" parameter name collects the
    // remaining positional arguments (see rest()).
    BoundArgs(std::string_view function, const Args& args, std::initializer_list<std::string_view> parameters)
        : m_function(function) {
        std::vector<std::string_view> names(parameters);
        const bool variadic = !names.empty() && names.back() == "*";
        if (variadic) names.pop_back();
        m_values.assign(names.size(), nullptr);
        for (size_t i = 0; i < args.positional.size(); ++i) {
            if (i < names.size()) {
                m_values[i] = &args.positional[i];
            } else if (variadic) {
                m_rest.push_back(args.positional[i]);
            } else {
                fail(ErrorKind::Type, fmt::format("{}() takes at most {} argument(s) ({} given)", function, names.size(),
                                                  args.positional.size()));
            }
        }
        for (const auto& [key, value] : args.keyword) {
            size_t i = 0;
            while (i < names.size() && names[i] != key) ++i;
            if (i == names.size()) fail(ErrorKind::Type, fmt::format("{}() got an unexpected keyword argument '{}'", function, key));
            if (m_values[i]) fail(ErrorKind::Type, fmt::format("{}() got multiple values for argument '{}'", function, key));
            m_values[i] = &value;
        }
    }

    bool has(size_t i) const { return m_values[i] != nullptr; }
    // The argument, or `fallback` when it was not passed.
    Value get(size_t i, Value fallback = Value::none()) const { return m_values[i] ? *m_values[i] : fallback; }
    const std::vector<Value>& rest() const { return m_rest; }

    int64_t integer(size_t i, int64_t fallback) const {
        if (!has(i)) return fallback;
        const Value& v = *m_values[i];
        if (!v.isIntegral()) fail(ErrorKind::Type, fmt::format("{}() expects an integer, not '{}'", m_function, typeName(v)));
        return v.asInt();
    }
    bool boolean(size_t i, bool fallback) const { return has(i) ? truthy(*m_values[i]) : fallback; }
    // A str argument (None counts as absent); anything else is a TypeError.
    std::optional<std::string> string(size_t i) const {
        if (!has(i) || m_values[i]->isNone()) return std::nullopt;
        if (!m_values[i]->isString()) {
            fail(ErrorKind::Type, fmt::format("{}() expects a string, not '{}'", m_function, typeName(*m_values[i])));
        }
        return m_values[i]->asString();
    }
    std::string requiredString(size_t i) const {
        auto s = string(i);
        if (!s) fail(ErrorKind::Type, fmt::format("{}() is missing a string argument", m_function));
        return *s;
    }

private:
    std::string_view m_function;
    std::vector<const Value*> m_values;
    std::vector<Value> m_rest;
};

// An optional integer index (None allowed), as slice bounds and str.find's start/end are.
inline std::optional<int64_t> optionalIndex(const Value& v) {
    if (v.isNone() || v.isUndefined()) return std::nullopt;
    if (!v.isIntegral()) fail(ErrorKind::Type, "slice indices must be integers or None or have an __index__ method");
    return v.asInt();
}

}  // namespace pagoda::jinja
