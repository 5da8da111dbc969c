// One answer to a chat, streamed: the conversation session hands a generator the messages of
// the branch on screen and gets text back as signals on its own thread. Two kinds: the model
// loaded in Pagoda (LocalChatGenerator, through EngineHost) and any OpenAI-compatible server
// (RemoteChatGenerator). Both report the same stats.
#pragma once

#include <QObject>
#include <QString>

#include <vector>

#include "app/store/conversation.h"

namespace pagoda::chat {

struct ChatTurn {
    store::Role role = store::Role::User;
    QString content;
};

class ChatGenerator : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // Starts generating; every later signal carries requestId. An immediate failure (no
    // model, prompt too long) still arrives as finished() with an error, never synchronously.
    virtual void start(const QString& requestId, const std::vector<ChatTurn>& turns,
                       const store::GenerationSettings& settings) = 0;
    // Ends the answer early; finished() follows with finishReason "abort".
    virtual void stop(const QString& requestId) = 0;

signals:
    void delta(const QString& requestId, const QString& content, const QString& reasoning);
    // error is empty on success (including a stop); stats are filled either way.
    void finished(const QString& requestId, const pagoda::store::MessageStats& stats, const QString& error);
};

// Time to first token, and decode speed as vLLM reports it: the tokens after the first over
// the time after the first. firstTokenNs < 0: no token arrived. Nanoseconds: a tiny model answers within a millisecond.
void fillTiming(store::MessageStats& stats, qint64 firstTokenNs, qint64 totalNs);

// Whether a chat template has a thinking mode: it reads enable_thinking (Qwen3) or writes a
// <think> block. Others (Qwen2, Llama) would ignore the switch, so the chat does not offer it.
bool chatTemplateCanThink(const QString& templateSource);

}  // namespace pagoda::chat

Q_DECLARE_METATYPE(pagoda::store::MessageStats)
