#include <algorithm>

#include "engine/structured/json_schema_converter.h"
#include "engine/structured/json_schema_merge.h"
#include "engine/structured/json_string_grammar.h"
#include "engine/structured/regex_grammar.h"

namespace pagoda::structured {
namespace {
constexpr size_t kMaxNameBytes = 4096;
}

using namespace schema;

Expr SchemaConverter::arrayValue(const Json& schema, const std::string& pointer, int depth) {
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
    std::optional<Expr> itemValue;
    try {
        if (moreMax != 0) itemValue = items ? convert(*items, childPointer(pointer, "items"), depth + 1) : m_builder.value();
    } catch (const SchemaError& error) {
        // Items no value satisfies: the array ends after its prefix, if it may.
        if (!error.unsatisfiable || moreMin > 0) throw;
    }
    if (itemValue) {
        const Expr item = simpleSequence({std::move(*itemValue), ws});
        const Expr next = simpleSequence({lit(","), ws, item});
        const auto upTo = [](int max, int less) { return max < 0 ? std::nullopt : std::optional<uint64_t>(max - less); };
        if (prefixCount > 0) {
            rest = m_builder.repeated(next, uint64_t(moreMin), upTo(moreMax, 0));
        } else {
            rest = simpleSequence({item, m_builder.repeated(next, uint64_t(std::max(0, moreMin - 1)), upTo(moreMax, 1))});
            if (moreMin == 0) rest = Expr::optional(std::move(rest));
        }
    }
    for (size_t i = prefixCount; i-- > 0;) {
        const Expr item = convert((*prefixItems)[i], childPointer(childPointer(pointer, "prefixItems"), std::to_string(i)), depth + 1);
        Expr element = simpleSequence({i > 0 ? simpleSequence({lit(","), ws}) : Expr::empty(), item, ws, std::move(rest)});
        rest = i >= minItems ? Expr::optional(std::move(element)) : std::move(element);
    }
    const std::string name = m_builder.freshName(hintOf(pointer) + "-array");
    m_builder.addRule(name, simpleSequence({lit("["), ws, std::move(rest), lit("]")}));
    return Expr::ref(name);
}

std::vector<SchemaConverter::PatternProperty> SchemaConverter::patternProperties(const Json& schema, const std::string& pointer) {
    std::vector<PatternProperty> patterns;
    const Json* list = keyword(schema, "patternProperties");
    if (!list) return patterns;
    if (!list->is_object()) fail("'patternProperties' " + where(pointer) + " is " + list->dump() + "; expected an object");
    for (const auto& [pattern, propertySchema] : list->items()) {
        Result<Expr> regex = regexToExpr(pattern, RegexMatch::Search);
        if (!regex) fail("'patternProperties' " + where(pointer) + ": \"" + pattern + "\": " + regex.error().message);
        const bool everyName = pattern.empty() || pattern == ".*" || pattern == "^.*" || pattern == ".*$";
        patterns.push_back({std::move(*regex), &propertySchema, childPointer(childPointer(pointer, "patternProperties"), pattern), everyName});
    }
    return patterns;
}

Expr SchemaConverter::objectValue(const Json& schema, const std::string& pointer, int depth) {
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
    // The undeclared-name grammar walks each declared name recursively, one call per character.
    for (const std::string& n : declared)
        if (n.size() > kMaxNameBytes) fail("a property name " + where(pointer) + " is longer than " + std::to_string(kMaxNameBytes) + " bytes");
    try {
        if (patterns.empty() && extrasAllowed) {
            const Expr value = additional ? convert(*additional, additionalPointer, depth + 1) : m_builder.value();
            extra = simpleSequence({undeclaredKey(m_builder, declared), ws, lit(":"), ws, value, ws});
        } else if (patterns.size() == 1 && patterns[0].matchesEveryName) {
            // ".*": every undeclared name, with the pattern's schema.
            extra = simpleSequence({undeclaredKey(m_builder, declared), ws, lit(":"), ws, convert(*patterns[0].schema, patterns[0].pointer, depth + 1), ws});
        } else if (patterns.size() == 1 && std::none_of(declared.begin(), declared.end(), [&](const std::string& n) { return exprMatches(patterns[0].regex, n); })) {
            // Names the one pattern matches (none of them declared), with its schema. Names
            // matching no pattern are not written: "not matching" has no grammar here.
            const Expr key = simpleSequence({lit("\""), jsonEscapedContent(patterns[0].regex), lit("\"")});
            extra = simpleSequence({key, ws, lit(":"), ws, convert(*patterns[0].schema, patterns[0].pointer, depth + 1), ws});
        }
    } catch (const SchemaError& error) {
        if (!error.unsatisfiable) throw;
    }

    const uint64_t requiredCount = uint64_t(std::count_if(members.begin(), members.end(), [](const Property& p) { return p.required; }));
    // maxProperties: undeclared members only up to what is left when every declared one is
    // written (stricter than the keyword when some are left out, never looser).
    std::optional<uint64_t> extraLimit;
    if (const auto max = countKeyword(schema, "maxProperties", pointer)) {
        if (*max < requiredCount) unsatisfiable("'maxProperties' " + where(pointer) + " is below the number of required properties");
        if (*max < members.size()) fail("'maxProperties' " + where(pointer) + " is not supported (below the number of declared properties)");
        extraLimit = *max - members.size();
        if (*extraLimit == 0) extra.reset();
    }

    const std::optional<uint64_t> minProperties = countKeyword(schema, "minProperties", pointer);
    // At least one member (minProperties 1) is a grammar; more than the required ones is not.
    const bool atLeastOne = minProperties && *minProperties > requiredCount;
    if (atLeastOne && *minProperties > 1)
        fail("'minProperties' " + where(pointer) + " is not supported (above 1 and the number of required properties)");
    if (atLeastOne && members.empty() && !extra) unsatisfiable("'minProperties' " + where(pointer) + " asks for a property the schema does not allow");

    const std::string name = m_builder.freshName(hintOf(pointer) + "-object");
    if (extra) {
        // One rule for an undeclared member (its key grammar grows with the declared names), called twice below.
        const std::string extraName = m_builder.freshName(hintOf(pointer) + "-extra");
        m_builder.addRule(extraName, std::move(*extra));
        extra = Expr::ref(extraName);
    }
    // Members in the schema's order, optional ones skippable. `afterSome[i]`: members i..
    // once one has been written (each starts with a comma); `none`: none written yet. Both
    // are linear in the member count (llama.cpp chains optional properties alike).
    std::vector<Expr> afterSome(members.size() + 1);
    afterSome[members.size()] = extra ? m_builder.repeated(simpleSequence({lit(","), ws, *extra}), 0, extraLimit) : Expr::empty();
    Expr none = extra ? simpleSequence({*extra, extraLimit ? m_builder.repeated(simpleSequence({lit(","), ws, *extra}), 0, *extraLimit - 1) : afterSome[members.size()]})
                      : Expr::choice({});
    if (!atLeastOne) none = extra ? Expr::optional(std::move(none)) : Expr::empty();
    for (size_t i = members.size(); i-- > 0;) {
        const Expr member = simpleSequence({lit(quotedJson(members[i].name)), ws, lit(":"), ws, members[i].value, ws});
        const Expr commaMember = simpleSequence({lit(","), ws, member});
        Expr after = simpleSequence({members[i].required ? commaMember : Expr::optional(commaMember), afterSome[i + 1]});
        if (i > 0) {
            const std::string afterName = m_builder.freshName(hintOf(pointer) + "-after-" + members[i].name);
            m_builder.addRule(afterName, std::move(after));
            afterSome[i] = Expr::ref(afterName);
        }
        Expr first = simpleSequence({member, afterSome[i + 1]});
        if (members[i].required) {
            none = std::move(first);
        } else {
            // Not Expr::choice({first, none}): an initializer list copies, and `none` holds every later member.
            std::vector<Expr> either;
            either.push_back(std::move(first));
            either.push_back(std::move(none));
            none = Expr::choice(std::move(either));
        }
    }
    m_builder.addRule(name, simpleSequence({lit("{"), ws, std::move(none), lit("}")}));
    return Expr::ref(name);
}

}  // namespace pagoda::structured
