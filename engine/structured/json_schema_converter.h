// The JSON Schema converter behind json_schema_grammar.h: one walk over a schema in which
// every subschema becomes an expression (objects, arrays and referenced schemas become rules).
// Internal. json_schema_grammar.cpp holds references, combinators and enums;
// json_schema_values.cpp types and scalars; json_schema_containers.cpp arrays and objects.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/structured/grammar.h"
#include "engine/structured/integer_range_grammar.h"
#include "engine/structured/json_grammar_builder.h"

namespace pagoda::structured {
namespace schema {

using Json = nlohmann::ordered_json;

constexpr uint64_t kMaxCount = 1'000'000;  // minLength, maxLength, minItems, maxItems

[[noreturn]] void fail(std::string message);
[[noreturn]] void unsatisfiable(std::string message);
inline Expr lit(std::string text) { return Expr::literal(std::move(text)); }
bool isOneOf(std::string_view key, std::initializer_list<std::string_view> names);

// The schema's keyword `key`, or nullptr.
const Json* keyword(const Json& schema, std::string_view key);
// A count keyword (minLength...); one above kMaxCount reads as kMaxCount + 1 for max* keywords
// and is an error for min* ones.
std::optional<uint64_t> countKeyword(const Json& schema, const char* key, const std::string& pointer);
std::optional<Decimal> decimalKeyword(const Json& schema, const char* key, const std::string& pointer);
// minimum/exclusiveMinimum (or the maximum pair) as one bound: the stricter, exclusive on a tie.
std::optional<NumberBound> boundOf(const Json& schema, const char* inclusiveKey, const char* exclusiveKey, bool lower, const std::string& pointer);

}  // namespace schema

class SchemaConverter {
public:
    using Json = schema::Json;

    SchemaConverter(JsonGrammarBuilder& builder, const Json& root) : m_builder(builder), m_root(root) {}
    std::string convertRoot();

private:
    struct PatternProperty {
        Expr regex;
        const Json* schema = nullptr;
        std::string pointer;
        bool matchesEveryName = false;  // "", ".*": search semantics find it in any name
    };

    struct Property {
        std::string name;
        Expr value;
        bool required = false;
    };

    // json_schema_grammar.cpp
    Expr convert(const Json& schema, const std::string& pointer, int depth);
    static bool constrainsBesides(const Json& schema, std::initializer_list<std::string_view> except);
    static bool hasSiblingConstraints(const Json& schema);
    Expr refRule(const Json& ref, const std::string& pointer, int depth);
    // The rule for `key` (a referenced schema), built by `body` once; recursion through it ends there.
    Expr memoizedRule(const std::string& key, const std::string& hint, const std::function<Expr()>& body);
    static std::string hintOf(const std::string& pointer);
    Expr branches(const Json& schema, const char* key, const std::string& pointer, int depth);
    static bool makeExclusive(std::vector<Json>& branches);
    static bool provablyDisjoint(const Json& a, const Json& b);
    Expr enumeration(const Json& schema, const std::string& pointer);
    bool allowedByScalarKeywords(const Json& value, const Json& schema, const std::string& pointer);
    static bool hasType(const Json& value, const std::string& type);

    // json_schema_values.cpp
    static std::vector<std::string> declaredTypes(const Json& schema, const std::string& pointer);
    static std::vector<std::string> impliedTypes(const Json& schema);
    Expr typed(const Json& schema, const std::string& pointer, int depth);
    static std::optional<int> fractionDigitsOfStep(const Json& schema, const std::string& pointer);
    Expr integerValue(const Json& schema, const std::string& pointer);
    Expr numberValue(const Json& schema, const std::string& pointer);
    Expr stringValue(const Json& schema, const std::string& pointer);

    // json_schema_containers.cpp
    Expr arrayValue(const Json& schema, const std::string& pointer, int depth);
    static std::vector<PatternProperty> patternProperties(const Json& schema, const std::string& pointer);
    Expr objectValue(const Json& schema, const std::string& pointer, int depth);

    JsonGrammarBuilder& m_builder;
    const Json& m_root;
    std::map<std::string, std::string> m_refRules;  // a referenced schema's pointer (or merged text) -> its rule
    std::map<std::string, SchemaError> m_unsatisfiableRefs;
    size_t m_subschemas = 0;
    size_t m_enumValues = 0;
};

}  // namespace pagoda::structured
