// ApiServer's generating routes: /v1/chat/completions and /v1/completions, streamed as
// server-sent events or answered whole, and the engine outputs that feed them.
#include <QDateTime>

#include <algorithm>

#include <fmt/format.h>

#include "app/api/api_active.h"
#include "app/api/api_server.h"
#include "app/api/openai_extensions.h"
#include "app/api/structured_output_fields.h"
#include "engine/chat/chat_output_parser.h"

namespace pagoda {

using nlohmann::ordered_json;


std::string ApiServer::tokenText(int32_t id) const {
    const Tokenizer* tokenizer = m_host.tokenizer();
    if (!tokenizer) return {};
    auto bytes = tokenizer->decodeBytes(std::vector<int32_t>{id}, false);
    return bytes ? std::move(bytes).value() : std::string();
}

std::optional<Usage> ApiServer::Active::streamUsage(int index, size_t completionTokens) const {
    if (!continuousUsage) return std::nullopt;
    Usage usage;
    usage.promptTokens = promptIds[size_t(index / n)].size();
    usage.completionTokens = completionTokens;
    return usage;
}

std::optional<StreamTokenIds> ApiServer::Active::streamTokenIds(int index,
                                                                std::optional<std::vector<int32_t>> newTokenIds,
                                                                bool first) const {
    if (!returnTokenIds) return std::nullopt;
    StreamTokenIds ids{std::move(newTokenIds), std::nullopt};
    if (first) ids.promptTokenIds = promptIds[size_t(index / n)];
    return ids;
}

void ApiServer::Active::addVllmExtras(size_t index, const TokenTextFn& tokenText, ChoiceResult& result) const {
    const size_t prompt = index / size_t(n);
    if (returnTokenIds) {
        result.tokenIds = choices[index].tokenIds;
        result.promptTokenIds = promptIds[prompt];
    }
    const auto& entries = promptLogprobs[prompt];
    if (!entries) return;
    result.promptLogprobs = openai::promptLogprobsJson(*entries, tokenText);
    if (echoTopLogprobs)
        result.logprobsJson = openai::echoedCompletionLogprobs(promptIds[prompt], *entries, *echoTopLogprobs,
                                                               choices[index].logprobs, tokenText, 0);
}

std::optional<ApiError> fitContext(size_t promptTokens, std::optional<int> requested, const char* param,
                                   int maxModelLen, SamplingParams& params) {
    if (promptTokens >= size_t(maxModelLen)) return promptTooLong(maxModelLen, int(promptTokens));
    const int room = maxModelLen - int(promptTokens);
    if (requested && *requested > room) return maxTokensTooLarge(*requested, maxModelLen, int(promptTokens), param);
    params.maxTokens = requested ? *requested : room;
    return std::nullopt;
}

void ApiServer::chatCompletions(const HttpRequest& request, HttpResponder&& responder) {
    auto body = readBody(request);
    if (!body) return sendError(responder, request, body.error());
    auto parsed = parseChatCompletionRequest(*body, m_host.samplingDefaults());
    if (!parsed) return sendError(responder, request, parsed.error());
    if (!knownModel(parsed->model)) return sendError(responder, request, modelNotFound(parsed->model));
    const ChatTemplate* chatTemplate = m_host.chatTemplate();
    const Tokenizer* tokenizer = m_host.tokenizer();
    if (!chatTemplate || !tokenizer)
        return sendError(responder, request, badRequest(m_host.noChatTemplateReason() + "; use /v1/completions"));

    const bool toolsOffered = !parsed->tools.is_null() && parsed->toolChoice != "none";
    ordered_json context = parsed->chatTemplateKwargs;
    context["messages"] = parsed->messages;
    if (toolsOffered) {
        context["tools"] = parsed->tools;
        // THUDM glm-4-9b-chat's template reads tools from inside a system message, not from
        // the top-level variable (HF discussion #84): put them where it looks.
        if (chatTemplate->source().find("item['tools']") != std::string::npos) {
            auto& messages = context["messages"];
            if (messages.empty() || messages[0].value("role", "") != "system")
                messages.insert(messages.begin(), ordered_json{{"role", "system"}, {"content", ""}});
            messages[0]["tools"] = parsed->tools;
        }
    }
    context["add_generation_prompt"] = parsed->addGenerationPrompt;
    if (parsed->continueFinalMessage) context["continue_final_message"] = true;
    auto prompt = renderChat(*chatTemplate, *tokenizer, std::move(context));
    if (!prompt) return sendError(responder, request, badRequest(prompt.error().message, "messages"));
    auto ids = tokenizer->encode(*prompt, false);
    if (!ids) return sendError(responder, request, badRequest(ids.error().message, "messages"));

    SamplingParams params = parsed->params;
    const char* param = body->contains("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    if (auto error = openai::truncatePrompt(*ids, parsed->vllm.truncatePromptTokens, m_host.maxModelLen(),
                                            parsed->maxTokens, param))
        return sendError(responder, request, *error);
    if (auto error = fitContext(ids->size(), parsed->maxTokens, param, m_host.maxModelLen(), params))
        return sendError(responder, request, *error);
    if (auto valid = params.validate(m_host.vocabSize()); !valid)
        return sendError(responder, request, badRequest(valid.error().message));

