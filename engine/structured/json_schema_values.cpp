#include <algorithm>

#include "engine/structured/json_schema_converter.h"
#include "engine/structured/json_schema_formats.h"
#include "engine/structured/json_schema_merge.h"
#include "engine/structured/json_string_grammar.h"
#include "engine/structured/regex_grammar.h"

namespace pagoda::structured {
namespace {

using namespace schema;

const std::vector<std::string> kTypeNames{"null", "boolean", "object", "array", "number", "string", "integer"};

}  // namespace

// "type" as a list (with "nullable": true adding null); empty when absent.
std::vector<std::string> SchemaConverter::declaredTypes(const Json& schema, const std::string& pointer) {
    const Json* type = keyword(schema, "type");
    if (!type) return {};
    std::vector<std::string> types;
    auto addType = [&](const Json& t) {
        if (!t.is_string() || std::find(kTypeNames.begin(), kTypeNames.end(), t.get<std::string>()) == kTypeNames.end())
            fail("'type' " + where(pointer) + " has " + t.dump() + "; expected one of null, boolean, object, array, number, string, integer");
        if (std::find(types.begin(), types.end(), t.get<std::string>()) == types.end()) types.push_back(t.get<std::string>());
    };
    if (type->is_array()) {
        if (type->empty()) unsatisfiable("'type' " + where(pointer) + " is an empty list, which no value matches");
        for (const Json& t : *type) addType(t);
    } else {
        addType(*type);
    }
    if (const Json* nullable = keyword(schema, "nullable"); nullable && *nullable == Json(true) &&
                                                          std::find(types.begin(), types.end(), "null") == types.end())
        types.push_back("null");
    return types;
}

// Without "type", the types whose keywords the schema uses (a stricter reading than JSON
// Schema's, where "properties" alone still admits strings: generating an object is what the
// schema's author means). No such keywords: any value.
std::vector<std::string> SchemaConverter::impliedTypes(const Json& schema) {
    std::vector<std::string> types;
    auto uses = [&](std::initializer_list<std::string_view> keys) {
        return std::any_of(keys.begin(), keys.end(), [&](std::string_view k) { return keyword(schema, k) != nullptr; });
    };
    if (uses({"properties", "patternProperties", "required", "additionalProperties", "unevaluatedProperties", "minProperties", "maxProperties"})) types.push_back("object");
    if (uses({"items", "prefixItems", "minItems", "maxItems", "uniqueItems"})) types.push_back("array");
    if (uses({"pattern", "minLength", "maxLength"}) || (keyword(schema, "format") && !uses({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})))
        types.push_back("string");
    if (uses({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})) types.push_back("number");
    return types;
}

Expr SchemaConverter::typed(const Json& schema, const std::string& pointer, int depth) {
    std::vector<std::string> types = declaredTypes(schema, pointer);
    if (types.empty()) types = impliedTypes(schema);
    const Json* excluded = keyword(schema, kExcludedValues);
    if (types.empty() && !excluded) return m_builder.value();
    if (types.empty()) types = {"null", "boolean", "object", "array", "number", "string"};
    auto isExcluded = [&](const Json& value) { return excluded && std::find(excluded->begin(), excluded->end(), value) != excluded->end(); };
    const bool numberToo = std::find(types.begin(), types.end(), "number") != types.end();
    std::vector<Expr> alternatives;
    for (const std::string& type : types) {
        // Values "not": {"enum": [...]} excludes: left out of null and booleans, written around
        // for strings; a grammar for "any number but these" is not attempted.
        if (excluded && type != "null" && type != "boolean" && type != "string" &&
            std::any_of(excluded->begin(), excluded->end(), [&](const Json& v) { return hasType(v, type); }))
            fail("'not' " + where(pointer) + " excludes " + type + " values, which is not supported");
        if (type == "null") {
            if (!isExcluded(nullptr)) alternatives.push_back(lit("null"));
        } else if (type == "boolean") {
            for (bool b : {true, false})
                if (!isExcluded(b)) alternatives.push_back(lit(b ? "true" : "false"));
        } else if (type == "string" && excluded && std::any_of(excluded->begin(), excluded->end(), [](const Json& v) { return v.is_string(); })) {
            if (keyword(schema, "pattern") || keyword(schema, "format") || keyword(schema, "minLength") || keyword(schema, "maxLength"))
                fail("'not' " + where(pointer) + " excluding strings next to other string keywords is not supported");
            std::vector<std::string> strings;
            for (const Json& v : *excluded)
                if (v.is_string()) strings.push_back(v.get<std::string>());
            alternatives.push_back(undeclaredKey(m_builder, strings));
        } else if (type == "integer" && !numberToo) alternatives.push_back(integerValue(schema, pointer));
        else if (type == "number") alternatives.push_back(numberValue(schema, pointer));
        else if (type == "string") alternatives.push_back(stringValue(schema, pointer));
        else if (type == "array") alternatives.push_back(arrayValue(schema, pointer, depth));
        else if (type == "object") alternatives.push_back(objectValue(schema, pointer, depth));
    }
    if (alternatives.empty()) unsatisfiable("the schema " + where(pointer) + " excludes every value of its types");
    return simpleChoice(std::move(alternatives));
}

// multipleOf as the number of fraction digits it allows: 1 (integers) is 0, 0.01 is 2. Other
// steps (3, 0.25) are not a digit count and not supported.
std::optional<int> SchemaConverter::fractionDigitsOfStep(const Json& schema, const std::string& pointer) {
    const std::optional<Decimal> step = decimalKeyword(schema, "multipleOf", pointer);
    if (!step) return std::nullopt;
    if (step->intDigits == "1" && step->isInteger() && !step->negative) return 0;
    const bool unitFraction = step->intDigits == "0" && !step->negative && !step->fracDigits.empty() &&
                              step->fracDigits.find_first_not_of('0') == step->fracDigits.size() - 1 && step->fracDigits.back() == '1';
    if (unitFraction) return int(step->fracDigits.size());
    fail("'multipleOf' " + std::string(keyword(schema, "multipleOf")->dump()) + " " + where(pointer) + " is not supported (only 1 and powers of ten below 1)");
}

Expr SchemaConverter::integerValue(const Json& schema, const std::string& pointer) {
    fractionDigitsOfStep(schema, pointer);  // every integer is a multiple of 1 or 0.01
    std::optional<Decimal> low, high;
    if (auto bound = boundOf(schema, "minimum", "exclusiveMinimum", true, pointer))
        low = bound->exclusive ? integerAbove(bound->value) : ceilDecimal(bound->value);
    if (auto bound = boundOf(schema, "maximum", "exclusiveMaximum", false, pointer))
        high = bound->exclusive ? integerBelow(bound->value) : floorDecimal(bound->value);
    // OpenAPI's integer formats are ranges; other formats say nothing about numbers.
    if (const Json* format = keyword(schema, "format"); format && (*format == "int32" || *format == "int64")) {
        const bool wide = *format == "int64";
        const Decimal formatLow = *parseDecimal(wide ? "-9223372036854775808" : "-2147483648");
        const Decimal formatHigh = *parseDecimal(wide ? "9223372036854775807" : "2147483647");
        if (!low || compareDecimal(*low, formatLow) < 0) low = formatLow;
        if (!high || compareDecimal(*high, formatHigh) > 0) high = formatHigh;
    }
    if (!low && !high) return m_builder.integer();
    std::optional<Expr> range = integerRangeExpr(low, high);
    if (!range) unsatisfiable("'minimum'/'maximum' " + where(pointer) + " leave no integer");
    return std::move(*range);
}

Expr SchemaConverter::numberValue(const Json& schema, const std::string& pointer) {
    const std::optional<int> fractionDigits = fractionDigitsOfStep(schema, pointer);
    if (fractionDigits == 0) return integerValue(schema, pointer);
    const std::optional<NumberBound> low = boundOf(schema, "minimum", "exclusiveMinimum", true, pointer);
    const std::optional<NumberBound> high = boundOf(schema, "maximum", "exclusiveMaximum", false, pointer);
    if (!low && !high && !fractionDigits) return m_builder.number();
    std::optional<Expr> range = numberRangeExpr(low, high, fractionDigits.value_or(-1));
    if (!range) unsatisfiable("'minimum'/'maximum' " + where(pointer) + " leave no number");
    return std::move(*range);
}

Expr SchemaConverter::stringValue(const Json& schema, const std::string& pointer) {
    const uint64_t minLength = countKeyword(schema, "minLength", pointer).value_or(0);
    const std::optional<uint64_t> maxLength = countKeyword(schema, "maxLength", pointer);
    if (maxLength && minLength > *maxLength) unsatisfiable("'minLength' " + where(pointer) + " is above 'maxLength'");
    const Json* pattern = keyword(schema, "pattern");
    const Json* format = keyword(schema, "format");
    if (pattern && format) fail("'pattern' together with 'format' " + where(pointer) + " is not supported");
    Expr content;
    if (format) {
        if (!format->is_string()) fail("'format' " + where(pointer) + " is " + format->dump() + "; expected a string");
        const std::string name = format->get<std::string>();
        std::optional<Expr> formatExpr = stringFormatExpr(name);
        if (!formatExpr) fail("'format': \"" + name + "\" " + where(pointer) + " is not supported");
        const FormatLengths lengths = stringFormatLengths(name);
        if (minLength > uint64_t(lengths.shortest) || (maxLength && (lengths.longest < 0 || uint64_t(lengths.longest) > *maxLength)))
            fail("'minLength'/'maxLength' together with 'format': \"" + name + "\" " + where(pointer) + " are not supported");
        content = m_builder.shared("format-" + name, [&] { return std::move(*formatExpr); });
    } else if (pattern) {
        if (!pattern->is_string()) fail("'pattern' " + where(pointer) + " is " + pattern->dump() + "; expected a string");
        Result<Expr> regex = regexToExpr(pattern->get<std::string>(), RegexMatch::Search);
        if (!regex) fail("'pattern' " + where(pointer) + ": " + regex.error().message);
        // Lengths are honoured where the pattern's own repetition can carry them: "^[a-z]+$"
        // with maxLength 8 is "^[a-z]{1,8}$".
        std::optional<Expr> bounded = withLengths(*regex, int64_t(minLength), maxLength ? std::optional<int64_t>(int64_t(*maxLength)) : std::nullopt);
        if (!bounded)
            fail("'minLength'/'maxLength' together with 'pattern' " + where(pointer) + " are not supported (the pattern has no single repetition to bound)");
        if (isNothing(*bounded)) unsatisfiable("'pattern' " + where(pointer) + " allows no string within 'minLength'/'maxLength'");
        content = m_builder.compactRepeats(jsonEscapedContent(*bounded));
    } else {
        if (maxLength && *maxLength > kMaxCount) fail("'maxLength' " + where(pointer) + " is above " + std::to_string(kMaxCount) + ", the most supported");
        content = m_builder.repeated(m_builder.stringChar(), minLength, maxLength);
    }
    return simpleSequence({lit("\""), std::move(content), lit("\"")});
}

}  // namespace pagoda::structured
