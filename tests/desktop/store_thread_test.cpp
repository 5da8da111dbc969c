// StoreThread: order, delivery on the receiver's thread, flushing on destruction, and a
// writer killed with SIGKILL mid-answer leaving a whole, consistent database.
#include <QDeadlineTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cstdio>
#include <thread>

#include "app/store/store_thread.h"
#include "tests/desktop/store_test_support.h"
#include "tests/support/patience.h"

using namespace pagoda;
using namespace pagoda::store;
using namespace pagoda::test;

namespace {

const QString kCrashConversation = "crash-conversation";
const QString kCrashQuestion = "Tell me a long story.";

Message crashAnswer(int words) {
    Message m;
    m.id = "crash-answer";
    m.parentId = "crash-question";
    m.role = Role::Assistant;
    m.content = QString("word ").repeated(words);
    m.stats.completionTokens = words;
    m.created = QDateTime::currentDateTime();
    return m;
}

}  // namespace

// The process store_thread_test kills: saves a conversation and its question, says READY
// once they are flushed, then streams an ever-changing answer until it dies.
int runCrashWriter(const QString& path) {
    StoreThread thread(path);
    Conversation c = makeConversation("Killed mid-answer");
    c.id = kCrashConversation;
    addMessage(c, "crash-question", "", Role::User, kCrashQuestion);
    c.currentLeafId = "crash-answer";
    std::atomic<bool> saved{false};
    thread.post([&](ConversationStore& store) { saved = saveAll(store, c); });
    thread.flush();
    if (!saved) {
        std::fprintf(stderr, "crash writer: %s\n", qPrintable(thread.openError()));
        return 1;
    }
    std::printf("READY\n");
    std::fflush(stdout);
    for (int i = 0;; ++i) {
        thread.post([answer = crashAnswer(i % 1000 + 1)](ConversationStore& store) {
            (void)store.saveMessage(kCrashConversation, answer);
        });
        thread.flush();
    }
}

class StoreThreadTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString dbPath() const { return m_dir.filePath(QString("%1.sqlite").arg(QTest::currentTestFunction())); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void postsRunInOrderOnTheWorker() {
        StoreThread thread(dbPath());
        std::vector<int> order;
        std::thread::id worker;
        for (int i = 0; i < 100; ++i)
            thread.post([&, i](ConversationStore&) {
                order.push_back(i);
                worker = std::this_thread::get_id();
            });
        // Order matters for real writes: a message needs its conversation saved first.
        Conversation c = makeConversation("Ordered");
        addMessage(c, "o1", "", Role::User, "first");
        Status saved = makeError("not run");
        thread.post([&](ConversationStore& store) { (void)store.saveConversation(c); });
        thread.post([&](ConversationStore& store) { saved = store.saveMessage(c.id, c.messages[0]); });
        thread.flush();
        QCOMPARE(thread.openError(), QString());
        QCOMPARE(order.size(), size_t(100));
        QVERIFY(std::is_sorted(order.begin(), order.end()));
        QVERIFY(worker != std::this_thread::get_id());
        QVERIFY2(saved, saved ? "" : saved.error().message.c_str());
    }

    void fetchDeliversOnTheReceiversThread() {
        StoreThread thread(dbPath());
        Conversation c = makeConversation("Fetched");
        thread.post([c](ConversationStore& store) { (void)store.saveConversation(c); });
        QObject receiver;
        QThread* deliveredOn = nullptr;
        QStringList titles;
        thread.fetch<Result<std::vector<ConversationSummary>>>(
            [](ConversationStore& store) { return store.list(); }, &receiver,
            [&](Result<std::vector<ConversationSummary>> list) {
                deliveredOn = QThread::currentThread();
                if (list)
                    for (const ConversationSummary& s : *list) titles << s.title;
            });
        QTRY_VERIFY_WITH_TIMEOUT(deliveredOn != nullptr, test::kPatienceMs);
        QCOMPARE(deliveredOn, receiver.thread());
        QCOMPARE(titles, QStringList({"Fetched"}));
    }

    void fetchSkipsAReceiverThatIsGone() {
        StoreThread thread(dbPath());
        auto receiver = std::make_unique<QObject>();
        bool called = false;
        thread.fetch<int>([](ConversationStore&) { return 1; }, receiver.get(), [&](int) { called = true; });
        thread.flush();     // the answer is queued to the receiver by now
        receiver.reset();   // and is dropped with it
        QCoreApplication::processEvents();
        QVERIFY(!called);
    }

    void destructionFinishesPostedWrites() {
        Conversation c = makeConversation("Many");
        QString parent;
        for (int i = 0; i < 200; ++i) {
            parent = addMessage(c, newId(), parent, i % 2 ? Role::Assistant : Role::User, QString::number(i)).id;
        }
        {
            StoreThread thread(dbPath());
            thread.post([c](ConversationStore& store) { (void)store.saveConversation(c); });
            for (const Message& m : c.messages)
                thread.post([id = c.id, m](ConversationStore& store) { (void)store.saveMessage(id, m); });
        }  // no flush: the destructor must drain the queue
        ConversationStore store;
        QVERIFY(store.open(dbPath()));
        auto loaded = store.load(c.id);
        QVERIFY(loaded);
        QVERIFY(loaded->messages == c.messages);
    }

    void failedOpenIsReportedAndSkipsJobs() {
        const QString path = dbPath();
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, '\x7f'));
        file.close();
        StoreThread thread(path);
        bool ran = false;
        thread.post([&](ConversationStore&) { ran = true; });
        thread.flush();
        QVERIFY2(thread.openError().contains(path), qPrintable(thread.openError()));
        QVERIFY(!ran);
    }

    void killedWriterLeavesCommittedRowsIntact() {
        const QString path = dbPath();
        QProcess writer;
        writer.setProcessChannelMode(QProcess::SeparateChannels);
        writer.start(QCoreApplication::applicationFilePath(), {kCrashWriterFlag, path});
        QVERIFY(writer.waitForStarted());
        QByteArray out;
        for (QDeadlineTimer deadline(30000); !out.contains("READY\n") && !deadline.hasExpired();) {
            writer.waitForReadyRead(100);
            out += writer.readAllStandardOutput();
        }
        QVERIFY2(out.contains("READY\n"), writer.readAllStandardError().constData());
        QThread::msleep(500);  // killed while it streams the answer
        writer.kill();         // SIGKILL on Unix
        QVERIFY(writer.waitForFinished());
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);

        QCOMPARE(rawQuery(path, "PRAGMA integrity_check").toString(), QString("ok"));
        ConversationStore store;
        QVERIFY(store.open(path));
        auto loaded = store.load(kCrashConversation);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->title, QString("Killed mid-answer"));
        const Message* question = loaded->find("crash-question");
        QVERIFY(question);
        QCOMPARE(question->content, kCrashQuestion);
        // Whichever update of the answer survived, it survived whole: text and stats agree.
        const Message* answer = loaded->find("crash-answer");
        QVERIFY(answer);
        QVERIFY(answer->stats.completionTokens > 0);
        QCOMPARE(answer->content, QString("word ").repeated(answer->stats.completionTokens));
    }
};

int runStoreThreadTests(int argc, char** argv) {
    StoreThreadTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "store_thread_test.moc"
