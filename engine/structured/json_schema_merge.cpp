#include "engine/structured/json_schema_merge.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "engine/structured/integer_range_grammar.h"
#include "engine/structured/json_grammar_builder.h"

namespace pagoda::structured {
namespace {

constexpr int kMaxFlattenDepth = 32;
constexpr size_t kMaxMergedBranches = 256;

bool oneOf(std::string_view key, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), key) != names.end();
}

[[noreturn]] void fail(std::string message) { throw SchemaError{std::move(message)}; }
[[noreturn]] void unsatisfiable(std::string message) { throw SchemaError{std::move(message), true}; }

std::vector<std::string> typeList(const SchemaJson& type) {
    std::vector<std::string> types;
    if (type.is_string()) types.push_back(type.get<std::string>());
    if (type.is_array())
        for (const SchemaJson& t : type)
            if (t.is_string()) types.push_back(t.get<std::string>());
    return types;
}

SchemaJson intersectTypes(const SchemaJson& a, const SchemaJson& b, const std::string& pointer) {
    const std::vector<std::string> left = typeList(a), right = typeList(b);
    auto has = [](const std::vector<std::string>& list, const std::string& t) { return std::find(list.begin(), list.end(), t) != list.end(); };
    std::vector<std::string> common;
    for (const std::string& t : left) {
        std::string kept;
        if (has(right, t)) kept = t;
        else if ((t == "integer" && has(right, "number")) || (t == "number" && has(right, "integer"))) kept = "integer";
        if (!kept.empty() && !has(common, kept)) common.push_back(kept);
    }
    if (common.empty()) unsatisfiable("allOf " + where(pointer) + ": its schemas' types " + a.dump() + " and " + b.dump() + " have nothing in common");
    return common.size() == 1 ? SchemaJson(common[0]) : SchemaJson(common);
}

// The stricter of two numeric bounds (the larger minimum, or the smaller maximum).
SchemaJson stricterBound(const SchemaJson& a, const SchemaJson& b, bool larger) {
    const std::optional<Decimal> x = a.is_number() ? parseDecimal(a.dump()) : std::nullopt;
    const std::optional<Decimal> y = b.is_number() ? parseDecimal(b.dump()) : std::nullopt;
    if (!x || !y) return a;  // the converter reports the value that is not a number
    return (compareDecimal(*x, *y) < 0) == larger ? b : a;
}

// A member's additionalProperties constrains every property it does not list itself, those
// another member adds included: `own`'s properties that `other` does not list take `other`'s
// additionalProperties too (false: they cannot be written).
SchemaJson withOthersAdditional(SchemaJson own, const SchemaJson& other, const std::string& pointer) {
    const auto additional = other.find("additionalProperties");
    if (additional == other.end() || *additional == SchemaJson(true)) return own;
    if (const auto patterns = own.find("patternProperties"); patterns != own.end() && other.value("patternProperties", SchemaJson()) != *patterns)
        fail("allOf " + where(pointer) + ": 'additionalProperties' of one member would constrain 'patternProperties' of another, which is not supported");
    const auto ownProperties = own.find("properties");
    if (ownProperties == own.end() || !ownProperties->is_object()) return own;
    const SchemaJson otherProperties = other.value("properties", SchemaJson::object());
    for (auto& [name, schema] : ownProperties->items())
        if (!otherProperties.is_object() || !otherProperties.contains(name)) schema = SchemaJson{{"allOf", {schema, *additional}}};
    return own;
}

std::string percentDecoded(std::string_view text) {
    std::string result;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() + 0 && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            result += char(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            result += text[i];
        }
    }
    return result;
}

