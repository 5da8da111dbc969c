#include "app/store/conversation_store.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <atomic>
#include <iterator>

namespace pagoda::store {

namespace {

constexpr int kSchemaVersion = 1;

// Index i upgrades user_version i to i + 1; each step runs in one transaction.
const QStringList kMigrations[] = {
    {
        "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', settings TEXT,"
        " current_leaf TEXT, created INTEGER NOT NULL, updated INTEGER NOT NULL)",
        "CREATE TABLE messages (id TEXT PRIMARY KEY,"
        " conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
        " parent_id TEXT, role TEXT NOT NULL, content TEXT NOT NULL DEFAULT '', reasoning TEXT,"
        " stats TEXT, created INTEGER NOT NULL, seq INTEGER NOT NULL)",
        // (conversation_id, seq) serves the cascade, load()'s ordering and the next seq.
        "CREATE INDEX messages_by_conversation ON messages(conversation_id, seq)",
    },
};
static_assert(std::size(kMigrations) == kSchemaVersion);

Error failure(const QSqlDatabase& db, const QString& what, const QString& detail) {
    return makeError(QString("%1: %2: %3").arg(QDir::toNativeSeparators(db.databaseName()), what, detail).toStdString());
}

// SQLite's own words ("file is not a database") say more than Qt's ("Unable to execute statement").
Error failure(const QSqlDatabase& db, const QString& what, const QSqlError& error) {
    QString detail = error.databaseText().isEmpty() ? error.driverText() : error.databaseText();
    return failure(db, what, detail.isEmpty() ? QStringLiteral("unknown SQLite error") : detail);
}

// Prepares sql, binds values in order and runs it; the error names the file and the step.
Result<QSqlQuery> run(const QSqlDatabase& db, const QString& what, const QString& sql, const QVariantList& values = {}) {
    QSqlQuery query(db);
    if (!query.prepare(sql)) return failure(db, what, query.lastError());
    for (const QVariant& value : values) query.addBindValue(value);
    if (!query.exec()) return failure(db, what, query.lastError());
    return query;
}

// Runs steps as one transaction: all of them land, or none do.
template <class Steps>
Status inTransaction(QSqlDatabase& db, const QString& what, Steps steps) {
    if (!db.transaction()) return failure(db, what, db.lastError());
    Status status = steps();
    if (!status) {
        db.rollback();
        return status;
    }
    if (!db.commit()) {
        Error error = failure(db, what, db.lastError());
        db.rollback();
        return error;
    }
    return Ok{};
}

qint64 msecs(const QDateTime& time) { return (time.isValid() ? time : QDateTime::currentDateTime()).toMSecsSinceEpoch(); }
QDateTime fromMsecs(const QVariant& value) { return QDateTime::fromMSecsSinceEpoch(value.toLongLong()); }

QString jsonText(const QJsonObject& object) { return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)); }
QJsonObject jsonObject(const QVariant& text) { return QJsonDocument::fromJson(text.toString().toUtf8()).object(); }

// LIKE treats % and _ as wildcards; a search for "100%" means the characters.
QString likePattern(const QString& search) {
    QString escaped = search;
    escaped.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    return '%' + escaped + '%';
}

Status migrate(QSqlDatabase& db) {
    auto version = run(db, "reading the schema version", "PRAGMA user_version");
    if (!version) return version.error();
    const int from = version->next() ? version->value(0).toInt() : 0;
    version->finish();
    if (from > kSchemaVersion)
        return failure(db, "unsupported schema",
                       QString("version %1 was written by a newer Pagoda; this one reads up to %2").arg(from).arg(kSchemaVersion));
    for (int v = from; v < kSchemaVersion; ++v) {
        Status step = inTransaction(db, QString("upgrading the schema to version %1").arg(v + 1), [&]() -> Status {
            for (const QString& sql : kMigrations[v])
                if (auto q = run(db, QString("upgrading the schema to version %1").arg(v + 1), sql); !q) return q.error();
            // PRAGMA cannot take a bound value.
            if (auto q = run(db, "recording the schema version", QString("PRAGMA user_version = %1").arg(v + 1)); !q)
                return q.error();
            return Ok{};
        });
        if (!step) return step;
    }
    return Ok{};
}

}  // namespace

ConversationStore::ConversationStore() {
    static std::atomic<int> counter{0};
    m_connection = QString("pagoda-conversations-%1").arg(++counter);
}

ConversationStore::~ConversationStore() { close(); }

Status ConversationStore::open(const QString& path) {
    close();
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return makeError(QString("%1: cannot create the folder for the conversation database").arg(QDir::toNativeSeparators(folder)).toStdString());

    QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", m_connection);
    db.setDatabaseName(path);
    Status status = [&]() -> Status {
        if (!db.isValid()) return failure(db, "opening the conversation database", "Qt's QSQLITE driver is not available");
        if (!db.open()) return failure(db, "opening the conversation database", db.lastError());
        // SQLite reads the header lazily: a corrupt or foreign file fails here, at the first
        // statement, with "file is not a database".
        for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
                                   "PRAGMA busy_timeout = 5000"})
            if (auto q = run(db, "opening the conversation database", pragma); !q)
                return makeError(q.error().message + " (expected an SQLite database written by Pagoda)");
        return migrate(db);
    }();
    if (!status) {
        db = QSqlDatabase();  // removeDatabase wants no handle left alive
        close();
    }
    return status;
}

