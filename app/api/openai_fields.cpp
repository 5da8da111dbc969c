#include "app/api/openai_fields.h"

#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

namespace pagoda::openai {

namespace {

constexpr size_t kMaxEchoedChars = 80;

// Integers print as integers, decimals in their shortest round-trip form ("1e+300").
std::string numberText(double value) { return fmt::format("{}", value); }

std::string rangeBound(double value) {
    if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", int64_t(value));
    return numberText(value);
}

}  // namespace

std::optional<JsonShapeProblem> jsonShapeProblem(std::string_view text, const JsonShapeLimits& limits) {
    std::vector<size_t> open;  // per open bracket: members so far ({), or SIZE_MAX ([)
    constexpr size_t kArray = std::numeric_limits<size_t>::max();
    size_t total = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
            case '"': inString = true; break;
            case '[':
            case '{':
                if (open.size() >= limits.maxDepth)
                    return JsonShapeProblem{i, fmt::format("nests arrays and objects more than {} levels deep",
                                                           limits.maxDepth)};
                open.push_back(c == '[' ? kArray : 0);
                break;
            case ']':
            case '}':
                if (!open.empty()) open.pop_back();
                break;
            case ':':  // one member of the innermost object
                if (open.empty() || open.back() == kArray) break;
                if (++open.back() > limits.maxObjectMembers)
                    return JsonShapeProblem{i, fmt::format("has an object with more than {} members",
                                                           limits.maxObjectMembers)};
                if (++total > limits.maxTotalMembers)
                    return JsonShapeProblem{i, fmt::format("has more than {} object members in all",
                                                           limits.maxTotalMembers)};
                break;
            default: break;
        }
    }
    return std::nullopt;
}

bool nestsTooDeep(std::string_view text, size_t maxDepth) {
    JsonShapeLimits limits;
    limits.maxDepth = maxDepth;
    limits.maxObjectMembers = limits.maxTotalMembers = std::numeric_limits<size_t>::max();
    return jsonShapeProblem(text, limits).has_value();
}

std::string describeType(const Json& value) {
    switch (value.type()) {
        case Json::value_t::null: return "null";
        case Json::value_t::boolean: return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned: return "an integer";
        case Json::value_t::number_float: return "a decimal number";
        case Json::value_t::string: return "a string";
        case Json::value_t::array: return "an array";
        case Json::value_t::object: return "an object";
        default: return "an unknown value";
    }
}

std::string shortDump(const Json& value) {
    std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > kMaxEchoedChars) {
        size_t cut = kMaxEchoedChars;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // keep whole characters
        text.resize(cut);
        text += "...";
    }
    return text;
}

ApiError typeError(const std::string& path, std::string_view expected, const Json& found) {
    return badRequest(fmt::format("Invalid type for '{}': expected {}, but got {} instead.", path, expected,
                                  describeType(found)),
                      path);
}

ApiError missingField(const std::string& path) {
    return badRequest(fmt::format("Missing required parameter: '{}'.", path), path);
}

ApiError emptyArray(const std::string& path) {
    return badRequest(fmt::format("Invalid '{}': empty array. Expected an array with minimum length 1, but got an "
                                  "empty array instead.",
                                  path),
                      path);
}

ApiError emptyString(const std::string& path) {
    return badRequest(fmt::format("Invalid '{}': empty string. Expected a string with minimum length 1, but got an "
                                  "empty string instead.",
                                  path),
                      path);
}

ApiError unsupportedValue(const std::string& path, const std::string& value,
                          std::initializer_list<const char*> supported) {
    std::string list;
    size_t i = 0;
    for (const char* s : supported) {
        if (i > 0) list += supported.size() > 2 ? ", " : " ";
        if (i > 0 && i + 1 == supported.size()) list += "and ";
        list += fmt::format("'{}'", s);
        ++i;
    }
    return badRequest(fmt::format("Invalid value for '{}': {}. Supported values are: {}.", path,
                                  shortDump(Json(value)), list),
                      path);
}

FieldError toBool(const Json& value, const std::string& path, bool& out) {
    if (!value.is_boolean()) return typeError(path, "a boolean", value);
    out = value.get<bool>();
    return std::nullopt;
}

FieldError toString(const Json& value, const std::string& path, std::string& out) {
    if (!value.is_string()) return typeError(path, "a string", value);
    out = value.get<std::string>();
    return std::nullopt;
}