// "not" where its complement is a schema of its own: some property absent (not required), the
// other types (not type), every branch's complement (not anyOf), nothing (not {}).
SchemaJson negated(const SchemaJson& root, const SchemaJson& excluded, const std::string& pointer, int depth) {
    const std::string notPointer = childPointer(pointer, "not");
    const SchemaJson schema = flattenSchema(root, excluded, notPointer, depth + 1);
    if (schema == SchemaJson(false)) return true;
    std::vector<std::string> keys;
    if (schema.is_object())
        for (const auto& [key, value] : schema.items())
            if (isHandledKeyword(key) || isRefusedKeyword(key)) keys.push_back(key);
    if (keys.empty()) unsatisfiable("'not' " + where(pointer) + " excludes every value");
    if (keys.size() > 1) fail("'not' " + where(pointer) + " with several keywords (" + schema.dump() + ") is not supported");
    const SchemaJson& value = schema[keys[0]];
    if (keys[0] == "enum" && value.is_array()) return SchemaJson{{kExcludedValues, value}};
    if (keys[0] == "const") return SchemaJson{{kExcludedValues, SchemaJson::array({value})}};
    if (keys[0] == "required" && value.is_array()) {
        // Not all of them present: one of them absent.
        if (value.empty()) unsatisfiable("'not' " + where(pointer) + " excludes every object");
        SchemaJson absences = SchemaJson::array();
        for (const SchemaJson& name : value)
            if (name.is_string()) absences.push_back(SchemaJson{{"properties", {{name.get<std::string>(), false}}}});
        return absences.size() == 1 ? absences[0] : SchemaJson{{"anyOf", absences}};
    }
    if (keys[0] == "type") {
        std::vector<std::string> excludedTypes = typeList(value);
        const bool numbersOut = std::find(excludedTypes.begin(), excludedTypes.end(), "number") != excludedTypes.end();
        if (!numbersOut && std::find(excludedTypes.begin(), excludedTypes.end(), "integer") != excludedTypes.end())
            fail("'not' " + where(pointer) + " excludes integers but not other numbers, which is not supported");
        SchemaJson types = SchemaJson::array();
        for (const char* type : {"null", "boolean", "object", "array", "string", "number"})
            if (std::find(excludedTypes.begin(), excludedTypes.end(), type) == excludedTypes.end()) types.push_back(type);
        if (types.empty()) unsatisfiable("'not' " + where(pointer) + " excludes every type");
        return SchemaJson{{"type", types}};
    }
    if (keys[0] == "anyOf" && value.is_array()) {
        SchemaJson result = true;
        for (size_t i = 0; i < value.size(); ++i)
            result = mergeSchemas(result, negated(root, value[i], childPointer(childPointer(notPointer, "anyOf"), std::to_string(i)), depth + 1), pointer);
        return result;
    }
    fail("'not' " + where(pointer) + " with '" + keys[0] + "' is not supported");
}

// A dependency holds whenever its consequence always does: the dependent properties become
// required (or, where the object cannot hold them, the property that asks for them is left
// out), a dependent schema applies unconditionally, false leaves the property out. Stricter
// than the keyword, never looser.
SchemaJson withDependencies(const SchemaJson& root, SchemaJson schema, const SchemaJson& dependencies, const std::string& pointer, int depth) {
    if (!dependencies.is_object()) fail("'" + pointer.substr(pointer.rfind('/') + 1) + "' " + where(pointer.substr(0, pointer.rfind('/'))) + " is " + dependencies.dump() + "; expected an object");
    auto allowed = [&](const SchemaJson& name) {
        const SchemaJson properties = schema.is_object() ? schema.value("properties", SchemaJson::object()) : SchemaJson::object();
        return name.is_string() && (properties.contains(name.get<std::string>()) || !schema.is_object() || schema.value("additionalProperties", SchemaJson(true)) != SchemaJson(false));
    };
    for (const auto& [name, dependent] : dependencies.items()) {
        SchemaJson consequence;
        if (dependent.is_array() && std::all_of(dependent.begin(), dependent.end(), allowed)) consequence = SchemaJson{{"required", dependent}};
        else if (dependent.is_array() || dependent == SchemaJson(false)) consequence = SchemaJson{{"properties", {{name, false}}}};
        else consequence = flattenSchema(root, dependent, childPointer(pointer, name), depth + 1);
        schema = mergeSchemas(schema, consequence, pointer);
    }
    return schema;
}

}  // namespace

bool isHandledKeyword(std::string_view key) {
    return oneOf(key, {"type", "enum", "const", "properties", "patternProperties", "required", "additionalProperties", "unevaluatedProperties", "minProperties",
                       "maxProperties", "items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "pattern", "format",
                       "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "anyOf",
                       "oneOf", "allOf", "not", "$ref", "$recursiveRef", "nullable", "dependencies", "dependentRequired",
                       "dependentSchemas", kExcludedValues});
}

bool isRefusedKeyword(std::string_view key) {
    return oneOf(key, {"if", "then", "else", "propertyNames", "contains", "minContains", "maxContains", "unevaluatedItems", "$dynamicRef"});
}

