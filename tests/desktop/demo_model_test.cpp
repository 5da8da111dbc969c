// The demo model that ships with Pagoda (resources/demo-model), as a newcomer meets it: the
// library finds it where the build put it, the first window start loads it with nothing else
// on the machine, and it answers a chat through the app's own path (library → ModelLoader →
// engine → ConversationSession) with exactly the greedy tokens transformers chose for it
// (tests/fixtures/demo_model/greedy_truth.json, written by tests/tools/train_demo_model.py).
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QCheckBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "app/hub/model_paths.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/patience.h"
#include "ui/chat/chat_page.h"
#include "ui/main_window.h"

using namespace pagoda;

namespace {

constexpr qint64 kMaxDemoBytes = 20 * 1000 * 1000;  // the budget for the shipped folder

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QString sha256Of(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

qint64 folderBytes(const QString& folder) {
    qint64 total = 0;
    for (const QFileInfo& f : QDir(folder).entryInfoList(QDir::Files)) total += f.size();
    return total;
}

}  // namespace

class DemoModelTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_work;
    QJsonObject m_truth;

    // Services whose library holds nothing but the demo model, in its build-tree place.
    std::unique_ptr<DesktopServices> makeServices() {
        DesktopServices::Options options;
        options.databasePath = m_work.filePath("conversations.sqlite");
        options.library = {m_work.filePath("models"), m_work.filePath("hf"), m_work.filePath("ms"),
                           m_work.filePath("imports.json"), PAGODA_DEMO_MODEL_DIR};
        return std::make_unique<DesktopServices>(std::move(options));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_work.isValid());
        m_truth = readJson(PAGODA_SOURCE_DIR "/tests/fixtures/demo_model/greedy_truth.json");
        QVERIFY(!m_truth.value("cases").toArray().isEmpty());
    }

    void theBuildPutsTheDemoModelWhereTheAppLooks() {
        // Test executables live one folder below the build root, like build/app/pagoda.
        QCOMPARE(hub::bundledModelFolder(), QDir::cleanPath(PAGODA_DEMO_MODEL_DIR));
        QCOMPARE(hub::LibraryLocations::fromEnvironment().bundledModel, hub::bundledModelFolder());
        const auto demo = hub::ModelLibrary(makeServices()->library().locations()).find(hub::kDemoModelId);
        QVERIFY(demo);
        QCOMPARE(demo->status, hub::ModelStatus::Ready);
        QCOMPARE(demo->source, hub::ModelSource::Bundled);
        QCOMPARE(demo->architecture, QString("Qwen2ForCausalLM"));
        QVERIFY2(folderBytes(demo->folder) <= kMaxDemoBytes, qPrintable(QString::number(folderBytes(demo->folder))));
        QVERIFY(QFileInfo::exists(demo->folder + "/README.md"));  // its model card
        // The truth below was computed on these very weights.
        QCOMPARE(sha256Of(demo->folder + "/model.safetensors"), m_truth.value("model_safetensors_sha256").toString());
    }

    void firstStartLoadsTheDemoModelAndOffersIt() {
        auto services = makeServices();
        services->settings().setFirstRunDone(false);
        services->settings().setLastModel({});
        ui::MainWindow window(*services);
        window.show();
        QSignalSpy loaded(&services->loader(), &ModelLoader::loadFinished);
        window.restoreSession();
        QVERIFY(loaded.wait(test::kPatienceMs));
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
        QCOMPARE(services->loader().model()->id, QString(hub::kDemoModelId));
        // The welcome still proposes a real model, and says the demo is there meanwhile.
        auto* skip = test::child<QPushButton>(window, "skipButton");
        QCOMPARE(skip->text(), QString("Try the demo model"));
        QVERIFY(test::child<QLabel>(window, "demoNote")->isVisible());
        QTest::mouseClick(skip, Qt::LeftButton);
        QVERIFY(services->settings().firstRunDone());
    }

    void aLastModelThatIsGoneFallsBackToTheDemo() {
        auto services = makeServices();
        services->settings().setFirstRunDone(true);
        services->settings().setLastModel(m_work.filePath("deleted-model"));
        ui::MainWindow window(*services);
        QSignalSpy loaded(&services->loader(), &ModelLoader::loadFinished);
        window.restoreSession();
        QVERIFY(loaded.wait(test::kPatienceMs));
        QCOMPARE(services->loader().model()->id, QString(hub::kDemoModelId));
    }

    // Qwen2's template has no thinking mode: the chat does not offer one, and says why.
    void thinkingIsOffForTheDemoModel() {
        auto services = makeServices();
        const auto demo = services->library().find(hub::kDemoModelId);
        QVERIFY(demo);
        QSignalSpy loaded(&services->loader(), &ModelLoader::loadFinished);
        services->loader().load(*demo, services->settings().engine());
        QVERIFY(loaded.wait(test::kPatienceMs));
        chat::ConversationSession session(services->store(), [&](const store::GenerationSettings& s) {
            return services->generatorFor(s);
        });
        session.startNew(store::GenerationSettings{});
        ui::ChatPage page(*services, session);
        auto* thinking = test::child<QCheckBox>(page, "thinkingCheck");
        QVERIFY(!thinking->isEnabled());
        QVERIFY(!thinking->isChecked());
        QVERIFY2(thinking->toolTip().contains("think"), qPrintable(thinking->toolTip()));
    }

    void answersAChatAsTransformersDoes_data() {
        QTest::addColumn<QJsonObject>("truth");
        for (const QJsonValue& c : m_truth.value("cases").toArray()) {
            const QJsonObject truthCase = c.toObject();
            const QString prompt = truthCase.value("messages").toArray().last().toObject().value("content").toString();
            QTest::newRow(qPrintable(prompt)) << truthCase;
        }
    }

    void answersAChatAsTransformersDoes() {
        QFETCH(QJsonObject, truth);
        auto services = makeServices();
        const auto demo = services->library().find(hub::kDemoModelId);
        QVERIFY(demo);
        QSignalSpy loaded(&services->loader(), &ModelLoader::loadFinished);
        services->loader().load(*demo, services->settings().engine());
        QVERIFY(loaded.wait(test::kPatienceMs));
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));

        chat::ConversationSession session(services->store(), [&](const store::GenerationSettings& s) {
            return services->generatorFor(s);
        });
        store::GenerationSettings greedy;
        greedy.temperature = 0;
        greedy.maxTokens = m_truth.value("generated_by").toObject().value("max_new_tokens").toInt();
        session.startNew(greedy);
        session.send(truth.value("messages").toArray().last().toObject().value("content").toString());
        QTRY_VERIFY_WITH_TIMEOUT(!session.isGenerating(), test::kPatienceMs);

        const store::Message* answer = session.conversation().currentPath().back();
        QCOMPARE(answer->role, store::Role::Assistant);
        QCOMPARE(answer->stats.promptTokens, int(truth.value("prompt_ids").toArray().size()));
        QCOMPARE(answer->stats.completionTokens, int(truth.value("output_ids").toArray().size()) +
                                                     (truth.value("finished_by_eos").toBool() ? 1 : 0));
        QCOMPARE(answer->stats.finishReason, QString(truth.value("finished_by_eos").toBool() ? "stop" : "length"));
        QCOMPARE(answer->content, truth.value("text").toString());
    }
};

QTEST_MAIN(DemoModelTest)
#include "demo_model_test.moc"
