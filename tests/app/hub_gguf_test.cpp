// The hub side of GGUF models (issue 18, item 5): which file a :TAG names, and `pagoda pull
// Owner/Repo-GGUF:TAG | --file`, `list`, `search`, `rm` and `--model Owner/Repo:TAG` as a
// user runs them: the real executable against tests/tools/fake_hub.py on loopback, whose GGUF
// repos are listed as the real hubs list them (LFS sha256 and sizes, split parts).
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "app/hub/download_queue.h"
#include "app/hub/gguf_quants.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/fake_hub_process.h"
#include "tests/support/patience.h"
#include "tests/support/process_run.h"
#include "tests/support/tiny_gguf.h"

using namespace pagoda;
using hub::HubFile;

namespace {

using Run = test::ProcessRun;

QProcessEnvironment cleanEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"HF_TOKEN", "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "MODELSCOPE_API_TOKEN", "MODELSCOPE_CACHE"})
        env.remove(name);
    return env;
}

QString modelsRoot() { return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/pagoda/models"; }

std::vector<HubFile> listing(const QStringList& paths) {
    std::vector<HubFile> files;
    for (const QString& p : paths) files.push_back(HubFile{p, 1000, QString(64, 'a'), {}, true});
    return files;
}

QString sha256(const QByteArray& bytes) { return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex(); }

// Every file under `folder`, relative, hidden ones included, sorted.
QStringList filesUnder(const QString& folder) {
    QStringList out;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) out << QDir(folder).relativeFilePath(it.next());
    out.sort();
    return out;
}

}  // namespace

class HubGgufTest : public QObject {
    Q_OBJECT

    std::unique_ptr<test::FakeHubProcess> m_hub;
    QTemporaryDir m_sources;
    QByteArray m_q4km, m_q8;

    Run pagoda(const QStringList& arguments) {
        test::ProcessOptions options;
        options.environment = cleanEnvironment();
        options.timeoutMs = 120000;
        return test::runProcess(PAGODA_EXECUTABLE, arguments, options);
    }
    QString endpoint() const { return m_hub->hubUrl().toString(); }
    QString tinyFolder(const QString& hub = "huggingface") const { return modelsRoot() + "/" + hub + "/Qwen/Tiny-GGUF"; }

    // `pagoda list --json`, without the demo model.
    QJsonArray listed() {
        const Run list = pagoda({"list", "--json"});
        if (list.exitCode != 0) qFatal("pagoda list failed: %s", qPrintable(list.err));
        QJsonArray out;
        for (const QJsonValue& m : QJsonDocument::fromJson(list.out.toUtf8()).array())
            if (m["id"].toString() != "pagoda/demo") out.append(m);
        return out;
    }