std::string where(const std::string& pointer) { return pointer.empty() ? "at the top level" : "at " + pointer; }

std::string childPointer(const std::string& pointer, std::string_view token) {
    std::string result = pointer + "/";
    for (char c : token) {
        if (c == '~') result += "~0";
        else if (c == '/') result += "~1";
        else result += c;
    }
    return result;
}

ResolvedRef resolveRef(const SchemaJson& root, const SchemaJson& ref, const std::string& pointer) {
    if (!ref.is_string()) fail("'$ref' " + where(pointer) + " is " + ref.dump() + "; expected a string");
    std::string text = ref.get<std::string>();
    // A reference through the schema's own $id is still local.
    if (const auto id = root.find("$id"); root.is_object() && id != root.end() && id->is_string()) {
        std::string base = id->get<std::string>();
        if (!base.empty() && base.back() == '#') base.pop_back();
        if (!base.empty() && text.starts_with(base)) text = text.substr(base.size());
    }
    if (text.empty()) text = "#";
    if (text[0] != '#')
        fail("'$ref' \"" + ref.get<std::string>() + "\" " + where(pointer) + " is a remote reference; only references within the schema (\"#/...\") are supported");
    const std::string fragment = percentDecoded(std::string_view(text).substr(1));
    if (!fragment.empty() && fragment[0] != '/')
        fail("'$ref' \"" + ref.get<std::string>() + "\" " + where(pointer) + " names an anchor; only JSON pointers (\"#/...\") are supported");
    try {
        const SchemaJson::json_pointer target(fragment);
        if (root.contains(target)) return {&root.at(target), fragment};
    } catch (const nlohmann::json::exception&) {
    }
    fail("'$ref' \"" + ref.get<std::string>() + "\" " + where(pointer) + " points to nothing in the schema");
}

bool needsModernizing(const SchemaJson& schema) {
    if (!schema.is_object()) return false;
    for (const char* key : {"exclusiveMinimum", "exclusiveMaximum"})
        if (const auto it = schema.find(key); it != schema.end() && it->is_boolean()) return true;
    const auto items = schema.find("items");
    return (items != schema.end() && items->is_array()) || schema.contains("additionalItems");
}

SchemaJson modernized(SchemaJson schema) {
    if (!schema.is_object()) return schema;
    for (auto [exclusive, inclusive] : std::array<std::pair<const char*, const char*>, 2>{{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}}}) {
        const auto it = schema.find(exclusive);
        if (it == schema.end() || !it->is_boolean()) continue;
        const bool isExclusive = it->get<bool>();
        schema.erase(exclusive);
        if (isExclusive && schema.contains(inclusive)) {
            schema[exclusive] = schema[inclusive];
            schema.erase(inclusive);
        }
    }
    if (const auto items = schema.find("items"); items != schema.end() && items->is_array()) {
        schema["prefixItems"] = *items;
        schema.erase("items");
        if (const auto additional = schema.find("additionalItems"); additional != schema.end()) {
            schema["items"] = *additional;
            schema.erase("additionalItems");
        }
    }
    schema.erase("additionalItems");  // without array-form items it has no effect
    return schema;
}

