// jinja2's built-in filters (the ones chat templates use, and their close relatives), with
// transformers' tojson override: json.dumps(x, ensure_ascii=False, indent, separators, sort_keys).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "engine/tokenizer/jinja/jinja_args.h"
#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_builtins.h"
#include "engine/tokenizer/jinja/jinja_interpreter.h"
#include "engine/tokenizer/jinja/jinja_strings.h"
#include "engine/tokenizer/jinja/jinja_unicode.h"

namespace pagoda::jinja {

namespace {

using In = Interpreter;

// Python rounds the exact binary value half-to-even, as glibc's printf does.
std::string fixedPoint(double value, int precision) {
    char buffer[512];  // enough for any double with 100 decimals
    const int n = std::snprintf(buffer, sizeof buffer, "%.*f", std::min(precision, 100), value);
    if (n < 0 || n >= static_cast<int>(sizeof buffer)) return formatFloat(value);
    return std::string(buffer, n);
}

// jinja2's make_attrgetter: "a.b.0" looks up a, then b, then item 0.
Value attributePath(In& in, Value item, const std::string& path) {
    for (const std::string& part : splitString(path, std::string("."), -1, false)) {
        const bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
        item = in.getItem(item, numeric ? Value(static_cast<int64_t>(std::strtoll(part.c_str(), nullptr, 10))) : Value(part));
    }
    return item;
}

// Strings compare case-insensitively unless asked otherwise, as jinja2's sort, unique, min, max do.
Value sortKey(const Value& v, bool caseSensitive) {
    return !caseSensitive && v.isString() ? Value(unicode::lower(v.asString())) : v;
}

std::vector<Value> sortedItems(In& in, const Value& input, bool reverse, bool caseSensitive, const Value& attribute) {
    std::vector<Value> items = iterate(input);
    std::vector<std::pair<Value, size_t>> keyed;
    for (size_t i = 0; i < items.size(); ++i) {
        Value key = attribute.isString() ? attributePath(in, items[i], attribute.asString()) : items[i];
        keyed.emplace_back(sortKey(key, caseSensitive), i);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [reverse](const auto& a, const auto& b) {
        return reverse ? order(b.first, a.first) < 0 : order(a.first, b.first) < 0;
    });
    std::vector<Value> out;
    for (const auto& [key, index] : keyed) out.push_back(items[index]);
    return out;
}

Value filterTojson(In& in, const Value& input, Args& args) {
    BoundArgs a("tojson", args, {"ensure_ascii", "indent", "separators", "sort_keys"});
    JsonOptions options;
    options.ensureAscii = a.boolean(0, false);
    const Value indent = a.get(1);
    if (indent.isIntegral()) {
        Budget::checkSize(static_cast<size_t>(std::max<int64_t>(0, indent.asInt())), "tojson() indent");
        options.indent = std::string(static_cast<size_t>(std::max<int64_t>(0, indent.asInt())), ' ');
    } else if (indent.isString()) {
        options.indent = indent.asString();
    } else if (!indent.isNone()) {
        fail(ErrorKind::Type, fmt::format("tojson() indent must be an int or a string, not '{}'", typeName(indent)));
    }
    const Value separators = a.get(2);
    if (!separators.isNone()) {
        if (!separators.isList() || separators.asList().items.size() != 2 || !separators.asList().items[0].isString() ||
            !separators.asList().items[1].isString()) {
            fail(ErrorKind::Type, "tojson() separators must be a pair of strings");
        }
        options.itemSeparator = separators.asList().items[0].asString();
        options.keySeparator = separators.asList().items[1].asString();
    }
    options.sortKeys = a.boolean(3, false);
    std::string json = toJson(input, options);
    in.chargeWork(json.size());
    return Value(std::move(json));
}

Value filterLength(In&, const Value& input, Args& args) {
    BoundArgs("length", args, {});
    return Value(static_cast<int64_t>(length(input)));
}

Value filterDefault(In&, const Value& input, Args& args) {
    BoundArgs a("default", args, {"default_value", "boolean"});
    if (input.isUndefined() || (a.boolean(1, false) && !truthy(input))) return a.get(0, Value(""));
    return input;
}

Value filterTrim(In&, const Value& input, Args& args) {
    BoundArgs a("trim", args, {"chars"});
    return Value(stripString(toStr(input), a.string(0), true, true));
}

Value filterUpper(In&, const Value& input, Args& args) {
    BoundArgs("upper", args, {});
    return Value(unicode::upper(toStr(input)));
}

Value filterLower(In&, const Value& input, Args& args) {
    BoundArgs("lower", args, {});
    return Value(unicode::lower(toStr(input)));
}

Value filterCapitalize(In&, const Value& input, Args& args) {
    BoundArgs("capitalize", args, {});
    return Value(capitalizeString(toStr(input)));
}

Value filterTitle(In&, const Value& input, Args& args) {
    BoundArgs("title", args, {});
    return Value(titleFilter(toStr(input)));
}

Value filterString(In&, const Value& input, Args& args) {
    BoundArgs("string", args, {});
    return Value(toStr(input));
}

Value filterSafe(In&, const Value& input, Args& args) {
    BoundArgs("safe", args, {});
    return Value(toStr(input));
}

Value filterEscape(In&, const Value& input, Args& args) {
    BoundArgs("escape", args, {});
    return Value(htmlEscape(toStr(input)));
}

Value filterReplace(In& in, const Value& input, Args& args) {
    BoundArgs a("replace", args, {"old", "new", "count"});
    std::string out = replaceString(toStr(input), toStr(a.get(0)), toStr(a.get(1)), a.has(2) && !a.get(2).isNone() ? a.integer(2, -1) : -1);
    Budget::checkSize(out.size(), "replace() result");
    in.chargeWork(out.size());
    return Value(std::move(out));
}

Value filterJoin(In& in, const Value& input, Args& args) {
    BoundArgs a("join", args, {"d", "attribute"});
    const std::string separator = toStr(a.get(0, Value("")));
    const Value attribute = a.get(1);
    std::string out;
    bool first = true;
    for (const Value& item : iterate(input)) {
        const Value part = attribute.isNone() ? item : attributePath(in, item, toStr(attribute));
        std::string partText;
        const std::string& text = part.isString() ? part.asString() : (partText = toStr(part));
        Budget::checkSize(out.size() + (first ? 0 : separator.size()) + text.size(), "join() result");
        if (!first) out += separator;
        first = false;
        out += text;
    }
    in.chargeWork(out.size());
    return Value(std::move(out));
}

Value filterFirst(In&, const Value& input, Args& args) {
    BoundArgs("first", args, {});
    if (input.isString() || input.isList() || input.isDict()) {
        std::vector<Value> items = iterate(input);
        if (!items.empty()) return items.front();
    } else if (!input.isUndefined()) {
        iterate(input);  // raises the TypeError
    }
    return Value::undefined("No first item, sequence was empty.");
}

Value filterLast(In&, const Value& input, Args& args) {
    BoundArgs("last", args, {});
    if (input.isString() || input.isList() || input.isDict()) {
        std::vector<Value> items = iterate(input);
        if (!items.empty()) return items.back();
    } else if (!input.isUndefined()) {
        fail(ErrorKind::Type, fmt::format("'{}' object is not reversible", typeName(input)));
    }
    return Value::undefined("No last item, sequence was empty.");
}

Value filterList(In&, const Value& input, Args& args) {
    BoundArgs("list", args, {});
    return Value::list(iterate(input));
}

Value filterItems(In&, const Value& input, Args& args) {
    BoundArgs("items", args, {});
    if (input.isUndefined()) return Value::list({});
    if (!input.isDict()) fail(ErrorKind::Type, "Can only get item pairs from a mapping.");
    std::vector<Value> pairs;
    for (const auto& [key, value] : input.asDict().entries()) pairs.push_back(Value::list({key, value}, true));
    return Value::list(std::move(pairs));
}

Value filterDictsort(In&, const Value& input, Args& args) {
    BoundArgs a("dictsort", args, {"case_sensitive", "by", "reverse"});
    if (!input.isDict()) fail(ErrorKind::Type, "dictsort() requires a mapping");
    const bool caseSensitive = a.boolean(0, false);
    const std::string by = toStr(a.get(1, Value("key")));
    if (by != "key" && by != "value") fail(ErrorKind::Value, "You can only sort by either \"key\" or \"value\"");
    const bool reverse = a.boolean(2, false);
    std::vector<Dict::Entry> entries = input.asDict().entries();
    std::stable_sort(entries.begin(), entries.end(), [&](const Dict::Entry& x, const Dict::Entry& y) {
        const Value& kx = by == "key" ? x.first : x.second;
        const Value& ky = by == "key" ? y.first : y.second;
        const int c = order(sortKey(kx, caseSensitive), sortKey(ky, caseSensitive));
        return reverse ? c > 0 : c < 0;
    });
    std::vector<Value> pairs;
    for (auto& [key, value] : entries) pairs.push_back(Value::list({key, value}, true));
    return Value::list(std::move(pairs));
}

Value filterReverse(In&, const Value& input, Args& args) {
    BoundArgs("reverse", args, {});
    if (input.isString()) return slice(input, std::nullopt, std::nullopt, -1);
    std::vector<Value> items = iterate(input);
    std::reverse(items.begin(), items.end());
    return Value::list(std::move(items));
}

Value filterSort(In& in, const Value& input, Args& args) {
    BoundArgs a("sort", args, {"reverse", "case_sensitive", "attribute"});
    return Value::list(sortedItems(in, input, a.boolean(0, false), a.boolean(1, false), a.get(2)));
}

Value filterUnique(In& in, const Value& input, Args& args) {
    BoundArgs a("unique", args, {"case_sensitive", "attribute"});
    const bool caseSensitive = a.boolean(0, false);
    const Value attribute = a.get(1);
    std::vector<Value> out;
    std::vector<Value> seen;
    for (const Value& item : iterate(input)) {
        Value key = sortKey(attribute.isString() ? attributePath(in, item, attribute.asString()) : item, caseSensitive);
        if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); })) continue;
        seen.push_back(std::move(key));
        out.push_back(item);
    }
    return Value::list(std::move(out));
}

