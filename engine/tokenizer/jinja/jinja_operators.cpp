#include "engine/tokenizer/jinja/jinja_operators.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_error.h"
#include "engine/tokenizer/jinja/jinja_python.h"
#include "engine/tokenizer/jinja/jinja_unicode.h"

namespace pagoda::jinja {

void raiseUndefined(const Value& undefined) { fail(ErrorKind::Undefined, undefined.undefinedReason()); }

namespace {

const char* symbol(BinaryOp op) {
    switch (op) {
        case BinaryOp::Add: return "+";
        case BinaryOp::Sub: return "-";
        case BinaryOp::Mul: return "*";
        case BinaryOp::Div: return "/";
        case BinaryOp::FloorDiv: return "//";
        case BinaryOp::Mod: return "%";
        case BinaryOp::Pow: return "** or pow()";
        default: return "?";
    }
}

[[noreturn]] void unsupported(BinaryOp op, const Value& a, const Value& b) {
    fail(ErrorKind::Type,
         fmt::format("unsupported operand type(s) for {}: '{}' and '{}'", symbol(op), typeName(a), typeName(b)));
}

[[noreturn]] void overflow() { fail(ErrorKind::Value, "integer result does not fit in 64 bits"); }

int64_t checkedPow(int64_t base, int64_t exponent) {
    int64_t result = 1;
    while (exponent > 0) {
        if ((exponent & 1) && __builtin_mul_overflow(result, base, &result)) overflow();
        exponent >>= 1;
        if (exponent > 0 && __builtin_mul_overflow(base, base, &base)) overflow();
    }
    return result;
}

Value integerArithmetic(BinaryOp op, int64_t x, int64_t y) {
    int64_t r = 0;
    switch (op) {
        case BinaryOp::Add:
            if (__builtin_add_overflow(x, y, &r)) overflow();
            return Value(r);
        case BinaryOp::Sub:
            if (__builtin_sub_overflow(x, y, &r)) overflow();
            return Value(r);
        case BinaryOp::Mul:
            if (__builtin_mul_overflow(x, y, &r)) overflow();
            return Value(r);
        case BinaryOp::Div:
            if (y == 0) fail(ErrorKind::ZeroDivision, "division by zero");
            return Value(static_cast<double>(x) / static_cast<double>(y));
        case BinaryOp::FloorDiv:
        case BinaryOp::Mod: {
            if (y == 0) {
                fail(ErrorKind::ZeroDivision, op == BinaryOp::Mod ? "integer modulo by zero" : "integer division or modulo by zero");
            }
            if (x == INT64_MIN && y == -1) overflow();
            int64_t q = x / y;
            int64_t m = x % y;
            if (m != 0 && ((m < 0) != (y < 0))) {  // Python rounds toward negative infinity
                --q;
                m += y;
            }
            return Value(op == BinaryOp::Mod ? m : q);
        }
        case BinaryOp::Pow:
            if (y < 0) return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
            return Value(checkedPow(x, y));
        default: return Value();
    }
}

Value floatArithmetic(BinaryOp op, double x, double y) {
    switch (op) {
        case BinaryOp::Add: return Value(x + y);
        case BinaryOp::Sub: return Value(x - y);
        case BinaryOp::Mul: return Value(x * y);
        case BinaryOp::Div:
            if (y == 0) fail(ErrorKind::ZeroDivision, "float division by zero");
            return Value(x / y);
        case BinaryOp::FloorDiv:
            if (y == 0) fail(ErrorKind::ZeroDivision, "float floor division by zero");
            return Value(std::floor(x / y));
        case BinaryOp::Mod: {
            if (y == 0) fail(ErrorKind::ZeroDivision, "float modulo");
            double m = std::fmod(x, y);
            if (m != 0 && ((m < 0) != (y < 0))) m += y;
            return Value(m);
        }
        case BinaryOp::Pow:
            if (x == 0 && y < 0) fail(ErrorKind::ZeroDivision, "0.0 cannot be raised to a negative power");
            return Value(std::pow(x, y));
        default: return Value();
    }
}

Value repeat(const Value& sequence, int64_t times) {
    const size_t unit = sequence.isString() ? sequence.asString().size() : sequence.asList().items.size();
    // An empty sequence repeated is empty: '' * 10**18 looped 10**18 times before.
    if (times <= 0 || unit == 0) return sequence.isString() ? Value("") : Value::list({}, sequence.isTuple());
    const uint64_t total = static_cast<uint64_t>(times) > SIZE_MAX / std::max<size_t>(unit, 1) ? SIZE_MAX : unit * times;
    if (sequence.isString()) {
        Budget::checkSize(total, "a repeated string");
    } else {
        Budget::checkItems(total, "a repeated list");
    }
    Budget::charge(total);
    if (sequence.isString()) {
        std::string out;
        out.reserve(unit * times);
        for (int64_t i = 0; i < times; ++i) out += sequence.asString();
        return Value(std::move(out));
    }
    std::vector<Value> items;
    items.reserve(unit * times);
    for (int64_t i = 0; i < times; ++i) items.insert(items.end(), sequence.asList().items.begin(), sequence.asList().items.end());
    return Value::list(std::move(items), sequence.isTuple());
}

Value add(const Value& a, const Value& b) {
    if (a.isString()) {
        if (!b.isString()) fail(ErrorKind::Type, fmt::format("can only concatenate str (not \"{}\") to str", typeName(b)));
        Budget::checkSize(a.asString().size() + b.asString().size(), "a string built by '+'");
        Budget::charge(a.asString().size() + b.asString().size());
        return Value(a.asString() + b.asString());
    }
    if (a.isList()) {
        if (!b.isList() || a.isTuple() != b.isTuple()) {
            fail(ErrorKind::Type, fmt::format("can only concatenate {} (not \"{}\") to {}", typeName(a), typeName(b),
                                              typeName(a)));
        }
        Budget::checkItems(a.asList().items.size() + b.asList().items.size(), "a list built by '+'");
        Budget::charge(a.asList().items.size() + b.asList().items.size());
        std::vector<Value> items = a.asList().items;
        items.insert(items.end(), b.asList().items.begin(), b.asList().items.end());
        return Value::list(std::move(items), a.isTuple());
    }
    unsupported(BinaryOp::Add, a, b);
}

}  // namespace

Value arithmetic(BinaryOp op, const Value& a, const Value& b) {
    if (a.isUndefined()) raiseUndefined(a);
    if (b.isUndefined()) raiseUndefined(b);
    if (a.isNumber() && b.isNumber()) {
        if (a.isIntegral() && b.isIntegral()) return integerArithmetic(op, a.asInt(), b.asInt());
        return floatArithmetic(op, a.asDouble(), b.asDouble());
    }
    if (op == BinaryOp::Add) return add(a, b);
    if (op == BinaryOp::Mul) {
        if ((a.isString() || a.isList()) && b.isIntegral()) return repeat(a, b.asInt());
        if ((b.isString() || b.isList()) && a.isIntegral()) return repeat(b, a.asInt());
        fail(ErrorKind::Type, fmt::format("can't multiply sequence by non-int of type '{}'",
                                          typeName(a.isString() || a.isList() ? b : a)));
    }
    if (op == BinaryOp::Mod && a.isString()) {
        return Value(printfFormat(a.asString(), b.isTuple() ? b.asList().items : std::vector<Value>{b}));
    }
    unsupported(op, a, b);
}

Value unary(UnaryOp op, const Value& v) {
    if (op == UnaryOp::Not) return Value(!truthy(v));
    if (v.isUndefined()) raiseUndefined(v);
    if (!v.isNumber()) {
        fail(ErrorKind::Type, fmt::format("bad operand type for unary {}: '{}'", op == UnaryOp::Neg ? "-" : "+", typeName(v)));
    }
    if (op == UnaryOp::Pos) return v.isBool() ? Value(v.asInt()) : v;
    if (v.isFloat()) return Value(-v.asDouble());
    if (v.asInt() == INT64_MIN) overflow();
    return Value(-v.asInt());
}

int order(const Value& a, const Value& b) {
    if (a.isUndefined()) raiseUndefined(a);
    if (b.isUndefined()) raiseUndefined(b);
    if (a.isNumber() && b.isNumber()) {
        if (a.isIntegral() && b.isIntegral()) return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt();
        const double x = a.asDouble();
        const double y = b.asDouble();
        return x < y ? -1 : x > y;
    }
    if (a.isString() && b.isString()) {
        const int c = a.asString().compare(b.asString());  // UTF-8 byte order is code point order
        return c < 0 ? -1 : c > 0;
    }
    if (a.isList() && b.isList() && a.isTuple() == b.isTuple()) {
        const auto& x = a.asList().items;
        const auto& y = b.asList().items;
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (equals(x[i], y[i])) continue;
            return order(x[i], y[i]);
        }
        return x.size() < y.size() ? -1 : x.size() > y.size();
    }
    fail(ErrorKind::Type,
         fmt::format("'<' not supported between instances of '{}' and '{}'", typeName(a), typeName(b)));
}

