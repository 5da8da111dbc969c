// Errors, the request body, and the two request parsers. Response builders live in
// openai_responses.cpp, chat messages and tools in openai_messages.cpp, the typed field
// reads in openai_fields.cpp.
#include "app/api/openai_protocol.h"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "app/api/openai_extensions.h"
#include "app/api/openai_fields.h"
#include "app/api/openai_messages.h"
#include "app/api/structured_output_fields.h"
#include "engine/common/utf8.h"

namespace pagoda {

using openai::FieldError;
using openai::FieldReader;
using openai::Json;
using openai::NumberRange;

// ---------------------------------------------------------------------------------------
// Errors

std::string errorTypeForStatus(int status) {
    switch (status) {
        case 400: return "BadRequestError";
        case 401: return "AuthenticationError";
        case 403: return "PermissionDeniedError";
        case 404: return "NotFoundError";
        case 405: return "MethodNotAllowedError";
        case 413: return "RequestEntityTooLargeError";
        case 415: return "UnsupportedMediaTypeError";
        case 422: return "UnprocessableEntityError";
        case 429: return "RateLimitError";
        case 501: return "NotImplementedError";
        case 503: return "ServiceUnavailableError";
        default: return "InternalServerError";
    }
}

nlohmann::ordered_json errorBody(const ApiError& error) {
    Json info;
    info["message"] = error.message;
    info["type"] = error.type;
    info["param"] = error.param ? Json(*error.param) : Json(nullptr);
    info["code"] = error.status;
    Json body;
    body["error"] = std::move(info);
    return body;
}

ApiError apiError(int status, std::string message, std::optional<std::string> param) {
    return ApiError{status, errorTypeForStatus(status), std::move(message), std::move(param)};
}

ApiError badRequest(std::string message, std::optional<std::string> param) {
    return apiError(400, std::move(message), std::move(param));
}

ApiError notFound(std::string message, std::optional<std::string> param) {
    return apiError(404, std::move(message), std::move(param));
}

ApiError modelNotFound(std::string_view model) {
    return notFound(fmt::format("The model `{}` does not exist.", model), "model");
}

ApiError unauthorized() {
    return apiError(401, "Unauthorized: this server needs an API key, sent as 'Authorization: Bearer <key>'.");
}

ApiError payloadTooLarge(size_t size, size_t maxBytes) {
    return apiError(413, fmt::format("The request body is {} bytes, more than this server's limit of {} bytes.", size,
                                     maxBytes));
}

ApiError internalError(std::string message) { return apiError(500, std::move(message)); }

ApiError serviceUnavailable(std::string message) { return apiError(503, std::move(message)); }

ApiError maxTokensTooLarge(int maxTokens, int maxModelLen, int promptTokens, const char* param) {
    return badRequest(fmt::format("'max_tokens' or 'max_completion_tokens' is too large: {}. This model's maximum "
                                  "context length is {} tokens and your request has {} input tokens ({} > {} - {}).",
                                  maxTokens, maxModelLen, promptTokens, maxTokens, maxModelLen, promptTokens),
                      std::string(param));
}

ApiError promptTooLong(int maxModelLen, int promptTokens) {
    return badRequest(fmt::format("This model's maximum context length is {} tokens. However, your request has {} "
                                  "input tokens. Please reduce the length of the input messages.",
                                  maxModelLen, promptTokens));
}

// ---------------------------------------------------------------------------------------
// The body

ApiResult<nlohmann::ordered_json> parseJsonBody(std::string_view bytes, size_t maxBytes) {
    if (bytes.size() > maxBytes) return payloadTooLarge(bytes.size(), maxBytes);
    if (auto bad = firstInvalidUtf8Byte(bytes))
        return badRequest(fmt::format("The request body is not valid UTF-8: the byte 0x{:02x} at offset {} does not "
                                      "belong to a well-formed UTF-8 sequence.",
                                      static_cast<unsigned char>(bytes[*bad]), *bad));
    openai::JsonShapeLimits shape;
    shape.maxDepth = kMaxJsonDepth;
    if (auto problem = openai::jsonShapeProblem(bytes, shape))
        return badRequest(fmt::format("The request body {} (at byte offset {}).", problem->what, problem->offset));
    Json body;
    try {
        body = Json::parse(bytes);
    } catch (const Json::exception& e) {
        std::string_view what = e.what();  // "[json.exception.parse_error.101] parse error at line 1, column 9: ..."
        if (const size_t end = what.find("] "); what.starts_with("[json.exception.") && end != std::string_view::npos)
            what.remove_prefix(end + 2);
        return badRequest(fmt::format("The request body is not valid JSON: {}", what));
    }
    if (!body.is_object())
        return badRequest(fmt::format("The request body must be a JSON object, but got {} instead.",
                                      openai::describeType(body)));
    return body;
}

// ---------------------------------------------------------------------------------------
// Fields both endpoints share

namespace {

constexpr int kIntMax = std::numeric_limits<int>::max();
constexpr double kFloatMax = std::numeric_limits<float>::max();

FieldError readTokenIds(const Json& array, const std::string& path, std::vector<int32_t>& out) {
    if (!array.is_array()) return openai::typeError(path, "an array of token ids", array);
    std::vector<int32_t> ids;
    ids.reserve(array.size());
    for (size_t i = 0; i < array.size(); ++i) {
        int id = 0;
        if (auto error = openai::toInt(array[i], fmt::format("{}[{}]", path, i), 0, kIntMax, id)) return error;
        ids.push_back(id);
    }
    out = std::move(ids);
    return std::nullopt;
}

FieldError readStop(const FieldReader& fields, std::vector<std::string>& out) {
    const Json* value = fields.find("stop");
    if (!value) return std::nullopt;
    std::vector<std::string> stops;
    if (value->is_string()) {
        stops.push_back(value->get<std::string>());
        if (stops.back().empty()) return openai::emptyString("stop");
    } else if (value->is_array()) {
        for (size_t i = 0; i < value->size(); ++i) {
            const std::string path = fmt::format("stop[{}]", i);
            std::string stop;
            if (auto error = openai::toString((*value)[i], path, stop)) return error;
            if (stop.empty()) return openai::emptyString(path);  // would match everywhere
            stops.push_back(std::move(stop));
        }
    } else {
        return openai::typeError("stop", "a string or an array of strings", *value);
    }
    out = std::move(stops);
    return std::nullopt;
}

// {"50256": -100, ...}: keys are token ids written as decimal strings (JSON keys are strings).
FieldError readLogitBias(const FieldReader& fields, std::vector<std::pair<int32_t, float>>& out) {
    const Json* value = fields.find("logit_bias");
    if (!value) return std::nullopt;
    if (!value->is_object()) return openai::typeError("logit_bias", "an object mapping token ids to biases", *value);
    std::map<int32_t, float> biases;  // "7" and "07" are one token: the later one wins, as in vLLM's dict
    for (const auto& [key, bias] : value->items()) {
        const bool digits = !key.empty() && key.size() <= 10 && std::all_of(key.begin(), key.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        const int64_t id = digits ? std::stoll(key) : -1;
        if (id < 0 || id > kIntMax)
            return badRequest(fmt::format("Invalid key in 'logit_bias': {} is not a token id (a non-negative integer "
                                          "written as a string).",
                                          openai::shortDump(Json(key))),
                              "logit_bias");
        float b = 0;
        if (auto error = openai::toFloat(bias, fmt::format("logit_bias.{}", key), {-kMaxLogitBias, kMaxLogitBias}, b))
            return error;
        biases[int32_t(id)] = b;
    }
    out.assign(biases.begin(), biases.end());
    return std::nullopt;
}

// The SamplingParams fields chat and completions share, each overriding `params` (the
// server's defaults) when present.
FieldError readSamplingFields(const FieldReader& fields, SamplingParams& params) {
    if (auto e = fields.readInt("n", 1, kMaxChoices, params.n)) return e;
    if (auto e = fields.readFloat("temperature", {0.0, kFloatMax}, params.temperature)) return e;
    if (auto e = fields.readFloat("top_p", {0.0, 1.0, true}, params.topP)) return e;
    if (auto e = fields.readInt("top_k", -1, kIntMax, params.topK)) return e;
    if (auto e = fields.readFloat("min_p", {0.0, 1.0}, params.minP)) return e;
    if (auto e = fields.readFloat("presence_penalty", {-2.0, 2.0}, params.presencePenalty)) return e;
    if (auto e = fields.readFloat("frequency_penalty", {-2.0, 2.0}, params.frequencyPenalty)) return e;
    if (auto e = fields.readFloat("repetition_penalty", {0.0, kFloatMax, true}, params.repetitionPenalty)) return e;
    if (auto e = readLogitBias(fields, params.logitBias)) return e;
    if (const Json* seed = fields.find("seed")) {
        int64_t value = 0;
        if (auto e = openai::toInteger(*seed, "seed", std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(), value))
            return e;
        params.seed = static_cast<uint64_t>(value);  // vLLM takes any int64; negatives wrap, still one fixed stream
    }
    if (auto e = readStop(fields, params.stop)) return e;
    if (const Json* ids = fields.find("stop_token_ids")) {
        std::vector<int32_t> requested;
        if (auto e = readTokenIds(*ids, "stop_token_ids", requested)) return e;
        // The server's default stop ids stay in force, as vLLM merges them.
        for (int32_t id : params.stopTokenIds)
            if (std::find(requested.begin(), requested.end(), id) == requested.end()) requested.push_back(id);
        params.stopTokenIds = std::move(requested);
    }
    if (auto e = fields.readBool("ignore_eos", params.ignoreEos)) return e;
    if (auto e = fields.readInt("min_tokens", 0, kIntMax, params.minTokens)) return e;
    if (auto e = fields.readBool("skip_special_tokens", params.skipSpecialTokens)) return e;
    if (auto e = fields.readBool("include_stop_str_in_output", params.includeStopStrInOutput)) return e;
    return std::nullopt;
}

FieldError checkMinTokens(const SamplingParams& params, const std::optional<int>& maxTokens) {
    if (maxTokens && params.minTokens > *maxTokens)
        return badRequest(fmt::format("Invalid 'min_tokens': must be at most the number of tokens to generate ({}), "
                                      "but got {} instead.",
                                      *maxTokens, params.minTokens),
                          "min_tokens");
    return std::nullopt;
}

// stream_options is only allowed with stream: true (vLLM's check; an empty object passes,
// as Python finds {} false). include_usage defaults to true once stream_options is given.
FieldError readStreamOptions(const FieldReader& fields, bool stream, bool& includeUsage, bool& continuousUsage) {
    const Json* options = fields.find("stream_options");
    if (!options) return std::nullopt;
    if (!options->is_object()) return openai::typeError("stream_options", "an object", *options);
    if (!stream && !options->empty())
        return badRequest("Stream options can only be defined when `stream=True`.", "stream_options");
    bool usage = true, continuous = false;
    const FieldReader optionFields(*options, "stream_options");
    if (auto e = optionFields.readBool("include_usage", usage)) return e;
    if (auto e = optionFields.readBool("continuous_usage_stats", continuous)) return e;
    includeUsage = stream && usage;
    continuousUsage = stream && continuous;
    return std::nullopt;
}

// response_format, structured_outputs, guided_*, grammar, json_schema: compiled into the
// params. A forced tool call is a constraint of its own (built once the template's tool-call
// markup is known), so it cannot be combined with another, as vLLM refuses.
FieldError readStructuredOutputForChat(const FieldReader& fields, ChatCompletionRequest& request) {
    std::optional<openai::StructuredOutputField> field;
    if (auto e = openai::readStructuredOutput(fields, field)) return e;
    if (!field) return std::nullopt;
    if (request.toolChoice == "required" || request.toolChoice.is_object())
        return badRequest(fmt::format("You can only either use constraints for structured outputs or tools, not "
                                      "both: 'tool_choice' forces a tool call and '{}' asks for another format.",
                                      field->field),
                          field->field);
    auto compiled = openai::compileStructuredOutputField(*field);
    if (!compiled) return compiled.error();
    request.params.structuredOutput = std::move(compiled).value();
    return std::nullopt;
}

FieldError readTemplateOptions(const FieldReader& fields, ChatCompletionRequest& request) {
    if (const Json* kwargs = fields.find("chat_template_kwargs")) {
        if (!kwargs->is_object()) return openai::typeError("chat_template_kwargs", "an object", *kwargs);
        request.chatTemplateKwargs = *kwargs;
    }
    if (auto e = fields.readBool("add_generation_prompt", request.addGenerationPrompt)) return e;
    if (auto e = fields.readBool("continue_final_message", request.continueFinalMessage)) return e;
    if (request.continueFinalMessage) {
        // vLLM refuses only when both are set explicitly; the default true gives way.
        if (fields.find("add_generation_prompt") && request.addGenerationPrompt)
            return badRequest("Cannot set both `continue_final_message` and `add_generation_prompt` to True.",
                              "continue_final_message");
        request.addGenerationPrompt = false;
    }
    return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The requests

ApiResult<ChatCompletionRequest> parseChatCompletionRequest(const nlohmann::ordered_json& body,
                                                            const SamplingParams& defaults) {
    if (!body.is_object())
        return badRequest(fmt::format("The request body must be a JSON object, but got {} instead.",
                                      openai::describeType(body)));
    ChatCompletionRequest request;
    request.params = defaults;
    const FieldReader fields(body);
    if (auto e = fields.readString("model", request.model)) return *e;
    if (auto e = openai::normalizeMessages(fields, request.messages)) return *e;

    std::vector<std::string> toolNames;
    if (auto e = openai::readTools(fields, request.tools, toolNames)) return *e;
    if (auto e = openai::readToolChoice(fields, !request.tools.is_null(), toolNames, request.toolChoice)) return *e;
    if (auto e = readTemplateOptions(fields, request)) return *e;

    if (auto e = fields.readBool("stream", request.stream)) return *e;
    if (auto e = readStreamOptions(fields, request.stream, request.includeUsage, request.continuousUsageStats))
        return *e;
    if (auto e = readStructuredOutputForChat(fields, request)) return *e;

    // max_completion_tokens replaced max_tokens in OpenAI's API; when both come, it wins.
    std::optional<int> maxTokens, maxCompletionTokens;
    if (auto e = fields.readInt("max_tokens", 1, kIntMax, maxTokens)) return *e;
    if (auto e = fields.readInt("max_completion_tokens", 1, kIntMax, maxCompletionTokens)) return *e;
    request.maxTokens = maxCompletionTokens ? maxCompletionTokens : maxTokens;
    if (request.maxTokens) request.params.maxTokens = *request.maxTokens;

    if (auto e = readSamplingFields(fields, request.params)) return *e;
    if (auto e = checkMinTokens(request.params, request.maxTokens)) return *e;

    int topLogprobs = 0;
    if (auto e = fields.readBool("logprobs", request.logprobs)) return *e;
    if (auto e = fields.readInt("top_logprobs", 0, kMaxLogprobs, topLogprobs)) return *e;
    if (topLogprobs > 0 && !request.logprobs)
        return badRequest("When using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
    request.params.logprobs = request.logprobs ? std::optional<int>(topLogprobs) : std::nullopt;
    if (auto e = openai::readVllmRequestFields(fields, request.stream, request.vllm)) return *e;
    request.params.promptLogprobs = request.vllm.promptLogprobs;
    return request;
}

namespace {

FieldError readPrompt(const FieldReader& fields, CompletionRequest& request) {
    const Json* prompt = fields.find("prompt");
    if (!prompt) return openai::missingField("prompt");
    if (prompt->is_string()) {
        if (prompt->get_ref<const std::string&>().empty()) return openai::emptyString("prompt");
        request.prompts.push_back(prompt->get<std::string>());
        return std::nullopt;
    }
    if (!prompt->is_array())
        return openai::typeError("prompt", "a string, an array of strings, or an array of token ids", *prompt);
    if (prompt->empty()) return openai::emptyArray("prompt");
    const Json& first = prompt->front();
    if (!first.is_number() && prompt->size() > kMaxPromptsPerRequest)
        return badRequest(fmt::format("'prompt' has {} prompts; at most {} are allowed in one request.",
                                      prompt->size(), kMaxPromptsPerRequest),
                          "prompt");
    if (first.is_number()) {
        request.promptIds.emplace_back();
        return readTokenIds(*prompt, "prompt", request.promptIds.back());
    }
    for (size_t i = 0; i < prompt->size(); ++i) {
        const Json& item = (*prompt)[i];
        const std::string path = fmt::format("prompt[{}]", i);
        if (first.is_string()) {
            std::string text;
            if (auto e = openai::toString(item, path, text)) return e;
            if (text.empty()) return openai::emptyString(path);
            request.prompts.push_back(std::move(text));
        } else if (first.is_array()) {
            if (!item.is_array()) return openai::typeError(path, "an array of token ids", item);
            if (item.empty()) return openai::emptyArray(path);
            request.promptIds.emplace_back();
            if (auto e = readTokenIds(item, path, request.promptIds.back())) return e;
        } else {
            return openai::typeError(path, "a string, a token id, or an array of token ids", item);
        }
    }
    return std::nullopt;
}

}  // namespace

ApiResult<CompletionRequest> parseCompletionRequest(const nlohmann::ordered_json& body,
                                                    const SamplingParams& defaults) {
    if (!body.is_object())
        return badRequest(fmt::format("The request body must be a JSON object, but got {} instead.",
                                      openai::describeType(body)));
    CompletionRequest request;
    request.params = defaults;
    const FieldReader fields(body);
    if (auto e = fields.readString("model", request.model)) return *e;
    if (auto e = readPrompt(fields, request)) return *e;
    if (auto e = fields.readBool("echo", request.echo)) return *e;
    std::string suffix;
    if (auto e = fields.readString("suffix", suffix)) return *e;
    if (!suffix.empty()) return badRequest("suffix is not supported.", "suffix");  // as vLLM

    if (auto e = fields.readBool("stream", request.stream)) return *e;
    if (auto e = readStreamOptions(fields, request.stream, request.includeUsage, request.continuousUsageStats))
        return *e;
    if (auto e = openai::readAndCompileStructuredOutput(fields, request.params.structuredOutput)) return *e;

    if (auto e = fields.readInt("max_tokens", 1, kIntMax, request.maxTokens)) return *e;
    request.params.maxTokens = *request.maxTokens;
    if (auto e = readSamplingFields(fields, request.params)) return *e;
    if (auto e = checkMinTokens(request.params, request.maxTokens)) return *e;
    const size_t sequences = (request.prompts.size() + request.promptIds.size()) * size_t(request.params.n);
    if (sequences > kMaxPromptsPerRequest)
        return badRequest(fmt::format("{} prompts with n = {} make {} sequences; at most {} are allowed in one "
                                      "request.",
                                      request.prompts.size() + request.promptIds.size(), request.params.n, sequences,
                                      kMaxPromptsPerRequest),
                          "n");

    if (auto e = fields.readInt("logprobs", 0, kMaxCompletionLogprobs, request.logprobs)) return *e;
    request.params.logprobs = request.logprobs;
    if (auto e = openai::readVllmRequestFields(fields, request.stream, request.vllm)) return *e;
    request.params.promptLogprobs = request.vllm.promptLogprobs;
    // echo with logprobs lists the prompt's tokens too, so it needs their logprobs (vLLM's rule).
    if (request.echo && request.logprobs && !request.params.promptLogprobs) request.params.promptLogprobs = request.logprobs;
    return request;
}

}  // namespace pagoda
