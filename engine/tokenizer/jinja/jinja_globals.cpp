// The global functions a chat template can call: jinja2's range, dict, namespace and
// joiner, and the raise_exception and strftime_now that transformers adds.
#include <fmt/format.h>

#include <array>
#include <ctime>

#include "engine/tokenizer/jinja/jinja_args.h"
#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_builtins.h"
#include "engine/tokenizer/jinja/jinja_interpreter.h"

namespace pagoda::jinja {

namespace {

using In = Interpreter;

// jinja2's sandbox refuses ranges longer than this (MAX_RANGE).
constexpr int64_t kMaxRange = 100000;

Value globalRange(In& in, Args& args) {
    if (!args.keyword.empty()) fail(ErrorKind::Type, "range() takes no keyword arguments");
    const auto& p = args.positional;
    if (p.empty() || p.size() > 3) fail(ErrorKind::Type, fmt::format("range expected at most 3 arguments, got {}", p.size()));
    for (const Value& v : p) {
        if (!v.isIntegral()) fail(ErrorKind::Type, fmt::format("'{}' object cannot be interpreted as an integer", typeName(v)));
    }
    const int64_t start = p.size() == 1 ? 0 : p[0].asInt();
    const int64_t stop = p.size() == 1 ? p[0].asInt() : p[1].asInt();
    const int64_t step = p.size() == 3 ? p[2].asInt() : 1;
    if (step == 0) fail(ErrorKind::Value, "range() arg 3 must not be zero");
    const long double count = step > 0 ? (static_cast<long double>(stop) - start + step - 1) / step
                                       : (static_cast<long double>(start) - stop - step - 1) / -step;
    if (count > kMaxRange) {
        fail(ErrorKind::Limit, fmt::format("Range too big. The sandbox blocks ranges larger than MAX_RANGE ({}).", kMaxRange));
    }
    std::vector<Value> items;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) items.emplace_back(i);
    in.chargeWork(items.size());
    return Value::list(std::move(items));
}

// dict(mapping or pairs, **kwargs), and namespace(...) which takes the same arguments.
Dict dictFromArguments(const char* name, Args& args) {
    if (args.positional.size() > 1) fail(ErrorKind::Type, fmt::format("{} expected at most 1 argument, got {}", name, args.positional.size()));
    Dict dict;
    if (!args.positional.empty()) {
        const Value& source = args.positional.front();
        if (source.isDict()) {
            for (const auto& [key, value] : source.asDict().entries()) dict.set(key, value);
        } else {
            for (const Value& pair : iterate(source)) {
                std::vector<Value> kv = iterate(pair);
                if (kv.size() != 2) fail(ErrorKind::Value, "dictionary update sequence element has the wrong length; 2 is required");
                dict.set(kv[0], kv[1]);
            }
        }
    }
    for (auto& [key, value] : args.keyword) dict.set(Value(key), value);
    return dict;
}

Value globalDict(In&, Args& args) { return Value::dict(dictFromArguments("dict", args)); }

Value globalNamespace(In& in, Args& args) {
    Dict attributes = dictFromArguments("namespace", args);
    for (const auto& [key, value] : attributes.entries()) {
        if (key.isString() && !key.asString().empty() && key.asString().front() == '_') {
            fail(ErrorKind::Security,
                 fmt::format("Chat templates cannot store underscore-prefixed attributes on a namespace, but got {}. "
                             "Please rename the attribute.",
                             reprString(key.asString())));
        }
    }
    auto object = in.newObject(Object::Type::Namespace);
    object->attributes = std::move(attributes);
    return Value(object);
}

Value globalRaiseException(In&, Args& args) {
    BoundArgs a("raise_exception", args, {"message"});
    if (!a.has(0)) fail(ErrorKind::Type, "raise_exception() missing 1 required positional argument: 'message'");
    fail(ErrorKind::Raised, toStr(a.get(0)));
}

// C-locale strftime, as Python's datetime.strftime gives in a program that never called
// setlocale; glibc's "%-d" style (no padding) is supported too.
std::string formatTime(const std::string& format, const std::tm& t) {
    // No directive makes more than five times its own length ("%B" is "September").
    Budget::checkSize(format.size() > SIZE_MAX / 5 ? SIZE_MAX : format.size() * 5, "strftime_now() result");
    static const std::array<const char*, 7> days = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    static const std::array<const char*, 12> months = {"January", "February", "March",     "April",   "May",      "June",
                                                       "July",    "August",   "September", "October", "November", "December"};
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 >= format.size()) {
            out += format[i];
            continue;
        }
        bool pad = true;
        char c = format[++i];
        if (c == '-' && i + 1 < format.size()) {
            pad = false;
            c = format[++i];
        }
        auto number = [&](int value, int width) { out += pad ? fmt::format("{:0{}d}", value, width) : fmt::format("{}", value); };
        const int hour12 = t.tm_hour % 12 == 0 ? 12 : t.tm_hour % 12;
        switch (c) {
            case 'a': out += std::string(days[t.tm_wday]).substr(0, 3); break;
            case 'A': out += days[t.tm_wday]; break;
            case 'b':
            case 'h': out += std::string(months[t.tm_mon]).substr(0, 3); break;
            case 'B': out += months[t.tm_mon]; break;
            case 'd': number(t.tm_mday, 2); break;
            case 'e': out += pad ? fmt::format("{:2d}", t.tm_mday) : fmt::format("{}", t.tm_mday); break;
            case 'm': number(t.tm_mon + 1, 2); break;
            case 'y': number(t.tm_year % 100, 2); break;
            case 'Y': out += fmt::format("{}", t.tm_year + 1900); break;
            case 'H': number(t.tm_hour, 2); break;
            case 'I': number(hour12, 2); break;
            case 'M': number(t.tm_min, 2); break;
            case 'S': number(t.tm_sec, 2); break;
            case 'p': out += t.tm_hour < 12 ? "AM" : "PM"; break;
            case 'j': number(t.tm_yday + 1, 3); break;
            case 'w': out += fmt::format("{}", t.tm_wday); break;
            case 'u': out += fmt::format("{}", t.tm_wday == 0 ? 7 : t.tm_wday); break;
            case 'F': out += fmt::format("{}-{:02d}-{:02d}", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday); break;
            case 'D': out += fmt::format("{:02d}/{:02d}/{:02d}", t.tm_mon + 1, t.tm_mday, t.tm_year % 100); break;
            case 'T': out += fmt::format("{:02d}:{:02d}:{:02d}", t.tm_hour, t.tm_min, t.tm_sec); break;
            case 'R': out += fmt::format("{:02d}:{:02d}", t.tm_hour, t.tm_min); break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case '%': out += '%'; break;
            default:
                out += '%';
                if (!pad) out += '-';
                out += c;
        }
    }
    return out;
}

