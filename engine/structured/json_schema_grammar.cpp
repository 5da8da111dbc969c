#include "engine/structured/json_schema_grammar.h"

#include <algorithm>
#include <map>
#include <optional>

#include "engine/structured/integer_range_grammar.h"
#include "engine/structured/json_grammar_builder.h"
#include "engine/structured/json_schema_formats.h"
#include "engine/structured/json_schema_merge.h"
#include "engine/structured/json_string_grammar.h"
#include "engine/structured/regex_grammar.h"

namespace pagoda::structured {
namespace {

using Json = nlohmann::ordered_json;

// Bounds that keep a hostile schema from growing an unbounded grammar.
constexpr size_t kMaxSubschemas = 100'000;
constexpr size_t kMaxEnumValues = 100'000;
constexpr int kMaxDepth = 128;
constexpr uint64_t kMaxCount = 1'000'000;  // minLength, maxLength, minItems, maxItems

const std::vector<std::string> kTypeNames{"null", "boolean", "object", "array", "number", "string", "integer"};

[[noreturn]] void fail(std::string message) { throw SchemaError{std::move(message)}; }
[[noreturn]] void unsatisfiable(std::string message) { throw SchemaError{std::move(message), true}; }

Expr lit(std::string text) { return Expr::literal(std::move(text)); }

// The schema's keyword `key`, or nullptr. (ordered_json looks keys up linearly; schemas are small objects.)
const Json* keyword(const Json& schema, std::string_view key) {
    const auto it = schema.find(key);
    return it == schema.end() ? nullptr : &*it;
}

std::optional<uint64_t> countKeyword(const Json& schema, const char* key, const std::string& pointer) {
    const Json* value = keyword(schema, key);
    if (!value) return std::nullopt;
    const std::optional<Decimal> d = value->is_number() ? parseDecimal(value->dump()) : std::nullopt;
    if (!d || d->negative || !d->isInteger()) fail("'" + std::string(key) + "' " + where(pointer) + " is " + value->dump() + "; expected a non-negative integer");
    if (d->intDigits.size() > 9 || std::stoull(d->intDigits) > kMaxCount) {
        if (std::string_view(key).starts_with("max")) return kMaxCount + 1;  // larger than any minimum we accept
        fail("'" + std::string(key) + "' " + where(pointer) + " is " + value->dump() + "; at most " + std::to_string(kMaxCount) + " is supported");
    }
    return std::stoull(d->intDigits);
}

std::optional<Decimal> decimalKeyword(const Json& schema, const char* key, const std::string& pointer) {
    const Json* value = keyword(schema, key);
    if (!value) return std::nullopt;
    const std::optional<Decimal> d = value->is_number() ? parseDecimal(value->dump()) : std::nullopt;
    if (!d) fail("'" + std::string(key) + "' " + where(pointer) + " is " + value->dump() + "; expected a number");
    return d;
}

// minimum/exclusiveMinimum (or the maximum pair) as one bound: the stricter, exclusive on a tie.
std::optional<NumberBound> boundOf(const Json& schema, const char* inclusiveKey, const char* exclusiveKey, bool lower, const std::string& pointer) {
    const std::optional<Decimal> inclusive = decimalKeyword(schema, inclusiveKey, pointer);
    const std::optional<Decimal> exclusive = decimalKeyword(schema, exclusiveKey, pointer);
    if (!inclusive && !exclusive) return std::nullopt;
    if (!exclusive) return NumberBound{*inclusive, false};
    if (!inclusive) return NumberBound{*exclusive, true};
    const int c = compareDecimal(*inclusive, *exclusive);
    if (c == 0) return NumberBound{*exclusive, true};
    return ((c > 0) == lower) ? NumberBound{*inclusive, false} : NumberBound{*exclusive, true};
}

size_t codepointCount(const std::string& utf8) {
    return size_t(std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

bool isOneOf(std::string_view key, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), key) != names.end();
}

class SchemaConverter {
public:
    SchemaConverter(JsonGrammarBuilder& builder, const Json& root) : m_builder(builder), m_root(root) {}

