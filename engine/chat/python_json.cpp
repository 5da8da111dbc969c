#include "engine/chat/python_json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pagoda {

const PythonJsonValue* PythonJsonValue::member(std::string_view key) const {
    if (kind != Kind::Object) return nullptr;
    for (const auto& [name, value] : members)
        if (name == key) return &value;
    return nullptr;
}

namespace {

using Json = nlohmann::json;

// Writing and freeing a value recurse, so nesting is bounded (Python's own json module stops
// near its recursion limit of 1000).
constexpr size_t kMaxPythonJsonDepth = 512;

// Builds a PythonJsonValue from nlohmann's SAX events; nlohmann does the lexing (escapes,
// UTF-8 validation, strict trailing-content check) and hands over each number's lexeme, which
// keeps integers too large for 64 bits exact.
class PythonJsonBuilder {
public:
    bool null() { return place(PythonJsonValue{}); }
    bool boolean(bool value) {
        PythonJsonValue v;
        v.kind = PythonJsonValue::Kind::Bool;
        v.boolean = value;
        return place(std::move(v));
    }
    bool number_integer(Json::number_integer_t value) { return placeInteger(std::to_string(value)); }
    bool number_unsigned(Json::number_unsigned_t value) { return placeInteger(std::to_string(value)); }
    bool number_float(Json::number_float_t value, const Json::string_t& lexeme) {
        // nlohmann falls back to a double when an integer overflows 64 bits; Python would not.
        if (lexeme.find_first_of(".eE") == std::string::npos) return placeInteger(lexeme);
        PythonJsonValue v;
        v.kind = PythonJsonValue::Kind::Float;
        v.number = value;
        return place(std::move(v));
    }
    bool string(Json::string_t& value) {
        PythonJsonValue v;
        v.kind = PythonJsonValue::Kind::String;
        v.text = std::move(value);
        return place(std::move(v));
    }
    bool binary(Json::binary_t&) { return false; }  // not produced by text JSON
    bool start_object(std::size_t) {
        PythonJsonValue v;
        v.kind = PythonJsonValue::Kind::Object;
        return open(std::move(v));
    }
    bool key(Json::string_t& name) {
        auto& members = m_stack.back()->members;
        for (size_t i = 0; i < members.size(); ++i) {
            if (members[i].first == name) {  // a dict keeps the first position, the last value
                m_keySlot = i;
                return true;
            }
        }
        m_keySlot = members.size();
        members.emplace_back(std::move(name), PythonJsonValue{});
        return true;
    }
    bool end_object() {
        m_stack.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        PythonJsonValue v;
        v.kind = PythonJsonValue::Kind::Array;
        return open(std::move(v));
    }
    bool end_array() {
        m_stack.pop_back();
        return true;
    }
    bool parse_error(std::size_t position, const std::string& lastToken, const nlohmann::detail::exception& error) {
        m_error = fmt::format("stopped at byte {} (near '{}'): {}", position, lastToken, error.what());
        return false;
    }

    PythonJsonValue& root() { return m_root; }
    const std::string& error() const { return m_error; }

private:
    bool placeInteger(std::string digits) {
        PythonJsonValue v;
        v.kind = PythonJsonValue::Kind::Integer;
        v.text = std::move(digits);
        return place(std::move(v));
    }

    PythonJsonValue* slotFor(PythonJsonValue&& value) {
        if (m_stack.empty()) {
            m_root = std::move(value);
            return &m_root;
        }
        PythonJsonValue& parent = *m_stack.back();
        if (parent.kind == PythonJsonValue::Kind::Array) {
            parent.items.push_back(std::move(value));
            return &parent.items.back();
        }
        PythonJsonValue& slot = parent.members[m_keySlot].second;
        slot = std::move(value);
        return &slot;
    }
    bool place(PythonJsonValue&& value) {
        slotFor(std::move(value));
        return true;
    }
    // Only the innermost open container ever grows, so pointers to the enclosing ones stay valid.
    bool open(PythonJsonValue&& container) {
        if (m_stack.size() >= kMaxPythonJsonDepth) {
            m_error = fmt::format("nested deeper than {} levels", kMaxPythonJsonDepth);
            return false;
        }
        m_stack.push_back(slotFor(std::move(container)));
        return true;
    }

    PythonJsonValue m_root;
    std::vector<PythonJsonValue*> m_stack;
    size_t m_keySlot = 0;
    std::string m_error;
};

// Python's py_encode_basestring: only '"', '\\' and control characters are escaped.
void appendString(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20)
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                else
                    out += c;
        }
    }
    out += '"';
}

// float.__repr__: the shortest digits that round-trip, written positionally when the decimal
// point falls within -4 < decpt <= 16 (with ".0" for integral values), else as d.ddde±XX
// (Python's format_float_short in 'r' mode with Py_DTSF_ADD_DOT_0).
void appendFloat(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "Infinity" : "-Infinity";
        return;
    }
    char buffer[64];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string_view s(buffer, size_t(written.ptr - buffer));  // e.g. "-1.25e+17", "0e+00"
    if (s.front() == '-') {
        out += '-';
        s.remove_prefix(1);
    }
    const size_t e = s.find('e');
    std::string digits;
    for (const char c : s.substr(0, e))
        if (c != '.') digits += c;
    const int exponent = std::atoi(std::string(s.substr(e + 1)).c_str());
    const int decpt = exponent + 1;  // value = 0.d1d2d3... * 10^decpt
    const int n = int(digits.size());
    if (decpt <= -4 || decpt > 16) {
        out += digits[0];
        if (n > 1) {
            out += '.';
            out.append(digits, 1);
        }
        out += fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
    } else if (decpt <= 0) {
        out += "0.";
        out.append(size_t(-decpt), '0');
        out += digits;
    } else if (decpt >= n) {
        out += digits;
        out.append(size_t(decpt - n), '0');
        out += ".0";
    } else {
        out.append(digits, 0, size_t(decpt));
        out += '.';
        out.append(digits, size_t(decpt));
    }
}

void appendValue(std::string& out, const PythonJsonValue& value) {
    using Kind = PythonJsonValue::Kind;
    switch (value.kind) {
        case Kind::Null: out += "null"; break;
        case Kind::Bool: out += value.boolean ? "true" : "false"; break;
        case Kind::Integer: out += value.text; break;
        case Kind::Float: appendFloat(out, value.number); break;
        case Kind::String: appendString(out, value.text); break;
        case Kind::Array:
            out += '[';
            for (size_t i = 0; i < value.items.size(); ++i) {
                if (i) out += ", ";
                appendValue(out, value.items[i]);
            }
            out += ']';
            break;
        case Kind::Object:
            out += '{';
            for (size_t i = 0; i < value.members.size(); ++i) {
                if (i) out += ", ";
                appendString(out, value.members[i].first);
                out += ": ";
                appendValue(out, value.members[i].second);
            }
            out += '}';
            break;
    }
}

}  // namespace

Result<PythonJsonValue> parsePythonJson(std::string_view text, std::string_view what) {
    PythonJsonBuilder builder;
    bool ok = false;
    try {
        ok = Json::sax_parse(text.begin(), text.end(), &builder);
    } catch (const std::exception& e) {  // sax_parse reports through parse_error; this is a backstop
        return makeError(fmt::format("{}: {}", what, e.what()));
    }
    if (!ok) return makeError(fmt::format("{}: invalid JSON: {}", what, builder.error()));
    return std::move(builder.root());
}

std::string dumpPythonJson(const PythonJsonValue& value) {
    std::string out;
    appendValue(out, value);
    return out;
}

}  // namespace pagoda