Value extreme(In& in, const Value& input, Args& args, const char* name, bool wantMax) {
    BoundArgs a(name, args, {"case_sensitive", "attribute"});
    std::vector<Value> items = sortedItems(in, input, false, a.boolean(0, false), a.get(1));
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    return wantMax ? items.back() : items.front();
}

Value filterMin(In& in, const Value& input, Args& args) { return extreme(in, input, args, "min", false); }
Value filterMax(In& in, const Value& input, Args& args) { return extreme(in, input, args, "max", true); }

Value filterSum(In& in, const Value& input, Args& args) {
    BoundArgs a("sum", args, {"attribute", "start"});
    Value total = a.get(1, Value(0));
    for (const Value& item : iterate(input)) {
        const Value term = a.get(0).isNone() ? item : attributePath(in, item, toStr(a.get(0)));
        total = arithmetic(BinaryOp::Add, total, term);
    }
    return total;
}

Value filterMap(In& in, const Value& input, Args& args) {
    std::vector<Value> out;
    const auto attribute = std::find_if(args.keyword.begin(), args.keyword.end(), [](const auto& kw) { return kw.first == "attribute"; });
    if (attribute != args.keyword.end()) {
        BoundArgs a("map", args, {"attribute", "default"});
        for (const Value& item : iterate(input)) {
            Value v = attributePath(in, item, toStr(a.get(0)));
            out.push_back(v.isUndefined() && a.has(1) ? a.get(1) : v);
        }
        return Value::list(std::move(out));
    }
    if (args.positional.empty()) fail(ErrorKind::Runtime, "map requires a filter argument");
    const std::string name = toStr(args.positional.front());
    FilterFunction filter = findFilter(name);
    if (!filter) fail(ErrorKind::Runtime, fmt::format("No filter named '{}'.", name));
    Args rest{std::vector<Value>(args.positional.begin() + 1, args.positional.end()), args.keyword};
    for (const Value& item : iterate(input)) {
        Args each = rest;
        out.push_back(filter(in, item, each));
    }
    return Value::list(std::move(out));
}

