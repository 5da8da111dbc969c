// The Python methods templates call on values: str (startswith, split, strip, ...),
// dict (get, items, keys, values) and list (index, count). Methods that would mutate a
// list or dict are refused, as jinja2's ImmutableSandboxedEnvironment refuses them.
#include <fmt/format.h>

#include <algorithm>
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
using Method = Value (*)(In&, const Value& self, Args& args);

Value stringList(const std::vector<std::string>& parts) {
    std::vector<Value> items(parts.begin(), parts.end());
    return Value::list(std::move(items));
}

// The code points s[start:end], for startswith/endswith with bounds.
std::string window(const std::string& s, const BoundArgs& a, size_t startIndex) {
    if (!a.has(startIndex) && !a.has(startIndex + 1)) return s;
    return slice(Value(s), optionalIndex(a.get(startIndex)), optionalIndex(a.get(startIndex + 1)), std::nullopt).asString();
}

// startswith/endswith accept a str or a tuple of str.
bool affixMatches(const std::string& text, const Value& affix, bool prefix) {
    if (affix.isList()) {
        return std::any_of(affix.asList().items.begin(), affix.asList().items.end(),
                           [&](const Value& item) { return affixMatches(text, item, prefix); });
    }
    if (!affix.isString()) {
        fail(ErrorKind::Type, fmt::format("{} first arg must be str or a tuple of str, not {}",
                                          prefix ? "startswith" : "endswith", typeName(affix)));
    }
    const std::string& a = affix.asString();
    if (a.size() > text.size()) return false;
    return prefix ? text.compare(0, a.size(), a) == 0 : text.compare(text.size() - a.size(), a.size(), a) == 0;
}

Value strStartswith(In&, const Value& self, Args& args) {
    BoundArgs a("startswith", args, {"prefix", "start", "end"});
    return Value(affixMatches(window(self.asString(), a, 1), a.get(0), true));
}

Value strEndswith(In&, const Value& self, Args& args) {
    BoundArgs a("endswith", args, {"suffix", "start", "end"});
    return Value(affixMatches(window(self.asString(), a, 1), a.get(0), false));
}

Value split(const Value& self, Args& args, bool fromRight) {
    BoundArgs a(fromRight ? "rsplit" : "split", args, {"sep", "maxsplit"});
    const std::optional<std::string> sep = a.string(0);
    if (sep && sep->empty()) fail(ErrorKind::Value, "empty separator");
    return stringList(splitString(self.asString(), sep, a.integer(1, -1), fromRight));
}
Value strSplit(In&, const Value& self, Args& args) { return split(self, args, false); }
Value strRsplit(In&, const Value& self, Args& args) { return split(self, args, true); }

Value strSplitlines(In&, const Value& self, Args& args) {
    BoundArgs a("splitlines", args, {"keepends"});
    return stringList(splitLines(self.asString(), a.boolean(0, false)));
}

Value strip(const char* name, const Value& self, Args& args, bool left, bool right) {
    BoundArgs a(name, args, {"chars"});
    return Value(stripString(self.asString(), a.string(0), left, right));
}
Value strStrip(In&, const Value& self, Args& args) { return strip("strip", self, args, true, true); }
Value strLstrip(In&, const Value& self, Args& args) { return strip("lstrip", self, args, true, false); }
Value strRstrip(In&, const Value& self, Args& args) { return strip("rstrip", self, args, false, true); }

Value strReplace(In& in, const Value& self, Args& args) {
    BoundArgs a("replace", args, {"old", "new", "count"});
    std::string out = replaceString(self.asString(), a.requiredString(0), a.requiredString(1), a.integer(2, -1));
    Budget::checkSize(out.size(), "replace() result");
    in.chargeWork(out.size());
    return Value(std::move(out));
}

template <std::string (*Transform)(std::string_view)>
Value transform(In&, const Value& self, Args& args) {
    BoundArgs("str method", args, {});
    return Value(Transform(self.asString()));
}

std::string swapcase(std::string_view s) {
    std::string out;
    for (char32_t c : unicode::decode(s)) {
        unicode::append(out, unicode::isUpper(c) ? unicode::toLower(c) : unicode::toUpper(c));
    }
    return out;
}

Value find(const char* name, const Value& self, Args& args, bool fromRight, bool raise) {
    BoundArgs a(name, args, {"sub", "start", "end"});
    const int64_t at = findString(self.asString(), a.requiredString(0), optionalIndex(a.get(1)), optionalIndex(a.get(2)), fromRight);
    if (at < 0 && raise) fail(ErrorKind::Value, "substring not found");
    return Value(at);
}
Value strFind(In&, const Value& self, Args& args) { return find("find", self, args, false, false); }
Value strRfind(In&, const Value& self, Args& args) { return find("rfind", self, args, true, false); }
Value strIndex(In&, const Value& self, Args& args) { return find("index", self, args, false, true); }
Value strRindex(In&, const Value& self, Args& args) { return find("rindex", self, args, true, true); }

