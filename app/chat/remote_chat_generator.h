// Answers with any OpenAI-compatible server (vLLM, FastChat, another Pagoda): POST
// <base>/chat/completions with stream=true, read the server-sent events as they arrive.
// The path for users who outgrow one machine; their conversations stay in Pagoda.
#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPointer>

#include <map>

#include "app/chat/chat_generator.h"

class QNetworkReply;

namespace pagoda::chat {

class RemoteChatGenerator : public ChatGenerator {
    Q_OBJECT
public:
    explicit RemoteChatGenerator(QObject* parent = nullptr);

    void start(const QString& requestId, const std::vector<ChatTurn>& turns,
               const store::GenerationSettings& settings) override;
    void stop(const QString& requestId) override;

private:
    struct Active {
        QPointer<QNetworkReply> reply;
        QByteArray buffer;  // bytes of an event not yet complete
        QElapsedTimer clock;
        qint64 firstTokenNs = -1;
        int chunks = 0;     // content chunks: the token count when the server sends no usage
        bool stopped = false;
        store::MessageStats stats;
    };
    void post(const QString& requestId, const std::vector<ChatTurn>& turns, const store::GenerationSettings& settings,
              const QString& model);
    void onReadyRead(const QString& requestId);
    void onFinished(const QString& requestId);
    void handleEvent(Active& active, const QString& requestId, const QByteArray& data);

    QNetworkAccessManager m_network;
    std::map<QString, Active> m_active;
};

// "http://host:8000/v1/" → "http://host:8000/v1"; a URL without a path gets "/v1".
QString normalizedBaseUrl(const QString& url);

// The POST body of one streamed chat completion. chat_template_kwargs.enable_thinking is
// sent only when the user chose it: servers that do not know it may refuse the field.
QJsonObject chatCompletionBody(const std::vector<ChatTurn>& turns, const store::GenerationSettings& settings,
                               const QString& model);

}  // namespace pagoda::chat
