// What a request asks its output to match, in the API's terms, and the grammar for it.
// Every API form (OpenAI response_format, vLLM structured_outputs / guided_*, llama.cpp's
// grammar and json_schema, Ollama's format, the CLI's --json-schema / --grammar) becomes one
// StructuredOutputRequest.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/structured/compiled_grammar.h"
#include "engine/structured/grammar.h"

namespace pagoda::structured {

struct StructuredOutputRequest {
    enum class Kind { JsonSchema, JsonObject, Regex, Choice, Grammar };
    Kind kind = Kind::JsonObject;
    std::string text;                  // JsonSchema: the schema as JSON text; Regex: the pattern; Grammar: GBNF
    std::vector<std::string> choices;  // Choice
    bool compactWhitespace = false;    // JSON without optional whitespace (vLLM's disable_any_whitespace)
};

// The grammar for a request; errors name the field's problem ("json_schema: 'foo' at
// /properties/x is not a supported keyword", "regex: unbalanced ')' at offset 7", ...).
Result<Grammar> buildGrammar(const StructuredOutputRequest& request);

// A grammar compiled once and shared: what SamplingParams carries. `key` identifies it so the
// engine can reuse one automaton (and its cached masks) across requests with the same grammar.
struct StructuredOutput {
    std::shared_ptr<const CompiledGrammar> grammar;
    std::string key;
    // For reasoning models: the constraint starts after this token (e.g. Qwen3's </think>)
    // appears in the output; unset = from the first output token.
    std::optional<int32_t> startsAfterToken;
};

// buildGrammar then compileGrammar, remembering the last few results by request so a schema
// sent again is neither parsed nor compiled again. Thread-safe.
Result<StructuredOutput> compileStructuredOutput(const StructuredOutputRequest& request);

// The grammar compiled lately for `key` (the last 32 of any kind are kept), else `build()`
// compiled and remembered. Keys of different kinds of grammar must not collide. Thread-safe.
Result<StructuredOutput> compileCached(std::string key, const std::function<Result<Grammar>()>& build);

}  // namespace pagoda::structured
