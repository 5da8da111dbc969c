#include "app/chat/remote_chat_generator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace pagoda::chat {

QString normalizedBaseUrl(const QString& url) {
    QString base = url.trimmed();
    while (base.endsWith('/')) base.chop(1);
    if (QUrl(base).path().isEmpty()) base += "/v1";
    return base;
}

namespace {

QNetworkRequest requestFor(const QString& url, const store::GenerationSettings& settings) {
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    if (!settings.endpointKey.isEmpty()) request.setRawHeader("Authorization", "Bearer " + settings.endpointKey.toUtf8());
    request.setTransferTimeout(0);  // a long answer may take minutes; stop() ends it
    return request;
}

// The server's words for a failed request: OpenAI's {"error": {"message"}} when it sent one.
QString errorText(QNetworkReply* reply, const QByteArray& body) {
    const QJsonObject error = QJsonDocument::fromJson(body).object().value("error").toObject();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString text = error.value("message").toString();
    if (text.isEmpty()) text = status ? QString::fromUtf8(body.left(300)).trimmed() : reply->errorString();
    return status ? QObject::tr("%1 answered %2: %3").arg(reply->url().host()).arg(status).arg(text) : text;
}

}  // namespace

RemoteChatGenerator::RemoteChatGenerator(QObject* parent) : ChatGenerator(parent) {}

void RemoteChatGenerator::start(const QString& requestId, const std::vector<ChatTurn>& turns,
                                const store::GenerationSettings& settings) {
    if (!settings.endpointModel.isEmpty()) return post(requestId, turns, settings, settings.endpointModel);
    // No model named: ask the server which it serves and use the first, as most clients do.
    QNetworkReply* reply = m_network.get(requestFor(normalizedBaseUrl(settings.endpointUrl) + "/models", settings));
    Active& active = m_active[requestId];
    active.reply = reply;
    active.clock.start();
    connect(reply, &QNetworkReply::finished, this, [this, reply, requestId, turns, settings] {
        reply->deleteLater();
        auto it = m_active.find(requestId);
        if (it == m_active.end()) return;
        const QByteArray body = reply->readAll();
        const QJsonArray models = QJsonDocument::fromJson(body).object().value("data").toArray();
        const bool stopped = it->second.stopped;
        if (stopped || reply->error() != QNetworkReply::NoError || models.isEmpty()) {
            store::MessageStats stats;
            stats.finishReason = stopped ? "abort" : "error";
            const QString error = stopped ? QString()
                                  : reply->error() != QNetworkReply::NoError
                                      ? errorText(reply, body)
                                      : tr("%1 lists no models").arg(settings.endpointUrl);
            m_active.erase(it);
            emit finished(requestId, stats, error);
            return;
        }
        m_active.erase(it);
        post(requestId, turns, settings, models.first().toObject().value("id").toString());
    });
}

QJsonObject chatCompletionBody(const std::vector<ChatTurn>& turns, const store::GenerationSettings& settings,
                               const QString& model) {
    QJsonArray messages;
    if (!settings.systemPrompt.trimmed().isEmpty())
        messages.append(QJsonObject{{"role", "system"}, {"content", settings.systemPrompt}});
    for (const ChatTurn& turn : turns)
        if (turn.role != store::Role::System)
            messages.append(QJsonObject{{"role", store::roleName(turn.role)}, {"content", turn.content}});
    QJsonObject body{{"model", model},
                     {"messages", messages},
                     {"stream", true},
                     {"stream_options", QJsonObject{{"include_usage", true}}},
                     {"temperature", settings.temperature},
                     {"top_p", settings.topP},
                     {"max_tokens", settings.maxTokens}};
    // vLLM and Pagoda pass this to the template (Qwen3's thinking switch).
    if (settings.thinking)
        body.insert("chat_template_kwargs", QJsonObject{{"enable_thinking", *settings.thinking}});
    return body;
}

