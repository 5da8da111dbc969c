// `pagoda pull | search | list | rm` and `--model <hub id>` as a user runs them: the real
// executable against tests/tools/fake_hub.py on loopback, in this suite's own XDG folders.
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include "tests/support/chat_model_dir.h"
#include "tests/support/fake_hub_process.h"
#include "tests/support/patience.h"
#include "tests/support/process_run.h"

namespace {

const char* kToken = "hf_cli_token";

using Run = pagoda::test::ProcessRun;

Run runProgram(const QString& program, const QStringList& arguments, const QProcessEnvironment& env) {
    pagoda::test::ProcessOptions options;
    options.environment = env;
    options.timeoutMs = 120000;
    return pagoda::test::runProcess(program, arguments, options);
}

QProcessEnvironment cleanEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"HF_TOKEN", "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "MODELSCOPE_API_TOKEN", "MODELSCOPE_CACHE"})
        env.remove(name);
    return env;
}

QString modelsRoot() { return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/pagoda/models"; }

}  // namespace

class HubCliTest : public QObject {
    Q_OBJECT

    std::unique_ptr<pagoda::test::FakeHubProcess> m_hub;
    QTemporaryDir m_source;

    Run pagoda(const QStringList& arguments, QProcessEnvironment env = cleanEnvironment()) {
        return runProgram(PAGODA_EXECUTABLE, arguments, env);
    }
    QString endpoint() const { return m_hub->hubUrl().toString(); }

    // The models this test downloaded: the demo model beside the executable is always listed.
    QJsonArray listed() {
        const Run list = pagoda({"list", "--json"});
        if (list.exitCode != 0) qFatal("pagoda list failed: %s", qPrintable(list.err));
        QJsonArray downloaded;
        for (const QJsonValue& m : QJsonDocument::fromJson(list.out.toUtf8()).array())
            if (m["id"].toString() != "pagoda/demo") downloaded.append(m);
        return downloaded;
    }

private slots:
    void initTestCase() {
        m_hub = std::make_unique<pagoda::test::FakeHubProcess>(QStringList{kToken});
        QVERIFY2(m_hub->running(), qPrintable(m_hub->startError()));
        pagoda::test::makeChatModelDir(m_source.path().toStdString(), "qwen3-gqa7-bf16-sharded");
        m_hub->addRepo("Qwen/Tiny-Chat", m_source.path(), QJsonObject{{"downloads", 10}});
        m_hub->addRepo("Gated/Tiny-Chat", m_source.path(), QJsonObject{{"gated", "auto"}, {"downloads", 5}});
    }

