// Response bodies and stream chunks, field for field as vLLM's pydantic models serialize
// them (vllm/entrypoints/openai/chat_completion/protocol.py, completion/protocol.py,
// engine/protocol.py).
#include <random>

#include <fmt/format.h>

#include "app/api/openai_protocol.h"
#include "engine/common/utf8.h"

namespace pagoda {

namespace {

using Json = nlohmann::ordered_json;

// vLLM clamps -inf (and anything below) to -9999.0, which JSON can carry.
double clampLogprob(float logprob) { return logprob >= -9999.0f ? double(logprob) : -9999.0; }

std::string randomHex32() {
    thread_local std::mt19937_64 rng{(uint64_t(std::random_device{}()) << 32) ^ std::random_device{}()};
    return fmt::format("{:016x}{:016x}", rng(), rng());
}

std::string rawTokenText(const TokenTextFn& tokenText, int32_t token) {
    return tokenText ? tokenText(token) : fmt::format("token_id:{}", token);  // vLLM's return_tokens_as_token_ids form
}

size_t codePointCount(std::string_view text) {
    size_t count = 0;
    for (unsigned char c : text) count += (c & 0xc0) != 0x80;
    return count;
}

Json logprobEntry(int32_t token, float logprob, const TokenTextFn& tokenText) {
    const std::string raw = rawTokenText(tokenText, token);
    Json bytes = Json::array();
    for (unsigned char c : raw) bytes.push_back(int(c));
    Json entry;
    entry["token"] = toValidUtf8Lossy(raw);
    entry["logprob"] = clampLogprob(logprob);
    entry["bytes"] = std::move(bytes);
    return entry;
}

Json orNull(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

}  // namespace

std::string makeCompletionId(const char* prefix) {
    std::string id = prefix;
    if (!id.ends_with('-')) id += '-';
    return id + randomHex32();
}

std::string makeToolCallId() { return "chatcmpl-tool-" + randomHex32(); }

std::string apiFinishReason(FinishReason reason) { return finishReasonName(reason); }

nlohmann::ordered_json stopReasonJson(const CompletionOutput& output) {
    if (!output.stopString.empty()) return output.stopString;
    if (output.stopTokenId) return *output.stopTokenId;
    return nullptr;
}

nlohmann::ordered_json usageJson(const Usage& usage, bool streaming) {
    Json json;
    json["prompt_tokens"] = usage.promptTokens;
    json["total_tokens"] = usage.promptTokens + usage.completionTokens;
    json["completion_tokens"] = usage.completionTokens;
    if (usage.cachedPromptTokens > 0)
        json["prompt_tokens_details"] = Json{{"cached_tokens", usage.cachedPromptTokens}};
    else if (!streaming)
        json["prompt_tokens_details"] = nullptr;
    return json;
}

nlohmann::ordered_json chatLogprobsContent(const std::vector<SampleResult>& logprobs, const TokenTextFn& tokenText) {
    Json content = Json::array();
    for (const SampleResult& result : logprobs) {
        Json entry = logprobEntry(result.token, result.logprob, tokenText);
        Json top = Json::array();
        for (const TokenLogprob& candidate : result.topLogprobs)
            top.push_back(logprobEntry(candidate.token, candidate.logprob, tokenText));
        entry["top_logprobs"] = std::move(top);
        content.push_back(std::move(entry));
    }
    return Json{{"content", std::move(content)}};
}

nlohmann::ordered_json completionLogprobs(const std::vector<SampleResult>& logprobs, const TokenTextFn& tokenText,
                                          size_t initialTextOffset) {
    Json textOffset = Json::array(), tokenLogprobs = Json::array(), tokens = Json::array(), topLogprobs = Json::array();
    size_t offset = initialTextOffset;
    for (size_t i = 0; i < logprobs.size(); ++i) {
        const SampleResult& result = logprobs[i];
        const std::string text = toValidUtf8Lossy(rawTokenText(tokenText, result.token));
        Json step = Json::object();
        step[text] = clampLogprob(result.logprob);
        for (const TokenLogprob& candidate : result.topLogprobs) {
            const std::string key = toValidUtf8Lossy(rawTokenText(tokenText, candidate.token));
            if (!step.contains(key)) step[key] = clampLogprob(candidate.logprob);
        }
        textOffset.push_back(offset);
        tokenLogprobs.push_back(clampLogprob(result.logprob));
        tokens.push_back(text);
        topLogprobs.push_back(std::move(step));
        offset += codePointCount(text);
    }
    Json json;
    json["text_offset"] = std::move(textOffset);
    json["token_logprobs"] = std::move(tokenLogprobs);
    json["tokens"] = std::move(tokens);
    json["top_logprobs"] = std::move(topLogprobs);
    return json;
}

namespace {

// {"id", "object", "created", "model"}: how every response and chunk begins, in vLLM's order.
Json envelope(const std::string& id, const char* object, int64_t created, const std::string& model) {
    Json head;
    head["id"] = id;
    head["object"] = object;
    head["created"] = created;
    head["model"] = model;
    return head;
}

}  // namespace

nlohmann::ordered_json chatCompletionResponse(const std::string& id, int64_t created, const std::string& model,
                                              const std::vector<ChoiceResult>& choices, const Usage& usage,
                                              const TokenTextFn& tokenText) {
    Json choiceList = Json::array();
    for (const ChoiceResult& c : choices) {
        Json message;
        message["role"] = "assistant";
        message["content"] = orNull(c.content);
        message["refusal"] = nullptr;
        message["annotations"] = nullptr;
        message["audio"] = nullptr;
        message["function_call"] = nullptr;
        if (!c.toolCalls.empty()) {
            Json calls = Json::array();
            for (const ApiToolCall& call : c.toolCalls)
                calls.push_back(Json{{"id", call.id},
                                     {"type", "function"},
                                     {"function", Json{{"name", call.name}, {"arguments", call.arguments}}}});
            message["tool_calls"] = std::move(calls);
        }
        // vLLM's current name and the older one most clients (and the DeepSeek API) read.
        message["reasoning"] = orNull(c.reasoning);
        message["reasoning_content"] = orNull(c.reasoning);

        Json choice;
        choice["index"] = c.index;
        choice["message"] = std::move(message);
        choice["logprobs"] = c.logprobs ? chatLogprobsContent(*c.logprobs, tokenText) : Json(nullptr);
        choice["finish_reason"] = c.finishReason;
        choice["stop_reason"] = c.stopReason;
        choice["token_ids"] = c.tokenIds;
        choiceList.push_back(std::move(choice));
    }
    Json response = envelope(id, "chat.completion", created, model);
    response["choices"] = std::move(choiceList);
    response["service_tier"] = nullptr;
    response["system_fingerprint"] = nullptr;
    response["usage"] = usageJson(usage, false);
    response["prompt_logprobs"] = choices.empty() ? Json(nullptr) : choices.front().promptLogprobs;
    response["prompt_token_ids"] = choices.empty() ? Json(nullptr) : choices.front().promptTokenIds;
    response["kv_transfer_params"] = nullptr;
    return response;
}

nlohmann::ordered_json completionResponse(const std::string& id, int64_t created, const std::string& model,
                                          const std::vector<ChoiceResult>& choices, const Usage& usage,
                                          const TokenTextFn& tokenText) {
    Json choiceList = Json::array();
    for (const ChoiceResult& c : choices) {
        Json choice;
        choice["index"] = c.index;
        choice["text"] = c.content.value_or("");
        choice["logprobs"] = c.logprobsJson ? *c.logprobsJson
                             : c.logprobs  ? completionLogprobs(*c.logprobs, tokenText, 0)
                                           : Json(nullptr);
        choice["finish_reason"] = c.finishReason;
        choice["stop_reason"] = c.stopReason;
        choice["token_ids"] = c.tokenIds;
        choice["prompt_logprobs"] = c.promptLogprobs;
        choice["prompt_token_ids"] = c.promptTokenIds;
        choiceList.push_back(std::move(choice));
    }
    Json response = envelope(id, "text_completion", created, model);
    response["choices"] = std::move(choiceList);
    response["service_tier"] = nullptr;
    response["system_fingerprint"] = nullptr;
    response["usage"] = usageJson(usage, false);
    response["kv_transfer_params"] = nullptr;
    return response;
}

nlohmann::ordered_json roleDelta() { return Json{{"role", "assistant"}, {"content", ""}}; }

nlohmann::ordered_json chatDelta(const std::optional<std::string>& content, const std::optional<std::string>& reasoning,
                                 const std::vector<DeltaToolCall>& toolCalls) {
    Json delta = Json::object();
    if (content) delta["content"] = *content;
    if (reasoning) {
        delta["reasoning"] = *reasoning;
        delta["reasoning_content"] = *reasoning;
    }
    if (!toolCalls.empty()) {
        Json calls = Json::array();
        for (const DeltaToolCall& call : toolCalls) {
            Json json;  // vLLM's DeltaToolCall order: id, type, index, function
            if (call.id) {
                json["id"] = *call.id;
                json["type"] = "function";
            }
            json["index"] = call.index;
            Json function = Json::object();
            if (call.name) function["name"] = *call.name;
            if (call.arguments) function["arguments"] = *call.arguments;
            if (!function.empty()) json["function"] = std::move(function);
            calls.push_back(std::move(json));
        }
        delta["tool_calls"] = std::move(calls);
    }
    return delta;
}

nlohmann::ordered_json chatCompletionChunk(const std::string& id, int64_t created, const std::string& model, int index,
                                           const nlohmann::ordered_json& delta,
                                           const std::optional<std::string>& finishReason,
                                           const nlohmann::ordered_json& stopReason,
                                           const nlohmann::ordered_json& logprobs, const std::optional<Usage>& usage,
                                           const std::optional<StreamTokenIds>& tokenIds) {
    Json choice;
    choice["index"] = index;
    choice["delta"] = delta;
    choice["logprobs"] = logprobs;
    choice["finish_reason"] = orNull(finishReason);
    if (finishReason) choice["stop_reason"] = stopReason;
    if (tokenIds && tokenIds->tokenIds) choice["token_ids"] = *tokenIds->tokenIds;
    Json chunk = envelope(id, "chat.completion.chunk", created, model);
    chunk["choices"] = Json::array({std::move(choice)});
    if (usage) chunk["usage"] = usageJson(*usage, true);
    if (tokenIds && tokenIds->promptTokenIds) chunk["prompt_token_ids"] = *tokenIds->promptTokenIds;
    return chunk;
}

nlohmann::ordered_json completionChunk(const std::string& id, int64_t created, const std::string& model, int index,
                                       const std::string& text, const std::optional<std::string>& finishReason,
                                       const nlohmann::ordered_json& stopReason, const nlohmann::ordered_json& logprobs,
                                       const std::optional<Usage>& usage, const std::optional<StreamTokenIds>& tokenIds) {
    Json choice;
    choice["index"] = index;
    choice["text"] = text;
    choice["logprobs"] = logprobs;
    choice["finish_reason"] = orNull(finishReason);
    choice["stop_reason"] = stopReason;
    if (tokenIds) {
        choice["prompt_token_ids"] = tokenIds->promptTokenIds ? Json(*tokenIds->promptTokenIds) : Json(nullptr);
        choice["token_ids"] = tokenIds->tokenIds ? Json(*tokenIds->tokenIds) : Json(nullptr);
    }
    Json chunk = envelope(id, "text_completion", created, model);
    chunk["choices"] = Json::array({std::move(choice)});
    if (usage) chunk["usage"] = usageJson(*usage, true);
    return chunk;
}

nlohmann::ordered_json usageChunk(const std::string& id, int64_t created, const std::string& model, const Usage& usage,
                                  bool chat) {
    Json chunk = envelope(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
    chunk["choices"] = Json::array();
    chunk["usage"] = usageJson(usage, true);
    return chunk;
}

std::string dumpJson(const nlohmann::ordered_json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string sseEvent(const nlohmann::ordered_json& value) { return "data: " + dumpJson(value) + "\n\n"; }

nlohmann::ordered_json modelEntry(const std::string& id, int64_t created, int maxModelLen, std::string_view root) {
    Json permission;
    permission["id"] = "modelperm-" + randomHex32();
    permission["object"] = "model_permission";
    permission["created"] = created;
    permission["allow_create_engine"] = false;
    permission["allow_sampling"] = true;
    permission["allow_logprobs"] = true;
    permission["allow_search_indices"] = false;
    permission["allow_view"] = true;
    permission["allow_fine_tuning"] = false;
    permission["organization"] = "*";
    permission["group"] = nullptr;
    permission["is_blocking"] = false;

    Json entry;
    entry["id"] = id;
    entry["object"] = "model";
    entry["created"] = created;
    entry["owned_by"] = "pagoda";
    entry["root"] = root.empty() ? id : std::string(root);
    entry["parent"] = nullptr;
    entry["max_model_len"] = maxModelLen;
    entry["permission"] = Json::array({std::move(permission)});
    return entry;
}

nlohmann::ordered_json modelsList(const std::vector<nlohmann::ordered_json>& entries) {
    Json list;
    list["object"] = "list";
    list["data"] = entries;
    return list;
}

}  // namespace pagoda