    auto active = std::make_shared<Active>();
    active->outputOptions =
        chatOutputOptionsFor(chatTemplate->source(), *prompt, toolsOffered ? toolNames(parsed->tools) : std::vector<std::string>());
    if (auto error = openai::constrainChatAnswer(parsed->tools, parsed->toolChoice, active->outputOptions,
                                                 chatTemplate->source(), *tokenizer, params))
        return sendError(responder, request, *error);
    active->chat = true;
    active->responseId = makeCompletionId("chatcmpl");
    active->model = parsed->model.empty() ? servedModelName() : parsed->model;
    active->stream = parsed->stream;
    active->includeUsage = parsed->includeUsage;
    active->logprobs = parsed->logprobs;
    active->continuousUsage = parsed->continuousUsageStats;
    active->returnTokenIds = parsed->vllm.returnTokenIds;
    begin(std::move(active), std::move(responder), request, {std::move(ids).value()}, params);
}

void ApiServer::completions(const HttpRequest& request, HttpResponder&& responder) {
    auto body = readBody(request);
    if (!body) return sendError(responder, request, body.error());
    auto parsed = parseCompletionRequest(*body, m_host.samplingDefaults());
    if (!parsed) return sendError(responder, request, parsed.error());
    if (!knownModel(parsed->model)) return sendError(responder, request, modelNotFound(parsed->model));
    const Tokenizer* tokenizer = m_host.tokenizer();

    std::vector<std::vector<int32_t>> prompts = parsed->promptIds;
    std::vector<std::string> echo;
    for (const std::string& text : parsed->prompts) {
        if (!tokenizer) return sendError(responder, request, badRequest("this model has no tokenizer; send token ids"));
        auto ids = tokenizer->encode(text, true);
        if (!ids) return sendError(responder, request, badRequest(ids.error().message, "prompt"));
        prompts.push_back(std::move(ids).value());
        echo.push_back(text);
    }
    if (parsed->echo && echo.empty() && tokenizer)
        for (const auto& ids : prompts) {
            auto text = tokenizer->decode(ids, false);
            echo.push_back(text ? std::move(text).value() : std::string());
        }
    SamplingParams params = parsed->params;
    for (size_t p = 0; p < prompts.size(); ++p) {
        auto& ids = prompts[p];
        if (ids.empty()) return sendError(responder, request, badRequest("the prompt is empty", "prompt"));
        const size_t untruncated = ids.size();
        if (auto error = openai::truncatePrompt(ids, parsed->vllm.truncatePromptTokens, m_host.maxModelLen(),
                                                parsed->maxTokens, "max_tokens"))
            return sendError(responder, request, *error);
        if (ids.size() < untruncated && p < echo.size() && tokenizer) {  // echo what the model read
            auto text = tokenizer->decode(ids, false);
            echo[p] = text ? std::move(text).value() : std::string();
        }
        SamplingParams fitted = params;
        if (auto error = fitContext(ids.size(), parsed->maxTokens, "max_tokens", m_host.maxModelLen(), fitted))
            return sendError(responder, request, *error);
    }
    if (parsed->maxTokens) params.maxTokens = *parsed->maxTokens;
    if (parsed->logprobs) params.logprobs = *parsed->logprobs;
    if (auto valid = params.validate(m_host.vocabSize()); !valid)
        return sendError(responder, request, badRequest(valid.error().message));

    auto active = std::make_shared<Active>();
    active->chat = false;
    active->responseId = makeCompletionId("cmpl");
    active->model = parsed->model.empty() ? servedModelName() : parsed->model;
    active->stream = parsed->stream;
    active->includeUsage = parsed->includeUsage;
    active->logprobs = parsed->logprobs.has_value();
    if (parsed->echo) active->echo = std::move(echo);
    if (parsed->echo && parsed->logprobs) active->echoTopLogprobs = *parsed->logprobs;
    active->continuousUsage = parsed->continuousUsageStats;
    active->returnTokenIds = parsed->vllm.returnTokenIds;
    begin(std::move(active), std::move(responder), request, std::move(prompts), params);
}

