// allOf, $ref next to other keywords, "not" and dependencies become one schema where merging
// is decidable: property lists and required lists unite, bounds take the stricter value, enums
// intersect, a negation becomes the schema of its complement. What cannot be merged exactly is
// an error naming allOf (or not). Internal to the converter.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pagoda::structured {

using SchemaJson = nlohmann::ordered_json;

// Keywords that constrain instances: those we handle, and those we refuse. Anything else is
// an annotation or unknown, and (as JSON Schema says of unknown keywords) has no effect.
// kExcludedValues is ours: "not": {"enum": [...]} becomes the list of values excluded.
inline constexpr const char* kExcludedValues = "pagoda:notIn";
bool isHandledKeyword(std::string_view key);
bool isRefusedKeyword(std::string_view key);

// "at /properties/x" or "at the top level", for error messages.
std::string where(const std::string& pointer);
std::string childPointer(const std::string& pointer, std::string_view token);

// The schema a local reference ("#", "#/$defs/x", "#/definitions/x", any "#/..." pointer)
// names, and its pointer. Throws SchemaError for remote references, anchors and dangling ones.
struct ResolvedRef {
    const SchemaJson* schema = nullptr;
    std::string pointer;
};
ResolvedRef resolveRef(const SchemaJson& root, const SchemaJson& ref, const std::string& pointer);

// Draft 4's boolean exclusiveMinimum/exclusiveMaximum and array-form items, as draft 2020-12 writes them.
SchemaJson modernized(SchemaJson schema);
bool needsModernizing(const SchemaJson& schema);

// `schema` with its top-level $ref, allOf, not and dependencies merged in (members' own nested
// references stay references). Throws SchemaError.
SchemaJson flattenSchema(const SchemaJson& root, const SchemaJson& schema, const std::string& pointer, int depth = 0);
SchemaJson mergeSchemas(const SchemaJson& a, const SchemaJson& b, const std::string& pointer);

}  // namespace pagoda::structured
