// jinja2's built-in tests: `x is defined`, `x is none`, `x is divisibleby 3`, ...
#include <cmath>
#include <unordered_map>

#include "engine/tokenizer/jinja/jinja_args.h"
#include "engine/tokenizer/jinja/jinja_builtins.h"
#include "engine/tokenizer/jinja/jinja_interpreter.h"
#include "engine/tokenizer/jinja/jinja_unicode.h"

namespace pagoda::jinja {

namespace {

using In = Interpreter;

const Value& operand(const char* test, Args& args) {
    if (args.positional.size() != 1 || !args.keyword.empty()) {
        fail(ErrorKind::Type, fmt::format("test '{}' takes exactly one argument", test));
    }
    return args.positional.front();
}

// A test of the value alone, like `is defined`; extra arguments are an error.
template <bool (*Predicate)(const Value&)>
bool plainTest(In&, const Value& v, Args& args) {
    if (!args.positional.empty() || !args.keyword.empty()) fail(ErrorKind::Type, "this test takes no arguments");
    return Predicate(v);
}

bool isDefined(const Value& v) { return !v.isUndefined(); }
bool isUndefined(const Value& v) { return v.isUndefined(); }
bool isNone(const Value& v) { return v.isNone(); }
bool isBoolean(const Value& v) { return v.isBool(); }
bool isTrue(const Value& v) { return v.isBool() && v.asBool(); }
bool isFalse(const Value& v) { return v.isBool() && !v.asBool(); }
bool isInteger(const Value& v) { return v.isInt(); }
bool isFloat(const Value& v) { return v.isFloat(); }
bool isNumber(const Value& v) { return v.isNumber(); }
bool isString(const Value& v) { return v.isString(); }
bool isMapping(const Value& v) { return v.isDict(); }
bool isCallable(const Value& v) { return v.isCallable(); }
bool isEscaped(const Value&) { return false; }
bool isFilterName(const Value& v) { return v.isString() && findFilter(v.asString()); }
bool isTestName(const Value& v) { return v.isString() && findTest(v.asString()); }
// Strings, lists, dicts, and jinja2's Undefined (which iterates as empty) are iterable and sequences.
bool isIterable(const Value& v) { return v.isUndefined() || v.isString() || v.isList() || v.isDict(); }

bool isLower(const Value& v) {
    bool cased = false;
    for (char32_t c : unicode::decode(toStr(v))) {
        if (unicode::isUpper(c)) return false;
        cased = cased || unicode::isLower(c);
    }
    return cased;
}

bool isUpper(const Value& v) {
    bool cased = false;
    for (char32_t c : unicode::decode(toStr(v))) {
        if (unicode::isLower(c)) return false;
        cased = cased || unicode::isUpper(c);
    }
    return cased;
}

bool testEven(In&, const Value& v, Args& args) {
    if (!args.positional.empty()) fail(ErrorKind::Type, "this test takes no arguments");
    return !truthy(arithmetic(BinaryOp::Mod, v, Value(2)));
}
bool testOdd(In&, const Value& v, Args& args) {
    if (!args.positional.empty()) fail(ErrorKind::Type, "this test takes no arguments");
    return truthy(arithmetic(BinaryOp::Mod, v, Value(2)));
}
bool testDivisibleby(In&, const Value& v, Args& args) {
    return !truthy(arithmetic(BinaryOp::Mod, v, operand("divisibleby", args)));
}

bool testEq(In&, const Value& v, Args& args) { return compare(CompareOp::Eq, v, operand("eq", args)); }
bool testNe(In&, const Value& v, Args& args) { return compare(CompareOp::Ne, v, operand("ne", args)); }
bool testLt(In&, const Value& v, Args& args) { return compare(CompareOp::Lt, v, operand("lt", args)); }
bool testLe(In&, const Value& v, Args& args) { return compare(CompareOp::Le, v, operand("le", args)); }
bool testGt(In&, const Value& v, Args& args) { return compare(CompareOp::Gt, v, operand("gt", args)); }
bool testGe(In&, const Value& v, Args& args) { return compare(CompareOp::Ge, v, operand("ge", args)); }
bool testIn(In&, const Value& v, Args& args) { return contains(operand("in", args), v); }
bool testSameas(In&, const Value& v, Args& args) { return v.sameAs(operand("sameas", args)); }

const std::unordered_map<std::string_view, TestFunction>& tests() {
    static const std::unordered_map<std::string_view, TestFunction> table = {
        {"boolean", plainTest<isBoolean>},   {"callable", plainTest<isCallable>}, {"defined", plainTest<isDefined>},
        {"divisibleby", testDivisibleby},    {"eq", testEq},                      {"equalto", testEq},
        {"==", testEq},                      {"escaped", plainTest<isEscaped>},   {"even", testEven},
        {"false", plainTest<isFalse>},       {"filter", plainTest<isFilterName>}, {"float", plainTest<isFloat>},
        {"ge", testGe},                      {">=", testGe},                      {"gt", testGt},
        {"greaterthan", testGt},             {">", testGt},                       {"in", testIn},
        {"integer", plainTest<isInteger>},   {"iterable", plainTest<isIterable>}, {"le", testLe},
        {"<=", testLe},                      {"lower", plainTest<isLower>},       {"lt", testLt},
        {"lessthan", testLt},                {"<", testLt},                       {"mapping", plainTest<isMapping>},
        {"ne", testNe},                      {"!=", testNe},                      {"none", plainTest<isNone>},
        {"number", plainTest<isNumber>},     {"odd", testOdd},                    {"sameas", testSameas},
        {"sequence", plainTest<isIterable>}, {"string", plainTest<isString>},     {"test", plainTest<isTestName>},
        {"true", plainTest<isTrue>},         {"undefined", plainTest<isUndefined>}, {"upper", plainTest<isUpper>},
    };
    return table;
}

}  // namespace

TestFunction findTest(std::string_view name) {
    const auto it = tests().find(name);
    return it == tests().end() ? nullptr : it->second;
}

}  // namespace pagoda::jinja
