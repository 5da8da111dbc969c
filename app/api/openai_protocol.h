// The OpenAI-compatible API's wire format, without Qt and without HTTP: request bodies are
// checked and turned into engine values, engine results are turned into the JSON vLLM's
// OpenAI server sends (vllm/entrypoints/openai/*/protocol.py, field for field and in the
// same order). The HTTP server only moves bytes and calls these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/chat/chat_output_parser.h"
#include "engine/common/result.h"
#include "engine/request.h"
#include "engine/sampling/sampler.h"
#include "engine/sampling/sampling_params.h"

namespace pagoda {

// ---------------------------------------------------------------------------------------
// Errors

// An HTTP error as the API reports it. `type` follows vLLM's and the openai client's
// class names ("BadRequestError", "NotFoundError", ...); `param` names the request field
// at fault ("max_tokens", "messages[2].content"), when there is one.
struct ApiError {
    int status = 400;
    std::string type;
    std::string message;
    std::optional<std::string> param;
};

// {"error": {"message", "type", "param", "code": status}}, vLLM's ErrorResponse. Every
// status uses this shape, 401 included: vLLM answers 401 with {"error": "Unauthorized"},
// a bare string, but OpenAI's own 401 is the object, and the openai client picks its
// exception class from the status alone, so the object loses nothing and parses everywhere.
nlohmann::ordered_json errorBody(const ApiError& error);

// "BadRequestError" (400), "AuthenticationError" (401), "PermissionDeniedError" (403),
// "NotFoundError" (404), "MethodNotAllowedError" (405), "RequestEntityTooLargeError" (413),
// "UnsupportedMediaTypeError" (415), "UnprocessableEntityError" (422), "RateLimitError"
// (429), "InternalServerError" (500 and unknown), "NotImplementedError" (501),
// "ServiceUnavailableError" (503).
std::string errorTypeForStatus(int status);

ApiError apiError(int status, std::string message, std::optional<std::string> param = std::nullopt);
ApiError badRequest(std::string message, std::optional<std::string> param = std::nullopt);
ApiError notFound(std::string message, std::optional<std::string> param = std::nullopt);
ApiError modelNotFound(std::string_view model);  // 404 "The model `X` does not exist.", param "model"
ApiError unauthorized();                         // 401 AuthenticationError
ApiError payloadTooLarge(size_t size, size_t maxBytes);  // 413
ApiError internalError(std::string message);             // 500
ApiError serviceUnavailable(std::string message);        // 503
// vLLM's context-length errors, worded as vLLM words them. `param` is the field the
// client set: "max_tokens" or "max_completion_tokens".
ApiError maxTokensTooLarge(int maxTokens, int maxModelLen, int promptTokens, const char* param);
ApiError promptTooLong(int maxModelLen, int promptTokens);

// A value or the ApiError that explains why there is none: Result<T> whose errors carry an
// HTTP status and a field name, which pagoda::Error does not.
template <class T>
using ApiResult = Result<T, ApiError>;

// ---------------------------------------------------------------------------------------
// Request bodies

constexpr size_t kMaxJsonDepth = 64;     // arrays and objects nested deeper are refused
constexpr int kMaxChoices = 16;          // n
// Completions: prompts in one request, and prompts × n (each is a sequence in the engine).
// vLLM has no cap; 2000 prompts × 16 were accepted here, a queue no client waits for.
constexpr size_t kMaxPromptsPerRequest = 1024;
constexpr int kMaxCompletionLogprobs = 5;  // legacy completions `logprobs`, as OpenAI

// The request body as a JSON object. Refuses, in this order: more than `maxBytes` (413),
// bytes that are not UTF-8 (400, naming the byte offset), arrays/objects nested deeper than
// kMaxJsonDepth or objects with more members than openai::JsonShapeLimits allows (1024 in
// one, 65536 in all; 400, counted by a flat scan before parsing, so `[[[[…` a million deep
// costs no stack and 100k keys no quadratic insertion), text that is not JSON (400, with
// nlohmann's line and column), and any top level other than an object (400).
ApiResult<nlohmann::ordered_json> parseJsonBody(std::string_view bytes, size_t maxBytes);

// vLLM's extra request fields both routes take (read by openai::readVllmRequestFields).
struct VllmRequestFields {
    std::optional<int> promptLogprobs;        // prompt_logprobs: also in params.promptLogprobs
    bool returnTokenIds = false;              // return_token_ids: prompt_token_ids and token_ids in the answer
    std::optional<int> truncatePromptTokens;  // truncate_prompt_tokens: keep the last k prompt tokens; -1: all that fit
};

// POST /v1/chat/completions, checked field by field: a field that is absent or null keeps
// its default; a present one must have the right JSON type and range, or the error names
// it in `param`. Fields this server does not know are ignored, as vLLM does.
struct ChatCompletionRequest {
    std::string model;  // empty when absent: the server's one model
    // Non-empty array of objects, each with a non-empty string "role" (any role: GLM's
    // templates use "observation"). "content" is normalized to a string or null: an array
    // of text parts ({"type": "text", "text"} or a bare string) becomes their texts joined
    // by "\n", as vLLM's "string" content format; other part types are refused (text-only
    // models). "name", "tool_call_id", "tool_calls", "reasoning_content", "reasoning" and
    // any other key pass through; a string tool_calls[].function.arguments that parses as
    // JSON is replaced by the parsed value, as vLLM does, because templates apply `tojson`
    // to it; "reasoning" is copied to "reasoning_content" when only it is present (the key
    // Qwen3's template reads).
    nlohmann::ordered_json messages;
    // null, or a non-empty array of {type: "function", function: {name, description?, parameters?}}
    nlohmann::ordered_json tools;
    // "none", "auto", "required" or {"type": "function", "function": {"name"}} naming one of
    // `tools`. Absent or null: "auto" when tools are given, else "none" (OpenAI's rule).
    nlohmann::ordered_json toolChoice;
    nlohmann::ordered_json chatTemplateKwargs = nlohmann::ordered_json::object();
    bool addGenerationPrompt = true;  // false when continue_final_message is set and this is not
    bool continueFinalMessage = false;
    bool stream = false;
    // stream_options.include_usage; true when stream_options is given without it, as vLLM.
    bool includeUsage = false;
    bool continuousUsageStats = false;  // stream_options.continuous_usage_stats (vLLM): usage on every chunk
    bool logprobs = false;              // the request's `logprobs`; params.logprobs holds top_logprobs when true
    // max_completion_tokens, else max_tokens; nullopt = as many as the context allows. When
    // set it is also in params.maxTokens; when not, the server must set params.maxTokens.
    std::optional<int> maxTokens;
    // Starts as the server's defaults (generation_config.json), then every request field
    // present overrides: n, temperature, top_p, top_k, min_p, presence_penalty,
    // frequency_penalty, repetition_penalty, logit_bias, seed, stop, stop_token_ids (merged
    // with the defaults', as vLLM), ignore_eos, min_tokens, logprobs/top_logprobs,
    // skip_special_tokens, include_stop_str_in_output. Everything that can be checked without
    // the vocabulary is; params.validate(vocabSize) still has to run for token ids and top_k.
    // params.structuredOutput is the compiled response_format / structured_outputs / guided_* /
    // grammar / json_schema (structured_output_fields.h); a forced tool call is added once the
    // prompt is rendered (openai::constrainChatAnswer).
    SamplingParams params;
    VllmRequestFields vllm;
};

ApiResult<ChatCompletionRequest> parseChatCompletionRequest(const nlohmann::ordered_json& body,
                                                            const SamplingParams& defaults);

// POST /v1/completions. `prompt` is a string, a list of strings, a list of token ids or a
// list of lists of token ids; exactly one of `prompts` and `promptIds` is filled. With
// several prompts, choice index = prompt index * n + sample index, as vLLM.
struct CompletionRequest {
    std::string model;
    std::vector<std::string> prompts;
    std::vector<std::vector<int32_t>> promptIds;
    bool echo = false;  // the prompt is prepended to each choice's text (and its tokens to the logprobs)
    bool stream = false;
    bool includeUsage = false;
    bool continuousUsageStats = false;
    std::optional<int> maxTokens = 16;  // OpenAI's legacy default; null also means 16; mirrored in params.maxTokens
    std::optional<int> logprobs;        // legacy `logprobs`: 0..kMaxCompletionLogprobs top entries per token
    SamplingParams params;
    VllmRequestFields vllm;
};

ApiResult<CompletionRequest> parseCompletionRequest(const nlohmann::ordered_json& body, const SamplingParams& defaults);

// ---------------------------------------------------------------------------------------
// Responses. Every builder returns vLLM's field set in vLLM's order; fields vLLM sends as
// null (service_tier, system_fingerprint, prompt_logprobs, ...) are sent as null too.

// prefix + "-" + 32 random lower-case hex digits, as vLLM's random_uuid(): "chatcmpl-…",
// "cmpl-…" (the dash is added unless the prefix ends with one).
std::string makeCompletionId(const char* prefix);
std::string makeToolCallId();  // "chatcmpl-tool-" + 32 hex digits, as vLLM's make_tool_call_id()

// Text of one token for logprobs; may be a partial UTF-8 sequence (byte-level tokens).
using TokenTextFn = std::function<std::string(int32_t)>;

// A tool call as the chat output parser produces it: {id, name, arguments (JSON text)}.
using ApiToolCall = ToolCall;

struct ChoiceResult {
    int index = 0;
    std::optional<std::string> content;    // chat: message.content (null when absent); completions: text
    std::optional<std::string> reasoning;  // chat: message.reasoning, null when the model gave none
    std::vector<ApiToolCall> toolCalls;    // chat: message.tool_calls, left out when empty (as vLLM)
    // "stop", "length", "tool_calls" or "abort". vLLM v1 reports an aborted request as
    // "abort" (FinishReason.ABORT's string) and so do we: saying "stop" would tell a
    // client the answer is complete when it is not.
    std::string finishReason = "stop";
    nlohmann::ordered_json stopReason;  // null (EOS, length), the stop string, or the stop token id
    std::optional<std::vector<SampleResult>> logprobs;  // nullopt = not requested (null)
    // vLLM's extras, null unless asked for: the choice's token ids and, for completions, the
    // prompt's ids and logprobs (chat sends the first choice's at the response level), and
    // logprobs built elsewhere (completions echo) to send instead of `logprobs`.
    nlohmann::ordered_json tokenIds;
    nlohmann::ordered_json promptTokenIds;
    nlohmann::ordered_json promptLogprobs;
    std::optional<nlohmann::ordered_json> logprobsJson;
};

// The OpenAI word for why a choice ended: "stop", "length", "abort".
std::string apiFinishReason(FinishReason reason);
// vLLM's stop_reason for one finished output: its stop string, its stop token id, or null.
nlohmann::ordered_json stopReasonJson(const CompletionOutput& output);

// {"prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details"}:
// details are {"cached_tokens": N} when the prefix cache served some of the prompt, else
// null; in a stream (vLLM dumps chunks with exclude_unset) a null details key is left out.
nlohmann::ordered_json usageJson(const Usage& usage, bool streaming);

// {"content": [{"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}]}]}.
// "token" is the token's text with broken UTF-8 replaced by U+FFFD, "bytes" its raw bytes
// (OpenAI's meaning; vLLM sends the bytes of the replaced text). -inf becomes -9999.0, as vLLM.
nlohmann::ordered_json chatLogprobsContent(const std::vector<SampleResult>& logprobs, const TokenTextFn& tokenText);
// Legacy completions logprobs: {"text_offset", "token_logprobs", "tokens", "top_logprobs"},
// each top_logprobs entry a {token: logprob} object holding the chosen token first, as
// vLLM. Offsets count code points (Python's len) from `initialTextOffset`.
nlohmann::ordered_json completionLogprobs(const std::vector<SampleResult>& logprobs, const TokenTextFn& tokenText,
                                          size_t initialTextOffset);

nlohmann::ordered_json chatCompletionResponse(const std::string& id, int64_t created, const std::string& model,
                                              const std::vector<ChoiceResult>& choices, const Usage& usage,
                                              const TokenTextFn& tokenText);
nlohmann::ordered_json completionResponse(const std::string& id, int64_t created, const std::string& model,
                                          const std::vector<ChoiceResult>& choices, const Usage& usage,
                                          const TokenTextFn& tokenText);

// Chat stream deltas (vLLM's DeltaMessage with exclude_unset: only the keys given).
struct DeltaToolCall {
    int index = 0;
    std::optional<std::string> id;    // first fragment of a call: id, name and type "function"
    std::optional<std::string> name;
    std::optional<std::string> arguments;
};
nlohmann::ordered_json roleDelta();  // {"role": "assistant", "content": ""}, the first chunk of each choice
nlohmann::ordered_json chatDelta(const std::optional<std::string>& content,
                                 const std::optional<std::string>& reasoning = {},
                                 const std::vector<DeltaToolCall>& toolCalls = {});

// return_token_ids in a stream: the choice's new token ids in every chunk but chat's role
// chunk, the prompt's in the first (vLLM: prompt_token_ids on the chunk for chat, on the
// choice for completions).
struct StreamTokenIds {
    std::optional<std::vector<int32_t>> tokenIds;
    std::optional<std::vector<int32_t>> promptTokenIds;
};

// One chat.completion.chunk with one choice. `stop_reason` is sent only with a
// finish_reason, as vLLM; `usage` only when given (continuous_usage_stats).
nlohmann::ordered_json chatCompletionChunk(const std::string& id, int64_t created, const std::string& model, int index,
                                           const nlohmann::ordered_json& delta,
                                           const std::optional<std::string>& finishReason,
                                           const nlohmann::ordered_json& stopReason,
                                           const nlohmann::ordered_json& logprobs,
                                           const std::optional<Usage>& usage = std::nullopt,
                                           const std::optional<StreamTokenIds>& tokenIds = std::nullopt);
// One text_completion chunk: index, text, logprobs, finish_reason and stop_reason always.
nlohmann::ordered_json completionChunk(const std::string& id, int64_t created, const std::string& model, int index,
                                       const std::string& text, const std::optional<std::string>& finishReason,
                                       const nlohmann::ordered_json& stopReason, const nlohmann::ordered_json& logprobs,
                                       const std::optional<Usage>& usage = std::nullopt,
                                       const std::optional<StreamTokenIds>& tokenIds = std::nullopt);
// The last chunk before [DONE] when include_usage is set: "choices": [] and the usage.
nlohmann::ordered_json usageChunk(const std::string& id, int64_t created, const std::string& model, const Usage& usage,
                                  bool chat);

// Compact JSON as pydantic's model_dump_json writes it (UTF-8, not \u-escaped); any
// invalid UTF-8 that slipped into a string becomes U+FFFD instead of throwing.
std::string dumpJson(const nlohmann::ordered_json& value);
// "data: <json>\n\n"; an error mid-stream is sseEvent(errorBody(e)) followed by kSseDone.
std::string sseEvent(const nlohmann::ordered_json& value);
constexpr std::string_view kSseDone = "data: [DONE]\n\n";

// GET /v1/models: {"object": "list", "data": [entries]}; an entry is {"id", "object":
// "model", "created", "owned_by": "pagoda", "root", "parent": null, "max_model_len",
// "permission": [vLLM's ModelPermission]}. `root` defaults to `id` (vLLM: the model path).
nlohmann::ordered_json modelEntry(const std::string& id, int64_t created, int maxModelLen, std::string_view root = {});
nlohmann::ordered_json modelsList(const std::vector<nlohmann::ordered_json>& entries);

}  // namespace pagoda