Value strCount(In&, const Value& self, Args& args) {
    BoundArgs a("count", args, {"sub"});
    return Value(countString(self.asString(), a.requiredString(0)));
}

Value strJoin(In& in, const Value& self, Args& args) {
    BoundArgs a("join", args, {"iterable"});
    std::string out;
    size_t index = 0;
    for (const Value& item : iterate(a.get(0))) {
        if (!item.isString()) {
            fail(ErrorKind::Type, fmt::format("sequence item {}: expected str instance, {} found", index, typeName(item)));
        }
        Budget::checkSize(out.size() + (index > 0 ? self.asString().size() : 0) + item.asString().size(), "join() result");
        if (index++ > 0) out += self.asString();
        out += item.asString();
    }
    in.chargeWork(out.size());
    return Value(std::move(out));
}

// str.format with {} / {0} / {name} fields; format specs and conversions are not supported.
Value strFormat(In&, const Value& self, Args& args) {
    const std::string& pattern = self.asString();
    std::string out;
    size_t automatic = 0;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '}') {
            if (i + 1 < pattern.size() && pattern[i + 1] == '}') {
                out += '}';
                ++i;
                continue;
            }
            fail(ErrorKind::Value, "Single '}' encountered in format string");
        }
        if (c != '{') {
            out += c;
            continue;
        }
        if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
            out += '{';
            ++i;
            continue;
        }
        const size_t close = pattern.find('}', i);
        if (close == std::string::npos) fail(ErrorKind::Value, "Single '{' encountered in format string");
        const std::string field = pattern.substr(i + 1, close - i - 1);
        i = close;
        if (field.find_first_of(":!.[") != std::string::npos) fail(ErrorKind::Value, "str.format() specs and conversions are not supported");
        const Value* value = nullptr;
        if (field.empty() || std::all_of(field.begin(), field.end(), [](char d) { return d >= '0' && d <= '9'; })) {
            const size_t index = field.empty() ? automatic++ : std::stoul(field);
            if (index >= args.positional.size()) fail(ErrorKind::Type, fmt::format("Replacement index {} out of range for positional args tuple", index));
            value = &args.positional[index];
        } else {
            for (const auto& [key, v] : args.keyword) {
                if (key == field) value = &v;
            }
            if (!value) fail(ErrorKind::Type, fmt::format("KeyError: '{}'", field));
        }
        std::string valueText;
        const std::string& text = value->isString() ? value->asString() : (valueText = toStr(*value));
        Budget::checkSize(out.size() + text.size(), "format() result");
        out += text;
    }
    return Value(std::move(out));
}

template <bool (*Predicate)(char32_t)>
Value allOf(In&, const Value& self, Args& args) {
    BoundArgs("str method", args, {});
    const std::u32string text = unicode::decode(self.asString());
    return Value(!text.empty() && std::all_of(text.begin(), text.end(), Predicate));
}
bool isAlnum(char32_t c) { return unicode::isAlpha(c) || unicode::isDigit(c); }

// At least one cased character, and none of the other case.
Value strIsupper(In&, const Value& self, Args& args) {
    BoundArgs("isupper", args, {});
    const std::string& s = self.asString();
    return Value(s != unicode::lower(s) && s == unicode::upper(s));
}

Value strIslower(In&, const Value& self, Args& args) {
    BoundArgs("islower", args, {});
    return Value(self.asString() != unicode::upper(self.asString()) && self.asString() == unicode::lower(self.asString()));
}

Value affixRemoval(const char* name, const Value& self, Args& args, bool prefix) {
    BoundArgs a(name, args, {"affix"});
    const std::string affix = a.requiredString(0);
    const std::string& s = self.asString();
    if (!affixMatches(s, Value(affix), prefix)) return self;
    return Value(prefix ? s.substr(affix.size()) : s.substr(0, s.size() - affix.size()));
}
Value strRemoveprefix(In&, const Value& self, Args& args) { return affixRemoval("removeprefix", self, args, true); }
Value strRemovesuffix(In&, const Value& self, Args& args) { return affixRemoval("removesuffix", self, args, false); }

Value strCenter(In&, const Value& self, Args& args) {
    BoundArgs a("center", args, {"width"});
    return Value(centerString(self.asString(), a.integer(0, 0)));
}

Value partition(const char* name, const Value& self, Args& args, bool fromRight) {
    BoundArgs a(name, args, {"sep"});
    const std::string sep = a.requiredString(0);
    if (sep.empty()) fail(ErrorKind::Value, "empty separator");
    const std::string& s = self.asString();
    const size_t at = fromRight ? s.rfind(sep) : s.find(sep);
    if (at == std::string::npos) {
        return fromRight ? Value::list({Value(""), Value(""), self}, true) : Value::list({self, Value(""), Value("")}, true);
    }
    return Value::list({Value(s.substr(0, at)), Value(sep), Value(s.substr(at + sep.size()))}, true);
}
Value strPartition(In&, const Value& self, Args& args) { return partition("partition", self, args, false); }
Value strRpartition(In&, const Value& self, Args& args) { return partition("rpartition", self, args, true); }

