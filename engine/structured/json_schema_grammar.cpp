#include "engine/structured/json_schema_grammar.h"

#include <algorithm>

#include "engine/structured/json_grammar_builder.h"
#include "engine/structured/json_schema_converter.h"
#include "engine/structured/json_schema_formats.h"
#include "engine/structured/json_schema_merge.h"
#include "engine/structured/json_string_grammar.h"
#include "engine/structured/regex_grammar.h"

namespace pagoda::structured {
namespace schema {

void fail(std::string message) { throw SchemaError{std::move(message)}; }
void unsatisfiable(std::string message) { throw SchemaError{std::move(message), true}; }

// ordered_json looks keys up linearly; schemas are small objects.
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


bool isOneOf(std::string_view key, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), key) != names.end();
}

}  // namespace schema

namespace {

using namespace schema;

// Bounds that keep a hostile schema from growing an unbounded grammar.
constexpr size_t kMaxSubschemas = 100'000;
constexpr size_t kMaxEnumValues = 100'000;
constexpr int kMaxDepth = 128;

size_t codepointCount(const std::string& utf8) {
    return size_t(std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

Error schemaError(const std::string& message) { return makeError("json_schema: " + message); }

}  // namespace

std::string SchemaConverter::convertRoot() {
    if (m_root == Json(false)) fail("the schema is false, which no output can match");
    const std::string name = m_builder.freshName("root");
    m_refRules[""] = name;
    m_builder.addRule(name, convert(m_root, "", 0));
    return name;
}

Expr SchemaConverter::convert(const Json& schema, const std::string& pointer, int depth) {
    if (++m_subschemas > kMaxSubschemas) fail("the schema has more than 100000 subschemas");
    // The same subschema rewritten (flattened, modernized) is converted again without counting twice.
    auto again = [&](const Json& rewritten, int nextDepth) {
        --m_subschemas;
        return convert(rewritten, pointer, nextDepth);
    };
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
    const Json* allOf = keyword(schema, "allOf");
    const bool allOfRefers = allOf && allOf->is_array() &&
                             std::any_of(allOf->begin(), allOf->end(), [](const Json& member) { return member.is_object() && member.contains("$ref"); });
    if (keyword(schema, "allOf") || keyword(schema, "not") || keyword(schema, "dependencies") || keyword(schema, "dependentRequired") ||
        keyword(schema, "dependentSchemas") || (ref && hasSiblingConstraints(schema))) {
        if (!ref && !allOfRefers) return again(flattenSchema(m_root, schema, pointer), depth + 1);
        // A reference merged with more (beside it, or in allOf): a rule per distinct schema
        // text (references all start from the root, so equal text means equal meaning), or
        // recursion through it would inline forever.
        return memoizedRule("merged " + schema.dump(), hintOf(pointer),
                            [&] { return again(flattenSchema(m_root, schema, pointer), depth + 1); });
    }
    if (ref) return refRule(*ref, pointer, depth);
    if (keyword(schema, "anyOf")) return branches(schema, "anyOf", pointer, depth);
    // oneOf as anyOf: a grammar cannot say "exactly one"; the output matches at least one
    // branch, and exactly one whenever the branches cannot overlap (different types,
    // different constants, different required properties of closed objects...).
    if (keyword(schema, "oneOf")) return branches(schema, "oneOf", pointer, depth);
    if (needsModernizing(schema)) return again(modernized(schema), depth);
    if (keyword(schema, "enum") || keyword(schema, "const")) return enumeration(schema, pointer);
    return typed(schema, pointer, depth);
}

// Whether keywords other than `except` constrain (copying a schema to erase one would copy its subtree).
bool SchemaConverter::constrainsBesides(const Json& schema, std::initializer_list<std::string_view> except) {
    for (const auto& [key, value] : schema.items())
        if (!isOneOf(key, except) && (isHandledKeyword(key) || isRefusedKeyword(key))) return true;
    return false;
}

bool SchemaConverter::hasSiblingConstraints(const Json& schema) { return constrainsBesides(schema, {"$ref", "$recursiveRef"}); }

Expr SchemaConverter::refRule(const Json& ref, const std::string& pointer, int depth) {
    const ResolvedRef target = resolveRef(m_root, ref, pointer);
    return memoizedRule(target.pointer, hintOf(target.pointer), [&] { return convert(*target.schema, target.pointer, depth + 1); });
}

Expr SchemaConverter::memoizedRule(const std::string& key, const std::string& hint, const std::function<Expr()>& body) {
    if (const auto it = m_unsatisfiableRefs.find(key); it != m_unsatisfiableRefs.end()) throw it->second;
    if (const auto it = m_refRules.find(key); it != m_refRules.end()) return Expr::ref(it->second);
    const std::string name = m_builder.freshName(hint);
    m_refRules[key] = name;
    try {
        m_builder.addRule(name, body());
    } catch (const SchemaError& error) {
        if (!error.unsatisfiable) throw;
        // Rules built meanwhile may call it (recursion): they get a rule that matches nothing.
        m_builder.addRule(name, Expr::choice({}));
        m_unsatisfiableRefs.emplace(key, error);
        throw;
    }
    return Expr::ref(name);
}

std::string SchemaConverter::hintOf(const std::string& pointer) {
    std::string hint = pointer;
    for (const char* noise : {"/properties/", "/$defs/", "/definitions/", "/items", "/anyOf/", "/oneOf/", "/prefixItems/"}) {
        for (size_t at; (at = hint.find(noise)) != std::string::npos;) hint.replace(at, std::string_view(noise).size(), 1, '-');
    }
    std::replace(hint.begin(), hint.end(), '/', '-');
    while (!hint.empty() && hint.front() == '-') hint.erase(0, 1);
    if (hint.size() > 40) hint = hint.substr(hint.size() - 40);
    return hint.empty() ? "root" : hint;
}

Expr SchemaConverter::branches(const Json& schema, const char* key, const std::string& pointer, int depth) {
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
    // Each branch with the rest, as allOf (converted lazily, so a branch that refers back to
    // this schema becomes a rule rather than an endless inlining).
    std::vector<Json> branchSchemas;
    for (size_t i = 0; i < list.size(); ++i) branchSchemas.push_back(restConstrains ? Json{{"allOf", Json::array({rest, list[i]})}} : list[i]);
    bool exclusive = false;
    if (std::string_view(key) == "oneOf") {
        std::vector<Json> candidate;
        for (size_t i = 0; i < list.size(); ++i) candidate.push_back(flattenSchema(m_root, branchSchemas[i], branchPointer(i)));
        exclusive = makeExclusive(candidate);
        if (exclusive) {
            branchSchemas = std::move(candidate);
        } else {
            // As anyOf, an output matching two branches would pass: refuse unless that cannot happen.
            for (size_t i = 0; i < candidate.size(); ++i)
                for (size_t j = i + 1; j < candidate.size(); ++j)
                    if (!provablyDisjoint(candidate[i], candidate[j]))
                        fail("'oneOf' " + where(pointer) + " has branches " + std::to_string(i) + " and " + std::to_string(j) +
                             " that one value can match, and a grammar cannot enforce \"exactly one\" (anyOf would allow both)");
        }
    }
    std::vector<Expr> alternatives;
    std::optional<SchemaError> lastUnsatisfiable;
    for (size_t i = 0; i < list.size(); ++i) {
        try {
            // Exclusive branches are flattened, references and all: a rule per distinct text ends
            // recursion through them (a query language whose "not" holds a oneOf of queries).
            alternatives.push_back(exclusive ? memoizedRule("exclusive " + branchSchemas[i].dump(), hintOf(branchPointer(i)),
                                                            [&] { return convert(branchSchemas[i], branchPointer(i), depth + 1); })
                                             : convert(branchSchemas[i], branchPointer(i), depth + 1));
        } catch (const SchemaError& error) {
            if (!error.unsatisfiable) throw;
            lastUnsatisfiable = error;  // a branch nothing matches is no choice
        }
    }
    if (alternatives.empty()) unsatisfiable("no branch of '" + std::string(key) + "' " + where(pointer) + " can match: " + lastUnsatisfiable->message);
    return simpleChoice(std::move(alternatives));
}

// Whether no value can match both schemas, for reasons seen at a glance: explicit types that
// share nothing, constants that differ, or objects where one requires a property the other
// forbids or fixes to other constants.
bool SchemaConverter::provablyDisjoint(const Json& a, const Json& b) {
    auto types = [](const Json& schema) {
        std::vector<std::string> list = declaredTypes(schema, "");
        if (std::find(list.begin(), list.end(), "number") != list.end()) list.push_back("integer");
        return list;
    };
    auto values = [](const Json& schema) -> std::optional<std::vector<Json>> {
        if (const Json* constant = keyword(schema, "const")) return std::vector<Json>{*constant};
        if (const Json* list = keyword(schema, "enum"); list && list->is_array()) return std::vector<Json>(list->begin(), list->end());
        return std::nullopt;
    };
    auto typeOf = [](const Json& v) -> std::string {
        if (v.is_null()) return "null";
        if (v.is_boolean()) return "boolean";
        if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
        if (v.is_number()) return "number";
        if (v.is_string()) return "string";
        return v.is_array() ? "array" : "object";
    };
    const auto ta = types(a), tb = types(b);
    const auto va = values(a), vb = values(b);
    auto allowedType = [](const std::vector<std::string>& list, const std::string& t) {
        return list.empty() || std::find(list.begin(), list.end(), t) != list.end();
    };
    if (!ta.empty() && !tb.empty() && std::none_of(ta.begin(), ta.end(), [&](const std::string& t) { return allowedType(tb, t); }))
        return true;
    if (va && vb && std::none_of(va->begin(), va->end(), [&](const Json& v) { return std::find(vb->begin(), vb->end(), v) != vb->end(); }))
        return true;
    if (va && std::none_of(va->begin(), va->end(), [&](const Json& v) { return allowedType(tb, typeOf(v)); })) return true;
    if (vb && std::none_of(vb->begin(), vb->end(), [&](const Json& v) { return allowedType(ta, typeOf(v)); })) return true;
    if (ta != std::vector<std::string>{"object"} || tb != std::vector<std::string>{"object"}) return false;
    auto required = [](const Json& schema) {
        std::vector<std::string> names;
        if (const Json* list = keyword(schema, "required"); list && list->is_array())
            for (const Json& name : *list)
                if (name.is_string()) names.push_back(name.get<std::string>());
        return names;
    };
    auto property = [](const Json& schema, const std::string& name) -> const Json* {
        const Json* properties = keyword(schema, "properties");
        return properties && properties->is_object() && properties->contains(name) ? &(*properties)[name] : nullptr;
    };
    auto forbids = [&](const Json& schema, const std::string& name) {
        if (const Json* p = property(schema, name)) return p->is_boolean() && !p->get<bool>();
        const Json* additional = keyword(schema, "additionalProperties");
        return additional && additional->is_boolean() && !additional->get<bool>() && !keyword(schema, "patternProperties");
    };
    auto separates = [&](const Json& x, const Json& y) {
        for (const std::string& name : required(x)) {
            if (forbids(y, name)) return true;
            const Json* px = property(x, name);
            const Json* py = property(y, name);
            if (!px || !py || !px->is_object() || !py->is_object()) continue;
            const auto cx = values(*px), cy = values(*py);
            if (cx && cy && std::none_of(cx->begin(), cx->end(), [&](const Json& v) { return std::find(cy->begin(), cy->end(), v) != cy->end(); })) {
                const auto ry = required(y);
                if (std::find(ry.begin(), ry.end(), name) != ry.end()) return true;  // both must carry it
            }
        }
        return false;
    };
    return separates(a, b) || separates(b, a);
}

// oneOf's "exactly one", where the branches are objects told apart by required properties:
// each branch forbids the properties other branches require and it does not, so no output
// satisfies two. Rewrites `branches` and returns true when that applies; otherwise oneOf
// stays anyOf (an output may then satisfy two branches).
bool SchemaConverter::makeExclusive(std::vector<Json>& branches) {
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
Expr SchemaConverter::enumeration(const Json& schema, const std::string& pointer) {
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
                                                    "exclusiveMaximum", "minLength", "maxLength", "format", "pattern", kExcludedValues}))
            fail("'" + key + "' next to 'enum'/'const' " + where(pointer) + " is not supported");
    }
    std::erase_if(values, [&](const Json& v) { return !allowedByScalarKeywords(v, schema, pointer); });
    if (const Json* excluded = keyword(schema, kExcludedValues))
        std::erase_if(values, [&](const Json& v) { return std::find(excluded->begin(), excluded->end(), v) != excluded->end(); });
    if (values.empty()) unsatisfiable("'enum'/'const' " + where(pointer) + " allows no value (empty, or every value contradicts the schema's other keywords)");
    if ((m_enumValues += values.size()) > kMaxEnumValues) fail("the schema's enums list more than 100000 values");
    std::vector<Expr> alternatives;
    for (const Json& v : values) alternatives.push_back(m_builder.constant(v));
    return simpleChoice(std::move(alternatives));
}

bool SchemaConverter::allowedByScalarKeywords(const Json& value, const Json& schema, const std::string& pointer) {
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

bool SchemaConverter::hasType(const Json& value, const std::string& type) {
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