SchemaJson mergeSchemas(const SchemaJson& a, const SchemaJson& b, const std::string& pointer) {
    if (a.is_boolean()) return a.get<bool>() ? b : a;
    if (b.is_boolean()) return b.get<bool>() ? a : b;
    SchemaJson result = withOthersAdditional(a, b, pointer);
    const SchemaJson other = withOthersAdditional(b, a, pointer);
    for (const auto& [key, theirs] : other.items()) {
        const auto it = result.find(key);
        if (it == result.end()) {
            result[key] = theirs;
            continue;
        }
        SchemaJson& ours = *it;
        if (ours == theirs) continue;
        if (key == "type") {
            ours = intersectTypes(ours, theirs, pointer);
        } else if ((key == "properties" || key == "patternProperties") && ours.is_object() && theirs.is_object()) {
            for (const auto& [name, schema] : theirs.items()) {
                if (ours.contains(name)) ours[name] = SchemaJson{{"allOf", {ours[name], schema}}};
                else ours[name] = schema;
            }
        } else if ((key == "required" || key == kExcludedValues) && ours.is_array() && theirs.is_array()) {
            for (const SchemaJson& name : theirs)
                if (std::find(ours.begin(), ours.end(), name) == ours.end()) ours.push_back(name);
        } else if (oneOf(key, {"items", "additionalProperties", "unevaluatedProperties"})) {
            ours = SchemaJson{{"allOf", {ours, theirs}}};
        } else if (oneOf(key, {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"})) {
            ours = stricterBound(ours, theirs, true);
        } else if (oneOf(key, {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})) {
            ours = stricterBound(ours, theirs, false);
        } else if (key == "enum" && ours.is_array() && theirs.is_array()) {
            SchemaJson common = SchemaJson::array();
            for (const SchemaJson& value : ours)
                if (std::find(theirs.begin(), theirs.end(), value) != theirs.end()) common.push_back(value);
            ours = common;
        } else if ((key == "anyOf" || key == "oneOf") && ours.is_array() && theirs.is_array()) {
            // Both members choose: every pair of choices (oneOf is converted as anyOf anyway).
            if (ours.size() * theirs.size() > kMaxMergedBranches)
                fail("allOf " + where(pointer) + ": combining two '" + key + "' lists gives more than 256 branches");
            SchemaJson pairs = SchemaJson::array();
            for (const SchemaJson& x : ours)
                for (const SchemaJson& y : theirs) pairs.push_back(SchemaJson{{"allOf", {x, y}}});
            ours = pairs;
        } else if (key == "uniqueItems" && ours.is_boolean() && theirs.is_boolean()) {
            ours = ours.get<bool>() || theirs.get<bool>();
        } else if (key == "nullable" && ours.is_boolean() && theirs.is_boolean()) {
            ours = ours.get<bool>() && theirs.get<bool>();
        } else if (key == "const") {
            unsatisfiable("allOf " + where(pointer) + ": its members require different constants " + ours.dump() + " and " + theirs.dump());
        } else if (isHandledKeyword(key) || isRefusedKeyword(key)) {
            fail("allOf " + where(pointer) + ": its members give '" + key + "' different values (" + ours.dump() + " and " + theirs.dump() +
                 "), which cannot be merged");
        }
    }
    return result;
}

SchemaJson flattenSchema(const SchemaJson& root, const SchemaJson& schema, const std::string& pointer, int depth) {
    if (depth > kMaxFlattenDepth) fail("'$ref'/'allOf' " + where(pointer) + " nest more than 32 deep (a reference cycle through allOf?)");
    if (schema.is_boolean()) return schema;
    if (!schema.is_object()) fail("the schema " + where(pointer) + " is " + schema.dump() + "; expected an object or a boolean");
    SchemaJson rest = modernized(schema);
    rest.erase("allOf");
    rest.erase("not");
    for (const char* key : {"dependencies", "dependentRequired", "dependentSchemas"}) rest.erase(key);
    rest.erase("$ref");
    rest.erase("$recursiveRef");
    SchemaJson result = true;
    for (const char* refKey : {"$ref", "$recursiveRef"}) {
        if (const auto ref = schema.find(refKey); ref != schema.end()) {
            const ResolvedRef target = resolveRef(root, *ref, pointer);
            result = mergeSchemas(result, flattenSchema(root, *target.schema, target.pointer, depth + 1), pointer);
        }
    }
    if (const auto allOf = schema.find("allOf"); allOf != schema.end()) {
        const std::string allOfPointer = childPointer(pointer, "allOf");
        if (!allOf->is_array() || allOf->empty()) fail("'allOf' " + where(pointer) + " is " + allOf->dump() + "; expected a non-empty array of schemas");
        for (size_t i = 0; i < allOf->size(); ++i)
            result = mergeSchemas(result, flattenSchema(root, (*allOf)[i], childPointer(allOfPointer, std::to_string(i)), depth + 1), pointer);
    }
    if (const auto excluded = schema.find("not"); excluded != schema.end()) result = mergeSchemas(result, negated(root, *excluded, pointer, depth), pointer);
    result = mergeSchemas(result, rest, pointer);
    for (const char* key : {"dependencies", "dependentRequired", "dependentSchemas"})
        if (const auto dependencies = schema.find(key); dependencies != schema.end()) result = withDependencies(root, result, *dependencies, childPointer(pointer, key), depth);
    return result;
}

}  // namespace pagoda::structured
