// The grammar of a forced tool call (OpenAI's tool_choice "required" or a named function):
// the model's own tool-call markup, as engine/chat/chat_output_parser parses it, naming only the
// offered functions, each call's arguments matching that function's parameter schema. The
// parser then turns the text into tool_calls, so the answer ends with finish_reason
// "tool_calls" as vLLM's forced calls do (vLLM constrains to a JSON list instead; keeping the
// model's markup keeps it on text it was trained to write).
//
//   QwenHermes: "<tool_call>\n{\"name\": \"NAME\", \"arguments\": ARGS}\n</tool_call>", one or more
//               (separated by "\n") for "required", exactly one for a named function;
//   Glm4:       "NAME\n" ARGS, the whole reply (GLM-4 writes one call per turn).
#pragma once

#include <string>
#include <vector>

#include "engine/chat/chat_output_parser.h"
#include "engine/common/result.h"
#include "engine/structured/grammar.h"
#include "engine/structured/structured_output.h"

namespace pagoda::structured {

struct ToolSignature {
    std::string name;
    std::string parametersSchema;  // JSON Schema text; empty = any JSON object
};

struct ToolCallGrammarRequest {
    ChatOutputFormat format = ChatOutputFormat::QwenHermes;
    std::vector<ToolSignature> tools;  // the functions a call may name (one, for a named tool_choice)
    bool severalCalls = false;         // "required": one or more calls where the syntax allows several
};

// Fails for ChatOutputFormat::Plain (no markup to constrain to), no tools, or a parameter
// schema the JSON Schema front end refuses (the message names the function).
Result<Grammar> toolCallGrammar(const ToolCallGrammarRequest& request);

// toolCallGrammar, compiled; the last few are remembered, as compileStructuredOutput does, so a
// client that sends the same tools every turn compiles them once.
Result<StructuredOutput> compileToolCallGrammar(const ToolCallGrammarRequest& request);

// Appends `from`'s rules to `into` with `prefix` before every rule name (and every reference),
// so several grammars can share one without clashes. Returns the new name of `from`'s root.
std::string importRules(Grammar& into, const Grammar& from, const std::string& prefix);

}  // namespace pagoda::structured
