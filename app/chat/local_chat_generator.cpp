#include "app/chat/local_chat_generator.h"

#include <QMetaObject>

#include <nlohmann/json.hpp>

namespace pagoda::chat {

LocalChatGenerator::LocalChatGenerator(EngineHost& host, QObject* parent) : ChatGenerator(parent), m_host(host) {
    connect(&m_host, &EngineHost::requestOutput, this, &LocalChatGenerator::onOutput);
    connect(&m_host, &EngineHost::requestRejected, this, &LocalChatGenerator::onRejected);
}

void LocalChatGenerator::fail(const QString& requestId, const QString& message) {
    store::MessageStats stats;
    stats.finishReason = "error";
    // Queued, so a caller never sees finished() before start() has returned.
    QMetaObject::invokeMethod(
        this, [this, requestId, stats, message] { emit finished(requestId, stats, message); }, Qt::QueuedConnection);
}

void LocalChatGenerator::start(const QString& requestId, const std::vector<ChatTurn>& turns,
                               const store::GenerationSettings& settings) {
    const ChatTemplate* chatTemplate = m_host.chatTemplate();
    const Tokenizer* tokenizer = m_host.tokenizer();
    if (!m_host.isLoaded()) return fail(requestId, tr("No model is loaded. Load one on the Models page."));
    if (!chatTemplate && !m_host.chatTemplateProblem().isEmpty())
        return fail(requestId, tr("This model's chat template cannot be used, so it cannot chat: %1")
                                   .arg(m_host.chatTemplateProblem()));
    if (!chatTemplate || !tokenizer) return fail(requestId, tr("This model has no chat template, so it cannot chat."));

    auto messages = nlohmann::ordered_json::array();
    if (!settings.systemPrompt.trimmed().isEmpty())
        messages.push_back({{"role", "system"}, {"content", settings.systemPrompt.toStdString()}});
    for (const ChatTurn& turn : turns)
        if (turn.role != store::Role::System)
            messages.push_back({{"role", store::roleName(turn.role).toStdString()}, {"content", turn.content.toStdString()}});
    nlohmann::ordered_json context;
    context["messages"] = std::move(messages);
    context["add_generation_prompt"] = true;
    if (settings.thinking) context["enable_thinking"] = *settings.thinking;  // unset: the template's default
    auto prompt = renderChat(*chatTemplate, *tokenizer, std::move(context));
    if (!prompt) return fail(requestId, QString::fromStdString(prompt.error().message));
    auto ids = tokenizer->encode(*prompt, false);
    if (!ids) return fail(requestId, QString::fromStdString(ids.error().message));

    const int contextLimit = m_host.maxModelLen();
    const int promptTokens = int(ids->size());
    if (promptTokens >= contextLimit)
        return fail(requestId, tr("This conversation is %1 tokens, longer than the model's context of %2 tokens. "
                                  "Start a new chat, or raise the context length in Settings.")
                                   .arg(promptTokens)
                                   .arg(contextLimit));
    SamplingParams params = m_host.samplingDefaults();
    params.temperature = float(settings.temperature);
    params.topP = float(settings.topP);
    params.maxTokens = std::min(settings.maxTokens, contextLimit - promptTokens);
    if (auto valid = params.validate(m_host.vocabSize()); !valid)
        return fail(requestId, QString::fromStdString(valid.error().message));

    Active active;
    active.parser = std::make_unique<ChatOutputStream>(chatOutputOptionsFor(chatTemplate->source(), *prompt, {}));
    active.clock.start();
    active.stats.promptTokens = promptTokens;
    active.stats.contextLimit = contextLimit;
    active.stats.model = m_host.modelName();
    const std::string id = requestId.toStdString();
    m_active[id] = std::move(active);
    m_host.submit(Request{id, std::move(ids).value(), params});
}

void LocalChatGenerator::stop(const QString& requestId) { m_host.abort(requestId); }

void LocalChatGenerator::onOutput(const RequestOutput& output) {
    auto it = m_active.find(output.requestId);
    if (it == m_active.end()) return;  // the API server's request, or one already finished
    Active& active = it->second;
    const QString requestId = QString::fromStdString(output.requestId);
    for (const CompletionOutput& choice : output.outputs) {
        if (!choice.newTokenIds.empty() && active.firstTokenNs < 0) active.firstTokenNs = active.clock.nsecsElapsed();
        ChatOutputDelta parts = active.parser->push(choice.newText);
        if (choice.finishReason) {
            ChatOutputDelta rest = active.parser->finish();
            parts.content += rest.content;
            parts.reasoning += rest.reasoning;
            active.stats.finishReason = finishReasonName(*choice.finishReason);
        }
        if (!parts.content.empty() || !parts.reasoning.empty())
            emit delta(requestId, QString::fromStdString(parts.content), QString::fromStdString(parts.reasoning));
    }
    if (!output.finished) return;
    store::MessageStats stats = active.stats;
    stats.promptTokens = int(output.usage.promptTokens);
    stats.completionTokens = int(output.usage.completionTokens);
    fillTiming(stats, active.firstTokenNs, active.clock.nsecsElapsed());
    m_active.erase(it);
    emit finished(requestId, stats, {});
}

void LocalChatGenerator::onRejected(const QString& requestId, const QString& message) {
    auto it = m_active.find(requestId.toStdString());
    if (it == m_active.end()) return;
    store::MessageStats stats = it->second.stats;
    stats.finishReason = "error";
    m_active.erase(it);
    emit finished(requestId, stats, message);
}

bool loadedModelCanThink(const EngineHost& host) {
    const ChatTemplate* chatTemplate = host.chatTemplate();
    return chatTemplate && chatTemplateCanThink(QString::fromStdString(chatTemplate->source()));
}

}  // namespace pagoda::chat
