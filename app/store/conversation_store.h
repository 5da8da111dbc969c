// Conversations in SQLite (Qt SQL, WAL mode) under the app's data folder. Synchronous and
// single-threaded: the GUI reaches it only through StoreThread. Every write is its own
// transaction, so a kill -9 loses at most the write in flight.
#pragma once

#include <QSqlDatabase>
#include <QString>

#include <vector>

#include "app/store/conversation.h"
#include "engine/common/result.h"

namespace pagoda::store {

class ConversationStore {
public:
    ConversationStore();
    ~ConversationStore();
    ConversationStore(const ConversationStore&) = delete;
    ConversationStore& operator=(const ConversationStore&) = delete;

    // Opens (creating or migrating) the database; WAL, synchronous=NORMAL, foreign keys on.
    Status open(const QString& path);
    void close();
    // <AppDataLocation>/conversations.sqlite, i.e. $XDG_DATA_HOME/pagoda/conversations.sqlite.
    static QString defaultPath();

    // Newest first. A non-empty search matches titles and message text, any case.
    Result<std::vector<ConversationSummary>> list(const QString& search = {}) const;
    Result<Conversation> load(const QString& conversationId) const;

    // Insert or update the conversation's own fields (title, settings, current leaf, times).
    Status saveConversation(const Conversation& conversation);
    // Insert or update one message (content, reasoning, stats) and touch the conversation.
    Status saveMessage(const QString& conversationId, const Message& message);
    Status rename(const QString& conversationId, const QString& title);
    Status remove(const QString& conversationId);  // with its messages

private:
    QString m_connection;  // this store's own QSqlDatabase connection name
};

}  // namespace pagoda::store
