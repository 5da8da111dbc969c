// vLLM's extensions to the OpenAI bodies (vllm/entrypoints/openai/*/protocol.py): the
// request fields prompt_logprobs, return_token_ids and truncate_prompt_tokens, the prompt's
// logprobs in vLLM's shape, and completions' echo with logprobs.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/api/openai_fields.h"
#include "app/api/openai_protocol.h"
#include "engine/prompt_logprobs.h"

namespace pagoda::openai {

// prompt_logprobs (0..kMaxLogprobs; refused with stream, as vLLM: a stream has no place for
// them), return_token_ids, truncate_prompt_tokens (-1 or more). Absent or null keep `out`'s.
FieldError readVllmRequestFields(const FieldReader& fields, bool stream, VllmRequestFields& out);

// truncate_prompt_tokens: keeps the last k tokens of `ids`. -1 means as many as the context
// leaves room for once `maxTokens` (the request's, when it set one; else one token) are
// generated. k above that room is refused with vLLM's message, naming `maxTokensParam`.
std::optional<ApiError> truncatePrompt(std::vector<int32_t>& ids, std::optional<int> truncate, int maxModelLen,
                                       std::optional<int> maxTokens, const char* maxTokensParam);

// vLLM's prompt_logprobs: [null, {"<token id>": {"logprob", "rank", "decoded_token"}}, ...],
// one entry per prompt token, the first null; each object holds the prompt token first, then
// the top entries (a top entry that is the prompt token keeps its first place and takes the
// top rank, as a Python dict built in that order does). -inf becomes -9999.0.
nlohmann::ordered_json promptLogprobsJson(const std::vector<PromptTokenLogprobs>& entries, const TokenTextFn& tokenText);

// Completions with echo and logprobs: the prompt's tokens first (the first with null
// token_logprobs and top_logprobs, the others from `entries` with up to `topCount` top
// entries), then `outputs`, offsets running on from `initialTextOffset` across both.
nlohmann::ordered_json echoedCompletionLogprobs(const std::vector<int32_t>& promptIds,
                                                const std::vector<PromptTokenLogprobs>& entries, int topCount,
                                                const std::vector<SampleResult>& outputs, const TokenTextFn& tokenText,
                                                size_t initialTextOffset);

}  // namespace pagoda::openai