bool compare(CompareOp op, const Value& a, const Value& b) {
    switch (op) {
        case CompareOp::Eq: return equals(a, b);
        case CompareOp::Ne: return !equals(a, b);
        case CompareOp::Lt: return order(a, b) < 0;
        case CompareOp::Le: return order(a, b) <= 0;
        case CompareOp::Gt: return order(a, b) > 0;
        case CompareOp::Ge: return order(a, b) >= 0;
        case CompareOp::In: return contains(b, a);
        case CompareOp::NotIn: return !contains(b, a);
    }
    return false;
}

bool contains(const Value& container, const Value& item) {
    switch (container.kind()) {
        case Value::Kind::Undefined: return false;  // jinja2's Undefined iterates as empty
        case Value::Kind::String:
            if (!item.isString()) {
                fail(ErrorKind::Type,
                     fmt::format("'in <string>' requires string as left operand, not {}", typeName(item)));
            }
            return container.asString().find(item.asString()) != std::string::npos;
        case Value::Kind::List:
            Budget::charge(container.asList().items.size());
            for (const Value& element : container.asList().items) {
                if (equals(element, item)) return true;
            }
            return false;
        case Value::Kind::Dict: return container.asDict().find(item) != nullptr;
        default:
            fail(ErrorKind::Type, fmt::format("argument of type '{}' is not iterable", typeName(container)));
    }
}