void ApiServer::begin(std::shared_ptr<Active> active, HttpResponder&& responder,
                      const HttpRequest& request, std::vector<std::vector<int32_t>> prompts,
                      const SamplingParams& params) {
    active->created = QDateTime::currentSecsSinceEpoch();
    active->n = params.n;
    active->method = request.method;
    active->path = QString::fromStdString(std::string(request.path()));
    active->cors = corsHeaders(request);
    active->timer.start();
    active->choices.resize(prompts.size() * size_t(params.n));
    if (active->chat && active->stream)  // whole answers are parsed once, at the end
        for (auto& choice : active->choices) choice.parser = std::make_unique<ChatOutputStream>(active->outputOptions);
    active->pendingEngineRequests = prompts.size();
    active->promptIds = prompts;
    active->promptLogprobs.resize(prompts.size());
    active->responder = std::move(responder);
    if (active->stream)
        active->responder.beginStream(
            200, active->dialect == Active::Dialect::Ollama ? "application/x-ndjson" : "text/event-stream", active->cors);

    std::vector<std::string> engineIds;
    for (size_t p = 0; p < prompts.size(); ++p) {
        const std::string id = prompts.size() == 1 ? active->responseId : fmt::format("{}-{}", active->responseId, p);
        engineIds.push_back(id);
        m_active[id] = EngineRequest{active, int(p), {}};
        m_host.submit({id, std::move(prompts[p]), params});
    }
    // A client that goes away mid-answer aborts its requests, which frees their KV blocks.
    active->responder.onClientGone(this, [this, engineIds] {
        for (const std::string& id : engineIds)
            if (m_active.count(id)) m_host.abort(QString::fromStdString(id));
    });
}

void ApiServer::streamOutput(Active& a, const CompletionOutput& c, int index) {
    if (a.dialect == Active::Dialect::Ollama) return ollamaStream(a, c, index);
    Active::Choice& choice = a.choices[size_t(index)];
    const std::optional<std::string> finish =
        c.finishReason ? std::optional<std::string>(apiFinishReason(*c.finishReason)) : std::nullopt;
    const ordered_json stopReason = c.finishReason ? stopReasonJson(c) : ordered_json();
    auto tokenTextFn = [this](int32_t id) { return tokenText(id); };
    if (a.chat) {
        if (!choice.started) {
            choice.started = true;
            a.responder.sendChunk(sseEvent(chatCompletionChunk(a.responseId, a.created, a.model, index, roleDelta(),
                                                                std::nullopt, nullptr, nullptr, a.streamUsage(index, 0),
                                                                a.streamTokenIds(index, std::nullopt, true))));
        }
        const ChatOutputDelta delta = choice.parse(c);
        std::optional<std::string> finishReason = finish;
        if (finish && *finish == "stop" && choice.parser->sawToolCall()) finishReason = "tool_calls";
        if (delta.empty() && !finishReason && !a.logprobs && !a.returnTokenIds) return;  // vLLM sends no empty deltas
        std::vector<DeltaToolCall> calls;
        for (const ToolCallDelta& t : delta.toolCalls)
            calls.push_back({t.index, t.id.empty() ? std::nullopt : std::optional(t.id),
                             t.name.empty() ? std::nullopt : std::optional(t.name), t.argumentsFragment});
        const auto optional = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); };
        std::optional<std::string> content = optional(delta.content);
        if (!content && delta.reasoning.empty() && calls.empty()) content = std::string();
        const ordered_json logprobs = a.logprobs ? chatLogprobsContent(c.logprobs, tokenTextFn) : ordered_json();
        a.responder.sendChunk(sseEvent(chatCompletionChunk(a.responseId, a.created, a.model, index,
                                                           chatDelta(content, optional(delta.reasoning), calls),
                                                           finishReason, stopReason, logprobs,
                                                           a.streamUsage(index, choice.tokenIds.size()),
                                                           a.streamTokenIds(index, c.newTokenIds, false))));
        return;
    }
    std::string text = c.newText;
    const size_t prompt = size_t(index / a.n);
    const bool first = !choice.started;
    if (first) {
        choice.started = true;
        if (prompt < a.echo.size()) text = a.echo[prompt] + text;
    }
    if (text.empty() && !finish && !(a.returnTokenIds && !c.newTokenIds.empty())) return;
    // Offsets count code points (Python's len), not bytes.
    const size_t offset = size_t(std::count_if(choice.text.begin(), choice.text.end(),
                                               [](char ch) { return (static_cast<unsigned char>(ch) & 0xc0) != 0x80; }));
    ordered_json logprobs = a.logprobs ? completionLogprobs(c.logprobs, tokenTextFn, offset) : ordered_json();
    if (first && a.echoTopLogprobs && a.promptLogprobs[prompt])  // echo: the prompt's tokens come first
        logprobs = openai::echoedCompletionLogprobs(a.promptIds[prompt], *a.promptLogprobs[prompt], *a.echoTopLogprobs,
                                                    c.logprobs, tokenTextFn, offset);
    a.responder.sendChunk(sseEvent(completionChunk(a.responseId, a.created, a.model, index, text, finish,
                                                   stopReason, logprobs, a.streamUsage(index, choice.tokenIds.size()),
                                                   a.streamTokenIds(index, c.newTokenIds, first))));
}

