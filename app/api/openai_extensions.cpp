#include "app/api/openai_extensions.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "engine/common/utf8.h"
#include "engine/sampling/sampling_params.h"

namespace pagoda::openai {

namespace {

double clampLogprob(float logprob) { return logprob >= -9999.0f ? double(logprob) : -9999.0; }

std::string tokenString(const TokenTextFn& tokenText, int32_t token) {
    return toValidUtf8Lossy(tokenText ? tokenText(token) : fmt::format("token_id:{}", token));
}

size_t codePoints(std::string_view text) {
    return size_t(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace

FieldError readVllmRequestFields(const FieldReader& fields, bool stream, VllmRequestFields& out) {
    if (auto e = fields.readInt("prompt_logprobs", 0, kMaxLogprobs, out.promptLogprobs)) return e;
    if (out.promptLogprobs && *out.promptLogprobs > 0 && stream)
        return badRequest("`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs");
    if (auto e = fields.readBool("return_token_ids", out.returnTokenIds)) return e;
    if (auto e = fields.readInt("truncate_prompt_tokens", -1, std::numeric_limits<int>::max(), out.truncatePromptTokens))
        return e;
    return std::nullopt;
}

std::optional<ApiError> truncatePrompt(std::vector<int32_t>& ids, std::optional<int> truncate, int maxModelLen,
                                       std::optional<int> maxTokens, const char* maxTokensParam) {
    if (!truncate) return std::nullopt;
    if (*truncate == 0)
        return badRequest("truncate_prompt_tokens=0 would leave no prompt; give -1 or a positive count.",
                          "truncate_prompt_tokens");
    const int room = maxModelLen - maxTokens.value_or(1);
    if (*truncate > room)
        return badRequest(fmt::format("truncate_prompt_tokens={} cannot be greater than max_model_len - {} = {}. "
                                      "Please request a smaller truncation size.",
                                      *truncate, maxTokens ? maxTokensParam : "1 (the token to generate)", room),
                          "truncate_prompt_tokens");
    const size_t keep = size_t(std::max(*truncate == -1 ? room : *truncate, 0));
    if (ids.size() > keep) ids.erase(ids.begin(), ids.end() - long(keep));
    return std::nullopt;
}

nlohmann::ordered_json promptLogprobsJson(const std::vector<PromptTokenLogprobs>& entries, const TokenTextFn& tokenText) {
    Json list = Json::array();
    list.push_back(nullptr);
    const auto logprob = [&](int32_t token, float value, int64_t rank) {
        Json entry;
        entry["logprob"] = clampLogprob(value);
        entry["rank"] = rank;
        entry["decoded_token"] = tokenString(tokenText, token);
        return entry;
    };
    for (const PromptTokenLogprobs& e : entries) {
        Json tokens = Json::object();
        tokens[std::to_string(e.token)] = logprob(e.token, e.logprob, e.rank);
        for (size_t k = 0; k < e.top.size(); ++k)
            tokens[std::to_string(e.top[k].token)] = logprob(e.top[k].token, e.top[k].logprob, int64_t(k) + 1);
        list.push_back(std::move(tokens));
    }
    return list;
}

nlohmann::ordered_json echoedCompletionLogprobs(const std::vector<int32_t>& promptIds,
                                                const std::vector<PromptTokenLogprobs>& entries, int topCount,
                                                const std::vector<SampleResult>& outputs, const TokenTextFn& tokenText,
                                                size_t initialTextOffset) {
    Json textOffset = Json::array(), tokenLogprobs = Json::array(), tokens = Json::array(), topLogprobs = Json::array();
    size_t offset = initialTextOffset;
    for (size_t i = 0; i < promptIds.size(); ++i) {
        const std::string text = tokenString(tokenText, promptIds[i]);
        textOffset.push_back(offset);
        tokens.push_back(text);
        offset += codePoints(text);
        if (i == 0 || i - 1 >= entries.size()) {  // nothing predicts the first token
            tokenLogprobs.push_back(nullptr);
            topLogprobs.push_back(nullptr);
            continue;
        }
        const PromptTokenLogprobs& e = entries[i - 1];
        tokenLogprobs.push_back(clampLogprob(e.logprob));
        Json step = Json::object();
        step[text] = clampLogprob(e.logprob);
        for (size_t k = 0; k < e.top.size() && k < size_t(std::max(topCount, 0)); ++k) {
            const std::string key = tokenString(tokenText, e.top[k].token);
            if (!step.contains(key)) step[key] = clampLogprob(e.top[k].logprob);
        }
        topLogprobs.push_back(std::move(step));
    }
    Json json;
    json["text_offset"] = std::move(textOffset);
    json["token_logprobs"] = std::move(tokenLogprobs);
    json["tokens"] = std::move(tokens);
    json["top_logprobs"] = std::move(topLogprobs);
    Json generated = completionLogprobs(outputs, tokenText, offset);
    for (auto& item : generated.items())
        for (auto& value : item.value()) json[item.key()].push_back(std::move(value));
    return json;
}

}  // namespace pagoda::openai