std::vector<Value> iterate(const Value& v) {
    Budget::charge(v.isString() ? v.asString().size() : v.isList() ? v.asList().items.size() : v.isDict() ? v.asDict().size() : 0);
    switch (v.kind()) {
        case Value::Kind::Undefined: return {};
        case Value::Kind::List: return v.asList().items;
        case Value::Kind::Dict: {
            std::vector<Value> keys;
            keys.reserve(v.asDict().size());
            for (const auto& [key, value] : v.asDict().entries()) keys.push_back(key);
            return keys;
        }
        case Value::Kind::String: {
            Budget::checkItems(v.asString().size() / 4, "the characters of a string");
            std::vector<Value> chars;
            for (char32_t c : unicode::decode(v.asString())) {
                std::string s;
                unicode::append(s, c);
                chars.emplace_back(std::move(s));
            }
            return chars;
        }
        default: fail(ErrorKind::Type, fmt::format("'{}' object is not iterable", typeName(v)));
    }
}

Value concat(const Value& a, const Value& b) {
    std::string leftText;
    std::string rightText;
    const std::string& left = a.isString() ? a.asString() : (leftText = toStr(a));
    const std::string& right = b.isString() ? b.asString() : (rightText = toStr(b));
    Budget::checkSize(left.size() + right.size(), "a string built by '~'");
    Budget::charge(left.size() + right.size());
    std::string text;
    text.reserve(left.size() + right.size());
    text += left;
    text += right;
    return Value(std::move(text));
}