    QString addRepo(const QString& id, const QMap<QString, QByteArray>& files, const QJsonObject& meta = {}) {
        const QString dir = m_sources.path() + "/" + id;
        for (auto it = files.begin(); it != files.end(); ++it) test::writeFile(dir + "/" + it.key(), it.value());
        return m_hub->addRepo(id, dir, meta);
    }

private slots:
    void initTestCase() {
        m_hub = std::make_unique<test::FakeHubProcess>();
        QVERIFY2(m_hub->running(), qPrintable(m_hub->startError()));
        // A safetensors model whose config.json the GGUF repo names as its base model.
        QTemporaryDir chat;
        test::makeChatModelDir(chat.path().toStdString(), "qwen3-gqa7-bf16-sharded");
        m_hub->addRepo("Qwen/Tiny-Chat", chat.path());

        m_q4km = test::tinyGgufModel(4000);
        m_q8 = test::tinyGgufModel(8000);
        addRepo("Qwen/Tiny-GGUF",
                {{"tiny-q4_k_m.gguf", m_q4km},
                 {"tiny-q4_k_s.gguf", test::tinyGgufModel(3000)},
                 {"tiny-q8_0.gguf", m_q8},
                 {"tiny-q8_0_l.gguf", test::tinyGgufModel(9000)},
                 {"tiny-f16-00001-of-00002.gguf", test::tinyGgufPart(1, 2, 60000)},
                 {"tiny-f16-00002-of-00002.gguf", test::tinyGgufPart(2, 2, 60000)},
                 {"mmproj-tiny-f16.gguf", QByteArray(100, 'm')},
                 {"README.md", "# Tiny GGUF\n"},
                 {"LICENSE", "Apache-2.0\n"}},
                QJsonObject{{"base_model", "Qwen/Tiny-Chat"}, {"downloads", 7}});
        addRepo("Qwen/NoDefault-GGUF", {{"nodefault-Q5_K_M.gguf", test::tinyGgufModel(5000)},
                                        {"nodefault-Q8_0.gguf", test::tinyGgufModel(8000)}});
        // The listing lies: a wrong sha256 for one file, a size smaller than the bytes for another.
        addRepo("Liar/Tiny-GGUF", {{"liar-q4_k_m.gguf", m_q4km}, {"liar-q8_0.gguf", m_q8}},
                QJsonObject{{"listing_lies",
                             QJsonObject{{"liar-q4_k_m.gguf", QJsonObject{{"sha256", sha256("something else")}}},
                                         {"liar-q8_0.gguf", QJsonObject{{"size", m_q8.size() - 100}}}}}});
        // llama.cpp's own files (tests/fixtures/gguf-models), named as GGUF repos name them: a
        // split Q4_K_M (qwen3) and a Q8_0 (qwen2), for pull and then chat.
        const QString fixtures = PAGODA_SOURCE_DIR "/tests/fixtures/gguf-models/";
        auto fixture = [&](const QString& path) {
            QFile file(fixtures + path);
            if (!file.open(QIODevice::ReadOnly)) qFatal("missing fixture %s", qPrintable(path));
            return file.readAll();
        };
        addRepo("Qwen/Fixture-GGUF",
                {{"fixture-q4_k_m-00001-of-00002.gguf", fixture("qwen3-Q4_K_M-split/qwen3-Q4_K_M-split-00001-of-00002.gguf")},
                 {"fixture-q4_k_m-00002-of-00002.gguf", fixture("qwen3-Q4_K_M-split/qwen3-Q4_K_M-split-00002-of-00002.gguf")},
                 {"fixture-q8_0.gguf", fixture("qwen2-Q8_0/qwen2-Q8_0.gguf")}});
        addRepo("Broken/Split-GGUF", {{"broken-q4_k_m-00001-of-00003.gguf", test::tinyGgufPart(1, 3, 100)},
                                      {"broken-q4_k_m-00003-of-00003.gguf", test::tinyGgufPart(3, 3, 100)}});
    }

    void init() {
        QDir(modelsRoot()).removeRecursively();
        QFile::remove(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/pagoda/downloads.json");
        m_hub->reset();
    }

    // --- which file a tag names ---

    void tagIsTheQuantWordOfTheFileName_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("tag");
        QTest::newRow("qwen lower case") << "qwen2.5-7b-instruct-q4_k_m.gguf" << "Q4_K_M";
        QTest::newRow("split part") << "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf" << "Q4_K_M";
        QTest::newRow("upper case") << "Qwen3-8B-Q4_K_M.gguf" << "Q4_K_M";
        QTest::newRow("dot separated") << "Meta-Llama-3-8B-Instruct.Q8_0.gguf" << "Q8_0";
        QTest::newRow("bartowski _L") << "Qwen2.5-7B-Instruct-Q8_0_L.gguf" << "Q8_0_L";
        QTest::newRow("i-quant") << "model-IQ4_XS.gguf" << "IQ4_XS";
        QTest::newRow("unsloth UD") << "Qwen3-8B-UD-Q4_K_XL.gguf" << "UD-Q4_K_XL";
        QTest::newRow("float") << "ggml-model-f16.gguf" << "F16";
        QTest::newRow("bf16 in a folder") << "BF16/Qwen3-8B-BF16-00001-of-00002.gguf" << "BF16";
        QTest::newRow("no quant word") << "model.gguf" << "";
        QTest::newRow("a model name is not a quant") << "qwen2.gguf" << "";
        QTest::newRow("not gguf") << "model-q4_k_m.safetensors" << "";
    }
    void tagIsTheQuantWordOfTheFileName() {
        QFETCH(QString, file);
        QFETCH(QString, tag);
        QCOMPARE(hub::ggufQuantTag(file), tag);
    }