    std::string convertRoot() {
        if (m_root == Json(false)) fail("the schema is false, which no output can match");
        const std::string name = m_builder.freshName("root");
        m_refRules[""] = name;
        m_builder.addRule(name, convert(m_root, "", 0));
        return name;
    }

private:
    Expr convert(const Json& schema, const std::string& pointer, int depth) {
        if (++m_subschemas > kMaxSubschemas) fail("the schema has more than 100000 subschemas");
        if (depth > kMaxDepth) fail("the schema nests deeper than 128 levels " + where(pointer));
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) unsatisfiable("the schema " + where(pointer) + " is false");
            return m_builder.value();
        }
        if (!schema.is_object()) fail("the schema " + where(pointer) + " is " + schema.dump() + "; expected an object or a boolean");
        for (const auto& [key, value] : schema.items())
            if (isRefusedKeyword(key)) fail("'" + key + "' " + where(pointer) + " is not supported");

        const Json* ref = keyword(schema, "$ref");
        if (!ref) ref = keyword(schema, "$recursiveRef");
        if (keyword(schema, "allOf") || (ref && hasSiblingConstraints(schema)))
            return convert(flattenSchema(m_root, schema, pointer), pointer, depth + 1);
        if (ref) return refRule(*ref, pointer, depth);
        if (keyword(schema, "anyOf")) return branches(schema, "anyOf", pointer, depth);
        // oneOf as anyOf: a grammar cannot say "exactly one"; the output matches at least one
        // branch, and exactly one whenever the branches cannot overlap (different types,
        // different constants, different required properties of closed objects...).
        if (keyword(schema, "oneOf")) return branches(schema, "oneOf", pointer, depth);
        if (needsModernizing(schema)) return convert(modernized(schema), pointer, depth);
        if (keyword(schema, "enum") || keyword(schema, "const")) return enumeration(schema, pointer);
        return typed(schema, pointer, depth);
    }

    // Whether keywords other than `except` constrain (copying a schema to erase one would copy its subtree).
    static bool constrainsBesides(const Json& schema, std::initializer_list<std::string_view> except) {
        for (const auto& [key, value] : schema.items())
            if (!isOneOf(key, except) && (isHandledKeyword(key) || isRefusedKeyword(key))) return true;
        return false;
    }

    static bool hasSiblingConstraints(const Json& schema) { return constrainsBesides(schema, {"$ref", "$recursiveRef"}); }

    Expr refRule(const Json& ref, const std::string& pointer, int depth) {
        const ResolvedRef target = resolveRef(m_root, ref, pointer);
        if (const auto it = m_unsatisfiableRefs.find(target.pointer); it != m_unsatisfiableRefs.end()) throw it->second;
        if (const auto it = m_refRules.find(target.pointer); it != m_refRules.end()) return Expr::ref(it->second);
        const std::string name = m_builder.freshName(hintOf(target.pointer));
        m_refRules[target.pointer] = name;
        try {
            m_builder.addRule(name, convert(*target.schema, target.pointer, depth + 1));
        } catch (const SchemaError& error) {
            if (!error.unsatisfiable) throw;
            // Rules built meanwhile may call it (recursion): they get a rule that matches nothing.
            m_builder.addRule(name, Expr::choice({}));
            m_unsatisfiableRefs.emplace(target.pointer, error);
            throw;
        }
        return Expr::ref(name);
    }

    static std::string hintOf(const std::string& pointer) {
        std::string hint = pointer;
        for (const char* noise : {"/properties/", "/$defs/", "/definitions/", "/items", "/anyOf/", "/oneOf/", "/prefixItems/"}) {
            for (size_t at; (at = hint.find(noise)) != std::string::npos;) hint.replace(at, std::string_view(noise).size(), "-");
        }
        std::replace(hint.begin(), hint.end(), '/', '-');
        while (!hint.empty() && hint.front() == '-') hint.erase(0, 1);
        if (hint.size() > 40) hint = hint.substr(hint.size() - 40);
        return hint.empty() ? "root" : hint;
    }

