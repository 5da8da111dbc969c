// The hub clients and the download queue against tests/tools/fake_hub.py on loopback: both
// hubs' search, info and file lists, full sharded downloads with verified hashes, and every
// way a network or a hub misbehaves (dropped connections, 200 to a Range, a wrong byte, 429,
// 503, a stalled connection, gated repos, hostile file names, cancel and pause).
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <thread>

#include <curl/curl.h>

#include "app/hub/download_manifest.h"
#include "app/hub/download_queue.h"
#include "app/hub/hub_client.h"
#include "app/hub/model_library.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/fake_hub_process.h"
#include "tests/support/patience.h"

using namespace pagoda;
using namespace pagoda::hub;

Q_DECLARE_METATYPE(pagoda::hub::HubKind)
Q_DECLARE_METATYPE(pagoda::hub::FailureKind)

namespace {

const char* kToken = "hf_valid_token";
const char* kModel = "Qwen/Tiny-Chat";
const char* kShard = "model-00002-of-00003.safetensors";

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString sha256Of(const QString& path) {
    return QString::fromLatin1(QCryptographicHash::hash(readAll(path), QCryptographicHash::Sha256).toHex());
}

// Every request the fake saw whose path contains `fragment`.
QJsonArray requestsFor(const QJsonArray& log, const QString& fragment, const QString& server = {}) {
    QJsonArray out;
    for (const QJsonValue& v : log) {
        const QJsonObject o = v.toObject();
        if (o["path"].toString().contains(fragment) && (server.isEmpty() || o["server"].toString() == server)) out.append(o);
    }
    return out;
}

// Pieces of the shard that "gate" faults let through one release at a time (the fake hub's
// transfers then move only when a test says so).
constexpr qint64 kPieceBytes = 8192;
QJsonObject shardGate() {
    return QJsonObject{{"kind", "gate"}, {"path", kShard}, {"step_bytes", double(kPieceBytes)}, {"count", 0}};
}

struct Finished {
    bool ok = false;
    QString message;
    QString folder;
};

}  // namespace

class HubDownloadTest : public QObject {
    Q_OBJECT

    std::unique_ptr<test::FakeHubProcess> m_hub;
    QTemporaryDir m_source;  // the tiny chat model every fake repo is made from
    std::unique_ptr<QTemporaryDir> m_work;

    HubEndpoint endpoint(HubKind kind, const QString& token = {}) const {
        return HubEndpoint{kind, m_hub->hubUrl(), token, false};
    }

    DownloadQueue::Options options(const QString& token = {}) const {
        DownloadQueue::Options o;
        o.endpointFor = [this, token](HubKind kind) { return endpoint(kind, token); };
        o.stateFile = m_work->path() + "/downloads.json";
        o.modelsRoot = m_work->path() + "/models";
        o.transfer.stallSeconds = 2;
        o.transfer.retry.firstDelay = std::chrono::milliseconds(100);
        o.transfer.retry.maxDelay = std::chrono::milliseconds(400);
        o.progressIntervalMs = 50;
        return o;
    }

    // For transfers a gate holds: no watchdog reconnect while the test takes its time, since a
    // piece released to an abandoned connection would be lost.
    DownloadQueue::Options gatedOptions() const {
        DownloadQueue::Options o = options();
        o.transfer.stallSeconds = test::kPatienceMs / 1000;
        return o;
    }

    static Finished waitFinished(DownloadQueue& queue, int timeoutMs = test::kPatienceMs) {
        QSignalSpy spy(&queue, &DownloadQueue::finished);
        if (!spy.wait(timeoutMs)) return {false, "timed out", {}};
        return {spy.at(0).at(1).toBool(), spy.at(0).at(2).toString(), spy.at(0).at(3).toString()};
    }

    Finished pull(HubKind kind, const QString& id, const QString& token = {}) {
        DownloadQueue queue(options(token));
        queue.enqueue({kind, id, {}});
        return waitFinished(queue);
    }

    // The downloaded folder holds exactly the engine's files of the source, byte for byte.
    void verifyDownloaded(const QString& folder) {
        const QStringList expected = QDir(m_source.path()).entryList(QDir::Files, QDir::Name);
        QStringList got = QDir(folder).entryList(QDir::Files, QDir::Name);
        got.removeAll(kManifestFileName);
        QStringList wanted;
        for (const QString& f : expected)
            if (f.endsWith(".safetensors") || f.endsWith(".json") || f == "tokenizer.model") wanted << f;
        QCOMPARE(got, wanted);
        for (const QString& f : wanted) QVERIFY2(readAll(folder + "/" + f) == readAll(m_source.path() + "/" + f), qPrintable(f));
        auto manifest = readManifest(folder);
        QVERIFY(manifest.ok());
        QVERIFY(manifest->complete);
        QCOMPARE(int(manifest->files.size()), wanted.size());
    }

