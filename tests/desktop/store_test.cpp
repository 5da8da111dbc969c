// Conversation storage: the message tree, ConversationStore on SQLite, and the exports.
// StoreThread and the kill -9 test are in store_thread_test.cpp (same executable).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "app/store/conversation_export.h"
#include "app/store/conversation_store.h"
#include "tests/desktop/store_test_support.h"

using namespace pagoda;
using namespace pagoda::store;
using namespace pagoda::test;

int runStoreThreadTests(int argc, char** argv);
int runCrashWriter(const QString& path);

namespace {

QStringList ids(const std::vector<const Message*>& messages) {
    QStringList result;
    for (const Message* m : messages) result << m->id;
    return result;
}

QStringList ids(const std::vector<ConversationSummary>& list) {
    QStringList result;
    for (const ConversationSummary& s : list) result << s.id;
    return result;
}

// u1 ─ a1 ─ u2 ─ a2      a2b regenerates a2 (a sibling assistant answer);
//            │   └ a2b   u2b edits u2 (a sibling user question) and gets a3.
//            └ u2b ─ a3  On screen: the regenerated answer.
Conversation branchyConversation() {
    Conversation c = makeConversation("Branches");
    addMessage(c, "u1", "", Role::User, "What is a pagoda?");
    addMessage(c, "a1", "u1", Role::Assistant, "A tiered tower.", "The user asks about architecture.");
    addMessage(c, "u2", "a1", Role::User, "How tall?");
    addMessage(c, "a2", "u2", Role::Assistant, "Up to 80 m.");
    addMessage(c, "a2b", "u2", Role::Assistant, "Usually 30-60 m.");
    addMessage(c, "u2b", "a1", Role::User, "Where are they?");
    addMessage(c, "a3", "u2b", Role::Assistant, "East Asia.");
    c.currentLeafId = "a2b";
    return c;
}

}  // namespace

class StoreTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    // A database per test, so tests do not see each other's rows.
    QString dbPath() const { return m_dir.filePath(QString("%1.sqlite").arg(QTest::currentTestFunction())); }
    void openFresh(ConversationStore& store) {
        const Status status = store.open(dbPath());
        QVERIFY2(status, status ? "" : status.error().message.c_str());
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void treeFollowsBranches() {
        const Conversation c = branchyConversation();
        QCOMPARE(ids(c.currentPath()), QStringList({"u1", "a1", "u2", "a2b"}));
        QCOMPARE(ids(c.siblings("a2")), QStringList({"a2", "a2b"}));
        QCOMPARE(ids(c.siblings("u2b")), QStringList({"u2", "u2b"}));
        QCOMPARE(ids(c.siblings("u1")), QStringList({"u1"}));
        QVERIFY(c.siblings("missing").empty());
        QCOMPARE(c.newestLeafUnder("a1"), QString("a3"));  // u2b is a1's newest child
        QCOMPARE(c.newestLeafUnder("u2"), QString("a2b"));
        QCOMPARE(c.newestLeafUnder("a3"), QString("a3"));
        QCOMPARE(c.newestLeafUnder(""), QString("a3"));  // from above the roots
        QVERIFY(c.find("a2")->content == "Up to 80 m.");
    }

    void branchesRoundTrip() {
        ConversationStore store;
        openFresh(store);
        const Conversation c = branchyConversation();
        QVERIFY(saveAll(store, c));
        auto loaded = store.load(c.id);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->title, c.title);
        QCOMPARE(loaded->currentLeafId, QString("a2b"));
        QVERIFY(loaded->messages == c.messages);  // every branch, in creation order
        QCOMPARE(ids(loaded->currentPath()), QStringList({"u1", "a1", "u2", "a2b"}));
        QCOMPARE(ids(loaded->siblings("u2")), QStringList({"u2", "u2b"}));
        QCOMPARE(loaded->newestLeafUnder("a1"), QString("a3"));
    }

    void updatingAMessageKeepsItsPlace() {
        ConversationStore store;
        openFresh(store);
        Conversation c = branchyConversation();
        QVERIFY(saveAll(store, c));
        c.find("a1")->content = "A tiered tower, often Buddhist.";  // as a streamed answer grows
        QVERIFY(store.saveMessage(c.id, *c.find("a1")));
        auto loaded = store.load(c.id);
        QVERIFY(loaded);
        QVERIFY(loaded->messages == c.messages);
    }

    void settingsAndStatsRoundTrip() {
        GenerationSettings s;
        s.systemPrompt = "You are terse.";
        s.temperature = 0.35;
        s.topP = 0.55;
        s.maxTokens = 777;
        s.thinking = false;
        s.preset = "";
        s.endpointUrl = "http://gpu-box:8000/v1";
        s.endpointKey = "sk-test";
        s.endpointModel = "Qwen/Qwen3-8B";
        QCOMPARE(GenerationSettings::fromJson(s.toJson()), s);
        QCOMPARE(GenerationSettings::fromJson({}), GenerationSettings{});  // missing fields keep defaults
        QCOMPARE(GenerationSettings::fromJson({{"max_tokens", 64}}).temperature, GenerationSettings{}.temperature);

        const MessageStats stats{0.125, 42.5, 11, 222, 32768, "Qwen3-0.6B", "length"};
        QCOMPARE(MessageStats::fromJson(stats.toJson()), stats);

        ConversationStore store;
        openFresh(store);
        Conversation c = makeConversation("Settings");
        c.settings = s;
        addMessage(c, "u", "", Role::User, "hi");
        addMessage(c, "a", "u", Role::Assistant, "hello").stats = stats;
        QVERIFY(saveAll(store, c));
        auto loaded = store.load(c.id);
        QVERIFY(loaded);
        QCOMPARE(loaded->settings, s);
        QCOMPARE(loaded->find("a")->stats, stats);
    }

    // The picker's model is the chat's own; thinking is stored only once chosen, and chats
    // stored before read as they meant (the old default, true, is what unset does).
    void chosenModelAndThinkingChoiceRoundTrip() {
        GenerationSettings s;
        QCOMPARE(s.preset, QString("balanced"));  // the defaults are the balanced preset's values
        QCOMPARE(withPreset(s, "balanced"), s);
        QCOMPARE(presetMatching(GenerationSettings{}), QString("balanced"));
        QCOMPARE(presetMatching(withPreset({}, "precise")), QString("precise"));
        QVERIFY(!s.thinking);
        QVERIFY(!s.toJson().contains("enable_thinking"));
        s.localModel = "Qwen/Qwen3-8B-GGUF:Q4_K_M";
        s.thinking = true;
        QCOMPARE(GenerationSettings::fromJson(s.toJson()), s);
        QVERIFY(!GenerationSettings::fromJson({{"thinking", true}}).thinking);
        QCOMPARE(GenerationSettings::fromJson({{"thinking", false}}).thinking, std::optional<bool>(false));

        // A new chat keeps the prompt and sampling, not the server or the model.
        s.systemPrompt = "Be brief.";
        s.endpointUrl = "http://gpu-box:8000/v1";
        s.endpointKey = "sk-test";
        s.endpointModel = "Qwen/Qwen3-8B";
        const GenerationSettings next = settingsForNewChat(s);
        QVERIFY(next.endpointUrl.isEmpty() && next.endpointKey.isEmpty() && next.endpointModel.isEmpty());
        QVERIFY(next.localModel.isEmpty());
        QCOMPARE(next.systemPrompt, s.systemPrompt);
        QCOMPARE(next.thinking, s.thinking);
    }

    void presetsSetSamplingAndName() {
        QCOMPARE(presetNames(), QStringList({"precise", "balanced", "creative"}));
        const GenerationSettings precise = withPreset({}, "precise");
        QCOMPARE(precise.temperature, 0.2);
        QCOMPARE(precise.topP, 0.9);
        QCOMPARE(precise.preset, QString("precise"));
        const GenerationSettings creative = withPreset(precise, "creative");
        QCOMPARE(creative.temperature, 1.0);
        QCOMPARE(creative.topP, 0.95);
        const GenerationSettings balanced = withPreset(creative, "balanced");
        QCOMPARE(balanced.temperature, 0.7);
        QCOMPARE(balanced.topP, 0.8);
        const GenerationSettings custom = withPreset(precise, "nonsense");
        QCOMPARE(custom.temperature, 0.2);
        QVERIFY(custom.preset.isEmpty());
    }

    void rolesHaveOpenAINames() {
        for (Role role : {Role::System, Role::User, Role::Assistant}) QCOMPARE(parseRole(roleName(role)), role);
        QCOMPARE(roleName(Role::Assistant), QString("assistant"));
        QVERIFY(!parseRole("tool"));
        QVERIFY(newId() != newId());
        QVERIFY(!newId().startsWith('{'));
    }

    void listIsNewestFirstAndSearchMatchesTitleOrText() {
        ConversationStore store;
        openFresh(store);
        Conversation cooking = makeConversation("Cooking Rice");
        addMessage(cooking, "c1", "", Role::User, "How much WATER per cup?");
        Conversation discount = makeConversation("Sales");
        addMessage(discount, "d1", "", Role::User, "Is 100% off a real discount? Ask one clerk.");
        Conversation plain = makeConversation("Plain");
        addMessage(plain, "p1", "", Role::User, "Is 1000 off a real discount? snake_case");
        for (const Conversation* c : {&cooking, &discount, &plain}) QVERIFY(store.saveConversation(*c));
        // Messages touch `updated`, so save them oldest conversation last to see the order.
        for (const Conversation* c : {&plain, &discount, &cooking}) {
            QThread::msleep(3);  // `updated` has millisecond resolution
            QVERIFY(store.saveMessage(c->id, c->messages[0]));
        }

        auto all = store.list();
        QVERIFY(all);
        QCOMPARE(ids(*all), QStringList({cooking.id, discount.id, plain.id}));
        QCOMPARE(ids(*store.list("rice")), QStringList({cooking.id}));   // title, any case
        QCOMPARE(ids(*store.list("water")), QStringList({cooking.id}));  // content, any case
        QCOMPARE(ids(*store.list("100%")), QStringList({discount.id}));  // % is a character
        QCOMPARE(ids(*store.list("e_c")), QStringList({plain.id}));      // so is _
        QVERIFY(store.list("nowhere")->empty());
    }

    void renameChangesTheTitleOnly() {
        ConversationStore store;
        openFresh(store);
        const Conversation c = branchyConversation();
        QVERIFY(saveAll(store, c));
        QVERIFY(store.rename(c.id, "Pagodas"));
        auto loaded = store.load(c.id);
        QVERIFY(loaded);
        QCOMPARE(loaded->title, QString("Pagodas"));
        QCOMPARE(loaded->messages.size(), c.messages.size());
        QCOMPARE(store.list("pagodas")->size(), size_t(1));
        QVERIFY(!store.rename("no-such-id", "x"));
    }

    void removeCascadesToMessages() {
        ConversationStore store;
        openFresh(store);
        const Conversation gone = branchyConversation();
        Conversation kept = makeConversation("Kept");
        addMessage(kept, "k1", "", Role::User, "stay");
        QVERIFY(saveAll(store, gone));
        QVERIFY(saveAll(store, kept));
        QVERIFY(store.remove(gone.id));
        QVERIFY(!store.load(gone.id));
        QCOMPARE(ids(*store.list()), QStringList({kept.id}));
        QCOMPARE(rawQuery(dbPath(), "SELECT COUNT(*) FROM messages").toInt(), 1);
        QVERIFY(store.remove(gone.id));  // already gone: same outcome
    }

    void messageForUnknownConversationIsRefused() {
        ConversationStore store;
        openFresh(store);
        Message m;
        m.id = "orphan";
        m.content = "nobody owns me";
        const Status status = store.saveMessage("no-such-conversation", m);
        QVERIFY(!status);
        QVERIFY2(QString::fromStdString(status.error().message).contains("no-such-conversation"), status.error().message.c_str());
    }

    void databaseIsInWalMode() {
        ConversationStore store;
        openFresh(store);
        QCOMPARE(rawQuery(dbPath(), "PRAGMA journal_mode").toString(), QString("wal"));
        QCOMPARE(rawQuery(dbPath(), "PRAGMA user_version").toInt(), 1);
    }

    void reopeningKeepsEverything() {
        const Conversation c = branchyConversation();
        {
            ConversationStore store;
            openFresh(store);
            QVERIFY(saveAll(store, c));
            store.close();
        }
        ConversationStore again;
        QVERIFY(again.open(dbPath()));
        auto loaded = again.load(c.id);
        QVERIFY(loaded);
        QVERIFY(loaded->messages == c.messages);
        QCOMPARE(loaded->settings, c.settings);
        QCOMPARE(loaded->created, c.created);
        QCOMPARE(loaded->currentLeafId, c.currentLeafId);
    }

    void openCreatesMissingFolders() {
        const QString nested = m_dir.filePath("a/b/c/conversations.sqlite");
        ConversationStore store;
        QVERIFY(store.open(nested));
        QVERIFY(QFileInfo::exists(nested));
        QVERIFY(ConversationStore::defaultPath().endsWith("/pagoda/conversations.sqlite"));
        QVERIFY(ConversationStore::defaultPath().startsWith(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)));
    }

    void garbageFileIsAnErrorNamingIt() {
        const QString path = m_dir.filePath("garbage.sqlite");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("this is a text file, not a database\n").repeated(200));
        file.close();
        ConversationStore store;
        const Status status = store.open(path);
        QVERIFY(!status);
        const QString message = QString::fromStdString(status.error().message);
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains("not a database"), qPrintable(message));
        QVERIFY(!store.list());  // a failed open leaves the store closed, not half-open
    }

    void newerSchemaIsRefused() {
        {
            ConversationStore store;
            openFresh(store);
        }
        rawQuery(dbPath(), "PRAGMA user_version = 99");
        ConversationStore store;
        const Status status = store.open(dbPath());
        QVERIFY(!status);
        QVERIFY2(QString::fromStdString(status.error().message).contains("newer Pagoda"), status.error().message.c_str());
    }

    void markdownExportShowsTheBranchOnScreen() {
        const QString md = exportMarkdown(branchyConversation());
        QVERIFY(md.startsWith("# Branches\n"));
        QVERIFY(md.contains("**User**\n\nWhat is a pagoda?"));
        QVERIFY(md.contains("**Assistant**\n\n<details>"));
        QVERIFY(md.contains("<details>\n<summary>Thinking</summary>\n\nThe user asks about architecture.\n\n</details>"));
        QVERIFY(md.contains("Usually 30-60 m."));
        QVERIFY(!md.contains("Up to 80 m."));  // other branches stay out
        QVERIFY(!md.contains("East Asia."));
        QVERIFY(md.indexOf("How tall?") < md.indexOf("Usually"));
    }

    void jsonExportIsTheBranchInChatFormat() {
        Conversation c = branchyConversation();
        c.settings.endpointKey = "sk-secret";
        c.find("a2b")->stats.completionTokens = 9;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(exportJson(c), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject root = doc.object();
        QCOMPARE(root["title"].toString(), QString("Branches"));
        QVERIFY(!root["created"].toString().isEmpty());
        QCOMPARE(root["settings"].toObject()["temperature"].toDouble(), c.settings.temperature);
        QVERIFY(!exportJson(c).contains("sk-secret"));
        const QJsonArray messages = root["messages"].toArray();
        QStringList pairs;
        for (const QJsonValue& m : messages) pairs << m["role"].toString() + ":" + m["content"].toString();
        QCOMPARE(pairs, QStringList({"user:What is a pagoda?", "assistant:A tiered tower.", "user:How tall?",
                                     "assistant:Usually 30-60 m."}));
        QCOMPARE(messages[1]["reasoning"].toString(), QString("The user asks about architecture."));
        QCOMPARE(messages[3]["stats"]["completion_tokens"].toInt(), 9);
        QVERIFY(!messages[0].toObject().contains("stats"));

        c.settings.systemPrompt = "Be brief.";  // what the model saw first is replayed first
        const QJsonArray withSystem = QJsonDocument::fromJson(exportJson(c)).object()["messages"].toArray();
        QCOMPARE(withSystem[0]["role"].toString(), QString("system"));
        QCOMPARE(withSystem[0]["content"].toString(), QString("Be brief."));
        QCOMPARE(withSystem.size(), 5);
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // store_thread_test.cpp's kill -9 test runs this same binary as the writer it kills.
    if (argc == 3 && QByteArray(argv[1]) == kCrashWriterFlag) return runCrashWriter(QString::fromLocal8Bit(argv[2]));
    StoreTest test;
    const int failures = QTest::qExec(&test, argc, argv);
    return failures + runStoreThreadTests(argc, argv);
}

#include "store_test.moc"
