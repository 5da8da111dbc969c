// The conversation on screen and everything a user does to it: send, stop, regenerate, edit
// and resend (both branch, never erase), switch branches, change settings. Holds the
// conversation in memory on the GUI thread, persists every change through StoreThread, and
// streams answers from a ChatGenerator. The chat page only draws it and forwards clicks.
#pragma once

#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

#include "app/chat/chat_generator.h"
#include "app/store/conversation.h"
#include "app/store/store_thread.h"

namespace pagoda::chat {

class ConversationSession : public QObject {
    Q_OBJECT
public:
    // generatorFor chooses local or remote for the conversation's settings.
    using GeneratorFor = std::function<ChatGenerator*(const store::GenerationSettings&)>;
    ConversationSession(store::StoreThread& store, GeneratorFor generatorFor, QObject* parent = nullptr);

    const store::Conversation& conversation() const { return m_conversation; }
    bool isGenerating() const { return !m_requestId.isEmpty(); }
    QString streamingMessageId() const { return m_streamingId; }

    // Shows a conversation (loaded by the sidebar); stops a running answer first.
    void show(store::Conversation conversation);
    // Starts a new, empty conversation with the given settings (saved on first message).
    void startNew(const store::GenerationSettings& settings);
    // The "New chat" action: a new conversation after the one on screen, with its prompt
    // and sampling but not its endpoint or model (store::settingsForNewChat).
    void startNextChat();

    // Adds a user message under the current leaf and answers it. Ignored while generating.
    void send(const QString& text);
    void stop();
    // The branch on screen ends with a question and no answer (the answer failed before a
    // word arrived): retry() answers it again. Ignored otherwise.
    bool canRetry() const;
    void retry();
    // A new answer to the same question, as a sibling of assistantMessageId.
    void regenerate(const QString& assistantMessageId);
    // A new user message as a sibling of userMessageId, then its answer.
    void editAndResend(const QString& userMessageId, const QString& text);
    // Moves to the previous (-1) or next (+1) sibling of messageId and its newest leaf.
    void switchBranch(const QString& messageId, int direction);
    void setSettings(const store::GenerationSettings& settings);
    void rename(const QString& title);

signals:
    void conversationChanged();                        // messages or branch changed: redraw all
    void messageUpdated(const QString& messageId);     // streamed text changed: redraw one
    void generatingChanged(bool generating);
    void conversationSaved(const QString& id, const QString& title);  // for the sidebar
    void errorOccurred(const QString& message);

private:
    void answer(QString parentId);  // by value: callers pass ids of messages in the vector it grows
    void onDelta(const QString& requestId, const QString& content, const QString& reasoning);
    void onFinished(const QString& requestId, const store::MessageStats& stats, const QString& error);
    void saveConversation();
    void saveMessage(const store::Message& message);
    std::vector<ChatTurn> turnsUpTo(const QString& messageId) const;

    store::StoreThread& m_store;
    GeneratorFor m_generatorFor;
    store::Conversation m_conversation;
    bool m_saved = false;        // the conversation row exists
    QString m_requestId;         // the answer being generated
    QString m_streamingId;       // its message id
    ChatGenerator* m_generator = nullptr;      // owned by DesktopServices
    QSet<ChatGenerator*> m_connected;           // generators whose signals reach this session
    QTimer m_partialSave;        // saves the streaming answer now and then
};

}  // namespace pagoda::chat