    // Waits until every other file is done and `pieces` pieces of the gated shard arrived.
    void waitForShardPieces(const DownloadQueue& queue, int pieces) const {
        const qint64 shardSize = QFileInfo(m_source.path() + "/" + kShard).size();
        QTRY_VERIFY_WITH_TIMEOUT(!queue.downloads().empty() && queue.downloads().front().bytesTotal > 0 &&
                                     queue.downloads().front().bytesDone >=
                                         queue.downloads().front().bytesTotal - shardSize + pieces * kPieceBytes,
                                 test::kPatienceMs);
    }

    QString folderFor(HubKind kind, const QString& id) const { return m_work->path() + "/models/" + hubName(kind) + "/" + id; }

    static QStringList incompleteFiles(const QString& root) {
        QStringList out;
        QDirIterator it(root, {"*.incomplete"}, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) out << it.next();
        return out;
    }

private slots:
    void initTestCase() {
        m_hub = std::make_unique<test::FakeHubProcess>(QStringList{kToken});
        QVERIFY2(m_hub->running(), qPrintable(m_hub->startError()));
        test::makeChatModelDir(m_source.path().toStdString(), "qwen3-gqa7-bf16-sharded");
        // Files Pagoda must not fetch: other weight formats, docs, a subfolder variant.
        for (const char* f : {"pytorch_model.bin", "README.md", "model.gguf"}) {
            QFile file(m_source.path() + "/" + f);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(3000, 'x'));
        }
        m_hub->addRepo(kModel, m_source.path(), QJsonObject{{"downloads", 500}, {"license", "apache-2.0"}});
        m_hub->addRepo("Qwen/Tiny-Chat-2", m_source.path(), QJsonObject{{"downloads", 400}});
        m_hub->addRepo("Qwen/Other-Model", m_source.path(), QJsonObject{{"downloads", 300}});
        m_hub->addRepo("THUDM/tiny-glm", m_source.path(), QJsonObject{{"downloads", 200}});
        m_hub->addRepo("Qwen/Tiny-Chat-3", m_source.path(), QJsonObject{{"downloads", 100}});
        m_hub->addRepo("Gated/Tiny", m_source.path(), QJsonObject{{"gated", "manual"}});
        QDir(m_source.path()).remove("pytorch_model.bin");
        QDir(m_source.path()).remove("README.md");
        QDir(m_source.path()).remove("model.gguf");
    }

    void init() {
        m_work = std::make_unique<QTemporaryDir>();
        m_hub->reset();
    }

    void searchPagesThroughEveryResult_data() {
        QTest::addColumn<HubKind>("kind");
        QTest::newRow("huggingface") << HubKind::HuggingFace;
        QTest::newRow("modelscope") << HubKind::ModelScope;
    }
    void searchPagesThroughEveryResult() {
        QFETCH(HubKind, kind);
        auto client = makeHubClient(endpoint(kind));
        QStringList ids;
        QString page;
        int pages = 0;
        do {
            auto result = client->search(SearchQuery{"tiny", "Qwen", "downloads", 2}, page);
            QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
            for (const auto& m : result->models) ids << m.id;
            page = result->nextPage;
            ++pages;
        } while (!page.isEmpty() && pages < 10);
        // Owner filter, substring search, downloads order, and two pages of two plus one.
        QCOMPARE(ids, QStringList({"Qwen/Tiny-Chat", "Qwen/Tiny-Chat-2", "Qwen/Tiny-Chat-3"}));
        QCOMPARE(pages, 2);
    }

    void infoPinsTheRevisionAndFilesCarryHashes_data() { searchPagesThroughEveryResult_data(); }
    void infoPinsTheRevisionAndFilesCarryHashes() {
        QFETCH(HubKind, kind);
        auto client = makeHubClient(endpoint(kind));
        auto info = client->modelInfo(kModel);
        QVERIFY2(info.ok(), info.ok() ? "" : info.error().message.c_str());
        QCOMPARE(info->id, QString(kModel));
        if (kind == HubKind::HuggingFace) {
            QCOMPARE(info->revision.size(), 40);  // the commit sha, pinned for every later call
            QCOMPARE(info->license, QString("apache-2.0"));
            QCOMPARE(info->architecture, QString("Qwen3ForCausalLM"));
            QVERIFY(info->parameters > 0);
        } else {
            QCOMPARE(info->revision, QString("master"));
        }
        auto files = client->listFiles(info->id, info->revision);
        QVERIFY2(files.ok(), files.ok() ? "" : files.error().message.c_str());
        int checked = 0;
        for (const HubFile& f : *files) {
            if (f.path.startsWith(".")) continue;
            const QString local = m_source.path() + "/" + f.path;
            if (!QFile::exists(local)) continue;
            QCOMPARE(f.size, QFileInfo(local).size());
            if (f.path.endsWith(".safetensors") || kind == HubKind::ModelScope) {
                QCOMPARE(f.sha256, sha256Of(local));
            } else {  // HF small files: the git blob sha1
                const QByteArray bytes = readAll(local);
                const QByteArray blob = "blob " + QByteArray::number(bytes.size()) + '\0' + bytes;
                QCOMPARE(f.gitSha1, QString::fromLatin1(QCryptographicHash::hash(blob, QCryptographicHash::Sha1).toHex()));
            }
            ++checked;
        }
        QVERIFY(checked >= 8);  // config, generation config, tokenizer x2, index, 3 shards
    }

    void fullShardedDownloadIsVerified_data() { searchPagesThroughEveryResult_data(); }
    void fullShardedDownloadIsVerified() {
        QFETCH(HubKind, kind);
        // With a token, so the log shows where it went: to the hub, and never to the CDN
        // (which, like S3, would answer 400 to a request carrying it).
        const Finished result = pull(kind, kModel, kToken);
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(result.folder, folderFor(kind, kModel));
        verifyDownloaded(result.folder);
        QVERIFY(incompleteFiles(m_work->path()).isEmpty());
        const QJsonArray log = m_hub->log();
        QVERIFY(requestsFor(log, "pytorch_model.bin").isEmpty());
        QVERIFY(requestsFor(log, "model.gguf").isEmpty());
        for (const QJsonValue& v : log) {
            const QJsonObject headers = v.toObject()["headers"].toObject();
            // never asked for compressed bodies (Range must mean bytes)
            QVERIFY(!headers["accept-encoding"].toString().contains("gzip"));
            if (v.toObject()["server"].toString() == "cdn")
                QVERIFY(!headers.contains("authorization") && !headers.contains("cookie"));
            else
                QCOMPARE(headers["authorization"].toString(), QString("Bearer ") + kToken);
        }
        QCOMPARE(requestsFor(log, "model-0000", "cdn").size(), 3);
        if (kind == HubKind::HuggingFace) {  // shards came by the CDN after a 302
            QCOMPARE(requestsFor(log, kShard, "cdn").size(), 1);
            QCOMPARE(requestsFor(log, "/resolve/", "hub").size(), 8);
        }
    }

    void droppedConnectionResumesWithRange() {
        m_hub->addFaults({QJsonObject{{"kind", "drop"}, {"path", kShard}, {"after_bytes", 5000}}});
        const Finished result = pull(HubKind::HuggingFace, kModel);
        QVERIFY2(result.ok, qPrintable(result.message));
        verifyDownloaded(result.folder);
        const QJsonArray cdn = requestsFor(m_hub->log(), kShard, "cdn");
        QCOMPARE(cdn.size(), 2);
        QCOMPARE(cdn[1].toObject()["range"].toString(), QString("bytes=5000-"));
        QCOMPARE(cdn[1].toObject()["status"].toInt(), 206);
    }

    void downloadResumesAcrossARestartOfTheQueue() {
        m_hub->addFaults({shardGate()});
        const QString partial = folderFor(HubKind::HuggingFace, kModel) + "/" + kShard + kIncompleteSuffix;
        {
            DownloadQueue queue(gatedOptions());
            queue.enqueue({HubKind::HuggingFace, kModel, {}});
            m_hub->releasePieces(3);
            waitForShardPieces(queue, 3);
        }  // the queue goes away mid-file, as when the app is closed
        QVERIFY(QFileInfo::exists(partial));
        QVERIFY(!QFileInfo::exists(folderFor(HubKind::HuggingFace, kModel) + "/" + kShard));
        const qint64 kept = QFileInfo(partial).size();
        QCOMPARE(kept, 3 * kPieceBytes);  // every byte that arrived, and nothing else
        m_hub->releasePieces(1000);

        DownloadQueue restarted(options());
        QSignalSpy spy(&restarted, &DownloadQueue::finished);
        restarted.resumePersisted();
        QVERIFY(spy.wait(test::kPatienceMs));
        QVERIFY2(spy.at(0).at(1).toBool(), qPrintable(spy.at(0).at(2).toString()));
        verifyDownloaded(spy.at(0).at(3).toString());
        const QJsonArray cdn = requestsFor(m_hub->log(), kShard, "cdn");
        const QString range = cdn.last().toObject()["range"].toString();
        QVERIFY2(range.startsWith("bytes=") && range.mid(6).chopped(1).toLongLong() >= kept - 1, qPrintable(range));
        QVERIFY(range.mid(6).chopped(1).toLongLong() > 0);
    }

    void rangeAnsweredWith200RestartsTheFile() {
        m_hub->addFaults({QJsonObject{{"kind", "drop"}, {"path", kShard}, {"after_bytes", 7000}},
                          QJsonObject{{"kind", "range200"}, {"path", kShard}}});
        const Finished result = pull(HubKind::HuggingFace, kModel);
        QVERIFY2(result.ok, qPrintable(result.message));
        verifyDownloaded(result.folder);  // byte for byte: the 200 was not appended to the 7000 bytes
        const QJsonArray cdn = requestsFor(m_hub->log(), kShard, "cdn");
        QCOMPARE(cdn.size(), 2);
        QCOMPARE(cdn[1].toObject()["range"].toString(), QString("bytes=7000-"));
        QCOMPARE(cdn[1].toObject()["status"].toInt(), 200);
    }

    void wrongByteIsReportedAndNothingLooksComplete() {
        m_hub->addFaults({QJsonObject{{"kind", "corrupt"}, {"path", kShard}, {"count", 0}}});
        const Finished result = pull(HubKind::HuggingFace, kModel);
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains("sha256 mismatch") && result.message.contains(kShard), qPrintable(result.message));
        const QString folder = folderFor(HubKind::HuggingFace, kModel);
        QVERIFY(!QFileInfo::exists(folder + "/" + kShard));
        QVERIFY(!QFileInfo::exists(folder + "/" + kShard + kIncompleteSuffix));
        auto manifest = readManifest(folder);
        QVERIFY(manifest.ok());
        QVERIFY(!manifest->complete);
        LibraryLocations locations{m_work->path() + "/models", m_work->path() + "/none", m_work->path() + "/none",
                                   m_work->path() + "/imports.json", {}};
        const auto listed = ModelLibrary(locations).find(kModel);
        QVERIFY(listed.has_value());
        QCOMPARE(listed->status, ModelStatus::Incomplete);  // listed, but never offered to load
    }

    void rateLimitIsHonouredThenSucceeds() {
        m_hub->addFaults({QJsonObject{{"kind", "status"}, {"path", "config.json"}, {"status", 429}, {"retry_after", 1}}});
        QElapsedTimer timer;
        timer.start();
        const Finished result = pull(HubKind::HuggingFace, kModel);
        QVERIFY2(result.ok, qPrintable(result.message));
        verifyDownloaded(result.folder);
        QVERIFY(timer.elapsed() >= 900);  // Retry-After: 1, not the 100 ms backoff
        const QJsonArray resolves = requestsFor(m_hub->log(), "/resolve/", "hub");
        int limited = 0;
        for (const QJsonValue& v : resolves) limited += v.toObject()["status"].toInt() == 429;
        QCOMPARE(limited, 1);
    }

    void serviceUnavailableIsRetriedWithBackoff_data() { searchPagesThroughEveryResult_data(); }
    void serviceUnavailableIsRetriedWithBackoff() {
        QFETCH(HubKind, kind);
        m_hub->addFaults({QJsonObject{{"kind", "status"}, {"path", kShard}, {"status", 503}, {"count", 3}}});
        const Finished result = pull(kind, kModel);
        QVERIFY2(result.ok, qPrintable(result.message));
        verifyDownloaded(result.folder);
        int unavailable = 0;
        for (const QJsonValue& v : requestsFor(m_hub->log(), kShard, "hub")) unavailable += v.toObject()["status"].toInt() == 503;
        QCOMPARE(unavailable, 3);
    }

    // The stalled connection never ends by itself (an hour, longer than any wait here), so a
    // finished download proves the watchdog (2 s without a byte) gave up on it and resumed.
    void stalledConnectionIsReconnectedByTheWatchdog() {
        m_hub->addFaults({QJsonObject{{"kind", "stall"}, {"path", kShard}, {"after_bytes", 3000}, {"seconds", 3600}}});
        const Finished result = pull(HubKind::HuggingFace, kModel);
        QVERIFY2(result.ok, qPrintable(result.message));
        verifyDownloaded(result.folder);
        const QJsonArray cdn = requestsFor(m_hub->log(), kShard, "cdn");
        QCOMPARE(cdn.size(), 2);
        QCOMPARE(cdn.first().toObject()["bytes_sent"].toInt(), 3000);
        QCOMPARE(cdn.last().toObject()["range"].toString(), QString("bytes=3000-"));
    }

    void gatedRepoNeedsATokenThatNeverReachesTheCdn() {
        const Finished anonymous = pull(HubKind::HuggingFace, "Gated/Tiny");
        QVERIFY(!anonymous.ok);
        QVERIFY2(anonymous.message.contains("gated") && anonymous.message.contains("HF_TOKEN"), qPrintable(anonymous.message));
        QVERIFY(!QFileInfo::exists(folderFor(HubKind::HuggingFace, "Gated/Tiny") + "/config.json"));

        m_hub->reset();
        const Finished withToken = pull(HubKind::HuggingFace, "Gated/Tiny", kToken);
        QVERIFY2(withToken.ok, qPrintable(withToken.message));
        verifyDownloaded(withToken.folder);
        int hubWithToken = 0, cdnRequests = 0;
        for (const QJsonValue& v : m_hub->log()) {
            const QJsonObject o = v.toObject();
            const QJsonObject headers = o["headers"].toObject();
            if (o["server"].toString() == "cdn") {
                ++cdnRequests;
                QVERIFY2(!headers.contains("authorization") && !headers.contains("cookie"), qPrintable(o["path"].toString()));
            } else {
                hubWithToken += headers["authorization"].toString() == QString("Bearer ") + kToken;
            }
        }
        QCOMPARE(cdnRequests, 3);
        QVERIFY(hubWithToken >= 10);
    }

    void mirrorNeverReceivesTheToken() {
        HubEndpoint mirror = endpoint(HubKind::HuggingFace, kToken);
        mirror.isMirror = true;
        auto client = makeHubClient(mirror);
        QVERIFY(client->modelInfo(kModel).ok());
        for (const QJsonValue& v : m_hub->log()) QVERIFY(!v.toObject()["headers"].toObject().contains("authorization"));
    }

    // Issue 21 item 7: when nothing listens at the hub's address, or no name server knows its
    // host, asking again seconds later does not help: the call gives up at once instead of
    // after five attempts with growing pauses (these would each take ten patiences).
    void unreachableHubIsNotRetried_data() {
        QTest::addColumn<QUrl>("url");
        QTest::addColumn<QByteArray>("proxy");  // http_proxy while it runs
        QTest::addColumn<FailureKind>("kind");
        QTest::newRow("connection refused") << test::closedLoopbackUrl() << QByteArray() << FailureKind::Refused;
        // RFC 6761: .invalid never resolves, and resolvers may answer so without the network.
        QTest::newRow("no such host") << QUrl("http://pagoda-test.invalid") << QByteArray() << FailureKind::Offline;
        // A TLS handshake with a server that speaks plain HTTP fails as a broken certificate would.
        QUrl tls = m_hub->hubUrl();
        tls.setScheme("https");
        QTest::newRow("TLS handshake fails") << tls << QByteArray() << FailureKind::Tls;
        QTest::newRow("proxy refuses") << m_hub->hubUrl() << test::closedLoopbackUrl().toString().toUtf8() << FailureKind::Proxy;
    }
    void unreachableHubIsNotRetried() {
        QFETCH(QUrl, url);
        QFETCH(QByteArray, proxy);
        QFETCH(FailureKind, kind);
        struct ProxyEnvironment {  // as curl reads it: lower-case http_proxy, NO_PROXY would bypass it
            QByteArray saved[3] = {qgetenv("http_proxy"), qgetenv("no_proxy"), qgetenv("NO_PROXY")};
            explicit ProxyEnvironment(const QByteArray& proxy) {
                if (proxy.isEmpty()) return;
                qputenv("http_proxy", proxy);
                qunsetenv("no_proxy");
                qunsetenv("NO_PROXY");
            }
            ~ProxyEnvironment() {
                const char* names[] = {"http_proxy", "no_proxy", "NO_PROXY"};
                for (int i = 0; i < 3; ++i) saved[i].isEmpty() ? void(qunsetenv(names[i])) : void(qputenv(names[i], saved[i]));
            }
        } environment(proxy);
        const auto pause = std::chrono::milliseconds(10 * test::kPatienceMs);
        HubConnection hub(HubEndpoint{HubKind::HuggingFace, url, {}, false}, RetryPolicy{5, pause, pause});
        std::atomic<bool> stop{false}, answered{false};
        std::thread patience([&] {
            for (int waited = 0; waited < test::kPatienceMs && !answered; waited += 50)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            stop = true;
        });
        auto answer = hub.call("GET", hub.url("/api/models"), {}, {}, &stop);
        answered = true;
        patience.join();
        QVERIFY(!answer.ok());
        QVERIFY2(answer.error().message != "stopped", "the call was waiting to try again");
        QCOMPARE(answer.error().kind, kind);
        QVERIFY2(answer.error().message.find(url.host().toStdString()) != std::string::npos, answer.error().message.c_str());
    }

    // libcurl's codes sorted into what a person can do about them.
    void curlFailuresAreSortedByWhatToDo_data() {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("osErrno");
        QTest::addColumn<bool>("proxy");
        QTest::addColumn<bool>("resolved");
        QTest::addColumn<FailureKind>("kind");
        QTest::newRow("no DNS answer") << int(CURLE_COULDNT_RESOLVE_HOST) << 0 << false << false << FailureKind::Offline;
        QTest::newRow("name server silent") << int(CURLE_OPERATION_TIMEDOUT) << 0 << false << false << FailureKind::Offline;
        QTest::newRow("no route") << int(CURLE_COULDNT_CONNECT) << ENETUNREACH << false << true << FailureKind::Offline;
        QTest::newRow("refused") << int(CURLE_COULDNT_CONNECT) << ECONNREFUSED << false << true << FailureKind::Refused;
        QTest::newRow("proxy refused") << int(CURLE_COULDNT_CONNECT) << ECONNREFUSED << true << true << FailureKind::Proxy;
        QTest::newRow("proxy unknown") << int(CURLE_COULDNT_RESOLVE_PROXY) << 0 << true << true << FailureKind::Proxy;
        QTest::newRow("proxy handshake") << int(CURLE_PROXY) << 0 << true << true << FailureKind::Proxy;
        QTest::newRow("timed out") << int(CURLE_OPERATION_TIMEDOUT) << 0 << false << true << FailureKind::Timeout;
        QTest::newRow("certificate") << int(CURLE_PEER_FAILED_VERIFICATION) << 0 << false << true << FailureKind::Tls;
        QTest::newRow("handshake") << int(CURLE_SSL_CONNECT_ERROR) << 0 << false << true << FailureKind::Tls;
        QTest::newRow("reset mid-answer") << int(CURLE_RECV_ERROR) << ECONNRESET << false << true << FailureKind::Dropped;
        QTest::newRow("unexplained") << int(CURLE_UNSUPPORTED_PROTOCOL) << 0 << false << true << FailureKind::Other;
    }
    void curlFailuresAreSortedByWhatToDo() {
        QFETCH(int, code);
        QFETCH(int, osErrno);
        QFETCH(bool, proxy);
        QFETCH(bool, resolved);
        QFETCH(FailureKind, kind);
        QCOMPARE(failureKindOfCurl(code, osErrno, proxy, resolved), kind);
    }

    // The hub's own answers keep their kind through the clients: a missing repo, a gated one,
    // a busy hub, on both hubs.
    void hubAnswersCarryTheirKind_data() {
        QTest::addColumn<HubKind>("hub");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("status");  // a status fault on every hub call, 0 for none
        QTest::addColumn<FailureKind>("kind");
        QTest::newRow("HF missing") << HubKind::HuggingFace << "Qwen/Does-Not-Exist" << 0 << FailureKind::NotFound;
        QTest::newRow("HF gated") << HubKind::HuggingFace << "Gated/Tiny" << 0 << FailureKind::NeedsToken;
        QTest::newRow("HF busy") << HubKind::HuggingFace << kModel << 503 << FailureKind::Busy;
        QTest::newRow("HF forbidden") << HubKind::HuggingFace << kModel << 403 << FailureKind::NoAccess;
        QTest::newRow("ModelScope missing") << HubKind::ModelScope << "Qwen/Does-Not-Exist" << 0 << FailureKind::NotFound;
        QTest::newRow("ModelScope busy") << HubKind::ModelScope << kModel << 502 << FailureKind::Busy;
        QTest::newRow("ModelScope login") << HubKind::ModelScope << kModel << 401 << FailureKind::NeedsToken;
    }
    void hubAnswersCarryTheirKind() {
        QFETCH(HubKind, hub);
        QFETCH(QString, model);
        QFETCH(int, status);
        QFETCH(FailureKind, kind);
        if (status) m_hub->addFaults({QJsonObject{{"kind", "status"}, {"path", "@/api/"}, {"status", status}, {"count", 0}}});
        // A gated repo's info is public; its files are not (the download below).
        if (model != "Gated/Tiny") {
            auto info = makeHubClient(endpoint(hub), RetryPolicy{1})->modelInfo(model);
            QVERIFY(!info.ok());
            QCOMPARE(info.error().kind, kind);
            if (status) QCOMPARE(info.error().httpStatus, status);
        }
        // And through a download, to the progress the window shows.
        DownloadQueue::Options o = options();
        o.transfer.retry.maxAttempts = 1;
        DownloadQueue queue(o);
        const QString key = queue.enqueue({hub, model, {}});
        QVERIFY(!waitFinished(queue).ok);
        QCOMPARE(queue.downloads().front().key, key);
        QCOMPARE(queue.downloads().front().failure, kind);
    }

    // The sentence says what to do next, naming the other hubs, the variable to set; the
    // technical message stays for the details.
    void adviceNamesTheNextStep() {
        const QString message = "GET https://huggingface.co/api/models/Qwen/Qwen3-4B: Couldn't resolve host name";
        FailureAdvice offline = adviceFor(FailureKind::Offline, 0, message, HubKind::HuggingFace, false);
        QVERIFY2(offline.sentence.contains("offline") && offline.sentence.contains("ModelScope or hf-mirror.com") &&
                     offline.sentence.contains("HTTPS_PROXY") && !offline.sentence.contains("huggingface.co/api"),
                 qPrintable(offline.sentence));
        QCOMPARE(offline.details, message);
        QVERIFY(offline.switchingHubHelps);
        QVERIFY(adviceFor(FailureKind::Offline, 0, message, HubKind::HuggingFace, true).sentence.contains("ModelScope or Hugging Face"));
        QVERIFY(adviceFor(FailureKind::Refused, 0, message, HubKind::ModelScope, false).sentence.contains("Hugging Face or hf-mirror.com"));
        QVERIFY(adviceFor(FailureKind::NeedsToken, 401, message, HubKind::HuggingFace, false).sentence.contains("HF_TOKEN"));
        QVERIFY(adviceFor(FailureKind::NeedsToken, 401, message, HubKind::ModelScope, false).sentence.contains("MODELSCOPE_API_TOKEN"));
        QVERIFY(adviceFor(FailureKind::Tls, 0, message, HubKind::HuggingFace, false).sentence.contains("certificate"));
        QVERIFY(adviceFor(FailureKind::Proxy, 0, message, HubKind::HuggingFace, false).sentence.contains("HTTPS_PROXY"));
        QVERIFY(adviceFor(FailureKind::Busy, 503, message, HubKind::HuggingFace, false).sentence.contains("HTTP 503"));
        QVERIFY(adviceFor(FailureKind::NotFound, 404, message, HubKind::HuggingFace, false).sentence.contains("HTTP 404"));
        // Not the network's doing: its own message is the best sentence there is.
        const FailureAdvice disk = adviceFor(FailureKind::Other, 0, "not enough disk space in /home", HubKind::HuggingFace, false);
        QCOMPARE(disk.sentence, QString("not enough disk space in /home"));
        QVERIFY(disk.details.isEmpty());
    }

    void modelScopeErrorEnvelopesBecomeClearErrors() {
        auto client = makeHubClient(endpoint(HubKind::ModelScope));
        auto missing = client->modelInfo("Qwen/Does-Not-Exist");
        QVERIFY(!missing.ok());
        QVERIFY2(QString::fromStdString(missing.error().message).contains("not found"), missing.error().message.c_str());
        m_hub->addFaults({QJsonObject{{"kind", "ms_envelope_error"}, {"path", "@/api/v1/models/Qwen/Tiny-Chat"}}});
        auto failed = client->modelInfo(kModel);  // HTTP 200 with Success:false
        QVERIFY(!failed.ok());
        QVERIFY2(QString::fromStdString(failed.error().message).contains("Code 10010205"), failed.error().message.c_str());
    }

    void unsafeFileNamesAreRefused_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("parent") << "../../evil.json";
        QTest::newRow("absolute") << "/tmp/evil.json";
        QTest::newRow("backslash") << "..\\evil.json";
        QTest::newRow("inner parent") << "sub/../../evil.json";
        QTest::newRow("control") << "evil\x01.json";
    }
    void unsafeFileNamesAreRefused() {
        QFETCH(QString, name);
        const QString id = "Evil/Repo-" + QString::number(qHash(name));
        m_hub->addRepo(id, m_source.path(), QJsonObject{{"extra_files", QJsonArray{QJsonObject{{"path", name}, {"size", 10}}}}});
        for (HubKind kind : {HubKind::HuggingFace, HubKind::ModelScope}) {
            const Finished result = pull(kind, id);
            QVERIFY(!result.ok);
            QVERIFY2(result.message.contains("unsafe file name"), qPrintable(result.message));
        }
        QVERIFY(!QFileInfo::exists(m_work->path() + "/models/" + hubName(HubKind::HuggingFace) + "/" + id));
        QDirIterator it(m_work->path(), {"*evil*"}, QDir::AllEntries | QDir::Hidden, QDirIterator::Subdirectories);
        QVERIFY(!it.hasNext());
        QVERIFY(!QFileInfo::exists("/tmp/evil.json"));
    }

    void cancelRemovesEverythingItWrote() {
        m_hub->addFaults({shardGate()});
        DownloadQueue queue(gatedOptions());
        const QString key = queue.enqueue({HubKind::HuggingFace, kModel, {}});
        m_hub->releasePieces(1);
        waitForShardPieces(queue, 1);  // mid-file: the rest never comes
        QSignalSpy spy(&queue, &DownloadQueue::finished);
        queue.cancel(key);
        QVERIFY(spy.wait(test::kPatienceMs));
        QVERIFY(!spy.at(0).at(1).toBool());
        QVERIFY(!QFileInfo::exists(folderFor(HubKind::HuggingFace, kModel)));
        QVERIFY(incompleteFiles(m_work->path()).isEmpty());
        QVERIFY(!QFile(m_work->path() + "/downloads.json").open(QIODevice::ReadOnly) ||
                !readAll(m_work->path() + "/downloads.json").contains("Tiny-Chat"));
    }

    void pauseKeepsThePartialFileAndResumeCompletes() {
        m_hub->addFaults({shardGate()});
        DownloadQueue queue(gatedOptions());
        const QString key = queue.enqueue({HubKind::HuggingFace, kModel, {}});
        const QString folder = folderFor(HubKind::HuggingFace, kModel);
        m_hub->releasePieces(2);
        waitForShardPieces(queue, 2);
        queue.pause(key);
        QCOMPARE(queue.downloads().front().state, DownloadState::Paused);
        // Once no worker runs, the partial file is closed and nothing can write to it.
        QTRY_COMPARE_WITH_TIMEOUT(queue.downloads().front().filesTransferring, 0, test::kPatienceMs);
        const qint64 kept = QFileInfo(folder + "/" + kShard + kIncompleteSuffix).size();
        QCOMPARE(kept, 2 * kPieceBytes);
        QVERIFY(!QFileInfo::exists(folder + "/" + kShard));
        QVERIFY(!readManifest(folder)->complete);
        m_hub->releasePieces(1000);  // the paused transfer's connection is closed: none of it arrives
        QTest::qWait(500);
        QCOMPARE(QFileInfo(folder + "/" + kShard + kIncompleteSuffix).size(), kept);

        QSignalSpy spy(&queue, &DownloadQueue::finished);
        queue.resume(key);
        QVERIFY(spy.wait(test::kPatienceMs));
        QVERIFY2(spy.at(0).at(1).toBool(), qPrintable(spy.at(0).at(2).toString()));
        verifyDownloaded(folder);
    }

    void renamedRepoIsStoredUnderItsCanonicalId() {
        m_hub->addRepo("zai-org/tiny-glm-new", m_source.path(), QJsonObject{{"renamed_from", "THUDM/tiny-glm-old"}});
        auto info = makeHubClient(endpoint(HubKind::HuggingFace))->modelInfo("THUDM/tiny-glm-old");
        QVERIFY2(info.ok(), info.ok() ? "" : info.error().message.c_str());
        QCOMPARE(info->id, QString("zai-org/tiny-glm-new"));
    }

    // The test is the transfer's clock: the fake hub sends the shard one piece per release, so
    // the periodic report after each piece has seen the bytes grow, on an idle machine or a
    // loaded one, and must give a speed and an ETA.
    void progressReportsBytesSpeedAndEta() {
        m_hub->addFaults({shardGate()});
        DownloadQueue queue(gatedOptions());
        QSignalSpy progress(&queue, &DownloadQueue::progress);
        QSignalSpy finished(&queue, &DownloadQueue::finished);
        queue.enqueue({HubKind::HuggingFace, kModel, {}});
        // A report while downloading, with at least `atLeast` bytes done, that has speed and ETA.
        const auto reportedRateAt = [&](qint64 atLeast) {
            for (const auto& args : progress) {
                const auto p = args.at(0).value<DownloadProgress>();
                if (p.state == DownloadState::Downloading && p.bytesTotal > 0 && p.bytesDone >= atLeast &&
                    p.bytesPerSecond > 0 && p.etaSeconds >= 0)
                    return true;
            }
            return false;
        };
        waitForShardPieces(queue, 0);
        const qint64 shardSize = QFileInfo(m_source.path() + "/" + kShard).size();
        const qint64 otherFiles = queue.downloads().front().bytesTotal - shardSize;
        for (int piece = 1; piece <= 3; ++piece) {
            m_hub->releasePieces(1);
            QTRY_VERIFY_WITH_TIMEOUT(reportedRateAt(otherFiles + piece * kPieceBytes), test::kPatienceMs);
        }
        m_hub->releasePieces(1000);
        QVERIFY(finished.wait(test::kPatienceMs));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        qint64 total = 0;
        for (const auto& args : progress) {
            const auto p = args.at(0).value<DownloadProgress>();
            total = std::max(total, p.bytesTotal);
            QVERIFY(p.bytesDone <= p.bytesTotal || p.bytesTotal == 0);
        }
        QCOMPARE(total, otherFiles + shardSize);
        const auto last = progress.last().at(0).value<DownloadProgress>();
        QCOMPARE(last.state, DownloadState::Completed);
        QCOMPARE(last.bytesDone, last.bytesTotal);
        QCOMPARE(last.filesDone, last.filesTotal);
    }
};

QTEST_GUILESS_MAIN(HubDownloadTest)
#include "hub_download_test.moc"
