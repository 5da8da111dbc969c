// ApiServer's Ollama-compatible routes, for editor plugins that speak Ollama rather than
// OpenAI: /api/version, /api/tags, /api/show, /api/chat and /api/generate, streaming NDJSON
// (one JSON object per line, the last with "done": true and the timing counters).
#include <QDateTime>

#include <limits>

#include <fmt/format.h>

#include "app/api/api_active.h"
#include "app/api/openai_fields.h"
#include "app/api/structured_output_fields.h"

namespace pagoda {

using nlohmann::ordered_json;

namespace {

std::string isoNow() {
    return QDateTime::currentDateTimeUtc().toString("yyyy-MM-ddThh:mm:ss.zzzZ").toStdString();
}

// Ollama's `options` onto sampling parameters; num_predict -1 (or absent) means "up to the
// context", as does -2 ("fill the context"). Every option is read through FieldReader: a wrong
// type or a value out of range is a 400 naming it, never a cast of 1e300 to an int.
ApiResult<std::optional<int>> applyOptions(const ordered_json& body, SamplingParams& p) {
    std::optional<int> numPredict;
    const auto* options = openai::FieldReader(body).find("options");
    if (!options) return numPredict;
    if (!options->is_object()) return openai::typeError("options", "an object", *options);
    const openai::FieldReader o(*options, "options");
    constexpr int kIntMax = std::numeric_limits<int>::max();
    int predict = -1;
    for (const openai::FieldError& error :
         {o.readFloat("temperature", {0, 100}, p.temperature), o.readFloat("top_p", {0, 1}, p.topP),
          o.readInt("top_k", -1, kIntMax, p.topK), o.readFloat("min_p", {0, 1}, p.minP),
          o.readFloat("repeat_penalty", {0, 100, true}, p.repetitionPenalty),
          o.readFloat("presence_penalty", {-2, 2}, p.presencePenalty),
          o.readFloat("frequency_penalty", {-2, 2}, p.frequencyPenalty),
          o.readInt("num_predict", -2, kIntMax, predict)})
        if (error) return *error;
    if (const auto* seed = o.find("seed")) {
        int64_t value = 0;
        if (auto error = openai::toInteger(*seed, o.path("seed"), std::numeric_limits<int64_t>::min(),
                                           std::numeric_limits<int64_t>::max(), value))
            return *error;
        p.seed = uint64_t(value);
    }
    if (predict > 0) numPredict = predict;
    if (const auto* stop = o.find("stop")) {
        if (!stop->is_array()) return openai::typeError("options.stop", "an array of strings", *stop);
        for (const auto& s : *stop) {
            if (!s.is_string() || s.get<std::string>().empty())
                return badRequest("options.stop must be a list of non-empty strings", "options.stop");
            p.stop.push_back(s.get<std::string>());
        }
    }
    return numPredict;
}

// The top-level fields the Ollama routes share, each typed; absent ones keep Ollama's defaults.
struct OllamaFields {
    std::string model;
    bool stream = true;
    bool raw = false;
    std::optional<bool> think;
    std::string system;
};

ApiResult<OllamaFields> readOllamaFields(const ordered_json& body) {
    const openai::FieldReader r(body);
    OllamaFields f;
    bool think = false;
    // /api/show takes "name" as older clients send it; "model" wins where both are given.
    for (const openai::FieldError& error :
         {r.readString("name", f.model), r.readString("model", f.model), r.readBool("stream", f.stream),
          r.readBool("raw", f.raw), r.readBool("think", think), r.readString("system", f.system)})
        if (error) return *error;
    if (r.find("think")) f.think = think;
    return f;
}

// Ollama's `format` ("json" or a JSON Schema) as a compiled constraint in `params`.
std::optional<ApiError> applyFormat(const ordered_json& body, SamplingParams& params) {
    std::optional<openai::StructuredOutputField> format;
    if (auto error = openai::readOllamaFormat(openai::FieldReader(body), format)) return error;
    if (!format) return std::nullopt;
    auto compiled = openai::compileStructuredOutputField(*format);
    if (!compiled) return compiled.error();
    params.structuredOutput = std::move(compiled).value();
    return std::nullopt;
}

ordered_json modelDetails(const std::string& family) {
    return {{"parent_model", ""}, {"format", "safetensors"}, {"family", family}, {"families", {family}},
            {"parameter_size", ""}, {"quantization_level", ""}};
}

}  // namespace

void ApiServer::ollamaTags(const HttpRequest& request, HttpResponder&& responder) {
    ordered_json models = ordered_json::array();
    if (m_host.isLoaded()) {
        const std::string name = servedModelName();
        models.push_back({{"name", name}, {"model", name}, {"modified_at", isoNow()}, {"size", 0},
                          {"digest", ""}, {"details", modelDetails(m_host.architecture())}});
    }
    sendJson(responder, request, 200, {{"models", models}});
}

void ApiServer::ollamaShow(const HttpRequest& request, HttpResponder&& responder) {
    auto body = readBody(request);
    if (!body) return sendError(responder, request, body.error());
    auto fields = readOllamaFields(*body);
    if (!fields) return sendError(responder, request, fields.error());
    const std::string& model = fields->model;
    if (!m_host.isLoaded() || !knownModel(model)) return sendError(responder, request, modelNotFound(model));
    const ChatTemplate* chatTemplate = m_host.chatTemplate();
    const std::string arch = m_host.architecture();
    ordered_json capabilities = {"completion"};
    if (chatTemplate && chatTemplate->source().find("tools") != std::string::npos) capabilities.push_back("tools");
    sendJson(responder, request, 200,
             {{"modelfile", ""},
              {"parameters", ""},
              {"template", chatTemplate ? chatTemplate->source() : std::string()},
              {"details", modelDetails(arch)},
              {"model_info", {{"general.architecture", arch}, {arch + ".context_length", m_host.maxModelLen()}}},
              {"capabilities", capabilities}});
}

void ApiServer::ollamaChat(const HttpRequest& request, HttpResponder&& responder) {
    auto body = readBody(request);
    if (!body) return sendError(responder, request, body.error());
    auto fields = readOllamaFields(*body);
    if (!fields) return sendError(responder, request, fields.error());
    // The message list has OpenAI's shape; reuse its checks.
    ordered_json openAiBody = ordered_json::object();
    for (const char* key : {"messages", "tools"})
        if (body->contains(key)) openAiBody[key] = (*body)[key];
    auto parsed = parseChatCompletionRequest(openAiBody, m_host.samplingDefaults());
    if (!parsed) return sendError(responder, request, parsed.error());
    const std::string& model = fields->model;
    if (!knownModel(model)) return sendError(responder, request, modelNotFound(model));
    const ChatTemplate* chatTemplate = m_host.chatTemplate();
    const Tokenizer* tokenizer = m_host.tokenizer();
    if (!chatTemplate || !tokenizer) return sendError(responder, request, badRequest(m_host.noChatTemplateReason()));

    SamplingParams params = parsed->params;
    auto numPredict = applyOptions(*body, params);
    if (!numPredict) return sendError(responder, request, numPredict.error());
    if (auto error = applyFormat(*body, params)) return sendError(responder, request, *error);
    ordered_json context = ordered_json::object();
    if (fields->think) context["enable_thinking"] = *fields->think;
    context["messages"] = parsed->messages;
    if (!parsed->tools.is_null()) context["tools"] = parsed->tools;
    context["add_generation_prompt"] = true;
    auto prompt = renderChat(*chatTemplate, *tokenizer, std::move(context));
    if (!prompt) return sendError(responder, request, badRequest(prompt.error().message, "messages"));
    auto ids = tokenizer->encode(*prompt, false);
    if (!ids) return sendError(responder, request, badRequest(ids.error().message, "messages"));
    if (auto error = fitContext(ids->size(), *numPredict, "num_predict", m_host.maxModelLen(), params))
        return sendError(responder, request, *error);
    if (auto valid = params.validate(m_host.vocabSize()); !valid)
        return sendError(responder, request, badRequest(valid.error().message, "options"));

    auto active = std::make_shared<Active>();
    active->dialect = Active::Dialect::Ollama;
    active->chat = true;
    active->outputOptions = chatOutputOptionsFor(chatTemplate->source(), *prompt, toolNames(parsed->tools));
    if (auto error = openai::constrainChatAnswer(parsed->tools, parsed->toolChoice, active->outputOptions,
                                                 chatTemplate->source(), *tokenizer, params))
        return sendError(responder, request, *error);
    active->responseId = makeCompletionId("ollama");
    active->model = model.empty() ? servedModelName() : model;
    active->stream = fields->stream;
    begin(std::move(active), std::move(responder), request, {std::move(ids).value()}, params);
}

void ApiServer::ollamaGenerate(const HttpRequest& request, HttpResponder&& responder) {
    auto body = readBody(request);
    if (!body) return sendError(responder, request, body.error());
    auto fields = readOllamaFields(*body);
    if (!fields) return sendError(responder, request, fields.error());
    const auto* promptField = openai::FieldReader(*body).find("prompt");
    if (!promptField) return sendError(responder, request, openai::missingField("prompt"));
    std::string text;
    if (auto error = openai::toString(*promptField, "prompt", text)) return sendError(responder, request, *error);
    const std::string& model = fields->model;
    if (!knownModel(model)) return sendError(responder, request, modelNotFound(model));
    const Tokenizer* tokenizer = m_host.tokenizer();
    if (!tokenizer) return sendError(responder, request, badRequest("this model has no tokenizer"));
    SamplingParams params = m_host.samplingDefaults();
    auto numPredict = applyOptions(*body, params);
    if (!numPredict) return sendError(responder, request, numPredict.error());
    if (auto error = applyFormat(*body, params)) return sendError(responder, request, *error);

    // Like Ollama: the prompt goes through the chat template as a user turn unless `raw`.
    const ChatTemplate* chatTemplate = m_host.chatTemplate();
    const bool raw = fields->raw || !chatTemplate;
    if (!raw) {
        ordered_json messages = ordered_json::array();
        if (!fields->system.empty()) messages.push_back({{"role", "system"}, {"content", fields->system}});
        messages.push_back({{"role", "user"}, {"content", text}});
        auto prompt = renderChat(*chatTemplate, *tokenizer,
                                 ordered_json{{"messages", messages}, {"add_generation_prompt", true}});
        if (!prompt) return sendError(responder, request, badRequest(prompt.error().message, "prompt"));
        text = std::move(prompt).value();
        const ChatOutputOptions options = chatOutputOptionsFor(chatTemplate->source(), text, {});
        if (auto error = openai::constrainChatAnswer(ordered_json(), "none", options, chatTemplate->source(), *tokenizer,
                                                     params))
            return sendError(responder, request, *error);
    }
    auto ids = tokenizer->encode(text, raw);
    if (!ids) return sendError(responder, request, badRequest(ids.error().message, "prompt"));
    if (ids->empty()) return sendError(responder, request, badRequest("the prompt is empty", "prompt"));
    if (auto error = fitContext(ids->size(), *numPredict, "num_predict", m_host.maxModelLen(), params))
        return sendError(responder, request, *error);
    if (auto valid = params.validate(m_host.vocabSize()); !valid)
        return sendError(responder, request, badRequest(valid.error().message, "options"));

    auto active = std::make_shared<Active>();
    active->dialect = Active::Dialect::Ollama;
    active->chat = false;
    active->responseId = makeCompletionId("ollama");
    active->model = model.empty() ? servedModelName() : model;
    active->stream = fields->stream;
    begin(std::move(active), std::move(responder), request, {std::move(ids).value()}, params);
}

void ApiServer::ollamaStream(Active& a, const CompletionOutput& c, int index) {
    Active::Choice& choice = a.choices[size_t(index)];
    ordered_json line = {{"model", a.model}, {"created_at", isoNow()}};
    if (a.chat) {
        const ChatOutputDelta delta = choice.parse(c);
        if (delta.empty()) return;
        ordered_json message = {{"role", "assistant"}, {"content", delta.content}};
        if (!delta.reasoning.empty()) message["thinking"] = delta.reasoning;
        if (!delta.toolCalls.empty()) {
            message["tool_calls"] = ordered_json::array();
            for (const ToolCallDelta& t : delta.toolCalls)  // whole calls: id, name and arguments together
                message["tool_calls"].push_back(
                    {{"function", {{"name", t.name}, {"arguments", ordered_json::parse(t.argumentsFragment, nullptr, false)}}}});
        }
        line["message"] = message;
    } else {
        if (c.newText.empty()) return;
        line["response"] = c.newText;
    }
    line["done"] = false;
    a.responder.sendChunk(dumpJson(line) + "\n");
}

void ApiServer::ollamaComplete(Active& a) {
    const Active::Choice& choice = a.choices.front();
    const qint64 nanos = a.timer.nsecsElapsed();
    ordered_json last = {{"model", a.model}, {"created_at", isoNow()}};
    std::string content = a.stream ? std::string() : choice.text;
    if (a.chat) {
        ordered_json message = {{"role", "assistant"}, {"content", content}};
        if (!a.stream) {
            ParsedChatOutput parsed = parseChatOutput(choice.text, a.outputOptions);
            message["content"] = parsed.content;
            if (!parsed.reasoning.empty()) message["thinking"] = parsed.reasoning;
            for (const ToolCall& call : parsed.toolCalls)
                message["tool_calls"].push_back(
                    {{"function", {{"name", call.name}, {"arguments", ordered_json::parse(call.arguments, nullptr, false)}}}});
        }
        last["message"] = message;
    } else {
        last["response"] = content;
    }
    last["done"] = true;
    last["done_reason"] = choice.finish == FinishReason::Length ? "length" : "stop";
    last["total_duration"] = nanos;
    last["load_duration"] = 0;
    last["prompt_eval_count"] = a.usage.promptTokens;
    last["eval_count"] = a.usage.completionTokens;
    if (a.stream) {
        a.responder.sendChunk(dumpJson(last) + "\n");
        a.responder.endStream();
    } else if (a.responder.connected()) {
        a.responder.send({200, "application/json", dumpJson(last), a.cors});
    }
}

}  // namespace pagoda