    void tagsMatchWholeAndIgnoringCase() {
        auto quants = hub::ggufQuants(listing({"m-Q4_K_M.gguf", "m-Q4_K_S.gguf", "m-Q8_0.gguf", "m-Q8_0_L.gguf",
                                               "m-q6_k-00001-of-00002.gguf", "m-q6_k-00002-of-00002.gguf", "README.md"}),
                                      "o/m");
        QVERIFY(quants);
        QCOMPARE(quants->size(), size_t(5));
        auto pick = [&](const QString& tag) { return hub::chooseGgufQuant(*quants, tag, {}, "o/m"); };
        QCOMPARE(pick("q4_k_m")->quant.firstPart().path, QString("m-Q4_K_M.gguf"));
        QCOMPARE(pick("Q4_K_S")->quant.firstPart().path, QString("m-Q4_K_S.gguf"));
        QCOMPARE(pick("q8_0")->quant.firstPart().path, QString("m-Q8_0.gguf"));
        QCOMPARE(pick("Q8_0_l")->quant.firstPart().path, QString("m-Q8_0_L.gguf"));
        QCOMPARE(pick("Q6_K")->quant.parts.size(), size_t(2));
        QCOMPARE(pick("Q6_K")->quant.bytes, qint64(2000));
        QVERIFY(!pick("Q4_K"));
        QVERIFY(!pick("Q8"));
        QVERIFY(!pick("Q4_K_M_L"));
        // --file: any part brings the whole set.
        auto byFile = hub::chooseGgufQuant(*quants, {}, "m-q6_k-00002-of-00002.gguf", "o/m");
        QVERIFY(byFile);
        QCOMPARE(byFile->quant.parts.size(), size_t(2));
    }

    void oneTagForTwoModelsIsAnErrorNotAGuess() {
        auto quants = hub::ggufQuants(listing({"base-Q4_K_M.gguf", "instruct-Q4_K_M.gguf"}), "o/m");
        QVERIFY(quants);
        auto choice = hub::chooseGgufQuant(*quants, "Q4_K_M", {}, "o/m");
        QVERIFY(!choice);
        QVERIFY2(QString::fromStdString(choice.error().message).contains("base-Q4_K_M.gguf, instruct-Q4_K_M.gguf") &&
                     QString::fromStdString(choice.error().message).contains("--file"),
                 choice.error().message.c_str());
    }

    void brokenSplitSetsAreRefusedNamingThePart() {
        auto missing = hub::ggufQuants(listing({"m-q8_0-00001-of-00003.gguf", "m-q8_0-00003-of-00003.gguf"}), "o/m");
        QVERIFY(!missing);
        QVERIFY2(missing.error().message.find("without part 2 of 3 (m-q8_0-00002-of-00003.gguf)") != std::string::npos,
                 missing.error().message.c_str());
        auto last = hub::ggufQuants(listing({"m-q8_0-00001-of-00002.gguf"}), "o/m");
        QVERIFY(!last);
        QVERIFY2(last.error().message.find("without part 2 of 2") != std::string::npos, last.error().message.c_str());
        auto counts = hub::ggufQuants(listing({"m-q8_0-00001-of-00002.gguf", "m-q8_0-00002-of-00003.gguf"}), "o/m");
        QVERIFY(!counts);
        QVERIFY2(counts.error().message.find("parts of 2 and of 3") != std::string::npos, counts.error().message.c_str());
        std::vector<HubFile> sizeless = listing({"m-q8_0.gguf"});
        sizeless[0].size = -1;
        auto unsized = hub::ggufQuants(sizeless, "o/m");
        QVERIFY(!unsized);
        QVERIFY2(unsized.error().message.find("without a size for m-q8_0.gguf") != std::string::npos, unsized.error().message.c_str());
    }