    Expr branches(const Json& schema, const char* key, const std::string& pointer, int depth) {
        const Json& list = schema[key];
        const std::string listPointer = childPointer(pointer, key);
        if (!list.is_array() || list.empty()) fail("'" + std::string(key) + "' " + where(pointer) + " is " + list.dump() + "; expected a non-empty array of schemas");
        // Keywords next to anyOf apply to every branch: merge them in (as allOf would).
        const bool restConstrains = constrainsBesides(schema, {key});
        Json rest;
        if (restConstrains) {
            rest = schema;
            rest.erase(key);
        }
        auto branchPointer = [&](size_t i) { return childPointer(listPointer, std::to_string(i)); };
        // The branches as converted, where they differ from the list's members.
        std::vector<Json> rewritten;
        if (restConstrains) {
            const Json flatRest = flattenSchema(m_root, rest, pointer);
            for (size_t i = 0; i < list.size(); ++i)
                rewritten.push_back(mergeSchemas(flatRest, flattenSchema(m_root, list[i], branchPointer(i)), branchPointer(i)));
        }
        if (std::string_view(key) == "oneOf") {
            std::vector<Json> candidate = restConstrains ? rewritten : flattened(list, listPointer);
            if (makeExclusive(candidate)) rewritten = std::move(candidate);
        }
        std::vector<Expr> alternatives;
        std::optional<SchemaError> lastUnsatisfiable;
        for (size_t i = 0; i < list.size(); ++i) {
            try {
                alternatives.push_back(convert(rewritten.empty() ? list[i] : rewritten[i], branchPointer(i), depth + 1));
            } catch (const SchemaError& error) {
                if (!error.unsatisfiable) throw;
                lastUnsatisfiable = error;  // a branch nothing matches is no choice
            }
        }
        if (alternatives.empty()) unsatisfiable("no branch of '" + std::string(key) + "' " + where(pointer) + " can match: " + lastUnsatisfiable->message);
        return choiceOf(std::move(alternatives));
    }

    std::vector<Json> flattened(const Json& list, const std::string& listPointer) {
        std::vector<Json> result;
        for (size_t i = 0; i < list.size(); ++i) result.push_back(flattenSchema(m_root, list[i], childPointer(listPointer, std::to_string(i))));
        return result;
    }

    // oneOf's "exactly one", where the branches are objects told apart by required properties:
    // each branch forbids the properties other branches require and it does not, so no output
    // satisfies two. Rewrites `branches` and returns true when that applies; otherwise oneOf
    // stays anyOf (an output may then satisfy two branches).
    static bool makeExclusive(std::vector<Json>& branches) {
        std::vector<std::vector<std::string>> required;
        for (const Json& branch : branches) {
            if (!branch.is_object() || keyword(branch, "anyOf") || keyword(branch, "oneOf") || keyword(branch, "enum") || keyword(branch, "const"))
                return false;
            std::vector<std::string> types = declaredTypes(branch, "");
            if (types.empty()) types = impliedTypes(branch);
            if (types != std::vector<std::string>{"object"}) return false;
            required.emplace_back();
            if (const Json* list = keyword(branch, "required"); list && list->is_array())
                for (const Json& name : *list)
                    if (name.is_string()) required.back().push_back(name.get<std::string>());
        }
        auto has = [](const std::vector<std::string>& list, const std::string& name) { return std::find(list.begin(), list.end(), name) != list.end(); };
        std::vector<Json> exclusive;
        for (size_t i = 0; i < branches.size(); ++i) {
            Json branch = branches[i];
            for (size_t j = 0; j < branches.size(); ++j) {
                if (j == i) continue;
                bool distinguished = false;
                for (const std::string& name : required[j]) {
                    if (has(required[i], name)) continue;
                    distinguished = true;
                    branch["properties"][name] = false;
                }
                if (!distinguished) return false;
            }
            exclusive.push_back(std::move(branch));
        }
        branches = std::move(exclusive);
        return true;
    }