void RemoteChatGenerator::post(const QString& requestId, const std::vector<ChatTurn>& turns,
                               const store::GenerationSettings& settings, const QString& model) {
    const QJsonObject body = chatCompletionBody(turns, settings, model);
    QNetworkReply* reply = m_network.post(requestFor(normalizedBaseUrl(settings.endpointUrl) + "/chat/completions", settings),
                                          QJsonDocument(body).toJson(QJsonDocument::Compact));
    Active& active = m_active[requestId];
    active.reply = reply;
    active.clock.start();
    active.stats.model = model;
    connect(reply, &QNetworkReply::readyRead, this, [this, requestId] { onReadyRead(requestId); });
    connect(reply, &QNetworkReply::finished, this, [this, requestId] { onFinished(requestId); });
}

void RemoteChatGenerator::stop(const QString& requestId) {
    auto it = m_active.find(requestId);
    if (it == m_active.end()) return;
    it->second.stopped = true;
    if (it->second.reply) it->second.reply->abort();  // finished() follows
}

void RemoteChatGenerator::onReadyRead(const QString& requestId) {
    auto it = m_active.find(requestId);
    if (it == m_active.end() || !it->second.reply) return;
    Active& active = it->second;
    if (active.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() >= 400) return;  // read at the end
    active.buffer += active.reply->readAll();
    active.buffer.replace("\r\n", "\n");
    // Events end with a blank line; each "data:" line holds one JSON chunk (or [DONE]).
    for (qsizetype end; (end = active.buffer.indexOf("\n\n")) >= 0;) {
        const QByteArray event = active.buffer.left(end);
        active.buffer.remove(0, end + 2);
        for (const QByteArray& line : event.split('\n'))
            if (line.startsWith("data:")) handleEvent(active, requestId, line.mid(5).trimmed());
    }
}

void RemoteChatGenerator::handleEvent(Active& active, const QString& requestId, const QByteArray& data) {
    if (data == "[DONE]") return;
    const QJsonObject chunk = QJsonDocument::fromJson(data).object();
    const QJsonObject usage = chunk.value("usage").toObject();
    if (!usage.isEmpty()) {
        active.stats.promptTokens = usage.value("prompt_tokens").toInt();
        active.stats.completionTokens = usage.value("completion_tokens").toInt();
    }
    const QJsonArray choices = chunk.value("choices").toArray();
    if (choices.isEmpty()) return;
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject delta = choice.value("delta").toObject();
    const QString content = delta.value("content").toString();
    // vLLM says reasoning_content; newer servers say reasoning.
    QString reasoning = delta.value("reasoning_content").toString();
    if (reasoning.isEmpty()) reasoning = delta.value("reasoning").toString();
    if (!choice.value("finish_reason").isNull() && choice.contains("finish_reason"))
        active.stats.finishReason = choice.value("finish_reason").toString();
    if (content.isEmpty() && reasoning.isEmpty()) return;
    if (active.firstTokenNs < 0) active.firstTokenNs = active.clock.nsecsElapsed();
    ++active.chunks;
    emit this->delta(requestId, content, reasoning);
}

void RemoteChatGenerator::onFinished(const QString& requestId) {
    auto it = m_active.find(requestId);
    if (it == m_active.end()) return;
    Active& active = it->second;
    QNetworkReply* reply = active.reply;
    QString error;
    if (reply) {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 400 || (reply->error() != QNetworkReply::NoError && !active.stopped))
            error = errorText(reply, reply->readAll());
        else
            onReadyRead(requestId);  // anything left in the buffer
    }
    store::MessageStats stats = active.stats;
    if (stats.completionTokens == 0) stats.completionTokens = active.chunks;
    if (active.stopped) stats.finishReason = "abort";
    if (!error.isEmpty()) stats.finishReason = "error";
    fillTiming(stats, active.firstTokenNs, active.clock.nsecsElapsed());
    m_active.erase(it);
    emit finished(requestId, stats, error);
}

}  // namespace pagoda::chat