void ApiServer::onOutput(const RequestOutput& out) {
    const auto it = m_active.find(out.requestId);
    if (it == m_active.end()) return;
    EngineRequest& engineRequest = it->second;
    const std::shared_ptr<Active> active = engineRequest.active;
    Active& a = *active;
    if (out.promptLogprobs) a.promptLogprobs[size_t(engineRequest.promptIndex)] = *out.promptLogprobs;
    for (const CompletionOutput& c : out.outputs) {
        const int index = engineRequest.promptIndex * a.n + c.index;
        Active::Choice& choice = a.choices[size_t(index)];
        choice.tokenIds.insert(choice.tokenIds.end(), c.newTokenIds.begin(), c.newTokenIds.end());
        if (a.stream) streamOutput(a, c, index);
        choice.text += c.newText;
        choice.logprobs.insert(choice.logprobs.end(), c.logprobs.begin(), c.logprobs.end());
        if (c.finishReason) {
            choice.finish = c.finishReason;
            choice.stopReason = stopReasonJson(c);
        }
    }
    engineRequest.usage = out.usage;
    if (!out.finished) return;
    a.usage.promptTokens += out.usage.promptTokens;
    a.usage.completionTokens += out.usage.completionTokens;
    a.usage.cachedPromptTokens += out.usage.cachedPromptTokens;
    m_active.erase(it);
    if (--a.pendingEngineRequests == 0) complete(a);
}

void ApiServer::complete(Active& a) {
    const qint64 ms = a.timer.elapsed();
    if (a.dialect == Active::Dialect::Ollama) {
        ollamaComplete(a);
    } else if (a.stream) {
        if (a.includeUsage) a.responder.sendChunk(sseEvent(usageChunk(a.responseId, a.created, a.model, a.usage, a.chat)));
        a.responder.sendChunk(kSseDone);
        a.responder.endStream();
    } else if (a.responder.connected()) {
        auto tokenTextFn = [this](int32_t id) { return tokenText(id); };
        std::vector<ChoiceResult> choices;
        for (size_t i = 0; i < a.choices.size(); ++i) {
            const Active::Choice& c = a.choices[i];
            ChoiceResult r;
            r.index = int(i);
            r.content = c.text;
            if (!a.chat && size_t(i) / size_t(a.n) < a.echo.size()) r.content = a.echo[i / size_t(a.n)] + c.text;
            r.finishReason = c.finish ? apiFinishReason(*c.finish) : "abort";
            if (a.chat) {
                ParsedChatOutput parsed = parseChatOutput(c.text, a.outputOptions);
                r.content = parsed.content;
                if (!parsed.reasoning.empty()) r.reasoning = parsed.reasoning;
                if (!parsed.toolCalls.empty() && !parsed.content.size()) r.content = std::nullopt;
                for (ToolCall& call : parsed.toolCalls)
                    r.toolCalls.push_back({std::move(call.id), std::move(call.name), std::move(call.arguments)});
                if (!r.toolCalls.empty() && r.finishReason == "stop") r.finishReason = "tool_calls";
            }
            r.stopReason = c.stopReason;
            if (a.logprobs) r.logprobs = c.logprobs;
            a.addVllmExtras(i, tokenTextFn, r);
            choices.push_back(std::move(r));
        }
        const ordered_json body = a.chat ? chatCompletionResponse(a.responseId, a.created, a.model, choices, a.usage, tokenTextFn)
                                         : completionResponse(a.responseId, a.created, a.model, choices, a.usage, tokenTextFn);
        a.responder.send({200, "application/json", dumpJson(body), a.cors});
    }
    log(a.method, a.path, 200, a.usage.promptTokens + a.usage.completionTokens, ms);
}

void ApiServer::onRejected(const QString& requestId, const QString& message) {
    const auto it = m_active.find(requestId.toStdString());
    if (it == m_active.end()) return;
    const std::shared_ptr<Active> active = it->second.active;
    // Drop every engine request of this answer; the others are aborted.
    for (auto i = m_active.begin(); i != m_active.end();) {
        if (i->second.active == active) {
            if (i->first != requestId.toStdString()) m_host.abort(QString::fromStdString(i->first));
            i = m_active.erase(i);
        } else {
            ++i;
        }
    }
    const ApiError error = badRequest(message.toStdString());
    if (active->stream) {
        active->responder.sendChunk(sseEvent(errorBody(error)));
        active->responder.sendChunk(kSseDone);
        active->responder.endStream();
    } else {
        active->responder.send({error.status, "application/json", dumpJson(errorBody(error)), active->cors});
    }
}

}  // namespace pagoda