    void init() {
        QDir(modelsRoot()).removeRecursively();
        QFile::remove(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/pagoda/downloads.json");
        m_hub->reset();
    }

    void pullListGenerateAndRemoveByHubId() {
        const Run pull = pagoda({"pull", "Qwen/Tiny-Chat", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        const QString folder = modelsRoot() + "/huggingface/Qwen/Tiny-Chat";
        QCOMPARE(pull.out.trimmed(), folder);

        const QJsonArray models = listed();
        QCOMPARE(models.size(), 1);
        const QJsonObject m = models[0].toObject();
        QCOMPARE(m["id"].toString(), QString("Qwen/Tiny-Chat"));
        QCOMPARE(m["status"].toString(), QString("ready"));
        QCOMPARE(m["architecture"].toString(), QString("Qwen3ForCausalLM"));
        QCOMPARE(m["dtype"].toString(), QString("BF16"));
        QVERIFY(m["parameters"].toDouble() > 0);
        QVERIFY(!m["fit"].toString().isEmpty());

        // --model takes the hub id, in any case, in every serving command.
        const Run generate = pagoda({"generate", "--model", "qwen/tiny-chat", "--prompt", "hello", "--max-tokens", "3"});
        QVERIFY2(generate.exitCode == 0, qPrintable(generate.err));
        const Run table = pagoda({"list"});
        QVERIFY(table.out.contains("huggingface:Qwen/Tiny-Chat") && table.out.contains("ready"));

        const Run rm = pagoda({"rm", "Qwen/Tiny-Chat"});
        QVERIFY2(rm.exitCode == 0, qPrintable(rm.err));
        QVERIFY(!QFileInfo::exists(folder));
        QCOMPARE(listed().size(), 0);
        const Run missing = pagoda({"generate", "--model", "Qwen/Tiny-Chat", "--prompt-ids", "1"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("pagoda pull Qwen/Tiny-Chat"), qPrintable(missing.err));
    }

    void demoModelIsListedUsableByIdAndNotRemovable() {
        const Run list = pagoda({"list", "--json"});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QJsonObject demo;
        for (const QJsonValue& m : QJsonDocument::fromJson(list.out.toUtf8()).array())
            if (m["id"].toString() == "pagoda/demo") demo = m.toObject();
        QCOMPARE(demo["source"].toString(), QString("built in"));
        QCOMPARE(demo["status"].toString(), QString("ready"));
        const Run generate = pagoda({"generate", "--model", "pagoda/demo", "--prompt", "hello", "--max-tokens", "3"});
        QVERIFY2(generate.exitCode == 0, qPrintable(generate.err));
        const Run rm = pagoda({"rm", "pagoda/demo"});
        QCOMPARE(rm.exitCode, 1);
        QVERIFY2(rm.err.contains("installed with Pagoda"), qPrintable(rm.err));
    }

    void pullFromModelScope() {
        const Run pull = pagoda({"pull", "Qwen/Tiny-Chat", "--hub", "modelscope", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        QCOMPARE(pull.out.trimmed(), modelsRoot() + "/modelscope/Qwen/Tiny-Chat");
        const Run generate = pagoda({"generate", "--model", "modelscope:Qwen/Tiny-Chat", "--prompt-ids", "1,2", "--max-tokens", "2"});
        QVERIFY2(generate.exitCode == 0, qPrintable(generate.err));
    }

    void searchListsModelsWithDownloads() {
        const Run search = pagoda({"search", "tiny", "--endpoint", endpoint()});
        QVERIFY2(search.exitCode == 0, qPrintable(search.err));
        const QStringList lines = search.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);  // the header and both models
        QVERIFY(lines[1].startsWith("Qwen/Tiny-Chat") && lines[1].contains(" 10 "));
        QVERIFY(lines[2].startsWith("Gated/Tiny-Chat"));
        const Run bad = pagoda({"search", "x", "--hub", "gitlab"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("huggingface or modelscope"));
    }

    // A hub nothing answers at: search and pull say what happened and the flags that try
    // elsewhere, with the URL kept as details, as the window does.
    void unreachableHubSaysWhatToDoNext() {
        const QString closed = pagoda::test::closedLoopbackUrl().toString();
        for (const QString& command : {QString("search"), QString("pull")}) {
            const Run run = pagoda({command, command == "pull" ? "Qwen/Tiny-Chat" : "tiny", "--endpoint", closed});
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains("refused the connection") && run.err.contains("(--hub modelscope, or --mirror)") &&
                         run.err.contains("details: ") && run.err.contains("127.0.0.1"),
                     qPrintable(command + ": " + run.err));
        }
    }

    // libcurl reads the proxy variables itself; this shows they reach it: a proxy that
    // refuses connections breaks the search, and NO_PROXY for the hub's host mends it.
    void proxyVariablesAreHonoured() {
        QProcessEnvironment env = cleanEnvironment();
        env.insert("http_proxy", "http://127.0.0.1:9");
        env.insert("HTTPS_PROXY", "http://127.0.0.1:9");
        env.remove("no_proxy");
        env.remove("NO_PROXY");
        const Run proxied = pagoda({"search", "tiny", "--endpoint", endpoint()}, env);
        QCOMPARE(proxied.exitCode, 1);
        QVERIFY2(proxied.err.contains("proxy", Qt::CaseInsensitive) || proxied.err.contains("connect", Qt::CaseInsensitive),
                 qPrintable(proxied.err));
        env.insert("NO_PROXY", "127.0.0.1");
        const Run direct = pagoda({"search", "tiny", "--endpoint", endpoint()}, env);
        QVERIFY2(direct.exitCode == 0, qPrintable(direct.err));
    }

    void gatedPullUsesHfTokenFromTheEnvironment() {
        const Run anonymous = pagoda({"pull", "Gated/Tiny-Chat", "--endpoint", endpoint()});
        QCOMPARE(anonymous.exitCode, 1);
        QVERIFY2(anonymous.err.contains("gated") && anonymous.err.contains("HF_TOKEN"), qPrintable(anonymous.err));
        QProcessEnvironment env = cleanEnvironment();
        env.insert("HF_TOKEN", kToken);
        env.insert("HF_ENDPOINT", endpoint());  // the user's own hub: it gets the token
        const Run withToken = pagoda({"pull", "Gated/Tiny-Chat"}, env);
        QVERIFY2(withToken.exitCode == 0, qPrintable(withToken.err));
        for (const QJsonValue& v : m_hub->log())
            if (v.toObject()["server"].toString() == "cdn") QVERIFY(!v.toObject()["headers"].toObject().contains("authorization"));
    }

    void pullResumesAfterTheProcessIsKilled() {
        // The file moves 8 KiB per release, so it is mid-file when the process is killed.
        m_hub->addFaults({QJsonObject{{"kind", "gate"}, {"path", "model-00003"}, {"step_bytes", 8192}, {"count", 0}}});
        m_hub->releasePieces(4);
        const QString partial = modelsRoot() + "/huggingface/Qwen/Tiny-Chat/model-00003-of-00003.safetensors.incomplete";
        QProcess first;
        first.setProcessEnvironment(cleanEnvironment());
        first.start(PAGODA_EXECUTABLE, {"pull", "Qwen/Tiny-Chat", "--endpoint", endpoint()});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() > 15000, pagoda::test::kPatienceMs);
        first.kill();  // SIGKILL: no chance to clean up
        QVERIFY(first.waitForFinished(pagoda::test::kPatienceMs));
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY(kept > 0);
        m_hub->releasePieces(1000);

        const Run second = pagoda({"pull", "Qwen/Tiny-Chat", "--endpoint", endpoint()});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY(!QFileInfo::exists(partial));
        QCOMPARE(listed()[0].toObject()["status"].toString(), QString("ready"));
        QString lastRange;
        for (const QJsonValue& v : m_hub->log())
            if (v.toObject()["path"].toString().contains("model-00003") && v.toObject()["server"].toString() == "cdn")
                lastRange = v.toObject()["range"].toString();
        QVERIFY2(lastRange.startsWith("bytes=") && lastRange.mid(6).chopped(1).toLongLong() >= kept - 1 &&
                     lastRange.mid(6).chopped(1).toLongLong() > 0,
                 qPrintable(lastRange));
    }

    // A real small filesystem: a tmpfs mounted over the data folder in a private mount
    // namespace, so nothing outside this one process sees it.
    void notEnoughDiskSpaceFailsBeforeDownloading() {
        const QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
        QDir().mkpath(data);
        const QString script = QString("mount -t tmpfs -o size=1m tmpfs '%1' && exec '%2' pull Qwen/Tiny-Chat --endpoint %3")
                                   .arg(data, PAGODA_EXECUTABLE, endpoint());
        // Root has the right to a mount namespace of its own; anyone else gets it inside a user
        // namespace (which a chroot, such as scripts/fresh-machine-check.sh's, does not allow).
        QStringList unshare{"--mount"};
        if (::geteuid() != 0) unshare << "--map-root-user";
        const Run run = runProgram("unshare", unshare << "sh" << "-c" << script, cleanEnvironment());
        QVERIFY2(!run.err.contains("unshare failed") && !run.err.contains("mount:"),
                 qPrintable("this test needs a private mount namespace (unshare --mount): " + run.err));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("not enough disk space") && run.err.contains("free"), qPrintable(run.err));
        for (const QJsonValue& v : m_hub->log()) QVERIFY2(!v.toObject()["path"].toString().contains("/resolve/"), "nothing was downloaded");
    }

    void rmOfAnUnfinishedDownloadDeletesItsFiles() {
        m_hub->addFaults({QJsonObject{{"kind", "status"}, {"path", "model-00003"}, {"status", 404}}});
        const Run pull = pagoda({"pull", "Qwen/Tiny-Chat", "--endpoint", endpoint()});
        QCOMPARE(pull.exitCode, 1);
        const QString folder = modelsRoot() + "/huggingface/Qwen/Tiny-Chat";
        QVERIFY(QFileInfo::exists(folder));
        QCOMPARE(listed()[0].toObject()["status"].toString(), QString("incomplete"));
        const Run rm = pagoda({"rm", "Qwen/Tiny-Chat"});
        QVERIFY2(rm.exitCode == 0, qPrintable(rm.err));
        QVERIFY(!QFileInfo::exists(folder));
    }
};

QTEST_GUILESS_MAIN(HubCliTest)
#include "hub_cli_test.moc"
