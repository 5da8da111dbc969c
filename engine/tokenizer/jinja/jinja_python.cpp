#include "engine/tokenizer/jinja/jinja_python.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <string>
#include <vector>

#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_error.h"
#include "engine/tokenizer/jinja/jinja_unicode.h"

namespace pagoda::jinja {

std::string formatFloat(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0.0) return std::signbit(d) ? "-0.0" : "0.0";

    // Shortest round-trip digits, then laid out as CPython's float_repr_style 'short' does:
    // positional for exponents in [-4, 16), scientific with a 2+ digit exponent otherwise.
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(d), std::chars_format::scientific);
    const std::string_view text(buffer, result.ptr - buffer);
    const size_t e = text.find('e');
    std::string digits;
    for (char c : text.substr(0, e)) {
        if (c != '.') digits.push_back(c);
    }
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    const int exponent = std::stoi(std::string(text.substr(e + 1)));
    const int n = static_cast<int>(digits.size());

    std::string out = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
        out += digits[0];
        if (n > 1) out += "." + digits.substr(1);
        out += fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
    } else if (exponent < 0) {
        out += "0." + std::string(-exponent - 1, '0') + digits;
    } else if (exponent >= n - 1) {
        out += digits + std::string(exponent - (n - 1), '0') + ".0";
    } else {
        out += digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
    }
    return out;
}

std::string reprString(std::string_view s) {
    const bool hasSingle = s.find('\'') != std::string_view::npos;
    const bool hasDouble = s.find('"') != std::string_view::npos;
    const char quote = hasSingle && !hasDouble ? '"' : '\'';
    Budget::charge(s.size());
    std::string out(1, quote);
    size_t count = 0;
    for (size_t i = 0; i < s.size();) {
        const auto [c, length] = unicode::decodeAt(s, i);
        i += length;
        // Escapes grow a string up to tenfold, so the size is checked as it grows.
        if (++count % 4096 == 0) Budget::checkSize(out.size(), "the repr() of a string");
        if (c == static_cast<char32_t>(quote) || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (unicode::isPrintable(c)) {
            unicode::append(out, c);
        } else if (c < 0x100) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
        } else if (c < 0x10000) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
            out += fmt::format("\\U{:08x}", static_cast<unsigned>(c));
        }
    }
    out += quote;
    return out;
}

static std::string repr(const Value& v, int depth);

// Appends "key: value", checking the size before each part is added.
static void appendEntry(std::string& out, const Value& key, const Value& value, int depth, const char* what) {
    for (const Value* part : {&key, &value}) {
        if (part == &value) out += ": ";
        const std::string text = repr(*part, depth + 1);
        Budget::checkSize(out.size() + text.size(), what);
        Budget::charge(text.size());
        out += text;
    }
}

static std::string objectRepr(const Object& object, int depth) {
    if (object.type == Object::Type::Namespace) {
        std::string out = "<Namespace {";
        bool first = true;
        for (const auto& [key, value] : object.attributes.entries()) {
            if (!first) out += ", ";
            first = false;
            appendEntry(out, key, value, depth, "the text of a namespace");
        }
        return out + "}>";
    }
    return fmt::format("<LoopContext {}/{}>", object.loopIndex0 + 1, object.loopItems ? object.loopItems->size() : 0);
}

std::string toStr(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Undefined: return "";
        case Value::Kind::String: return v.asString();
        default: return toRepr(v);
    }
}

std::string toRepr(const Value& v) { return repr(v, 0); }

