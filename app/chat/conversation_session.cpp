#include "app/chat/conversation_session.h"

#include <algorithm>

namespace pagoda::chat {

namespace {

constexpr int kPartialSaveMs = 2000;  // how much of a streaming answer a kill -9 can lose
constexpr int kTitleChars = 60;

QString titleFrom(const QString& text) {
    QString title = text.simplified();
    if (title.size() > kTitleChars) title = title.left(kTitleChars - 1) + QChar(0x2026);
    return title;
}

}  // namespace

ConversationSession::ConversationSession(store::StoreThread& store, GeneratorFor generatorFor, QObject* parent)
    : QObject(parent), m_store(store), m_generatorFor(std::move(generatorFor)) {
    qRegisterMetaType<pagoda::store::MessageStats>();
    m_partialSave.setInterval(kPartialSaveMs);
    connect(&m_partialSave, &QTimer::timeout, this, [this] {
        if (const store::Message* message = m_conversation.find(m_streamingId)) saveMessage(*message);
    });
}

void ConversationSession::show(store::Conversation conversation) {
    stop();
    m_requestId.clear();  // an answer still arriving belongs to the old conversation
    m_streamingId.clear();
    m_partialSave.stop();
    m_conversation = std::move(conversation);
    m_saved = true;
    emit generatingChanged(false);
    emit conversationChanged();
}

void ConversationSession::startNew(const store::GenerationSettings& settings) {
    store::Conversation fresh;
    fresh.id = store::newId();
    fresh.settings = settings;
    fresh.created = fresh.updated = QDateTime::currentDateTimeUtc();
    show(std::move(fresh));
    m_saved = false;  // written with its first message, so empty chats never clutter the list
}

void ConversationSession::startNextChat() { startNew(store::settingsForNewChat(m_conversation.settings)); }

bool ConversationSession::canRetry() const {
    const store::Message* leaf = m_conversation.find(m_conversation.currentLeafId);
    return !isGenerating() && leaf && leaf->role == store::Role::User;
}

void ConversationSession::retry() {
    if (canRetry()) answer(m_conversation.currentLeafId);
}

void ConversationSession::send(const QString& text) {
    if (isGenerating() || text.trimmed().isEmpty()) return;
    store::Message message;
    message.id = store::newId();
    message.parentId = m_conversation.currentLeafId;
    message.role = store::Role::User;
    message.content = text;
    message.created = QDateTime::currentDateTimeUtc();
    if (m_conversation.title.isEmpty()) m_conversation.title = titleFrom(text);
    m_conversation.messages.push_back(message);
    m_conversation.currentLeafId = message.id;
    saveConversation();
    saveMessage(message);
    answer(message.id);
}

void ConversationSession::editAndResend(const QString& userMessageId, const QString& text) {
    const store::Message* original = m_conversation.find(userMessageId);
    if (isGenerating() || !original || original->role != store::Role::User || text.trimmed().isEmpty()) return;
    m_conversation.currentLeafId = original->parentId;  // the edit becomes the original's sibling
    send(text);
}

void ConversationSession::regenerate(const QString& assistantMessageId) {
    const store::Message* original = m_conversation.find(assistantMessageId);
    if (isGenerating() || !original || original->role != store::Role::Assistant) return;
    const QString question = original->parentId;  // a copy: answer() grows the vector `original` points into
    answer(question);
}

void ConversationSession::answer(QString parentId) {
    store::Message reply;
    reply.id = store::newId();
    reply.parentId = parentId;
    reply.role = store::Role::Assistant;
    reply.created = QDateTime::currentDateTimeUtc();
    m_conversation.messages.push_back(reply);
    m_conversation.currentLeafId = reply.id;
    m_streamingId = reply.id;
    m_requestId = "chat-" + reply.id;

    m_generator = m_generatorFor(m_conversation.settings);
    if (!m_connected.contains(m_generator)) {
        m_connected.insert(m_generator);
        connect(m_generator, &ChatGenerator::delta, this, &ConversationSession::onDelta);
        connect(m_generator, &ChatGenerator::finished, this, &ConversationSession::onFinished);
    }
    emit conversationChanged();
    emit generatingChanged(true);
    m_partialSave.start();
    m_generator->start(m_requestId, turnsUpTo(parentId), m_conversation.settings);
}

void ConversationSession::stop() {
    if (isGenerating() && m_generator) m_generator->stop(m_requestId);
}

void ConversationSession::onDelta(const QString& requestId, const QString& content, const QString& reasoning) {
    if (requestId != m_requestId) return;
    store::Message* message = m_conversation.find(m_streamingId);
    if (!message) return;
    message->content += content;
    message->reasoning += reasoning;
    emit messageUpdated(message->id);
}

void ConversationSession::onFinished(const QString& requestId, const store::MessageStats& stats, const QString& error) {
    if (requestId != m_requestId) return;
    m_partialSave.stop();
    const QString id = m_streamingId;
    m_requestId.clear();
    m_streamingId.clear();
    store::Message* message = m_conversation.find(id);
    if (message && message->content.isEmpty() && message->reasoning.isEmpty() && !error.isEmpty()) {
        // Nothing was said: drop the empty answer rather than keep a blank bubble.
        m_conversation.currentLeafId = message->parentId;
        std::erase_if(m_conversation.messages, [&](const store::Message& m) { return m.id == id; });
        saveConversation();
    } else if (message) {
        message->stats = stats;
        saveMessage(*message);
        saveConversation();
    }
    emit generatingChanged(false);
    emit conversationChanged();
    if (!error.isEmpty()) emit errorOccurred(error);
}

void ConversationSession::switchBranch(const QString& messageId, int direction) {
    if (isGenerating()) return;
    const auto siblings = m_conversation.siblings(messageId);
    auto it = std::find_if(siblings.begin(), siblings.end(), [&](const store::Message* m) { return m->id == messageId; });
    if (it == siblings.end()) return;
    const auto index = std::clamp<std::ptrdiff_t>(it - siblings.begin() + direction, 0, std::ptrdiff_t(siblings.size()) - 1);
    m_conversation.currentLeafId = m_conversation.newestLeafUnder(siblings[size_t(index)]->id);
    if (m_saved) saveConversation();
    emit conversationChanged();
}

void ConversationSession::setSettings(const store::GenerationSettings& settings) {
    if (settings == m_conversation.settings) return;
    m_conversation.settings = settings;
    if (m_saved) saveConversation();
}

// Renaming is not activity: the store's rename leaves `updated`, so the chat keeps its place
// in the list (saveConversation would stamp it as the newest).
void ConversationSession::rename(const QString& title) {
    m_conversation.title = title.trimmed();
    if (!m_saved) return;  // the title is saved with the first message
    m_store.post([id = m_conversation.id, title = m_conversation.title](store::ConversationStore& store) {
        (void)store.rename(id, title);
    });
    emit conversationSaved(m_conversation.id, m_conversation.title);
}

void ConversationSession::saveConversation() {
    m_conversation.updated = QDateTime::currentDateTimeUtc();
    m_saved = true;
    store::Conversation header = m_conversation;
    header.messages.clear();  // the store writes messages one by one
    if (m_conversation.find(header.currentLeafId) && header.currentLeafId == m_streamingId)
        header.currentLeafId = m_conversation.find(m_streamingId)->parentId;  // saved with the answer
    m_store.post([header](store::ConversationStore& store) { (void)store.saveConversation(header); });
    emit conversationSaved(m_conversation.id, m_conversation.title);
}

void ConversationSession::saveMessage(const store::Message& message) {
    const QString conversationId = m_conversation.id;
    const bool leaf = message.id == m_conversation.currentLeafId;
    store::Conversation header = m_conversation;
    header.messages.clear();
    m_store.post([conversationId, message, leaf, header](store::ConversationStore& store) {
        (void)store.saveMessage(conversationId, message);
        if (leaf) (void)store.saveConversation(header);  // the branch on screen now ends here
    });
}

std::vector<ChatTurn> ConversationSession::turnsUpTo(const QString& messageId) const {
    std::vector<ChatTurn> turns;
    for (const store::Message* m = m_conversation.find(messageId); m; m = m_conversation.find(m->parentId))
        turns.push_back({m->role, m->content});
    std::reverse(turns.begin(), turns.end());
    return turns;
}

}  // namespace pagoda::chat
