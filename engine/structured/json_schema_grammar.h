// JSON Schema to grammar: the output may only be JSON that the schema accepts (with the
// property order the schema lists). Keywords that constrain values but cannot be enforced
// while writing (uniqueItems, not, if/then/else, patternProperties, ...) are errors naming
// the keyword and its JSON pointer, never silently dropped; annotations are ignored.
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