// Namespaces can contain themselves, so the depth is bounded here rather than by Value's nesting.
static std::string repr(const Value& v, int depth) {
    if (depth > kMaxNesting) fail(ErrorKind::Limit, fmt::format("repr() nests deeper than the limit of {} levels", kMaxNesting));
    Budget::charge(1);
    switch (v.kind()) {
        case Value::Kind::Undefined: return "Undefined";
        case Value::Kind::None: return "None";
        case Value::Kind::Bool: return v.asBool() ? "True" : "False";
        case Value::Kind::Int: return fmt::format("{}", v.asInt());
        case Value::Kind::Float: return formatFloat(v.asDouble());
        case Value::Kind::String: return reprString(v.asString());
        case Value::Kind::List: {
            const List& list = v.asList();
            std::string out = list.isTuple ? "(" : "[";
            for (size_t i = 0; i < list.items.size(); ++i) {
                if (i > 0) out += ", ";
                const std::string item = repr(list.items[i], depth + 1);
                Budget::checkSize(out.size() + item.size(), "the text of a list");
                Budget::charge(item.size());
                out += item;
            }
            if (list.isTuple && list.items.size() == 1) out += ",";
            return out + (list.isTuple ? ")" : "]");
        }
        case Value::Kind::Dict: {
            std::string out = "{";
            bool first = true;
            for (const auto& [key, value] : v.asDict().entries()) {
                if (!first) out += ", ";
                first = false;
                appendEntry(out, key, value, depth, "the text of a dict");
            }
            return out + "}";
        }
        case Value::Kind::Object: return objectRepr(v.asObject(), depth);
        case Value::Kind::Callable: return fmt::format("<built-in function {}>", v.asCallable().name);
    }
    return "";
}