// select, reject, selectattr and rejectattr: keep items whose test result is `keep`.
Value selectItems(In& in, const Value& input, Args& args, bool byAttribute, bool keep) {
    std::vector<Value> positional = args.positional;
    std::string attribute;
    if (byAttribute) {
        if (positional.empty()) fail(ErrorKind::Type, "selectattr() and rejectattr() need an attribute name");
        attribute = toStr(positional.front());
        positional.erase(positional.begin());
    }
    TestFunction test = nullptr;
    if (!positional.empty()) {
        const std::string name = toStr(positional.front());
        test = findTest(name);
        if (!test) fail(ErrorKind::Runtime, fmt::format("No test named '{}'.", name));
        positional.erase(positional.begin());
    }
    std::vector<Value> out;
    for (const Value& item : iterate(input)) {
        const Value subject = byAttribute ? attributePath(in, item, attribute) : item;
        Args testArgs{positional, args.keyword};
        const bool result = test ? test(in, subject, testArgs) : truthy(subject);
        if (result == keep) out.push_back(item);
    }
    return Value::list(std::move(out));
}

Value filterSelect(In& in, const Value& input, Args& args) { return selectItems(in, input, args, false, true); }
Value filterReject(In& in, const Value& input, Args& args) { return selectItems(in, input, args, false, false); }
Value filterSelectattr(In& in, const Value& input, Args& args) { return selectItems(in, input, args, true, true); }
Value filterRejectattr(In& in, const Value& input, Args& args) { return selectItems(in, input, args, true, false); }