    // enum and const: the values themselves, less those the schema's other keywords reject.
    Expr enumeration(const Json& schema, const std::string& pointer) {
        std::vector<Json> values;
        if (const Json* list = keyword(schema, "enum")) {
            if (!list->is_array()) fail("'enum' " + where(pointer) + " is " + list->dump() + "; expected an array");
            values.assign(list->begin(), list->end());
        }
        if (const Json* constant = keyword(schema, "const")) {
            if (keyword(schema, "enum")) std::erase_if(values, [&](const Json& v) { return v != *constant; });
            else values = {*constant};
        }
        for (const auto& [key, value] : schema.items()) {
            if (isHandledKeyword(key) && !isOneOf(key, {"enum", "const", "type", "nullable", "minimum", "maximum", "exclusiveMinimum",
                                                        "exclusiveMaximum", "minLength", "maxLength", "format", "pattern"}))
                fail("'" + key + "' next to 'enum'/'const' " + where(pointer) + " is not supported");
        }
        std::erase_if(values, [&](const Json& v) { return !allowedByScalarKeywords(v, schema, pointer); });
        if (values.empty()) unsatisfiable("'enum'/'const' " + where(pointer) + " allows no value (empty, or every value contradicts the schema's other keywords)");
        if ((m_enumValues += values.size()) > kMaxEnumValues) fail("the schema's enums list more than 100000 values");
        std::vector<Expr> alternatives;
        for (const Json& v : values) alternatives.push_back(m_builder.constant(v));
        return choiceOf(std::move(alternatives));
    }

    bool allowedByScalarKeywords(const Json& value, const Json& schema, const std::string& pointer) {
        const std::vector<std::string> types = declaredTypes(schema, pointer);
        if (!types.empty() && std::none_of(types.begin(), types.end(), [&](const std::string& t) { return hasType(value, t); })) return false;
        if (value.is_number()) {
            const std::optional<Decimal> d = parseDecimal(value.dump());
            const std::optional<NumberBound> low = boundOf(schema, "minimum", "exclusiveMinimum", true, pointer);
            const std::optional<NumberBound> high = boundOf(schema, "maximum", "exclusiveMaximum", false, pointer);
            if (d && low && (compareDecimal(*d, low->value) < 0 || (low->exclusive && compareDecimal(*d, low->value) == 0))) return false;
            if (d && high && (compareDecimal(*d, high->value) > 0 || (high->exclusive && compareDecimal(*d, high->value) == 0))) return false;
        }
        if (value.is_string()) {
            const size_t length = codepointCount(value.get<std::string>());
            if (const auto min = countKeyword(schema, "minLength", pointer); min && length < *min) return false;
            if (const auto max = countKeyword(schema, "maxLength", pointer); max && length > *max) return false;
            if (const Json* format = keyword(schema, "format"); format && format->is_string()) {
                const std::optional<Expr> grammar = stringFormatExpr(format->get<std::string>());
                if (!grammar) fail("'format': " + format->dump() + " " + where(pointer) + " is not supported");
                if (!exprMatches(*grammar, value.get<std::string>())) return false;
            }
            if (const Json* pattern = keyword(schema, "pattern"); pattern && pattern->is_string()) {
                Result<Expr> regex = regexToExpr(pattern->get<std::string>(), RegexMatch::Search);
                if (!regex) fail("'pattern' " + where(pointer) + ": " + regex.error().message);
                if (!exprMatches(*regex, value.get<std::string>())) return false;
            }
        }
        return true;
    }

    static bool hasType(const Json& value, const std::string& type) {
        if (type == "null") return value.is_null();
        if (type == "boolean") return value.is_boolean();
        if (type == "object") return value.is_object();
        if (type == "array") return value.is_array();
        if (type == "string") return value.is_string();
        if (type == "number") return value.is_number();
        // An integer is any number with a zero fraction (1.0 too).
        if (type == "integer") {
            if (!value.is_number()) return false;
            const std::optional<Decimal> d = parseDecimal(value.dump());
            return d && d->isInteger();
        }
        return false;
    }