Value globalStrftimeNow(In&, Args& args) {
    BoundArgs a("strftime_now", args, {"format"});
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return Value(formatTime(a.requiredString(0), local));
}

// joiner(sep): a callable that returns "" the first time and `sep` afterwards.
Value globalJoiner(In&, Args& args) {
    BoundArgs a("joiner", args, {"sep"});
    auto used = std::make_shared<bool>(false);
    const Value separator = a.has(0) ? Value(toStr(a.get(0))) : Value(", ");
    return Value(std::make_shared<const Callable>(Callable{"joiner", [used, separator](In&, Args&) {
        if (!*used) {
            *used = true;
            return Value("");
        }
        return Value(separator);
    }}));
}

Value callable(const char* name, Value (*function)(In&, Args&)) {
    return Value(std::make_shared<const Callable>(Callable{name, function}));
}

}  // namespace

Dict makeGlobals() {
    Dict globals;
    globals.set(Value("range"), callable("range", globalRange));
    globals.set(Value("dict"), callable("dict", globalDict));
    globals.set(Value("namespace"), callable("namespace", globalNamespace));
    globals.set(Value("joiner"), callable("joiner", globalJoiner));
    globals.set(Value("raise_exception"), callable("raise_exception", globalRaiseException));
    globals.set(Value("strftime_now"), callable("strftime_now", globalStrftimeNow));
    return globals;
}

}  // namespace pagoda::jinja