Value dictGet(In&, const Value& self, Args& args) {
    BoundArgs a("get", args, {"key", "default"});
    const Value* v = self.asDict().find(a.get(0));
    return v ? *v : a.get(1);
}

Value dictItems(In&, const Value& self, Args& args) {
    BoundArgs("items", args, {});
    std::vector<Value> pairs;
    for (const auto& [key, value] : self.asDict().entries()) pairs.push_back(Value::list({key, value}, true));
    return Value::list(std::move(pairs));
}

Value dictKeys(In&, const Value& self, Args& args) {
    BoundArgs("keys", args, {});
    return Value::list(iterate(self));
}

Value dictValues(In&, const Value& self, Args& args) {
    BoundArgs("values", args, {});
    std::vector<Value> values;
    for (const auto& [key, value] : self.asDict().entries()) values.push_back(value);
    return Value::list(std::move(values));
}

Value copy(In&, const Value& self, Args& args) {
    BoundArgs("copy", args, {});
    return self;  // lists and dicts are immutable here, so sharing is a copy
}

Value listIndex(In&, const Value& self, Args& args) {
    BoundArgs a("index", args, {"value"});
    const auto& items = self.asList().items;
    for (size_t i = 0; i < items.size(); ++i) {
        if (equals(items[i], a.get(0))) return Value(static_cast<int64_t>(i));
    }
    fail(ErrorKind::Value, fmt::format("{} is not in list", toRepr(a.get(0))));
}

Value listCount(In&, const Value& self, Args& args) {
    BoundArgs a("count", args, {"value"});
    const auto& items = self.asList().items;
    return Value(static_cast<int64_t>(std::count_if(items.begin(), items.end(), [&](const Value& v) { return equals(v, a.get(0)); })));
}

const std::unordered_map<std::string_view, Method>& stringMethods() {
    static const std::unordered_map<std::string_view, Method> table = {
        {"startswith", strStartswith},   {"endswith", strEndswith},         {"split", strSplit},
        {"rsplit", strRsplit},           {"splitlines", strSplitlines},     {"strip", strStrip},
        {"lstrip", strLstrip},           {"rstrip", strRstrip},             {"replace", strReplace},
        {"upper", transform<unicode::upper>}, {"lower", transform<unicode::lower>}, {"casefold", transform<unicode::lower>},
        {"title", transform<titleString>}, {"capitalize", transform<capitalizeString>}, {"swapcase", transform<swapcase>},
        {"find", strFind},               {"rfind", strRfind},               {"index", strIndex},
        {"rindex", strRindex},           {"count", strCount},               {"join", strJoin},
        {"format", strFormat},           {"isdigit", allOf<unicode::isDigit>}, {"isdecimal", allOf<unicode::isDigit>},
        {"isnumeric", allOf<unicode::isDigit>}, {"isalpha", allOf<unicode::isAlpha>}, {"isalnum", allOf<isAlnum>},
        {"isspace", allOf<unicode::isSpace>}, {"isupper", strIsupper},      {"islower", strIslower},
        {"removeprefix", strRemoveprefix}, {"removesuffix", strRemovesuffix}, {"center", strCenter},
        {"partition", strPartition},     {"rpartition", strRpartition},
    };
    return table;
}

const std::unordered_map<std::string_view, Method>& dictMethods() {
    static const std::unordered_map<std::string_view, Method> table = {
        {"get", dictGet}, {"items", dictItems}, {"keys", dictKeys}, {"values", dictValues}, {"copy", copy},
    };
    return table;
}

const std::unordered_map<std::string_view, Method>& listMethods() {
    static const std::unordered_map<std::string_view, Method> table = {
        {"index", listIndex}, {"count", listCount}, {"copy", copy},
    };
    return table;
}

bool isMutator(const Value& self, std::string_view name) {
    static const std::string_view listMutators[] = {"append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"};
    static const std::string_view dictMutators[] = {"clear", "pop", "popitem", "setdefault", "update"};
    if (self.isList()) return std::find(std::begin(listMutators), std::end(listMutators), name) != std::end(listMutators);
    if (self.isDict()) return std::find(std::begin(dictMutators), std::end(dictMutators), name) != std::end(dictMutators);
    return false;
}

}  // namespace

std::optional<Value> findMethod(const Value& self, std::string_view name) {
    if (isMutator(self, name)) {
        std::string message = fmt::format("access to attribute '{}' of '{}' object is unsafe.", name, typeName(self));
        return Value(std::make_shared<const Callable>(Callable{std::string(name), [message](In&, Args&) -> Value {
            fail(ErrorKind::Security, message);
        }}));
    }
    const auto& table = self.isString() ? stringMethods() : self.isDict() ? dictMethods() : listMethods();
    if (!self.isString() && !self.isDict() && !self.isList()) return std::nullopt;
    const auto it = table.find(name);
    if (it == table.end()) return std::nullopt;
    const Method method = it->second;
    return Value(std::make_shared<const Callable>(
        Callable{std::string(name), [self, method](In& in, Args& args) { return method(in, self, args); }}));
}

}  // namespace pagoda::jinja