void ConversationStore::close() {
    if (!QSqlDatabase::contains(m_connection)) return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString ConversationStore::defaultPath() {
    // GenericDataLocation + "/pagoda" as app/hub does: the app name may be unset (tests, CLI).
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/pagoda/conversations.sqlite";
}

namespace {

Result<QSqlDatabase> openDatabase(const QString& connection) {
    QSqlDatabase db = QSqlDatabase::database(connection, false);
    if (!db.isOpen()) return makeError("the conversation database is not open");
    return db;
}

}  // namespace

// SQLite's LIKE folds ASCII letters only; CJK text has no case, so that covers our users.
Result<std::vector<ConversationSummary>> ConversationStore::list(const QString& search) const {
    auto db = openDatabase(m_connection);
    if (!db) return db.error();
    QString sql = "SELECT id, title, updated FROM conversations";
    QVariantList values;
    if (!search.isEmpty()) {
        sql += " WHERE title LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages"
               " WHERE messages.conversation_id = conversations.id AND content LIKE ? ESCAPE '\\')";
        values = {likePattern(search), likePattern(search)};
    }
    sql += " ORDER BY updated DESC, created DESC";
    auto query = run(*db, "listing conversations", sql, values);
    if (!query) return query.error();
    std::vector<ConversationSummary> result;
    while (query->next())
        result.push_back({query->value(0).toString(), query->value(1).toString(), fromMsecs(query->value(2))});
    return result;
}

Result<Conversation> ConversationStore::load(const QString& conversationId) const {
    auto db = openDatabase(m_connection);
    if (!db) return db.error();
    const QString what = QString("loading conversation %1").arg(conversationId);
    auto head = run(*db, what, "SELECT title, settings, current_leaf, created, updated FROM conversations WHERE id = ?",
                    {conversationId});
    if (!head) return head.error();
    if (!head->next()) return failure(*db, what, "no such conversation");
    Conversation c;
    c.id = conversationId;
    c.title = head->value(0).toString();
    c.settings = GenerationSettings::fromJson(jsonObject(head->value(1)));
    c.currentLeafId = head->value(2).toString();
    c.created = fromMsecs(head->value(3));
    c.updated = fromMsecs(head->value(4));

    auto rows = run(*db, what,
                    "SELECT id, parent_id, role, content, reasoning, stats, created FROM messages"
                    " WHERE conversation_id = ? ORDER BY seq",
                    {conversationId});
    if (!rows) return rows.error();
    while (rows->next()) {
        Message m;
        m.id = rows->value(0).toString();
        m.parentId = rows->value(1).toString();
        auto role = parseRole(rows->value(2).toString());
        if (!role)
            return failure(*db, what, QString("message %1 has role '%2', expected system, user or assistant")
                                          .arg(m.id, rows->value(2).toString()));
        m.role = *role;
        m.content = rows->value(3).toString();
        m.reasoning = rows->value(4).toString();
        m.stats = MessageStats::fromJson(jsonObject(rows->value(5)));
        m.created = fromMsecs(rows->value(6));
        c.messages.push_back(std::move(m));
    }
    return c;
}

Status ConversationStore::saveConversation(const Conversation& conversation) {
    auto db = openDatabase(m_connection);
    if (!db) return db.error();
    // The creation time never changes once stored.
    auto q = run(*db, QString("saving conversation %1").arg(conversation.id),
                 "INSERT INTO conversations (id, title, settings, current_leaf, created, updated) VALUES (?, ?, ?, ?, ?, ?)"
                 " ON CONFLICT(id) DO UPDATE SET title = excluded.title, settings = excluded.settings,"
                 " current_leaf = excluded.current_leaf, updated = excluded.updated",
                 {conversation.id, conversation.title, jsonText(conversation.settings.toJson()), conversation.currentLeafId,
                  msecs(conversation.created), msecs(conversation.updated)});
    if (!q) return q.error();
    return Ok{};
}

Status ConversationStore::saveMessage(const QString& conversationId, const Message& message) {
    auto db = openDatabase(m_connection);
    if (!db) return db.error();
    const QString what = QString("saving message %1 of conversation %2").arg(message.id, conversationId);
    return inTransaction(*db, what, [&]() -> Status {
        // seq is fixed at the first save: a streamed answer updated many times keeps its place.
        auto upsert = run(*db, what,
                          "INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, stats, created, seq)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                          " (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = ?))"
                          " ON CONFLICT(id) DO UPDATE SET content = excluded.content, reasoning = excluded.reasoning,"
                          " stats = excluded.stats WHERE messages.conversation_id = excluded.conversation_id",
                          {message.id, conversationId, message.parentId, roleName(message.role), message.content,
                           message.reasoning, jsonText(message.stats.toJson()), msecs(message.created), conversationId});
        if (!upsert) return upsert.error();
        if (upsert->numRowsAffected() == 0) return failure(*db, what, "the message id belongs to another conversation");
        auto touch = run(*db, what, "UPDATE conversations SET updated = ? WHERE id = ?",
                         {QDateTime::currentMSecsSinceEpoch(), conversationId});
        if (!touch) return touch.error();
        return Ok{};
    });
}

// Renaming is not activity, so it leaves `updated` (and the list order) alone.
Status ConversationStore::rename(const QString& conversationId, const QString& title) {
    auto db = openDatabase(m_connection);
    if (!db) return db.error();
    const QString what = QString("renaming conversation %1").arg(conversationId);
    auto q = run(*db, what, "UPDATE conversations SET title = ? WHERE id = ?", {title, conversationId});
    if (!q) return q.error();
    if (q->numRowsAffected() == 0) return failure(*db, what, "no such conversation");
    return Ok{};
}

// Removing an id that is already gone is not an error: the result is the same.
Status ConversationStore::remove(const QString& conversationId) {
    auto db = openDatabase(m_connection);
    if (!db) return db.error();
    auto q = run(*db, QString("removing conversation %1").arg(conversationId), "DELETE FROM conversations WHERE id = ?",
                 {conversationId});
    if (!q) return q.error();
    return Ok{};
}

}  // namespace pagoda::store
