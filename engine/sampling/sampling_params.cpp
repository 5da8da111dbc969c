#include "engine/sampling/sampling_params.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <fmt/std.h>
#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"

namespace pagoda {

namespace {

bool inClosed(float v, float lo, float hi) { return v >= lo && v <= hi; }  // false for NaN

std::string vocabRange(int vocabSize) { return fmt::format("(0..{})", vocabSize - 1); }

}  // namespace

Status SamplingParams::validate(int vocabSize) const {
    if (vocabSize <= 0) return makeError(fmt::format("vocabulary size must be positive, got {}", vocabSize));
    if (n < 1) return makeError(fmt::format("n must be at least 1, got {}", n));
    if (!(std::isfinite(temperature) && temperature >= 0.0f))
        return makeError(fmt::format("temperature must be a finite number >= 0, got {}", temperature));
    if (!(topP > 0.0f && topP <= 1.0f)) return makeError(fmt::format("top_p must be in (0, 1], got {}", topP));
    if (topK < -1) return makeError(fmt::format("top_k must be -1 or 0 (off) or at least 1, got {}", topK));
    if (topK > vocabSize)
        return makeError(fmt::format("top_k must be at most the vocabulary size ({}), got {}", vocabSize, topK));
    if (!inClosed(minP, 0.0f, 1.0f)) return makeError(fmt::format("min_p must be in [0, 1], got {}", minP));
    if (!(std::isfinite(repetitionPenalty) && repetitionPenalty > 0.0f))
        return makeError(fmt::format("repetition_penalty must be greater than 0, got {}", repetitionPenalty));
    if (!inClosed(presencePenalty, -2.0f, 2.0f))
        return makeError(fmt::format("presence_penalty must be in [-2, 2], got {}", presencePenalty));
    if (!inClosed(frequencyPenalty, -2.0f, 2.0f))
        return makeError(fmt::format("frequency_penalty must be in [-2, 2], got {}", frequencyPenalty));
    for (const auto& [token, bias] : logitBias) {
        if (token < 0 || token >= vocabSize)
            return makeError(
                fmt::format("logit_bias: token id {} is outside the vocabulary {}", token, vocabRange(vocabSize)));
        if (!inClosed(bias, -kMaxLogitBias, kMaxLogitBias))
            return makeError(fmt::format("logit_bias: the bias for token id {} must be in [-100, 100], got {}", token,
                                         bias));
    }
    for (size_t i = 0; i < stop.size(); ++i)
        if (stop[i].empty()) return makeError(fmt::format("stop: entry {} is an empty string", i));
    for (int32_t token : stopTokenIds)
        if (token < 0 || token >= vocabSize)
            return makeError(
                fmt::format("stop_token_ids: token id {} is outside the vocabulary {}", token, vocabRange(vocabSize)));
    if (maxTokens < 1) return makeError(fmt::format("max_tokens must be at least 1, got {}", maxTokens));
    if (minTokens < 0) return makeError(fmt::format("min_tokens must be at least 0, got {}", minTokens));
    if (minTokens > maxTokens)
        return makeError(fmt::format("min_tokens must be at most max_tokens ({}), got {}", maxTokens, minTokens));
    if (logprobs && (*logprobs < 0 || *logprobs > kMaxLogprobs))
        return makeError(fmt::format("logprobs must be in [0, {}], got {}", kMaxLogprobs, *logprobs));
    if (promptLogprobs && (*promptLogprobs < 0 || *promptLogprobs > kMaxLogprobs))
        return makeError(fmt::format("prompt_logprobs must be in [0, {}], got {}", kMaxLogprobs, *promptLogprobs));
    return Ok{};
}

Result<SamplingParams> samplingDefaults(const std::filesystem::path& modelDir) {
    using nlohmann::json;
    const auto path = modelDir / "generation_config.json";
    SamplingParams params;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return params;

    const auto text = readRegularFile(path);
    if (!text) return text.error();
    json root;
    try {
        root = json::parse(*text);
    } catch (const json::exception& e) {
        return makeError(fmt::format("{}: not valid JSON: {}", path, e.what()));
    }
    if (!root.is_object()) return makeError(fmt::format("{}: expected a JSON object, found {}", path, root.type_name()));

    auto present = [&](const char* key) { return root.contains(key) && !root[key].is_null(); };
    auto readNumber = [&](const char* key, float& out) -> Status {
        if (!present(key)) return Ok{};
        if (!root[key].is_number())
            return makeError(fmt::format("{}: '{}' must be a number, found {}", path, key, root[key].dump()));
        out = root[key].get<float>();
        return Ok{};
    };
    for (auto [key, field] : {std::pair{"temperature", &params.temperature}, std::pair{"top_p", &params.topP},
                              std::pair{"min_p", &params.minP}, std::pair{"repetition_penalty", &params.repetitionPenalty}}) {
        if (auto status = readNumber(key, *field); !status) return status.error();
    }
    if (present("top_k")) {
        const json& v = root["top_k"];
        const double d = v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
        if (!(d == std::floor(d) && d >= std::numeric_limits<int>::min() && d <= std::numeric_limits<int>::max()))
            return makeError(fmt::format("{}: 'top_k' must be an integer, found {}", path, v.dump()));
        params.topK = int(d);
    }
    if (present("do_sample")) {
        if (!root["do_sample"].is_boolean())
            return makeError(fmt::format("{}: 'do_sample' must be true or false, found {}", path, root["do_sample"].dump()));
        // transformers ignores temperature/top_p/top_k when do_sample is false: it decodes greedily.
        if (!root["do_sample"].get<bool>()) params.temperature = 0.0f;
    }
    if (auto status = params.validate(std::numeric_limits<int>::max()); !status)
        return makeError(fmt::format("{}: {}", path, status.error().message));
    return params;
}

}  // namespace pagoda
