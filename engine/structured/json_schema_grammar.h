// JSON Schema to grammar: the output may only be JSON that the schema accepts, its properties
// in the order the schema lists them, optional ones skippable, undeclared ones (allowed by
// default, as JSON Schema says) after them. Keywords that constrain values but cannot be
// enforced while writing (uniqueItems, if/then/else, propertyNames, contains, multipleOf 3,
// unknown formats, ...) are errors naming the keyword and its JSON pointer, never silently
// dropped; annotations and unknown keywords are ignored. Where exactness would need
// exponential grammar, the grammar is stricter than the schema, never looser: oneOf is anyOf
// unless its branches differ in required properties; dependencies hold their consequence
// always; patternProperties admit undeclared names only through a single pattern; bounded
// numbers are written without exponents.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/common/result.h"
#include "engine/structured/grammar.h"

namespace pagoda::structured {

struct JsonGrammarOptions {
    // No optional whitespace at all (vLLM's disable_any_whitespace); otherwise a single space,
    // or a newline and up to 20 spaces or tabs of indentation, between tokens.
    bool compactWhitespace = false;
};

// ordered_json, not json: a schema's properties are written in the order it lists them.
Result<Grammar> jsonSchemaGrammar(const nlohmann::ordered_json& schema, JsonGrammarOptions options = {});
// The same from the schema's text (errors for text that is not JSON say where it fails).
Result<Grammar> jsonSchemaGrammar(std::string_view schemaText, JsonGrammarOptions options = {});

// Any JSON object (OpenAI's json_object mode).
Grammar jsonObjectGrammar(JsonGrammarOptions options = {});

// Adds the rules for `schema` to `grammar`, every name starting with `prefix`, and returns the
// start rule's name: for grammars that embed schemas (tool calls: each function's parameters).
// On error `grammar` may hold some of the rules.
Result<std::string> addJsonSchemaRules(Grammar& grammar, const nlohmann::ordered_json& schema, std::string_view prefix,
                                       JsonGrammarOptions options = {});

}  // namespace pagoda::structured