size_t length(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Undefined: return 0;
        case Value::Kind::String: return unicode::length(v.asString());
        case Value::Kind::List: return v.asList().items.size();
        case Value::Kind::Dict: return v.asDict().size();
        default: fail(ErrorKind::Type, fmt::format("object of type '{}' has no len()", typeName(v)));
    }
}

namespace {

// Python's slice.indices(): the start, stop and step actually walked for a given length.
struct SliceBounds {
    int64_t start, stop, step;
};

SliceBounds sliceIndices(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step) {
    const int64_t s = step.value_or(1);
    if (s == 0) fail(ErrorKind::Value, "slice step cannot be zero");
    auto clamp = [&](std::optional<int64_t> index, int64_t fallback) {
        if (!index) return fallback;
        int64_t i = *index;
        if (i < 0) {
            i += n;
            if (i < 0) i = s < 0 ? -1 : 0;
        } else if (i >= n) {
            i = s < 0 ? n - 1 : n;
        }
        return i;
    };
    return {clamp(start, s < 0 ? n - 1 : 0), clamp(stop, s < 0 ? -1 : n), s};
}

// Calls f(i) for each index the slice walks. Counted rather than stepped, so a step near
// INT64_MAX cannot overflow the index.
template <class F>
void forEachIndex(SliceBounds b, F&& f) {
    const uint64_t magnitude = b.step > 0 ? static_cast<uint64_t>(b.step) : static_cast<uint64_t>(-(b.step + 1)) + 1;
    const int64_t span = b.step > 0 ? b.stop - b.start : b.start - b.stop;  // both lie in [-1, n]
    const uint64_t count = span > 0 ? (static_cast<uint64_t>(span) - 1) / magnitude + 1 : 0;
    for (uint64_t k = 0; k < count; ++k) {
        const uint64_t offset = k * magnitude;  // < span, so it fits
        f(b.step > 0 ? b.start + static_cast<int64_t>(offset) : b.start - static_cast<int64_t>(offset));
    }
}

}  // namespace

Value slice(const Value& v, std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step) {
    if (v.isUndefined()) raiseUndefined(v);
    if (v.isList()) {
        const auto& items = v.asList().items;
        Budget::charge(items.size());
        std::vector<Value> out;
        forEachIndex(sliceIndices(static_cast<int64_t>(items.size()), start, stop, step),
                     [&](int64_t i) { out.push_back(items[i]); });
        return Value::list(std::move(out), v.isTuple());
    }
    if (v.isString()) {
        const std::u32string chars = unicode::decode(v.asString());
        std::string out;
        forEachIndex(sliceIndices(static_cast<int64_t>(chars.size()), start, stop, step),
                     [&](int64_t i) { unicode::append(out, chars[i]); });
        return Value(std::move(out));
    }
    fail(ErrorKind::Type, fmt::format("'{}' object is not subscriptable", typeName(v)));
}

std::optional<Value> indexSequence(const Value& v, int64_t index) {
    if (v.isList()) {
        const auto& items = v.asList().items;
        const int64_t n = static_cast<int64_t>(items.size());
        if (index < 0) index += n;
        if (index < 0 || index >= n) return std::nullopt;
        return items[index];
    }
    if (v.isString()) {
        const std::u32string chars = unicode::decode(v.asString());
        const int64_t n = static_cast<int64_t>(chars.size());
        if (index < 0) index += n;
        if (index < 0 || index >= n) return std::nullopt;
        std::string s;
        unicode::append(s, chars[index]);
        return Value(std::move(s));
    }
    return std::nullopt;
}

}  // namespace pagoda::jinja