    void quantTagIsSplitOffTheModelArgument() {
        QCOMPARE(hub::splitQuantTag("Qwen/X-GGUF:Q4_K_M"), std::make_pair(QString("Qwen/X-GGUF"), QString("Q4_K_M")));
        QCOMPARE(hub::splitQuantTag("modelscope:Qwen/X-GGUF:q8_0"),
                 std::make_pair(QString("modelscope:Qwen/X-GGUF"), QString("q8_0")));
        QCOMPARE(hub::splitQuantTag("modelscope:Qwen/X"), std::make_pair(QString("modelscope:Qwen/X"), QString()));
    }

    // --- pull ---

    void pullByTagTakesOnlyThatFileAnyCase() {
        const Run pull = pagoda({"pull", "qwen/tiny-gguf:Q8_0", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        QCOMPARE(pull.out.trimmed(), tinyFolder() + "/tiny-q8_0.gguf");
        QCOMPARE(filesUnder(tinyFolder()), QStringList({".pagoda-manifest.Q8_0.json", "LICENSE", "README.md", "tiny-q8_0.gguf"}));
        QFile file(tinyFolder() + "/tiny-q8_0.gguf");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_q8);
        // Never another quant's bytes, not even Q8_0_L.
        for (const QJsonValue& v : m_hub->log()) {
            const QString path = v.toObject()["path"].toString();
            QVERIFY2(!path.contains("q8_0_l") && !path.contains("q4_k") && !path.contains("f16"), qPrintable(path));
        }
    }

    void pullOfASplitQuantTakesEveryPart() {
        const Run pull = pagoda({"pull", "Qwen/Tiny-GGUF:f16", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        QCOMPARE(pull.out.trimmed(), tinyFolder() + "/tiny-f16-00001-of-00002.gguf");
        QCOMPARE(filesUnder(tinyFolder()), QStringList({".pagoda-manifest.F16.json", "LICENSE", "README.md",
                                                         "tiny-f16-00001-of-00002.gguf", "tiny-f16-00002-of-00002.gguf"}));
    }

    void pullByFileTakesItsWholeSet() {
        const Run pull = pagoda({"pull", "Qwen/Tiny-GGUF", "--file", "tiny-f16-00002-of-00002.gguf", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        QCOMPARE(pull.out.trimmed(), tinyFolder() + "/tiny-f16-00001-of-00002.gguf");
        QVERIFY(QFileInfo::exists(tinyFolder() + "/tiny-f16-00002-of-00002.gguf"));
        const Run unknown = pagoda({"pull", "Qwen/Tiny-GGUF", "--file", "nope.gguf", "--endpoint", endpoint()});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("no GGUF file 'nope.gguf'") && unknown.err.contains("tiny-q4_k_m.gguf"), qPrintable(unknown.err));
    }

    void pullWithoutTagTakesQ4KMAndSaysSo() {
        const Run pull = pagoda({"pull", "Qwen/Tiny-GGUF", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        const QStringList lines = pull.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].startsWith("Qwen/Tiny-GGUF has 5 quantizations; taking Q4_K_M (") &&
                     lines[0].contains("Others: Q4_K_S ") && lines[0].contains("Q8_0_L ") && lines[0].contains("F16 ") &&
                     lines[0].contains("name one with Qwen/Tiny-GGUF:TAG") && !lines[0].contains("mmproj"),
                 qPrintable(lines[0]));
        QCOMPARE(lines[1], tinyFolder() + "/tiny-q4_k_m.gguf");
        QCOMPARE(filesUnder(tinyFolder()), QStringList({".pagoda-manifest.Q4_K_M.json", "LICENSE", "README.md", "tiny-q4_k_m.gguf"}));
    }

    void pullWithoutTagAndWithoutQ4KMRefusesListingTags() {
        const Run pull = pagoda({"pull", "Qwen/NoDefault-GGUF", "--endpoint", endpoint()});
        QCOMPARE(pull.exitCode, 1);
        QVERIFY2(pull.err.contains("has 2 quantizations and no Q4_K_M") && pull.err.contains("Q5_K_M") &&
                     pull.err.contains("Q8_0") && pull.err.contains("Qwen/NoDefault-GGUF:TAG"),
                 qPrintable(pull.err));
        QVERIFY(!QFileInfo::exists(modelsRoot() + "/huggingface/Qwen/NoDefault-GGUF"));
    }

    void unknownTagIsAnErrorListingTheTags() {
        const Run pull = pagoda({"pull", "Qwen/Tiny-GGUF:Q5_K_M", "--endpoint", endpoint()});
        QCOMPARE(pull.exitCode, 1);
        QVERIFY2(pull.err.contains("has no quantization Q5_K_M") && pull.err.contains("Q4_K_M") &&
                     pull.err.contains("Q8_0_L") && pull.err.contains("F16"),
                 qPrintable(pull.err));
        for (const QJsonValue& v : m_hub->log()) QVERIFY(!v.toObject()["path"].toString().contains(".gguf"));
    }

    void pullFromModelScopeByTag() {
        const Run pull = pagoda({"pull", "Qwen/Tiny-GGUF:Q4_K_M", "--hub", "modelscope", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        QCOMPARE(pull.out.trimmed(), tinyFolder("modelscope") + "/tiny-q4_k_m.gguf");
        const QJsonArray models = listed();
        QCOMPARE(models.size(), 1);
        QCOMPARE(models[0]["name"].toString(), QString("Qwen/Tiny-GGUF:Q4_K_M"));
        QCOMPARE(models[0]["hub"].toString(), QString("modelscope"));
    }

    void brokenSplitInTheListingIsRefused() {
        const Run pull = pagoda({"pull", "Broken/Split-GGUF:Q4_K_M", "--endpoint", endpoint()});
        QCOMPARE(pull.exitCode, 1);
        QVERIFY2(pull.err.contains("without part 2 of 3 (broken-q4_k_m-00002-of-00003.gguf)"), qPrintable(pull.err));
    }

    void lyingHashIsAnErrorAndNoFileIsKept() {
        const Run pull = pagoda({"pull", "Liar/Tiny-GGUF:Q4_K_M", "--endpoint", endpoint()});
        QCOMPARE(pull.exitCode, 1);
        QVERIFY2(pull.err.contains("liar-q4_k_m.gguf") && pull.err.contains("sha256 mismatch") &&
                     pull.err.contains("deleted"),
                 qPrintable(pull.err));
        const QString folder = modelsRoot() + "/huggingface/Liar/Tiny-GGUF";
        QVERIFY(!QFileInfo::exists(folder + "/liar-q4_k_m.gguf"));
        QVERIFY(!QFileInfo::exists(folder + "/liar-q4_k_m.gguf.incomplete"));
        QCOMPARE(listed()[0].toObject()["status"].toString(), QString("incomplete"));
    }

    void lyingSizeIsAnErrorAndNoFileIsKept() {
        const Run pull = pagoda({"pull", "Liar/Tiny-GGUF:Q8_0", "--endpoint", endpoint()});
        QCOMPARE(pull.exitCode, 1);
        QVERIFY2(pull.err.contains("liar-q8_0.gguf") && pull.err.contains("more than the"), qPrintable(pull.err));
        const QString path = modelsRoot() + "/huggingface/Liar/Tiny-GGUF/liar-q8_0.gguf";
        QVERIFY(!QFileInfo::exists(path));
        QCOMPARE(QFileInfo(path + ".incomplete").size(), qint64(0));  // nothing of the wrong file is kept
    }

    void interruptedPartResumes() {
        m_hub->addFaults({QJsonObject{{"kind", "gate"}, {"path", "tiny-f16-00002"}, {"step_bytes", 4096}, {"count", 0}}});
        m_hub->releasePieces(6);  // 24 KiB of 60: at least 8 KiB get past the writer's 16 KiB buffer
        const QString partial = tinyFolder() + "/tiny-f16-00002-of-00002.gguf.incomplete";
        QProcess first;
        first.setProcessEnvironment(cleanEnvironment());
        first.start(PAGODA_EXECUTABLE, {"pull", "Qwen/Tiny-GGUF:F16", "--endpoint", endpoint()});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() >= 8192, test::kPatienceMs);
        first.kill();
        QVERIFY(first.waitForFinished(test::kPatienceMs));
        const qint64 kept = QFileInfo(partial).size();
        m_hub->releasePieces(1000);

        const Run second = pagoda({"pull", "Qwen/Tiny-GGUF:F16", "--endpoint", endpoint()});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY(!QFileInfo::exists(partial));
        QString lastRange;
        for (const QJsonValue& v : m_hub->log())
            if (v.toObject()["path"].toString().contains("tiny-f16-00002") && v.toObject()["server"].toString() == "cdn")
                lastRange = v.toObject()["range"].toString();
        QCOMPARE(lastRange, QString("bytes=%1-").arg(kept));
        QCOMPARE(listed()[0].toObject()["status"].toString(), QString("ready"));
    }

    // The queue (the Models page's download service): a quant is keyed by its tag, announces
    // nothing when named, and cancelling it deletes its own files only.
    void cancellingAQuantKeepsTheOthers() {
        QCOMPARE(pagoda({"pull", "Qwen/Tiny-GGUF:Q8_0", "--endpoint", endpoint()}).exitCode, 0);
        m_hub->addFaults({QJsonObject{{"kind", "gate"}, {"path", "tiny-f16-00002"}, {"step_bytes", 4096}, {"count", 0}}});
        QTemporaryDir state;
        hub::DownloadQueue::Options options;
        options.endpointFor = [this](hub::HubKind kind) { return hub::HubEndpoint{kind, m_hub->hubUrl(), {}, false}; };
        options.stateFile = state.path() + "/downloads.json";
        options.transfer.stallSeconds = test::kPatienceMs / 1000;  // the gate holds the transfer, not a stall
        hub::DownloadQueue queue(options);
        QSignalSpy planned(&queue, &hub::DownloadQueue::planned);
        QSignalSpy finished(&queue, &hub::DownloadQueue::finished);
        const QString key = queue.enqueue({hub::HubKind::HuggingFace, "Qwen/Tiny-GGUF", {}, {"f16", {}}});
        QCOMPARE(key, QString("huggingface:qwen/tiny-gguf:f16"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(tinyFolder() + "/tiny-f16-00002-of-00002.gguf.incomplete"), test::kPatienceMs);
        queue.cancel(key);
        QVERIFY(finished.wait(test::kPatienceMs));
        QVERIFY(!finished.at(0).at(1).toBool());
        QCOMPARE(planned.count(), 0);  // a named quant is not a choice Pagoda made
        QCOMPARE(filesUnder(tinyFolder()), QStringList({".pagoda-manifest.Q8_0.json", "LICENSE", "README.md", "tiny-q8_0.gguf"}));
        QCOMPARE(listed().size(), 1);
    }

    // --- the library and --model ---

    void twoQuantsAreTwoModelsEachByItsTag() {
        QCOMPARE(pagoda({"pull", "Qwen/Tiny-GGUF:Q8_0", "--endpoint", endpoint()}).exitCode, 0);
        QCOMPARE(pagoda({"pull", "Qwen/Tiny-GGUF:F16", "--endpoint", endpoint()}).exitCode, 0);
        const QJsonArray models = listed();
        QCOMPARE(models.size(), 2);
        QMap<QString, QJsonObject> byName;
        for (const QJsonValue& m : models) byName[m["name"].toString()] = m.toObject();
        QCOMPARE(byName.keys(), QStringList({"Qwen/Tiny-GGUF:F16", "Qwen/Tiny-GGUF:Q8_0"}));
        const QJsonObject q8 = byName["Qwen/Tiny-GGUF:Q8_0"], f16 = byName["Qwen/Tiny-GGUF:F16"];
        QCOMPARE(q8["id"].toString(), QString("Qwen/Tiny-GGUF"));
        QCOMPARE(q8["status"].toString(), QString("ready"));
        QCOMPARE(q8["architecture"].toString(), QString("qwen2 (GGUF)"));
        QCOMPARE(q8["folder"].toString(), tinyFolder() + "/tiny-q8_0.gguf");
        QCOMPARE(qint64(q8["sizeOnDisk"].toDouble()), qint64(m_q8.size()));
        const qint64 f16Bytes = QFileInfo(tinyFolder() + "/tiny-f16-00001-of-00002.gguf").size() +
                                QFileInfo(tinyFolder() + "/tiny-f16-00002-of-00002.gguf").size();
        QCOMPARE(qint64(f16["sizeOnDisk"].toDouble()), f16Bytes);  // the sum of the parts
        QCOMPARE(f16["contextLength"].toInt(), 8192);
        // The estimate counts the files' bytes as the weights, plus the KV cache of the metadata's shape.
        QVERIFY(f16["memoryBytes"].toDouble() > q8["memoryBytes"].toDouble());
        QCOMPARE(qint64(f16["memoryBytes"].toDouble() - q8["memoryBytes"].toDouble()), f16Bytes - m_q8.size());
        QVERIFY(!q8["fit"].toString().isEmpty());

        const Run table = pagoda({"list"});
        QVERIFY2(table.out.contains("huggingface:Qwen/Tiny-GGUF:Q8_0") && table.out.contains("huggingface:Qwen/Tiny-GGUF:F16"),
                 qPrintable(table.out));

        // --model Owner/Repo:TAG reaches the engine as the quant's file (first part when split).
        const Run q8Run = pagoda({"generate", "--model", "qwen/tiny-gguf:Q8_0", "--prompt-ids", "1", "--max-tokens", "1"});
        QVERIFY2(q8Run.err.contains("tiny-q8_0.gguf"), qPrintable(q8Run.err));
        const Run f16Run = pagoda({"generate", "--model", "Qwen/Tiny-GGUF:f16", "--prompt-ids", "1", "--max-tokens", "1"});
        QVERIFY2(f16Run.err.contains("tiny-f16-00001-of-00002.gguf"), qPrintable(f16Run.err));
        // Without a tag, two quants and no Q4_K_M: the names to choose from, not a guess.
        const Run ambiguous = pagoda({"generate", "--model", "Qwen/Tiny-GGUF", "--prompt-ids", "1"});
        QCOMPARE(ambiguous.exitCode, 1);
        QVERIFY2(ambiguous.err.contains("2 quantizations downloaded") && ambiguous.err.contains("Qwen/Tiny-GGUF:Q8_0") &&
                     ambiguous.err.contains("Qwen/Tiny-GGUF:F16"),
                 qPrintable(ambiguous.err));
        const Run absent = pagoda({"generate", "--model", "Qwen/Tiny-GGUF:Q4_K_M", "--prompt-ids", "1"});
        QCOMPARE(absent.exitCode, 1);
        QVERIFY2(absent.err.contains("pagoda pull Qwen/Tiny-GGUF:Q4_K_M"), qPrintable(absent.err));

        // rm takes one quant; the other and the shared README stay.
        const Run rm = pagoda({"rm", "Qwen/Tiny-GGUF:Q8_0"});
        QVERIFY2(rm.exitCode == 0, qPrintable(rm.err));
        QCOMPARE(filesUnder(tinyFolder()), QStringList({".pagoda-manifest.F16.json", "LICENSE", "README.md",
                                                         "tiny-f16-00001-of-00002.gguf", "tiny-f16-00002-of-00002.gguf"}));
        QCOMPARE(listed().size(), 1);
        QCOMPARE(pagoda({"rm", "Qwen/Tiny-GGUF:f16"}).exitCode, 0);
        QVERIFY(!QFileInfo::exists(tinyFolder()));
    }

    void untaggedNameIsTheDefaultQuantWhenDownloaded() {
        QCOMPARE(pagoda({"pull", "Qwen/Tiny-GGUF:Q8_0", "--endpoint", endpoint()}).exitCode, 0);
        QCOMPARE(pagoda({"pull", "Qwen/Tiny-GGUF:Q4_K_M", "--endpoint", endpoint()}).exitCode, 0);
        const Run run = pagoda({"generate", "--model", "Qwen/Tiny-GGUF", "--prompt-ids", "1", "--max-tokens", "1"});
        QVERIFY2(run.err.contains("tiny-q4_k_m.gguf") && !run.err.contains("quantizations downloaded"), qPrintable(run.err));
    }

    // The done-when: pull a GGUF repo's default quant from the hub, then chat with it by its name.
    void pullThenChatWithTheQuant() {
        const Run pull = pagoda({"pull", "Qwen/Fixture-GGUF", "--endpoint", endpoint()});
        QVERIFY2(pull.exitCode == 0, qPrintable(pull.err));
        QVERIFY2(pull.out.contains("taking Q4_K_M"), qPrintable(pull.out));
        test::ProcessOptions options;
        options.environment = cleanEnvironment();
        options.timeoutMs = 120000;
        options.input = "hello\n";
        const Run chat = test::runProcess(PAGODA_EXECUTABLE, {"chat", "--model", "Qwen/Fixture-GGUF:q4_k_m", "--max-tokens", "4"}, options);
        QVERIFY2(chat.exitCode == 0, qPrintable(chat.err));
        QVERIFY2(chat.out.contains("ASSISTANT:"), qPrintable(chat.out));
        QVERIFY2(!chat.err.contains("error", Qt::CaseInsensitive), qPrintable(chat.err));
        // The other quant too, once pulled, by its own tag.
        QCOMPARE(pagoda({"pull", "Qwen/Fixture-GGUF:Q8_0", "--endpoint", endpoint()}).exitCode, 0);
        const Run generate = pagoda({"generate", "--model", "Qwen/Fixture-GGUF:Q8_0", "--prompt-ids", "1,2,3", "--max-tokens", "3"});
        QVERIFY2(generate.exitCode == 0, qPrintable(generate.err));
    }

    // --- search ---

    void searchShowsAGgufRepoWithItsQuantsSizesAndFit() {
        const Run search = pagoda({"search", "Tiny-GGUF", "--endpoint", endpoint()});
        QVERIFY2(search.exitCode == 0, qPrintable(search.err));
        const QStringList lines = search.out.split('\n', Qt::SkipEmptyParts);
        const qsizetype row = lines.indexOf(QRegularExpression("^Qwen/Tiny-GGUF .* GGUF$"));
        QVERIFY2(row > 0, qPrintable(search.out));
        auto blockAfter = [&](qsizetype at) {
            QStringList block;
            for (qsizetype i = at + 1; i < lines.size() && lines[i].startsWith("    "); ++i) block << lines[i].simplified();
            return block;
        };
        const QStringList quants = blockAfter(row);
        QCOMPARE(quants.size(), 5);  // mmproj is not a model; the shape (KV cache) came from the base model's config.json
        // Smallest first, each with its size (the sum of the parts) and a fit label.
        QVERIFY2(quants[0].startsWith(":Q4_K_S ") && quants[4].startsWith(":F16 ") && quants[4].endsWith("2 parts"),
                 qPrintable(quants.join('\n')));
        for (const QString& q : quants)
            QVERIFY2(q.contains(QRegularExpression("\\((fits|tight|won't fit|unknown)\\)")), qPrintable(q));
        const QString q8 = quants.filter(":Q8_0 ").first();
        QVERIFY2(q8.contains(pagoda::hub::formatBytes(m_q8.size())), qPrintable(q8));
        // Without a config.json anywhere the estimate says what it leaves out.
        const QStringList liar = blockAfter(lines.indexOf(QRegularExpression("^Liar/Tiny-GGUF .* GGUF$")));
        QCOMPARE(liar.size(), 3);
        QVERIFY2(liar[2].contains("leaves out the KV cache"), qPrintable(liar.join('\n')));
    }
};

QTEST_GUILESS_MAIN(HubGgufTest)
#include "hub_gguf_test.moc"
