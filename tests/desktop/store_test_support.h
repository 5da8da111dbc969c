// Small builders shared by store_test.cpp and store_thread_test.cpp.
#pragma once

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

#include "app/store/conversation.h"
#include "app/store/conversation_store.h"

namespace pagoda::test {

// store_test re-runs itself with this flag as the writer the kill -9 test kills.
inline constexpr char kCrashWriterFlag[] = "--crash-writer";

inline store::Conversation makeConversation(const QString& title) {
    store::Conversation c;
    c.id = store::newId();
    c.title = title;
    c.created = c.updated = QDateTime::currentDateTime();
    return c;
}

inline store::Message& addMessage(store::Conversation& c, const QString& id, const QString& parentId, store::Role role,
                                  const QString& content, const QString& reasoning = {}) {
    store::Message m;
    m.id = id;
    m.parentId = parentId;
    m.role = role;
    m.content = content;
    m.reasoning = reasoning;
    m.created = QDateTime::currentDateTime();
    c.messages.push_back(m);
    return c.messages.back();
}

inline bool saveAll(store::ConversationStore& store, const store::Conversation& c) {
    if (!store.saveConversation(c)) return false;
    for (const store::Message& m : c.messages)
        if (!store.saveMessage(c.id, m)) return false;
    return true;
}

// One statement on a connection of the test's own: the first column of the first row.
inline QVariant rawQuery(const QString& path, const QString& sql) {
    const QString name = "raw-" + store::newId();
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql) && query.next()) value = query.value(0);
        }
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

}  // namespace pagoda::test