    // "type" as a list (with "nullable": true adding null); empty when absent.
    static std::vector<std::string> declaredTypes(const Json& schema, const std::string& pointer) {
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
    static std::vector<std::string> impliedTypes(const Json& schema) {
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

    Expr typed(const Json& schema, const std::string& pointer, int depth) {
        std::vector<std::string> types = declaredTypes(schema, pointer);
        if (types.empty()) types = impliedTypes(schema);
        if (types.empty()) return m_builder.value();
        const bool numberToo = std::find(types.begin(), types.end(), "number") != types.end();
        std::vector<Expr> alternatives;
        for (const std::string& type : types) {
            if (type == "null") alternatives.push_back(lit("null"));
            else if (type == "boolean") alternatives.push_back(Expr::choice({lit("true"), lit("false")}));
            else if (type == "integer" && !numberToo) alternatives.push_back(integerValue(schema, pointer));
            else if (type == "number") alternatives.push_back(numberValue(schema, pointer));
            else if (type == "string") alternatives.push_back(stringValue(schema, pointer));
            else if (type == "array") alternatives.push_back(arrayValue(schema, pointer, depth));
            else if (type == "object") alternatives.push_back(objectValue(schema, pointer, depth));
        }
        return choiceOf(std::move(alternatives));
    }

    // multipleOf is honoured where it says "an integer" (1) or says nothing about one (0.1, 0.01...).
    static bool multipleOfIsInteger(const Json& schema, const std::string& pointer, bool forIntegers) {
        const std::optional<Decimal> step = decimalKeyword(schema, "multipleOf", pointer);
        if (!step) return false;
        const bool one = step->intDigits == "1" && step->isInteger() && !step->negative;
        const bool unitFraction = step->intDigits == "0" && !step->negative && !step->fracDigits.empty() &&
                                  step->fracDigits.find_first_not_of('0') == step->fracDigits.size() - 1 && step->fracDigits.back() == '1';
        if (one || (forIntegers && unitFraction)) return true;
        fail("'multipleOf' " + std::string(keyword(schema, "multipleOf")->dump()) + " " + where(pointer) + " is not supported (only 1, or for integers a power of ten below 1)");
    }

    Expr integerValue(const Json& schema, const std::string& pointer) {
        multipleOfIsInteger(schema, pointer, true);
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

    Expr numberValue(const Json& schema, const std::string& pointer) {
        if (keyword(schema, "multipleOf") && multipleOfIsInteger(schema, pointer, false)) return integerValue(schema, pointer);
        const std::optional<NumberBound> low = boundOf(schema, "minimum", "exclusiveMinimum", true, pointer);
        const std::optional<NumberBound> high = boundOf(schema, "maximum", "exclusiveMaximum", false, pointer);
        if (!low && !high) return m_builder.number();
        std::optional<Expr> range = numberRangeExpr(low, high);
        if (!range) unsatisfiable("'minimum'/'maximum' " + where(pointer) + " leave no number");
        return std::move(*range);
    }

    Expr stringValue(const Json& schema, const std::string& pointer) {
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
            // Lengths are honoured where the pattern already implies them ("^[0-9]{5}$" and maxLength 5).
            const ExprLengths lengths = exprLengths(*regex);
            if (int64_t(minLength) > lengths.shortest || (maxLength && (lengths.longest < 0 || lengths.longest > int64_t(*maxLength))))
                fail("'minLength'/'maxLength' together with 'pattern' " + where(pointer) + " are not supported (beyond the lengths the pattern implies)");
            content = jsonEscapedContent(*regex);
        } else {
            if (maxLength && *maxLength > kMaxCount) fail("'maxLength' " + where(pointer) + " is above " + std::to_string(kMaxCount) + ", the most supported");
            content = m_builder.repeated(m_builder.stringChar(), minLength, maxLength);
        }
        return sequenceOf({lit("\""), std::move(content), lit("\"")});
    }

    Expr arrayValue(const Json& schema, const std::string& pointer, int depth) {
        const Json empty = Json::array();
        const Json* prefixItems = keyword(schema, "prefixItems");
        if (prefixItems && !prefixItems->is_array()) fail("'prefixItems' " + where(pointer) + " is " + prefixItems->dump() + "; expected an array of schemas");
        if (!prefixItems) prefixItems = &empty;
        const Json* items = keyword(schema, "items");
        const bool moreAllowed = !items || *items != Json(false);
        uint64_t minItems = countKeyword(schema, "minItems", pointer).value_or(0);
        std::optional<uint64_t> maxItems = countKeyword(schema, "maxItems", pointer);
        if (maxItems && minItems > *maxItems) unsatisfiable("'minItems' " + where(pointer) + " is above 'maxItems'");
        if (!moreAllowed) maxItems = std::min<uint64_t>(maxItems.value_or(prefixItems->size()), prefixItems->size());
        if (minItems > maxItems.value_or(minItems)) unsatisfiable("'minItems' " + where(pointer) + " asks for more items than 'prefixItems' with 'items': false allow");
        if (maxItems && *maxItems > kMaxCount) fail("'maxItems' " + where(pointer) + " is above " + std::to_string(kMaxCount) + ", the most supported");
        if (const Json* unique = keyword(schema, "uniqueItems"); unique && *unique == Json(true) && maxItems.value_or(2) > 1)
            fail("'uniqueItems' " + where(pointer) + " is not supported");

        const size_t prefixCount = std::min<size_t>(prefixItems->size(), maxItems.value_or(prefixItems->size()));
        const Expr ws = m_builder.ws();
        // The items after the prefix: how many, and what each is.
        const int moreMin = int(minItems > prefixCount ? minItems - prefixCount : 0);
        const int moreMax = maxItems ? int(*maxItems - prefixCount) : -1;
        Expr rest = Expr::empty();
        if (moreMax != 0) {
            const Expr item = sequenceOf({items ? convert(*items, childPointer(pointer, "items"), depth + 1) : m_builder.value(), ws});
            const Expr next = sequenceOf({lit(","), ws, item});
            const auto upTo = [](int max, int less) { return max < 0 ? std::nullopt : std::optional<uint64_t>(max - less); };
            if (prefixCount > 0) {
                rest = m_builder.repeated(next, uint64_t(moreMin), upTo(moreMax, 0));
            } else {
                rest = sequenceOf({item, m_builder.repeated(next, uint64_t(std::max(0, moreMin - 1)), upTo(moreMax, 1))});
                if (moreMin == 0) rest = Expr::optional(std::move(rest));
            }
        }
        for (size_t i = prefixCount; i-- > 0;) {
            const Expr item = convert((*prefixItems)[i], childPointer(childPointer(pointer, "prefixItems"), std::to_string(i)), depth + 1);
            Expr element = sequenceOf({i > 0 ? sequenceOf({lit(","), ws}) : Expr::empty(), item, ws, std::move(rest)});
            rest = i >= minItems ? Expr::optional(std::move(element)) : std::move(element);
        }
        const std::string name = m_builder.freshName(hintOf(pointer) + "-array");
        m_builder.addRule(name, sequenceOf({lit("["), ws, std::move(rest), lit("]")}));
        return Expr::ref(name);
    }

    struct PatternProperty {
        Expr regex;
        const Json* schema = nullptr;
        std::string pointer;
    };

    static std::vector<PatternProperty> patternProperties(const Json& schema, const std::string& pointer) {
        std::vector<PatternProperty> patterns;
        const Json* list = keyword(schema, "patternProperties");
        if (!list) return patterns;
        if (!list->is_object()) fail("'patternProperties' " + where(pointer) + " is " + list->dump() + "; expected an object");
        for (const auto& [pattern, propertySchema] : list->items()) {
            Result<Expr> regex = regexToExpr(pattern, RegexMatch::Search);
            if (!regex) fail("'patternProperties' " + where(pointer) + ": \"" + pattern + "\": " + regex.error().message);
            patterns.push_back({std::move(*regex), &propertySchema, childPointer(childPointer(pointer, "patternProperties"), pattern)});
        }
        return patterns;
    }

    struct Property {
        std::string name;
        Expr value;
        bool required = false;
    };

    Expr objectValue(const Json& schema, const std::string& pointer, int depth) {
        const Json* properties = keyword(schema, "properties");
        if (properties && !properties->is_object()) fail("'properties' " + where(pointer) + " is " + properties->dump() + "; expected an object");
        std::vector<std::string> required;
        if (const Json* list = keyword(schema, "required")) {
            if (!list->is_array()) fail("'required' " + where(pointer) + " is " + list->dump() + "; expected an array of strings");
            for (const Json& name : *list) {
                if (!name.is_string()) fail("'required' " + where(pointer) + " lists " + name.dump() + "; expected property names");
                if (std::find(required.begin(), required.end(), name.get<std::string>()) == required.end()) required.push_back(name.get<std::string>());
            }
        }
        // Properties not listed: additionalProperties, else unevaluatedProperties (the same
        // thing when no subschema evaluates any: allOf and $ref are merged away by now).
        const Json* additional = keyword(schema, "additionalProperties");
        const std::string additionalPointer = childPointer(pointer, additional ? "additionalProperties" : "unevaluatedProperties");
        if (!additional) additional = keyword(schema, "unevaluatedProperties");
        const bool extrasAllowed = !additional || *additional != Json(false);

        // patternProperties: a property whose name matches a pattern takes that schema too.
        std::vector<PatternProperty> patterns = patternProperties(schema, pointer);
        auto matchingSchemas = [&](const std::string& name) {
            Json all = Json::array();
            for (const PatternProperty& p : patterns)
                if (exprMatches(p.regex, name)) all.push_back(*p.schema);
            return all;
        };

        std::vector<Property> members;
        std::vector<std::string> declared;
        auto isRequired = [&](const std::string& name) { return std::find(required.begin(), required.end(), name) != required.end(); };
        if (properties) {
            for (const auto& [name, propertySchema] : properties->items()) {
                declared.push_back(name);
                const std::string propertyPointer = childPointer(childPointer(pointer, "properties"), name);
                Json also = matchingSchemas(name);
                try {
                    if (propertySchema == Json(false)) unsatisfiable("property '" + name + "' " + where(pointer) + " is required but its schema is false");
                    if (also.empty()) {
                        members.push_back({name, convert(propertySchema, propertyPointer, depth + 1), isRequired(name)});
                    } else {
                        also.insert(also.begin(), propertySchema);
                        members.push_back({name, convert(Json{{"allOf", also}}, propertyPointer, depth + 1), isRequired(name)});
                    }
                } catch (const SchemaError& error) {
                    // An optional property no value satisfies is never written.
                    if (!error.unsatisfiable || isRequired(name)) throw;
                }
            }
        }
        for (const std::string& name : required) {
            if (std::find(declared.begin(), declared.end(), name) != declared.end()) continue;
            declared.push_back(name);
            const std::string requiredPointer = childPointer(pointer, "required");
            if (const Json also = matchingSchemas(name); !also.empty()) {
                members.push_back({name, convert(also.size() == 1 ? also[0] : Json{{"allOf", also}}, requiredPointer, depth + 1), true});
                continue;
            }
            if (!extrasAllowed) unsatisfiable("'required' " + where(pointer) + " lists '" + name + "', which 'properties' lacks while additional properties are not allowed");
            members.push_back({name, additional ? convert(*additional, additionalPointer, depth + 1) : m_builder.value(), true});
        }

        const Expr ws = m_builder.ws();
        std::optional<Expr> extra;
        try {
            if (patterns.empty() && extrasAllowed) {
                const Expr value = additional ? convert(*additional, additionalPointer, depth + 1) : m_builder.value();
                extra = sequenceOf({undeclaredKey(m_builder, declared), ws, lit(":"), ws, value, ws});
            } else if (patterns.size() == 1 && std::none_of(declared.begin(), declared.end(), [&](const std::string& n) { return exprMatches(patterns[0].regex, n); })) {
                // Names the one pattern matches (none of them declared), with its schema. Names
                // matching no pattern are not written: "not matching" has no grammar here.
                const Expr key = sequenceOf({lit("\""), jsonEscapedContent(patterns[0].regex), lit("\"")});
                extra = sequenceOf({key, ws, lit(":"), ws, convert(*patterns[0].schema, patterns[0].pointer, depth + 1), ws});
            }
        } catch (const SchemaError& error) {
            if (!error.unsatisfiable) throw;
        }

        const uint64_t requiredCount = uint64_t(std::count_if(members.begin(), members.end(), [](const Property& p) { return p.required; }));
        const std::optional<uint64_t> minProperties = countKeyword(schema, "minProperties", pointer);
        // At least one member (minProperties 1) is a grammar; more than the required ones is not.
        const bool atLeastOne = minProperties && *minProperties > requiredCount;
        if (atLeastOne && *minProperties > 1)
            fail("'minProperties' " + where(pointer) + " is not supported (above 1 and the number of required properties)");
        if (atLeastOne && members.empty() && !extra) unsatisfiable("'minProperties' " + where(pointer) + " asks for a property the schema does not allow");
        if (const auto max = countKeyword(schema, "maxProperties", pointer); max && (extra || *max < members.size()))
            fail("'maxProperties' " + where(pointer) + " is not supported (below the number of properties allowed)");

        const std::string name = m_builder.freshName(hintOf(pointer) + "-object");
        // Members in the schema's order, optional ones skippable. `afterSome[i]`: members i..
        // once one has been written (each starts with a comma); `none`: none written yet. Both
        // are linear in the member count (llama.cpp chains optional properties alike).
        std::vector<Expr> afterSome(members.size() + 1);
        afterSome[members.size()] = extra ? Expr::star(sequenceOf({lit(","), ws, *extra})) : Expr::empty();
        Expr none = extra ? sequenceOf({*extra, afterSome[members.size()]}) : Expr::choice({});
        if (!atLeastOne) none = extra ? Expr::optional(std::move(none)) : Expr::empty();
        for (size_t i = members.size(); i-- > 0;) {
            const Expr member = sequenceOf({lit(quotedJson(members[i].name)), ws, lit(":"), ws, members[i].value, ws});
            const Expr commaMember = sequenceOf({lit(","), ws, member});
            Expr after = sequenceOf({members[i].required ? commaMember : Expr::optional(commaMember), afterSome[i + 1]});
            if (i > 0) {
                const std::string afterName = m_builder.freshName(hintOf(pointer) + "-after-" + members[i].name);
                m_builder.addRule(afterName, std::move(after));
                afterSome[i] = Expr::ref(afterName);
            }
            Expr first = sequenceOf({member, afterSome[i + 1]});
            none = members[i].required ? std::move(first) : Expr::choice({std::move(first), std::move(none)});
        }
        m_builder.addRule(name, sequenceOf({lit("{"), ws, std::move(none), lit("}")}));
        return Expr::ref(name);
    }

    JsonGrammarBuilder& m_builder;
    const Json& m_root;
    std::map<std::string, std::string> m_refRules;  // a referenced schema's pointer -> its rule
    std::map<std::string, SchemaError> m_unsatisfiableRefs;
    size_t m_subschemas = 0;
    size_t m_enumValues = 0;
};

Error schemaError(const std::string& message) { return makeError("json_schema: " + message); }

}  // namespace

Result<std::string> addJsonSchemaRules(Grammar& grammar, const nlohmann::ordered_json& schema, std::string_view prefix, JsonGrammarOptions options) {
    try {
        JsonGrammarBuilder builder(grammar, std::string(prefix), options);
        SchemaConverter converter(builder, schema);
        return converter.convertRoot();
    } catch (const SchemaError& error) {
        return schemaError(error.message);
    }
}

Result<Grammar> jsonSchemaGrammar(const nlohmann::ordered_json& schema, JsonGrammarOptions options) {
    Grammar grammar;
    Result<std::string> root = addJsonSchemaRules(grammar, schema, "", options);
    if (!root) return root.error();
    grammar.root = *root;
    return grammar;
}

Result<Grammar> jsonSchemaGrammar(std::string_view schemaText, JsonGrammarOptions options) {
    nlohmann::ordered_json schema;
    try {
        schema = nlohmann::ordered_json::parse(schemaText);
    } catch (const nlohmann::json::parse_error& error) {
        return schemaError(std::string("the schema is not valid JSON: ") + error.what());
    }
    return jsonSchemaGrammar(schema, options);
}

Grammar jsonObjectGrammar(JsonGrammarOptions options) {
    Grammar grammar;
    JsonGrammarBuilder builder(grammar, "", options);
    grammar.root = builder.freshName("root");
    builder.addRule(grammar.root, builder.object());
    return grammar;
}

}  // namespace pagoda::structured