// snprintf into a string of the size it needs.
template <class T>
static std::string cFormat(const std::string& spec, T value) {
    const int n = std::snprintf(nullptr, 0, spec.c_str(), value);
    if (n < 0) fail(ErrorKind::Value, "invalid format");
    std::string out(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(out.data(), out.size(), spec.c_str(), value);
    out.resize(static_cast<size_t>(n));
    return out;
}

namespace {

// A width or precision, saturating: a huge one must fail the size check, not wrap around.
size_t specNumber(std::string_view digits) {
    size_t n = 0;
    for (char c : digits) n = n > SIZE_MAX / 20 ? SIZE_MAX / 2 : n * 10 + static_cast<size_t>(c - '0');
    return n;
}

// The most bytes a number formatted with this precision takes beyond the precision itself:
// a double has at most 309 integer digits, plus sign, point and exponent.
constexpr size_t kNumberBytes = 330;

int64_t integerArgument(const Value& arg) {
    if (!arg.isFloat()) return arg.asInt();
    const double d = arg.asDouble();
    if (std::isnan(d)) fail(ErrorKind::Value, "cannot convert float NaN to integer");
    if (std::isinf(d)) fail(ErrorKind::Value, "cannot convert float infinity to integer");
    if (std::fabs(d) >= 9.2e18) fail(ErrorKind::Value, "integer result does not fit in 64 bits");
    return static_cast<int64_t>(d);
}

}  // namespace

std::string printfFormat(std::string_view pattern, const std::vector<Value>& args) {
    std::string out;
    auto emit = [&out](std::string_view piece) {
        Budget::checkSize(out.size() + piece.size(), "a string built by '%'");
        out += piece;
    };
    size_t next = 0;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%') {
            const size_t end = std::min(pattern.find('%', i), pattern.size());
            emit(pattern.substr(i, end - i));
            i = end - 1;
            continue;
        }
        size_t j = i + 1;
        std::string flags;
        while (j < pattern.size() && std::string_view("-+ 0#").find(pattern[j]) != std::string_view::npos) flags += pattern[j++];
        std::string width;
        while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') width += pattern[j++];
        std::string precision;
        if (j < pattern.size() && pattern[j] == '.') {
            precision = ".";
            for (++j; j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9'; ++j) precision += pattern[j];
        }
        if (j >= pattern.size()) fail(ErrorKind::Value, "incomplete format");
        const char conversion = pattern[j];
        i = j;
        if (conversion == '%') {
            emit("%");
            continue;
        }
        if (next >= args.size()) fail(ErrorKind::Type, "not enough arguments for format string");
        const Value& arg = args[next++];
        const size_t w = specNumber(width);
        const size_t p = precision.empty() ? 0 : specNumber(std::string_view(precision).substr(1));
        // Checked before formatting: '%.999999999f' would otherwise allocate a gigabyte.
        Budget::checkSize(w, "a formatted field");
        const bool numericConversion = std::string_view("diouxXfFeEgG").find(conversion) != std::string_view::npos;
        if (numericConversion) Budget::checkSize(std::max(w, p > SIZE_MAX / 2 ? SIZE_MAX : p + kNumberBytes), "a formatted field");
        const std::string spec = "%" + flags + width + precision;
        auto numeric = [&](const char* kind) {
            if (!arg.isNumber()) fail(ErrorKind::Type, fmt::format("%{} format: a real number is required, not {}", kind, typeName(arg)));
        };
        switch (conversion) {
            case 's':
            case 'r': {
                std::string text = conversion == 's' ? toStr(arg) : toRepr(arg);
                if (precision.size() > 1 && p < text.size()) text = unicode::encode(unicode::decode(text).substr(0, p));
                const size_t n = unicode::length(text);
                if (n < w) {
                    Budget::checkSize(text.size() + (w - n), "a formatted field");
                    text = flags.find('-') != std::string::npos ? text + std::string(w - n, ' ') : std::string(w - n, ' ') + text;
                }
                emit(text);
                break;
            }
            case 'd':
            case 'i':
            case 'x':
            case 'X':
            case 'o':
                numeric("d");
                emit(cFormat(spec + "ll" + (conversion == 'i' ? 'd' : conversion), static_cast<long long>(integerArgument(arg))));
                break;
            case 'f':
            case 'F':
            case 'e':
            case 'E':
            case 'g':
            case 'G':
                numeric("f");
                emit(cFormat(spec + conversion, arg.asDouble()));
                break;
            case 'c': {
                std::string c;
                if (arg.isString() && unicode::length(arg.asString()) == 1) {
                    c = arg.asString();
                } else if (arg.isIntegral() && arg.asInt() >= 0 && arg.asInt() <= 0x10FFFF) {
                    unicode::append(c, static_cast<char32_t>(arg.asInt()));
                } else {
                    fail(ErrorKind::Type, "%c requires an int or a unicode character");
                }
                emit(c);
                break;
            }
            default: fail(ErrorKind::Value, fmt::format("unsupported format character '{}'", conversion));
        }
    }
    if (next < args.size()) fail(ErrorKind::Type, "not all arguments converted during string formatting");
    return out;
}

namespace {

class JsonWriter {
public:
    explicit JsonWriter(const JsonOptions& options)
        : m_options(options),
          m_itemSeparator(options.itemSeparator.value_or(options.indent ? "," : ", ")),
          m_keySeparator(options.keySeparator.value_or(": ")) {}

    std::string write(const Value& v) {
        value(v, 0);
        return std::move(m_out);
    }

private:
    void value(const Value& v, int level) {
        Budget::checkSize(m_out.size(), "tojson output");
        Budget::charge(1);
        switch (v.kind()) {
            case Value::Kind::None: m_out += "null"; return;
            case Value::Kind::Bool: m_out += v.asBool() ? "true" : "false"; return;
            case Value::Kind::Int: m_out += fmt::format("{}", v.asInt()); return;
            case Value::Kind::Float: m_out += number(v.asDouble()); return;
            case Value::Kind::String: string(v.asString()); return;
            case Value::Kind::List: array(v.asList().items, level); return;
            case Value::Kind::Dict: object(v.asDict(), level); return;
            default:
                fail(ErrorKind::Type, fmt::format("Object of type {} is not JSON serializable", typeName(v)));
        }
    }

    static std::string number(double d) {
        if (std::isnan(d)) return "NaN";
        if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
        return formatFloat(d);
    }