Value filterAttr(In& in, const Value& input, Args& args) {
    BoundArgs a("attr", args, {"name"});
    return in.getAttribute(input, a.requiredString(0));
}

// Python's int(str): optional sign, digits with single underscores, surrounding whitespace.
std::optional<int64_t> parseInteger(const std::string& text, int64_t base) {
    // Python's int() refuses other bases with a ValueError, which jinja2's int filter turns
    // into a float parse; strtoll would leave `end` unset, and reading it crashed.
    if (base != 0 && (base < 2 || base > 36)) return std::nullopt;
    std::string digits;
    for (char c : stripString(text, std::nullopt, true, true)) {
        if (c != '_') digits += c;
    }
    if (digits.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(digits.c_str(), &end, static_cast<int>(base));
    if (*end != '\0' || errno == ERANGE) return std::nullopt;
    return value;
}

std::optional<double> parseFloat(const std::string& text) {
    const std::string trimmed = stripString(text, std::nullopt, true, true);
    if (trimmed.empty()) return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(trimmed.c_str(), &end);
    if (*end != '\0') return std::nullopt;
    return value;
}

Value filterInt(In&, const Value& input, Args& args) {
    BoundArgs a("int", args, {"default", "base"});
    const Value fallback = a.get(0, Value(0));
    if (input.isIntegral()) return Value(input.asInt());
    if (input.isFloat()) {
        const double d = input.asDouble();
        return std::isfinite(d) && std::fabs(d) < 9.2e18 ? Value(static_cast<int64_t>(d)) : fallback;
    }
    if (input.isString()) {
        if (auto i = parseInteger(input.asString(), a.integer(1, 10))) return Value(*i);
        if (auto d = parseFloat(input.asString()); d && std::isfinite(*d) && std::fabs(*d) < 9.2e18) {
            return Value(static_cast<int64_t>(*d));
        }
    }
    return fallback;
}

Value filterFloat(In&, const Value& input, Args& args) {
    BoundArgs a("float", args, {"default"});
    if (input.isNumber()) return Value(input.asDouble());
    if (input.isString()) {
        if (auto d = parseFloat(input.asString())) return Value(*d);
    }
    return a.get(0, Value(0.0));
}

Value filterAbs(In&, const Value& input, Args& args) {
    BoundArgs("abs", args, {});
    if (input.isFloat()) return Value(std::fabs(input.asDouble()));
    if (input.isIntegral()) return input.asInt() < 0 ? unary(UnaryOp::Neg, input) : Value(input.asInt());
    fail(ErrorKind::Type, fmt::format("bad operand type for abs(): '{}'", typeName(input)));
}

Value filterRound(In&, const Value& input, Args& args) {
    BoundArgs a("round", args, {"precision", "method"});
    const int64_t precision = a.integer(0, 0);
    const std::string method = toStr(a.get(1, Value("common")));
    if (method != "common" && method != "ceil" && method != "floor") {
        fail(ErrorKind::Type, "method must be common, ceil or floor");
    }
    if (!input.isNumber()) fail(ErrorKind::Type, fmt::format("type {} doesn't define __round__ method", typeName(input)));
    if (method == "common") {
        if (input.isIntegral()) return Value(input.asInt());
        return Value(std::strtod(fixedPoint(input.asDouble(), static_cast<int>(std::max<int64_t>(0, precision))).c_str(), nullptr));
    }
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double scaled = input.asDouble() * scale;
    return Value((method == "ceil" ? std::ceil(scaled) : std::floor(scaled)) / scale);
}

Value filterCenter(In&, const Value& input, Args& args) {
    BoundArgs a("center", args, {"width"});
    return Value(centerString(toStr(input), a.integer(0, 80)));
}

Value filterIndent(In&, const Value& input, Args& args) {
    BoundArgs a("indent", args, {"width", "first", "blank"});
    const Value width = a.get(0, Value(4));
    if (!width.isString() && !width.isIntegral()) fail(ErrorKind::Type, "indent() width must be an int or a string");
    if (width.isIntegral()) Budget::checkSize(static_cast<size_t>(std::max<int64_t>(0, width.asInt())), "indent() width");
    const std::string indent = width.isString() ? width.asString() : std::string(static_cast<size_t>(std::max<int64_t>(0, width.asInt())), ' ');
    const std::vector<std::string> lines = splitLines(toStr(input) + "\n", false);
    // Checked before it is built: every line may get the indent, and the indent may be long.
    size_t total = indent.size();
    for (const std::string& line : lines) total += line.size() + 1 + indent.size();
    Budget::checkSize(total, "indent() result");
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) out += "\n";
        const bool indentLine = i > 0 && (a.boolean(2, false) || !lines[i].empty());
        out += (indentLine ? indent : "") + lines[i];
    }
    if (a.boolean(1, false)) out = indent + out;
    return Value(std::move(out));
}

