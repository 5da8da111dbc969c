// The request fields that constrain an answer's text, in every dialect clients send them:
// OpenAI's response_format, vLLM's structured_outputs and older guided_* fields, llama.cpp
// server's grammar and json_schema, and Ollama's format. Each becomes one
// structured::StructuredOutputRequest, remembered with the field it came from so a grammar
// that fails to compile is a 400 naming that field.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/api/openai_fields.h"
#include "engine/chat/chat_output_parser.h"
#include "engine/structured/structured_output.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda::openai {

struct StructuredOutputField {
    structured::StructuredOutputRequest request;
    std::string field;  // "response_format", "structured_outputs.regex", "guided_json", "grammar", "format", ...
};

// The one structured-output form of an OpenAI-style body (chat or completions), or nullopt when
// there is none (response_format {"type": "text"} is none). Two forms at once are refused, as
// vLLM refuses them, naming both.
FieldError readStructuredOutput(const FieldReader& fields, std::optional<StructuredOutputField>& out);

// Ollama's `format`: "json" (any JSON object, as Ollama's JSON mode), a JSON Schema object, or
// "" (none).
FieldError readOllamaFormat(const FieldReader& fields, std::optional<StructuredOutputField>& out);

// compileStructuredOutput; a grammar that cannot be built or compiled is a 400 naming the field.
ApiResult<structured::StructuredOutput> compileStructuredOutputField(const StructuredOutputField& field);

// readStructuredOutput then compileStructuredOutputField, into params.structuredOutput.
FieldError readAndCompileStructuredOutput(const FieldReader& fields, std::optional<structured::StructuredOutput>& out);

// What a chat answer is constrained to, once the prompt is rendered and its output format known:
// - tool_choice "required" or a named function: the model's own tool-call markup naming the
//   offered functions (engine/structured/tool_call_grammar.h), replacing params.structuredOutput
//   (the parser refuses a forced call together with another constraint);
// - a reasoning model in thinking mode (the prompt opened <think>, or the template has Qwen3's
//   enable_thinking switch and did not close the block): the constraint starts after the
//   </think> token, as vLLM gates structured output behind its reasoning parser.
FieldError constrainChatAnswer(const Json& tools, const Json& toolChoice, const ChatOutputOptions& options,
                               std::string_view templateSource, const Tokenizer& tokenizer, SamplingParams& params);

}  // namespace pagoda::openai
