// The Settings and Server pages and the status panel, driven as a user would on the
// offscreen platform, over the real services: a tiny model really loads and reloads, the
// API really listens, and HTTP calls go over loopback sockets.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "app/desktop/desktop_services.h"
#include "engine/cache/kv_cache_sizing.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/patience.h"
#include "ui/server/server_page.h"
#include "ui/settings/app_preferences_panel.h"
#include "ui/settings/engine_settings_panel.h"
#include "ui/settings/settings_page.h"
#include "ui/status/metrics_history.h"
#include "ui/status/performance_view.h"
#include "ui/status/status_panel.h"

using namespace pagoda;
using test::child;
using namespace pagoda::ui;

namespace {

// Qwen2.5-0.5B's shape with round weights, so every number below can be checked by hand.
hub::ModelShape knownShape() {
    hub::ModelShape s;
    s.numLayers = 24;
    s.numKvHeads = 2;
    s.headDim = 64;
    s.hiddenSize = 896;
    s.intermediateSize = 4864;
    s.vocabSize = 151936;
    s.weightBytes = 1'000'000'000;
    s.maxContext = 32768;
    return s;
}

constexpr qint64 k16GiB = qint64(16) << 30;

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

}  // namespace

class SettingsServerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const QString folder = m_dir.filePath("tiny-chat");
        QVERIFY(QDir().mkpath(folder));
        test::makeChatModelDir(folder.toStdString());
        // A context of 2M tokens: 16 sequences of it need more KV cache than any budget here
        // gives, so the slider (not the pool's useful maximum) decides the pool, as for real models.
        QFile config(folder + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(config.readAll()).object();
        config.close();
        json["max_position_embeddings"] = 1 << 21;
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(QJsonDocument(json).toJson());
        config.close();
        m_services = std::make_unique<DesktopServices>();
        auto model = m_services->library().importFolder(folder);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        m_model = *model;
    }

    // The XDG folders outlive a run: every test starts from the default server settings.
    void init() {
        m_services->server().stop();
        m_services->settings().setServer(store::ServerSettings{});
    }

    // Hand-checked: KV per token = 24 layers x (K+V) x 2 heads x 64 x 4 B = 24,576 B, a block
    // of 16 tokens 393,216 B; overhead = 256 MiB + (2048 x 19,328 + 64 x 152,832) x 4 B
    // = 465,895,424 B.
    // 2 sequences of at most 4096 tokens can use 512 blocks; a budget that holds 641 stops there
    // and leaves the rest of the memory to the system.
    void poolStopsAtWhatTheSequencesCanUse() {
        EngineSettings s;
        s.memoryUtilization = 0.10;
        s.maxNumSeqs = 2;
        s.maxModelLen = 4096;
        const EngineEstimate e = estimateEngine(knownShape(), s, k16GiB);
        QCOMPARE(e.kvTokens, 2 * 4096);
        QCOMPARE(e.kvCacheBytes, qint64(512) * 393'216);
        QCOMPARE(e.maxContext, 4096);
        QCOMPARE(e.fullLengthSequences, 2);
        QCOMPARE(e.unusedBytes, qint64(252'091'494) - qint64(512) * 393'216);  // 129 blocks' worth

        s.maxNumSeqs = 16;  // 16 x 4096 tokens need 4096 blocks: the budget is the limit again
        const EngineEstimate budgetBound = estimateEngine(knownShape(), s, k16GiB);
        QCOMPARE(budgetBound.unusedBytes, qint64(0));
        QCOMPARE(budgetBound.fullLengthSequences, 641 * 16 / 4096);
    }

    // The laptop: 23.6 GiB, 14 GiB free, and a fresh profile started at 60 % (14.2 GiB,
    // more than was free). The default now leaves the desktop a tenth of the memory.
    void aFreshProfileTakesTheShareThatIsFree() {
        const qint64 gib = qint64(1) << 30;
        const qint64 laptop = qint64(23.6 * double(gib));
        const double share = defaultMemoryUtilization(Backend::Cpu, laptop, 14 * gib);
        QCOMPARE(share, 0.45);  // (14 - 2.36) / 23.6 = 49 %, down to 45 %
        QVERIFY(share * double(laptop) <= double(14 * gib));
        QCOMPARE(defaultMemoryUtilization(Backend::Cpu, 16 * gib, 15 * gib), 0.80);
        QCOMPARE(defaultMemoryUtilization(Backend::Cpu, 8 * gib, gib), 0.10);           // at least 10 %
        QCOMPARE(defaultMemoryUtilization(Backend::Cpu, 256 * gib, 255 * gib), 0.85);  // a tenth stays free
        QCOMPARE(defaultMemoryUtilization(Backend::Cpu, 0, 0), 0.6);                   // unknown: as before
        QCOMPARE(defaultMemoryUtilization(Backend::Cuda, 16 * gib, gib), 0.9);        // vLLM's default

        const EngineSettings saved = m_services->settings().engine();
        {
            QSettings file(QSettings::IniFormat, QSettings::UserScope, "pagoda", "pagoda");
            file.remove("engine/memoryUtilization");
        }
        const double machine = defaultMemoryUtilization(Backend::Cpu, hub::totalMemoryBytes(), hub::availableMemoryBytes());
        const double fresh = store::AppSettings().engine().memoryUtilization;
        m_services->settings().setEngine(saved);
        // One 5 % step of slack: free memory may move between the two readings.
        QVERIFY2(qAbs(fresh - machine) <= 0.05 + 1e-9, qPrintable(QString("%1 vs %2").arg(fresh).arg(machine)));
    }

    void estimateArithmeticOnAKnownShape() {
        EngineSettings s;
        s.memoryUtilization = 0.10;
        EngineEstimate e = estimateEngine(knownShape(), s, k16GiB);
        QCOMPARE(e.budgetBytes, qint64(1'717'986'918));
        QCOMPARE(e.weightBytes, qint64(1'000'000'000));
        QCOMPARE(e.overheadBytes, qint64(465'895'424));
        QCOMPARE(e.kvCacheBytes, qint64(252'091'494));  // 1,717,986,918 - 1e9 - 465,895,424
        QCOMPARE(e.kvTokens, 641 * 16);                 // 252,091,494 / 393,216 = 641.1 blocks
        QCOMPARE(e.maxContext, 10256);
        QVERIFY(e.fits);
        QVERIFY2(e.summary.contains("10,256 tokens"), qPrintable(e.summary));

        s.maxModelLen = 4096;  // the user's limit wins when shorter
        QCOMPARE(estimateEngine(knownShape(), s, k16GiB).maxContext, 4096);

        s = {};
        s.memoryUtilization = 0.25;  // the model's own maximum caps the context
        e = estimateEngine(knownShape(), s, k16GiB);
        QCOMPARE(e.kvTokens, 7194 * 16);
        QCOMPARE(e.maxContext, 32768);

        s.memoryUtilization = 0.05;  // 859 MB cannot hold 1 GB of weights
        e = estimateEngine(knownShape(), s, k16GiB);
        QCOMPARE(e.kvCacheBytes, qint64(0));
        QCOMPARE(e.kvTokens, 0);
        QVERIFY(!e.fits);
    }

    // The engine's own sizing, given the bytes engineOptionsFor passes, builds exactly the
    // estimated number of blocks: both count KV bytes per token the same way.
    void engineOptionsGiveTheEngineTheEstimatedPool() {
        hub::LocalModel model = m_model;
        model.shape = knownShape();
        EngineSettings s;
        s.memoryUtilization = 0.10;
        s.maxModelLen = 8000;
        s.maxNumSeqs = 7;
        const EngineOptions options = engineOptionsFor(model, s, k16GiB);
        QCOMPARE(qint64(options.kvCacheMemoryBytes), qint64(252'091'494));
        QCOMPARE(options.maxModelLen, 8000);
        QCOMPARE(options.maxNumSeqs, 7);
        QCOMPARE(QString::fromStdString(options.modelDir.string()), m_model.folder);
        ModelConfig config;
        config.numLayers = 24;
        config.numKvHeads = 2;
        config.headDim = 64;
        config.maxPositionEmbeddings = 32768;
        const KvCacheSizing sizing = sizeKvCache(config, options.kvCacheMemoryBytes, hub::kKvBlockTokens, 0, 4);
        QCOMPARE(sizing.numBlocks * hub::kKvBlockTokens, estimateEngine(knownShape(), s, k16GiB).kvTokens);

        s.memoryUtilization = 0.05;  // nothing fits: still one block, so the engine starts and says why
        QCOMPARE(qint64(engineOptionsFor(model, s, k16GiB).kvCacheMemoryBytes), qint64(393'216));
    }

    void maxContextGrowsWithUtilization() {
        hub::ModelShape shape = knownShape();
        shape.maxContext = 1 << 20;  // long enough that memory, not the model, is the limit
        int previous = 0;
        for (int percent = 10; percent <= 95; percent += 5) {
            EngineSettings s;
            s.memoryUtilization = percent / 100.0;
            const EngineEstimate e = estimateEngine(shape, s, k16GiB);
            QVERIFY2(e.maxContext > previous, qPrintable(QString("%1 % gives %2").arg(percent).arg(e.maxContext)));
            QCOMPARE(e.maxContext % hub::kKvBlockTokens, 0);
            previous = e.maxContext;
        }
    }

    void cudaIsOffWithAReason() {
        const BackendAvailability backends = detectBackends();
        QVERIFY(!backends.cuda);
        // This machine has no driver (the probe's own suite covers the other reasons with fakes).
        if (!QLibrary("cuda", 1).load())
            QVERIFY2(backends.cudaReason.startsWith("no NVIDIA driver"), qPrintable(backends.cudaReason));
        QVERIFY(hub::totalMemoryBytes() > 0);
    }

    void apiKeysAreRandomAndWellFormed() {
        const QString a = ServerController::generateApiKey(), b = ServerController::generateApiKey();
        QVERIFY2(QRegularExpression("^sk-pagoda-[0-9a-f]{32}$").match(a).hasMatch(), qPrintable(a));
        QVERIFY(a != b);
        QCOMPARE(ServerController::baseUrlFor("0.0.0.0", 8000), QString("http://127.0.0.1:8000/v1"));
        QCOMPARE(ServerController::baseUrlFor("192.168.1.5", 1234), QString("http://192.168.1.5:1234/v1"));
    }

    void withoutAModelTheEstimateWaitsAndTheSwitchIsOff() {
        m_services->loader().unload();
        SettingsPage settings(*m_services);
        QVERIFY(child<QLabel>(settings, "estimateLabel")->text().contains("Load a model"));
        ServerPage server(*m_services);
        QVERIFY(!child<QPushButton>(server, "serverSwitch")->isEnabled());
        QVERIFY(!child<QLabel>(server, "switchHint")->isHidden());
    }

    void movingTheSliderChangesTheEstimate() {
        ensureLoaded(0.20);
        SettingsPage page(*m_services);
        auto* slider = child<QSlider>(page, "memorySlider");
        auto* estimate = child<QLabel>(page, "estimateLabel");
        QCOMPARE(slider->value(), 20);
        QVERIFY2(estimate->text().contains("tiny-chat"), qPrintable(estimate->text()));
        // No GPU here: the share is of the system's memory, and the label says so.
        QCOMPARE(child<QLabel>(page, "memoryLabel")->text(), QString("System memory budget"));
        const QString before = estimate->text();
        slider->setValue(30);
        QVERIFY(estimate->text() != before);
        EngineSettings expected = m_services->settings().engine();
        expected.memoryUtilization = 0.30;
        const QString tokens = QLocale().toString(estimateEngine(m_model.shape, expected, hub::totalMemoryBytes()).kvTokens);
        QVERIFY2(estimate->text().contains(tokens), qPrintable(estimate->text() + " lacks " + tokens));
    }

    // Right and PageUp on the slider, as a keyboard user moves it: the share in GiB, the free
    // memory beside it and the estimate follow each step.
    void sliderKeysShowTheShareInGiBBesideTheFreeMemory() {
        ensureLoaded(0.20);
        EngineSettingsPanel panel(*m_services, nullptr, [] { return qint64(14) << 30; });
        QSignalSpy shown(&panel, &EngineSettingsPanel::freeMemoryShown);
        QVERIFY(shown.wait(test::kPatienceMs));
        auto* slider = child<QSlider>(panel, "memorySlider");
        auto* value = child<QLabel>(panel, "memoryValue");
        auto* free = child<QLabel>(panel, "freeMemoryLabel");
        auto* estimate = child<QLabel>(panel, "estimateLabel");
        QVERIFY(!free->isHidden());
        QVERIFY2(free->text().contains("14.0 GiB"), qPrintable(free->text()));
        // The loaded model's memory comes back when Apply reloads it, so it counts as room.
        QVERIFY2(free->text().contains("loaded model"), qPrintable(free->text()));
        const qint64 total = hub::totalMemoryBytes();
        for (auto [key, percent] : {std::pair{Qt::Key_Right, 21}, std::pair{Qt::Key_PageUp, 26}}) {
            const QString before = estimate->text();
            QTest::keyClick(slider, key);
            QCOMPARE(slider->value(), percent);
            const QString share = hub::formatBytes(qint64(double(total) * percent / 100.0));
            QVERIFY2(value->text().contains(share), qPrintable(value->text() + " lacks " + share));
            QCOMPARE(slider->accessibleDescription(), value->text());
            QVERIFY2(estimate->text() != before, qPrintable(before));
            EngineSettings expected = panel.current();
            QCOMPARE(expected.memoryUtilization, percent / 100.0);
            const QString tokens = QLocale().toString(estimateEngine(m_model.shape, expected, total).kvTokens);
            QVERIFY2(estimate->text().contains(tokens), qPrintable(estimate->text() + " lacks " + tokens));
        }
    }

    // A share above the memory free now says what will happen and what to do; back under it,
    // the warning goes.
    void aShareAboveTheFreeMemoryWarns() {
        m_services->loader().unload();  // nothing held: the free memory is all the room there is
        EngineSettings s = m_services->settings().engine();
        s.memoryUtilization = 0.30;
        m_services->settings().setEngine(s);
        const qint64 total = hub::totalMemoryBytes();
        const qint64 free = qint64(double(total) * 0.305);  // 30 % fits, 31 % does not
        EngineSettingsPanel panel(*m_services, nullptr, [free] { return free; });
        QSignalSpy shown(&panel, &EngineSettingsPanel::freeMemoryShown);
        QVERIFY(shown.wait(test::kPatienceMs));
        auto* slider = child<QSlider>(panel, "memorySlider");
        auto* row = child<QWidget>(panel, "memoryWarningRow");
        auto* warning = child<QLabel>(panel, "memoryWarning");
        QCOMPARE(slider->value(), 30);
        QVERIFY(row->isHidden());
        QTest::keyClick(slider, Qt::Key_Right);
        QVERIFY(!row->isHidden());
        QVERIFY2(warning->text().contains(hub::formatBytes(free) + " free now"), qPrintable(warning->text()));
        QVERIFY2(warning->text().contains("swap"), qPrintable(warning->text()));
        QVERIFY2(warning->text().contains("30 % or less"), qPrintable(warning->text()));
        QTest::keyClick(slider, Qt::Key_Left);
        QVERIFY(row->isHidden());
    }

    // The demo model's 512-token context: 16 sequences of it fill the KV pool at any share,
    // so the token counts cannot move; what the rest of the budget does must, step by step.
    void theEstimateMovesWhenTheSequencesCannotUseMore() {
        ensureLoaded(0.20);
        SettingsPage page(*m_services);
        child<QSpinBox>(page, "maxContextSpin")->setValue(512);
        auto* slider = child<QSlider>(page, "memorySlider");
        auto* estimate = child<QLabel>(page, "estimateLabel");
        const QString before = estimate->text();
        QTest::keyClick(slider, Qt::Key_PageUp);
        QCOMPARE(slider->value(), 25);
        QVERIFY2(estimate->text() != before, qPrintable(before));
        auto* panel = page.findChild<EngineSettingsPanel*>();
        QVERIFY(panel);
        const EngineEstimate e = estimateEngine(m_model.shape, panel->current(), hub::totalMemoryBytes());
        QVERIFY(e.unusedBytes > 0);
        QVERIFY2(estimate->text().contains(hub::formatBytes(e.unusedBytes)), qPrintable(estimate->text()));
    }

    void applyReloadsWithTheEstimatedKvPool() {
        ensureLoaded(0.20);
        const int blocksBefore = m_services->host().cacheSizing()->numBlocks;
        SettingsPage page(*m_services);
        child<QSlider>(page, "memorySlider")->setValue(12);
        QSignalSpy finished(&m_services->loader(), &ModelLoader::loadFinished);
        child<QPushButton>(page, "applyButton")->click();
        QVERIFY(!child<QPushButton>(page, "applyButton")->isEnabled());  // busy until the reload ends
        QVERIFY(finished.wait(test::kPatienceMs));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(m_services->settings().engine().memoryUtilization, 0.12);

        const EngineEstimate e = estimateEngine(m_model.shape, m_services->settings().engine(), hub::totalMemoryBytes());
        const KvCacheSizing* cache = m_services->host().cacheSizing();
        QVERIFY(cache);
        QCOMPARE(cache->numBlocks, e.kvTokens / hub::kKvBlockTokens);
        QVERIFY(cache->numBlocks < blocksBefore);
        QCOMPARE(cache->maxModelLen, e.maxContext);
        QVERIFY(child<QPushButton>(page, "applyButton")->isEnabled());
        QVERIFY2(child<QLabel>(page, "applyResult")->text().contains(QLocale().toString(cache->numBlocks) + " blocks"),
                 qPrintable(child<QLabel>(page, "applyResult")->text()));
    }

    // The language is read at start: choosing one (with the keyboard, on the closed combo) says
    // so and offers Restart now, which calls the panel's restart; back to the language on
    // screen, there is nothing to restart for.
    void changingTheLanguageOffersARestart() {
        const QString saved = m_services->settings().language();
        m_services->settings().setLanguage(QString());  // System
        SettingsPage page(*m_services);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* panel = page.findChild<AppPreferencesPanel*>();
        QVERIFY(panel);
        int restarts = 0;
        panel->setRestart([&restarts] {
            ++restarts;
            return true;
        });
        auto* combo = child<QComboBox>(page, "languageCombo");
        auto* note = child<QLabel>(page, "languageNote");
        auto* restart = child<QPushButton>(page, "restartButton");
        QVERIFY(restart->isHidden());
        QTest::keyClick(combo, Qt::Key_Down);  // System -> English
        QCOMPARE(combo->currentData().toString(), QString("en"));
        QCOMPARE(m_services->settings().language(), QString("en"));
        QVERIFY(!note->isHidden());
        QVERIFY2(note->text().contains("after a restart"), qPrintable(note->text()));
        QVERIFY(!restart->isHidden());
        QTest::mouseClick(restart, Qt::LeftButton);
        QCOMPARE(restarts, 1);
        QVERIFY(!restart->isEnabled());  // quitting: no second copy

        QTest::keyClick(combo, Qt::Key_Up);  // back to System, the language on screen
        QVERIFY(restart->isHidden());
        QVERIFY(note->isHidden());

        panel->setRestart([] { return false; });  // the replacement could not start
        QTest::keyClick(combo, Qt::Key_Down);
        QTest::mouseClick(restart, Qt::LeftButton);
        QVERIFY2(note->text().contains("could not restart"), qPrintable(note->text()));
        m_services->settings().setLanguage(saved);
    }

    // Settings keep the choice; a name this build does not know loads the model as stored.
    void quantizationChoiceIsSaved() {
        const EngineSettings saved = m_services->settings().engine();
        EngineSettings s = saved;
        for (Quantization q : {Quantization::Int4, Quantization::Int8, Quantization::None}) {
            s.quantization = q;
            m_services->settings().setEngine(s);
            QCOMPARE(store::AppSettings().engine().quantization, q);  // a fresh reader: it is on disk
        }
        {
            QSettings file(QSettings::IniFormat, QSettings::UserScope, "pagoda", "pagoda");
            file.setValue("engine/quantization", "int3");
        }
        QCOMPARE(store::AppSettings().engine().quantization, Quantization::None);
        m_services->settings().setEngine(saved);
    }

    // The engine gets the choice for a 16-bit model on the CPU, and None for a GGUF model
    // (quantized already: the engine refuses --quantization for it) or on CUDA; the estimate
    // counts the weights as the choice makes them.
    void quantizationReachesTheEngineForSixteenBitModelsOnly() {
        hub::LocalModel model = m_model;
        model.parameters = 1'000'000;
        model.shape.weightBytes = 2'000'000;
        EngineSettings s;
        s.backend = Backend::Cpu;
        s.quantization = Quantization::Int8;
        QVERIFY(!isGgufModel(model));
        QCOMPARE(engineOptionsFor(model, s, k16GiB).quantization, Quantization::Int8);
        QCOMPARE(shapeAsLoaded(model, s).weightBytes, qint64(1'000'000));
        s.quantization = Quantization::Int4;
        QCOMPARE(engineOptionsFor(model, s, k16GiB).quantization, Quantization::Int4);
        QCOMPARE(shapeAsLoaded(model, s).weightBytes, qint64(562'500));  // 18 bytes per 32 weights
        s.quantization = Quantization::None;
        QCOMPARE(shapeAsLoaded(model, s).weightBytes, qint64(2'000'000));

        s.quantization = Quantization::Int4;
        s.backend = Backend::Cuda;
        QCOMPARE(engineOptionsFor(model, s, k16GiB).quantization, Quantization::None);
        QCOMPARE(shapeAsLoaded(model, s).weightBytes, qint64(2'000'000));

        QTemporaryDir ggufDir;
        QFile gguf(ggufDir.filePath("tiny-q4_k_m.gguf"));
        QVERIFY(gguf.open(QIODevice::WriteOnly));
        gguf.write("GGUF");
        gguf.close();
        hub::LocalModel ggufModel = model;
        ggufModel.folder = ggufDir.path();
        s.backend = Backend::Cpu;
        QVERIFY(isGgufModel(ggufModel));
        QCOMPARE(engineOptionsFor(ggufModel, s, k16GiB).quantization, Quantization::None);
        QCOMPARE(shapeAsLoaded(ggufModel, s).weightBytes, qint64(2'000'000));
        ggufModel.folder = gguf.fileName();  // a library GGUF model may be its file
        QVERIFY(isGgufModel(ggufModel));
        QCOMPARE(engineOptionsFor(ggufModel, s, k16GiB).quantization, Quantization::None);
    }

    // The page offers none / int8 / int4 with what each costs, says GGUF models are not
    // affected, and Apply saves the choice and reloads the model with it.
    void quantizationIsChosenOnThePageAndApplied() {
        ensureLoaded(0.20);
        SettingsPage page(*m_services);
        auto* combo = child<QComboBox>(page, "quantizationCombo");
        auto* note = child<QLabel>(page, "quantizationNote");
        QCOMPARE(combo->count(), 3);
        QCOMPARE(Quantization(combo->currentData().toInt()), Quantization::None);
        QVERIFY2(note->text().contains("No effect on GGUF models"), qPrintable(note->text()));
        auto* estimate = child<QLabel>(page, "estimateLabel");
        const QString weightsAsStored = estimate->text();
        combo->setCurrentIndex(combo->findData(int(Quantization::Int4)));
        QVERIFY2(note->text().contains("4 bits"), qPrintable(note->text()));
        QVERIFY2(estimate->text() != weightsAsStored, "int4 weights are smaller in the estimate");
        combo->setCurrentIndex(combo->findData(int(Quantization::Int8)));
        QVERIFY2(note->text().contains("8 bits"), qPrintable(note->text()));

        QSignalSpy finished(&m_services->loader(), &ModelLoader::loadFinished);
        child<QPushButton>(page, "applyButton")->click();
        QVERIFY(finished.wait(test::kPatienceMs));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(m_services->settings().engine().quantization, Quantization::Int8);
        QCOMPARE(m_services->loader().settings().quantization, Quantization::Int8);

        // Back to the default for the tests after this one.
        combo->setCurrentIndex(combo->findData(int(Quantization::None)));
        finished.clear();
        child<QPushButton>(page, "applyButton")->click();
        QVERIFY(finished.wait(test::kPatienceMs));
        QCOMPARE(m_services->settings().engine().quantization, Quantization::None);
    }

    void theSwitchServesTheApiAndLogsRequests() {
        ensureLoaded(0.12);
        ServerPage page(*m_services);
        auto* toggle = child<QPushButton>(page, "serverSwitch");
        QVERIFY(toggle->isEnabled());
        const quint16 port = freePort();
        child<QSpinBox>(page, "portSpin")->setValue(port);
        toggle->click();
        QVERIFY2(m_services->server().isRunning(), qPrintable(child<QLabel>(page, "serverError")->text()));
        QVERIFY(toggle->isChecked());
        const QString base = QString("http://127.0.0.1:%1/v1").arg(port);
        QCOMPARE(child<QLabel>(page, "baseUrlLabel")->text(), base);
        QVERIFY(child<QPlainTextEdit>(page, "curlSnippet")->toPlainText().contains(base + "/chat/completions"));
        QVERIFY(child<QPlainTextEdit>(page, "pythonSnippet")->toPlainText().contains("\"tiny-chat\""));
        if (!QStandardPaths::findExecutable("python3").isEmpty()) {  // the snippet is valid Python
            QProcess python;
            python.start("python3", {"-c", "import ast, sys; ast.parse(sys.stdin.read())"});
            python.write(child<QPlainTextEdit>(page, "pythonSnippet")->toPlainText().toUtf8());
            python.closeWriteChannel();
            QVERIFY(python.waitForFinished(test::kPatienceMs));
            QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        }
        QCOMPARE(m_services->settings().server().port, int(port));

        QNetworkAccessManager http;
        std::unique_ptr<QNetworkReply> models(http.get(QNetworkRequest(QUrl(base + "/models"))));
        QVERIFY(QSignalSpy(models.get(), &QNetworkReply::finished).wait(test::kPatienceMs));
        QCOMPARE(models->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(models->readAll().contains("\"tiny-chat\""));

        // Both calls are logged, the read and the generation, in order.
        QNetworkRequest post(QUrl(base + "/chat/completions"));
        post.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        const QByteArray body =
            "{\"model\":\"tiny-chat\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        std::unique_ptr<QNetworkReply> chat(http.post(post, body));
        QVERIFY(QSignalSpy(chat.get(), &QNetworkReply::finished).wait(test::kPatienceMs));
        QCOMPARE(chat->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        auto* log = child<QPlainTextEdit>(page, "requestLog");
        QTRY_VERIFY2_WITH_TIMEOUT(log->toPlainText().contains("POST /v1/chat/completions 200"),
                                  qPrintable(log->toPlainText()), test::kPatienceMs);
        QCOMPARE(m_services->server().log().size(), 2);
        QVERIFY(m_services->server().log().first().contains("GET /v1/models 200"));
        QCOMPARE(log->toPlainText(), m_services->server().log().join('\n'));

        // The curl snippet as pasted into a shell (asynchronously: the server shares this thread).
        if (!QStandardPaths::findExecutable("curl").isEmpty()) {
            QProcess shell;
            QSignalSpy done(&shell, &QProcess::finished);
            shell.start("sh", {"-c", child<QPlainTextEdit>(page, "curlSnippet")->toPlainText() + " --silent"});
            QVERIFY(done.wait(test::kPatienceMs));
            const QByteArray out = shell.readAllStandardOutput();
            QVERIFY2(out.contains("\"chat.completion\""), out.constData());
        }

        toggle->click();
        QVERIFY(!m_services->server().isRunning());
        QVERIFY(!toggle->isChecked());
        QTcpSocket socket;
        QSignalSpy refused(&socket, &QTcpSocket::errorOccurred);
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(refused.wait(test::kPatienceMs));
        QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
    }

    void aPortInUseIsShownAndTheSwitchStaysOff() {
        ensureLoaded(0.12);
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        ServerPage page(*m_services);
        page.show();
        child<QComboBox>(page, "hostCombo")->setCurrentIndex(0);
        child<QSpinBox>(page, "portSpin")->setValue(squatter.serverPort());
        auto* toggle = child<QPushButton>(page, "serverSwitch");
        toggle->click();
        QVERIFY(!m_services->server().isRunning());
        QVERIFY(!toggle->isChecked());
        auto* error = child<QLabel>(page, "serverError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QString::number(squatter.serverPort())), qPrintable(error->text()));
    }

    void theLocalNetworkWithoutAKeyWarns() {
        ServerPage page(*m_services);
        page.show();
        auto* host = child<QComboBox>(page, "hostCombo");
        auto* key = child<QLineEdit>(page, "apiKeyEdit");
        auto* warning = child<QLabel>(page, "lanWarning");
        key->clear();
        host->setCurrentIndex(0);
        QVERIFY(!warning->isVisible());
        host->setCurrentIndex(host->findData("0.0.0.0"));
        QVERIFY(warning->isVisible());
        QCOMPARE(m_services->settings().server().host, QString("0.0.0.0"));
        child<QPushButton>(page, "generateKeyButton")->click();
        QVERIFY(!warning->isVisible());
        QCOMPARE(m_services->settings().server().apiKey, key->text());
        QVERIFY(child<QPlainTextEdit>(page, "curlSnippet")->toPlainText().contains("Bearer " + key->text()));
        host->setCurrentIndex(0);
        auto* autoStart = child<QCheckBox>(page, "startWithModelCheck");
        autoStart->click();
        QCOMPARE(m_services->settings().server().startWithModel, autoStart->isChecked());
        autoStart->click();
        QCOMPARE(m_services->settings().server().startWithModel, autoStart->isChecked());
    }

    void theStatusPanelShowsModelAndKvUsage() {
        ensureLoaded(0.12);
        StatusPanel panel(*m_services);
        QCOMPARE(child<QLabel>(panel, "modelStatus")->text(), m_model.id);
        QCOMPARE(child<QLabel>(panel, "backendStatus")->text(), QString("CPU"));
        const QString total = QLocale().toString(m_services->host().cacheSizing()->numBlocks);
        QTRY_VERIFY2_WITH_TIMEOUT(child<QLabel>(panel, "kvStatus")->text().contains("0 / " + total + " blocks"),
                                  qPrintable(child<QLabel>(panel, "kvStatus")->text()), test::kPatienceMs);
        QVERIFY(child<QLabel>(panel, "speedStatus")->text().contains("tokens/s"));
        child<QPushButton>(panel, "performanceButton")->click();
        auto* view = panel.findChild<PerformanceView*>();
        QVERIFY(view && view->isVisible());
    }

    void tokensPerSecondComeFromTheGrowthOfTheCount() {
        MetricsHistory history;
        MetricsSnapshot m;
        m.kvBlocksTotal = 200;
        m.kvBlocksUsed = 50;
        QCOMPARE(history.add(0, m).tokensPerSecond, 0.0);  // no rate from one sample
        m.generationTokens = 10;
        QCOMPARE(history.add(0.5, m).tokensPerSecond, 20.0);
        QCOMPARE(history.last().kvPercent, 25.0);
        m.generationTokens = 2;  // a reload restarted the count
        QCOMPARE(history.add(1.0, m).tokensPerSecond, 0.0);
        history.add(MetricsHistory::kWindowSeconds + 0.75, m);
        QCOMPARE(history.samples().size(), size_t(2));  // 0 and 0.5 are older than two minutes: dropped
        QCOMPARE(history.samples().front().seconds, 1.0);
    }

private:
    // Loads the fixture with this memory budget unless it is already loaded with it.
    void ensureLoaded(double utilization) {
        ModelLoader& loader = m_services->loader();
        if (loader.state() == ModelLoader::State::Loaded && loader.settings().memoryUtilization == utilization) return;
        EngineSettings s = m_services->settings().engine();
        s.memoryUtilization = utilization;
        m_services->settings().setEngine(s);
        QSignalSpy finished(&loader, &ModelLoader::loadFinished);
        loader.load(m_model, s);
        QVERIFY(finished.wait(test::kPatienceMs));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    }

    QTemporaryDir m_dir;
    std::unique_ptr<DesktopServices> m_services;
    hub::LocalModel m_model;
};

QTEST_MAIN(SettingsServerTest)
#include "settings_server_test.moc"