Value filterWordcount(In&, const Value& input, Args& args) {
    BoundArgs("wordcount", args, {});
    int64_t words = 0;
    bool inWord = false;
    for (char32_t c : unicode::decode(toStr(input))) {
        const bool wordChar = unicode::isAlpha(c) || unicode::isDigit(c) || c == '_';
        if (wordChar && !inWord) ++words;
        inWord = wordChar;
    }
    return Value(words);
}

Value filterBatch(In&, const Value& input, Args& args) {
    BoundArgs a("batch", args, {"linecount", "fill_with"});
    const int64_t size = a.integer(0, 1);
    if (size <= 0) fail(ErrorKind::Value, "batch() size must be positive");
    std::vector<Value> batches;
    std::vector<Value> current;
    for (const Value& item : iterate(input)) {
        current.push_back(item);
        if (static_cast<int64_t>(current.size()) == size) batches.push_back(Value::list(std::exchange(current, {})));
    }
    if (!current.empty()) {
        if (a.has(1)) {
            Budget::checkItems(static_cast<size_t>(size), "a batch padded by batch()");
            while (static_cast<int64_t>(current.size()) < size) current.push_back(a.get(1));
        }
        batches.push_back(Value::list(std::move(current)));
    }
    return Value::list(std::move(batches));
}

Value filterFormat(In&, const Value& input, Args& args) {
    if (!args.keyword.empty()) fail(ErrorKind::Type, "format() with keyword arguments is not supported");
    return Value(printfFormat(toStr(input), args.positional));
}

const std::unordered_map<std::string_view, FilterFunction>& filters() {
    static const std::unordered_map<std::string_view, FilterFunction> table = {
        {"abs", filterAbs},         {"attr", filterAttr},         {"batch", filterBatch},
        {"capitalize", filterCapitalize}, {"center", filterCenter}, {"count", filterLength},
        {"d", filterDefault},       {"default", filterDefault},   {"dictsort", filterDictsort},
        {"e", filterEscape},        {"escape", filterEscape},     {"first", filterFirst},
        {"float", filterFloat},     {"forceescape", filterEscape}, {"format", filterFormat},
        {"indent", filterIndent},   {"int", filterInt},           {"items", filterItems},
        {"join", filterJoin},       {"last", filterLast},         {"length", filterLength},
        {"list", filterList},       {"lower", filterLower},       {"map", filterMap},
        {"max", filterMax},         {"min", filterMin},           {"reject", filterReject},
        {"rejectattr", filterRejectattr}, {"replace", filterReplace}, {"reverse", filterReverse},
        {"round", filterRound},     {"safe", filterSafe},         {"select", filterSelect},
        {"selectattr", filterSelectattr}, {"sort", filterSort},   {"string", filterString},
        {"sum", filterSum},         {"title", filterTitle},       {"tojson", filterTojson},
        {"trim", filterTrim},       {"unique", filterUnique},     {"upper", filterUpper},
        {"wordcount", filterWordcount},
    };
    return table;
}

}  // namespace

FilterFunction findFilter(std::string_view name) {
    const auto it = filters().find(name);
    return it == filters().end() ? nullptr : it->second;
}

}  // namespace pagoda::jinja