    // Adds separators and indents, whose size the template chose, after checking it.
    void append(std::string_view piece) {
        Budget::checkSize(m_out.size() + piece.size(), "tojson output");
        m_out += piece;
    }

    void newline(int level) {
        if (!m_options.indent) return;
        m_out += '\n';
        for (int i = 0; i < level; ++i) append(*m_options.indent);
    }

    void array(const std::vector<Value>& items, int level) {
        if (items.empty()) {
            m_out += "[]";
            return;
        }
        m_out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0) append(m_itemSeparator);
            newline(level + 1);
            value(items[i], level + 1);
        }
        newline(level);
        m_out += ']';
    }

    // Python converts int, float, bool and None keys to strings; anything else is an error.
    static std::string keyText(const Value& key) {
        switch (key.kind()) {
            case Value::Kind::String: return key.asString();
            case Value::Kind::None: return "null";
            case Value::Kind::Bool: return key.asBool() ? "true" : "false";
            case Value::Kind::Int: return fmt::format("{}", key.asInt());
            case Value::Kind::Float: return number(key.asDouble());
            default:
                fail(ErrorKind::Type,
                     fmt::format("keys must be str, int, float, bool or None, not {}", typeName(key)));
        }
    }

    void object(const Dict& dict, int level) {
        if (dict.empty()) {
            m_out += "{}";
            return;
        }
        std::vector<const Dict::Entry*> entries;
        for (const Dict::Entry& entry : dict.entries()) entries.push_back(&entry);
        if (m_options.sortKeys) {
            for (const Dict::Entry* entry : entries) {
                if (entry->first.kind() != entries.front()->first.kind()) {
                    fail(ErrorKind::Type, fmt::format("'<' not supported between instances of '{}' and '{}'",
                                                      typeName(entry->first), typeName(entries.front()->first)));
                }
            }
            std::stable_sort(entries.begin(), entries.end(), [](const Dict::Entry* a, const Dict::Entry* b) {
                if (a->first.isString()) return a->first.asString() < b->first.asString();
                return a->first.asDouble() < b->first.asDouble();
            });
        }
        m_out += '{';
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i > 0) append(m_itemSeparator);
            newline(level + 1);
            string(keyText(entries[i]->first));
            append(m_keySeparator);
            value(entries[i]->second, level + 1);
        }
        newline(level);
        m_out += '}';
    }

    void string(std::string_view s) {
        // At least this much; escapes grow it, so it is checked again as it grows.
        Budget::checkSize(m_out.size() + s.size(), "tojson output");
        m_out += '"';
        size_t count = 0;
        for (size_t i = 0; i < s.size();) {
            const auto [c, length] = unicode::decodeAt(s, i);
            i += length;
            if (++count % 4096 == 0) Budget::checkSize(m_out.size(), "tojson output");
            switch (c) {
                case '"': m_out += "\\\""; break;
                case '\\': m_out += "\\\\"; break;
                case '\n': m_out += "\\n"; break;
                case '\r': m_out += "\\r"; break;
                case '\t': m_out += "\\t"; break;
                case '\b': m_out += "\\b"; break;
                case '\f': m_out += "\\f"; break;
                default:
                    if (c < 0x20 || (m_options.ensureAscii && c > 0x7E)) {
                        escape(c);
                    } else {
                        unicode::append(m_out, c);
                    }
            }
        }
        m_out += '"';
    }

    void escape(char32_t c) {
        if (c >= 0x10000) {
            const char32_t v = c - 0x10000;
            m_out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
        } else {
            m_out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        }
    }

    const JsonOptions& m_options;
    std::string m_itemSeparator;
    std::string m_keySeparator;
    std::string m_out;
};

}  // namespace

std::string toJson(const Value& v, const JsonOptions& options) { return JsonWriter(options).write(v); }

}  // namespace pagoda::jinja