FieldError toInteger(const Json& value, const std::string& path, int64_t lo, int64_t hi, int64_t& out) {
    auto below = [&](const std::string& shown) {
        return badRequest(fmt::format("Invalid '{}': integer below minimum value. Expected a value >= {}, but got {} "
                                      "instead.",
                                      path, lo, shown),
                          path);
    };
    auto above = [&](const std::string& shown) {
        return badRequest(fmt::format("Invalid '{}': integer above maximum value. Expected a value <= {}, but got {} "
                                      "instead.",
                                      path, hi, shown),
                          path);
    };
    if (value.is_number_unsigned()) {
        const uint64_t v = value.get<uint64_t>();
        if (v > uint64_t(std::numeric_limits<int64_t>::max()) || int64_t(v) > hi) return above(fmt::format("{}", v));
        if (int64_t(v) < lo) return below(fmt::format("{}", v));
        out = int64_t(v);
        return std::nullopt;
    }
    if (value.is_number_integer()) {
        const int64_t v = value.get<int64_t>();
        if (v < lo) return below(fmt::format("{}", v));
        if (v > hi) return above(fmt::format("{}", v));
        out = v;
        return std::nullopt;
    }
    if (value.is_number_float()) {
        // Integers past 2^64 arrive as decimals (nlohmann falls back to double): 2^70 must
        // be "above maximum", not "not an integer".
        const double v = value.get<double>();
        if (v != std::floor(v)) return typeError(path, "an integer", value);
        if (v < double(lo)) return below(numberText(v));
        if (v > double(hi)) return above(numberText(v));
        // double(INT64_MAX) rounds up to 2^63, which passes the check above but does not
        // convert; every other whole double in range converts exactly.
        out = v >= 9223372036854775808.0 ? hi : int64_t(v);
        return std::nullopt;
    }
    return typeError(path, "an integer", value);
}

FieldError toInt(const Json& value, const std::string& path, int lo, int hi, int& out) {
    int64_t v = 0;
    if (auto error = toInteger(value, path, lo, hi, v)) return error;
    out = int(v);
    return std::nullopt;
}

FieldError toNumber(const Json& value, const std::string& path, NumberRange range, double& out) {
    if (!value.is_number()) return typeError(path, "a number", value);
    const double v = value.get<double>();
    const bool tooLow = range.loExclusive ? !(v > range.lo) : !(v >= range.lo);
    if (tooLow)
        return badRequest(fmt::format("Invalid '{}': decimal below minimum value. Expected a value {} {}, but got {} "
                                      "instead.",
                                      path, range.loExclusive ? ">" : ">=", rangeBound(range.lo), numberText(v)),
                          path);
    if (!(v <= range.hi))
        return badRequest(fmt::format("Invalid '{}': decimal above maximum value. Expected a value <= {}, but got {} "
                                      "instead.",
                                      path, rangeBound(range.hi), numberText(v)),
                          path);
    out = v;
    return std::nullopt;
}

FieldError toFloat(const Json& value, const std::string& path, NumberRange range, float& out) {
    double v = 0;
    if (auto error = toNumber(value, path, range, v)) return error;
    out = float(v);
    return std::nullopt;
}

const Json* FieldReader::find(std::string_view key) const {
    const auto it = m_object.find(key);
    if (it == m_object.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string FieldReader::path(std::string_view key) const {
    return m_prefix.empty() ? std::string(key) : fmt::format("{}.{}", m_prefix, key);
}

FieldError FieldReader::readBool(std::string_view key, bool& out) const {
    const Json* value = find(key);
    return value ? toBool(*value, path(key), out) : std::nullopt;
}

FieldError FieldReader::readString(std::string_view key, std::string& out) const {
    const Json* value = find(key);
    return value ? toString(*value, path(key), out) : std::nullopt;
}

FieldError FieldReader::readInt(std::string_view key, int lo, int hi, int& out) const {
    const Json* value = find(key);
    return value ? toInt(*value, path(key), lo, hi, out) : std::nullopt;
}

FieldError FieldReader::readInt(std::string_view key, int lo, int hi, std::optional<int>& out) const {
    const Json* value = find(key);
    if (!value) return std::nullopt;
    int v = 0;
    if (auto error = toInt(*value, path(key), lo, hi, v)) return error;
    out = v;
    return std::nullopt;
}

FieldError FieldReader::readFloat(std::string_view key, NumberRange range, float& out) const {
    const Json* value = find(key);
    return value ? toFloat(*value, path(key), range, out) : std::nullopt;
}

}  // namespace pagoda::openai
